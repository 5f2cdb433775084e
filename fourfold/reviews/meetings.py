"""The steps of a review: a series with a cadence, a review planned for a period of it with
its agenda generated from the data, the facilitator's changes to the agenda, decisions, and
closing it. Each step is atomic, takes the acting user and writes an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fourfold.audit.models import record
from fourfold.core import periods
from fourfold.strategy.models import Organization, Unit

from . import agenda
from .models import PERIOD_KIND, AgendaItem, Cadence, Comment, Decision, Review, ReviewSeries
from .services import COMMENTARY, ReviewError, _text

KIND_WORDS = {"month": "a month", "quarter": "a quarter", "year": "a year"}


def create_series(
    actor: Any,
    unit: Unit,
    name: str,
    cadence: str,
    *,
    facilitator: Any = None,
    note_required_for_red: bool = False,
) -> ReviewSeries:
    name = _text(name, "series' name", 200)
    if not name:
        raise ReviewError("A review series needs a name, such as 'Monthly operational review'.")
    if cadence not in Cadence.values:
        raise ReviewError(
            f"A review series' cadence is one of {', '.join(Cadence.values)}, not '{cadence}'."
        )
    if ReviewSeries.objects.filter(unit=unit, name=name).exists():
        raise ReviewError(f"Unit {unit.code} already has a review series named '{name}'.")
    with transaction.atomic():
        series = ReviewSeries.objects.create(
            unit=unit,
            name=name,
            cadence=cadence,
            facilitator=facilitator,
            note_required_for_red=note_required_for_red,
        )
        record(
            actor,
            "review.series",
            f"Added the {cadence} review series '{name}' of unit {unit.code}",
            series=series.pk,
            unit=unit.code,
        )
    return series


def period_of(key: str, series: ReviewSeries | None) -> str:
    """The canonical key of a review's period: a period of the series' cadence (without a
    series, a month, a quarter or a year)."""
    fs = Organization.get().fiscal_year_start
    try:
        period = periods.parse_period(key.strip(), fs)
    except periods.PeriodError as exc:
        raise ReviewError(f"The review's period: {exc}") from exc
    if series is not None:
        wanted = PERIOD_KIND[series.cadence]
        if period.kind != wanted:
            raise ReviewError(
                f"The review's period {period.key} is not {KIND_WORDS[wanted]}: the series "
                f"'{series.name}' is {series.cadence}."
            )
    elif period.kind == "ytd":
        raise ReviewError(f"The review's period {period.key} is not a month, quarter or year.")
    limit = periods.outside_limits(period, timezone.localdate())
    if limit:
        raise ReviewError(f"The review's period {period.key}: {limit}.")
    return period.key


def _items(review: Review, built: agenda.Agenda) -> list[AgendaItem]:
    return [
        AgendaItem(
            review=review,
            position=i,
            reason=line.item.reason,
            kind=line.item.kind,
            code=line.item.code,
            period=line.item.period,
            message=line.item.message,
            minutes=line.item.minutes,
            kpi_id=line.kpi_id,
            objective_id=line.objective_id,
            initiative_id=line.initiative_id,
            action_id=line.action_id,
        )
        for i, line in enumerate(built.lines)
    ]


def plan_review(
    actor: Any,
    unit: Unit,
    period: str,
    *,
    held_on: dt.date | None,
    series: ReviewSeries | None = None,
    title: str = "",
    facilitator: Any = None,
    participants: Iterable[Any] = (),
) -> Review:
    """A review of the unit for a period of its series' cadence, on a date, with its agenda
    generated from the data as they stand on that date (today, for a date ahead)."""
    if series is not None and series.unit_id != unit.pk:
        raise ReviewError(f"The review series '{series.name}' is not of unit {unit.code}.")
    key = period_of(period, series)
    if held_on is None:
        raise ReviewError("A review needs the date it is held on.")
    if (limit := periods.day_outside_limits(held_on, timezone.localdate())) is not None:
        raise ReviewError(f"The review's date: {limit}.")
    title = _text(title, "review's title", 200) or (
        f"{series.name} {key}" if series else f"Review of {unit.name} {key}"
    )
    today = timezone.localdate()
    built = agenda.build(unit, key, today=min(held_on, today) if held_on else today)
    with transaction.atomic():
        review = Review.objects.create(
            unit=unit,
            series=series,
            period=key,
            title=title,
            held_on=held_on,
            facilitator=facilitator or (series.facilitator if series else None),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        review.participants.set(list(participants))
        AgendaItem.objects.bulk_create(_items(review, built))
        record(
            actor,
            "review.plan",
            f"Planned the review '{title}' of unit {unit.code} for {key} on {held_on}, "
            f"with {len(built.lines)} agenda items",
            review=review.pk,
            unit=unit.code,
            period=key,
        )
    return review


def add_item(actor: Any, review: Review, message: str, minutes: int = 5) -> AgendaItem:
    """An item the facilitator adds at the end of the agenda."""
    message = _text(message, "agenda item", 2000)
    if not message:
        raise ReviewError("An agenda item needs a text: what is to be discussed.")
    if not 1 <= minutes <= 240:
        raise ReviewError("An agenda item takes from 1 to 240 minutes.")
    _open(review)
    with transaction.atomic():
        last = review.items.aggregate(last=Max("position"))["last"]
        item = AgendaItem.objects.create(
            review=review,
            position=(last if last is not None else -1) + 1,
            reason=AgendaItem.ADDED,
            period=review.period,
            message=message,
            minutes=minutes,
        )
        record(
            actor,
            "review.agenda",
            f"Added '{message[:60]}' to '{review.title}'",
            review=review.pk,
            item=item.pk,
        )
    return item


def drop_item(actor: Any, item: AgendaItem, dropped: bool = True) -> AgendaItem:
    """Drop an item from the agenda (kept, struck out) or bring it back."""
    _open(item.review)
    if item.dropped != dropped:
        with transaction.atomic():
            item.dropped = dropped
            item.save(update_fields=["dropped"])
            verb = "Dropped" if dropped else "Brought back"
            record(
                actor,
                "review.agenda",
                f"{verb} '{item.message[:60]}'",
                review=item.review_id,
                item=item.pk,
            )
    return item


def move_item(actor: Any, item: AgendaItem, by: int) -> AgendaItem:
    """Move an item up (by < 0) or down the agenda."""
    _open(item.review)
    with transaction.atomic():
        ordered = list(item.review.items.select_for_update().order_by("position", "pk"))
        at = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
        to = max(0, min(len(ordered) - 1, at + by))
        if to != at:
            ordered.insert(to, ordered.pop(at))
            for i, other in enumerate(ordered):
                other.position = i
            AgendaItem.objects.bulk_update(ordered, ["position"])
            record(
                actor,
                "review.agenda",
                f"Moved '{item.message[:60]}' to place {to + 1}",
                review=item.review_id,
                item=item.pk,
            )
    item.refresh_from_db()
    return item


def _open(review: Review) -> None:
    if review.state == Review.State.CLOSED:
        raise ReviewError(f"The review '{review.title}' is closed: it changes no more.")


def start(actor: Any, review: Review) -> Review:
    _open(review)
    if review.state == Review.State.PLANNED:
        with transaction.atomic():
            review.state = Review.State.OPEN
            review.save(update_fields=["state"])
            record(
                actor,
                "review.start",
                f"Started the review '{review.title}'",
                review=review.pk,
                unit=review.unit.code,
            )
    return review


def record_decision(
    actor: Any,
    review: Review,
    text: str,
    *,
    decided_by: str,
    why: str = "",
    item: AgendaItem | None = None,
) -> Decision:
    """What the review decided, who decided it and why, about its item's KPI, objective or
    initiative."""
    text = _text(text, "decision", 2000)
    if not text:
        raise ReviewError("A decision needs a text: what was decided.")
    decided_by = _text(decided_by, "name of who decided", 200)
    if not decided_by:
        raise ReviewError(f"The decision '{text[:60]}' needs who decided it.")
    _open(review)
    with transaction.atomic():
        made = Decision.objects.create(
            review=review,
            item=item,
            text=text,
            decided_by=decided_by,
            why=_text(why, "decision's reason", 2000),
            kpi_id=item.kpi_id if item else None,
            objective_id=item.objective_id if item else None,
            initiative_id=item.initiative_id if item else None,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record(
            actor,
            "review.decision",
            f"Decided in '{review.title}': {text[:80]}",
            review=review.pk,
            decision=made.pk,
            unit=review.unit.code,
        )
    return made


def missing_notes(review: Review) -> list[str]:
    """The red KPIs on the agenda (not dropped) without commentary written for its period."""
    red = review.items.filter(reason="red", kind="kpi", dropped=False, kpi__isnull=False)
    wanted = dict(red.values_list("kpi_id", "code"))
    written = set(
        Comment.objects.filter(
            COMMENTARY, kpi_id__in=wanted, period=review.period, draft=False
        ).values_list("kpi_id", flat=True)
    )
    return [code for pk, code in wanted.items() if pk not in written]


def close(actor: Any, review: Review) -> Review:
    """Close the review; a series that requires a note for every red KPI refuses while one
    has none."""
    _open(review)
    if review.series is not None and review.series.note_required_for_red:
        missing = missing_notes(review)
        if missing:
            raise ReviewError(
                f"The review '{review.title}' cannot close: red KPI "
                f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no commentary "
                f"for {review.period}, which the series '{review.series.name}' requires."
            )
    with transaction.atomic():
        review.state = Review.State.CLOSED
        review.closed_at = timezone.now()
        review.save(update_fields=["state", "closed_at"])
        record(
            actor,
            "review.close",
            f"Closed the review '{review.title}'",
            review=review.pk,
            unit=review.unit.code,
        )
    return review


def previous(review: Review) -> Review | None:
    """The review of the same series (else unit) held before this one."""
    query = Review.objects.filter(unit_id=review.unit_id, series_id=review.series_id)
    query = query.exclude(pk=review.pk).filter(period__lt=review.period)
    return query.order_by("-period", "-pk").first()


def decisions_since(review: Review) -> list[Decision]:
    """The decisions of the reviews of its series since the one before it (that one's
    included): what the meeting starts from."""
    before = previous(review)
    if before is None:
        return []
    query = Decision.objects.filter(
        review__unit_id=review.unit_id,
        review__series_id=review.series_id,
        review__period__gte=before.period,
        review__period__lt=review.period,
    )
    return list(query.select_related("review", "kpi").order_by("created_at", "pk"))
