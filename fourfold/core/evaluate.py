"""Every score of every node for every period, computed over whole arrays at once.

The grid starts at the first month of a fiscal year and covers whole fiscal years, so
months fold into quarters and years by integer division. KPIs keep their values at their
own frequency ("native slots"); coarser views aggregate them with each KPI's aggregation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import periods, rollup, scoring

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

MONTHLY, QUARTERLY, YEARLY = 0, 1, 2
INCREASE, DECREASE, RANGE = 0, 1, 2
SLOTS_PER_YEAR = (12, 4, 1)
VIEWS = ("month", "quarter", "year", "ytd")
ROLLUPS = ("weighted_mean", "worst", "share_met")


@dataclass
class Inputs:
    """Definitions, targets and values as flat arrays; indices refer to positions."""

    fiscal_start: int
    first_month: str  # the first month of the grid: the start of a fiscal year
    n_years: int
    today: dt.date
    schemes: list[scoring.Scheme]
    # KPIs
    kpi_frequency: Ints
    kpi_aggregation: Ints  # index into periods.AGGREGATIONS
    kpi_direction: Ints
    kpi_scheme: Ints
    kpi_tolerance: F  # NaN: the band's width
    kpi_grace: Ints
    kpi_weight: F
    kpi_objective: Ints
    # values at the KPI's own frequency: slot = index in that frequency's grid
    value_kpi: Ints
    value_slot: Ints
    value: F
    # targets at a level (0 month, 1 quarter, 2 year) not finer than the KPI's frequency
    target_kpi: Ints
    target_level: Ints
    target_slot: Ints
    target: F
    red_flag: F
    low: F
    high: F
    # objectives, perspectives and scorecards
    obj_depth: Ints  # depth of the objective's unit in the unit tree
    obj_perspective: Ints
    obj_parent: Ints  # the objective it contributes to, or -1
    obj_weight: F
    obj_rollup: Ints  # index into ROLLUPS
    obj_scheme: Ints  # index into schemes
    persp_scorecard: Ints
    persp_weight: F
    persp_rollup: Ints
    persp_scheme: Ints
    card_rollup: Ints
    card_scheme: Ints


@dataclass
class View:
    """Results for one kind of period; rows are KPIs, objectives, perspectives, scorecards."""

    keys: list[str]
    actual: F  # KPIs only
    target: F
    red_flag: F
    low: F
    high: F
    score: F
    status: Ints  # index into the node's scheme, -1 for none
    expected: Ints
    reported: Ints
    overdue: Ints


@dataclass
class Result:
    n_kpis: int
    n_objectives: int
    n_perspectives: int
    n_scorecards: int
    node_scheme: Ints
    views: dict[str, View] = field(default_factory=dict)

    @property
    def offsets(self) -> dict[str, int]:
        return {
            "kpi": 0,
            "objective": self.n_kpis,
            "perspective": self.n_kpis + self.n_objectives,
            "scorecard": self.n_kpis + self.n_objectives + self.n_perspectives,
        }


def evaluate(inp: Inputs) -> Result:
    months = _month_keys(inp)
    n_k = len(inp.kpi_frequency)
    native_values = [_native(inp, f, inp.value_kpi, inp.value_slot, inp.value) for f in range(3)]
    level_targets = {
        name: [
            _native(inp, lvl, inp.target_kpi, inp.target_slot, getattr(inp, name), inp.target_level)
            for lvl in range(3)
        ]
        for name in ("target", "red_flag", "low", "high")
    }
    present = [np.isfinite(v) for v in native_values]
    for lvl in range(3):
        for name in ("target", "low"):
            present[lvl] |= np.isfinite(level_targets[name][lvl])
    first_slot = _first_month_with_data(inp, present)
    overdue_native = [_overdue_native(inp, f, native_values[f], first_slot) for f in range(3)]

    result = Result(
        n_kpis=n_k,
        n_objectives=len(inp.obj_depth),
        n_perspectives=len(inp.persp_scorecard),
        n_scorecards=len(inp.card_rollup),
        node_scheme=np.concatenate(
            [inp.kpi_scheme, inp.obj_scheme, inp.persp_scheme, inp.card_scheme]
        ).astype(np.int64),
    )
    n_m = 12 * inp.n_years
    for view in VIEWS:
        level = {"month": 0, "quarter": 1, "year": 2, "ytd": 0}[view]
        n_p = n_m // (12 // SLOTS_PER_YEAR[level]) if view != "ytd" else n_m
        actual = np.full((n_k, n_p), np.nan)
        targets = {name: np.full((n_k, n_p), np.nan) for name in level_targets}
        overdue = np.zeros((n_k, n_p), dtype=bool)
        applicable = np.zeros(n_k, dtype=bool)
        for freq in range(3):
            rows = np.flatnonzero(inp.kpi_frequency == freq)
            if len(rows) == 0 or (view == "ytd" and freq != MONTHLY) or freq > level:
                continue
            applicable[rows] = True
            for agg in np.unique(inp.kpi_aggregation[rows]):
                sub = rows[inp.kpi_aggregation[rows] == agg]
                how = periods.AGGREGATIONS[int(agg)]
                _fill_view(
                    inp,
                    view,
                    level,
                    freq,
                    sub,
                    how,
                    native_values,
                    level_targets,
                    overdue_native,
                    actual,
                    targets,
                    overdue,
                )
        ends = _period_ends(inp, view, n_p)
        due = ends < np.datetime64(inp.today)
        started = _started(first_slot, view, level, n_p)
        score, status, scored = _score_kpis(inp, actual, targets)
        reported = np.isfinite(actual) & applicable[:, None] & started
        # A period partly reported can still have an overdue month: both are shown.
        overdue &= applicable[:, None] & started & scored[:, None]
        expected = (
            applicable[:, None] & scored[:, None] & started & (reported | due[None, :] | overdue)
        )
        score[~started | ~applicable[:, None]] = np.nan
        status[np.isnan(score)] = -1
        view_result = _roll_up(
            inp,
            result,
            score,
            status,
            expected.astype(np.int64),
            (reported & expected).astype(np.int64),
            overdue.astype(np.int64),
        )
        view_result.keys = _view_keys(inp, view, months)
        view_result.actual = actual
        view_result.target = targets["target"]
        view_result.red_flag = targets["red_flag"]
        view_result.low = targets["low"]
        view_result.high = targets["high"]
        result.views[view] = view_result
    return result


def _month_keys(inp: Inputs) -> list[str]:
    m0 = periods.month_ordinal(inp.first_month)
    return [periods.month_key(m0 + i) for i in range(12 * inp.n_years)]


def _view_keys(inp: Inputs, view: str, months: list[str]) -> list[str]:
    fs = inp.fiscal_start
    if view == "month":
        return months
    if view == "ytd":
        return [f"{m}-YTD" for m in months]
    if view == "quarter":
        return [periods.quarter_of(m, fs) for m in months[::3]]
    return [periods.year_of(m, fs) for m in months[::12]]


def _native(
    inp: Inputs, freq: int, kpi: Ints, slot: Ints, value: F, level: Ints | None = None
) -> F:
    """A (KPIs, slots) matrix of the entries at one frequency, NaN where missing."""
    n = SLOTS_PER_YEAR[freq] * inp.n_years
    out = np.full((len(inp.kpi_frequency), n), np.nan)
    mask = (inp.kpi_frequency[kpi] == freq) if level is None else (level == freq)
    out[kpi[mask], slot[mask]] = value[mask]
    return out


def _first_month_with_data(inp: Inputs, present: list[B]) -> Ints:
    """The first month index with a value or target per KPI; earlier periods are not expected."""
    big = 12 * inp.n_years
    first = np.full(len(inp.kpi_frequency), big, dtype=np.int64)
    for lvl, mat in enumerate(present):
        width = 12 // SLOTS_PER_YEAR[lvl]
        has = mat.any(axis=1)
        idx = np.argmax(mat, axis=1) * width
        first = np.where(has, np.minimum(first, idx), first)
    return first


def _slot_ends(inp: Inputs, level: int, n: int) -> npt.NDArray[np.datetime64]:
    m0 = periods.month_ordinal(inp.first_month)
    width = 12 // SLOTS_PER_YEAR[level]
    # The day after the slot's last month, as a numpy day: its end is one day before.
    next_month = m0 + (np.arange(n) + 1) * width
    years, months = next_month // 12, next_month % 12 + 1
    starts = np.array(
        [f"{y:04d}-{m:02d}-01" for y, m in zip(years, months, strict=True)], dtype="datetime64[D]"
    )
    ends: npt.NDArray[np.datetime64] = np.asarray(
        starts - np.timedelta64(1, "D"), dtype=starts.dtype
    )
    return ends


def _period_ends(inp: Inputs, view: str, n_p: int) -> npt.NDArray[np.datetime64]:
    level = {"month": 0, "quarter": 1, "year": 2, "ytd": 0}[view]
    return _slot_ends(inp, level, n_p)


def _overdue_native(inp: Inputs, freq: int, values: F, first_month: Ints) -> B:
    n = values.shape[1]
    ends = _slot_ends(inp, freq, n)
    deadline = ends[None, :] + inp.kpi_grace[:, None].astype("timedelta64[D]")
    width = 12 // SLOTS_PER_YEAR[freq]
    started = (np.arange(n)[None, :] * width + width - 1) >= first_month[:, None]
    late: B = (
        np.isnan(values)
        & (deadline < np.datetime64(inp.today))
        & started
        & (inp.kpi_frequency == freq)[:, None]
    )
    return late


def _started(first_month: Ints, view: str, level: int, n_p: int) -> B:
    width = 1 if view in ("month", "ytd") else 12 // SLOTS_PER_YEAR[level]
    last_month = np.arange(n_p) * width + width - 1
    return last_month[None, :] >= first_month[:, None]


def _group(n_src: int, width: int) -> Ints:
    return np.arange(n_src) // width


def _fill_view(
    inp: Inputs,
    view: str,
    level: int,
    freq: int,
    rows: Ints,
    how: str,
    native_values: list[F],
    level_targets: dict[str, list[F]],
    overdue_native: list[B],
    actual: F,
    targets: dict[str, F],
    overdue: B,
) -> None:
    values = native_values[freq][rows]
    late = overdue_native[freq][rows]
    if view == "ytd":
        actual[rows] = _cumulative(values, how)
        late_f = late.astype(np.float64).reshape(len(rows), inp.n_years, 12)
        overdue[rows] = (np.cumsum(late_f, axis=2) > 0).reshape(len(rows), -1)
        for name, per_level in level_targets.items():
            month_targets = _effective(
                inp,
                name,
                per_level[0][rows],
                rows,
                per_level_target=level_targets["target"][0][rows],
            )
            targets[name][rows] = _cumulative(month_targets, how, complete=how == "sum")
        return
    width = SLOTS_PER_YEAR[freq] // SLOTS_PER_YEAR[level]
    n_groups = SLOTS_PER_YEAR[level] * inp.n_years
    groups = _group(values.shape[1], width)
    if width == 1:
        actual[rows] = values
        overdue[rows] = late
    else:
        actual[rows] = periods.aggregate_columns(values, groups, n_groups, how)
        overdue[rows] = (
            periods.aggregate_columns(late.astype(np.float64), groups, n_groups, "max") > 0
        )
    # Targets: the explicit one for the period, else the aggregation of the finer ones.
    effective: dict[str, F] = {}
    for lvl in range(freq, level + 1):
        for name in level_targets:
            explicit = level_targets[name][lvl][rows]
            explicit = _effective(inp, name, explicit, rows, level_targets["target"][lvl][rows])
            if lvl == freq:
                effective[name] = explicit
                continue
            step = SLOTS_PER_YEAR[lvl - 1] // SLOTS_PER_YEAR[lvl]
            finer = effective[name]
            g = _group(finer.shape[1], step)
            agg = periods.aggregate_columns(finer, g, finer.shape[1] // step, how)
            if how == "sum":
                count = periods.aggregate_columns(
                    np.isfinite(finer).astype(np.float64), g, finer.shape[1] // step, "sum"
                )
                agg[count < step] = np.nan
            effective[name] = np.where(np.isfinite(explicit), explicit, agg)
        # A red flag follows the target it belongs to: an explicit target drops aggregated flags.
        if lvl > freq:
            explicit_target = np.isfinite(level_targets["target"][lvl][rows])
            explicit_flag = np.isfinite(level_targets["red_flag"][lvl][rows])
            default = _default_flags(inp, rows, effective["target"])
            effective["red_flag"] = np.where(
                explicit_target & ~explicit_flag, default, effective["red_flag"]
            )
    for name in targets:
        targets[name][rows] = effective[name]


def _effective(inp: Inputs, name: str, explicit: F, rows: Ints, per_level_target: F) -> F:
    """Fill the default red flag wherever a target has none."""
    if name != "red_flag":
        return explicit
    default = _default_flags(inp, rows, per_level_target)
    return np.where(np.isfinite(explicit), explicit, default)


def _default_flags(inp: Inputs, rows: Ints, target: F) -> F:
    direction = inp.kpi_direction[rows][:, None]
    # G ∓ 10 % of |G|, rounded through decimal text so that 25.4 gives exactly 22.86.
    raw = np.where(
        direction == DECREASE, target + 0.1 * np.abs(target), target - 0.1 * np.abs(target)
    )
    # Round to 12 significant digits so that the float is the decimal the user would write.
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = 11 - np.floor(np.log10(np.abs(np.where(raw == 0, 1.0, raw))))
        scale = np.power(10.0, np.nan_to_num(digits))
        rounded = np.round(raw * scale) / scale
    return np.where(np.isfinite(target) & (direction != RANGE), rounded, np.nan)


def _cumulative(values: F, how: str, *, complete: bool = False) -> F:
    """Year-to-date within each fiscal year (12 columns a year)."""
    n, m = values.shape
    v = values.reshape(n, m // 12, 12)
    finite = np.isfinite(v)
    count = np.cumsum(finite, axis=2)
    if how in ("sum", "average"):
        total = np.cumsum(np.where(finite, v, 0.0), axis=2)
        out = total if how == "sum" else total / np.maximum(count, 1)
    elif how == "last":
        idx = np.where(finite, np.arange(12)[None, None, :], -1)
        idx = np.maximum.accumulate(idx, axis=2)
        out = np.take_along_axis(v, np.maximum(idx, 0), axis=2)
    elif how == "min":
        out = np.fmin.accumulate(v, axis=2)
    else:
        out = np.fmax.accumulate(v, axis=2)
    out = np.where(count > 0, out, np.nan)
    if complete:
        out = np.where(count == np.arange(1, 13)[None, None, :], out, np.nan)
    return out.reshape(n, m)


def _score_kpis(inp: Inputs, actual: F, targets: dict[str, F]) -> tuple[F, Ints, B]:
    n_k, n_p = actual.shape
    score = np.full((n_k, n_p), np.nan)
    status = np.full((n_k, n_p), -1, dtype=np.int64)
    scored = np.ones(n_k, dtype=bool)
    for index, scheme in enumerate(inp.schemes):
        rows = np.flatnonzero(inp.kpi_scheme == index)
        if len(rows) == 0:
            continue
        a = actual[rows]
        if scheme.type == "unscored":
            scored[rows] = False
            continue
        if scheme.type == "yes_no":
            s, st = scoring.yes_no_v(a)
            score[rows], status[rows] = s, st
            continue
        direction = inp.kpi_direction[rows]
        ranged = direction == RANGE
        if ranged.any():
            r = rows[ranged]
            s, st = scoring.range_v(
                actual[r],
                targets["low"][r],
                targets["high"][r],
                np.broadcast_to(inp.kpi_tolerance[r][:, None], actual[r].shape),
                len(scheme.statuses),
            )
            score[r], status[r] = s, st
        r = rows[~ranged]
        if len(r) == 0:
            continue
        if scheme.type == "goal_red_flag":
            s, st = scoring.goal_red_flag_v(actual[r], targets["target"][r], targets["red_flag"][r])
        else:
            decrease = np.broadcast_to((inp.kpi_direction[r] == DECREASE)[:, None], actual[r].shape)
            s, st = scoring.percent_v(actual[r], targets["target"][r], decrease, scheme)
        score[r], status[r] = s, st
    return score, status, scored


def _roll_up(
    inp: Inputs,
    result: Result,
    kpi_score: F,
    kpi_status: Ints,
    kpi_expected: Ints,
    kpi_reported: Ints,
    kpi_overdue: Ints,
) -> View:
    n_k, n_p = kpi_score.shape
    off = result.offsets
    n_total = off["scorecard"] + result.n_scorecards
    score = np.full((n_total, n_p), np.nan)
    status = np.full((n_total, n_p), -1, dtype=np.int64)
    expected = np.zeros((n_total, n_p), dtype=np.int64)
    reported = np.zeros((n_total, n_p), dtype=np.int64)
    overdue = np.zeros((n_total, n_p), dtype=np.int64)
    score[:n_k], status[:n_k] = kpi_score, kpi_status
    expected[:n_k], reported[:n_k], overdue[:n_k] = kpi_expected, kpi_reported, kpi_overdue
    best = np.array([max(len(s.statuses) - 1, 0) for s in inp.schemes], dtype=np.int64)
    at_best = (status == best[result.node_scheme][:, None]) & (status >= 0)

    scored_kpis = (
        np.flatnonzero(
            np.array([inp.schemes[s].type != "unscored" for s in inp.kpi_scheme], dtype=bool)
        )
        if n_k
        else np.zeros(0, dtype=np.int64)
    )
    # Edges child -> parent in global node numbering, with the child's weight.
    o0, p0, c0 = off["objective"], off["perspective"], off["scorecard"]
    n_o = result.n_objectives
    obj_ids = np.arange(n_o)
    contributing = obj_ids[inp.obj_parent >= 0]
    depths = sorted(set(inp.obj_depth.tolist()), reverse=True)
    waves: list[tuple[Ints, Ints, F, Ints]] = []
    for depth in depths:
        parents = obj_ids[inp.obj_depth == depth]
        in_wave = np.zeros(n_o, dtype=bool)
        in_wave[parents] = True
        k = scored_kpis[in_wave[inp.kpi_objective[scored_kpis]]]
        c = contributing[in_wave[inp.obj_parent[contributing]]]
        child = np.concatenate([k, o0 + c])
        parent = np.concatenate([o0 + inp.kpi_objective[k], o0 + inp.obj_parent[c]])
        weight = np.concatenate([inp.kpi_weight[k], inp.obj_weight[c]])
        waves.append((child, parent, weight, o0 + parents))
    waves.append(
        (
            o0 + obj_ids,
            p0 + inp.obj_perspective,
            inp.obj_weight,
            p0 + np.arange(result.n_perspectives),
        )
    )
    waves.append(
        (
            p0 + np.arange(result.n_perspectives),
            c0 + inp.persp_scorecard,
            inp.persp_weight,
            c0 + np.arange(result.n_scorecards),
        )
    )
    node_rollup = np.concatenate(
        [np.zeros(n_k, dtype=np.int64), inp.obj_rollup, inp.persp_rollup, inp.card_rollup]
    )
    for child, parent, weight, nodes in waves:
        if len(nodes) == 0:
            continue
        # A KPI has reported when it has a value; a node below, when it has a score.
        child_expected = expected[child] > 0
        child_reported = np.where(
            (child < n_k)[:, None], reported[child] > 0, np.isfinite(score[child])
        )
        np.add.at(expected, parent, child_expected.astype(np.int64))
        np.add.at(reported, parent, (child_expected & child_reported).astype(np.int64))
        np.add.at(overdue, parent, (child_expected & (overdue[child] > 0)).astype(np.int64))
        for method in np.unique(node_rollup[nodes]):
            for scheme_index in np.unique(result.node_scheme[nodes]):
                target_nodes = nodes[
                    (node_rollup[nodes] == method) & (result.node_scheme[nodes] == scheme_index)
                ]
                if len(target_nodes) == 0:
                    continue
                local = np.full(n_total, -1, dtype=np.int64)
                local[target_nodes] = np.arange(len(target_nodes))
                mine = local[parent] >= 0
                scheme = inp.schemes[int(scheme_index)]
                s, st = rollup.rollup_v(
                    score[child[mine]],
                    at_best[child[mine]],
                    local[parent[mine]],
                    weight[mine].astype(np.float64),
                    len(target_nodes),
                    ROLLUPS[int(method)],
                    scheme if ROLLUPS[int(method)] == "share_met" else None,
                )
                if st is None:
                    st = rollup.status_from_score_v(s, len(scheme.statuses))
                st = np.where(np.isnan(s), -1, st)
                score[target_nodes], status[target_nodes] = s, st
                at_best[target_nodes] = st == len(scheme.statuses) - 1
    status[np.isnan(score)] = -1
    empty = np.full((0, n_p), np.nan)
    return View([], empty, empty, empty, empty, empty, score, status, expected, reported, overdue)
