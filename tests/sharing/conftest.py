"""A small organization for the sharing tests: Acme with two divisions, East and Westland,
each with one KPI whose name is found nowhere else, and the people who receive its books."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.reports.models import BookTemplate
from fourfold.sharing.models import BookSchedule
from fourfold.strategy.models import Unit
from tests.web import cards

MONTHS = ", ".join(f"2026-{m:02}: {500 + 10 * m}" for m in range(1, 11))
TARGETS = ", ".join(f"2026-{m:02}: {{target: 600, red_flag: 500}}" for m in range(1, 13))


def _unit(code: str, name: str, kpi: str, parent: str = "", owner: str = "") -> str:
    text = f"  - code: {code}\n    name: {name}\n"
    text += f"    parent: {parent}\n" if parent else ""
    text += "    perspectives:\n      - code: fin\n        name: Financial\n        objectives:\n"
    text += f"          - code: {code}-grow\n            name: Grow {name}\n            kpis:\n"
    extra = {"name": kpi, "targets": f"{{{TARGETS}}}", "values": f"{{{MONTHS}}}"}
    if owner:
        extra["owner"] = owner
    return text + cards.kpi(f"{code}-rev", **extra)


CARD = (
    cards.HEADER
    + _unit("acme", "Acme Corp", "Group revenue", owner="vic@example.com")
    + _unit("east", "East Division", "Eastern revenue", "acme")
    + _unit("west", "Westland Division", "Westland revenue", "acme")
)


@dataclass
class Org:
    admin: User
    vic: User  # viewer of East, and owner of Acme's KPI: sees Acme and East, never Westland
    wes: User  # viewer of Westland
    eddie: User  # editor of Acme: schedules and shares its books
    template: BookTemplate
    acme: Unit

    def schedule(self, *recipients: User, **fields: Any) -> BookSchedule:
        from fourfold.sharing import services

        fields.setdefault("cron", "0 7 1 * *")
        fields.setdefault("timezone", "Europe/Paris")
        schedule = BookSchedule(template=self.template, owner=self.eddie, **fields)
        return services.save(schedule, recipients, actor=self.eddie)


def _person(name: str, kind: str | None = None, unit: Unit | None = None, **extra: Any) -> User:
    user = User.objects.create_user(
        name, f"{name}@example.com", "x", first_name=name.title(), **extra
    )
    if kind:
        Role.objects.create(user=user, kind=kind, unit=unit)
    return user


@pytest.fixture
def org(db: None) -> Org:
    vic = _person("vic")
    load(CARD, actor=None, source_name="sharing.yaml")
    units = {u.code: u for u in Unit.objects.all()}
    Role.objects.create(user=vic, kind=Role.Kind.VIEWER, unit=units["east"])
    admin = _person("admin", Role.Kind.ADMIN)
    wes = _person("wes", Role.Kind.VIEWER, units["west"])
    eddie = _person("eddie", Role.Kind.EDITOR, units["acme"])
    template = BookTemplate.objects.create(
        name="Board book", unit=units["acme"], period="2026-10", owner=eddie
    )
    return Org(admin, vic, wes, eddie, template, units["acme"])


NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
