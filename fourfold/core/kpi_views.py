"""Every KPI's actual, targets, lateness and score in one view of periods (month, quarter...).

Coarser views aggregate a KPI's values with the KPI's own aggregation; a period's target is
the explicit one for that period, else the aggregation of the finer periods' targets.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import grid, periods, scoring
from .grid import DECREASE, MONTHLY, RANGE, B, F, Inputs, Ints

TARGETS = ("target", "red_flag", "low", "high")
ScoreFn = Callable[..., tuple[F, Ints]]


def explicit_targets(inp: Inputs) -> dict[str, list[F]]:
    """The targets given for each level's periods (month, quarter, year), NaN where none."""
    return {
        name: [
            grid.native(
                inp, lvl, inp.target_kpi, inp.target_slot, getattr(inp, name), inp.target_level
            )
            for lvl in range(3)
        ]
        for name in TARGETS
    }


def default_flags(target: F, direction: Ints) -> F:
    """The red flag of targets that have none: G ∓ 10 % of |G| (NaN for a range KPI)."""
    raw = np.where(
        direction == DECREASE, target + 0.1 * np.abs(target), target - 0.1 * np.abs(target)
    )
    # Round to 12 significant digits so that the float is the decimal the user would write,
    # so that 25.4 gives exactly 22.86.
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = 11 - np.floor(np.log10(np.abs(np.where(raw == 0, 1.0, raw))))
        scale = np.power(10.0, np.nan_to_num(digits))
        rounded = np.round(raw * scale) / scale
    out: F = np.where(np.isfinite(target) & (direction != RANGE), rounded, np.nan)
    return out


def targets_by_level(inp: Inputs, explicit: dict[str, list[F]]) -> list[dict[str, F]]:
    """Every KPI's targets at each level, NaN at levels finer than the KPI's frequency."""
    by_level: list[dict[str, F]] = []
    for lvl in range(3):
        given = {name: explicit[name][lvl] for name in TARGETS}
        has_target = np.isfinite(given["target"])
        has_flag = np.isfinite(given["red_flag"])
        # A target given without a red flag gets the default one, computed only where needed.
        rows, cols = np.nonzero(has_target & ~has_flag)
        flags = given["red_flag"].copy()
        flags[rows, cols] = default_flags(given["target"][rows, cols], inp.kpi_direction[rows])
        out = {name: flags if name == "red_flag" else given[name].copy() for name in TARGETS}
        # The cells given for the period win over the finer periods' aggregate; a red flag
        # follows the target it belongs to, so an explicit target drops aggregated flags.
        keep = {name: np.isfinite(given[name]) for name in TARGETS}
        keep["red_flag"] = has_flag | has_target
        coarser = inp.kpi_frequency > lvl
        finer = np.flatnonzero(inp.kpi_frequency < lvl)
        for name in TARGETS:
            out[name][coarser] = np.nan
        if len(finer):
            step = grid.width(lvl - 1, lvl)
            for name in TARGETS:
                below = by_level[lvl - 1][name]
                # A KPI without any finer target has nothing to fold: its cells stay as given.
                with_any = finer[~np.isnan(below[finer]).all(axis=1)]
                for how, sub in _by_aggregation(inp, with_any):
                    agg = _fold_targets(below[sub], step, how)
                    out[name][sub] = np.where(keep[name][sub], out[name][sub], agg)
        by_level.append(out)
    return by_level


def _fold_targets(finer: F, step: int, how: str) -> F:
    agg = periods.aggregate_runs(finer, step, how)
    if how == "sum":
        # A sum of targets needs every finer period's target.
        n, m = finer.shape
        complete = np.isfinite(finer).reshape(n, m // step, step).all(axis=2)
        agg[~complete] = np.nan
    return agg


def _by_aggregation(inp: Inputs, rows: Ints) -> list[tuple[str, Ints]]:
    how = inp.kpi_aggregation[rows]
    return [(periods.AGGREGATIONS[int(a)], rows[how == a]) for a in np.unique(how)]


def view_actuals(inp: Inputs, view: str, native_values: list[F]) -> F:
    """Each KPI's actual in each period of a view, by the KPI's aggregation."""
    level = grid.LEVEL[view]
    if view == "ytd":
        actual = np.full_like(native_values[MONTHLY], np.nan)
        monthly = np.flatnonzero(inp.kpi_frequency == MONTHLY)
        for how, sub in _by_aggregation(inp, monthly):
            actual[sub] = grid.cumulative(native_values[MONTHLY][sub], how)
        return actual
    # Each frequency's matrix is NaN outside its own KPIs' rows.
    actual = native_values[level].copy()
    for freq in range(level):
        rows = np.flatnonzero(inp.kpi_frequency == freq)
        for how, sub in _by_aggregation(inp, rows):
            actual[sub] = periods.aggregate_runs(
                native_values[freq][sub], grid.width(freq, level), how
            )
    return actual


def view_targets(inp: Inputs, view: str, by_level: list[dict[str, F]]) -> dict[str, F]:
    if view != "ytd":
        return by_level[grid.LEVEL[view]]
    month = by_level[MONTHLY]
    targets = {name: np.full_like(month[name], np.nan) for name in TARGETS}
    monthly = np.flatnonzero(inp.kpi_frequency == MONTHLY)
    for name in TARGETS:
        # A KPI without any month target has none so far either.
        with_any = monthly[np.isfinite(month[name][monthly]).any(axis=1)]
        for how, sub in _by_aggregation(inp, with_any):
            targets[name][sub] = grid.cumulative(month[name][sub], how, complete=how == "sum")
    return targets


def view_overdue(view: str, overdue_native: list[B]) -> B:
    """Periods with a late value: any of its slots, or any month so far for year to date."""
    if view == "ytd":
        late = overdue_native[MONTHLY]
        n, m = late.shape
        so_far: B = np.logical_or.accumulate(late.reshape(n, m // 12, 12), axis=2)
        return so_far.reshape(n, m)
    level = grid.LEVEL[view]
    overdue = grid.any_in_runs(overdue_native[level], 1)
    for freq in range(level):
        overdue |= grid.any_in_runs(overdue_native[freq], grid.width(freq, level))
    return overdue


def score(inp: Inputs, actual: F, targets: dict[str, F], wanted: B) -> tuple[F, Ints, B]:
    """Score and status of each KPI in each wanted period, and which KPIs are scored at all."""
    n_k, n_p = actual.shape
    out = np.full((n_k, n_p), np.nan)
    status = np.full((n_k, n_p), -1, dtype=np.int64)
    scored = np.ones(n_k, dtype=bool)
    direction = inp.kpi_direction
    for index, scheme in enumerate(inp.schemes):
        rows = np.flatnonzero(inp.kpi_scheme == index)
        if len(rows) == 0:
            continue
        if scheme.type == "unscored":
            scored[rows] = False
            continue
        if scheme.type == "yes_no":
            _score_cells(out, status, rows, wanted, scoring.yes_no_v, [actual])
            continue
        ranged = rows[direction[rows] == RANGE]
        if len(ranged):
            n = len(scheme.statuses)

            def by_range(a: F, low: F, high: F, cells: Ints, n: int = n) -> tuple[F, Ints]:
                return scoring.range_v(a, low, high, inp.kpi_tolerance[cells // n_p], n)

            matrices = [actual, targets["low"], targets["high"]]
            _score_cells(out, status, ranged, wanted, by_range, matrices, with_cells=True)
        r = rows[direction[rows] != RANGE]
        if len(r) == 0:
            continue
        if scheme.type == "goal_red_flag":
            matrices = [actual, targets["target"], targets["red_flag"]]
            _score_cells(out, status, r, wanted, scoring.goal_red_flag_v, matrices)
        else:

            def by_percent(
                a: F, goal: F, cells: Ints, scheme: scoring.Scheme = scheme
            ) -> tuple[F, Ints]:
                return scoring.percent_v(a, goal, direction[cells // n_p] == DECREASE, scheme)

            matrices = [actual, targets["target"]]
            _score_cells(out, status, r, wanted, by_percent, matrices, with_cells=True)
    return out, status, scored


def _score_cells(
    score: F,
    status: Ints,
    rows: Ints,
    wanted: B,
    fn: ScoreFn,
    matrices: list[F],
    *,
    with_cells: bool = False,
) -> None:
    """Apply a bulk scoring rule to the cells of the rows where every input has a number.

    The rules give NaN and -1 wherever an input is missing, so the other cells are left so.
    """
    n_p = score.shape[1]
    ok = wanted[rows]
    for matrix in matrices:
        ok &= ~np.isnan(matrix[rows])
    i, j = np.nonzero(ok)
    cells = rows[i] * n_p + j
    args = [np.take(matrix, cells) for matrix in matrices]
    s, st = fn(*args, cells) if with_cells else fn(*args)
    np.put(score, cells, s)
    np.put(status, cells, st)
