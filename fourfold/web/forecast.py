"""Forecasts as the pages say them: the probability in words, the figures in short.

The forecasts themselves come from fourfold.forecasts.services (never computed here); this
module only words and shapes what it returns, for the KPI page, the scorecard, the Targets
page and the reliability page.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fourfold.core import periods
from fourfold.core.numbers import DASH, compact
from fourfold.forecasts.services import Forecast

from . import periods as choose

INSUFFICIENT = "insufficient history"
COMPLETE = "actual"  # the method of a period whose every month is reported
# Fewer points than these cannot be forecast (DESIGN.md, "Forecasts").
NEEDED = {"monthly": (12, "months"), "quarterly": (8, "quarters"), "yearly": (5, "years")}


def this_year(today: dt.date, fiscal_start: int) -> periods.Period:
    """The fiscal year that holds today: the period forecasts are about unless one is chosen."""
    month = periods.month_key(today.year * 12 + today.month - 1)
    return periods.parse_period(periods.year_of(month, fiscal_start), fiscal_start)


def insufficient(found: Forecast | None) -> bool:
    return found is None or found.method == INSUFFICIENT or found.forecast is None


def percent(probability: float) -> str:
    """62 %; 'less than 1 %' and 'more than 99 %' rather than a certainty that simulated
    paths cannot give (a period fully reported is said in other words, see `chance`)."""
    if probability < 0.005:
        return "less than 1 %"
    if probability >= 0.995:
        return "more than 99 %"
    return f"{round(probability * 100)} %"


def by_when(period: periods.Period) -> str:
    """'December 2026': the month by which a period's value is known."""
    return choose.label(periods.parse_period(period.last_month, period.fiscal_start))


def goal_words(direction: str, target: float | None, low: float | None, high: float | None) -> str:
    """What meeting the goal means: 'reaching 1.2 M', 'staying at or below 25.4'."""
    if direction == "range":
        if low is None or high is None:
            return ""
        return f"ending between {compact(low)} and {compact(high)}"
    if target is None:
        return ""
    if direction == "decrease":
        return f"staying at or below {compact(target)}"
    return f"reaching {compact(target)}"


def chance(
    found: Forecast | None,
    direction: str,
    period: periods.Period,
    low: float | None = None,
    high: float | None = None,
) -> str:
    """The probability in words: '62 % chance of reaching 1.2 M by December 2026'."""
    if found is None or found.probability is None or insufficient(found):
        return ""
    goal = goal_words(direction, found.target, low, high)
    if not goal:
        return ""
    probability = float(found.probability)
    if found.method == COMPLETE:
        # Every month is in: no chance left to speak of, only the outcome.
        goal = (
            f"the range {compact(low)}–{compact(high)}"
            if direction == "range"
            else f"the target {compact(found.target)}"
        )
        return f"{'Met' if probability else 'Not met'}: {compact(found.forecast)}, {goal}"
    return f"{percent(probability)} chance of {goal} by {by_when(period)}"


def interval(found: Forecast) -> str:
    """'1.05 M – 1.25 M': the 80 % interval in short."""
    return f"{compact(found.low)} – {compact(found.high)}"


def not_enough(found: Forecast | None, frequency: str) -> str:
    """Why there is no forecast, in words."""
    needed, what = NEEDED.get(frequency, NEEDED["monthly"])
    points = found.points if found is not None else 0
    have = f"{points} {what[:-1] if points == 1 else what}" if points else f"no {what}"
    return f"Not enough history to forecast: {have} of values to forecast from, {needed} needed."


def cell(found: Forecast | None) -> tuple[str, str]:
    """The scorecard's forecast cell: the expected value and the probability, in short."""
    if insufficient(found):
        return DASH, ""
    assert found is not None
    text = compact(found.forecast)
    if found.probability is None:
        return text, ""
    return text, percent(float(found.probability))


def finite(value: Any) -> float | None:
    """A number for JSON: None for anything missing or not finite (JSON has no NaN)."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
