from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from fourfold.measures.models import KPI
from tests.web import cards

TODAY = dt.date(2026, 4, 20)


@pytest.fixture
def people(db: None) -> dict[str, User]:
    """Ada enters revenue and complaints, Bob enters 'missing', Olga owns them all."""
    cards.load_small()
    ada = User.objects.create_user("ada", "ada@example.com", first_name="Ada")
    bob = User.objects.create_user("bob", "bob@example.com", first_name="Bob")
    olga = User.objects.create_user("olga", "olga@example.com", first_name="Olga")
    KPI.objects.update(owner=olga)
    KPI.objects.filter(code__in=["revenue", "complaints"]).update(contributor=ada)
    KPI.objects.filter(code="missing").update(contributor=bob)
    return {"ada": ada, "bob": bob, "olga": olga}
