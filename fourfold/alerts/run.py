"""`fourfold alerts run`: judge every alert now and send what is due, or say what would be."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import daily, deliver, evaluate
from .models import DailyRun, Delivery, Event


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    retried: list[Delivery] = field(default_factory=list)


class _DryRun(Exception):
    pass


def run(today: dt.date | None = None, *, dry_run: bool = False) -> Outcome:
    """Judge every alert (period and day conditions), then send the messages due at once,
    today's digests (and the week's on Mondays) and the retries whose time has come. A dry
    run does all but the sending, then undoes it."""
    today = today or timezone.localdate()
    out = Outcome()
    try:
        with transaction.atomic():
            out.events = evaluate.judge_periods(None, (), today=today)
            out.events += daily.judge_day(today)
            out.deliveries = deliver.send_instant(dry_run=dry_run)
            out.deliveries += deliver.send_digests(
                today, weekly=today.weekday() == 0, dry_run=dry_run
            )
            if not dry_run:
                out.retried = deliver.retry_due()
                DailyRun.objects.get_or_create(day=today)
            else:
                raise _DryRun
    except _DryRun:
        pass
    return out


def describe(out: Outcome, *, dry_run: bool) -> list[str]:
    verb = "would be sent" if dry_run else "sent"
    lines = []
    for d in out.deliveries:
        how = {"sent": verb, "pending": verb}.get(d.status, d.get_status_display().lower())
        note = f": {d.error}" if d.error and d.status != "sent" else ""
        to = d.to or "(no address)"
        lines.append(f"{d.kind} to {to}, {d.frequency}: {d.subject} — {how}{note}")
    for d in out.retried:
        lines.append(f"retried {d.kind} to {d.to}: {d.get_status_display().lower()}")
    if not out.deliveries and not out.retried:
        lines.append(f"No alert to send ({len(out.events)} new events).")
    return lines
