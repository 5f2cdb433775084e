"""Drawing a forecast's paths and reading a period's value off them (fourfold.core.forecast).

The draws are uniform numbers from a fixed seed, the same for every series, made in blocks
of steps so that a longer horizon only adds blocks: a series' paths never depend on which
other series are drawn with it, nor on how far the longest of them looks ahead.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .forecast_models import Fitted

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

SUM, AVERAGE, LAST, MIN, MAX = range(5)  # as periods.AGGREGATIONS
SEED = 20261124
BLOCK = 64  # draws are made for this many steps at a time, each block from its own seed
GAP_BLOCK = 1000  # the first block of the draws for a period's gaps


def sorted_quantiles(ordered: F, levels: F) -> F:
    """Quantiles (linear interpolation) of rows already sorted."""
    pos = levels * (ordered.shape[1] - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, ordered.shape[1] - 1)
    w = pos - lo
    below = ordered[:, lo]
    # Written so that equal neighbours give exactly their value, and so never out of order.
    out: F = np.maximum.accumulate(below + (ordered[:, hi] - below) * w, axis=1)
    return out


def period_values(draws: F, steps: B, spans: Ints, known: list[F], how: list[int]) -> F:
    """The period's value on each path (n, paths), from paths (n, steps, paths): the KPI's
    aggregation of the values the period has and the path's values at its slots without one."""
    n, _, paths = draws.shape
    agg = np.array(how, dtype=np.int64)
    count = np.array([len(k) for k in known], dtype=np.float64)
    total = np.array([k.sum() for k in known])
    mask = steps[:, :, None]
    out = np.zeros((n, paths))
    summed = total[:, None] + np.where(mask, draws, 0.0).sum(axis=1)
    out = np.where((agg == SUM)[:, None], summed, out)
    mean = summed / np.maximum(count + steps.sum(axis=1), 1)[:, None]
    out = np.where((agg == AVERAGE)[:, None], mean, out)
    # The period's last slot is the last step; when it has a value, that value is the last.
    last_step = draws[np.arange(n), spans - 1, :]
    last_known = np.array([k[-1] if len(k) else np.nan for k in known])
    last_missing = steps[np.arange(n), spans - 1]
    last = np.where(last_missing[:, None], last_step, last_known[:, None])
    out = np.where((agg == LAST)[:, None], last, out)
    low_known = np.array([k.min() if len(k) else np.inf for k in known])[:, None]
    high_known = np.array([k.max() if len(k) else -np.inf for k in known])[:, None]
    if (agg == MIN).any():
        lowest = np.minimum(np.where(mask, draws, np.inf).min(axis=1), low_known)
        out = np.where((agg == MIN)[:, None], lowest, out)
    if (agg == MAX).any():
        highest = np.maximum(np.where(mask, draws, -np.inf).max(axis=1), high_known)
        out = np.where((agg == MAX)[:, None], highest, out)
    return out


@cache
def uniforms(block: int, paths: int) -> F:
    out: F = np.random.default_rng([SEED, block]).random((paths, BLOCK))
    return out


def draw_uniforms(paths: int, steps: int, first_block: int = 0) -> F:
    blocks = [uniforms(first_block + b, paths) for b in range(-(-steps // BLOCK))]
    return np.concatenate(blocks, axis=1)[:, :steps] if blocks else np.zeros((paths, 0))


def shocks(residuals: F, steps: int, paths: int, first_block: int = 0) -> F:
    """Residuals drawn with replacement (n, steps, paths), centred so as not to bias."""
    n = len(residuals)
    valid = np.isfinite(residuals)
    count = valid.sum(axis=1)
    # The valid residuals of each row first.
    order = np.argsort(~valid, axis=1, kind="stable")
    packed = np.take_along_axis(np.where(valid, residuals, 0.0), order, axis=1)
    mean = np.where(count > 0, packed.sum(axis=1) / np.maximum(count, 1), 0.0)
    inside = np.arange(residuals.shape[1])[None, :] < count[:, None]
    packed = np.where(inside, packed - mean[:, None], 0.0)
    u = draw_uniforms(paths, steps, first_block).T  # (steps, paths)
    top = np.maximum(count - 1, 0)[:, None, None]
    pick = np.minimum((u[None, :, :] * np.maximum(count, 1)[:, None, None]).astype(np.int64), top)
    out: F = np.take_along_axis(packed, pick.reshape(n, -1), axis=1).reshape(n, steps, paths)
    return out


def paths(fitted: Fitted, horizon: int, paths: int) -> F:
    """Future paths (n, horizon, paths): point forecasts plus bootstrapped shocks convolved
    with each model's impulse response."""
    drawn = shocks(fitted.residuals, horizon, paths)
    lag = np.arange(horizon)[:, None] - np.arange(horizon)[None, :]  # step j, shock i
    conv = np.where(lag >= 0, fitted.impulse[:, np.clip(lag, 0, horizon - 1)], 0.0)  # (n, j, i)
    out: F = fitted.point[:, :, None] + np.matmul(conv, drawn)
    return out
