"""Initiatives where other pages show them: those serving an objective, on its page, and the
overdue milestones of a person, in Home's "needs my attention"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from fourfold.accounts.access import Access
from fourfold.core.periods import Period
from fourfold.strategy.models import Objective

from . import standing
from .models import Milestone


def for_objective(
    access: Access, objective: Objective, period: Period, today: dt.date
) -> list[standing.Line]:
    """The live initiatives the reader may see that serve the objective, with their standing."""
    found = access.initiatives().filter(archived=False, serves=objective)
    return standing.lines(standing.load(found), period, period.fiscal_start, today)


@dataclass
class LateMilestone:
    milestone: Milestone
    url: str


def overdue_milestones(access: Access, today: dt.date) -> list[LateMilestone]:
    """Milestones past due and not done that are the reader's: theirs, or of an initiative
    they own when the milestone has no owner of its own."""
    if access.user is None or not access.user.is_authenticated:
        return []
    rows = (
        Milestone.objects.owned_by(access.user)
        .overdue(today)
        .select_related("initiative__unit")
        .order_by("due", "pk")
    )
    return [
        LateMilestone(m, reverse("initiative", args=[m.initiative.unit.code, m.initiative.code]))
        for m in rows
        if access.can_see_initiative(m.initiative.unit_id, m.initiative.owner_id)
    ]
