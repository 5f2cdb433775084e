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

from . import formulas, periods, rollup, scoring

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

MONTHLY, QUARTERLY, YEARLY = 0, 1, 2
INCREASE, DECREASE, RANGE = 0, 1, 2
SLOTS_PER_YEAR = (12, 4, 1)
VIEWS = ("month", "quarter", "year", "ytd")
ROLLUPS = ("weighted_mean", "worst", "share_met")
# Data-quality flags of a calculated KPI's value, by the code in View.quality (0: none).
QUALITY = {1: "division by zero"}
DIVISION_BY_ZERO = 1


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
    # Calculated KPIs, each with its formula's inputs bound to rows; a KPI whose objective is
    # -1 is only an input (outside the unit asked for) and is not rolled up.
    calculated: list[Calculated] = field(default_factory=list)
    # The month number (periods.month_ordinal) at which each year of the grid starts, when the
    # years are not consecutive: years without any data between two that have some are left
    # out but for one empty year, so that a stray period far away costs one year, not
    # thousands. None: n_years consecutive years from first_month.
    year_starts: list[int] | None = None

    def month_numbers(self) -> Ints:
        """The month number of each column of the month grid."""
        if self.year_starts is None:
            return periods.month_ordinal(self.first_month) + np.arange(12 * self.n_years)
        starts = np.array(self.year_starts, dtype=np.int64)
        return (starts[:, None] + np.arange(12)[None, :]).ravel()


@dataclass
class Calculated:
    """A KPI computed from a formula: `inputs` binds each of its leaves (formulas.leaves).

    A number leaf binds its number, a reference its row (-1 when the KPI is not there), and
    a children roll-up the rows of the child units' KPIs.
    """

    kpi: int
    formula: formulas.Node
    inputs: list[float | int | list[int]]


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
    quality: Ints = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))


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
    frames: dict[tuple[int, bool], tuple[F, B]] = {}
    calculated_rows = np.array([c.kpi for c in inp.calculated], dtype=np.int64)
    if len(calculated_rows):
        frames = _calculate(inp, native_values)
        for freq in range(3):
            rows = calculated_rows[inp.kpi_frequency[calculated_rows] == freq]
            native_values[freq][rows] = frames[(freq, False)][0][rows]
    present = [np.isfinite(v) for v in native_values]
    for lvl in range(3):
        for name in ("target", "low"):
            present[lvl] |= np.isfinite(level_targets[name][lvl])
    first_slot = _first_month_with_data(inp, present)
    overdue_native = [_overdue_native(inp, f, native_values[f], first_slot) for f in range(3)]
    for freq in range(3):
        if frames:
            # A value left out by a division by zero is not late: it is flagged instead.
            overdue_native[freq] &= ~frames[(freq, False)][1][:n_k]

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
        quality = np.zeros((n_k, n_p), dtype=np.int64)
        if frames:
            rows = calculated_rows[applicable[calculated_rows]]
            values, by_zero = frames[(level, view == "ytd")]
            actual[rows] = values[rows]
            quality[rows] = np.where(by_zero[rows], DIVISION_BY_ZERO, 0)
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
        view_result.quality = quality
        result.views[view] = view_result
    return result


def _month_keys(inp: Inputs) -> list[str]:
    return [periods.month_key(int(m)) for m in inp.month_numbers()]


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
    width = 12 // SLOTS_PER_YEAR[level]
    # The day after the slot's last month, as a numpy day: its end is one day before.
    next_month = inp.month_numbers()[(np.arange(n) + 1) * width - 1] + 1
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


def _cumulative(values: F, how: str, *, complete: bool = False, slots: int = 12) -> F:
    """Year-to-date within each fiscal year (`slots` columns a year)."""
    n, m = values.shape
    v = values.reshape(n, m // slots, slots)
    finite = np.isfinite(v)
    count = np.cumsum(finite, axis=2)
    if how in ("sum", "average"):
        total = np.cumsum(np.where(finite, v, 0.0), axis=2)
        out = total if how == "sum" else total / np.maximum(count, 1)
    elif how == "last":
        idx = np.where(finite, np.arange(slots)[None, None, :], -1)
        idx = np.maximum.accumulate(idx, axis=2)
        out = np.take_along_axis(v, np.maximum(idx, 0), axis=2)
    elif how == "min":
        out = np.fmin.accumulate(v, axis=2)
    else:
        out = np.fmax.accumulate(v, axis=2)
    out = np.where(count > 0, out, np.nan)
    if complete:
        out = np.where(count == np.arange(1, slots + 1)[None, None, :], out, np.nan)
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
            & (inp.kpi_objective >= 0)
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


# -- calculated KPIs ---------------------------------------------------------------------
#
# A "frame" holds every KPI's actual for one kind of period: (level, False) per month,
# quarter or year, (level, True) year to date at that level. A calculated KPI's actual in a
# frame is its formula applied to its inputs' actuals in the same frame (a ratio of sums,
# never an average of ratios); its native values are its frame at its own frequency.
# Frames have one extra row of NaN at the end, for inputs that are not loaded (row -1).


@dataclass
class _Leaf:
    kind: str
    numbers: F | None = None  # num: one per member
    rows: Ints | None = None  # kpi, prev, ytd: one per member
    child_rows: Ints | None = None  # children: every child KPI of every member
    owner: Ints | None = None  # children: the member each child KPI belongs to


@dataclass
class _Group:
    """Calculated KPIs of one formula shape and one level of the dependency order."""

    formula: formulas.Node
    kpis: Ints
    leaves: list[_Leaf]

    def only(self, keep: B) -> _Group:
        if keep.all():
            return self
        position = np.cumsum(keep) - 1
        leaves = []
        for leaf in self.leaves:
            if leaf.child_rows is not None and leaf.owner is not None:
                mine = keep[leaf.owner]
                leaves.append(
                    _Leaf(
                        leaf.kind,
                        child_rows=leaf.child_rows[mine],
                        owner=position[leaf.owner[mine]],
                    )
                )
            else:
                leaves.append(
                    _Leaf(
                        leaf.kind,
                        numbers=None if leaf.numbers is None else leaf.numbers[keep],
                        rows=None if leaf.rows is None else leaf.rows[keep],
                    )
                )
        return _Group(self.formula, self.kpis[keep], leaves)


def _groups(inp: Inputs) -> list[_Group]:
    """Calculated KPIs grouped by shape, in dependency order; KPIs in a cycle are left out."""
    n_k = len(inp.kpi_frequency)
    calculated = {c.kpi: c for c in inp.calculated}
    while True:
        graph: dict[int, list[int]] = {}
        for c in calculated.values():
            deps: list[int] = []
            for node, value in zip(formulas.leaves(c.formula), c.inputs, strict=True):
                if isinstance(value, list):
                    deps.extend(r for r in value if r in calculated)
                elif node.kind != "num" and isinstance(value, int) and value in calculated:
                    deps.append(value)
            graph[c.kpi] = deps
        try:
            level = formulas.levels(graph)
            break
        except formulas.CycleError as exc:  # the loader refuses cycles: this is a safeguard
            for row in exc.cycle:
                calculated.pop(int(row), None)
    members: dict[tuple[int, tuple[object, ...]], list[Calculated]] = {}
    for c in calculated.values():
        members.setdefault((level[c.kpi], formulas.shape(c.formula)), []).append(c)
    out = []
    for key in sorted(members, key=lambda k: k[0]):
        group = members[key]
        first = group[0].formula
        leaves = []
        for j, node in enumerate(formulas.leaves(first)):
            bound: list[float | int | list[int]] = [c.inputs[j] for c in group]
            if node.kind == "num":
                numbers = [b if not isinstance(b, list) else np.nan for b in bound]
                leaves.append(_Leaf("num", numbers=np.array(numbers, dtype=np.float64)))
            elif node.kind in formulas.CHILDREN:
                lists: list[list[int]] = [b if isinstance(b, list) else [] for b in bound]
                rows = np.array([r for rs in lists for r in rs], dtype=np.int64)
                owner = np.repeat(np.arange(len(group)), [len(rs) for rs in lists])
                leaves.append(_Leaf(node.kind, child_rows=rows, owner=owner))
            else:
                rows = np.array([b if isinstance(b, int) else -1 for b in bound], dtype=np.int64)
                leaves.append(_Leaf(node.kind, rows=np.where(rows < 0, n_k, rows)))
        out.append(_Group(first, np.array([c.kpi for c in group], dtype=np.int64), leaves))
    return out


def _calculate(inp: Inputs, native_values: list[F]) -> dict[tuple[int, bool], tuple[F, B]]:
    """Every frame the views need, with the calculated KPIs computed in dependency order."""
    groups = _groups(inp)
    inputs: set[int] = set()
    for group in groups:
        for leaf in group.leaves:
            for rows in (leaf.rows, leaf.child_rows):
                if rows is not None:
                    inputs.update(rows.tolist())
    calculated = {c.kpi for c in inp.calculated}
    measured = np.array(
        sorted(r for r in inputs if r < len(inp.kpi_frequency) and r not in calculated),
        dtype=np.int64,
    )
    uses_ytd = any(leaf.kind == "ytd" for g in groups for leaf in g.leaves)
    frames: dict[tuple[int, bool], tuple[F, B]] = {}
    for level in range(3):
        if level == 0 or (level == 1 and uses_ytd):
            frames[(level, True)] = _frame(inp, native_values, measured, groups, level, True, None)
        ytd = frames[(level, True)][0] if (level, True) in frames else None
        frames[(level, False)] = _frame(inp, native_values, measured, groups, level, False, ytd)
    return frames


def _frame(
    inp: Inputs,
    native_values: list[F],
    measured: Ints,
    groups: list[_Group],
    level: int,
    cumulative: bool,
    ytd: F | None,
) -> tuple[F, B]:
    n_k = len(inp.kpi_frequency)
    n_cols = SLOTS_PER_YEAR[level] * inp.n_years
    values = np.full((n_k + 1, n_cols), np.nan)
    by_zero = np.zeros((n_k + 1, n_cols), dtype=bool)
    for freq in range(level + 1):
        rows = measured[inp.kpi_frequency[measured] == freq]
        width = SLOTS_PER_YEAR[freq] // SLOTS_PER_YEAR[level]
        for agg in np.unique(inp.kpi_aggregation[rows]):
            sub = rows[inp.kpi_aggregation[rows] == agg]
            how = periods.AGGREGATIONS[int(agg)]
            native = native_values[freq][sub]
            if cumulative:
                values[sub] = _cumulative(native, how, slots=SLOTS_PER_YEAR[freq])[
                    :, width - 1 :: width
                ]
            elif width == 1:
                values[sub] = native
            else:
                values[sub] = periods.aggregate_columns(
                    native, _group(native.shape[1], width), n_cols, how
                )
    # Year to date at the year level is the year itself, and within a frame of year-to-date
    # values ytd(x) is x.
    source = values if ytd is None else ytd
    for whole in groups:
        group = whole.only(inp.kpi_frequency[whole.kpis] <= level)
        n = len(group.kpis)
        if n == 0:
            continue
        arrays: list[F] = []
        for leaf in group.leaves:
            if leaf.numbers is not None:
                arrays.append(leaf.numbers[:, None])
            elif leaf.child_rows is not None and leaf.owner is not None:
                how = leaf.kind
                arrays.append(formulas.children(values[leaf.child_rows], leaf.owner, n, how))
            elif leaf.rows is not None:
                picked = (source if leaf.kind == "ytd" else values)[leaf.rows]
                arrays.append(formulas.shift(picked) if leaf.kind == "prev" else picked)
        result, zero = formulas.run(group.formula, arrays)
        values[group.kpis] = np.broadcast_to(result, (n, n_cols))
        by_zero[group.kpis] = np.broadcast_to(zero, (n, n_cols))
    return values, by_zero
