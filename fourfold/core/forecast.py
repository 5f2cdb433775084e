"""A period's value forecast for many KPIs at once, with its interval and probability.

For each KPI: its history at its own frequency (gaps allowed), the steps from the end of the
history to the end of the period, which of them are months (or quarters, years) of the
period without a value, and the values the period already has. Every candidate model
(fourfold.core.forecast_models) is fitted, to a series of positive values on the log scale
too, and the one with the smallest error in a rolling-origin backtest is kept
(fourfold.core.forecast_choice), and paths of the future are drawn by a residual bootstrap:
the period's value on each path is the KPI's aggregation of the reported values and the
path's values, so an interval of a total is never a sum of monthly intervals. The spread
of the paths is calibrated by the backtest: over as many steps as the period has left, the
total of the backtest's errors from each origin against the total the residuals imply
(`forecast_choice.calibration`), since in-sample residuals flatter a model fitted to them.
Series are grouped by length and season and fitted together, a few hundred at a time. The draws are
the same for every KPI (common random numbers from a fixed seed), so a KPI's forecast does
not depend on which other KPIs it was computed with.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import forecast_choice as choice_
from . import forecast_models as fm
from . import forecast_paths as paths_

# The aggregations by number, named here too for the callers of this module.
from .forecast_paths import AVERAGE as AVERAGE
from .forecast_paths import LAST as LAST
from .forecast_paths import MAX as MAX
from .forecast_paths import MIN as MIN
from .forecast_paths import SUM as SUM

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

INCREASE, DECREASE, RANGE = 0, 1, 2
AGGREGATIONS = ("sum", "average", "last", "min", "max")
# Points of history needed, by the number of periods in a year (monthly, quarterly, yearly).
MIN_POINTS = {12: 12, 4: 8, 1: 5}
MAX_SEASONS = 8  # history older than this many years is not used
PATHS = 1000
CHUNK = 256
QUANTILES = np.linspace(0.0, 1.0, 101)
INSUFFICIENT, REPORTED = -1, -2
METHOD_NAMES = {INSUFFICIENT: "insufficient history", REPORTED: "actual"} | dict(
    enumerate(fm.METHODS)
)
# Part of every case's basis: a change of the method makes every kept forecast stale.
VERSION = "2026-12-02.3"


@dataclass
class Case:
    """One KPI's question: its history, the steps ahead and what the period holds already."""

    history: F  # values at the KPI's frequency, oldest first, NaN for a gap, to the last value
    season: int  # 12, 4 or 1 periods a year
    missing: B  # one flag per step after the history: whether the step is in the period
    known: F  # the period's slots inside the history (its last ones), NaN where not reported
    aggregation: int
    direction: int
    target: float = float("nan")
    band_low: float = float("nan")
    band_high: float = float("nan")


@dataclass
class Answer:
    """The forecasts of a batch of cases, row by row."""

    method: Ints
    points: Ints
    actual_to_date: F
    forecast: F
    low: F
    high: F
    probability: F
    quantiles: F  # (n, 101): the period value's percentiles 0..100, NaN without a forecast
    fan: list[F]  # per case (steps, 3): the 10th, 50th and 90th percentile of each step


def aggregate(known: F, how: int) -> float:
    """The KPI's aggregation of the values a period has, NaN for none."""
    if len(known) == 0:
        return float("nan")
    if how == SUM:
        return float(known.sum())
    if how == AVERAGE:
        return float(known.mean())
    if how == LAST:
        return float(known[-1])
    return float(known.min() if how == MIN else known.max())


def reported(case: Case) -> float:
    """The period's value when every one of its slots is reported (nothing left to forecast),
    else NaN."""
    known = np.asarray(case.known, dtype=np.float64)
    if not _complete(known, np.asarray(case.missing, dtype=bool)):
        return float("nan")
    return aggregate(known, case.aggregation)


def _complete(known: F, missing: B) -> bool:
    return len(known) > 0 and not missing.any() and bool(np.isfinite(known).all())


def basis(case: Case) -> str:
    """A digest of everything a case's forecast depends on, and of the method's version: the
    draws are the same for every case, so two cases with the same basis get the same figures
    (a forecast kept with its basis is current while the basis is)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{VERSION}|{PATHS}|{case.season}|{case.aggregation}|{case.direction}|".encode())
    for part in (
        case.history,
        case.known,
        np.array([case.target, case.band_low, case.band_high]),
    ):
        x = np.asarray(part, dtype=np.float64)
        h.update(np.where(np.isfinite(x), x, np.nan).tobytes())  # one NaN, whatever its bits
        h.update(b"|")
    h.update(np.asarray(case.missing, dtype=bool).tobytes())
    return h.hexdigest()


def meets(value: F, case: Case) -> F:
    """1 where a value meets the case's target (by direction), 0 where not, NaN without one."""
    if case.direction == RANGE:
        if np.isnan(case.band_low) or np.isnan(case.band_high):
            return np.full(value.shape, np.nan)
        return ((value >= case.band_low) & (value <= case.band_high)).astype(np.float64)
    if np.isnan(case.target):
        return np.full(value.shape, np.nan)
    ok = value >= case.target if case.direction != DECREASE else value <= case.target
    return ok.astype(np.float64)


def prepare(case: Case) -> tuple[F, B, int, F]:
    """The history without leading or trailing gaps, its inner gaps filled by straight
    lines, at most MAX_SEASONS years long; the steps ahead (trailing gaps become steps that
    are not in the period); the number of points actually reported; and the estimates, by
    the same lines, of the period's slots without a value inside the history."""
    history = np.asarray(case.history, dtype=np.float64)[-MAX_SEASONS * max(case.season, 1) :]
    ok = np.isfinite(history)
    missing = np.asarray(case.missing, dtype=bool)
    known: F = (
        np.asarray(case.known, dtype=np.float64)[-len(history) :] if len(history) else np.zeros(0)
    )
    if not ok.any():
        steps = np.concatenate([np.zeros(len(history), dtype=bool), missing])
        return history[:0], steps, 0, known
    at = np.flatnonzero(ok)
    gaps = np.zeros(0)
    if not np.isfinite(known).all():
        where = np.arange(len(history) - len(known), len(history))
        gaps = np.interp(where[~np.isfinite(known)], at, history[at])
    first, last = int(at[0]), int(at[-1])
    y = history[first : last + 1]
    steps = np.concatenate([np.zeros(len(history) - 1 - last, dtype=bool), missing])
    if len(at) < len(y):
        t = np.arange(first, last + 1)
        y = np.interp(t, at, history[at])
    return y, steps, len(at), gaps


def forecast(
    cases: Sequence[Case], paths: int = PATHS, method: int | None = None, fan: bool = True
) -> Answer:
    """Forecast every case (see the module's docstring); `method` forces one of
    forecast_models.METHODS, on the KPI's own scale, instead of the backtest's choice (for
    benchmarks); without
    `fan`, the percentiles of each step are not worked out (they are for charts)."""
    n = len(cases)
    out = Answer(
        method=np.full(n, INSUFFICIENT, dtype=np.int64),
        points=np.zeros(n, dtype=np.int64),
        actual_to_date=np.full(n, np.nan),
        forecast=np.full(n, np.nan),
        low=np.full(n, np.nan),
        high=np.full(n, np.nan),
        probability=np.full(n, np.nan),
        quantiles=np.full((n, len(QUANTILES)), np.nan),
        fan=[np.zeros((0, 3)) for _ in range(n)],
    )
    groups: dict[tuple[int, int], list[Member]] = defaultdict(list)
    for i, case in enumerate(cases):
        given = np.asarray(case.known, dtype=np.float64)
        out.actual_to_date[i] = aggregate(given[np.isfinite(given)], case.aggregation)
        y, steps, points, gaps = prepare(case)
        known = given[np.isfinite(given)]
        out.points[i] = points
        if _complete(given, steps):
            value = aggregate(given, case.aggregation)
            out.method[i] = REPORTED
            out.forecast[i] = out.low[i] = out.high[i] = value
            out.quantiles[i] = value
            out.probability[i] = meets(np.array([value]), case)[0]
            continue
        if points < MIN_POINTS.get(case.season, 12) or not (steps.any() or len(given)):
            continue  # too little history, or (not from the service) a period of no slot
        groups[(len(y), case.season)].append(Member(i, y, steps, known, gaps))
    for (_, season), members in groups.items():
        for start in range(0, len(members), CHUNK):
            _solve(cases, members[start : start + CHUNK], season, paths, method, fan, out)
    return out


@dataclass
class Member:
    """A case ready to be solved with others of its length: its row, prepared history, the
    steps ahead, the period's reported values and the estimates of its gaps before the end."""

    row: int
    y: F
    steps: B
    known: F
    gaps: F


def _solve(
    cases: Sequence[Case],
    members: list[Member],
    season: int,
    paths: int,
    forced: int | None,
    with_fan: bool,
    out: Answer,
) -> None:
    rows = np.array([m.row for m in members], dtype=np.int64)
    raw = np.stack([m.y for m in members])
    horizon = max(1, *(len(m.steps) for m in members))
    steps = np.zeros((len(members), horizon), dtype=bool)
    for r, m in enumerate(members):
        steps[r, : len(m.steps)] = m.steps
    scale = np.abs(raw).mean(axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    y = raw / scale[:, None]
    kept = choice_.choose(y, season, horizon, forced)
    fitted, logged = kept.fitted, kept.logged
    draws = paths_.paths(fitted, horizon, paths)  # (n, h, paths), on the model's scale
    # Each row's deviations widened by the calibration at the number of steps in its period.
    left = np.array([max(1, int(m.steps.sum())) for m in members], dtype=np.int64)
    wider = kept.spread[np.arange(len(members)), np.minimum(left, kept.spread.shape[1]) - 1]
    point = fitted.point[:, :, None]
    draws = _own_scale(point + wider[:, None, None] * (draws - point), y, logged, scale)
    chunk = [cases[i] for i in rows]
    known = [m.known for m in members]
    spans = np.array([max(1, len(m.steps)) for m in members], dtype=np.int64)
    # A slot of the period without a value before the last one reported is its straight-line
    # estimate plus a drawn residual: steps put before the others, so the last stays last.
    g = max(len(m.gaps) for m in members)
    if g:
        estimate = np.ones((len(members), g))
        inside = np.zeros((len(members), g), dtype=bool)
        for r, m in enumerate(members):
            estimate[r, : len(m.gaps)], inside[r, : len(m.gaps)] = m.gaps, True
        estimate /= scale[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate[logged] = np.log(estimate[logged])  # the lines of positive values: > 0
        noise = paths_.shocks(fitted.residuals, g, paths, paths_.GAP_BLOCK)
        gaps = _own_scale(estimate[:, :, None] + noise, y, logged, scale)
        every = np.concatenate([gaps, draws], axis=1)
        value = paths_.period_values(
            every,
            np.concatenate([inside, steps], axis=1),
            spans + g,
            known,
            [c.aggregation for c in chunk],
        )
    else:
        value = paths_.period_values(draws, steps, spans, known, [c.aggregation for c in chunk])
    ok = np.isfinite(value).all(axis=1)  # the models are bounded: a safeguard, no figure
    value.sort(axis=1)
    q = paths_.sorted_quantiles(value, QUANTILES)
    ok &= np.isfinite(q).all(axis=1)
    take = rows[ok]
    out.method[take] = kept.method[ok]
    out.quantiles[take] = q[ok]
    out.low[take], out.high[take] = q[ok, 10], q[ok, 90]
    out.forecast[take] = np.clip(value[ok].mean(axis=1), q[ok, 10], q[ok, 90])
    out.probability[take] = _meet_share(value, chunk)[ok]
    if not with_fan:
        return
    spread = np.quantile(draws, [0.1, 0.5, 0.9], axis=2)  # (3, n, h)
    for j in np.flatnonzero(ok).tolist():
        out.fan[rows[j]] = spread[:, j, : len(members[j].steps)].T


def _meet_share(value: F, chunk: list[Case]) -> F:
    """The share of each row's paths on which the value meets the target (NaN without one)."""
    goal = np.array([c.target for c in chunk])[:, None]
    low = np.array([c.band_low for c in chunk])[:, None]
    high = np.array([c.band_high for c in chunk])[:, None]
    direction = np.array([c.direction for c in chunk])
    up = (value >= goal).mean(axis=1)
    down = (value <= goal).mean(axis=1)
    inside = ((value >= low) & (value <= high)).mean(axis=1)
    share = np.where(direction == DECREASE, down, np.where(direction == RANGE, inside, up))
    missing = np.where(
        direction == RANGE, np.isnan(low[:, 0]) | np.isnan(high[:, 0]), np.isnan(goal[:, 0])
    )
    out: F = np.where(missing, np.nan, share)
    return out


def _own_scale(x: F, y: F, logged: B, scale: F) -> F:
    """Paths (n, steps, paths) on the models' scale back on the KPI's: the rows of a model of
    the logarithm exponentiated, within a tenth of the history's smallest value and ten times
    its largest (a trend of the logarithm grows without bound), then all times their scale."""
    if logged.any():
        lows = np.log(y[logged].min(axis=1) / 10)[:, None, None]
        highs = np.log(y[logged].max(axis=1) * 10)[:, None, None]
        x = x.copy()
        x[logged] = np.exp(np.clip(x[logged], lows, highs))
    result: F = x * scale[:, None, None]
    return result
