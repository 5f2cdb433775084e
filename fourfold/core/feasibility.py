"""How demanding a target is against the KPI's own history: the change it asks for on the
same period a year earlier, and where that change falls among the KPI's year-on-year changes.

Pure and whole-array: the history comes in as pairs (the value of a period, the value of the
same period a year before), one pair per period of the KPI's own kind that had both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import periods

F = npt.NDArray[np.float64]
DIRECTIONS = ("increase", "decrease")


@dataclass(frozen=True)
class Feasibility:
    """The change a target asks for, in the KPI's good direction, against its history.

    `relative` says whether changes are fractions of the year-earlier value (every base
    positive) or plain differences. `percentile` is the share, 0–100, of the KPI's past
    year-on-year changes that were smaller (in the good direction) than the required one,
    ties counting half: 95 means the target asks for more than 95 % of its past years did.
    """

    baseline: float  # the actual of the same period a year earlier
    change: float  # the required change, as a fraction when `relative`, else a difference
    relative: bool
    percentile: float | None  # None without any past year-on-year change
    best: float | None  # the best past change in the good direction, same units as `change`
    changes: int  # how many past year-on-year changes there were


def year_before(period: periods.Period) -> periods.Period:
    """The same period a year earlier: 2026-03 → 2025-03, FY2026-Q2 → FY2025-Q2."""
    fs = period.fiscal_start
    month = periods.month_key(periods.month_ordinal(period.last_month) - 12)
    key = {
        "month": lambda: month,
        "quarter": lambda: periods.quarter_of(month, fs),
        "year": lambda: periods.year_of(month, fs),
        "ytd": lambda: periods.ytd_of(month, fs),
    }[period.kind]()
    return periods.parse_period(key, fs)


def yearly_pairs(values: F, lag: int) -> tuple[F, F]:
    """(earlier, later) of a regular series whose periods are `lag` apart in a year (12 for
    months, 4 for quarters, 1 for years), kept where both are finite numbers."""
    if values.size <= lag:
        empty = np.empty(0, dtype=np.float64)
        return empty, empty
    earlier, later = values[:-lag], values[lag:]
    both = np.isfinite(earlier) & np.isfinite(later)
    return earlier[both], later[both]


def assess(
    target: float, baseline: float, earlier: F, later: F, direction: str
) -> Feasibility | None:
    """Where `target`'s change on `baseline` falls among the changes from `earlier` to
    `later`; None for a range KPI or without a finite baseline and target."""
    if direction not in DIRECTIONS or not (math.isfinite(target) and math.isfinite(baseline)):
        return None
    sign = 1.0 if direction == "increase" else -1.0
    # Fractions compare years of different sizes fairly, but only over positive bases.
    relative = baseline > 0 and bool(np.all(earlier > 0))
    if relative:
        change = (target - baseline) / baseline
        past = (later - earlier) / earlier
    else:
        change = target - baseline
        past = later - earlier
    past = past[np.isfinite(past)]
    if past.size == 0:
        return Feasibility(baseline, change, relative, None, None, 0)
    good, wanted = past * sign, change * sign
    below = np.count_nonzero(good < wanted) + 0.5 * np.count_nonzero(good == wanted)
    percentile = 100.0 * float(below) / past.size
    best = float(good.max()) * sign
    return Feasibility(baseline, change, relative, percentile, best, int(past.size))
