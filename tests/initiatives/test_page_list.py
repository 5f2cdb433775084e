"""A unit's initiatives: their standing in a period, the filters, the timeline."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.initiatives.models import Initiative, Milestone, Progress

from .pages import organization, svg_of, table_rows, words

NS = "{http://www.w3.org/2000/svg}"
URL = "/units/acme/initiatives/"


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return organization()


@pytest.fixture
def ada(client: Client, people: dict[str, User]) -> Client:
    client.force_login(people["ada"])
    return client


def rows(html: bytes) -> dict[str, list[str]]:
    return table_rows(html, "data-initiative")


def test_it_lists_each_initiative_with_owner_dates_progress_spend_score_and_status(
    ada: Client,
) -> None:
    found = rows(ada.get(URL + "?period=2026-06").content)
    assert list(found) == ["crm", "lean", "academy"]
    name, owner, dates, progress, spend, milestones, score, status = found["crm"]
    assert (name, owner, dates) == ("Roll out the new CRM crm", "Ivy", "1 Jan 2026 – 31 Dec 2026")
    # June 30: 180 of 364 days planned; 45 % done is amber (5.33, as `fourfold scores` says).
    assert progress == "45 % of 49 % planned"
    assert spend == "110,000 of 250,000 44 % spent"
    assert milestones == "3 ! 1 overdue"  # All regions, due May 31, not done
    assert (score, status) == ("5.33", "Amber")
    assert found["lean"][-2:] == ["10.00", "Green"]
    assert found["academy"][3:] == ["No progress yet", "—", "0", "—", "No progress yet"]


def test_the_period_chooses_the_progress_entry_that_stood_then(ada: Client) -> None:
    found = rows(ada.get(URL + "?period=2026-04").content)
    assert found["crm"][3] == "20 % of 33 % planned"
    assert found["crm"][-1] == "Red"
    assert found["lean"][-1] == "No progress yet"


def test_it_filters_by_status_by_owner_and_by_name(ada: Client) -> None:
    assert list(rows(ada.get(URL + "?period=2026-06&status=amber").content)) == ["crm"]
    assert list(rows(ada.get(URL + "?period=2026-06&status=none").content)) == ["academy"]
    assert list(rows(ada.get(URL + "?period=2026-06&mine=1").content)) == ["lean"]
    assert list(rows(ada.get(URL + "?period=2026-06&q=WARE").content)) == ["lean"]
    page = ada.get(URL + "?period=2026-06&status=red").content.decode()
    assert "No initiative matches these filters." in page
    # An unknown status is no filter at all.
    assert len(rows(ada.get(URL + "?period=2026-06&status=purple").content)) == 3


def test_the_tally_counts_every_initiative_by_status(ada: Client) -> None:
    page = words(ada.get(URL + "?period=2026-06&q=lean").content)
    assert "3 All 1 Green 1 Amber 0 Red 1 No progress yet" in page
    assert "1 of 3 initiatives" in page


def test_the_timeline_has_a_bar_per_initiative_and_the_milestones(ada: Client) -> None:
    svg = svg_of(ada.get(URL + "?period=2026-06").content)
    bars = [e for e in svg.iter(f"{NS}rect") if e.get("class") == "gantt__bar"]
    assert [b.get("fill") for b in bars] == ["#e09a00", "#2e7d32", "#9e9e9e"]
    marks = [
        e.get("class")
        for e in svg.iter(f"{NS}path")
        if "gantt__milestone" in (e.get("class") or "")
    ]
    assert len(marks) == 3
    links = [e for e in svg.iter(f"{NS}path") if e.get("class") == "gantt__link"]
    assert len(links) == 2
    hrefs = [a.get("href") for a in svg.iter(f"{NS}a")]
    assert hrefs[0] == "/units/acme/initiatives/crm/?period=2026-06"


def test_the_timeline_downloads_as_an_svg_file(ada: Client) -> None:
    response = ada.get(URL + "?period=2026-06&format=svg&status=green")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="acme-initiatives-')
    svg = ET.fromstring(response.content)
    assert [t.text for t in svg.iter(f"{NS}text") if t.text == "Lean warehouse"] == [
        "Lean warehouse"
    ]
    assert "Roll out the new CRM" not in response.content.decode()


def test_an_archived_initiative_is_not_listed(ada: Client) -> None:
    Initiative.objects.filter(code="lean").update(archived=True)
    assert list(rows(ada.get(URL + "?period=2026-06").content)) == ["crm", "academy"]


def test_a_unit_without_initiatives_says_so(ada: Client) -> None:
    Initiative.objects.all().delete()
    assert "Acme Corp has no initiatives yet." in ada.get(URL).content.decode()


def test_the_list_and_timeline_take_the_same_queries_however_many_initiatives(
    ada: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    ada.get(URL)  # the session and the scores cache are warm after a first request
    with django_assert_num_queries(11):
        assert ada.get(URL + "?period=2026-06").status_code == 200
    crm = Initiative.objects.get(code="crm")
    for i in range(12):
        more = Initiative.objects.create(
            code=f"more-{i}", name=f"More {i}", unit=crm.unit, start=crm.start, end=crm.end
        )
        Progress.objects.create(initiative=more, period="2026-05", complete=30)
        first = Milestone.objects.create(initiative=more, name="One", due=crm.start)
        Milestone.objects.create(initiative=more, name="Two", due=crm.end).depends_on.add(first)
    with django_assert_num_queries(11):
        assert len(rows(ada.get(URL + "?period=2026-06").content)) == 15
    with django_assert_num_queries(11):
        assert ada.get(URL + "?period=2026-06&format=svg").status_code == 200
