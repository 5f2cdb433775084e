"""The initiatives API: full CRUD with the scorecard file's checks, one sentence per refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fourfold.audit.models import AuditEntry
from fourfold.initiatives.models import Initiative, Milestone, Progress, ProgressVersion
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

NEW = {
    "code": "hire",
    "unit": "acme",
    "name": "Hire a sales team",
    "owner": "olga@example.com",
    "serves": ["grow"],
    "start": "2026-02-01",
    "end": "2026-07-31",
    "budget": 50000,
}


def snapshot() -> list[Any]:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Initiative, Milestone, Progress, ProgressVersion)
    ]


def test_it_creates_reads_changes_and_deletes_an_initiative(editor: Api) -> None:
    made = editor.post("initiatives", NEW)
    assert made.status_code == 201, made.json()
    assert made.json()["serves"] == ["grow"] and made.json()["start"] == "2026-02-01"
    assert editor.get("initiatives/hire").json()["owner"] == "olga@example.com"
    changed = editor.patch("initiatives/hire", {"budget": None, "moves": ["revenue"]})
    assert changed.status_code == 200
    assert (changed.json()["budget"], changed.json()["moves"]) == (None, ["revenue"])
    listed = editor.get("initiatives?unit=acme").json()
    assert [i["code"] for i in listed["items"]] == ["crm", "hire"]
    assert editor.get("initiatives?objective=grow").json()["count"] == 2
    assert editor.call("DELETE", "initiatives/hire").status_code == 204
    assert editor.get("initiatives/hire").status_code == 404
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"initiative.create", "initiative.update", "initiative.delete"} <= actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"end": "2026-01-15"},
            "end",
            "The initiative cannot be saved: it ends on 2026-01-15, before it starts on "
            "2026-02-01.",
        ),
        (
            {"serves": ["grow-sales"]},
            "serves",
            "The initiative cannot be saved: it serves 'grow-sales', which is not an objective.",
        ),
        (
            {"moves": ["profit"]},
            "moves",
            "The initiative cannot be saved: it moves 'profit', which is not a KPI.",
        ),
        (
            {"budget": -1},
            "budget",
            "The initiative cannot be saved: the budget -1 is negative.",
        ),
        (
            {"start": "2026-02-30"},
            "start",
            "The initiative cannot be saved: 'start' must be a date such as 2026-03-31, "
            "not '2026-02-30'.",
        ),
    ],
)
def test_it_refuses_a_wrong_initiative_in_one_sentence_and_writes_nothing(
    editor: Api, change: dict[str, Any], field: str, message: str
) -> None:
    before = snapshot()
    answer = editor.post("initiatives", {**NEW, **change})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"] == message
    assert error["details"][0]["field"] == field
    assert snapshot() == before


def test_milestones_refuse_depending_on_themselves_or_in_a_circle(editor: Api) -> None:
    pilot, regions = Milestone.objects.filter(initiative__code="crm").order_by("order")
    before = snapshot()
    answer = editor.patch(f"initiatives/crm/milestones/{pilot.pk}", {"depends_on": ["Pilot live"]})
    assert answer.json()["error"]["message"] == (
        "The milestone cannot be saved: milestone 'Pilot live' depends on itself."
    )
    answer = editor.patch(f"initiatives/crm/milestones/{pilot.pk}", {"depends_on": ["All regions"]})
    assert answer.status_code == 422
    assert "in a circle: Pilot live → All regions → Pilot live" in answer.json()["error"]["message"]
    assert snapshot() == before
    added = editor.post("initiatives/crm/milestones", {"name": "Go live", "due": "2026-12-01",
                                                      "depends_on": ["All regions"]})  # fmt: skip
    assert added.status_code == 201 and added.json()["depends_on"] == ["All regions"]


def test_the_owner_enters_progress_and_marks_milestones_done_but_does_not_redesign(
    owner: Api,
) -> None:
    pilot = Milestone.objects.get(name="Pilot live")
    done = owner.patch(f"initiatives/crm/milestones/{pilot.pk}", {"done": "2026-04-10"})
    assert done.status_code == 200 and done.json()["done"] == "2026-04-10"
    renamed = owner.patch(f"initiatives/crm/milestones/{pilot.pk}", {"name": "Pilot"})
    assert renamed.status_code == 403
    assert owner.patch("initiatives/crm", {"name": "Mine"}).status_code == 403
    first = owner.put("initiatives/crm/progress/2026-06", {"complete": 45, "spent": 400})
    assert first.status_code == 201 and first.json()["entered_by"] == "olga"
    again = owner.put("initiatives/crm/progress/2026-06", {"complete": 50, "spent": 400})
    assert again.status_code == 200
    # The earlier entry is kept, never overwritten silently.
    old = ProgressVersion.objects.get(initiative__code="crm", period="2026-06")
    assert (old.complete, old.spent) == (45, 400)
    assert owner.post("initiatives/crm/notes", {"text": "Regions start in July"}).status_code == 201
    assert owner.get("initiatives/crm/notes").json()["items"][0]["author"] == "olga"


@pytest.mark.parametrize(
    ("period", "body", "message"),
    [
        ("2026-06", {"complete": 101}, "percent complete must be from 0 to 100, not 101"),
        ("2026-06", {"complete": 50, "spent": -3}, "the amount spent -3 is negative"),
        ("2026-06-YTD", {"complete": 50}, "is not a period of progress"),
    ],
)
def test_it_refuses_wrong_progress_and_writes_nothing(
    owner: Api, period: str, body: dict[str, Any], message: str
) -> None:
    before = snapshot()
    answer = owner.put(f"initiatives/crm/progress/{period}", body)
    assert answer.status_code == 422
    assert message in answer.json()["error"]["message"]
    assert snapshot() == before


def test_removed_progress_stays_in_the_history(editor: Api) -> None:
    assert editor.call("DELETE", "initiatives/crm/progress/2026-03").status_code == 204
    assert not Progress.objects.exists()
    assert ProgressVersion.objects.get().complete == 20
    assert editor.call("DELETE", "initiatives/crm/progress/2026-03").status_code == 404


def test_the_scores_endpoint_adds_the_initiatives(editor: Api) -> None:
    rows = editor.get("scores?unit=acme&period=2026-03").json()
    crm = next(r for r in rows if r["kind"] == "initiative")
    # 89 of 364 days, 20 % done: a ratio of 0.82, red; 15 % spent: no cap.
    assert (crm["code"], crm["actual"], crm["status"]) == ("crm", 20.0, "red")


def test_listing_initiatives_takes_as_many_queries_for_many_as_for_one(
    editor: Api, acme: User
) -> None:
    with CaptureQueriesContext(connection) as one:
        assert editor.get("initiatives").status_code == 200
    for i in range(5):
        made = editor.post("initiatives", {**NEW, "code": f"more-{i}", "moves": ["revenue"]})
        assert made.status_code == 201
        editor.post(f"initiatives/more-{i}/milestones", {"name": "M", "due": "2026-05-01"})
    with CaptureQueriesContext(connection) as many:
        answer = editor.get("initiatives")
    assert answer.json()["count"] == 6
    assert len(many) == len(one)
