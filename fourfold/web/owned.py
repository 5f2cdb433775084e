"""Who owns what: the objectives, KPIs and action items each person is accountable for, with
their status in a period, limited to the units the reader may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from fourfold.accounts import names
from fourfold.accounts.access import Access
from fourfold.core.schemes import DEFAULT
from fourfold.initiatives.models import Milestone
from fourfold.measures.models import KPI, KPI_UNIT
from fourfold.reviews.models import ActionItem
from fourfold.scoring import engine, readout
from fourfold.scoring import initiatives as initiative_scores
from fourfold.strategy.models import Objective

KINDS = ("objective", "kpi", "initiative", "action")
ONE = {"objective": "Objective", "kpi": "KPI", "initiative": "Initiative", "action": "Action"}
KIND_LABELS = {
    "objective": "Objectives",
    "kpi": "KPIs",
    "initiative": "Initiatives",
    "action": "Open action items",
}
_COUNTED = {
    "objective": ("objective", "objectives"),
    "kpi": ("KPI", "KPIs"),
    "initiative": ("initiative", "initiatives"),
}
_COUNTED["action"] = ("open action item", "open action items")


@dataclass
class Item:
    """One thing a person owns, as the reader may see it."""

    kind: str
    code: str
    name: str
    unit_code: str
    unit_name: str
    url: str
    row: dict[str, Any] | None = None  # the scores' row in the period, for objectives and KPIs
    red: bool = False
    # A KPI's value overdue in the period, an initiative's milestone or an action past its due
    # date.
    overdue: bool = False
    due: dt.date | None = None

    @property
    def kind_label(self) -> str:
        return ONE[self.kind]


@dataclass
class Person:
    user: Any
    items: list[Item] = field(default_factory=list)

    @property
    def name(self) -> str:
        return names.name(self.user)

    @property
    def red(self) -> int:
        return sum(1 for i in self.items if i.red)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in KINDS}

    @property
    def summary(self) -> str:
        """What they own in words: 2 objectives, 1 KPI and 3 open action items."""
        parts = []
        for kind in KINDS:
            n = self.count(kind)
            one, many = _COUNTED[kind]
            parts.append(f"{n or 'no'} {one if n == 1 else many}")
        return f"{', '.join(parts[:-1])} and {parts[-1]}"

    @property
    def by_kind(self) -> list[tuple[str, str, list[Item]]]:
        return [(k, KIND_LABELS[k], self.of_kind(k)) for k in KINDS]


def _period_url(url: str, period: str) -> str:
    return f"{url}?period={period}" if period else url


def _worst(row: dict[str, Any]) -> bool:
    """At the scheme's worst status: red in the default scheme."""
    return row.get("status_index") == 0


def _rows(
    scores: engine.Scores, kind: str, ids: Iterable[int], period: str
) -> dict[int, dict[str, Any]]:
    """The scores' row of each KPI (or objective) id in the period, with its status's index."""
    located = scores.locate(period) if period else None
    if located is None:
        return {}
    view_name, column = located
    view = scores.result.views[view_name]
    level = readout.LEVEL_OF_VIEW[view_name]
    wanted = set(ids)
    out: dict[int, dict[str, Any]] = {}
    if kind == "kpi":
        for pos, kpi in enumerate(scores.index.kpi):
            if kpi["id"] not in wanted or kpi["objective"] < 0:
                continue
            if readout.FREQ_LEVEL[kpi["frequency"]] > level or (
                view_name == "ytd" and kpi["frequency"] != "monthly"
            ):
                continue
            out[kpi["id"]] = _row(scores, view, pos, column, kind, kpi["code"], view.keys[column])
        return out
    offset = scores.result.offsets["objective"]
    for pos, obj in enumerate(scores.index.objective):
        if obj["id"] in wanted:
            row = _row(scores, view, offset + pos, column, kind, obj["code"], view.keys[column])
            out[obj["id"]] = row
    return out


def _row(
    scores: engine.Scores, view: Any, pos: int, column: int, kind: str, code: str, key: str
) -> dict[str, Any]:
    row = readout.node_row(scores, view, pos, column, kind, code, "", key)
    row["status_index"] = int(view.status[pos, column])
    return row


@dataclass
class Owned:
    people: list[Person]  # the most red and overdue first
    unowned: list[Item]  # objectives and KPIs that nobody owns

    def red_and_owner(self) -> list[tuple[Item, Person | None]]:
        """What is red, each with the person who owns it (None: nobody); objectives first."""
        out: list[tuple[Item, Person | None]] = [
            (i, p) for p in self.people for i in p.items if i.red
        ]
        out += [(i, None) for i in self.unowned if i.red]
        out.sort(key=lambda pair: (KINDS.index(pair[0].kind), pair[0].unit_name, pair[0].code))
        return out


def owned(
    access: Access,
    scores: engine.Scores,
    period: str,
    today: dt.date,
    *,
    unit_ids: set[int] | None = None,
    owner_id: int | None = None,
) -> Owned:
    """Every person who owns something the reader may see (in `unit_ids`, when given), with
    what they own, and what nobody owns; or only what the person `owner_id` owns."""
    unit_path = "perspective__scorecard__unit"
    objectives = access.objectives().filter(archived=False)
    kpis = access.kpis().filter(archived=False)
    actions = access.visible(ActionItem.objects.filter(status=ActionItem.Status.OPEN), "unit_id")
    if unit_ids is not None:
        objectives = objectives.filter(**{f"{unit_path}_id__in": unit_ids})
        kpis = kpis.filter(**{f"{KPI.UNIT_ID}__in": unit_ids})
        actions = actions.filter(unit_id__in=unit_ids)
    if owner_id is not None:
        objectives = objectives.filter(owner_id=owner_id)
        kpis = kpis.filter(owner_id=owner_id)
        actions = actions.filter(owner_id=owner_id)
    columns = ("pk", "owner_id", "code", "name")
    obj_rows = list(
        Objective.objects.filter(pk__in=objectives.values("pk"))
        .order_by(f"{unit_path}__order", f"{unit_path}__code", "perspective__order", "order")
        .values_list(*columns, f"{unit_path}__code", f"{unit_path}__name")
    )
    kpi_rows = list(
        KPI.objects.filter(pk__in=kpis.values("pk"))
        .order_by(f"{KPI_UNIT}__order", f"{KPI_UNIT}__code", "objective__order", "order")
        .values_list(*columns, f"{KPI_UNIT}__code", f"{KPI_UNIT}__name")
    )
    action_rows = list(
        actions.order_by("due_date", "pk").values_list(
            "pk", "owner_id", "title", "due_date", "status", "unit__code", "unit__name"
        )
    )
    scored = {
        "objective": _rows(scores, "objective", (r[0] for r in obj_rows), period),
        "kpi": _rows(scores, "kpi", (r[0] for r in kpi_rows), period),
    }
    by_owner: dict[int | None, list[Item]] = defaultdict(list)
    for kind, rows, url_name in (
        ("objective", obj_rows, "objective"),
        ("kpi", kpi_rows, "kpi"),
    ):
        for pk, owner, code, name, unit_code, unit_name in rows:
            row = scored[kind].get(pk)
            url = _period_url(reverse(url_name, args=[unit_code, code]), period)
            item = Item(kind, code, name, unit_code, unit_name, url, row)
            if row is not None:
                item.red = _worst(row)
                item.overdue = kind == "kpi" and row["coverage"]["overdue"] > 0
            by_owner[owner].append(item)
    for item, owner in _initiatives(access, period, today, unit_ids, owner_id, scores):
        by_owner[owner].append(item)
    for pk, owner, title, due, status, unit_code, unit_name in action_rows:
        if owner is None:
            continue  # an action without an owner is the review's to assign, not a person's
        url = reverse("action", args=[unit_code, pk])
        late = ActionItem(status=status, due_date=due).is_late(today)
        item = Item("action", str(pk), title, unit_code, unit_name, url, overdue=late, due=due)
        by_owner[owner].append(item)
    unowned = by_owner.pop(None, [])
    users = get_user_model().objects.filter(pk__in=list(by_owner)).order_by("pk")
    people = [Person(user, by_owner[user.pk]) for user in users]
    people.sort(key=lambda p: (-(p.red + p.overdue), p.name.lower()))
    return Owned(people, unowned)


def _initiatives(
    access: Access,
    period: str,
    today: dt.date,
    unit_ids: set[int] | None,
    owner_id: int | None,
    scores: engine.Scores,
) -> list[tuple[Item, int | None]]:
    """The live initiatives the reader may see, each with its owner, its score in the period
    and whether a milestone of it is overdue."""
    query = access.initiatives().live()
    if unit_ids is not None:
        query = query.in_units(unit_ids)
    if owner_id is not None:
        query = query.filter(owner_id=owner_id)
    listed = list(
        query.order_by("unit__order", "unit__code", "order", "start", "code").values_list(
            "pk", "owner_id", "code", "name", "unit__code", "unit__name"
        )
    )
    if not listed:
        return []
    late = set(
        Milestone.objects.overdue(today)
        .filter(initiative_id__in=[row[0] for row in listed])
        .values_list("initiative_id", flat=True)
    )
    scored: dict[tuple[str, str], dict[str, Any]] = {}
    if period:
        units = sorted({row[4] for row in listed})
        found = initiative_scores.rows(units, period, fiscal_start=scores.fiscal_start)
        scored = {(u, r["code"]): r for u, rs in found.items() for r in rs}
    red = DEFAULT.statuses[0].name
    out: list[tuple[Item, int | None]] = []
    for pk, owner, code, name, unit_code, unit_name in listed:
        row = scored.get((unit_code, code))
        url = _period_url(reverse("initiative", args=[unit_code, code]), period)
        item = Item("initiative", code, name, unit_code, unit_name, url, row, overdue=pk in late)
        item.red = row is not None and row["status"] == red
        out.append((item, owner))
    return out
