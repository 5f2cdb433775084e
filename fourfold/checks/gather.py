"""Gather what the SMART check reads, in bulk, and run `fourfold.core.smart`'s rules on it.

The numbers come from the scoring engine (`engine.compute`), so that what is due, overdue and
targeted (set, or implied by the KPI's aggregation) is what the scorecard shows; the
definitions from a few queries over whole tables, never one per KPI. Only scored, live KPIs
are checked: the engine leaves archived ones out, and unscored ones are skipped here.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fourfold.core import smart
from fourfold.core.hierarchy import Hierarchy
from fourfold.core.smart import Finding
from fourfold.measures.models import KPI, KPI_UNIT
from fourfold.scoring import engine
from fourfold.scoring.engine import Scores
from fourfold.strategy.models import Alignment, Link, Objective, Unit

from .numbers import Numbers

Probabilities = Callable[[list[int], dt.date, Scores], dict[int, float | None]]


@dataclass(frozen=True)
class Strength:
    """A scorecard's share of scored, live KPIs with no warning (nor error)."""

    scored: int
    strong: int

    @property
    def share(self) -> float | None:
        return self.strong / self.scored if self.scored else None


@dataclass
class Report:
    today: dt.date
    findings: list[Finding]
    strength: dict[str, Strength]  # by unit code, every unit checked, in the tree's order
    unit_ids: dict[str, int] = field(default_factory=dict)

    def seen_by(self, can_view: Callable[[int], bool]) -> Report:
        """Only the findings and figures of the units one may view."""
        keep = {code for code, pk in self.unit_ids.items() if can_view(pk)}
        return Report(
            self.today,
            [f for f in self.findings if f.unit in keep],
            {code: s for code, s in self.strength.items() if code in keep},
            {code: pk for code, pk in self.unit_ids.items() if code in keep},
        )

    def exit_status(self, *, strict: bool = False) -> int:
        return smart.exit_status(self.findings, strict=strict)


def year_probabilities(
    kpi_ids: list[int], today: dt.date, scores: Scores
) -> dict[int, float | None]:
    """The forecast's chance that each KPI meets its target of the current fiscal year, from
    the check's scores: the kept forecasts still current, the others made now.

    The one wiring point to the forecasts (`fourfold.forecasts.services`): without that
    service, `achievable.unlikely` finds nothing.
    """
    try:
        service = importlib.import_module("fourfold.forecasts.services")
    except ImportError:
        return {}
    found: dict[int, float | None] = service.year_probabilities(kpi_ids, today=today, scores=scores)
    return found


def check(
    *,
    today: dt.date,
    unit: str | None = None,
    scores: Scores | None = None,
    probabilities: Probabilities = year_probabilities,
    objectives: bool = True,
) -> Report:
    """Every finding for `unit` and the units below it (or every unit), as on `today`;
    without `objectives`, only the KPIs' (for a KPI's page)."""
    units = list(Unit.objects.order_by("order", "pk").values_list("pk", "code", "parent_id"))
    tree = Hierarchy({pk: parent for pk, _, parent in units})
    code_of = {pk: code for pk, code, _ in units}
    top = next((pk for pk, code, _ in units if code == unit), None)
    if unit is not None and top is None:
        raise LookupError(f"there is no unit '{unit}'")
    chosen = [pk for pk, _ in tree.walk(top)]
    scores = scores or engine.compute(today=today, unit=unit)
    numbers = Numbers(scores, today)
    kpi_ids = [scores.index.kpi[r]["id"] for r in numbers.rows]
    found = list(_kpis(scores, numbers, set(chosen), len(code_of)))
    if objectives:
        found += smart.objective_definitions(_objectives(scores, tree, code_of, set(chosen)))
    found += numbers.findings(probabilities(kpi_ids, today, scores) if kpi_ids else {})
    findings = smart.order(found)
    weak = {(f.unit, f.code) for f in findings if f.kind == "kpi" and f.severity != "info"}
    counts = {code_of[pk]: [0, 0] for pk in chosen}
    for r in numbers.rows:
        where = numbers.unit_of(r)
        counts[where][0] += 1
        counts[where][1] += (where, scores.index.kpi[r]["code"]) not in weak
    strength = {code: Strength(n, strong) for code, (n, strong) in counts.items()}
    return Report(today, findings, strength, {code_of[pk]: pk for pk in chosen})


def _kpis(scores: Scores, numbers: Numbers, chosen: set[int], n_units: int) -> Iterator[Finding]:
    """Owners, units of measure and descriptions of the KPIs checked."""
    live = KPI.objects.live()
    if len(chosen) < n_units:
        live = live.filter(**{f"{KPI_UNIT}_id__in": sorted(chosen)})
    facts = {pk: (o, text) for pk, o, text in live.values_list("pk", "owner_id", "description")}
    definitions = []
    for r in numbers.rows:
        k = scores.index.kpi[r]
        owner, text = facts.get(k["id"], (None, ""))
        definitions.append(
            smart.KpiDefinition(
                unit=numbers.unit_of(r),
                code=k["code"],
                has_owner=owner is not None,
                unit_of_measure=k["unit_of_measure"],
                description=text,
                yes_no=numbers.types[r] == "yes_no",
            )
        )
    yield from smart.kpi_definitions(definitions)


def _objectives(
    scores: Scores, tree: Hierarchy[int], code_of: dict[int, str], chosen: set[int]
) -> Iterator[smart.ObjectiveDefinition]:
    """Owners, KPIs, alignment and links of the live objectives of the units checked."""
    rows = Objective.objects.filter(archived=False, perspective__archived=False).values_list(
        "pk", "owner_id", "perspective__scorecard__unit_id"
    )
    owner_of = {pk: owner for pk, owner, _ in rows}
    unit_of = {pk: unit for pk, _, unit in rows}
    above_of, contributors = _alignment(set(unit_of))
    kpis: dict[int, int] = {}
    for k in scores.index.kpi:
        if k["objective"] >= 0:
            pk = scores.index.objective[k["objective"]]["id"]
            kpis[pk] = kpis.get(pk, 0) + 1
    linked: set[int] = set()
    mapped: set[int] = set()  # units whose strategy map has a link
    for cause, effect in Link.objects.values_list("cause_id", "effect_id"):
        linked |= {cause, effect}
        mapped |= {unit_of[o] for o in (cause, effect) if o in unit_of}
    for o in scores.index.objective:
        pk = o["id"]
        unit = unit_of.get(pk)
        if unit is None or unit not in chosen:
            continue
        higher = set(tree.ancestors(unit))
        yield smart.ObjectiveDefinition(
            unit=code_of[unit],
            code=o["code"],
            has_owner=owner_of[pk] is not None,
            kpis=kpis.get(pk, 0),
            contributors=contributors.get(pk, 0),
            unit_has_parent=tree.parents.get(unit) is not None,
            aligned_above=any(unit_of.get(a) in higher for a in above_of.get(pk, [])),
            linked=pk in linked,
            map_has_links=unit in mapped,
        )


def _alignment(live: set[int]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """The live objectives each objective is aligned to, and how many live objectives
    contribute to each."""
    above: dict[int, list[int]] = {}
    contributors: dict[int, int] = {}
    for pk, target, contributes in Alignment.objects.filter(
        child__archived=False, child__perspective__archived=False
    ).values_list("child_id", "parent_id", "contributes"):
        if target in live:
            above.setdefault(pk, []).append(target)
            if contributes:
                contributors[target] = contributors.get(target, 0) + 1
    return above, contributors
