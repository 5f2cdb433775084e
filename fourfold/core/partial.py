"""Re-score a few KPIs whose values or targets changed, and only the nodes above them.

`reevaluate(inp, old, rows)` returns what `evaluate(inp)` returns, when `inp` differs from
the inputs `old` was evaluated from only in the values and targets of the KPI rows `rows`
(same definitions, same grid of years). The changed KPIs and the calculated KPIs that depend
on them, directly or not, are evaluated on their own (with the inputs of their formulas);
then each wave of the tree rolls up only the parents with a child re-scored, reading the
other children's rows from `old`, so that every sum adds the same numbers in the same order.
The old result is left as it was (its arrays are copied, as other readers may hold it),
unless `in_place`: then the caller holds the only reference to it, and its arrays are
updated where they are and handed on to the new result (a whole organization's views are
hundreds of MB, which a copy would go through at each value entered).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from . import evaluate, formulas, rollup, segments
from .grid import VIEWS, B, Calculated, Inputs, Ints
from .tree import Tree


def dependents(inp: Inputs) -> dict[int, list[int]]:
    """The calculated KPIs whose formula reads each KPI row."""
    out: dict[int, list[int]] = defaultdict(list)
    for c in inp.calculated:
        for row in _input_rows(c):
            out[row].append(c.kpi)
    return out


def _input_rows(c: Calculated) -> list[int]:
    rows: list[int] = []
    for leaf, bound in zip(formulas.leaves(c.formula), c.inputs, strict=True):
        if leaf.kind == "num":
            continue
        if isinstance(bound, list):
            rows += bound
        elif int(bound) >= 0:
            rows.append(int(bound))
    return rows


def affected(inp: Inputs, rows: Ints, reading: dict[int, list[int]]) -> Ints:
    """The rows and every calculated KPI that reads one of them, directly or not."""
    seen = set(rows.tolist())
    pending = list(seen)
    while pending:
        row = pending.pop()
        for user in reading.get(row, ()):
            if user not in seen:
                seen.add(user)
                pending.append(user)
    return np.array(sorted(seen), dtype=np.int64)


def reevaluate(
    inp: Inputs,
    old: evaluate.Result,
    rows: Ints,
    reading: dict[int, list[int]] | None = None,
    *,
    in_place: bool = False,
) -> evaluate.Result:
    if old.layout is None:
        return evaluate.evaluate(inp)
    with np.errstate(over="ignore"):
        return _reevaluate(
            inp, old, old.layout, rows, dependents(inp) if reading is None else reading, in_place
        )


def _reevaluate(
    inp: Inputs,
    old: evaluate.Result,
    layout: Tree,
    rows: Ints,
    reading: dict[int, list[int]],
    in_place: bool,
) -> evaluate.Result:
    n_k = len(inp.kpi_frequency)
    hit = affected(inp, rows, reading)
    sub, position = _subset(inp, hit)
    prepared = evaluate.prepare(sub)
    mine = position[hit]
    changed = np.zeros(n_k, dtype=bool)
    changed[hit] = True
    result = dataclasses.replace(old, views={})
    for view in VIEWS:
        kpis = evaluate.kpi_view(sub, prepared, view)
        was = old.views[view]
        arrays = {name: getattr(was, name) for name in ARRAYS}
        if not in_place:
            arrays = {name: array.copy() for name, array in arrays.items()}
        now = dataclasses.replace(was, **arrays, keys=was.keys)
        now.actual[hit] = kpis.actual[mine]
        for name in ("target", "red_flag", "low", "high"):
            getattr(now, name)[hit] = kpis.targets[name][mine]
        now.quality[hit] = kpis.quality[mine]
        now.score[hit] = kpis.score[mine]
        status = kpis.status[mine]
        now.at_best[hit] = (status == layout.best[hit, None]) & (status >= 0)
        now.status[hit] = np.where(np.isnan(now.score[hit]), -1, status)
        now.expected[hit] = kpis.expected[mine]
        now.reported[hit] = kpis.reported[mine]
        now.overdue[hit] = kpis.overdue[mine]
        _roll_up_some(layout, now, changed)
        result.views[view] = now
    return result


# The arrays of a view that a re-scoring writes.
ARRAYS = (
    "actual",
    "target",
    "red_flag",
    "low",
    "high",
    "score",
    "status",
    "expected",
    "reported",
    "overdue",
    "quality",
    "at_best",
)


def _subset(inp: Inputs, hit: Ints) -> tuple[Inputs, Ints]:
    """Inputs of the hit KPIs and of every input of their formulas, with no tree; and the
    position of each KPI row in it (-1 for one left out)."""
    n_k = len(inp.kpi_frequency)
    by_kpi = {c.kpi: c for c in inp.calculated}
    keep = set(hit.tolist())
    pending = [k for k in keep if k in by_kpi]
    while pending:
        for row in _input_rows(by_kpi[pending.pop()]):
            if row not in keep:
                keep.add(row)
                if row in by_kpi:
                    pending.append(row)
    rows = np.array(sorted(keep), dtype=np.int64)
    position = np.full(n_k + 1, -1, dtype=np.int64)  # the last: row -1, an input not loaded
    position[rows] = np.arange(len(rows))
    values = position[inp.value_kpi] >= 0
    targets = position[inp.target_kpi] >= 0
    calculated = []
    for c in inp.calculated:
        if position[c.kpi] < 0:
            continue
        bound: list[float | int | list[int]] = []
        for leaf, was in zip(formulas.leaves(c.formula), c.inputs, strict=True):
            if leaf.kind == "num":
                bound.append(was)
            elif isinstance(was, list):
                bound.append([int(position[r]) for r in was])
            else:
                bound.append(int(position[int(was)]))
        calculated.append(Calculated(int(position[c.kpi]), c.formula, bound))
    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    sub = dataclasses.replace(
        inp,
        kpi_frequency=inp.kpi_frequency[rows],
        kpi_aggregation=inp.kpi_aggregation[rows],
        kpi_direction=inp.kpi_direction[rows],
        kpi_scheme=inp.kpi_scheme[rows],
        kpi_tolerance=inp.kpi_tolerance[rows],
        kpi_grace=inp.kpi_grace[rows],
        kpi_weight=inp.kpi_weight[rows],
        kpi_objective=np.full(len(rows), -1, dtype=np.int64),
        value_kpi=position[inp.value_kpi[values]],
        value_slot=inp.value_slot[values],
        value=inp.value[values],
        target_kpi=position[inp.target_kpi[targets]],
        target_level=inp.target_level[targets],
        target_slot=inp.target_slot[targets],
        target=inp.target[targets],
        red_flag=inp.red_flag[targets],
        low=inp.low[targets],
        high=inp.high[targets],
        obj_depth=none_i,
        obj_perspective=none_i,
        align_child=none_i,
        align_parent=none_i,
        align_weight=none_f,
        obj_weight=none_f,
        obj_rollup=none_i,
        obj_scheme=none_i,
        persp_scorecard=none_i,
        persp_weight=none_f,
        persp_rollup=none_i,
        persp_scheme=none_i,
        card_rollup=none_i,
        card_scheme=none_i,
        calculated=calculated,
    )
    return sub, position


def _roll_up_some(layout: Tree, view: evaluate.View, changed: B) -> None:
    """Roll up, in place, every node with a changed child, as tree.roll_up would."""
    score, status, at_best = view.score, view.status, view.at_best
    expected, reported, overdue = view.expected, view.reported, view.overdue
    dirty = np.zeros(layout.n_nodes, dtype=bool)
    dirty[: layout.n_kpis] = changed
    for wave in layout.waves:
        n = len(wave.nodes)
        local = np.zeros(n, dtype=bool)
        local[wave.kpi_parent[dirty[wave.kpi_child]]] = True
        local[wave.node_parent[dirty[wave.node_child]]] = True
        if not local.any():
            continue
        renumber = np.cumsum(local) - 1
        nodes = wave.nodes[local]
        m = len(nodes)
        kpi_edges = local[wave.kpi_parent]
        node_edges = local[wave.node_parent]
        kc, kp = wave.kpi_child[kpi_edges], renumber[wave.kpi_parent[kpi_edges]]
        nc, npar = wave.node_child[node_edges], renumber[wave.node_parent[node_edges]]
        node_expected = expected[nc] > 0
        node_reported = node_expected & np.isfinite(score[nc])
        node_overdue = node_expected & (overdue[nc] > 0)
        kpi_expected = expected[kc] > 0
        for counts, from_kpis, from_nodes in (
            (expected, kpi_expected, node_expected),
            (reported, kpi_expected & (reported[kc] > 0), node_reported),
            (overdue, kpi_expected & (overdue[kc] > 0), node_overdue),
        ):
            counts[nodes] = segments.segment_count(from_kpis, kp, m) + segments.segment_count(
                from_nodes, npar, m
            )
        dirty[nodes] = True
        for step in wave.steps:
            chosen = dirty[step.nodes]
            if not chosen.any():
                continue
            edges = chosen[step.parent]
            parent = (np.cumsum(chosen) - 1)[step.parent[edges]]
            child = step.child[edges]
            s, st = rollup.rollup_v(
                score[child],
                at_best[child],
                parent,
                step.weight[edges],
                int(chosen.sum()),
                step.method,
                step.scheme if step.method == "share_met" else None,
            )
            best = len(step.scheme.statuses) - 1
            if st is None:
                st = rollup.status_from_score_v(s, len(step.scheme.statuses))
            st = np.where(np.isnan(s), -1, st)
            mine = step.nodes[chosen]
            score[mine], status[mine] = s, st
            at_best[mine] = st == best
        status[nodes] = np.where(np.isnan(score[nodes]), -1, status[nodes])
