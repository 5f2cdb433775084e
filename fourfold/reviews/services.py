"""What changes the reviews of a scorecard: comments (and, later, reviews and action items)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fourfold.audit.models import record
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit

from .models import Comment


def add_comment(
    actor: Any,
    text: str,
    *,
    unit: Unit,
    objective: Objective | None = None,
    kpi: KPI | None = None,
    period: str = "",
) -> Comment:
    """Record a comment on an objective or a KPI (for a period), with an audit entry."""
    with transaction.atomic():
        made = Comment.objects.create(
            unit=unit, objective=objective, kpi=kpi, period=period, text=text, author=actor
        )
        on = f"KPI {kpi.code}" if kpi else f"objective {objective.code}" if objective else unit.code
        record(
            actor,
            "comment.add",
            f"Commented on {on}" + (f" for {period}" if period else ""),
            comment=made.pk,
            unit=unit.code,
            objective=objective.code if objective else None,
            kpi=kpi.code if kpi else None,
            period=period,
        )
    return made
