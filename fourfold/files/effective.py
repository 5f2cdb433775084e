"""The objects whose changes a scorecard file says apply from a period (`effective_from`).

A unit's `effective_from` holds for its scorecard, perspectives, objectives and KPIs; an
objective's for its alignments, its links and its KPIs; any item may say its own.
"""

from __future__ import annotations

from fourfold.measures.models import KPI
from fourfold.strategy.models import Alignment, Link, Objective, Perspective, Scorecard, Unit

from .spec import Document


def effective_from(doc: Document) -> dict[tuple[str, int], str]:
    """(kind, id) -> the first month from which its changes apply, for the file's items."""
    units: dict[str, str] = {}
    perspectives: dict[tuple[str, str], str] = {}
    objectives: dict[str, str] = {}
    kpis: dict[str, str] = {}
    for su in doc.units:
        if su.effective_from:
            units[su.code] = su.effective_from
        for sp in su.perspectives:
            if su.effective_from:
                perspectives[(su.code, sp.code)] = su.effective_from
            for so in sp.objectives:
                own = so.effective_from or su.effective_from
                if own:
                    objectives[so.code] = own
                for sk in so.kpis:
                    if sk.effective_from or own:
                        kpis[sk.code] = sk.effective_from or own  # type: ignore[assignment]
    out: dict[tuple[str, int], str] = {}
    if not (units or objectives or kpis):
        return out
    for pk, code in Unit.objects.filter(code__in=units).values_list("pk", "code"):
        out[("unit", pk)] = units[code]
    for pk, code in Scorecard.objects.filter(unit__code__in=units).values_list("pk", "unit__code"):
        out[("scorecard", pk)] = units[code]
    for pk, unit, code in Perspective.objects.filter(scorecard__unit__code__in=units).values_list(
        "pk", "scorecard__unit__code", "code"
    ):
        if (unit, code) in perspectives:
            out[("perspective", pk)] = perspectives[(unit, code)]
    ids = dict(Objective.objects.filter(code__in=objectives).values_list("pk", "code"))
    for pk, code in ids.items():
        out[("objective", pk)] = objectives[code]
    for pk, child in Alignment.objects.filter(child_id__in=ids).values_list("pk", "child_id"):
        out[("alignment", pk)] = objectives[ids[child]]
    for pk, cause in Link.objects.filter(cause_id__in=ids).values_list("pk", "cause_id"):
        out[("link", pk)] = objectives[ids[cause]]
    for pk, code in KPI.objects.filter(code__in=kpis).values_list("pk", "code"):
        out[("kpi", pk)] = kpis[code]
    return out
