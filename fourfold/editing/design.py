"""What the Design page shows: a unit's perspectives, objectives and KPIs, archived ones apart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max

from fourfold.accounts import names
from fourfold.core.hierarchy import Hierarchy
from fourfold.measures.models import KPI
from fourfold.strategy.models import Alignment, Link, Objective, Perspective, Unit


@dataclass
class Tree:
    """Every unit's code, name and parent, read once."""

    rows: dict[int, tuple[str, str, int | None]]

    @classmethod
    def load(cls) -> Tree:
        rows = Unit.objects.values_list("pk", "code", "name", "parent_id")
        return cls({pk: (code, name, parent) for pk, code, name, parent in rows})

    @property
    def hierarchy(self) -> Hierarchy[int]:
        return Hierarchy({pk: parent for pk, (_, _, parent) in self.rows.items()})

    def _node(self, pk: int) -> dict[str, Any]:
        code, name, _ = self.rows[pk]
        return {"pk": pk, "code": code, "name": name}

    def ancestors(self, pk: int) -> list[dict[str, Any]]:
        return [self._node(above) for above in self.hierarchy.ancestors(pk)]

    def children(self, pk: int) -> list[dict[str, Any]]:
        return [self._node(child) for child in self.hierarchy.children(pk)]

    def ordered(self, pks: set[int]) -> list[dict[str, Any]]:
        """These units depth first, each with its depth, for a select list."""
        return [
            {**self._node(pk), "depth": depth} for pk, depth in self.hierarchy.walk() if pk in pks
        ]

    def choices(self, pks: set[int]) -> list[tuple[str, str]]:
        """These units as a select list's (code, name) options, indented under their parents."""
        return [(u["code"], "\u00a0\u00a0" * u["depth"] + u["name"]) for u in self.ordered(pks)]


@dataclass
class Design:
    unit: Unit
    ancestors: list[dict[str, Any]]
    children: list[dict[str, Any]]
    perspectives: list[Perspective] = field(default_factory=list)
    archived_perspectives: list[Perspective] = field(default_factory=list)
    archived_objectives: list[Objective] = field(default_factory=list)
    archived_kpis: list[KPI] = field(default_factory=list)

    @property
    def has_archived(self) -> bool:
        return bool(self.archived_perspectives or self.archived_objectives or self.archived_kpis)


def _flag_ends(items: list[Any]) -> None:
    for i, item in enumerate(items):
        item.is_first, item.is_last = i == 0, i == len(items) - 1


def build(unit: Unit, tree: Tree) -> Design:
    """The whole design of a unit's scorecard in six queries, however large it is."""
    design = Design(unit, tree.ancestors(unit.pk), tree.children(unit.pk))
    perspectives = list(
        Perspective.objects.filter(scorecard__unit=unit)
        .select_related("scheme")
        .order_by("order", "pk")
    )
    objectives = list(
        Objective.objects.filter(perspective__scorecard__unit=unit)
        .select_related("owner", "scheme")
        .order_by("order", "pk")
    )
    kpis: list[Any] = list(
        KPI.objects.filter(objective__perspective__scorecard__unit=unit)
        .select_related("owner", "contributor", "scheme")
        .annotate(last_target=Max("targets__period"))
        .order_by("order", "pk")
    )
    drives: dict[int, list[str]] = defaultdict(list)
    for cause, name in (
        Link.objects.filter(cause__perspective__scorecard__unit=unit)
        .order_by("effect__name")
        .values_list("cause_id", "effect__name")
    ):
        drives[cause].append(name)
    # What each objective serves above, as it stands: the page names them as far as the reader
    # may see them (`Access.aligned_parent`).
    serves: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    unit_path = "parent__perspective__scorecard__unit"
    for child, *above in (
        Alignment.objects.filter(child__perspective__scorecard__unit=unit)
        .order_by("order", "pk")
        .values_list(
            "child_id",
            "parent__name",
            "parent__code",
            f"{unit_path}_id",
            f"{unit_path}__code",
            f"{unit_path}__name",
            "contributes",
        )
    ):
        serves[child].append(tuple(above))
    by_objective: dict[int, list[KPI]] = defaultdict(list)
    for kpi in kpis:
        by_objective[kpi.objective_id].append(kpi)
    by_perspective: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        objective.drives = drives.get(objective.pk, [])  # type: ignore[attr-defined]
        objective.serves_above = serves.get(objective.pk, [])  # type: ignore[attr-defined]
        objective.shown_kpis = [k for k in by_objective[objective.pk] if not k.archived]  # type: ignore[attr-defined]
        _flag_ends(objective.shown_kpis)  # type: ignore[attr-defined]
        by_perspective[objective.perspective_id].append(objective)
    live = {p.pk for p in perspectives if not p.archived}
    for perspective in perspectives:
        shown = [o for o in by_perspective[perspective.pk] if not o.archived]
        perspective.shown_objectives = shown  # type: ignore[attr-defined]
        _flag_ends(shown)
        if perspective.archived:
            design.archived_perspectives.append(perspective)
        else:
            design.perspectives.append(perspective)
    _flag_ends(design.perspectives)
    design.archived_objectives = [o for o in objectives if o.archived and o.perspective_id in live]
    live_objectives = {o.pk for o in objectives if not o.archived and o.perspective_id in live}
    design.archived_kpis = [k for k in kpis if k.archived and k.objective_id in live_objectives]
    names = {o.pk: o.name for o in objectives}
    for kpi in design.archived_kpis:
        kpi.objective_name = names.get(kpi.objective_id, "")  # type: ignore[attr-defined]
    return design


def people() -> list[tuple[str, str, str]]:
    """The active users to suggest in the owner fields: what the field takes (the email
    address, else the username), the name with the address a person looks for, the name."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )
    return [(reference(u), names.name_and_email(u), names.name(u)) for u in users]


def reference(user: Any) -> str:
    """How an owner field names a user: the email address, as the scorecard file does, or
    the username of someone who has none."""
    return str(user.email or user.get_username()) if user is not None else ""
