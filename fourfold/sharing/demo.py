"""Northwind's books sent and shared, for the demo: a monthly board book to three readers of
the company's scorecard, the commercial division's book when each month's data is in, and a
link to the company's scorecard for the supervisory board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.reports.models import BookTemplate
from fourfold.strategy.models import Unit

from . import links, services
from .models import BookSchedule, ShareLink


def _template(unit: Unit, name: str, owner: Any) -> BookTemplate:
    found = BookTemplate.objects.filter(unit=unit, name=name).first()
    return found or BookTemplate.objects.create(name=name, unit=unit, owner=owner)


def install(owner: Any) -> None:
    """Schedules and a share link owned by `owner` (the demo account, an administrator)."""
    if BookSchedule.objects.exists() or ShareLink.objects.exists():
        return
    units = {u.code: u for u in Unit.objects.filter(code__in=["northwind", "commercial"])}
    if len(units) < 2:
        return
    for code, name, fields in (
        (
            "northwind",
            "Monthly board book",
            {"cron": "0 7 2 * *", "timezone": "Europe/Berlin", "subject": DEMO_SUBJECT},
        ),
        (
            "commercial",
            "Commercial review",
            {"when": BookSchedule.When.COMPLETE, "every": "month", "fmt": "xlsx", "cron": ""},
        ),
    ):
        unit = units[code]
        readers = list(Access.readers(unit.pk).exclude(pk=owner.pk).exclude(email="")[:2])
        schedule = BookSchedule(template=_template(unit, name, owner), owner=owner, **fields)
        services.save(schedule, [owner, *readers], actor=owner)
    link = links.create(owner, units["northwind"], days=30, note="Supervisory board")
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - dt.timedelta(days=2))


DEMO_SUBJECT = "{organization} board book: {unit}, {period}"
