"""What each subscription covers: the KPIs, objectives, initiatives and units under what it
follows, worked out from the one unit tree (core/hierarchy) in a few queries for them all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from fourfold.core.hierarchy import Hierarchy
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit

from .models import Subscription


@dataclass
class Catalogue:
    """The organization's units, objectives and live KPIs, by id, with what holds what."""

    tree: Hierarchy[int]
    unit: dict[int, tuple[str, str]]  # id -> (code, name)
    kpi: dict[int, tuple[str, str, int, int, str]]  # id -> code, name, objective, unit, freq
    objective: dict[int, tuple[str, str, int]]  # id -> code, name, unit
    initiative: dict[int, tuple[str, str, int, int | None]] = field(default_factory=dict)
    kpis_of_objective: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    kpis_of_unit: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    objectives_of_unit: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    initiatives_of_unit: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls) -> Catalogue:
        units = list(Unit.objects.values_list("pk", "code", "name", "parent_id"))
        kpis = KPI.objects.filter(archived=False).values_list(
            "pk", "code", "name", "objective_id", KPI.UNIT_ID, "frequency"
        )
        objectives = Objective.objects.filter(archived=False).values_list(
            "pk", "code", "name", "perspective__scorecard__unit_id"
        )
        initiatives = Initiative.objects.live().values_list(
            "pk", "code", "name", "unit_id", "owner_id"
        )
        out = cls(
            Hierarchy({pk: parent for pk, _, _, parent in units}),
            {pk: (code, name) for pk, code, name, _ in units},
            {},
            {},
        )
        for pk, code, name, obj, unit, freq in kpis:
            out.kpi[pk] = (code, name, obj, unit, freq)
            out.kpis_of_objective[obj].append(pk)
            out.kpis_of_unit[unit].append(pk)
        for pk, code, name, unit in objectives:
            out.objective[pk] = (code, name, unit)
            out.objectives_of_unit[unit].append(pk)
        for pk, code, name, unit, owner in initiatives:
            out.initiative[pk] = (code, name, unit, owner)
            out.initiatives_of_unit[unit].append(pk)
        return out

    def units_under(self, sub: Subscription) -> set[int]:
        return self.tree.subtree(sub.unit_id) if sub.kind == "unit" else {sub.unit_id}

    def kpis(self, sub: Subscription) -> list[int]:
        if sub.kind == "kpi":
            return [sub.kpi_id] if sub.kpi_id in self.kpi else []
        if sub.kind == "objective":
            return list(self.kpis_of_objective.get(sub.objective_id or 0, []))
        if sub.kind == "unit":
            return [k for u in self._walk(sub.unit_id) for k in self.kpis_of_unit.get(u, [])]
        return []

    def objectives(self, sub: Subscription) -> list[int]:
        if sub.kind == "objective":
            return [sub.objective_id] if sub.objective_id in self.objective else []
        if sub.kind == "unit":
            return [o for u in self._walk(sub.unit_id) for o in self.objectives_of_unit.get(u, [])]
        return []

    def initiatives(self, sub: Subscription) -> list[int]:
        if sub.kind == "initiative":
            return [sub.initiative_id] if sub.initiative_id in self.initiative else []
        if sub.kind == "unit":
            return [i for u in self._walk(sub.unit_id) for i in self.initiatives_of_unit.get(u, [])]
        return []

    def _walk(self, unit: int) -> Iterable[int]:
        return (u for u, _ in self.tree.walk(unit))

    def item_unit(self, item: str) -> int:
        kind, _, ident = item.partition(":")
        pk = int(ident)
        if kind == "kpi":
            return self.kpi[pk][3]
        if kind == "objective":
            return self.objective[pk][2]
        if kind == "initiative":
            return self.initiative[pk][2]
        return pk


def recipient(sub: Subscription) -> str:
    return f"channel:{sub.channel_id}" if sub.channel_id else f"user:{sub.user_id}"
