"""`GET /api/v1/forecasts`: each KPI's forecast for a period, as `fourfold forecast --json`."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from fourfold.api.auth import access_of
from fourfold.api.common import READ_ERRORS, period_key, responses, unit_id
from fourfold.api.schemas import Code, PeriodKey
from fourfold.measures.models import KPI_UNIT

from . import services

router = Router(tags=["forecasts"])


class ForecastFilter(Schema):
    unit: Code
    period: PeriodKey | None = None


class ForecastRow(Schema):
    """One KPI's forecast, exactly as a line of `fourfold forecast --json`."""

    unit: str
    code: str
    period: str
    actual_to_date: float | None
    forecast: float | None
    low: float | None
    high: float | None
    target: float | None
    probability: float | None
    method: Literal[
        "seasonal naive",
        "damped exponential smoothing",
        "theta",
        "combination",
        "actual",
        "insufficient history",
    ]
    points: int


@router.get(
    "/forecasts",
    response=responses(list[ForecastRow], *READ_ERRORS),
    summary="Forecast the KPIs of a unit for a period",
    description="One row per KPI of `?unit=` reported in `?period=` (2026, 2026-Q4, 2026-11, "
    "2026-11-YTD; default: the current fiscal year), with exactly the fields of "
    "`fourfold forecast --json`: the value expected over the whole period, its 80 % "
    "interval (`low`, `high`: the 10th and 90th percentiles), the probability of meeting "
    "the target, the method chosen and the points of history used. With too little "
    "history, `method` is `insufficient history` and the four figures are null.",
)
def list_forecasts(request: HttpRequest, filters: Query[ForecastFilter]) -> Any:
    access = access_of(request)
    unit_id(access, filters.unit)
    today = timezone.localdate()
    key = period_key(filters.period or services.current_year(today))
    visible = access.kpis().filter(**{f"{KPI_UNIT}__code": filters.unit})
    ids = list(visible.values_list("pk", flat=True))
    found = services.forecast(ids, key, today=today, unit=filters.unit, fan=False)
    return [f.as_json() for f in found.values()]
