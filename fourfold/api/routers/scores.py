"""Scores of a unit's scorecard for a period, as `fourfold scores --json` prints them."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from fourfold.core import periods
from fourfold.scoring import cache, engine, initiatives, readout
from fourfold.strategy.models import Organization

from ..auth import access_of
from ..common import READ_ERRORS, as_of_moment, period_key, responses, unit_id
from ..errors import ApiError
from ..schemas import AsOf, Code, PeriodKey, ScoreRow

router = Router(tags=["scores"])


class ScoreFilter(Schema):
    unit: Code
    period: PeriodKey | None = None
    as_of: AsOf | None = None


@router.get(
    "/scores",
    response=responses(list[ScoreRow], *READ_ERRORS),
    exclude_unset=True,
    summary="Read the scores of a unit's scorecard",
    description="One row per scored node for `?unit=` and `?period=` (2026-03, 2026-Q1, 2026, "
    "2026-03-YTD; default: the last ended month): the scorecard, then each perspective "
    "followed by its objectives and their KPIs, then the unit's initiatives (actual: percent "
    "complete; target: percent planned by the period's end), with exactly the fields of "
    "`fourfold scores --json`. Range KPIs add `low` and `high`. With `?as_of=` (a date, a "
    "time or a named revision), scored with the definitions, targets and values as they "
    "stood then.",
)
def list_scores(request: HttpRequest, filters: Query[ScoreFilter]) -> Any:
    unit_id(access_of(request), filters.unit)
    moment = as_of_moment(filters.as_of)
    request.read_as_of = True  # type: ignore[attr-defined]  # it answers as it stood
    today = moment.date() if moment else timezone.localdate()
    key = period_key(filters.period or periods.month_key(periods.month_of(today) - 1))
    if moment is None:
        scores = cache.scores(unit=filters.unit, today=today)
    else:
        scores = engine.compute(unit=filters.unit, today=today, as_of=moment)
        if filters.unit not in scores.index.unit_codes:
            raise ApiError(404, f"The unit '{filters.unit}' did not exist at {filters.as_of}.")
    fiscal = Organization.get().fiscal_year_start
    projects = initiatives.rows([filters.unit], key, fiscal_start=fiscal, as_of=moment)
    return [*readout.unit_rows(scores, filters.unit, key), *projects.get(filters.unit, [])]
