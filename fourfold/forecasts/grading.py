"""Forecasts kept as they were made, and graded once their period's actual is in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fourfold.core import forecast as core
from fourfold.core import forecast_models, periods
from fourfold.scoring.engine import Scores
from fourfold.strategy.models import Organization

from . import services
from .models import MadeForecast

MADE = set(forecast_models.METHODS)


def periods_to_keep(today: dt.date) -> list[str]:
    """The periods whose forecasts are kept: the current fiscal year and quarter."""
    fs = Organization.get().fiscal_year_start
    month = f"{today:%Y-%m}"
    return [periods.year_of(month, fs), periods.quarter_of(month, fs)]


def make_and_keep(
    kpi_ids: Iterable[int] | None,
    *,
    today: dt.date | None = None,
    history_until: str | None = None,
    made_at: dt.datetime | None = None,
) -> int:
    """Make the forecasts of the periods to keep and store each real one (not a period
    already fully reported, nor one without enough history); returns how many."""
    today = today or timezone.localdate()
    ids = None if kpi_ids is None else list(kpi_ids)
    now = made_at or timezone.now()
    rows = []
    scores: Scores | None = None
    for period in periods_to_keep(today):
        asked = services.ask(ids, period, today=today, history_until=history_until, scores=scores)
        scores = asked.scores  # the same for both periods
        answer = core.forecast(asked.cases, fan=False)
        for r, case in enumerate(asked.cases):
            f = asked.made(r, answer)
            if f.method not in MADE:
                continue
            rows.append(
                MadeForecast(
                    kpi_id=f.kpi_id,
                    period=f.period,
                    made_at=now,
                    method=f.method,
                    points=f.points,
                    actual_to_date=f.actual_to_date,
                    forecast=f.forecast,
                    low=f.low,
                    high=f.high,
                    probability=f.probability,
                    target=f.target,
                    band_low=f.band_low,
                    band_high=f.band_high,
                    basis=core.basis(case),
                )
            )
    with transaction.atomic():
        MadeForecast.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def backfill(today: dt.date) -> int:
    """Keep the forecasts that would have been made at the end of the middle month of each
    quarter since the start of the last fiscal year, each from the values of the months
    until then (for the demo, whose values were all entered at once); returns how many."""
    fs = Organization.get().fiscal_year_start
    this_year = periods.parse_period(periods.year_of(f"{today:%Y-%m}", fs), fs)
    first = periods.month_ordinal(this_year.months[0]) - 12
    kept = 0
    for ordinal in range(first + 1, periods.month_ordinal(f"{today:%Y-%m}"), 3):
        month = periods.parse_period(periods.month_key(ordinal), fs)
        moment = dt.datetime.combine(month.end + dt.timedelta(days=3), dt.time(6))
        kept += make_and_keep(
            None,
            today=month.end,
            history_until=month.key,
            made_at=timezone.make_aware(moment),
        )
    return kept


@dataclass(frozen=True)
class Graded:
    """One kept forecast beside the actual that came in."""

    kpi_id: int
    period: str
    made_at: dt.datetime
    method: str
    forecast: float
    low: float
    high: float
    probability: float | None
    actual: float
    covered: bool  # the actual fell inside the 80 % interval
    met: bool | None  # the actual met the target kept with the forecast


@dataclass(frozen=True)
class Grade:
    """How well a set of forecasts did: their number, the share of actuals inside the 80 %
    interval (should be near 0.8), and the Brier score of the probabilities (0 is perfect)."""

    forecasts: int
    coverage: float | None
    brier: float | None
    with_probability: int


@dataclass(frozen=True)
class Reliability:
    overall: Grade
    per_kpi: dict[int, Grade]
    graded: list[Graded]  # oldest first per KPI


def _grade(items: list[Graded]) -> Grade:
    if not items:
        return Grade(0, None, None, 0)
    squares = [
        (g.probability - (1.0 if g.met else 0.0)) ** 2
        for g in items
        if g.probability is not None and g.met is not None
    ]
    brier = sum(squares) / len(squares) if squares else None
    covered = sum(1 for g in items if g.covered)
    return Grade(len(items), covered / len(items), brier, len(squares))


def _met(actual: float, row: MadeForecast, direction: str) -> bool | None:
    if direction == "range":
        if row.band_low is None or row.band_high is None:
            return None
        return row.band_low <= actual <= row.band_high
    if row.target is None:
        return None
    return actual >= row.target if direction != "decrease" else actual <= row.target


def reliability(
    kpi_ids: Iterable[int] | None = None,
    *,
    today: dt.date | None = None,
    scores: Scores | None = None,
) -> Reliability:
    """Grade every kept forecast (of these KPIs) whose period is now fully reported, against
    the period's value read from the scores (`scores` when given: they must hold the KPIs)."""
    rows = MadeForecast.objects.all()
    if kpi_ids is not None:
        rows = rows.filter(kpi_id__in=list(kpi_ids))
    by_period: dict[str, list[MadeForecast]] = defaultdict(list)
    for row in rows:
        if row.forecast is not None and row.low is not None and row.high is not None:
            by_period[row.period].append(row)
    graded: list[Graded] = []
    if by_period and scores is None:
        every = {r.kpi_id for kept in by_period.values() for r in kept}
        scores = services.scores_for(every, today or timezone.localdate())
    for period, kept in by_period.items():
        now = services.reported({r.kpi_id for r in kept}, period, today=today, scores=scores)
        for row in kept:
            if row.kpi_id not in now:
                continue
            actual, direction = now[row.kpi_id]
            assert row.forecast is not None and row.low is not None and row.high is not None
            graded.append(
                Graded(
                    kpi_id=row.kpi_id,
                    period=period,
                    made_at=row.made_at,
                    method=row.method,
                    forecast=row.forecast,
                    low=row.low,
                    high=row.high,
                    probability=row.probability,
                    actual=actual,
                    covered=row.low <= actual <= row.high,
                    met=_met(actual, row, direction),
                )
            )
    graded.sort(key=lambda g: (g.kpi_id, g.period, g.made_at))
    per: dict[int, list[Graded]] = defaultdict(list)
    for g in graded:
        per[g.kpi_id].append(g)
    return Reliability(_grade(graded), {k: _grade(v) for k, v in per.items()}, graded)
