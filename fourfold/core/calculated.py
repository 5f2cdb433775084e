"""Calculated KPIs: their formulas applied to their inputs' actuals, over whole frames.

A "frame" holds every KPI's actual for one kind of period: (level, False) per month,
quarter or year, (level, True) year to date at that level. A calculated KPI's actual in a
frame is its formula applied to its inputs' actuals in the same frame (a ratio of sums,
never an average of ratios); its native values are its frame at its own frequency.
Frames have one extra row of NaN at the end, for inputs that are not loaded (row -1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import formulas, grid, periods
from .grid import SLOTS_PER_YEAR, B, Calculated, F, Inputs, Ints

Frames = dict[tuple[int, bool], tuple[F, B]]


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


def frames(inp: Inputs, native_values: list[F]) -> Frames:
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
    out: Frames = {}
    for level in range(3):
        if level == 0 or (level == 1 and uses_ytd):
            out[(level, True)] = _frame(inp, native_values, measured, groups, level, True, None)
        ytd = out[(level, True)][0] if (level, True) in out else None
        out[(level, False)] = _frame(inp, native_values, measured, groups, level, False, ytd)
    return out


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
                values[sub] = grid.cumulative(native, how, slots=SLOTS_PER_YEAR[freq])[
                    :, width - 1 :: width
                ]
            elif width == 1:
                values[sub] = native
            else:
                values[sub] = periods.aggregate_runs(native, width, how)
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
        result = periods.settle(result)
        values[group.kpis] = np.broadcast_to(result, (n, n_cols))
        by_zero[group.kpis] = np.broadcast_to(zero, (n, n_cols))
    return values, by_zero
