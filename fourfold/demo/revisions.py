"""The demo's revisions: the plan as loaded kept under a name, and a change from next month.

A KPI of the top unit counts twice in its objective from the next fiscal year on: a change made
through the design pages' service, with `effective_from`, so that no score shown today moves
and the Revisions page, `fourfold diff "Plan as loaded" now` and `?as_of=` have something to
show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fourfold.core import periods
from fourfold.editing import services
from fourfold.measures.models import KPI
from fourfold.revisions import named
from fourfold.strategy.models import Organization

PLAN = "Plan as loaded"


def stage(today: dt.date, actor: Any) -> None:
    named.save(PLAN, note="the Northwind scorecard as the demo loaded it", actor=actor)
    kpi = (
        KPI.objects.live()
        .filter(formula="", objective__perspective__scorecard__unit__parent=None)
        .select_related("scheme", "owner", "contributor")
        .order_by("pk")
        .first()
    )
    if kpi is None:
        return
    # The next fiscal year's first month: no period of this year, quarters or year, moves.
    start = Organization.get().fiscal_year_start
    ordinal = periods.month_of(today) + 1
    while periods.month_key(ordinal)[5:] != f"{start:02d}":
        ordinal += 1
    month = periods.month_key(ordinal)
    data = {
        "code": kpi.code,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "objective": str(kpi.objective_id),
        "direction": kpi.direction,
        "frequency": kpi.frequency,
        "aggregation": kpi.aggregation,
        "formula": kpi.formula,
        "scheme": kpi.scheme.name,
        "weight": str(kpi.weight * 2),
        "kind": kpi.kind,
        "owner": (kpi.owner.email or kpi.owner.username) if kpi.owner else "",
        "contributor": (kpi.contributor.email or kpi.contributor.username)
        if kpi.contributor
        else "",
        "grace_days": str(kpi.grace_days),
        "tolerance": "" if kpi.tolerance is None else str(kpi.tolerance),
        "effective_from": month,
    }
    services.update_kpi(actor, kpi, data)
