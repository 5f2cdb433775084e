"""Forecasting models for short series, fitted to a batch of equal-length series at once.

Each model gives, per series, its point forecasts for the next steps, the one-step residuals
it made in sample, its impulse response (how much a shock at one step moves each later one:
the innovations form of the model, so that paths are point + shocks convolved with it) and
its forecasts from earlier origins for the rolling-origin backtest. Series are rows, without
gaps (the caller fills them) and scaled to a mean magnitude of 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
import numpy.typing as npt

F = npt.NDArray[np.float64]

METHODS = ("seasonal naive", "damped exponential smoothing", "theta", "combination")
SNAIVE, DAMPED, THETA, COMBINATION = range(4)

# Smoothing parameters tried for every series (a grid: the same work for the whole batch).
ALPHAS = (0.1, 0.3, 0.6, 0.9)
BETAS = (0.0, 0.1)  # as a share of alpha
PHIS = (0.9, 0.98, 0.995)
GAMMAS = (0.05, 0.25)
THETA_ALPHAS = (0.1, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass
class Fitted:
    """One model's results for a batch: rows are series."""

    point: F  # (n, h) forecasts of steps 1..h from the end
    residuals: F  # (n, T) one-step errors in sample, NaN where the model had no forecast yet
    impulse: F  # (n, h) the effect of a shock at step 1 on steps 1..h (impulse[:, 0] = 1)
    backtest: F  # (n, origins, hb) forecasts from each origin of the backtest


ORIGINS = 16
ORIGIN_STEP = 4  # periods per year between two origins: 4 gives every quarter of months


def origins(length: int, season: int) -> tuple[list[int], int]:
    """The backtest's origins (how many points each forecast is made from) and its horizon."""
    horizon = max(1, min(season, length // 4))
    step = max(1, season // ORIGIN_STEP)
    first = max(2, min(season, length // 2))
    ks = range(ORIGINS - 1, -1, -1)
    out = [o for o in (length - horizon - k * step for k in ks) if o >= first]
    return out or [max(1, length - horizon)], horizon


def seasonal_indices(y: F, season: int) -> F:
    """Additive seasonal indices (n, season) from a series detrended by its straight line;
    zero when the series is shorter than two seasons."""
    n, t = y.shape
    if season <= 1 or t < 2 * season:
        return np.zeros((n, max(season, 1)))
    time = np.arange(t, dtype=np.float64)
    slope, level = _line(y, time)
    detrended = y - (level[:, None] + slope[:, None] * time[None, :])
    idx = np.zeros((n, season))
    pos = np.arange(t) % season
    for j in range(season):
        idx[:, j] = detrended[:, pos == j].mean(axis=1)
    out: F = idx - idx.mean(axis=1, keepdims=True)
    return out


def _line(y: F, time: F) -> tuple[F, F]:
    """Least-squares slope and intercept of each row against `time`."""
    tm = time.mean()
    ym = y.mean(axis=1)
    var = ((time - tm) ** 2).sum()
    slope = ((time - tm)[None, :] * (y - ym[:, None])).sum(axis=1) / var if var > 0 else ym * 0
    return slope, ym - slope * tm


def seasonal_naive(y: F, season: int, h: int, origin_list: list[int], hb: int) -> Fitted:
    n, t = y.shape
    m = season if season > 1 and t >= season else 1
    steps = np.arange(h)
    point = y[:, t - m + steps % m]
    resid = np.full((n, t), np.nan)
    resid[:, m:] = y[:, m:] - y[:, :-m]
    impulse = np.where(steps % m == 0, 1.0, 0.0)[None, :].repeat(n, axis=0)
    back = np.stack([y[:, o - m + np.arange(hb) % m] for o in origin_list], axis=1)
    return Fitted(point, resid, impulse, back)


def damped(y: F, season: int, h: int, origin_list: list[int], hb: int) -> Fitted:
    """Additive damped-trend exponential smoothing, with additive seasons from two seasons of
    history; its parameters chosen per series from a grid by the in-sample one-step error."""
    n, t = y.shape
    seasonal = season > 1 and t >= 2 * season
    m = season if seasonal else 1
    gammas = GAMMAS if seasonal else (0.0,)
    grid = np.array(list(product(ALPHAS, BETAS, PHIS, gammas)))
    g = len(grid)
    alpha, beta, phi, gamma = (grid[:, i][None, :] for i in range(4))
    beta = beta * alpha
    # Start: the straight line through the first two seasons (or first few points), taken
    # back one step, and the seasons of those two seasons about that line.
    head = y[:, : min(t, 2 * m if seasonal else 4)]
    slope, intercept = _line(head, np.arange(head.shape[1], dtype=np.float64))
    level = np.repeat((intercept - slope)[:, None], g, axis=1)
    trend = np.repeat(slope[:, None], g, axis=1)
    if seasonal:
        s = np.repeat(seasonal_indices(head, m)[:, None, :], g, axis=1)
    else:
        s = np.zeros((n, g, 1))
    burn = min(t - 1, m if seasonal else 2)
    sse = _filter(y, m, (alpha, beta, phi, gamma), (level, trend, s), burn, [])[0]
    best = np.argmin(np.where(np.isfinite(sse), sse, np.inf), axis=1)
    rows = np.arange(n)
    one = tuple(x[0, best][:, None] for x in (alpha, beta, phi, gamma))
    start = (level[rows, best][:, None], trend[rows, best][:, None], s[rows, best][:, None, :])
    _, r, (level, trend, s), states = _filter(y, m, one, start, burn, origin_list)
    best = np.zeros(n, dtype=np.int64)
    a, b, p, c = (x[:, 0] for x in one)

    def ahead(lv: F, tr: F, ss: F, start: int, steps: int) -> F:
        k = np.arange(1, steps + 1)
        damp = np.cumsum(p[:, None] ** k[None, :], axis=1)
        out: F = (
            lv[rows, best][:, None]
            + damp * tr[rows, best][:, None]
            + ss[rows, best][:, (start + k - 1) % m]
        )
        return out

    point = ahead(level, trend, s, t, h)
    back = np.stack([ahead(*states[i], o, hb) for i, o in enumerate(origin_list)], axis=1)
    k = np.arange(1, h)
    damp = np.cumsum(p[:, None] ** k[None, :], axis=1) if h > 1 else np.zeros((n, 0))
    later = a[:, None] + b[:, None] * damp + c[:, None] * (k % m == 0)[None, :]
    impulse = np.concatenate([np.ones((n, 1)), later], axis=1)
    return Fitted(point, r, impulse, back)


def _filter(
    y: F,
    m: int,
    params: tuple[F, ...],
    start: tuple[F, F, F],
    burn: int,
    origin_list: list[int],
) -> tuple[F, F, tuple[F, F, F], list[tuple[F, F, F]]]:
    """Run the damped-trend recursion over every series and parameter set (n, g): the sum of
    squared one-step errors after `burn`; with origins, also the residuals (NaN in the burn)
    of a single parameter set, the final states and the states at each origin."""
    alpha, beta, phi, gamma = params
    level, trend, s = (x.copy() for x in start)
    n, t = y.shape
    sse = np.zeros(level.shape)
    keep = bool(origin_list)
    resid = np.full((n, t), np.nan)
    wanted = {o: i for i, o in enumerate(origin_list)}
    states: list[tuple[F, F, F]] = [(level, trend, s)] * len(origin_list)
    for i in range(t):
        if i in wanted:
            states[wanted[i]] = (level.copy(), trend.copy(), s.copy())
        j = i % m
        e = y[:, i][:, None] - (level + phi * trend + s[:, :, j])
        if i >= burn:
            sse += e * e
            if keep:
                resid[:, i] = e[:, 0]
        level = level + phi * trend + alpha * e
        trend = phi * trend + beta * e
        s[:, :, j] += gamma * e
    return sse, resid, (level, trend, s), states


def theta(y: F, season: int, h: int, origin_list: list[int], hb: int) -> Fitted:
    """The theta method as simple exponential smoothing with drift (half the straight line's
    slope), on the series less its additive seasons; alpha chosen per series from a grid."""
    n, t = y.shape
    m = max(season, 1)
    idx = seasonal_indices(y, season)
    pos = np.arange(t) % m
    z = y - idx[:, pos]
    time = np.arange(t, dtype=np.float64)
    # Slopes of the line fitted up to each step, from running sums, for the drift at any origin.
    ct = np.cumsum(np.ones(t))
    st, sy = np.cumsum(time), np.cumsum(z, axis=1)
    stt, sty = np.cumsum(time**2), np.cumsum(z * time[None, :], axis=1)
    var = ct * stt - st**2
    slope = np.where(var > 0, (ct * sty - st * sy) / np.where(var > 0, var, 1.0), 0.0)
    alphas = np.array(THETA_ALPHAS)[None, :]
    lv = np.repeat(z[:, :1], len(THETA_ALPHAS), axis=1)
    resid = np.zeros((n, len(THETA_ALPHAS), t))
    levels = np.zeros((n, len(THETA_ALPHAS), t + 1))
    levels[:, :, 0] = lv
    for i in range(t):
        drift = slope[:, i - 1][:, None] / 2 if i > 1 else 0.0
        e = z[:, i][:, None] - (lv + drift)
        resid[:, :, i] = e
        lv = lv + drift + alphas * e
        levels[:, :, i + 1] = lv
    burn = min(t - 1, 2)
    best = np.argmin((resid[:, :, burn:] ** 2).sum(axis=2), axis=1)
    rows = np.arange(n)
    a = alphas[0, best]

    def ahead(origin: int, steps: int) -> F:
        k = np.arange(1, steps + 1)
        drift = slope[:, origin - 1] / 2 if origin > 1 else np.zeros(n)
        base = levels[rows, best, origin][:, None] + drift[:, None] * k[None, :]
        out: F = base + idx[:, (origin + k - 1) % m]
        return out

    point = ahead(t, h)
    back = np.stack([ahead(o, hb) for o in origin_list], axis=1)
    impulse = np.concatenate([np.ones((n, 1)), np.repeat(a[:, None], h - 1, axis=1)], axis=1)
    r = resid[rows, best]
    r[:, :burn] = np.nan
    return Fitted(point, r, impulse, back)


def combine(a: Fitted, b: Fitted) -> Fitted:
    """The mean of two models' forecasts, residuals and impulse responses."""
    return Fitted(
        (a.point + b.point) / 2,
        (a.residuals + b.residuals) / 2,
        (a.impulse + b.impulse) / 2,
        (a.backtest + b.backtest) / 2,
    )
