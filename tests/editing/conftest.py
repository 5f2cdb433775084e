"""People with each role on the small Acme scorecard (acme, and sales below it)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.strategy.models import Unit
from tests.web import cards

PASSWORD = "correct horse battery"


def person(username: str, kind: str | None = None, unit: str | None = None) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@acme.example", password=PASSWORD, first_name=username.title()
    )
    if kind is not None:
        where = Unit.objects.get(code=unit) if unit else None
        Role.objects.create(user=user, kind=kind, unit=where)
    return user


@pytest.fixture
def acme(db: None) -> Unit:
    cards.load_small()
    return Unit.objects.get(code="acme")


@pytest.fixture
def editor(acme: Unit) -> User:
    return person("eve", Role.Kind.EDITOR, "acme")


@pytest.fixture
def viewer(acme: Unit) -> User:
    return person("vic", Role.Kind.VIEWER, "acme")


@pytest.fixture
def outsider(acme: Unit) -> User:
    return person("olga")


@pytest.fixture
def admin(acme: Unit) -> User:
    return person("ada", Role.Kind.ADMIN)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
