"""The Check page, the KPI page's SMART panel, the scorecard's cascade consistency and
GET /api/v1/checks, on the card of test_rules, as on 2026-03-20."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective
from tests.api.conftest import api_for, person
from tests.checks.card import GAP, TODAY, load_card
from tests.web.test_scorecard import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    load_card()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(card: None) -> Client:
    return signed_in(person("eve", Role.Kind.EDITOR, "acme"))


def test_the_check_page_groups_findings_by_criterion_with_a_link_to_fix_each(
    editor: Client,
) -> None:
    response = editor.get("/units/acme/check/")
    assert response.status_code == 200
    html = response.content.decode()
    headings = re.findall(r'<h2 id="criterion-[a-z_]+">([^<]+)', html)
    assert [h.strip() for h in headings] == [
        "Specific",
        "Measurable",
        "Achievable",
        "Relevant",
        "Time-bound",
        "Cascade",
    ]
    text = text_of(response.content)
    assert "30 % of this scorecard's 10 scored KPIs have no warning." in text
    assert "15 findings as on 2026-03-20: 2 errors, 11 warnings, 2 for information." in text
    gap = KPI.objects.get(code="gap").pk
    bare = KPI.objects.get(code="bare").pk
    south = Objective.objects.get(code="south-sell").pk
    assert f'href="/units/acme/design/kpis/{gap}/targets/">Targets' in html
    assert f'href="/units/acme/design/kpis/{bare}/">Edit KPI' in html
    assert 'href="/units/acme/entry/">Enter values' in html
    assert f'href="/units/south/design/objectives/{south}/alignment/">Align' in html
    # The strength of each scorecard checked.
    assert "Acme 10 3 30 %" in text and "North 1 1 100 %" in text


def test_it_filters_by_severity(editor: Client) -> None:
    text = text_of(editor.get("/units/acme/check/", {"severity": "error"}).content)
    assert "KPI gap has no target for 2026-02" in text
    assert "KPI untargeted has no target for 2026-01" in text
    assert "has no owner" not in text


def test_a_viewer_of_a_unit_below_sees_only_its_findings_and_links_to_read(card: None) -> None:
    viewer = signed_in(person("sam", Role.Kind.VIEWER, "south"))
    assert viewer.get("/units/acme/check/").status_code == 404
    response = viewer.get("/units/south/check/")
    text = text_of(response.content)
    assert "Objective south-sell is aligned to no objective" in text
    assert 'href="/units/south/objectives/south-sell/">Objective page' in response.content.decode()


def test_the_check_page_reads_a_fixed_number_of_queries(
    editor: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    editor.get("/units/acme/check/")
    # Session and user (2), roles, units and KPIs (3), the unit (1), the engine's and the
    # organization's, the check's units, KPIs, objectives, alignment and links (5), the KPIs
    # and objectives to link to (2), the units' names (1), and the kept forecasts of the year
    # (1 per 500 KPIs, fourfold.forecasts.services.current: the probabilities come from the
    # check's own scores, and the forecasts not kept are made without a query).
    with django_assert_num_queries(24):
        assert editor.get("/units/acme/check/").status_code == 200


def test_the_kpi_page_has_a_smart_panel_of_its_findings(editor: Client) -> None:
    text = text_of(editor.get("/units/acme/kpis/gap/").content)
    assert "SMART check" in text
    assert (
        "KPI gap has no target for 2026-02: add a target for 2026-02 on the Targets page." in text
    )
    good = text_of(editor.get("/units/acme/kpis/good/").content)
    assert "Nothing to fix: this KPI meets every rule of the SMART check." in good


def test_the_scorecard_shows_the_childrens_total_beside_a_kpi_that_sums_them(
    editor: Client,
) -> None:
    response = editor.get("/units/acme/", {"period": "2026-01"})
    text = text_of(response.content)
    assert (
        "Children's total: actual 90, target 110 · the children's targets do not add up to 100"
        in text
    )
    assert "north.orders 50 56 % 60 55 %" in text
    assert "south.orders 40 44 % 50 45 %" in text
    assert 'class="cascade cascade--off" open' in response.content.decode()


def test_the_api_answers_the_findings_a_token_may_see_as_the_command_prints_them(
    card: None,
) -> None:
    admin = api_for(User.objects.create_superuser("root", "root@example.com", "x"))
    rows = admin.get("checks?unit=acme").json()
    assert len(rows) == 15
    assert rows[0] == {
        "rule": "time_bound.no_target",
        "criterion": "time_bound",
        "severity": "error",
        "unit": "acme",
        "kind": "kpi",
        "code": "gap",
        "period": "2026-02",
        "message": GAP,
    }
    south = api_for(person("sam", Role.Kind.VIEWER, "south"), "read")
    assert [r["code"] for r in south.get("checks?unit=south").json()] == ["south-sell"]
    assert south.get("checks?unit=acme").status_code == 404
