"""Progress of an initiative per period: checked, atomic, audited, never overwritten silently.

An entry that changes or removes an earlier one keeps that one in ProgressVersion, valid from
its `entered_at` to the moment it was superseded, so that scores as of a past moment read the
progress that stood then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.audit.models import record
from fourfold.core import initiatives as rules
from fourfold.core.periods import PeriodError
from fourfold.editing.checks import Check, Invalid
from fourfold.strategy.models import Organization

from .models import Initiative, Progress, ProgressVersion

Actor = Any


@dataclass(frozen=True)
class ProgressEntry:
    period: str
    complete: float
    spent: float | None = None
    comment: str = ""


# -- progress ---------------------------------------------------------------------------------


def progress_problems(entries: Sequence[ProgressEntry], fiscal_start: int) -> dict[str, list[str]]:
    """Every problem of a batch of progress entries, by field (`progress.N.field`)."""
    check = Check()
    for i, entry in enumerate(entries):
        where = f"progress.{i}"
        try:
            rules.progress_period(entry.period, fiscal_start)
        except PeriodError as exc:
            check.add(f"{where}.period", str(exc))
        if problem := rules.complete_problem(entry.complete):
            check.add(f"{where}.complete", problem)
        if problem := rules.amount_problem("amount spent", entry.spent):
            check.add(f"{where}.spent", problem)
        if "\x00" in entry.comment:
            check.add(f"{where}.comment", "'comment' cannot contain a NUL character")
    return dict(check.errors)


@dataclass(frozen=True)
class Written:
    created: int = 0
    changed: int = 0

    def __bool__(self) -> bool:
        return bool(self.created or self.changed)


def enter_progress(
    actor: Actor, initiative: Initiative, entries: Sequence[ProgressEntry], *, reason: str = ""
) -> Written:
    """Write progress entries; an entry that changes an earlier one keeps the earlier one as a
    version. Says how many were created and changed (an entry as it was is neither)."""
    fiscal = Organization.get().fiscal_year_start
    errors = progress_problems(entries, fiscal)
    if errors:
        raise Invalid(errors)
    keyed = [(rules.progress_period(e.period, fiscal).key, e) for e in entries]
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None
    written: dict[str, list[float | None]] = {}
    created = 0
    with transaction.atomic():
        current = {
            p.period: p
            for p in Progress.objects.select_for_update().filter(
                initiative=initiative, period__in=[k for k, _ in keyed]
            )
        }
        for key, entry in keyed:
            old = current.get(key)
            if old is not None and (old.complete, old.spent, old.comment) == (
                entry.complete,
                entry.spent,
                entry.comment,
            ):
                continue
            if old is not None:
                _supersede(old, now, user)
                old.complete, old.spent, old.comment = entry.complete, entry.spent, entry.comment
                old.entered_by, old.entered_at = user, now
                old.save()
            else:
                created += 1
                current[key] = Progress.objects.create(
                    initiative=initiative,
                    period=key,
                    complete=entry.complete,
                    spent=entry.spent,
                    comment=entry.comment,
                    entered_by=user,
                    entered_at=now,
                )
            written[key] = [entry.complete, entry.spent]
        if written:
            record(
                actor,
                "initiative.progress",
                f"Progress of initiative {initiative.code}: "
                + ", ".join(f"{k} {v[0]:g} %" for k, v in sorted(written.items())),
                initiative=initiative.code,
                progress=written,
                reason=reason,
            )
    return Written(created, len(written) - created)


def _supersede(old: Progress, now: dt.datetime, user: Any) -> None:
    ProgressVersion.objects.create(
        initiative_id=old.initiative_id,
        period=old.period,
        complete=old.complete,
        spent=old.spent,
        comment=old.comment,
        entered_by_id=old.entered_by_id,
        entered_at=old.entered_at,
        superseded_at=now,
        superseded_by=user,
    )


def remove_progress(actor: Actor, initiative: Initiative, period: str) -> bool:
    """Remove the entry of a period; it stays in ProgressVersion, as removed at this moment."""
    with transaction.atomic():
        found = Progress.objects.select_for_update().filter(initiative=initiative, period=period)
        old = found.first()
        if old is None:
            return False
        user = actor if actor is not None and actor.is_authenticated else None
        _supersede(old, timezone.now(), user)
        old.delete()
        record(
            actor,
            "initiative.progress.remove",
            f"Removed the progress of initiative {initiative.code} for {period}",
            initiative=initiative.code,
            period=period,
        )
    return True
