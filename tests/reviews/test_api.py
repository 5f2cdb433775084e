"""The reviews through the API with a read-write token: a review planned, its agenda, an action
and closing it; bad input (a period that is not one, an action without an owner or a due date)
refused in one sentence that names the field, with nothing written."""

from __future__ import annotations

from typing import Any

from fourfold.audit.models import AuditEntry
from fourfold.reviews import meetings
from fourfold.reviews.models import ActionItem, AgendaItem, Review
from fourfold.strategy.models import Unit
from tests.api.conftest import api_for

from .conftest import People


def test_a_review_planned_run_and_closed_through_the_api(acme: Unit, people: People) -> None:
    api = api_for(people.eve)
    made = api.post("reviews", {"unit": "acme", "period": "2026-02", "held_on": "2026-03-20"})
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    agenda = api.get(f"reviews/{pk}").json()["agenda"]
    assert agenda[0]["code"] == "revenue" and agenda[0]["reason"] == "red"
    action = api.post(
        "actions",
        {
            "unit": "acme",
            "title": "Win back the Nordic customers",
            "owner": "vic@example.com",
            "due_date": "2026-04-30",
            "review": pk,
            "kpi": "revenue",
        },
    )
    assert action.status_code == 201, action.json()
    closed = api.post(f"reviews/{pk}/close", {})
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "closed"
    later = api.get("agenda?unit=acme&period=2026-03&today=2026-04-01").json()
    assert later[0]["reason"] == "open_action" and "Win back the Nordic" in later[0]["message"]


def refused(answer: Any) -> tuple[int, str, list[str]]:
    error = answer.json()["error"]
    return answer.status_code, error["message"], [d["field"] for d in error.get("details", [])]


def test_a_review_for_a_period_that_is_not_one_is_refused_and_nothing_written(
    acme: Unit, people: People
) -> None:
    meetings.create_series(people.eve, acme, "Monthly operational review", "monthly")
    api = api_for(people.eve)
    monthly = {"unit": "acme", "series": "Monthly operational review", "held_on": "2026-03-20"}
    status, message, fields = refused(api.post("reviews", {**monthly, "period": "2026-Q1"}))
    assert status == 422 and fields == ["period"]
    assert message.startswith("The review's period 2026-Q1 is not a month: the series")
    assert message.count(". ") == 0 and message.endswith(".")
    status, message, fields = refused(api.post("reviews", {**monthly, "period": "2026-13"}))
    assert (status, fields) == (422, ["period"])
    assert message == (
        "Fix the request: period is not a period: write it like 2026-03, 2026-Q1, 2026 or "
        "2026-03-YTD."
    )
    assert not Review.objects.exists() and not AgendaItem.objects.exists()
    assert not AuditEntry.objects.filter(action="review.plan").exists()


def test_an_action_without_an_owner_or_a_due_date_is_refused_and_nothing_written(
    acme: Unit, people: People
) -> None:
    api = api_for(people.eve)
    base = {"unit": "acme", "title": "Fix it"}
    assert refused(api.post("actions", {**base, "due_date": "2026-04-30"})) == (
        422,
        "Fix the request: owner is required.",  # the schema says so, and so does the answer
        ["owner"],
    )
    assert refused(api.post("actions", {**base, "owner": "vic"})) == (
        422,
        "Fix the request: due_date is required.",
        ["due_date"],
    )
    status, message, fields = refused(
        api.post("actions", {**base, "owner": "bob", "due_date": "2026-04-30"})
    )
    assert (status, fields) == (422, ["owner"])
    assert "may not see unit acme" in message
    assert not ActionItem.objects.exists()
    assert not AuditEntry.objects.filter(action="action.create").exists()


def test_actions_are_listed_by_a_status_there_is_and_no_other(acme: Unit, people: People) -> None:
    """Any text once went to the query as it was: a NUL in it, a server error on PostgreSQL."""
    api = api_for(people.eve)
    assert api.get("actions?status=open").status_code == 200
    status, _, fields = refused(api.get("actions?status=open%00"))
    assert (status, fields) == (422, ["status"])
