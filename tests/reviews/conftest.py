"""Acme's small scorecard made for the agenda: in February 2026 revenue turned red, margin
got worse (amber), steady stayed green, late's value is overdue and the CRM initiative is
behind; eve edits acme, vic views it, bob sees nothing of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.strategy.models import Unit
from tests.web import cards

TODAY = dt.date(2026, 4, 1)  # February's values are overdue from 2026-03-16 on
TARGETS = "{2026-01: {target: 700, red_flag: 500}, 2026-02: {target: 700, red_flag: 500}}"
ACME = (
    cards.HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
"""
    + cards.kpi("revenue", name="Revenue", targets=TARGETS, values="{2026-01: 800, 2026-02: 450}")
    + cards.kpi("margin", name="Margin", targets=TARGETS, values="{2026-01: 750, 2026-02: 650}")
    + cards.kpi("steady", name="Steady", targets=TARGETS, values="{2026-01: 720, 2026-02: 730}")
    + cards.kpi("late", name="Late", targets=TARGETS, values="{2026-01: 710}")
    + """\
    initiatives:
      - code: crm
        name: Roll out the CRM
        serves: [grow]
        start: 2026-01-01
        end: 2026-12-31
        progress: {2026-02: {complete: 2}}
  - code: sales
    name: Sales department
    parent: acme
    perspectives: []
"""
)


@dataclass
class People:
    eve: User  # editor of acme
    vic: User  # viewer of acme
    bob: User  # no role


@pytest.fixture
def acme(db: None) -> Unit:
    load(ACME, actor=None, source_name="acme.yaml")
    return Unit.objects.get(code="acme")


@pytest.fixture
def people(acme: Unit) -> People:
    def make(name: str, kind: str | None) -> User:
        user = User.objects.create_user(
            name, email=f"{name}@example.com", password="x", first_name=name.capitalize()
        )
        if kind:
            Role.objects.create(user=user, kind=kind, unit=acme)
        return user

    return People(make("eve", Role.Kind.EDITOR), make("vic", Role.Kind.VIEWER), make("bob", None))
