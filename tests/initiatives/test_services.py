"""The services the pages and the API share: checked by field, atomic, with history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from fourfold.files.load import load
from fourfold.initiatives import services
from fourfold.initiatives.models import Initiative, Milestone, Progress, ProgressVersion
from fourfold.scoring import initiatives as scored
from fourfold.strategy.models import Unit
from tests.web import cards

from .conftest import INITIATIVE

pytestmark = pytest.mark.django_db


def test_a_form_gets_every_problem_by_field_and_nothing_is_written(acme: User) -> None:
    data = {"code": "crm", "name": " ", "start": "2026-05-01", "end": "2026-04-01",
            "budget": "-3", "serves": ["nope"], "owner": "ghost@example.com"}  # fmt: skip
    with pytest.raises(services.Invalid) as refused:
        services.create_initiative(acme, Unit.objects.get(code="acme"), data)
    errors = refused.value.errors
    assert errors["code"] == ["there is already an initiative 'crm'"]
    assert errors["name"] == ["'name' is required"]
    assert errors["end"] == ["it ends on 2026-04-01, before it starts on 2026-05-01"]
    assert errors["budget"] == ["the budget -3 is negative"]
    assert errors["serves"] == ["it serves 'nope', which is not an objective"]
    assert "no user has the email address 'ghost@example.com'" in errors["owner"][0]
    assert Initiative.objects.count() == 1


def test_completing_a_milestone_dates_it_today(acme: User) -> None:
    pilot = Milestone.objects.get(name="Pilot live")
    services.complete_milestone(acme, pilot)
    pilot.refresh_from_db()
    assert pilot.done == timezone.localdate()


def test_scores_as_of_an_earlier_moment_read_the_progress_that_stood_then(acme: User) -> None:
    crm = Initiative.objects.get(code="crm")
    before = timezone.now()
    services.enter_progress(acme, crm, [services.ProgressEntry("2026-03", 25, 150)])
    services.enter_progress(acme, crm, [services.ProgressEntry("2026-03", 30, 150)])
    assert ProgressVersion.objects.count() == 2
    now = scored.rows(["acme"], "2026-03")["acme"][0]
    then = scored.rows(["acme"], "2026-03", as_of=before)["acme"][0]
    assert (now["actual"], then["actual"]) == (30.0, 20.0)
    ancient = scored.rows(["acme"], "2026-03", as_of=before - dt.timedelta(days=1))["acme"][0]
    assert ancient["score"] is None


def test_entering_the_same_progress_again_changes_nothing(acme: User) -> None:
    crm = Initiative.objects.get(code="crm")
    written = services.enter_progress(acme, crm, [services.ProgressEntry("2026-03", 20, 150)])
    assert not written and not ProgressVersion.objects.exists()


def test_a_unit_that_lists_its_initiatives_holds_exactly_those(acme: User) -> None:
    without = cards.SMALL  # no `initiatives:` at all: the unit keeps its own
    assert load(without, actor=None, source_name="small.yaml").nothing_changed
    assert Initiative.objects.get(code="crm").archived is False
    emptied = cards.SMALL.replace("  - code: sales\n", "    initiatives: []\n  - code: sales\n")
    result = load(emptied, actor=None, source_name="small.yaml")
    assert result.archived["initiatives"] == 1
    assert Initiative.objects.get(code="crm").archived is True
    again = cards.SMALL.replace("  - code: sales\n", INITIATIVE + "  - code: sales\n")
    load(again, actor=None, source_name="small.yaml")
    assert Initiative.objects.get(code="crm").archived is False
    assert Progress.objects.get().complete == 20


def test_overdue_milestones_are_the_open_ones_past_due_that_a_person_answers_for(
    acme: User,
) -> None:
    pilot, regions = Milestone.objects.order_by("order")
    april = dt.date(2026, 4, 1)
    assert list(Milestone.objects.overdue(april).owned_by(acme)) == [pilot]  # olga owns crm
    services.save_milestone(acme, pilot.initiative, {"owner": "olga@example.com"}, regions)
    assert list(Milestone.objects.overdue(dt.date(2026, 10, 1)).owned_by(acme)) == [pilot, regions]
    services.complete_milestone(acme, pilot, dt.date(2026, 4, 2))
    assert list(Milestone.objects.overdue(april)) == []
