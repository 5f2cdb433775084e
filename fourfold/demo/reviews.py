"""The demo's review rhythm: Northwind's monthly operational review, with last month's
meeting held and closed (commentary, decisions, actions: one of them late) and this month's
planned, so that the agenda, the review page and My actions on Home have something to show.

Everything goes through the reviews' services, as a facilitator's clicks would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fourfold.core import periods
from fourfold.measures.models import KPI
from fourfold.reviews import meetings, services
from fourfold.reviews.models import ActionItem, AgendaItem, ReviewSeries
from fourfold.strategy.models import Unit

TOP = "northwind"
SERIES = "Monthly operational review"
# Who owns the demo's actions, by email (people of the demo's scorecard file).
OWNERS = ("sofia.lindqvist@northwind.example", "marcus.feld@northwind.example")


def _person(email: str, fallback: Any) -> Any:
    found = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
    return found or fallback


def _month(today: dt.date, back: int) -> str:
    return periods.month_key(periods.month_of(today) - back)


def install(today: dt.date, facilitator: Any) -> None:
    """The series, the closed review of the month before last and the planned one of last
    month (a fresh demo database has neither)."""
    unit = Unit.objects.filter(code=TOP).first()
    if unit is None or ReviewSeries.objects.filter(unit=unit, name=SERIES).exists():
        return
    series = meetings.create_series(facilitator, unit, SERIES, "monthly", facilitator=facilitator)
    held = today.replace(day=1) - dt.timedelta(days=19)  # around the 12th of last month
    earlier = meetings.plan_review(
        facilitator,
        unit,
        _month(today, 2),
        held_on=held,
        series=series,
        facilitator=facilitator,
        participants=[_person(e, facilitator) for e in OWNERS],
    )
    meetings.start(facilitator, earlier)
    sofia, marcus = (_person(e, facilitator) for e in OWNERS)
    revenue = KPI.objects.filter(code="revenue").first()
    first = AgendaItem.objects.filter(review=earlier).order_by("position").first()
    if revenue is not None:
        services.write_commentary(
            facilitator,
            revenue,
            earlier.period,
            analysis="Orders from the two largest e-mobility customers came in late.",
            cause="Their launch moved a quarter; the pipeline behind them is thin.",
            recommendation="Widen the pipeline in the aftermarket and push the price review.",
            review=earlier,
        )
    meetings.record_decision(
        facilitator,
        earlier,
        "Bring the aftermarket price review forward to this quarter.",
        decided_by="Sofia Lindqvist (COO)",
        why="Margin stays below target while steel prices stay high.",
        item=first,
    )
    planned = [
        ("Agree the aftermarket price list with sales", sofia, held + dt.timedelta(days=14)),
        ("Three new e-mobility leads in the pipeline", marcus, today + dt.timedelta(days=21)),
        ("Send the delivery recovery plan to the board", sofia, held + dt.timedelta(days=7)),
    ]
    made = []
    for title, owner, due in planned:
        made.append(
            services.create_action(
                facilitator,
                unit,
                title=title,
                owner=owner,
                due_date=due,
                review=earlier,
                item=first,
                kpi=revenue,
            )
        )
    services.set_action_status(facilitator, made[2], ActionItem.Status.DONE)
    opened = timezone.make_aware(dt.datetime.combine(held, dt.time(10)))
    ActionItem.objects.filter(pk__in=[a.pk for a in made]).update(created_at=opened)
    meetings.close(facilitator, earlier)
    meetings.plan_review(
        facilitator,
        unit,
        _month(today, 1),
        held_on=today + dt.timedelta(days=7),
        series=series,
        facilitator=facilitator,
        participants=[sofia, marcus],
    )
