"""Create the scorecard of a unit from its parent's: checked, previewed, made, remembered.

One service for the page, the command line and the API. Each parent objective chosen becomes
an objective of the child (code `CHILD-code`) aligned to it, contributing; each of its KPIs is
copied (`CHILD-code`) or made a share of the parent KPI, which then sums its children
(`sum_children(code)` reads each child's `CHILD.code`). Targets go through the intake service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import cascade as core
from fourfold.core import periods
from fourfold.measures.calculated import measured
from fourfold.measures.intake import Refused, submit_targets
from fourfold.measures.models import KPI, Measurement, Target
from fourfold.measures.services import TargetEntry
from fourfold.strategy.models import (
    Alignment,
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)

from .models import CarriedKpi, CarriedObjective, Cascade

COPIED: tuple[str, ...] = ("name", "description", "unit", "direction", "frequency")
COPIED += ("aggregation", "scheme_id", "weight", "kind", "grace_days", "tolerance")


class CascadeError(ValueError):
    """A cascade that cannot be made, in one sentence with the place."""


@dataclass
class KpiPlan:
    parent: KPI
    code: str
    share: float
    targets: dict[str, tuple[float | None, ...]]  # period -> the child's Target fields


@dataclass
class ObjectivePlan:
    parent: Objective
    code: str
    kpis: list[KpiPlan] = field(default_factory=list)


@dataclass
class Plan:
    """What a cascade would write: shown as its preview, then made."""

    parent: Unit
    child: Unit
    kpis: str
    split: str
    objectives: list[ObjectivePlan]

    @property
    def n_targets(self) -> int:
        return sum(len(k.targets) for o in self.objectives for k in o.kpis)


def kpi_code(child: Unit, parent_code: str, mode: str) -> str:
    """A share is `CHILD.code`, the name `sum_children` looks for; a copy is `CHILD-code`."""
    return f"{child.code}{'.' if mode == 'share' else '-'}{parent_code}"


def plan(
    parent: Unit,
    child: Unit,
    *,
    objectives: list[str] | None = None,
    kpis: str = "copy",
    split: str = "equal",
    today: dt.date | None = None,
) -> Plan:
    """The cascade these choices make, or CascadeError saying what is wrong and where."""
    if child.parent_id != parent.pk:
        raise CascadeError(f"unit {child.code} is not a child of unit {parent.code}")
    if kpis not in core.KPI_MODES:
        raise CascadeError(f"--kpis must be one of {', '.join(core.KPI_MODES)}, not '{kpis}'")
    if split not in core.SPLITS:
        raise CascadeError(f"--split must be one of {', '.join(core.SPLITS)}, not '{split}'")
    available = list(
        Objective.objects.filter(perspective__scorecard__unit=parent, archived=False)
        .select_related("perspective")
        .order_by("perspective__order", "order", "pk")
    )
    by_code = {o.code: o for o in available}
    chosen = available if not objectives else []
    for code in objectives or []:
        if code not in by_code:
            raise CascadeError(f"objective '{code}' is not an objective of unit {parent.code}")
        chosen.append(by_code[code])
    if not chosen:
        raise CascadeError(f"unit {parent.code} has no objectives to cascade")
    codes = [f"{child.code}-{o.code}" for o in chosen]
    taken = Objective.objects.filter(code__in=codes).select_related("perspective__scorecard__unit")
    for clash in taken:
        raise CascadeError(
            f"unit {clash.perspective.scorecard.unit.code} already has objective '{clash.code}': "
            f"a cascade into unit {child.code} would make it again"
        )
    parent_kpis: dict[int, list[KPI]] = {}
    for k in KPI.objects.filter(objective__in=chosen, archived=False).order_by("order", "pk"):
        parent_kpis.setdefault(k.objective_id, []).append(k)
    all_kpis = [k for ks in parent_kpis.values() for k in ks]
    kpi_codes = {k.pk: kpi_code(child, k.code, kpis) for k in all_kpis}
    for clash_code in KPI.objects.filter(code__in=kpi_codes.values()).values_list(
        "code", flat=True
    ):
        raise CascadeError(
            f"KPI code '{clash_code}' is already used: a cascade into unit {child.code} would "
            "make it again"
        )
    if kpis == "share":
        for k in all_kpis:
            wanted = f"sum_children({k.code})"
            if k.formula and k.formula.replace(" ", "") != wanted:
                raise CascadeError(
                    f"KPI {k.code} is calculated from '{k.formula}': "
                    "it cannot also sum its children"
                )
            why = None if k.formula else measured(k.pk)
            if why:
                raise CascadeError(f"KPI {k.code} cannot become the sum of its children: {why}")
    siblings = list(Unit.objects.filter(parent=parent).order_by("order", "code"))
    names = [u.code for u in siblings]
    last = (
        _last_year(all_kpis, siblings, today or timezone.localdate())
        if split == "last_year"
        else {}
    )
    targets: dict[int, dict[str, tuple[float | None, ...]]] = {}
    for t in Target.objects.filter(kpi__in=all_kpis).order_by("period"):
        targets.setdefault(t.kpi_id, {})[t.period] = tuple(getattr(t, f) for f in Target.FIELDS)
    out = []
    for o, code in zip(chosen, codes, strict=True):
        item = ObjectivePlan(o, code)
        for k in parent_kpis.get(o.pk, []):
            try:
                portion = core.share(split, child.code, names, last.get(k.pk, {}))
            except core.SplitError as exc:
                raise CascadeError(f"KPI {k.code}: {exc} (last year: {_year(today)})") from None
            split_targets = {
                p: core.split_target(fields, portion) for p, fields in targets.get(k.pk, {}).items()
            }
            item.kpis.append(KpiPlan(k, kpi_codes[k.pk], portion, split_targets))
        out.append(item)
    return Plan(parent, child, kpis, split, out)


def _year(today: dt.date | None) -> str:
    fiscal = Organization.get().fiscal_year_start
    this = periods.parse_period(
        periods.year_of(f"{today or timezone.localdate():%Y-%m}", fiscal), fiscal
    )
    return periods.year_of(_month_before(this.months[0]), fiscal)


def _month_before(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if m == 1 else f"{year}-{m - 1:02d}"


def _last_year(
    kpis: list[KPI], children: list[Unit], today: dt.date
) -> dict[int, dict[str, float]]:
    """Each parent KPI's last-year total in each child unit (its KPI `C.code` or `C-code`)."""
    fiscal = Organization.get().fiscal_year_start
    months = set(periods.parse_period(_year(today), fiscal).months)
    wanted = {}
    for k in kpis:
        for c in children:
            for sep in (".", "-"):
                wanted[f"{c.code}{sep}{k.code}"] = (k.pk, c.code)
    out: dict[int, dict[str, float]] = {}
    rows = Measurement.objects.filter(kpi__code__in=wanted).values_list(
        "kpi__code", "period", "value"
    )
    for code, period, value in rows:
        try:
            inside = set(periods.parse_period(period, fiscal).months) <= months
        except periods.PeriodError:
            inside = False
        if inside:
            kpi_pk, unit = wanted[code]
            totals = out.setdefault(kpi_pk, {})
            totals[unit] = totals.get(unit, 0.0) + value
    return out


def make(found: Plan, *, actor: Any, access: Access) -> Cascade:
    """Write the planned cascade, all or nothing, audited for the acting user."""
    if not access.can_cascade(found.child.pk, found.parent.pk):
        raise CascadeError(f"you may not cascade into unit {found.child.code}")
    child = found.child
    with transaction.atomic():
        card, _ = Scorecard.objects.get_or_create(unit=child)
        cascade = Cascade.objects.create(
            parent=found.parent,
            child=child,
            kpis=found.kpis,
            split=found.split,
            made_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        perspectives = {p.code: p for p in card.perspectives.all()}
        entries: list[TargetEntry] = []
        for item in found.objectives:
            above = item.parent.perspective
            persp = perspectives.get(above.code)
            if persp is None:
                persp = Perspective.objects.create(
                    scorecard=card, code=above.code, name=above.name, order=above.order
                )
                perspectives[above.code] = persp
            made = Objective.objects.create(
                perspective=persp,
                code=item.code,
                name=item.parent.name,
                description=item.parent.description,
                owner=child.owner,
                order=item.parent.order,
                weight=item.parent.weight,
            )
            Alignment.objects.create(child=made, parent=item.parent, contributes=True)
            CarriedObjective.objects.create(
                cascade=cascade,
                parent=item.parent,
                child=made,
                name=item.parent.name,
                description=item.parent.description,
            )
            for order, k in enumerate(item.kpis):
                copy = KPI.objects.create(
                    objective=made,
                    code=k.code,
                    owner=child.owner,
                    order=order,
                    **{f: getattr(k.parent, f) for f in COPIED},
                )
                if found.kpis == "share" and not k.parent.formula:
                    KPI.objects.filter(pk=k.parent.pk).update(
                        formula=f"sum_children({k.parent.code})"
                    )
                snapshot = {p: list(v) for p, v in _targets_of(k.parent).items()}
                CarriedKpi.objects.create(
                    cascade=cascade, parent=k.parent, child=copy, share=k.share, targets=snapshot
                )
                entries += [TargetEntry(copy.pk, p, fields) for p, fields in k.targets.items()]
        write_targets(entries, actor, access, f"cascaded from unit {found.parent.code}")
        record(
            actor,
            "cascade.made",
            f"Cascaded {len(found.objectives)} objectives of {found.parent.code} into {child.code}",
            unit=child.code,
            parent=found.parent.code,
            kpis=found.kpis,
            split=found.split,
            objectives=[o.code for o in found.objectives],
            kpi_codes=[k.code for o in found.objectives for k in o.kpis],
            # The parent's KPIs that now sum their children (share), with their formula.
            summed=sorted(
                k.parent.code
                for o in found.objectives
                for k in o.kpis
                if found.kpis == "share" and not k.parent.formula
            ),
        )
    return cascade


def write_targets(entries: list[TargetEntry], actor: Any, access: Access, reason: str) -> None:
    """The child KPIs' targets, through the intake service like every other target."""
    if not entries:
        return
    try:
        submit_targets(entries, actor=actor, access=access, channel="cascade", reason=reason)
    except Refused as exc:
        wrong = exc.problems[0]
        entry = entries[wrong.index]
        code = KPI.objects.filter(pk=entry.kpi_id).values_list("code", flat=True).first()
        raise CascadeError(f"KPI {code} {entry.period}: {wrong.message}") from None


def _targets_of(kpi: KPI) -> dict[str, tuple[float | None, ...]]:
    return {
        t.period: tuple(getattr(t, f) for f in Target.FIELDS)
        for t in Target.objects.filter(kpi=kpi).order_by("period")
    }
