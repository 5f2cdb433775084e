"""The scorecard of one unit for one period, shaped for its page: a tree of scored rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fourfold.core import periods
from fourfold.scoring import engine, readout

from . import periods as choose


@dataclass
class UnitNode:
    code: str
    name: str
    parent: str | None
    depth: int = 0


@dataclass
class Node:
    """A scored row (readout's dict) with the name and details the page shows beside it."""

    name: str
    row: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    # KPIs that the period's kind does not show (a quarterly KPI in a month, say).
    hidden: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChildUnit:
    unit: UnitNode
    row: dict[str, Any] | None


@dataclass
class Coverage:
    expected: int = 0
    reported: int = 0
    overdue: int = 0


@dataclass
class Page:
    unit: UnitNode
    period: periods.Period
    period_label: str
    card: dict[str, Any] | None
    perspectives: list[Node]
    measures: Coverage
    ancestors: list[UnitNode]
    children: list[ChildUnit]
    previous: choose.Choice | None
    next: choose.Choice | None
    period_choices: list[choose.Choice]


def unit_tree(rows: list[tuple[str, str, str | None]]) -> list[UnitNode]:
    """Units as (code, name, parent code), depth first, children in the order given."""
    nodes = [UnitNode(code, name, parent) for code, name, parent in rows]
    known = {n.code for n in nodes}
    below: dict[str | None, list[UnitNode]] = {}
    for node in nodes:
        below.setdefault(node.parent if node.parent in known else None, []).append(node)
    out: list[UnitNode] = []
    seen: set[str] = set()

    def walk(node: UnitNode, depth: int) -> None:
        if node.code in seen:  # a cycle in the data must not hang the page
            return
        seen.add(node.code)
        node.depth = depth
        out.append(node)
        for child in below.get(node.code, []):
            walk(child, depth + 1)

    for root in below.get(None, []):
        walk(root, 0)
    return out


def _ancestors(unit: UnitNode, by_code: dict[str, UnitNode]) -> list[UnitNode]:
    out: list[UnitNode] = []
    code = unit.parent
    while code is not None and code in by_code and len(out) < len(by_code):
        out.insert(0, by_code[code])
        code = by_code[code].parent
    return out


def _tree(scores: engine.Scores, unit: str, key: str) -> tuple[dict[str, Any] | None, list[Node]]:
    index = scores.index
    card_pos = scores.card_of[unit]
    kpis = {k["code"]: k for k in index.kpi}
    objectives = {o["code"]: i for i, o in enumerate(index.objective)}
    perspectives = {p["code"]: p for p in index.perspective if p["scorecard"] == card_pos}
    card: dict[str, Any] | None = None
    tree: list[Node] = []
    for row in readout.unit_rows(scores, unit, key):
        kind = row["kind"]
        if kind == "scorecard":
            card = row
        elif kind == "perspective":
            tree.append(Node(perspectives[row["code"]]["name"], row))
        elif kind == "objective":
            position = objectives[row["code"]]
            every = [index.kpi[k] for k in scores.children.get(("objective", position), [])]
            tree[-1].children.append(Node(index.objective[position]["name"], row, hidden=every))
        else:
            kpi = kpis[row["code"]]
            objective = tree[-1].children[-1]
            objective.children.append(Node(kpi["name"], row, kpi))
            objective.hidden.remove(kpi)
    return card, tree


def _neighbours(
    keys: list[str], key: str, fiscal_start: int
) -> tuple[choose.Choice | None, choose.Choice | None]:
    if key not in keys:
        return None, None
    at = keys.index(key)

    def choice(i: int) -> choose.Choice | None:
        if not 0 <= i < len(keys):
            return None
        return choose.Choice(keys[i], choose.label(periods.parse_period(keys[i], fiscal_start)))

    return choice(at - 1), choice(at + 1)


def build(
    scores: engine.Scores, units: list[UnitNode], unit: UnitNode, period: periods.Period
) -> Page:
    """Everything the scorecard page shows, read from scores computed for the unit's subtree."""
    keys = scores.result.views[period.kind].keys
    card: dict[str, Any] | None = None
    tree: list[Node] = []
    if unit.code in scores.index.unit_codes:
        card, tree = _tree(scores, unit.code, period.key)
    # What the objectives expect: their KPIs and the objectives aligned to them from below.
    measures = Coverage()
    for perspective in tree:
        for objective in perspective.children:
            cov = objective.row["coverage"]
            measures.expected += cov["expected"]
            measures.reported += cov["reported"]
            measures.overdue += cov["overdue"]
    by_code = {u.code: u for u in units}
    children = []
    for child in (u for u in units if u.parent == unit.code):
        row = None
        if child.code in scores.index.unit_codes:
            row = next(readout.unit_rows(scores, child.code, period.key), None)
        children.append(ChildUnit(child, row))
    previous, following = _neighbours(keys, period.key, period.fiscal_start)
    return Page(
        unit=unit,
        period=period,
        period_label=choose.label(period),
        card=card,
        perspectives=tree,
        measures=measures,
        ancestors=_ancestors(unit, by_code),
        children=children,
        previous=previous,
        next=following,
        period_choices=choose.choices(list(keys), period),
    )
