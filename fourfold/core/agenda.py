"""The agenda of a review: which items need discussion, in DESIGN.md's order, time-boxed.

Plain data in (the unit's open actions, its objectives and KPIs with their statuses in the
period and the one before, forecasts and what is overdue, its initiatives), ordered items out.
Each action, node and initiative is on the agenda at most once, under its first reason in
REASONS; its message names the other reasons too. A KPI at goal (or anywhere but the worst
status), not worse than before, with its data in and a likely target, is not on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import periods

REASONS = (
    "open_action",
    "action_overdue",
    "red",
    "worsened",
    "unlikely",
    "overdue",
    "initiative_behind",
)
# Minutes each item is given in the meeting, by reason.
MINUTES = {
    "open_action": 2,
    "action_overdue": 3,
    "red": 8,
    "worsened": 5,
    "unlikely": 5,
    "overdue": 2,
    "initiative_behind": 4,
}
# A forecast's chance of meeting the fiscal year's target below this is unlikely (DESIGN.md).
UNLIKELY = 0.30
JSON_KEYS = ("reason", "kind", "code", "period", "message")
NONE = -1  # no status: no value, or no target


@dataclass(frozen=True)
class Action:
    """An open action item of an earlier review of the unit."""

    id: int
    title: str
    owner: str
    due: dt.date | None


@dataclass(frozen=True)
class Node:
    """An objective or a KPI of the unit's scorecard, in the scorecard's order.

    Statuses are indexes in the node's scheme, worst first (0), NONE without one.
    """

    kind: str  # kpi | objective
    code: str
    name: str
    status: int = NONE
    status_name: str = ""
    score: float | None = None
    previous: int = NONE
    previous_name: str = ""
    previous_period: str = ""
    probability: float | None = None  # of meeting the fiscal year's target; KPIs only
    year: str = ""  # that fiscal year's key
    overdue: int = 0  # values overdue in the period; KPIs only
    open_actions: int = 0  # open action items about this node


@dataclass(frozen=True)
class Initiative:
    code: str
    name: str
    status: int = NONE
    status_name: str = ""
    best: int = 2  # the index of its scheme's best status (goal)
    complete: float | None = None
    expected: float | None = None


@dataclass(frozen=True)
class Item:
    reason: str
    kind: str  # action | objective | kpi | initiative
    code: str
    period: str
    message: str
    minutes: int
    name: str = ""
    also: tuple[str, ...] = field(default=())  # the node's other reasons, in order

    def as_json(self) -> dict[str, Any]:
        """The object `fourfold agenda --json` prints: DESIGN.md's keys, in its order."""
        return {key: getattr(self, key) for key in JSON_KEYS}


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "below 1 %"
    return f"{share * 100:.0f} %"


def _action_item(action: Action, period: str, today: dt.date) -> Item:
    owner = action.owner or "nobody"
    if action.due is not None and action.due < today:
        late = (today - action.due).days
        message = (
            f"Action '{action.title}' (owner {owner}) was due on {action.due.isoformat()} and "
            f"is not done: {late} day{'s' if late != 1 else ''} late."
        )
        reason = "action_overdue"
    else:
        due = f", due {action.due.isoformat()}" if action.due else ""
        message = f"Action '{action.title}' (owner {owner}{due}) is not done yet."
        reason = "open_action"
    return Item(reason, "action", str(action.id), period, message, MINUTES[reason], action.title)


def node_reasons(node: Node) -> list[str]:
    """Why an objective or a KPI is on the agenda, in REASONS' order (empty: it is not)."""
    found = []
    if node.status == 0:
        found.append("red")
    if node.status != NONE and node.previous != NONE and node.status < node.previous:
        found.append("worsened")
    if node.kind == "kpi":
        if node.probability is not None and node.probability < UNLIKELY:
            found.append("unlikely")
        if node.overdue > 0:
            found.append("overdue")
    return found


def _phrase(node: Node, reason: str, period: str) -> str:
    if reason == "red":
        score = f", score {node.score:.2f}" if node.score is not None else ""
        if node.status_name.casefold() == "red":
            return f"is red in {period}{score}"
        return f"is at {node.status_name}, its worst status, in {period}{score}"
    if reason == "worsened":
        return (
            f"went from {node.previous_name} in {node.previous_period} to "
            f"{node.status_name} in {period}"
        )
    if reason == "unlikely":
        assert node.probability is not None
        return f"has a {_percent(node.probability)} chance of meeting its {node.year} target"
    n = node.overdue
    return f"has {n} value{'s' if n != 1 else ''} overdue in {period}"


def _node_item(node: Node, reasons: list[str], period: str) -> Item:
    what = "KPI" if node.kind == "kpi" else "Objective"
    phrases = [_phrase(node, r, period) for r in reasons]
    text = f"{what} {node.name} ({node.code}) " + "; it ".join(phrases)
    if reasons[0] == "red":
        n = node.open_actions
        text += (
            "; no open action item is about it"
            if n == 0
            else f"; {n} open action item{'s are' if n != 1 else ' is'} about it"
        )
    reason = reasons[0]
    return Item(
        reason,
        node.kind,
        node.code,
        period,
        text + ".",
        MINUTES[reason],
        node.name,
        tuple(reasons[1:]),
    )


def _initiative_item(initiative: Initiative, period: str) -> Item:
    done = ""
    if initiative.complete is not None and initiative.expected is not None:
        done = (
            f": {initiative.complete:.0f} % complete where {initiative.expected:.0f} % was expected"
        )
    message = (
        f"Initiative {initiative.name} ({initiative.code}) is {initiative.status_name} "
        f"in {period}{done}."
    )
    reason = "initiative_behind"
    return Item(
        reason, "initiative", initiative.code, period, message, MINUTES[reason], initiative.name
    )


def build(
    period: str,
    today: dt.date,
    actions: list[Action],
    nodes: list[Node],
    initiatives: list[Initiative],
) -> list[Item]:
    """The agenda for a review of `period` held on `today`: actions first, then the nodes
    and initiatives that need discussion, each reason's items in the order given."""
    items = [_action_item(a, period, today) for a in actions]
    for node in nodes:
        reasons = node_reasons(node)
        if reasons:
            items.append(_node_item(node, reasons, period))
    for initiative in initiatives:
        if initiative.status != NONE and initiative.status < initiative.best:
            items.append(_initiative_item(initiative, period))
    order = {reason: i for i, reason in enumerate(REASONS)}
    return sorted(items, key=lambda item: order[item.reason])  # stable: keeps their order


def total_minutes(items: list[Item]) -> int:
    return sum(item.minutes for item in items)


def next_period(key: str, fiscal_start: int = 1) -> str | None:
    """The period of the same kind right after this one (None for year to date), where
    commentary is copied forward to."""
    period = periods.parse_period(key, fiscal_start)
    if period.kind == "ytd":
        return None
    month = periods.month_key(periods.month_ordinal(period.last_month) + 1)
    if period.kind == "month":
        return month
    if period.kind == "quarter":
        return periods.quarter_of(month, fiscal_start)
    return periods.year_of(month, fiscal_start)
