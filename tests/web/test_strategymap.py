"""The strategy map page: bands in the scorecard's order, objectives as status boxes, arrows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.strategy.models import Unit

from . import cards

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"

MAP = (
    cards.HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: mission
        name: Mission
        objectives:
          - code: serve-citizens
            name: Serve every citizen of the region well, quickly and at a fair cost to all
            kpis:
"""
    + cards.kpi("served", name="Citizens served")
    + """\
      - code: customer
        name: Customer
        objectives:
          - code: delight
            name: Delight customers
            drives: [serve-citizens]
            kpis:
"""
    + cards.kpi("nps", name="NPS", values="{2026-01: 450}")
    + """\
      - code: process
        name: Internal Process
        objectives:
          - code: lean
            name: Run lean
            drives: [delight, quality]
          - code: quality
            name: Right first time
            drives: [serve-citizens]
  - code: sales
    name: Sales department
    parent: acme
    perspectives: []
"""
)


@pytest.fixture
def acme(db: None) -> None:
    load(MAP, actor=None, source_name="map.yaml")


def svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", html, re.S)
    assert found is not None, "the page has no inline SVG"
    return ET.fromstring(found[0])


def test_it_draws_one_band_per_perspective_in_the_scorecards_order(
    signed_in: Client, acme: None
) -> None:
    response = signed_in.get("/units/acme/map/?period=2026-01")
    assert response.status_code == 200
    svg = svg_of(response.content.decode())
    (group,) = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "band-titles"]
    titles = " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
    assert titles == "Mission Customer Internal Process"


def test_it_shows_each_objective_as_a_link_with_its_status_in_words_and_score(
    signed_in: Client, acme: None
) -> None:
    html = signed_in.get("/units/acme/map/?period=2026-01").content.decode()
    svg = svg_of(html)
    links = list(svg.iter(f"{SVG}a"))
    assert [a.get("data-objective") for a in links] == [
        "serve-citizens",
        "delight",
        "lean",
        "quality",
    ]
    delight = links[1]
    assert delight.get("href") == "/units/acme/objectives/delight/?period=2026-01"
    words = " ".join(t.text or "" for t in delight.iter(f"{SVG}text"))
    assert "Red" in words and "2.50" in words
    assert "Delight customers — Red, score 2.50" in (delight.findtext(f"{SVG}title") or "")
    lean = links[2]
    assert "No data" in " ".join(t.text or "" for t in lean.iter(f"{SVG}text"))


def test_it_keeps_a_long_name_whole_in_the_title_when_it_cuts_it_short(
    signed_in: Client, acme: None
) -> None:
    svg = svg_of(signed_in.get("/units/acme/map/?period=2026-01").content.decode())
    mission = next(svg.iter(f"{SVG}a"))
    lines = [t.text for t in mission.iter(f"{SVG}tspan")]
    assert 1 <= len(lines) <= 3
    assert (mission.findtext(f"{SVG}title") or "").startswith(
        "Serve every citizen of the region well, quickly and at a fair cost to all"
    )


def test_it_draws_an_arrow_for_every_cause_and_effect_link(signed_in: Client, acme: None) -> None:
    svg = svg_of(signed_in.get("/units/acme/map/?period=2026-01").content.decode())
    arrows = [p for p in svg.iter(f"{SVG}path") if p.get("marker-end")]
    named = sorted(p.findtext(f"{SVG}title") or "" for p in arrows)
    assert named == [
        "Delight customers drives Serve every citizen of the region well, quickly and at a fair "
        "cost to all",
        "Right first time drives Serve every citizen of the region well, quickly and at a fair "
        "cost to all",
        "Run lean drives Delight customers",
        "Run lean drives Right first time",
    ]


def test_it_downloads_a_self_contained_svg(signed_in: Client, acme: None) -> None:
    response = signed_in.get("/units/acme/map/?period=2026-01&format=svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-strategy-map-2026-01.svg"'
    )
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert len(list(root.iter(f"{SVG}a"))) == 4
    assert root.find(f"{SVG}style") is not None
    hrefs = [a.get("href") or "" for a in root.iter(f"{SVG}a")]
    assert all(h.startswith("http://testserver/units/acme/objectives/") for h in hrefs)
    assert b"<link" not in response.content and b"<script" not in response.content


def test_it_sends_the_unit_picker_on_to_the_other_units_map(signed_in: Client, acme: None) -> None:
    response = signed_in.get("/units/acme/map/?unit=sales&period=2026-01&kind=quarter")
    assert response.status_code == 302
    assert response["Location"] == "/units/sales/map/?period=2026-01&kind=quarter"
    response = signed_in.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/units/sales/map/?period=2026-Q1"


def test_it_explains_a_map_with_no_objectives(signed_in: Client, acme: None) -> None:
    response = signed_in.get("/units/sales/map/?period=2026-01")
    assert response.status_code == 200
    assert b"No objectives on this map yet" in response.content


def test_it_refuses_a_period_that_is_not_one_with_a_clear_message(
    signed_in: Client, acme: None
) -> None:
    response = signed_in.get("/units/acme/map/?period=2026-13")
    assert response.status_code == 400
    assert b"This period cannot be shown" in response.content


def test_it_answers_404_for_a_unit_the_user_cannot_see(client: Client, acme: None) -> None:
    bob = User.objects.create_user("bob", password="x")
    Role.objects.create(user=bob, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="sales"))
    client.force_login(bob)
    assert client.get("/units/acme/map/?period=2026-01").status_code == 404
    assert client.get("/units/acme/map/?period=2026-01&format=svg").status_code == 404
    assert client.get("/units/nowhere/map/").status_code == 404
    assert client.get("/units/sales/map/?unit=acme").status_code == 404
    page = client.get("/units/sales/map/?period=2026-01").content.decode()
    assert "Acme Corp" not in page


def test_it_sends_visitors_who_are_not_signed_in_to_the_login_page(
    client: Client, acme: None
) -> None:
    response = client.get("/units/acme/map/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


SIZES = {"small": (1, 1, 1, 0), "large": (4, 5, 3, 3)}


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_map_in_a_fixed_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*SIZES[size])
    # Session and user (2), the user's roles, units and KPIs (3), the unit tree (1), the
    # organization (1), the scores (9: organization, schemes, units, scorecards,
    # perspectives, objectives, KPIs, values, targets), the links and the alignments (2); the
    # header's check for an editor's role reuses the roles read for the page.
    with django_assert_num_queries(18):
        response = signed_in.get("/units/top/map/?period=2026-01")
    assert response.status_code == 200
    assert response.content.count(b"data-objective=") == (20 if size == "large" else 1)
