"""Which schedules are due now, claimed once so that two workers never send a book twice.

A timetable's schedule is due when its next run has come; a "when complete" one when the last
ended period of its kind has every expected value of the unit's KPIs in (the scoring engine's
coverage, the one rule of what is expected: `core/freshness`) and was not sent yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from fourfold.core import periods
from fourfold.scoring import readout
from fourfold.scoring.cache import scores
from fourfold.strategy.models import Organization
from fourfold.web.periods import in_kind, last_ended_month

from . import cron
from .models import BookSchedule


@dataclass(frozen=True)
class Due:
    schedule: BookSchedule
    period: str | None  # None: the template's own period


def last_ended(kind: str, today: dt.date, fiscal_start: int) -> periods.Period:
    """The latest period of `kind` that ended before `today`."""
    month = periods.parse_period(last_ended_month(today), fiscal_start)
    period = periods.parse_period(in_kind(month, kind), fiscal_start)
    while period.end >= today:
        before = periods.month_key(periods.month_ordinal(period.first_month) - 1)
        period = periods.parse_period(
            in_kind(periods.parse_period(before, fiscal_start), kind), fiscal_start
        )
    return period


def complete(unit: str, period: str, today: dt.date) -> bool:
    """Whether every value expected of the unit's KPIs for the period is in (and one is)."""
    rows = readout.unit_rows(scores(unit=unit, today=today), unit, period)
    covered = [r["coverage"] for r in rows if r["kind"] == "kpi"]
    return any(c["expected"] for c in covered) and all(
        c["reported"] >= c["expected"] for c in covered
    )


def first_run(schedule: BookSchedule, now: dt.datetime) -> dt.datetime | None:
    """When a timetable's schedule runs next from `now`; None for the other kind."""
    if schedule.when != BookSchedule.When.CRON:
        return None
    return cron.next_run(schedule.cron, schedule.timezone, now)


def claim(now: dt.datetime) -> list[Due]:
    """The schedules due at `now`, each moved on (its next run, its last period) first: a
    schedule claimed by another worker in between is left to it."""
    found: list[Due] = []
    enabled = BookSchedule.objects.filter(enabled=True).select_related("template__unit")
    timed = enabled.filter(when=BookSchedule.When.CRON, next_run__lte=now)
    for schedule in timed:
        after = cron.next_run(schedule.cron, schedule.timezone, now)
        moved = BookSchedule.objects.filter(pk=schedule.pk, next_run=schedule.next_run)
        if moved.update(next_run=after):
            schedule.next_run = after
            found.append(Due(schedule, None))
    waiting = list(enabled.filter(when=BookSchedule.When.COMPLETE))
    if not waiting:
        return found
    fiscal_start = Organization.get().fiscal_year_start
    today = timezone.localdate(now)
    for schedule in waiting:
        period = last_ended(schedule.every, today, fiscal_start).key
        if period == schedule.last_period:
            continue
        if not complete(schedule.template.unit.code, period, today):
            continue
        unsent = Q(last_period=schedule.last_period)
        if BookSchedule.objects.filter(unsent, pk=schedule.pk).update(last_period=period):
            schedule.last_period = period
            found.append(Due(schedule, period))
    return found
