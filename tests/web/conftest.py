from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role


@pytest.fixture
def user(db: None) -> User:
    """A viewer of the whole organization."""
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    return ada


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
