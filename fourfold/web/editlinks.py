"""The ways to change what a page shows, for those who may: asked of the access policy only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit


@dataclass(frozen=True)
class EditLink:
    label: str
    url: str
    what: str  # read out after the label: "Edit" alone does not say what is edited


def _entry(unit: Unit, period: periods.Period) -> str:
    # The grid shows one month: the period's last, where its value belongs.
    return f"{reverse('entry', args=[unit.code])}?period={period.last_month}"


def for_kpi(access: Access, unit: Unit, kpi: KPI, period: periods.Period) -> list[EditLink]:
    """Edit the KPI, set its targets, enter its values: each where the reader may."""
    links = []
    what = f" {kpi.name}"
    if access.can_edit(unit.pk):
        url = reverse("editing:kpi_edit", args=[unit.code, kpi.pk])
        links.append(EditLink("Edit", url, what))
    if access.can_set_targets(unit.pk):
        url = reverse("editing:targets", args=[unit.code, kpi.pk])
        links.append(EditLink("Targets", url, f" of{what}"))
    if not kpi.formula and access.can_enter(kpi.pk, unit.pk):
        links.append(EditLink("Enter values", _entry(unit, period), f" of{what}"))
    return links


def for_objective(
    access: Access, unit: Unit, objective: Objective, kpis: Iterable[KPI], period: periods.Period
) -> list[EditLink]:
    """Edit the objective; enter values when the reader may enter any of its KPIs'."""
    links = []
    if access.can_edit(unit.pk):
        url = reverse("editing:objective_edit", args=[unit.code, objective.pk])
        links.append(EditLink("Edit", url, f" {objective.name}"))
    if any(not k.formula and access.can_enter(k.pk, unit.pk) for k in kpis):
        links.append(EditLink("Enter values", _entry(unit, period), f" of {objective.name}"))
    return links
