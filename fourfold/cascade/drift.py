"""What changed above since a cascade, offered to the child (never applied silently)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import cascade as core
from fourfold.core.numbers import grouped
from fourfold.measures.models import Target
from fourfold.measures.services import TargetEntry
from fourfold.strategy.models import Unit

from .models import CarriedKpi, CarriedObjective
from .services import CascadeError, write_targets


@dataclass
class Drift:
    """One thing the parent changed: in words, and what applying it writes."""

    kind: str  # objective | target
    child_code: str
    message: str
    carried: CarriedObjective | CarriedKpi
    period: str = ""
    proposed: tuple[float | None, ...] = ()


def _now(kpi_ids: list[int]) -> dict[int, dict[str, tuple[float | None, ...]]]:
    out: dict[int, dict[str, tuple[float | None, ...]]] = {}
    for t in Target.objects.filter(kpi_id__in=kpi_ids).order_by("period"):
        out.setdefault(t.kpi_id, {})[t.period] = tuple(getattr(t, f) for f in Target.FIELDS)
    return out


def _show(fields: tuple[float | None, ...] | list[Any] | None) -> str:
    if not fields or fields[0] is None:
        return "none"
    return grouped(fields[0])


def drift(child: Unit) -> list[Drift]:
    """Everything that changed above since the child's cascades, in four queries."""
    out: list[Drift] = []
    objectives = CarriedObjective.objects.filter(cascade__child=child).select_related(
        "parent", "child"
    )
    for o in objectives:
        if o.parent.archived:
            out.append(Drift("objective", o.child.code, f"{o.parent.name} was archived above", o))
        elif (o.parent.name, o.parent.description) != (o.name, o.description):
            message = f"renamed above: '{o.name}' is now '{o.parent.name}'"
            if o.parent.name == o.name:
                message = f"the description of '{o.name}' changed above"
            out.append(Drift("objective", o.child.code, message, o))
    kpis = list(CarriedKpi.objects.filter(cascade__child=child).select_related("parent", "child"))
    now = _now([k.parent_id for k in kpis])
    for k in kpis:
        then = {p: tuple(v) for p, v in k.targets.items()}
        for period, fields in now.get(k.parent_id, {}).items():
            if then.get(period) != fields:
                proposed = core.split_target(fields, k.share)
                message = (
                    f"{k.parent.code} {period}: the target above went from "
                    f"{_show(then.get(period))} to {_show(fields)}; "
                    f"yours would be {_show(proposed)}"
                )
                out.append(Drift("target", k.child.code, message, k, period, proposed))
    return out


@transaction.atomic
def settle(child: Unit, *, apply: bool, actor: Any, access: Access) -> int:
    """Apply what drifted (`apply`), or keep the child's as they are; either way the
    cascade's record moves to what stands above now, and nothing is left to confirm."""
    if child.parent_id is None or not access.can_cascade(child.pk, child.parent_id):
        raise CascadeError(f"you may not change the cascade into unit {child.code}")
    found = drift(child)
    entries = []
    for d in found:
        if isinstance(d.carried, CarriedObjective):
            parent = d.carried.parent
            if apply and not parent.archived:
                d.carried.child.name, d.carried.child.description = parent.name, parent.description
                d.carried.child.save(update_fields=["name", "description"])
            d.carried.name, d.carried.description = parent.name, parent.description
            d.carried.save(update_fields=["name", "description"])
        elif apply:
            entries.append(TargetEntry(d.carried.child_id, d.period, d.proposed))
    write_targets(entries, actor, access, f"cascade from unit {child.parent_id} brought up to date")
    now = _now(
        list(CarriedKpi.objects.filter(cascade__child=child).values_list("parent_id", flat=True))
    )
    for k in CarriedKpi.objects.filter(cascade__child=child):
        k.targets = {p: list(v) for p, v in now.get(k.parent_id, {}).items()}
        k.to_confirm = False
        k.save(update_fields=["targets", "to_confirm"])
    if found:
        record(
            actor,
            "cascade.applied" if apply else "cascade.kept",
            f"{'Applied' if apply else 'Kept'} {len(found)} changes from above in {child.code}",
            unit=child.code,
            changes=[d.message for d in found],
        )
    return len(found)


def ask_to_confirm(sender: Any, changed: Any, **kw: Any) -> None:
    """A parent target changed after a cascade: the child KPI's owner confirms theirs."""
    carried = CarriedKpi.objects.filter(parent_id__in=changed.kpi_ids, to_confirm=False)
    if carried.exists():
        now = _now(list(carried.values_list("parent_id", flat=True)))
        for k in carried:
            then = {p: tuple(v) for p, v in k.targets.items()}
            if any(then.get(p) != f for p, f in now.get(k.parent_id, {}).items()):
                k.to_confirm = True
                k.save(update_fields=["to_confirm"])


@dataclass
class ToConfirm:
    """A KPI of mine whose target above changed after the cascade: confirm mine."""

    code: str
    name: str
    unit_name: str
    url: str


def to_confirm(access: Access) -> list[ToConfirm]:
    """Home's attention item for the owners of cascaded KPIs, in one query."""
    user = access.user
    if user is None or not user.is_authenticated:
        return []
    unit = "child__objective__perspective__scorecard__unit"
    rows = (
        CarriedKpi.objects.filter(to_confirm=True, child__owner=user, child__archived=False)
        .order_by("child__code")
        .values_list("child__code", "child__name", f"{unit}__code", f"{unit}__name", f"{unit}_id")
        .distinct()
    )
    return [
        ToConfirm(code, name, unit_name, reverse("cascade:page", args=[unit_code]))
        for code, name, unit_code, unit_name, unit_id in rows
        if access.can_view(unit_id)
    ]
