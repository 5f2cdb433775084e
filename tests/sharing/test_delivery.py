"""Scheduled books: each recipient's copy made for them, what is due and when, the log and the
owner's alert when a copy fails."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.reports.models import BookTemplate
from fourfold.sharing import services
from fourfold.sharing.due import claim, complete, last_ended
from fourfold.sharing.models import BookSchedule, Delivery

from .backends import MeanwhileBackend
from .conftest import CARD, NOW, Org


def _text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


def test_each_recipient_gets_a_book_made_with_what_they_may_see(org: Org, tmp_path: Path) -> None:
    """The same schedule to an administrator and to Vic, a viewer of East (who owns a KPI of
    Acme, so may see Acme's book): two different books, Vic's with nothing of Westland."""
    schedule = org.schedule(org.admin, org.vic, subject="{organization}: {unit}, {period}")
    mail.outbox.clear()
    done = services.send(schedule)
    assert [d.status for d in done] == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "vic@example.com"]
    assert {m.subject for m in mail.outbox} == {"Acme Test: Acme Corp, October 2026"}
    books = {}
    for message in mail.outbox:
        (filename, content, media_type) = message.attachments[0]
        assert media_type == "application/pdf" and filename.endswith(".pdf")
        books[message.to[0]] = _text(content, tmp_path, message.to[0])
    admins, vics = books["admin@example.com"], books["vic@example.com"]
    assert admins != vics
    assert "Westland" in admins and "East Division" in admins
    assert "Westland" not in vics
    assert "East Division" in vics and "Group revenue" in vics
    assert [d.size for d in done] == [len(m.attachments[0][1]) for m in mail.outbox]
    assert all(d.read_at is not None and d.period == "2026-10" for d in done)


def test_a_failed_copy_is_logged_and_told_to_the_owner_and_the_others_are_sent(
    org: Org,
) -> None:
    reading = Role.objects.create(user=org.wes, kind=Role.Kind.VIEWER, unit=org.acme)
    schedule = org.schedule(org.admin, org.wes, org.vic, fmt="xlsx")
    reading.delete()  # Wes no longer sees the unit
    mail.outbox.clear()
    done = services.send(schedule)
    by = {d.recipient: d for d in done}
    assert by[org.admin].status == Delivery.Status.SENT and by[org.admin].size > 0
    assert by[org.wes].status == Delivery.Status.FAILED
    assert by[org.wes].error == "Wes may not see Acme Corp: a book goes only to its unit's readers."
    assert by[org.wes].size == 0 and by[org.wes].alerted
    sent_to = [m.to for m in mail.outbox]
    assert ["admin@example.com"] in sent_to and ["wes@example.com"] not in sent_to
    alert = next(m for m in mail.outbox if m.to == ["eddie@example.com"])
    assert "not sent" in alert.subject
    assert "wes@example.com" in alert.body and "may not see Acme Corp" in alert.body
    assert Delivery.objects.filter(schedule=schedule).count() == 3


def test_a_copy_the_mail_server_refuses_is_logged_with_its_reason(
    org: Org, settings: object
) -> None:
    schedule = org.schedule(org.admin, fmt="xlsx")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # type: ignore[attr-defined]
    (done,) = services.send(schedule)
    assert done.status == "failed" and done.error.startswith("The mail server refused it:")
    assert not done.alerted  # the alert could not go either: the log holds it


def test_a_test_goes_to_the_owner_only_with_the_owners_permissions(org: Org) -> None:
    schedule = org.schedule(org.admin, org.vic, fmt="xlsx")
    mail.outbox.clear()
    (done,) = services.send(schedule, test=True, actor=org.eddie)
    assert done.test and done.recipient == org.eddie and done.status == "sent"
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]]
    assert mail.outbox[0].subject.startswith("[Test] ")


def test_a_timetable_is_due_once_at_its_time_then_at_the_next(org: Org) -> None:
    schedule = org.schedule(org.admin, fmt="xlsx", cron="0 7 1 * *", timezone="Europe/Paris")
    assert schedule.next_run is not None
    before = schedule.next_run - dt.timedelta(minutes=1)
    assert claim(before) == []
    at = schedule.next_run
    (due,) = claim(at)
    assert due.schedule.pk == schedule.pk and due.period is None
    assert claim(at) == []  # claimed: a second worker finds nothing
    schedule.refresh_from_db()
    assert schedule.next_run is not None and schedule.next_run.month == at.month % 12 + 1


def test_a_schedule_when_complete_waits_for_every_value_then_fires_once(org: Org) -> None:
    schedule = org.schedule(
        org.admin, fmt="xlsx", when=BookSchedule.When.COMPLETE, every="month", cron=""
    )
    assert schedule.next_run is None
    # On 2026-12-03 the last ended month is November: no value of it is in yet.
    december = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    assert last_ended("month", december.date(), 1).key == "2026-11"
    assert not complete("acme", "2026-11", december.date())
    assert claim(december) == []
    load(
        CARD.replace("2026-10: 600}", "2026-10: 600, 2026-11: 610}"),
        actor=None,
        source_name="november.yaml",
    )
    assert complete("acme", "2026-11", december.date())
    (due,) = claim(december)
    assert due.period == "2026-11"
    assert claim(december + dt.timedelta(hours=1)) == []  # once per period
    schedule.refresh_from_db()
    assert schedule.last_period == "2026-11"


def test_run_due_sends_what_is_due_and_logs_it(org: Org) -> None:
    schedule = org.schedule(org.admin, fmt="xlsx")
    mail.outbox.clear()
    assert services.run_due(NOW) == []
    assert schedule.next_run is not None
    ((found, copies),) = services.run_due(schedule.next_run)
    assert found.pk == schedule.pk and [c.status for c in copies] == ["sent"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"cron": "0 7 * *"}, "is no timetable"),
        ({"timezone": "Mars/Olympus"}, "is no timezone"),
        ({"subject": "{unit} for {boss}"}, "The subject names {boss}"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_and_nothing_is_saved(
    org: Org, fields: dict[str, str], said: str
) -> None:
    with pytest.raises(services.SharingError, match=said.replace("{", r"\{").replace("}", r"\}")):
        org.schedule(org.admin, **fields)
    assert not BookSchedule.objects.exists()


def test_a_recipient_who_may_not_see_the_unit_is_refused(org: Org) -> None:
    with pytest.raises(services.SharingError) as refused:
        org.schedule(org.admin, org.wes)
    assert (
        str(refused.value) == "Wes may not see Acme Corp: a book goes only to its unit's readers."
    )
    assert not BookSchedule.objects.exists()


@pytest.mark.parametrize("test", [True, False], ids=["test send", "scheduled send"])
def test_a_schedule_removed_while_its_book_is_sent_is_told_and_nothing_breaks(
    org: Org, transactional_db: None, settings: Any, test: bool
) -> None:
    """Making a book takes seconds: an editor may remove its schedule meanwhile (the API fuzzer
    did, and the log of the copy then failed on the missing schedule with a server error)."""
    schedule = org.schedule(org.admin, org.vic)
    settings.EMAIL_BACKEND = "tests.sharing.backends.MeanwhileBackend"
    MeanwhileBackend.meanwhile = lambda: BookSchedule.objects.filter(pk=schedule.pk).delete()
    try:
        if test:
            with pytest.raises(services.ScheduleGone) as gone:
                services.send(schedule, test=True)
            assert str(gone.value) == (
                f"The schedule of {schedule.template} was removed while its book was being sent."
            )
        else:
            BookSchedule.objects.filter(pk=schedule.pk).update(next_run=NOW - dt.timedelta(1))
            assert services.run_due(NOW) == []
    finally:
        MeanwhileBackend.meanwhile = None
    assert not BookSchedule.objects.exists() and not Delivery.objects.exists()


def test_a_schedule_saved_after_its_template_or_itself_was_removed_is_refused(org: Org) -> None:
    """Two people at once (the fuzzer's two workers): one removes, the other saves."""
    schedule = org.schedule(org.admin, org.vic)
    template = schedule.template
    gone = BookSchedule.objects.get(pk=schedule.pk)
    BookSchedule.objects.filter(pk=schedule.pk).delete()
    with pytest.raises(services.ScheduleGone) as refused:
        services.save(gone, [org.vic], actor=org.admin)
    assert str(refused.value) == (
        f"The schedule of {template} was removed meanwhile: nothing was saved."
    )
    assert not BookSchedule.objects.exists()  # not brought back
    again = org.schedule(org.admin, org.vic)
    BookTemplate.objects.filter(pk=template.pk).delete()  # its schedules go with it
    with pytest.raises(services.SharingError) as refusal:
        services.save(again, [org.vic], actor=org.admin)
    assert str(refusal.value) == (
        f"The book template {template} was removed meanwhile: nothing was saved."
    )
    assert not BookSchedule.objects.exists()
