"""The phased targets of a scorecard file: refusals with their place, then the parts they imply.

A phased target's parts that the same file sets explicitly are held; the others get what the
phase gives them (`fourfold.measures.phasing`), with the reason "phased from P". The history
a phase follows is the KPI's actuals in the database with the file's own values over them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fourfold.core import periods
from fourfold.measures import phasing
from fourfold.measures.models import KPI, Target
from fourfold.measures.services import TargetEntry

from .spec import Document, KpiSpec, Problem


def _phased(document: Document) -> list[KpiSpec]:
    return [sk for _, _, sk in document.kpis() if sk.phases]


def _histories(specs: list[KpiSpec]) -> dict[str, dict[str, float]]:
    """Each phased KPI's actuals: the database's, with the file's values over them."""
    ids = dict(KPI.objects.filter(code__in=[sk.code for sk in specs]).values_list("code", "pk"))
    stored = phasing.history(list(ids.values()))
    return {
        sk.code: {
            **stored.get(ids.get(sk.code, -1), {}),
            **{p: v for p, (v, _) in sk.values.items()},
        }
        for sk in specs
    }


def _each(
    document: Document, fiscal: int
) -> Iterator[tuple[KpiSpec, str, periods.Period, Mapping[str, float]]]:
    specs = _phased(document)
    if not specs:
        return
    histories = _histories(specs)
    for sk in specs:
        for key in sk.phases:
            yield sk, key, periods.parse_period(key, fiscal), histories[sk.code]


def _apply(
    sk: KpiSpec, kpi_id: int, key: str, period: periods.Period, history: Mapping[str, float]
) -> list[TargetEntry]:
    fields = tuple(sk.targets[key][f] for f in Target.FIELDS)
    held = {
        part: phasing.spread_fields([sk.targets[part][f] for f in Target.FIELDS])
        for part in sk.targets
        if part != key
    }
    shape = phasing.Shape(kpi_id, sk.code, sk.frequency, sk.aggregation, sk.direction)
    _, entries = phasing.implied(shape, period, fields, sk.phases[key], history=history, held=held)
    return entries


def problems(document: Document, fiscal: int) -> list[Problem]:
    """The phased targets that cannot be phased (a history too short, no baseline)."""
    found = []
    for sk, key, period, history in _each(document, fiscal):
        inside = [
            other
            for other in sk.phases
            if other != key and set(period.months) < set(periods.parse_period(other, fiscal).months)
        ]
        if inside:
            found.append(
                Problem(
                    sk.target_lines.get(key, sk.line),
                    f"KPI {sk.code}, target {key}",
                    f"its parts are already phased from {inside[0]}: phase one of the two only",
                )
            )
            continue
        try:
            _apply(sk, 0, key, period, history)
        except phasing.PhaseError as exc:
            found.append(
                Problem(sk.target_lines.get(key, sk.line), f"KPI {sk.code}, target {key}", str(exc))
            )
    return found


def entries(document: Document, fiscal: int, kpis: Mapping[str, KPI]) -> list[TargetEntry]:
    """The parts the file's phased targets imply, for the KPIs as just written."""
    out: list[TargetEntry] = []
    for sk, key, period, history in _each(document, fiscal):
        out += _apply(sk, kpis[sk.code].pk, key, period, history)
    return out
