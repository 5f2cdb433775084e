"""The forms of initiatives: each calls the initiatives service, refuses bad input with one
sentence beside its field, and writes nothing then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from fourfold.audit.models import AuditEntry
from fourfold.initiatives.models import Initiative, Milestone, Progress

from .pages import organization, words

NEW = "/units/acme/initiatives/new/"
CRM = "/units/acme/initiatives/crm/"
FIELDS = {"code": "portal", "name": "Supplier portal", "start": "2026-03-01", "end": "2026-11-30"}


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return organization()


@pytest.fixture
def eve(client: Client, people: dict[str, User]) -> Client:
    """An editor of every unit."""
    client.force_login(people["eve"])
    return client


def test_an_editor_creates_an_initiative_that_serves_objectives_and_moves_kpis(
    eve: Client,
) -> None:
    data = {
        **FIELDS,
        "budget": "50000",
        "owner": "ivy@example.com",
        "collaborators": "ada@example.com, eve@example.com",
        "serves": ["grow", "keep"],
        "moves": ["revenue"],
    }
    response = eve.post(NEW, data)
    assert response.status_code == 302
    assert response["Location"] == "/units/acme/initiatives/portal/"
    made = Initiative.objects.get(code="portal")
    assert (made.name, made.start, made.end, made.budget) == (
        "Supplier portal",
        dt.date(2026, 3, 1),
        dt.date(2026, 11, 30),
        50000,
    )
    assert made.owner is not None and made.owner.username == "ivy"
    assert sorted(c.username for c in made.collaborators.all()) == ["ada", "eve"]
    assert sorted(o.code for o in made.serves.all()) == ["grow", "keep"]
    assert [k.code for k in made.moves.all()] == ["revenue"]
    entry = AuditEntry.objects.get(action="initiative.create")
    assert entry.actor is not None and entry.actor.username == "eve"


def test_an_end_before_the_start_is_refused_beside_the_end_and_nothing_is_written(
    eve: Client,
) -> None:
    response = eve.post(NEW, {**FIELDS, "end": "2026-01-31"})
    assert response.status_code == 400
    assert "End It ends on 2026-01-31, before it starts on 2026-03-01." in words(response.content)
    assert not Initiative.objects.filter(code="portal").exists()
    assert not AuditEntry.objects.filter(action="initiative.create").exists()


def test_an_unknown_objective_a_taken_code_and_an_unknown_owner_are_each_named(
    eve: Client,
) -> None:
    text = words(eve.post(NEW, {**FIELDS, "serves": ["grow-sales"]}).content)
    assert "There is no objective 'grow-sales' that you can see." in text
    text = words(eve.post(NEW, {**FIELDS, "code": "crm"}).content)
    assert "There is already an initiative 'crm'." in text
    response = eve.post(NEW, {**FIELDS, "owner": "nobody@example.com"})
    assert response.status_code == 400 and "nobody@example.com" in words(response.content)
    assert Initiative.objects.count() == 3


def test_an_editor_changes_an_initiative_and_keeps_what_the_form_does_not_offer(
    eve: Client,
) -> None:
    form = words(eve.get(CRM + "edit/").content)
    assert "Edit Roll out the new CRM" in form
    data = {"code": "crm", "name": "CRM everywhere", "start": "2026-01-01", "end": "2027-03-31"}
    assert eve.post(CRM + "edit/", {**data, "serves": ["keep"]}).status_code == 302
    crm = Initiative.objects.get(code="crm")
    assert (crm.name, crm.end) == ("CRM everywhere", dt.date(2027, 3, 31))
    assert [o.code for o in crm.serves.all()] == ["keep"]
    assert Milestone.objects.filter(initiative=crm).count() == 3  # its plan is untouched


def test_progress_is_entered_for_a_period_and_shown_on_the_page(
    client: Client, people: dict[str, User]
) -> None:
    client.force_login(people["ivy"])  # the owner, without a role in the unit
    form = client.get(CRM + "progress/?period=2026-09").content.decode()
    assert 'name="period" value="2026-09"' in form
    data = {"period": "2026-09", "complete": "70", "spent": "170000", "comment": "Two regions"}
    response = client.post(CRM + "progress/", data)
    assert response["Location"] == CRM + "?period=2026-09"
    entry = Progress.objects.get(initiative__code="crm", period="2026-09")
    assert (entry.complete, entry.spent, entry.comment) == (70, 170000, "Two regions")
    assert entry.entered_by == people["ivy"]
    assert "70 % of 75 % planned" in words(client.get(response["Location"]).content)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("complete", "150", "Complete must be from 0 to 100, not 150."),
        ("period", "September", "'September' is not a period"),
        ("spent", "-5", "The amount spent -5 is negative."),
    ],
)
def test_bad_progress_is_refused_with_its_reason_and_nothing_is_written(
    eve: Client, field: str, value: str, message: str
) -> None:
    data = {"period": "2026-09", "complete": "70", field: value}
    response = eve.post(CRM + "progress/", data)
    assert response.status_code == 400
    assert message in words(response.content).replace("Percent complete must", "Complete must")
    assert not Progress.objects.filter(initiative__code="crm", period="2026-09").exists()


def test_a_milestone_is_marked_done_today(eve: Client) -> None:
    late = Milestone.objects.get(name="All regions")
    response = eve.post(CRM + f"milestones/{late.pk}/done/", {"period": "2026-06"})
    assert response["Location"] == CRM + "?period=2026-06"
    late.refresh_from_db()
    assert late.done == timezone.localdate()
    assert AuditEntry.objects.filter(detail__initiative="crm").exists()


def test_a_milestone_of_another_initiative_is_not_there(eve: Client) -> None:
    other = Initiative.objects.get(code="lean")
    stray = Milestone.objects.create(initiative=other, name="Stray", due=dt.date(2026, 5, 1))
    assert eve.post(CRM + f"milestones/{stray.pk}/done/").status_code == 404
    stray.refresh_from_db()
    assert stray.done is None
