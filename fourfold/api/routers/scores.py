"""Scores of a unit's scorecard for a period, as `fourfold scores --json` prints them."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from fourfold.core import periods
from fourfold.scoring import cache, initiatives, readout
from fourfold.strategy.models import Organization

from ..auth import access_of
from ..common import READ_ERRORS, period_key, responses, unit_id
from ..schemas import Code, PeriodKey, ScoreRow

router = Router(tags=["scores"])


class ScoreFilter(Schema):
    unit: Code
    period: PeriodKey | None = None


@router.get(
    "/scores",
    response=responses(list[ScoreRow], *READ_ERRORS),
    exclude_unset=True,
    summary="Read the scores of a unit's scorecard",
    description="One row per scored node for `?unit=` and `?period=` (2026-03, 2026-Q1, 2026, "
    "2026-03-YTD; default: the last ended month): the scorecard, then each perspective "
    "followed by its objectives and their KPIs, then the unit's initiatives (actual: percent "
    "complete; target: percent planned by the period's end), with exactly the fields of "
    "`fourfold scores --json`. Range KPIs add `low` and `high`.",
)
def list_scores(request: HttpRequest, filters: Query[ScoreFilter]) -> Any:
    unit_id(access_of(request), filters.unit)
    today = timezone.localdate()
    key = period_key(
        filters.period or periods.month_key(periods.month_ordinal(f"{today:%Y-%m}") - 1)
    )
    scores = cache.scores(unit=filters.unit, today=today)
    fiscal = Organization.get().fiscal_year_start
    projects = initiatives.rows([filters.unit], key, fiscal_start=fiscal).get(filters.unit, [])
    return [*readout.unit_rows(scores, filters.unit, key), *projects]
