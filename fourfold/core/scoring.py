"""The rules that turn an actual and its target into a score and a status, one or in bulk.

The schemes themselves live in fourfold.core.schemes; their names are importable from here too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .schemes import (
    BUILTIN,
    DEFAULT,
    SCHEME_TYPES,
    SHARE_MET,
    TWO_BAND_REACH,
    UNSCORED,
    YES_NO,
    Scheme,
    SchemeError,
    Status,
    scheme_from_spec,
    show,
)

__all__ = [
    "BOUNDARY_TOLERANCE",
    "BUILTIN",
    "DEFAULT",
    "DIRECTIONS",
    "NEAR_BOUNDARY",
    "SCHEME_TYPES",
    "SHARE_MET",
    "TWO_BAND_REACH",
    "UNSCORED",
    "YES_NO",
    "FloatArray",
    "IntArray",
    "Scheme",
    "SchemeError",
    "Status",
    "TargetError",
    "check_target",
    "default_red_flag",
    "default_red_flag_v",
    "goal_red_flag_v",
    "percent_band_v",
    "percent_score",
    "percent_status",
    "percent_v",
    "range_v",
    "scheme_from_spec",
    "score_kpi",
    "status_from_score",
    "status_from_score_v",
    "yes_no_v",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DIRECTIONS = ("increase", "decrease", "range")
# A score this close to a status boundary counts as on it, so float noise never costs a status.
BOUNDARY_TOLERANCE = 1e-9
# Achievements this close (relative) to a band min are settled again in exact arithmetic.
NEAR_BOUNDARY = 1e-9


class TargetError(ValueError):
    """A target that a KPI cannot be scored against."""


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise TargetError(f"'{direction}' is not a direction: use increase, decrease or range")


def _check_range(low: float | None, high: float | None, tolerance: float | None) -> None:
    if low is None or high is None:
        got = "neither" if low is None and high is None else "no low" if low is None else "no high"
        raise TargetError(f"a range KPI needs both a low and a high bound (got {got})")
    if low > high:
        raise TargetError(f"the low bound {show(low)} is above the high bound {show(high)}")
    if tolerance is not None and tolerance <= 0:
        raise TargetError(f"the tolerance must be above 0 (got {show(tolerance)})")
    if low == high and tolerance is None:
        raise TargetError(
            f"a band whose low and high bounds are equal ({show(low)}) needs a tolerance "
            f"above 0, since its width of 0 gives no default"
        )


def check_target(
    scheme: Scheme,
    direction: str,
    *,
    target: float | None = None,
    red_flag: float | None = None,
    low: float | None = None,
    high: float | None = None,
    tolerance: float | None = None,
) -> None:
    """Refuse, with one sentence, a target that a KPI could not be scored against."""
    _check_direction(direction)
    given = {"target": target, "red flag": red_flag, "low bound": low, "high bound": high}
    for label, value in (*given.items(), ("tolerance", tolerance)):
        if value is not None and not math.isfinite(value):
            raise TargetError(f"the {label} must be a finite number (got {value})")
    if scheme.type in ("yes_no", "unscored"):
        return
    if direction == "range":
        _check_range(low, high, tolerance)
        return
    if target is None:
        raise TargetError(f"a target is needed, since scheme '{scheme.name}' scores against it")
    if scheme.type == "percent_of_target":
        if target == 0:
            raise TargetError(
                f"a target of 0 has no percent, so scheme '{scheme.name}' cannot score it"
            )
        return
    if red_flag is None:
        if target == 0:
            raise TargetError("a target of 0 needs a red flag, since 10 % of 0 leaves no room")
        return
    if red_flag == target:
        raise TargetError(f"the red flag cannot equal the target (both {show(target)})")
    got = f"(got red flag {show(red_flag)} for target {show(target)})"
    if direction == "increase" and red_flag > target:
        raise TargetError(
            f"for a KPI where higher is better the red flag must be below the target {got}"
        )
    if direction == "decrease" and red_flag < target:
        raise TargetError(
            f"for a KPI where lower is better the red flag must be above the target {got}"
        )


def default_red_flag(target: float, direction: str) -> float:
    """Red flag when none is set: the target moved by 10 % of its size in the bad direction."""
    if direction not in ("increase", "decrease"):
        raise TargetError(f"a KPI whose direction is '{direction}' has no default red flag")
    if target == 0:
        raise TargetError("a target of 0 has no default red flag, since 10 % of 0 is 0")
    # In decimal, so that 25.4 gives exactly 22.86 as a person would compute it.
    goal = Decimal(repr(float(target)))
    step = abs(goal) * Decimal("0.1")
    return float(goal - step if direction == "increase" else goal + step)


def status_from_score(score: float, n: int) -> int:
    """Status of a score when n statuses share 0..10 equally; a boundary takes the better one."""
    if n < 1:
        raise SchemeError("a score can only be read into a status with at least one status")
    return sum(1 for k in range(1, n) if score >= 10.0 * k / n - BOUNDARY_TOLERANCE)


def _exact(value: float) -> Fraction:
    return Fraction(Decimal(repr(float(value))))


def _exact_achievement(actual: float, goal: float, decrease: bool) -> Fraction:
    if decrease:
        return _exact(goal) * 100 / _exact(actual)
    return _exact(actual) * 100 / _exact(goal)


def _near_a_min(achievement: float, scheme: Scheme) -> bool:
    return any(
        abs(achievement - float(m)) <= NEAR_BOUNDARY * max(abs(float(m)), 1.0) for m in scheme.mins
    )


def percent_status(achievement: Fraction, scheme: Scheme) -> int:
    """Band of an exact achievement in percent: how many band mins it reaches."""
    return sum(1 for m in scheme.mins if achievement >= Fraction(m))


def percent_score(achievement: float, status: int, scheme: Scheme) -> float:
    """Score of an achievement inside its band, linear between the band's two edges."""
    n = len(scheme.statuses)
    lower, upper = scheme.band_edges()
    raw = 10.0 * (status + (achievement - lower[status]) / (upper[status] - lower[status])) / n
    return min(max(raw, 10.0 * status / n), 10.0 * (status + 1) / n)


def _require_percent(scheme: Scheme) -> None:
    if scheme.type != "percent_of_target":
        raise SchemeError(f"scheme '{scheme.name}' is {scheme.type}, so it has no percent bands")


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _score_goal_red_flag(actual: float, goal: float, red: float) -> tuple[float, int]:
    score = min(max(10.0 * (1.0 + (actual - red) / (goal - red)) / 3.0, 0.0), 10.0)
    if goal > red:
        return score, 2 if actual >= goal else 1 if actual >= red else 0
    return score, 2 if actual <= goal else 1 if actual <= red else 0


def _score_percent(scheme: Scheme, actual: float, goal: float, decrease: bool) -> tuple[float, int]:
    if decrease and actual == 0:
        return 10.0, scheme.best
    achievement = (goal / actual if decrease else actual / goal) * 100.0
    if _near_a_min(achievement, scheme):
        exact = _exact_achievement(actual, goal, decrease)
        status, achievement = percent_status(exact, scheme), float(exact)
    else:
        status = sum(1 for m in scheme.mins if achievement >= float(m))
    return percent_score(achievement, status, scheme), status


def _score_range(actual: float, low: float, high: float, tolerance: float | None) -> float | None:
    if low > high:
        return None
    width = high - low if _missing(tolerance) else tolerance
    assert width is not None
    distance = low - actual if actual < low else actual - high if actual > high else 0.0
    if distance == 0:
        return 10.0
    return 10.0 * max(0.0, 1.0 - distance / width) if width > 0 else 0.0


def score_kpi(
    scheme: Scheme,
    direction: str,
    actual: float | None,
    *,
    target: float | None = None,
    red_flag: float | None = None,
    low: float | None = None,
    high: float | None = None,
    tolerance: float | None = None,
) -> tuple[float | None, int | None]:
    """Score (0..10) and status (worst = 0) of one actual; (None, None) when it can't be scored."""
    _check_direction(direction)
    if scheme.type == "unscored" or actual is None or math.isnan(actual):
        return None, None
    if scheme.type == "yes_no":
        return (10.0, scheme.best) if actual != 0 else (0.0, 0)
    if direction == "range":
        if low is None or high is None or _missing(low) or _missing(high):
            return None, None
        score = _score_range(actual, low, high, tolerance)
        if score is None:
            return None, None
        return score, status_from_score(score, len(scheme.statuses))
    if target is None or math.isnan(target) or target == 0 and scheme.type != "goal_red_flag":
        return None, None
    if scheme.type == "percent_of_target":
        return _score_percent(scheme, actual, target, direction == "decrease")
    if red_flag is None or math.isnan(red_flag):
        if target == 0:
            return None, None
        red_flag = default_red_flag(target, direction)
    if red_flag == target:
        return None, None
    return _score_goal_red_flag(actual, target, red_flag)


def _floats(*values: npt.ArrayLike) -> list[FloatArray]:
    return list(np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values)))


def status_from_score_v(scores: npt.ArrayLike, n: int) -> IntArray:
    """Vectorized status_from_score; -1 where the score is NaN or there are no statuses."""
    s = np.asarray(scores, dtype=np.float64)
    status = np.zeros(s.shape, dtype=np.int64)
    for k in range(1, n):
        status += s >= 10.0 * k / n - BOUNDARY_TOLERANCE
    status[np.isnan(s) | (n < 1)] = -1
    return status


def goal_red_flag_v(
    actual: npt.ArrayLike, goal: npt.ArrayLike, red_flag: npt.ArrayLike
) -> tuple[FloatArray, IntArray]:
    """Vectorized goal / red flag score; the status compares values, so boundaries are exact."""
    a, g, r = _floats(actual, goal, red_flag)
    valid = ~(np.isnan(a) | np.isnan(g) | np.isnan(r)) & (g != r)
    with np.errstate(all="ignore"):
        raw = 10.0 * (1.0 + (a - r) / (g - r)) / 3.0
    score = np.where(valid, np.clip(raw, 0.0, 10.0), np.nan)
    up = g > r
    at_goal = np.where(up, a >= g, a <= g)
    at_red = np.where(up, a >= r, a <= r)
    status = np.where(valid, at_goal.astype(np.int64) + at_red, -1)
    return score, status


def percent_band_v(
    achievement: npt.ArrayLike, scheme: Scheme, exact: Callable[[int], Fraction]
) -> tuple[FloatArray, IntArray]:
    """Score and status of achievements in percent (1-D); rows near a min are settled by exact."""
    _require_percent(scheme)
    p = np.array(achievement, dtype=np.float64).reshape(-1)
    status = np.zeros(p.shape, dtype=np.int64)
    near = np.zeros(p.shape, dtype=np.bool_)
    for m in (float(m) for m in scheme.mins):
        status += p >= m
        near |= np.abs(p - m) <= NEAR_BOUNDARY * max(abs(m), 1.0)
    for i in np.flatnonzero(near).tolist():
        value = exact(i)
        status[i], p[i] = percent_status(value, scheme), float(value)
    n = len(scheme.statuses)
    lower, upper = (np.array(edges) for edges in scheme.band_edges())
    with np.errstate(all="ignore"):
        raw = 10.0 * (status + (p - lower[status]) / (upper[status] - lower[status])) / n
    score = np.clip(raw, 10.0 * status / n, 10.0 * (status + 1) / n)
    missing = np.isnan(p)
    score[missing], status[missing] = np.nan, -1
    return score, status


def percent_v(
    actual: npt.ArrayLike, goal: npt.ArrayLike, decrease: npt.ArrayLike, scheme: Scheme
) -> tuple[FloatArray, IntArray]:
    """Vectorized percent-of-target score and status."""
    a, g = _floats(actual, goal)
    a, g, dec = np.broadcast_arrays(a, g, np.asarray(decrease, dtype=np.bool_))
    shape = a.shape
    a, g, dec = a.reshape(-1), g.reshape(-1), dec.reshape(-1)
    valid = ~np.isnan(a) & ~np.isnan(g) & (g != 0)
    zero = valid & dec & (a == 0)
    with np.errstate(all="ignore"):
        p = np.where(dec, g / a, a / g) * 100.0
    p[~valid | zero] = np.nan

    def exact(i: int) -> Fraction:
        return _exact_achievement(float(a[i]), float(g[i]), bool(dec[i]))

    score, status = percent_band_v(p, scheme, exact)
    # An actual of 0 for a KPI where lower is better is the best there is.
    score[zero], status[zero] = 10.0, scheme.best
    return score.reshape(shape), status.reshape(shape)


def range_v(
    actual: npt.ArrayLike,
    low: npt.ArrayLike,
    high: npt.ArrayLike,
    tolerance: npt.ArrayLike,
    n_statuses: int,
) -> tuple[FloatArray, IntArray]:
    """Vectorized range score (10 inside the band) and its status from equal score bands."""
    a, lo, hi, t = _floats(actual, low, high, tolerance)
    width = np.where(np.isnan(t), hi - lo, t)
    valid = ~(np.isnan(a) | np.isnan(lo) | np.isnan(hi)) & (lo <= hi)
    distance = np.where(a < lo, lo - a, np.where(a > hi, a - hi, 0.0))
    with np.errstate(all="ignore"):
        outside = np.where(width > 0, 10.0 * np.maximum(0.0, 1.0 - distance / width), 0.0)
    score = np.where(valid, np.where(distance == 0, 10.0, outside), np.nan)
    return score, status_from_score_v(score, n_statuses)


def yes_no_v(actual: npt.ArrayLike) -> tuple[FloatArray, IntArray]:
    """Vectorized yes / no: nonzero scores 10 and the best status, zero scores 0 and the worst."""
    a = np.asarray(actual, dtype=np.float64)
    yes = a != 0
    missing = np.isnan(a)
    score = np.where(missing, np.nan, np.where(yes, 10.0, 0.0))
    return score, np.where(missing, -1, yes.astype(np.int64))


def default_red_flag_v(goal: npt.ArrayLike, decrease: npt.ArrayLike) -> FloatArray:
    """Vectorized default_red_flag, exact in decimal; NaN where the goal is missing or 0."""
    g, dec = np.broadcast_arrays(
        np.asarray(goal, dtype=np.float64), np.asarray(decrease, dtype=np.bool_)
    )
    out = np.full(g.shape, np.nan)
    usable = ~np.isnan(g) & (g != 0)
    # Targets repeat a lot, so each distinct one is worked out in decimal only once.
    values, inverse = np.unique(g[usable], return_inverse=True)
    up = np.array([default_red_flag(v, "increase") for v in values.tolist()])
    down = np.array([default_red_flag(v, "decrease") for v in values.tolist()])
    if values.size:
        out[usable] = np.where(dec[usable], down[inverse], up[inverse])
    return out
