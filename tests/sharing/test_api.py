"""The API of scheduled books and share links: the same checks as the pages."""

from __future__ import annotations

import json

from django.core import mail
from django.test import Client

from fourfold.sharing.models import BookSchedule
from tests.api.conftest import api_for

from .conftest import Org

NEW = {
    "unit": "acme",
    "template": "Board book",
    "format": "xlsx",
    "cron": "0 7 1 * *",
    "timezone": "Europe/Paris",
    "subject": "{unit}, {period}",
    "recipients": ["vic", "admin@example.com"],
}


def test_an_editor_schedules_tests_and_changes_a_book(org: Org) -> None:
    api = api_for(org.eddie)
    made = api.post("schedules", NEW)
    assert made.status_code == 201, made.content
    body = json.loads(made.content)
    assert body["owner"] == "eddie@example.com" and body["recipients"] == [
        "admin@example.com",
        "vic@example.com",
    ]
    assert body["next_run"] is not None
    mail.outbox.clear()
    tested = json.loads(api.post(f"schedules/{body['id']}/test", {}).content)
    assert tested["status"] == "sent" and tested["test"] and tested["period"] == "2026-10"
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]]
    changed = api.patch(f"schedules/{body['id']}", {"cron": "0 8 * * mon"})
    assert json.loads(changed.content)["cron"] == "0 8 * * mon"


def test_a_recipient_who_may_not_see_the_unit_is_refused_with_422(org: Org) -> None:
    answer = api_for(org.eddie).post("schedules", {**NEW, "recipients": ["wes"]})
    assert answer.status_code == 422
    assert json.loads(answer.content)["error"]["message"] == (
        "Wes may not see Acme Corp: a book goes only to its unit's readers."
    )
    assert not BookSchedule.objects.exists()


def test_a_link_made_and_revoked_through_the_api(org: Org) -> None:
    api = api_for(org.eddie)
    made = json.loads(api.post("share-links", {"unit": "acme", "expires_days": 2}).content)
    assert made["state"] == "active" and made["kind"] == "scorecard"
    assert Client().get(made["url"]).status_code == 200
    revoked = json.loads(api.post(f"share-links/{made['id']}/revoke", {}).content)
    assert revoked["state"] == "revoked" and revoked["uses"] == 1
    assert Client().get(made["url"]).status_code == 410
    listed = json.loads(api.get("share-links?unit=acme").content)
    assert listed["count"] == 1 and listed["items"][0]["uses"] == 2
