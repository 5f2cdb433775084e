"""The page of one initiative, and where other pages show initiatives: objectives and Home."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.initiatives.models import Initiative, Milestone, StatusNote

from .pages import organization, svg_of, table_rows, words

NS = "{http://www.w3.org/2000/svg}"
URL = "/units/acme/initiatives/crm/"


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return organization()


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def ada(client: Client, people: dict[str, User]) -> Client:
    return signed_in(client, people["ada"])


def chart(html: str, element: str) -> dict[str, object]:
    found = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', html)
    assert found, element
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_it_shows_the_standing_milestones_and_what_it_serves(ada: Client) -> None:
    html = ada.get(URL + "?period=2026-06").content.decode()
    text = words(html)
    assert "Score 5.33 / 10 Status Amber Complete 45 % of 49 % planned" in text
    assert "Spent 110,000 · 44 % of budget" in text
    assert "Owner: Ivy" in text and "Budget: 250,000" in text
    milestones = table_rows(html, "data-milestone")
    assert [r[:5] for r in milestones.values()] == [
        ["Pilot live", "Ivy", "31 Mar 2026", "10 Apr 2026 late", "—"],
        ["All regions", "Ivy", "31 May 2026", "! Overdue", "Pilot live"],
        ["Old CRM off", "—", "15 Dec 2026", "to do", "All regions"],
    ]
    assert 'href="/units/acme/objectives/grow/?period=2026-06">Grow revenue</a>' in html


def test_its_timeline_has_its_bar_then_a_row_per_milestone_with_the_dependencies(
    ada: Client,
) -> None:
    svg = svg_of(ada.get(URL + "?period=2026-06").content)
    labels = [
        next(g.iter(f"{NS}text")).text for g in svg.iter(f"{NS}g") if g.get("class") == "gantt__row"
    ]
    assert labels == ["Roll out the new CRM", "Pilot live", "All regions", "Old CRM off"]
    links = [
        "".join(p.itertext()) for p in svg.iter(f"{NS}path") if p.get("class") == "gantt__link"
    ]
    assert links == ["All regions waits for Pilot live", "Old CRM off waits for All regions"]


def test_progress_and_spend_over_time_are_a_chart_and_a_table(ada: Client) -> None:
    html = ada.get(URL + "?period=2026-06").content.decode()
    data = chart(html, "progress-chart")
    assert data == {
        "kind": "progress",
        "labels": ["March 2026", "June 2026"],
        "complete": [20.0, 45.0],
        "planned": [round(89 / 364 * 100, 1), round(180 / 364 * 100, 1)],
        "spent": [16.0, 44.0],
    }
    assert "June 2026 45 % 49 % 110,000 44 %" in words(html)


def test_each_kpi_it_moves_has_its_trend_with_the_milestones_marked(ada: Client) -> None:
    html = ada.get(URL + "?period=2026-06").content.decode()
    kpi = re.search(r'data-chart="(kpi-trend-\d+)"', html)
    assert kpi
    data = chart(html, kpi.group(1))
    assert data["labels"] == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
    ]
    # Done on April 10 (its line in April); All regions due in May and late; the last in
    # December, beyond the KPI's data, is not drawn.
    assert data["milestones"] == [
        {"at": 3, "name": "Pilot live", "done": True, "late": False},
        {"at": 4, "name": "All regions", "done": False, "late": True},
    ]


def test_without_progress_it_says_there_is_no_score(ada: Client) -> None:
    text = words(ada.get("/units/acme/initiatives/academy/?period=2026-06").content)
    assert "Score — / 10 Status No progress yet" in text
    assert "No progress yet: the initiative has no score until its first progress entry." in text


def test_a_spend_ahead_of_the_work_is_shown_as_the_cause_of_the_cap(ada: Client) -> None:
    Initiative.objects.filter(code="crm").update(budget=150000)
    text = words(ada.get(URL + "?period=2026-06").content)
    assert "Spending runs ahead of the work: the score is capped at amber." in text


def test_its_status_notes_are_listed(ada: Client, people: dict[str, User]) -> None:
    crm = Initiative.objects.get(code="crm")
    StatusNote.objects.create(initiative=crm, text="Vendor late by a week", author=people["ivy"])
    assert "Vendor late by a week" in words(ada.get(URL).content)


def test_an_unknown_initiative_or_one_of_another_unit_is_not_there(ada: Client) -> None:
    assert ada.get("/units/acme/initiatives/nothing/").status_code == 404
    assert ada.get("/units/nowhere/initiatives/crm/").status_code == 404


def test_its_owner_sees_it_without_a_role_in_its_unit_and_may_enter_progress(
    client: Client, people: dict[str, User]
) -> None:
    ivy = signed_in(client, people["ivy"])
    page = ivy.get(URL).content.decode()
    assert "Add progress" in page and "Mark done" in page and ">Edit<" not in page
    assert ivy.get("/units/acme/initiatives/").status_code == 404  # the unit's list is not hers


def test_a_viewer_is_offered_no_change(ada: Client) -> None:
    page = ada.get(URL).content.decode()
    assert "Add progress" not in page and "Mark done" not in page


def test_the_page_takes_the_same_queries_however_many_milestones(
    ada: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    ada.get(URL)
    with django_assert_num_queries(23):
        assert ada.get(URL + "?period=2026-06").status_code == 200
    crm = Initiative.objects.get(code="crm")
    last = Milestone.objects.get(initiative=crm, name="Old CRM off")
    for i in range(10):
        Milestone.objects.create(initiative=crm, name=f"Step {i}", due=crm.end).depends_on.add(last)
    with django_assert_num_queries(23):
        assert len(table_rows(ada.get(URL).content, "data-milestone")) == 13


def test_an_objective_page_lists_the_initiatives_serving_it(ada: Client) -> None:
    html = ada.get("/units/acme/objectives/keep/?period=2026-06").content.decode()
    text = words(html)
    assert (
        "Initiatives serving it Lean warehouse Acme Corp · Ada · 60 % complete 10.00 Green" in text
    )
    assert "Roll out the new CRM" not in text
    assert "No initiative serves this objective." not in text


def test_home_counts_my_overdue_milestones(client: Client, people: dict[str, User]) -> None:
    Role.objects.create(user=people["ivy"], kind=Role.Kind.VIEWER, unit=None)
    text = words(signed_in(client, people["ivy"]).get("/?period=2026-06").content)
    # Only "All regions" is hers and late; "Old CRM off" has no owner and is not due yet.
    assert "My overdue milestones 1 All regions · Roll out the new CRM due 31 May 2026" in text


def test_home_counts_an_ownerless_milestone_for_the_initiative_s_owner(
    client: Client, people: dict[str, User]
) -> None:
    Role.objects.create(user=people["ivy"], kind=Role.Kind.VIEWER, unit=None)
    Milestone.objects.filter(name="Old CRM off").update(due="2026-01-15")
    text = words(signed_in(client, people["ivy"]).get("/").content)
    assert "My overdue milestones 2 Old CRM off" in text
    assert "My overdue milestones" not in words(signed_in(client, people["ada"]).get("/").content)


def test_svg_on_the_page_is_a_well_formed_document(ada: Client) -> None:
    html = ada.get(URL).content.decode()
    assert ET.fromstring(html[html.index("<svg") : html.index("</svg>") + 6]).tag == f"{NS}svg"
