"""Cascade consistency: a KPI whose formula is `sum_children(x)` beside its children's total.

The children are the rows the engine bound the formula to (`Scores.inputs.calculated`), so
they are exactly the KPIs that make the parent's value. The same core function
(`smart.add_up`) flags the targets that do not add up for `fourfold check` and for the
scorecard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fourfold.core import smart
from fourfold.scoring.engine import Scores


@dataclass(frozen=True)
class Parent:
    row: int  # the KPI summing its children, a row of the engine's arrays
    children: list[int]


def parents(scores: Scores) -> list[Parent]:
    """The KPIs whose whole formula is `sum_children(x)`, each with its children's rows."""
    out = []
    for c in scores.inputs.calculated:
        if c.formula.kind == "sum_children" and isinstance(c.inputs[0], list):
            out.append(Parent(c.kpi, list(c.inputs[0])))
    return out


def add_up(values: np.ndarray, found: list[Parent]) -> tuple[np.ndarray, smart.AddUp]:
    """The parents' own numbers and `smart.add_up` of their children, from one view's
    (KPIs × periods) matrix of targets or actuals."""
    own = values[[p.row for p in found]] if found else np.zeros((0, values.shape[1]))
    rows = [r for p in found for r in p.children]
    owner = np.array([i for i, p in enumerate(found) for _ in p.children], dtype=np.int64)
    n_children = np.array([len(p.children) for p in found], dtype=np.int64)
    children = values[rows] if rows else np.zeros((0, values.shape[1]))
    return own, smart.add_up(own, children, owner, n_children)


@dataclass(frozen=True)
class Child:
    code: str
    unit: str
    actual: float | None
    target: float | None
    actual_share: float | None  # of the children's total
    target_share: float | None


@dataclass(frozen=True)
class Consistency:
    """What the scorecard shows beside a parent KPI for one period."""

    code: str
    actual_total: float | None
    target_total: float | None
    target: float | None
    off: bool
    children: list[Child]


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _share(part: float, total: float) -> float | None:
    return float(part / total) if math.isfinite(part) and math.isfinite(total) and total else None


def consistency(scores: Scores, view_name: str, column: int) -> dict[str, Consistency]:
    """Each parent KPI's children's totals and shares in one period, by the parent's code."""
    found = parents(scores)
    if not found:
        return {}
    view = scores.result.views[view_name]
    actual = view.actual[:, column : column + 1]
    target = view.target[:, column : column + 1]
    _, actuals = add_up(actual, found)
    own, targets = add_up(target, found)
    index = scores.index
    out = {}
    for i, p in enumerate(found):
        a_total, t_total = float(actuals.total[i, 0]), float(targets.total[i, 0])
        kids = []
        for r in p.children:
            k = index.kpi[r]
            a, t = float(actual[r, 0]), float(target[r, 0])
            owner = k["objective"]
            kids.append(
                Child(
                    k["code"],
                    index.objective[owner]["unit"] if owner >= 0 else k["code"].split(".")[0],
                    _num(a),
                    _num(t),
                    _share(a, a_total),
                    _share(t, t_total),
                )
            )
        code = index.kpi[p.row]["code"]
        out[code] = Consistency(
            code,
            _num(a_total),
            _num(t_total),
            _num(float(own[i, 0])),
            bool(targets.off[i, 0]),
            kids,
        )
    return out


def for_period(scores: Scores, key: str) -> dict[str, Consistency]:
    """`consistency` for a period key; empty when no year of the scores holds it."""
    located = scores.locate(key)
    return consistency(scores, *located) if located is not None else {}
