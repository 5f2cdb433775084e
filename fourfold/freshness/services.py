"""Which values are overdue, who is asked for them, and the daily digests that ask.

A value is due when its period ends and overdue `grace_days` later (DESIGN.md); as in the
scoring engine, a KPI is expected from its first value or target on, and calculated KPIs
(with a formula) are never asked for.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone

from fourfold.audit.models import record
from fourfold.core import freshness, periods
from fourfold.core.entries import FREQUENCY_KIND
from fourfold.measures.models import KPI, KPI_UNIT, Measurement, Target
from fourfold.reviews import reminders as action_reminders
from fourfold.reviews.models import ActionReminder
from fourfold.reviews.reminders import ActionDue
from fourfold.strategy.models import Organization

from .models import KpiEscalation, Policy, Sent

KIND = FREQUENCY_KIND


@dataclass(frozen=True)
class Overdue:
    kpi_id: int
    kpi_code: str
    kpi_name: str
    unit_code: str
    unit_name: str
    period: str
    due: dt.date
    overdue_since: dt.date
    days_overdue: int
    contributor_id: int | None
    owner_id: int | None
    escalate_after: int

    @property
    def escalated(self) -> bool:
        return self.days_overdue >= self.escalate_after


@dataclass
class Digest:
    """What one person is sent in one email: values to enter, values escalated to them, and
    action items due soon, late, or late and escalated to them (fourfold.reviews.reminders)."""

    user: Any
    reminders: list[Overdue] = field(default_factory=list)
    escalations: list[Overdue] = field(default_factory=list)
    actions: list[ActionDue] = field(default_factory=list)
    action_escalate_after: int = 0  # the policy's days, said in the escalations' sentence

    @property
    def empty(self) -> bool:
        return not self.reminders and not self.escalations and not self.actions

    @property
    def values(self) -> int:
        return len(self.reminders) + len(self.escalations)


@dataclass
class Outcome:
    digests: list[Digest]
    unassigned: list[Overdue]
    no_email: list[Any]
    failed: list[tuple[Any, str]] = field(default_factory=list)


def _first_months(kpi_ids: list[int], fs: int) -> dict[int, int]:
    """Month ordinal of each KPI's first value or target."""
    first: dict[int, int] = {}
    for model in (Measurement, Target):
        rows = (
            model.objects.filter(kpi_id__in=kpi_ids)
            .values("kpi_id")
            .annotate(first=Min("period"))
            .values_list("kpi_id", "first")
        )
        for kpi_id, key in rows:
            try:
                month = periods.month_ordinal(periods.parse_period(key, fs).first_month)
            except periods.PeriodError:
                continue
            first[kpi_id] = min(first.get(kpi_id, month), month)
    return first


def overdue_values(today: dt.date | None = None) -> list[Overdue]:
    """Every missing value that is overdue on `today`, within the policy's look-back."""
    today = today or timezone.localdate()
    policy = Policy.get()
    fs = Organization.get().fiscal_year_start
    kpis = list(
        KPI.objects.filter(archived=False, formula="")
        .values_list(
            "pk",
            "code",
            "name",
            "frequency",
            "grace_days",
            "contributor_id",
            "owner_id",
            f"{KPI_UNIT}__code",
            f"{KPI_UNIT}__name",
            f"{KPI_UNIT}__owner_id",
        )
        .order_by(f"{KPI_UNIT}__order", "pk")
    )
    delays = dict(KpiEscalation.objects.values_list("kpi_id", "escalate_after_days"))
    first = _first_months([k[0] for k in kpis], fs)
    horizon = today - dt.timedelta(days=policy.lookback_days)
    window_first = periods.month_of(horizon)
    candidates: dict[tuple[int, str], tuple[tuple[Any, ...], periods.Period]] = {}
    for kpi in kpis:
        start = first.get(kpi[0])
        if start is None:
            continue  # no value and no target yet: not expected (as in the engine)
        # Which of these are reported is read below, for the overdue ones only.
        for period, overdue in freshness.missing(
            KIND[kpi[3]], start, (), kpi[4], today, fs, window_first
        ):
            if overdue and period.end >= horizon:
                candidates[(kpi[0], period.key)] = (kpi, period)
    if not candidates:
        return []
    present = set(
        Measurement.objects.filter(
            kpi_id__in={k for k, _ in candidates}, period__in={p for _, p in candidates}
        ).values_list("kpi_id", "period")
    )
    result = []
    for (kpi_id, key), (kpi, period) in candidates.items():
        if (kpi_id, key) in present:
            continue
        since = periods.overdue_date(period, kpi[4]) + dt.timedelta(days=1)
        contributor = kpi[5] or kpi[6]
        owner = kpi[6] if kpi[6] is not None and kpi[6] != contributor else kpi[9]
        result.append(
            Overdue(
                kpi_id=kpi_id,
                kpi_code=kpi[1],
                kpi_name=kpi[2],
                unit_code=kpi[7],
                unit_name=kpi[8],
                period=key,
                due=period.end,
                overdue_since=since,
                days_overdue=(today - since).days + 1,
                contributor_id=contributor,
                owner_id=owner if owner != contributor else None,
                escalate_after=delays.get(kpi_id, policy.escalate_after_days),
            )
        )
    result.sort(key=lambda o: (o.unit_name, o.kpi_code, o.period))
    return result


def plan(today: dt.date | None = None) -> Outcome:
    """The digests to send today: each overdue value not yet sent today to that person."""
    today = today or timezone.localdate()
    overdue = overdue_values(today)
    already = set(
        Sent.objects.filter(sent_on=today).values_list("recipient_id", "kind", "kpi_id", "period")
    )
    users = get_user_model().objects.in_bulk(
        {o.contributor_id for o in overdue if o.contributor_id}
        | {o.owner_id for o in overdue if o.owner_id}
    )
    digests: dict[int, Digest] = {}
    unassigned: list[Overdue] = []

    def digest(user_id: int) -> Digest:
        return digests.setdefault(user_id, Digest(users[user_id]))

    for item in overdue:
        contributor = users.get(item.contributor_id) if item.contributor_id else None
        if contributor is None or not contributor.is_active:
            unassigned.append(item)
        elif (contributor.pk, Sent.Kind.REMINDER, item.kpi_id, item.period) not in already:
            digest(contributor.pk).reminders.append(item)
        if item.escalated and item.owner_id:
            owner = users.get(item.owner_id)
            key = (item.owner_id, Sent.Kind.ESCALATION, item.kpi_id, item.period)
            if owner is not None and owner.is_active and key not in already:
                digest(owner.pk).escalations.append(item)
    policy = Policy.get()
    for user, items in action_reminders.plan(
        today,
        before_days=policy.action_reminder_days,
        escalate_after=policy.action_escalate_after_days,
    ).items():
        d = digests.setdefault(user.pk, Digest(user))
        d.actions += items
        d.action_escalate_after = policy.action_escalate_after_days
    ordered = sorted(digests.values(), key=lambda d: d.user.get_username())
    no_email = [d.user for d in ordered if not d.user.email]
    return Outcome([d for d in ordered if d.user.email], unassigned, no_email)


def base_url() -> str:
    return os.environ.get("FOURFOLD_BASE_URL", "").rstrip("/")


def _subject(d: Digest) -> str:
    n, parts = d.values, []
    if n:
        parts.append(
            f"{n} overdue value{'s' if n != 1 else ''}"
            + (" to enter" if d.reminders and not d.escalations else "")
        )
    if d.actions:
        m = len(d.actions)
        late = any(a.late for a in d.actions)
        parts.append(f"{m} action item{'s' if m != 1 else ''} {'late or due' if late else 'due'}")
    return "Fourfold: " + ", ".join(parts)


def message(d: Digest, today: dt.date) -> EmailMultiAlternatives:
    subject = _subject(d)
    context = {
        "user": d.user,
        "name": d.user.get_full_name() or d.user.get_username(),
        "reminders": d.reminders,
        "escalations": d.escalations,
        "actions": [a for a in d.actions if a.kind != ActionReminder.Kind.ESCALATION],
        "escalated_actions": [a for a in d.actions if a.kind == ActionReminder.Kind.ESCALATION],
        "action_escalate_after": d.action_escalate_after,
        "organization": Organization.get(),
        "base_url": base_url(),
        "today": today,
    }
    mail = EmailMultiAlternatives(
        subject, render_to_string("freshness/digest.txt", context), to=[d.user.email]
    )
    mail.attach_alternative(render_to_string("freshness/digest.html", context), "text/html")
    return mail


def send(today: dt.date | None = None, *, dry_run: bool = False) -> Outcome:
    """Send today's digests, one email per person, and remember what each named."""
    today = today or timezone.localdate()
    outcome = plan(today)
    if dry_run or not outcome.digests:
        return outcome
    connection = get_connection()
    sent = []
    actions: list[ActionReminder] = []
    for d in outcome.digests:
        try:
            connection.send_messages([message(d, today)])
        except Exception as exc:  # one bad address must not stop the others' reminders
            outcome.failed.append((d.user, str(exc)))
            continue
        now = timezone.now()
        sent += [
            Sent(
                recipient=d.user,
                kind=kind,
                kpi_id=o.kpi_id,
                period=o.period,
                sent_on=today,
                sent_at=now,
            )
            for kind, items in (
                (Sent.Kind.REMINDER, d.reminders),
                (Sent.Kind.ESCALATION, d.escalations),
            )
            for o in items
        ]
        actions += action_reminders.remember(d.user, d.actions, today)
    Sent.objects.bulk_create(sent, ignore_conflicts=True)
    ActionReminder.objects.bulk_create(actions, ignore_conflicts=True)
    delivered = len(outcome.digests) - len(outcome.failed)
    if delivered:
        record(
            None,
            "remind",
            f"Sent {delivered} reminder digest{'s' if delivered != 1 else ''} naming "
            f"{len(sent)} overdue values"
            + (
                f" and {len(actions)} action item{'s' if len(actions) != 1 else ''}"
                if actions
                else ""
            ),
            recipients=[d.user.get_username() for d in outcome.digests],
        )
    return outcome


def _action_line(a: ActionDue) -> str:
    what = f"action '{a.title}' ({a.unit_name}, owner {a.owner})"
    if a.kind == ActionReminder.Kind.DUE_SOON:
        when = f"in {a.days} day{'s' if a.days != 1 else ''}" if a.days else "today"
        return f"{what} due {a.due:%Y-%m-%d}, {when}"
    late = f"{a.days} day{'s' if a.days != 1 else ''} late"
    if a.kind == ActionReminder.Kind.LATE:
        return f"{what} was due {a.due:%Y-%m-%d}, {late}"
    return f"escalated: {what} was due {a.due:%Y-%m-%d}, {late}"


def describe(outcome: Outcome, *, dry_run: bool) -> list[str]:
    """Lines for the command line: who gets (or would get) what."""
    verb = "would get" if dry_run else "got"
    lines = []
    for d in outcome.digests:
        failed = next((why for u, why in outcome.failed if u.pk == d.user.pk), None)
        head = f"{d.user.get_username()} <{d.user.email}>"
        lines.append(f"{head} could not be sent to: {failed}" if failed else f"{head} {verb}:")
        lines += [
            f"  enter {o.kpi_code} {o.period} ({o.unit_name}), {o.days_overdue} days overdue"
            for o in d.reminders
        ]
        lines += [
            f"  escalated: {o.kpi_code} {o.period} ({o.unit_name}), {o.days_overdue} days overdue"
            for o in d.escalations
        ]
        lines += [f"  {_action_line(a)}" for a in d.actions]
    for user in outcome.no_email:
        lines.append(f"{user.get_username()} has no email address: no reminder can reach them")
    for o in outcome.unassigned:
        lines.append(
            f"nobody to remind for {o.kpi_code} {o.period}: the KPI has no contributor or owner"
        )
    if not outcome.digests:
        lines.append("No reminder to send today.")
    return lines
