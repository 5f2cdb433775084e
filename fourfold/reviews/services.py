"""What changes the reviews of a scorecard outside the meeting's own steps: comments, the
commentary of a KPI for a period, and action items. Each operation is atomic, takes the
acting user and writes an audit entry; pages, the API and the command line call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.accounts.names import name as person_name
from fourfold.audit.models import record
from fourfold.core import agenda as rules
from fourfold.core import periods
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Organization, Unit

from .models import ActionItem, AgendaItem, Comment, Review

TITLE_LENGTH = 300
TEXT_LENGTH = 5000


class ReviewError(ValueError):
    """Bad input to a review service, said in one sentence that names the place; `field`
    names the input at fault where there is one (the API's error details say it)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


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


# Commentary: a comment of a KPI for a period with an analysis, a cause or a recommendation.
COMMENTARY = Q(draft=True) | ~Q(analysis="") | ~Q(cause="") | ~Q(recommendation="")


def commentary_of(kpi_id: int, period: str) -> Comment | None:
    """The commentary of a KPI for a period (written or a draft), or None."""
    query = Comment.objects.filter(COMMENTARY, kpi_id=kpi_id, period=period)
    return query.order_by("draft", "-updated_at", "-pk").first()


def _compose(analysis: str, cause: str, recommendation: str) -> str:
    parts = (("Analysis", analysis), ("Cause", cause), ("Recommendation", recommendation))
    return "\n".join(f"{label}: {text}" for label, text in parts if text)


def _text(value: str, what: str, limit: int = TEXT_LENGTH) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ReviewError(f"The {what} holds a NUL character.")
    if len(value) > limit:
        raise ReviewError(f"The {what} is longer than {limit:,} characters.")
    return value


def write_commentary(
    actor: Any,
    kpi: KPI,
    period: str,
    *,
    analysis: str = "",
    cause: str = "",
    recommendation: str = "",
    review: Review | None = None,
) -> Comment:
    """Write (or rewrite) the commentary of a KPI for a period, and copy it forward to the
    next period as a draft, unless someone has written that period's already."""
    fs = Organization.get().fiscal_year_start
    try:
        key = periods.parse_period(period, fs).key
    except periods.PeriodError as exc:
        raise ReviewError(f"Commentary of KPI {kpi.code}: {exc}") from exc
    fields = {
        "analysis": _text(analysis, "analysis"),
        "cause": _text(cause, "cause"),
        "recommendation": _text(recommendation, "recommendation"),
    }
    if not any(fields.values()):
        raise ReviewError(
            f"Commentary of KPI {kpi.code} for {key} needs an analysis, a cause or a "
            "recommendation."
        )
    unit = kpi.objective.perspective.scorecard.unit
    now = timezone.now()
    text = _compose(**fields)
    with transaction.atomic():
        made = commentary_of(kpi.pk, key)
        if made is None:
            made = Comment(unit=unit, kpi=kpi, period=key, created_at=now)
        for name, value in fields.items():
            setattr(made, name, value)
        made.text, made.draft, made.author, made.updated_at = text, False, actor, now
        made.review = review or made.review
        made.save()
        following = rules.next_period(key, fs)
        copied = following is not None and _copy_forward(made, following, now)
        record(
            actor,
            "review.commentary",
            f"Wrote the commentary of KPI {kpi.code} for {key}"
            + (f", copied forward to {following} as a draft" if copied else ""),
            comment=made.pk,
            unit=unit.code,
            kpi=kpi.code,
            period=key,
            review=review.pk if review else None,
        )
    return made


def _copy_forward(made: Comment, period: str, now: dt.datetime) -> bool:
    """Copy commentary into the next period as a draft, never over one written there."""
    there = commentary_of(made.kpi_id, period) if made.kpi_id else None
    if there is not None and not there.draft:
        return False
    draft = there or Comment(unit=made.unit, kpi=made.kpi, period=period, created_at=now)
    draft.analysis, draft.cause, draft.recommendation = (
        made.analysis,
        made.cause,
        made.recommendation,
    )
    draft.text, draft.draft, draft.author, draft.updated_at = made.text, True, made.author, now
    draft.review = None
    draft.save()
    return True


def _about(
    unit: Unit, kpi: KPI | None, objective: Objective | None, initiative: Initiative | None
) -> None:
    owners: list[tuple[str, Any, int | None]] = [
        ("kpi", kpi, kpi.objective.perspective.scorecard.unit_id if kpi else None),
        (
            "objective",
            objective,
            objective.perspective.scorecard.unit_id if objective else None,
        ),
        ("initiative", initiative, initiative.unit_id if initiative else None),
    ]
    for field, thing, owner in owners:
        if thing is not None and owner != unit.pk:
            raise ReviewError(f"{thing} is not of unit {unit.code}.", field)


def create_action(
    actor: Any,
    unit: Unit,
    *,
    title: str,
    owner: Any,
    due_date: dt.date | None,
    description: str = "",
    review: Review | None = None,
    item: AgendaItem | None = None,
    kpi: KPI | None = None,
    objective: Objective | None = None,
    initiative: Initiative | None = None,
) -> ActionItem:
    """An action item with ONE owner (who may see the unit) and a due date, meant to move
    a KPI, an objective or an initiative of the unit."""
    title = _text(title, "action's title", TITLE_LENGTH)
    if not title:
        raise ReviewError("An action item needs a title: what is to be done.", "title")
    if owner is None:
        raise ReviewError(f"The action item '{title}' needs an owner.", "owner")
    if due_date is None:
        raise ReviewError(f"The action item '{title}' needs a due date.", "due_date")
    if not Access.of(owner).can_own_action(unit.pk):
        raise ReviewError(
            f"{person_name(owner)} may not see unit {unit.code}, so cannot own its action "
            f"item '{title}'.",
            "owner",
        )
    _about(unit, kpi, objective, initiative)
    with transaction.atomic():
        made = ActionItem.objects.create(
            unit=unit,
            review=review,
            item=item,
            kpi=kpi,
            objective=objective,
            initiative=initiative,
            title=title,
            description=_text(description, "action's description"),
            owner=owner,
            due_date=due_date,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record(
            actor,
            "action.create",
            f"Added the action item '{title}' of unit {unit.code}, owned by "
            f"{person_name(owner)}, due {due_date.isoformat()}",
            action_item=made.pk,
            unit=unit.code,
            review=review.pk if review else None,
            owner=owner.get_username(),
            due=due_date.isoformat(),
        )
    return made


def set_action_status(actor: Any, action: ActionItem, status: str) -> ActionItem:
    """Mark an action item done, cancelled or open again (audited only when it changed)."""
    if status not in ActionItem.Status.values:
        choices = ", ".join(ActionItem.Status.values)
        raise ReviewError(f"An action item's status is one of {choices}, not '{status}'.")
    if action.status == status:
        return action
    with transaction.atomic():
        before = action.status
        action.status = status
        action.closed_at = None if status == ActionItem.Status.OPEN else timezone.now()
        action.save(update_fields=["status", "closed_at"])
        record(
            actor,
            "action.status",
            f"Action item '{action.title}': {before} → {status}",
            action_item=action.pk,
            unit=action.unit.code,
            before=before,
            after=status,
        )
    return action
