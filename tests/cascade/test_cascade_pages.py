"""The cascade page, its drift notice and Home's "confirm your target"; the API's POST."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.access import Access
from fourfold.audit.models import AuditEntry
from fourfold.cascade.models import CarriedKpi
from fourfold.measures.intake import submit_targets
from fourfold.measures.models import KPI, Target
from fourfold.measures.services import TargetEntry
from fourfold.strategy.models import Alignment, Objective, Unit
from tests.api.conftest import api_for
from tests.web.entry_helpers import text_of

PAGE = "/units/north/cascade/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_preview_says_what_will_be_made_in_a_fixed_number_of_queries(
    editor: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(editor)
    client.get(PAGE)  # the session's first request
    # Session and user (2), roles, units and KPIs (3), the unit and its parent (2), the
    # parent's objectives (1), the plan (objectives, codes taken, KPIs, KPI codes taken, the
    # children, the targets: 6), the objectives carried down already (1) and the drift (2).
    with django_assert_num_queries(17):
        response = client.get(PAGE, {"objectives": "grow", "kpis": "copy", "split": "equal"})
    text = text_of(response.content)
    assert "1 objective and 1 target for North" in text
    assert "Grow revenue north-grow, aligned to grow, contributing" in text
    assert "Revenue north-revenue · 50 % of the targets above · 1 target" in text
    assert not Objective.objects.filter(code="north-grow").exists()


def test_it_makes_the_scorecard_and_offers_what_drifted_above_since(
    editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(editor)
    response = client.post(PAGE, {"objectives": "grow", "kpis": "copy", "split": "equal"})
    assert response.status_code == 302
    made = Objective.objects.get(code="north-grow")
    assert list(Alignment.objects.values_list("child__code", "parent__code", "contributes")) == [
        ("north-grow", "grow", True)
    ]
    kpi = KPI.objects.get(code="north-revenue")
    assert (kpi.objective, kpi.owner) == (made, None)
    assert Target.objects.get(kpi=kpi, period="2026-01").target == 500
    assert AuditEntry.objects.get(action="cascade.made").actor == editor
    # The child's KPI gets an owner; the parent's target changes: the owner is asked.
    owner = User.objects.create_user("olly", password="x")
    KPI.objects.filter(pk=kpi.pk).update(owner=owner)
    revenue = KPI.objects.get(code="revenue")
    with django_capture_on_commit_callbacks(execute=True):
        submit_targets(
            [TargetEntry(revenue.pk, "2026-01", (1200, 1000, None, None, None, None))],
            actor=None,
            access=Access.trusted(),
            channel="targets page",
            reason="raised",
        )
    assert CarriedKpi.objects.get().to_confirm
    home = text_of(_client(owner).get("/").content)
    assert "Confirm your target 1 Revenue · North · the target above changed since" in home
    text = text_of(client.get(PAGE).content)
    assert "Changed above since the cascade 1" in text
    assert "revenue 2026-01: the target above went from 1,000 to 1,200; yours would be 600" in text
    assert Target.objects.get(kpi=kpi, period="2026-01").target == 500  # never silently
    client.post(PAGE + "settle/", {"apply": "1"})
    assert Target.objects.get(kpi=kpi, period="2026-01").target == 600
    assert not CarriedKpi.objects.get().to_confirm
    assert "Changed above since the cascade" not in text_of(client.get(PAGE).content)
    assert "Confirm your target" not in text_of(_client(owner).get("/").content)


def test_a_refused_cascade_says_why_and_writes_nothing(editor: User) -> None:
    response = _client(editor).post(PAGE, {"objectives": "nothing"})
    assert response.status_code == 400
    assert "Objective 'nothing' is not an objective of unit top." in text_of(response.content)
    Objective.objects.filter(code="keep").update(code="north-grow")  # a code the child would take
    response = _client(editor).post(PAGE, {"objectives": "grow"})
    assert "Unit top already has objective 'north-grow'" in text_of(response.content)
    assert not Alignment.objects.exists() and KPI.objects.count() == 1


def test_the_api_cascades_and_refuses_in_one_sentence(editor: User) -> None:
    api = api_for(editor)
    answer = api.post("cascades", {"parent": "top", "child": "north", "split": "copy"})
    assert answer.status_code == 201, answer.json()
    assert answer.json() == {
        "id": answer.json()["id"],
        "parent": "top",
        "child": "north",
        "objectives": ["north-grow", "north-keep"],
        "kpis": ["north-revenue"],
        "targets": 1,
    }
    again = api.post("cascades", {"parent": "top", "child": "north"})
    assert again.status_code == 422
    assert again.json()["error"]["message"] == (
        "Unit north already has objective 'north-grow': a cascade into unit north would make "
        "it again."
    )
    south = api.post("cascades", {"parent": "top", "child": "south"})
    assert south.status_code == 403
    assert Unit.objects.get(code="south").scorecard.perspectives.count() == 0
