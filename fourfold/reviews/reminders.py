"""Reminders of action items, sent in the daily reminder digest (fourfold.freshness): to the
owner a few days before the due date and once it has passed, and to the review's chair (its
facilitator) or, for an action of no chaired review, the unit's editors once it is late by
the policy's number of days. Each person hears of each action at most once per kind: the
`ActionReminder` rows say what was sent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fourfold.accounts.access import Access

from .models import ActionItem, ActionReminder

Kind = ActionReminder.Kind


@dataclass(frozen=True)
class ActionDue:
    """An open action item named in one person's digest, and why."""

    action_id: int
    kind: str  # ActionReminder.Kind
    title: str
    unit_code: str
    unit_name: str
    owner: str
    due: dt.date
    days: int  # days left before the due date (0 on the day), or days late

    @property
    def path(self) -> str:
        return f"/units/{self.unit_code}/actions/{self.action_id}/"

    @property
    def late(self) -> bool:
        return self.kind != Kind.DUE_SOON


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def plan(today: dt.date, *, before_days: int, escalate_after: int) -> dict[Any, list[ActionDue]]:
    """What each person is to hear of today, by person (the user), each list by due date:
    actions due within `before_days` (to the owner), late ones (to the owner), and those late
    by `escalate_after` days or more (to the chair or the unit's editors); none sent before."""
    actions = list(
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN,
            owner__isnull=False,
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=before_days),
        )
        .select_related("owner", "unit", "review__facilitator")
        .order_by("due_date", "pk")
    )
    if not actions:
        return {}
    sent = set(
        ActionReminder.objects.filter(action__in=actions).values_list(
            "recipient_id", "action_id", "kind"
        )
    )
    editors: dict[int, list[Any]] = {}
    out: dict[Any, list[ActionDue]] = defaultdict(list)
    for a in actions:
        assert a.due_date is not None and a.owner is not None
        late = (today - a.due_date).days

        def tell(person: Any, kind: str, a: ActionItem = a, late: int = late) -> None:
            if (person.pk, a.pk, kind) in sent:
                return
            assert a.due_date is not None
            out[person].append(
                ActionDue(
                    a.pk,
                    kind,
                    a.title,
                    a.unit.code,
                    a.unit.name,
                    _name(a.owner),
                    a.due_date,
                    abs(late),
                )
            )

        if a.owner.is_active:  # one who left is not reminded; the escalation still goes
            tell(a.owner, Kind.LATE if late > 0 else Kind.DUE_SOON)
        if late >= escalate_after:
            chair = a.review.facilitator if a.review is not None else None
            if chair is not None and chair.is_active and chair.pk != a.owner_id:
                told = [chair]
            else:
                if a.unit_id not in editors:
                    editors[a.unit_id] = list(Access.editors(a.unit_id))
                told = [p for p in editors[a.unit_id] if p.pk != a.owner_id]
            for person in told:
                tell(person, Kind.ESCALATION)
    return dict(out)


def remember(user: Any, items: list[ActionDue], today: dt.date) -> list[ActionReminder]:
    """The rows that say these reminders went to this person today."""
    return [
        ActionReminder(recipient=user, action_id=i.action_id, kind=i.kind, sent_on=today)
        for i in items
    ]
