"""The Books sent and Share links pages of a unit, for its editors."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from fourfold.sharing.models import BookSchedule, Delivery, ShareLink

from .conftest import Org


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_schedules_a_book_for_readers_of_the_unit(org: Org) -> None:
    client = _client(org.eddie)
    form = client.get("/units/acme/schedules/new/")
    assert form.status_code == 200
    page = form.content.decode()
    # Only people who may see Acme are offered: not Wes, a viewer of Westland only.
    assert "vic@example.com" in page and "admin@example.com" in page
    assert "wes@example.com" not in page
    answer = client.post(
        "/units/acme/schedules/new/",
        {
            "template": org.template.pk,
            "fmt": "xlsx",
            "when": "cron",
            "cron": "0 7 1 * *",
            "timezone": "Europe/Paris",
            "every": "month",
            "subject": "{unit}: {period}",
            "recipients": [org.vic.pk],
            "enabled": "on",
        },
    )
    schedule = BookSchedule.objects.get()
    assert (
        answer.status_code == 302 and answer["Location"] == f"/units/acme/schedules/{schedule.pk}/"
    )
    assert schedule.owner == org.eddie and list(schedule.recipients.all()) == [org.vic]
    assert schedule.next_run is not None


def test_a_timetable_that_is_none_is_refused_in_a_sentence_and_nothing_saved(org: Org) -> None:
    answer = _client(org.eddie).post(
        "/units/acme/schedules/new/",
        {
            "template": org.template.pk,
            "fmt": "pdf",
            "when": "cron",
            "cron": "at seven",
            "timezone": "UTC",
            "every": "month",
            "subject": "{unit}",
            "recipients": [org.vic.pk],
        },
    )
    assert answer.status_code == 400
    assert "&#x27;at seven&#x27; is no timetable" in answer.content.decode()
    assert not BookSchedule.objects.exists()


def test_the_schedules_page_lists_them_in_a_fixed_number_of_queries(
    org: Org, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        org.schedule(org.admin, org.vic, fmt="xlsx")
    client = _client(org.eddie)
    client.get("/units/acme/schedules/")  # the session and the access, read once before
    with django_assert_num_queries(9):
        answer = client.get("/units/acme/schedules/")
    assert answer.status_code == 200
    assert answer.content.decode().count("/units/acme/schedules/") >= 3


def test_send_a_test_mails_the_owner_and_the_log_shows_it(org: Org) -> None:
    schedule = org.schedule(org.admin, org.vic, fmt="xlsx")
    client = _client(org.eddie)
    mail.outbox.clear()
    answer = client.post(f"/units/acme/schedules/{schedule.pk}/test/")
    assert answer.status_code == 302
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]]
    page = client.get(f"/units/acme/schedules/{schedule.pk}/").content.decode()
    assert "A test was sent to eddie@example.com." in page
    assert "Sent" in page and "test" in page
    assert Delivery.objects.get().test


def test_a_viewer_may_not_schedule_and_is_told_why(org: Org) -> None:
    answer = _client(org.vic).get("/units/acme/schedules/")
    assert answer.status_code == 403
    assert answer.context["reason"] == "Only the editors of a scorecard schedule its books."
    assert _client(org.wes).get("/units/acme/schedules/").status_code == 404


def test_an_editor_makes_a_link_sees_its_uses_and_revokes_it(org: Org) -> None:
    client = _client(org.eddie)
    answer = client.post("/units/acme/shares/", {"what": "scorecard", "fmt": "pdf", "days": "7"})
    assert answer.status_code == 302
    link = ShareLink.objects.get()
    page = client.get("/units/acme/shares/").content.decode()
    address = page.split('class="sh-address" type="text" readonly value="')[1].split('"')[0]
    assert Client().get(address).status_code == 200
    page = client.get("/units/acme/shares/").content.decode()
    assert "Last uses" in page and "Shown" in page
    assert client.post(f"/units/acme/shares/{link.pk}/revoke/").status_code == 302
    assert Client().get(address).status_code == 410
    assert "Revoked" in client.get("/units/acme/shares/").content.decode()


def test_a_link_for_too_long_is_refused_and_none_made(org: Org) -> None:
    answer = _client(org.eddie).post(
        "/units/acme/shares/", {"what": "scorecard", "fmt": "pdf", "days": "400"}
    )
    assert answer.status_code == 400 and not ShareLink.objects.exists()
