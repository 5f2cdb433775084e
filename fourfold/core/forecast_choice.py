"""Choosing each series' forecasting model by a rolling-origin backtest, and calibrating the
spread of its paths by that backtest's errors (fourfold.core.forecast).

A series of positive values is fitted twice, on its own scale and on the log scale (where a
season or a trend that grows with the level, as in sales or passengers, becomes additive);
both are judged by their backtest errors on the series' own scale, so that the two compare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import forecast_models as fm

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

PREFER_COMBINATION = 0.8
Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass
class Choice:
    """The model kept for each series of a batch, and what the paths need of it."""

    fitted: fm.Fitted
    method: Ints
    spread: F  # (n, hb): how much to widen the paths' deviations over 1..hb steps
    error: F  # (n,) the kept model's mean absolute backtest error, on the series' own scale
    logged: B  # (n,) whether the model is of the series' logarithm


def choose(y: F, season: int, horizon: int, forced: int | None) -> Choice:
    """The better of each series' model on its own scale and, for a series of positive values,
    on the log scale, by their backtest errors; `forced` keeps that model on the own scale."""
    kept = select(y, season, horizon, forced, logged=False)
    positive = np.flatnonzero((y > 0).all(axis=1)) if forced is None else np.zeros(0, np.int64)
    if not len(positive):
        return kept
    other = select(np.log(y[positive]), season, horizon, None, logged=True)
    better = other.error < kept.error[positive]
    rows, take = positive[better], np.flatnonzero(better)
    for name in ("point", "residuals", "impulse", "backtest"):
        getattr(kept.fitted, name)[rows] = getattr(other.fitted, name)[take]
    kept.method[rows] = other.method[take]
    kept.spread[rows] = other.spread[take]
    kept.error[rows] = other.error[take]
    kept.logged[rows] = True
    return kept


def select(y: F, season: int, horizon: int, forced: int | None, logged: bool) -> Choice:
    """Fit every model and keep, per series, the one with the least backtest error (on the
    series' own scale: of exp(y) when `logged`); with the calibration of its spread."""
    n, t = y.shape
    origin_list, hb = fm.origins(t, season)
    models = [
        fm.seasonal_naive(y, season, horizon, origin_list, hb),
        fm.damped(y, season, horizon, origin_list, hb),
        fm.theta(y, season, horizon, origin_list, hb),
    ]
    models.append(fm.combine(models[1], models[2]))
    actual = np.stack([window(y, o, hb) for o in origin_list], axis=1)  # (n, origins, hb)
    own = np.exp if logged else np.asarray
    with np.errstate(over="ignore", invalid="ignore"):
        errors = np.stack(
            [np.nanmean(np.abs(own(m.backtest) - own(actual)), axis=(1, 2)) for m in models],
            axis=1,
        )
    errors = np.where(np.isfinite(errors), errors, np.inf)
    # The combination is kept unless another does clearly better: a short backtest is noisy.
    judged = errors.copy()
    judged[:, fm.COMBINATION] *= PREFER_COMBINATION
    best = np.argmin(judged, axis=1) if forced is None else np.full(n, forced)
    pick = np.arange(n)
    chosen = fm.Fitted(
        point=np.stack([m.point for m in models], axis=1)[pick, best],
        residuals=np.stack([m.residuals for m in models], axis=1)[pick, best],
        impulse=np.stack([m.impulse for m in models], axis=1)[pick, best],
        backtest=np.stack([m.backtest for m in models], axis=1)[pick, best],
    )
    return Choice(
        chosen,
        best.astype(np.int64),
        calibration(chosen, actual),
        errors[pick, best],
        np.full(n, logged),
    )


def window(y: F, origin: int, hb: int) -> F:
    """The values just after an origin, NaN past the end."""
    out = np.full((len(y), hb), np.nan)
    part = y[:, origin : origin + hb]
    out[:, : part.shape[1]] = part
    return out


def calibration(chosen: fm.Fitted, actual: F) -> F:
    """For each number of steps H (1..the backtest's horizon), how much wider than the residuals
    imply the paths' deviations must be (at least 1): the root mean square, over the backtest's
    origins, of the total of the first H errors, against the standard deviation of that total
    the residuals and the impulse response imply; times Student's t over the normal at the
    90th percentile, for a spread estimated from few origins."""
    r = chosen.residuals
    n, hb = len(r), actual.shape[2]
    with np.errstate(invalid="ignore"):
        var = np.nanmean(r**2, axis=1) if np.isfinite(r).any() else np.zeros(n)
    c = chosen.impulse[:, :hb] if chosen.impulse.shape[1] >= hb else np.ones((n, hb))
    # A shock i steps before step H moves the total of steps ..H by the sum of c[0..H-1-i].
    implied = var[:, None] * np.cumsum(np.cumsum(c, axis=1) ** 2, axis=1)  # (n, hb)
    total = np.cumsum(actual - chosen.backtest, axis=2)  # (n, origins, hb), NaN past the end
    seen = np.isfinite(total)
    count = seen.sum(axis=1)
    squares = np.where(seen, total, 0.0) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sqrt(squares.sum(axis=1) / count / implied)
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    out: F = np.maximum(ratio, 1.0) * t90(np.maximum(count - 1, 1)) / Z90
    return out


def t90(dof: Ints) -> F:
    """Student's t 90th percentile for these degrees of freedom (Cornish-Fisher: within 0.3 %
    from 2 on, 4 % low for 1)."""
    z, v = Z90, dof.astype(np.float64)
    out: F = (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )
    return out
