from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from fourfold.strategy.models import Unit
from tests.web import cards


@pytest.fixture
def changed(db: None) -> User:
    """The small scorecard, then Eve corrects February's revenue from 600 to 650."""
    cards.load_small()
    eve = User.objects.create_user("eve", first_name="Eve", last_name="Adams")
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "2026-02", 650)],
        actor=eve,
        source=Source.MANUAL,
        reason="late invoice booked",
    )
    return eve


@pytest.fixture
def editor(changed: User) -> User:
    ed = User.objects.create_user("ed", first_name="Ed")
    Role.objects.create(user=ed, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="acme"))
    return ed
