"""`fourfold dump`: write the current definition back in the scorecard file format."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import yaml

from fourfold.core import phasing, scoring
from fourfold.core.hierarchy import Hierarchy
from fourfold.measures.models import KPI, Measurement, Scheme, Target
from fourfold.strategy.models import (
    Alignment,
    Link,
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)

from . import alignment, dump_initiatives


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _scheme(scheme: Scheme) -> dict[str, Any]:
    statuses = list(reversed(scheme.statuses))  # files list bands best first
    if scheme.type == "percent_of_target":
        mins = list(reversed(scheme.mins))
        bands = []
        for i, status in enumerate(statuses):
            band: dict[str, Any] = {"status": status["name"]}
            if i < len(mins):
                band["min"] = _number(float(mins[i]))
            band["color"] = status["color"]
            bands.append(band)
        return {"type": scheme.type, "bands": bands}
    return {"type": scheme.type, "statuses": [dict(s) for s in scheme.statuses]}


class Tables:
    """What a dump reads, as the tables hold it (as they stood at a moment within
    fourfold.revisions.past.as_it_stood, for `dump --as-of`)."""

    initiatives = True

    def organization(self) -> Organization:
        return Organization.get()

    def schemes(self) -> list[Scheme]:
        return list(Scheme.objects.order_by("name"))

    def targets(self) -> list[Target]:
        return list(Target.objects.order_by("period"))

    def values(self) -> list[tuple[int, str, float, str]]:
        return list(
            Measurement.objects.order_by("period").values_list(
                "kpi_id", "period", "value", "comment"
            )
        )

    def kpis(self) -> list[KPI]:
        return list(
            KPI.objects.filter(archived=False).select_related("scheme", "owner", "contributor")
        )

    def objectives(self) -> list[Objective]:
        return list(Objective.objects.filter(archived=False).select_related("scheme", "owner"))

    def perspectives(self) -> list[Perspective]:
        return list(Perspective.objects.filter(archived=False).select_related("scheme"))

    def links(self) -> list[tuple[int, int, str]]:
        return list(
            Link.objects.order_by("effect__code").values_list(
                "cause_id", "effect_id", "effect__code"
            )
        )

    def alignments(self) -> list[tuple[int, int, str, bool, float | None]]:
        return list(
            Alignment.objects.order_by("child_id", "order", "pk").values_list(
                "child_id", "parent_id", "parent__code", "contributes", "weight"
            )
        )

    def scorecards(self) -> list[Scorecard]:
        return list(Scorecard.objects.select_related("scheme"))

    def units(self) -> list[Unit]:
        return list(Unit.objects.select_related("parent", "owner"))


def build(*, values: bool = True, source: Any = None) -> dict[str, Any]:
    src = source or Tables()
    org = src.organization()
    doc: dict[str, Any] = {
        "organization": {"name": org.name, "fiscal_year_start": org.fiscal_year_start}
    }
    schemes = [s for s in src.schemes() if s.name not in scoring.BUILTIN]
    if schemes:
        doc["schemes"] = {s.name: _scheme(s) for s in schemes}

    targets: dict[int, dict[str, Any]] = defaultdict(dict)
    stored = src.targets()
    # The parts a phased target implies are written by loading it: the file holds only the
    # phased target itself and the parts set by hand.
    implied = {(t.kpi_id, phasing.reason(t.period)) for t in stored if t.phase}
    for t in stored:
        if (t.kpi_id, t.reason) in implied:
            continue
        entry: dict[str, Any] = {
            f: _number(getattr(t, f)) for f in Target.FIELDS if getattr(t, f) is not None
        }
        if t.phase:
            entry["phase"] = t.phase
        targets[t.kpi_id][t.period] = entry
    measured: dict[int, dict[str, Any]] = defaultdict(dict)
    if values:
        for kpi_id, period, value, comment in src.values():
            measured[kpi_id][period] = (
                {"actual": _number(value), "comment": comment} if comment else _number(value)
            )
    kpis: dict[int, list[KPI]] = defaultdict(list)
    for kpi in src.kpis():
        kpis[kpi.objective_id].append(kpi)
    objectives: dict[int, list[Objective]] = defaultdict(list)
    for obj in src.objectives():
        objectives[obj.perspective_id].append(obj)
    perspectives: dict[int, list[Perspective]] = defaultdict(list)
    for p in src.perspectives():
        perspectives[p.scorecard_id].append(p)
    # The objectives the file will hold: links and alignments to others (archived, or under
    # an archived perspective) are left out, or the file would not load into a new database.
    live = {o.pk for ps in perspectives.values() for p in ps for o in objectives.get(p.pk, [])}
    drives: dict[int, list[str]] = defaultdict(list)
    for cause_id, effect_id, effect_code in src.links():
        if effect_id in live:
            drives[cause_id].append(effect_code)
    aligned: dict[int, list[tuple[str, bool, float | None]]] = defaultdict(list)
    for child_id, parent_id, parent_code, contributes, weight in src.alignments():
        if parent_id in live:
            aligned[child_id].append((parent_code, contributes, weight))
    cards = {c.unit_id: c for c in src.scorecards()}
    units = []
    named: dict[str, str] = {}  # the people the file names who have a name, as `people:`
    initiatives = dump_initiatives.by_unit(live, named) if src.initiatives else {}
    for person in [
        *(k.owner for ks in kpis.values() for k in ks),
        *(k.contributor for ks in kpis.values() for k in ks),
        *(o.owner for os in objectives.values() for o in os),
    ]:
        if person is not None and person.get_full_name():
            named[_person(person)] = person.get_full_name()
    for unit in _tree_order(src.units()):
        if unit.owner is not None and unit.owner.get_full_name():
            named[_person(unit.owner)] = unit.owner.get_full_name()
        card = cards.get(unit.pk)
        unit_entry: dict[str, Any] = {"code": unit.code, "name": unit.name}
        if unit.parent:
            unit_entry["parent"] = unit.parent.code
        if unit.owner:
            unit_entry["owner"] = _person(unit.owner)
        if card is not None:
            _rollup(unit_entry, card.rollup, card.scheme, None)
        unit_entry["perspectives"] = [
            _perspective(p, objectives, kpis, (drives, aligned), targets, measured)
            for p in (perspectives.get(card.pk, []) if card else [])
        ]
        if unit.pk in initiatives:
            unit_entry["initiatives"] = initiatives[unit.pk]
        units.append(unit_entry)
    doc["units"] = units
    if named:
        people = [{"email": who, "name": named[who]} for who in sorted(named)]
        doc = {"organization": doc.pop("organization"), "people": people, **doc}
    return doc


def _rollup(
    entry: dict[str, Any], rollup: str, scheme: Scheme | None, weight: float | None
) -> None:
    if rollup != "weighted_mean":
        entry["rollup"] = rollup
    if scheme is not None:
        entry["scheme"] = scheme.name
    if weight is not None and weight != 1:
        entry["weight"] = _number(weight)


def _perspective(
    p: Perspective,
    objectives: dict[int, list[Objective]],
    kpis: dict[int, list[KPI]],
    links: tuple[dict[int, list[str]], dict[int, list[tuple[str, bool, float | None]]]],
    targets: dict[int, dict[str, Any]],
    measured: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    drives, aligned = links
    entry: dict[str, Any] = {"code": p.code, "name": p.name}
    _rollup(entry, p.rollup, p.scheme, p.weight)
    out = []
    for o in objectives.get(p.pk, []):
        obj: dict[str, Any] = {"code": o.code, "name": o.name}
        if o.description:
            obj["description"] = o.description
        if o.owner:
            obj["owner"] = _person(o.owner)
        _rollup(obj, o.rollup, o.scheme, o.weight)
        obj["drives"] = drives.get(o.pk, [])
        obj.update(alignment.dumped(aligned.get(o.pk, [])))
        obj["kpis"] = [_kpi(k, targets, measured) for k in kpis.get(o.pk, [])]
        out.append(obj)
    entry["objectives"] = out
    return entry


def _kpi(
    k: KPI, targets: dict[int, dict[str, Any]], measured: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": k.code, "name": k.name}
    if k.description:
        entry["description"] = k.description
    if k.unit:
        entry["unit"] = k.unit
    if k.owner:
        entry["owner"] = _person(k.owner)
    if k.contributor:
        entry["contributor"] = _person(k.contributor)
    entry.update(direction=k.direction, frequency=k.frequency, aggregation=k.aggregation)
    if k.formula:
        entry["formula"] = k.formula
    entry["scheme"] = k.scheme.name
    if k.weight != 1:
        entry["weight"] = _number(k.weight)
    if k.kind:
        entry["type"] = k.kind
    if k.grace_days != 15:
        entry["grace_days"] = k.grace_days
    if k.tolerance is not None:
        entry["tolerance"] = _number(k.tolerance)
    if k.pk in targets:
        entry["targets"] = targets[k.pk]
    if k.pk in measured:
        entry["values"] = measured[k.pk]
    return entry


def _person(user: Any) -> str:
    """How the file names a person: their email address, else their user name."""
    return str(user.email or user.get_username())


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Parents before children, so that the file reads top-down."""
    by_pk = {u.pk: u for u in units}
    tree = Hierarchy({u.pk: u.parent_id for u in units})
    return [by_pk[pk] for pk, _ in tree.walk()]


def dump(*, values: bool = True, source: Any = None) -> str:
    return yaml.safe_dump(
        build(values=values, source=source),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
