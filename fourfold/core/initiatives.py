"""Initiatives: DESIGN.md's score rule on whole arrays, and the checks of what is entered.

An initiative is scored for a period P from its last progress entry at or before P, at P's
last day E: the expected share of the work is clamp((E - start) / (end - start), 0, 1) in
days, the schedule ratio (complete / 100) / expected (1 when nothing is expected yet), and the
score the goal / red flag rule on that ratio with goal 0.95 and red flag 0.85. When a budget
is set and spent / budget exceeds complete / 100 by more than 10 percentage points, the score
is capped at 6.66 and the status at amber.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from . import scoring
from .entries import LIMIT, limit_problem
from .periods import Period, PeriodError, parse_period
from .schemes import show

GOAL = 0.95
RED_FLAG = 0.85
COST_CAP = 6.66
# Spending may run this many percentage points ahead of the work before the cap applies.
COST_SLACK = 10.0
# The kinds of period a progress entry is for: a year to date is not a moment of progress.
PROGRESS_KINDS = ("month", "quarter", "year")
AMBER = 1

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def expected_share(start: dt.date, end: dt.date, day: dt.date) -> float:
    """The share of the work planned to be done on `day` (scalar form of `score_v`'s)."""
    if end == start:
        return 1.0 if day >= end else 0.0
    return min(max((day - start).days / (end - start).days, 0.0), 1.0)


def score_v(
    complete: npt.ArrayLike,
    spent: npt.ArrayLike,
    budget: npt.ArrayLike,
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    day: npt.ArrayLike,
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Score, status (0 red, 1 amber, 2 green, -1 none), expected share and schedule ratio.

    `complete` is in percent and NaN where there is no progress entry (no score); `spent` and
    `budget` are NaN where not given; `start`, `end` and `day` are day ordinals.
    """
    c, s, b = (np.asarray(v, dtype=np.float64) for v in (complete, spent, budget))
    first, last, e = (np.asarray(v, dtype=np.float64) for v in (start, end, day))
    c, s, b, first, last, e = np.broadcast_arrays(c, s, b, first, last, e)
    span = last - first
    with np.errstate(all="ignore"):
        share = np.where(span > 0, (e - first) / span, np.where(e >= last, 1.0, 0.0))
    expected = np.clip(share, 0.0, 1.0)
    with np.errstate(all="ignore"):
        ratio = np.where(expected > 0, (c / 100.0) / expected, 1.0)
    ratio = np.where(np.isnan(c), np.nan, ratio)
    score, _ = scoring.goal_red_flag_v(ratio, GOAL, RED_FLAG)
    # The status is read from the score, so that a ratio that is 0.95 but for rounding is
    # green, as a person would compute it.
    status = scoring.status_from_score_v(score, 3)
    with np.errstate(all="ignore"):
        used = np.where(b > 0, s / b * 100.0, np.where(s > 0, np.inf, 0.0))
    over = ~np.isnan(b) & ~np.isnan(s) & (used - c > COST_SLACK + 1e-9)
    capped = over & ~np.isnan(score)
    score = np.where(capped, np.minimum(score, COST_CAP), score)
    status = np.where(capped, np.minimum(status, AMBER), status)
    return score, status, np.where(np.isnan(c), np.nan, expected), ratio


def progress_period(text: str, fiscal_start: int = 1) -> Period:
    """The period of a progress entry: a month, a quarter or a year."""
    period = parse_period(text, fiscal_start)
    if period.kind not in PROGRESS_KINDS:
        raise PeriodError(
            f"'{text}' is not a period of progress: progress is entered for a month, "
            "a quarter or a year"
        )
    return period


def latest_entry(periods: Sequence[Period], day: dt.date) -> int | None:
    """Index of the last entry at or before `day` (by the last day of its period, then the
    shorter period), or None."""
    best: int | None = None
    for i, period in enumerate(periods):
        if period.end > day:
            continue
        if best is None or (period.end, period.start) >= (periods[best].end, periods[best].start):
            best = i
    return best


# Checks of what is entered, on every channel -------------------------------------------------


def dates_problem(start: dt.date, end: dt.date) -> str | None:
    if end < start:
        return f"it ends on {end.isoformat()}, before it starts on {start.isoformat()}"
    return None


def amount_problem(name: str, value: float | None) -> str | None:
    """A budget or an amount spent: a finite number, not negative, within the limits."""
    if value is None:
        return None
    if not math.isfinite(value) or abs(value) > LIMIT:
        return limit_problem(name, value)
    if value < 0:
        return f"the {name} {show(value)} is negative"
    return None


def complete_problem(complete: float) -> str | None:
    if not math.isfinite(complete) or not 0 <= complete <= 100:
        return f"percent complete must be from 0 to 100, not {show(complete)}"
    return None


def cycle(depends_on: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle of finish-to-start dependencies (milestone names, first repeated last), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for other in depends_on.get(name, ()):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in depends_on:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def cycle_problem(depends_on: Mapping[str, Iterable[str]]) -> str | None:
    found = cycle(depends_on)
    if found is None:
        return None
    if len(found) == 2:
        return f"milestone '{found[0]}' depends on itself"
    return "milestones depend on each other in a circle: " + " → ".join(found)
