"""Schedules of books: saved with their checks, and sent, one copy made for each recipient.

Each recipient's book is rendered with that person's permissions (`render(..., user=)`), so a
viewer of one division never receives another's numbers. Every copy is logged (sent or
failed, when, the error, the size), and a failure is told to the schedule's owner by email:
a book that fails is never silent.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.accounts.names import name
from fourfold.audit.models import record
from fourfold.core import periods
from fourfold.freshness.services import base_url
from fourfold.reports.books import BookSpec, ReportError, render
from fourfold.reports.models import BookTemplate
from fourfold.strategy.models import Organization
from fourfold.web.periods import label

from . import cron
from .due import claim, first_run
from .models import BookSchedule, Delivery

log = logging.getLogger(__name__)
TOKENS = ("period", "unit", "organization")
MAX_RECIPIENTS = 200


class SharingError(ValueError):
    """A schedule or link that cannot be saved or used, in one sentence."""


class ScheduleGone(SharingError):
    """The schedule was removed while its book was being made or mailed."""


def refusal(person: Any, unit: Any) -> str | None:
    """Why `person` may not receive a book of `unit`, or None."""
    if not person.is_active:
        return f"{name(person)} may no longer sign in"
    if not person.email:
        return f"{name(person)} has no email address"
    if not Access.of(person).can_view(unit.pk):
        return f"{name(person)} may not see {unit.name}: a book goes only to its unit's readers"
    return None


def problems(schedule: BookSchedule, recipients: Iterable[Any]) -> list[str]:
    """Everything wrong with a schedule about to be saved, each in one sentence."""
    found = []
    if schedule.when == BookSchedule.When.CRON:
        found += [
            p for p in (cron.problem(schedule.cron), cron.zone_problem(schedule.timezone)) if p
        ]
    unknown = sorted(set(re.findall(r"\{(\w*)\}", schedule.subject)) - set(TOKENS))
    if unknown:
        found.append(
            f"the subject names {{{unknown[0]}}}: it may name {{period}}, {{unit}} and "
            "{organization}"
        )
    if not schedule.owner.email:
        found.append(
            f"{name(schedule.owner)}, its owner, has no email address to be told of failures"
        )
    people = list(recipients)
    if not people:
        found.append("name at least one recipient")
    if len(people) > MAX_RECIPIENTS:
        found.append(f"a schedule has at most {MAX_RECIPIENTS} recipients")
    unit = schedule.template.unit
    found += [r for r in (refusal(p, unit) for p in people) if r]
    return found


def save(schedule: BookSchedule, recipients: Iterable[Any], *, actor: Any) -> BookSchedule:
    """Check and save a schedule with its recipients, its next run worked out; audited."""
    people = list(recipients)
    found = problems(schedule, people)
    if found:
        raise SharingError(found[0][0].upper() + found[0][1:] + ".")
    created = schedule.pk is None
    try:
        with transaction.atomic():
            schedule.changed_at = timezone.now()
            schedule.next_run = first_run(schedule, timezone.now())
            schedule.save(force_update=not created)  # never brought back once removed
            schedule.recipients.set(people)
            record(
                actor,
                "book_schedule.create" if created else "book_schedule.update",
                f"{'Added' if created else 'Changed'} the schedule of {schedule.template} "
                f"({schedule.when_text()})",
                schedule=schedule.pk,
                recipients=sorted(p.get_username() for p in people),
            )
    except DatabaseError:
        # Its book template (or the schedule itself) removed by someone else meanwhile.
        if not BookTemplate.objects.filter(pk=schedule.template_id).exists():
            raise SharingError(
                f"The book template {schedule.template} was removed meanwhile: nothing was saved."
            ) from None
        if not created and not BookSchedule.objects.filter(pk=schedule.pk).exists():
            raise ScheduleGone(
                f"The schedule of {schedule.template} was removed meanwhile: nothing was saved."
            ) from None
        raise
    return schedule


def delete(schedule: BookSchedule, *, actor: Any) -> None:
    with transaction.atomic():
        record(actor, "book_schedule.delete", f"Removed the schedule of {schedule.template}")
        schedule.delete()


def subject(schedule: BookSchedule, period: str) -> str:
    """The subject with its tokens replaced (plain replacement: no other brace means anything)."""
    organization = Organization.get()
    try:
        period_name = label(periods.parse_period(period, organization.fiscal_year_start))
    except periods.PeriodError:
        period_name = period
    words = {
        "period": period_name,
        "unit": schedule.template.unit.name,
        "organization": organization.name,
    }
    text = schedule.subject
    for token, word in words.items():
        text = text.replace("{" + token + "}", word)
    return text


def _one(
    schedule: BookSchedule, person: Any, spec: BookSpec, *, test: bool, connection: Any
) -> Delivery:
    """Render the book for `person` and mail it; the log row says how it went."""
    entry = Delivery(schedule=schedule, recipient=person, address=person.email or "", test=test)
    entry.period = spec.period
    why = refusal(person, schedule.template.unit)
    if why is None:
        try:
            book = render(spec, schedule.fmt, user=person)
        except ReportError as exc:
            why = f"the book could not be made: {exc}"
        except Exception as exc:  # one book that fails must not stop the others
            log.exception("book of schedule %s for %s", schedule.pk, person.pk)
            why = f"the book could not be made: {type(exc).__name__}: {exc}"
        else:
            entry.size, entry.read_at = len(book.content), book.read_at
            context = {
                "schedule": schedule,
                "name": name(person),
                "period": spec.period,
                "read_at": book.read_at,
                "test": test,
                "base_url": base_url(),
            }
            mail = EmailMessage(
                ("[Test] " if test else "") + subject(schedule, spec.period),
                render_to_string("sharing/book_mail.txt", context),
                to=[person.email],
            )
            mail.attach(book.filename, book.content, book.media_type)
            try:
                connection.send_messages([mail])
            except Exception as exc:
                why = f"the mail server refused it: {exc}"
    entry.status = Delivery.Status.FAILED if why else Delivery.Status.SENT
    entry.error = why[0].upper() + why[1:] + "." if why else ""
    entry.at = timezone.now()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Removed meanwhile (making a book takes seconds): its log went with it.
        if BookSchedule.objects.filter(pk=schedule.pk).exists():
            raise
        raise ScheduleGone(
            f"The schedule of {schedule.template} was removed while its book was being sent."
        ) from None
    return entry


def _alert(schedule: BookSchedule, failed: list[Delivery], connection: Any) -> None:
    """Tell the owner which copies failed and why; remember that they were told."""
    context = {"schedule": schedule, "failed": failed, "name": name(schedule.owner)}
    context["base_url"] = base_url()
    n = len(failed)
    mail = EmailMessage(
        f"Fourfold: {n} book{'s' if n != 1 else ''} of {schedule.template} not sent",
        render_to_string("sharing/alert_mail.txt", context),
        to=[schedule.owner.email],
    )
    try:
        connection.send_messages([mail])
    except Exception:  # nothing more to tell: the log holds the failure, the log file this
        log.exception("the failure alert of schedule %s could not be sent", schedule.pk)
        return
    Delivery.objects.filter(pk__in=[d.pk for d in failed]).update(alerted=True)
    for d in failed:
        d.alerted = True


def send(
    schedule: BookSchedule, period: str | None = None, *, test: bool = False, actor: Any = None
) -> list[Delivery]:
    """Send the schedule's book now: to each recipient, or for a test to its owner only."""
    people = [schedule.owner] if test else list(schedule.recipients.order_by("pk"))
    connection = get_connection()
    # One spec for every copy: the same period and sections, whoever reads it.
    spec = schedule.template.spec(period=period)
    done = [_one(schedule, p, spec, test=test, connection=connection) for p in people]
    failed = [d for d in done if d.status == Delivery.Status.FAILED]
    if failed:
        _alert(schedule, failed, connection)
    sent = len(done) - len(failed)
    record(
        actor,
        "book.sent",
        f"{'Test of' if test else 'Sent'} {schedule.template}: {sent} sent, {len(failed)} failed",
        schedule=schedule.pk,
        period=done[0].period if done else period,
    )
    return done


def run_due(now: dt.datetime | None = None) -> list[tuple[BookSchedule, list[Delivery]]]:
    """Send every schedule due at `now` (the worker's task, and `fourfold schedules run`)."""
    moment = now or timezone.now()
    sent = []
    for due in claim(moment):
        try:
            sent.append((due.schedule, send(due.schedule, due.period)))
        except ScheduleGone:
            log.info("schedule %s was removed while it was being sent", due.schedule.pk)
    return sent
