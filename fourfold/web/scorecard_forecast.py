"""The scorecard's forecast column: every KPI of the unit forecast for one fiscal year in
one call of the forecasting service, never one call (or query) per KPI: the forecasts the
worker keeps where they are current (their basis is the KPI's now), the others made now."""

from __future__ import annotations

import datetime as dt

from fourfold.core import periods
from fourfold.forecasts import services as forecasting
from fourfold.scoring import engine

from . import periods as choose
from .scorecard import Forecasts


def year_of(period: periods.Period) -> periods.Period:
    """The fiscal year that holds the period shown (its last month)."""
    key = periods.year_of(period.last_month, period.fiscal_start)
    return periods.parse_period(key, period.fiscal_start)


def of(scores: engine.Scores, unit: str, period: periods.Period, today: dt.date) -> Forecasts:
    """The forecasts of the unit's own KPIs for the fiscal year of `period`."""
    year = year_of(period)
    if unit not in scores.index.unit_codes:
        return Forecasts(choose.label(year), {})
    return Forecasts(
        choose.label(year),
        forecasting.current(None, year.key, today=today, unit=unit, scores=scores),
    )
