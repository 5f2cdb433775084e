"""The scorecard page: one unit, one period, every score with its status in words."""

from __future__ import annotations

import html as entities
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.files.load import load
from fourfold.web.periods import last_ended_month

from . import cards

pytestmark = pytest.mark.django_db


def text_of(html: bytes) -> str:
    """The page's text with tags removed and spaces collapsed, to read as a person would."""
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def kpi_rows(html: bytes) -> list[str]:
    """The names of the KPI rows of the scorecard's tables, in order."""
    found = re.findall(
        r'<th scope="row" class="kpi__name">\s*<a href="[^"]*">([^<]+)</a>', html.decode()
    )
    return [entities.unescape(name) for name in found]


@pytest.fixture
def small(db: None) -> None:
    cards.load_small()


def test_it_sends_visitors_who_are_not_signed_in_to_the_login_page(client: Client) -> None:
    for url in ("/", "/units/acme/?period=2026-01", "/units/?unit=acme"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_scorecards_list_every_unit_for_the_last_ended_month(
    signed_in: Client, small: None
) -> None:
    month = last_ended_month(timezone.localdate())
    response = signed_in.get("/scorecards/")
    assert response.status_code == 200
    assert f'href="/units/acme/?period={month}"' in response.content.decode()
    assert f'href="/units/sales/?period={month}"' in response.content.decode()


def test_it_explains_how_to_start_when_there_is_no_unit(signed_in: Client) -> None:
    response = signed_in.get("/scorecards/")
    assert response.status_code == 200
    assert b"fourfold load" in response.content


def test_it_shows_a_kpi_with_actual_target_unit_score_and_status_in_words(
    signed_in: Client, small: None
) -> None:
    response = signed_in.get("/units/acme/?period=2026-01")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Acme Test" in text and "Acme Corp" in text and "January 2026" in text
    assert "Revenue 1,234,567.89 700 +1,233,867.89 +176,266.8 % EUR" in text
    assert "10.00 Green 1/1" in text
    assert "Days of stock lower" not in text
    assert "Days of stock best in range 25 20–30 0 in the range days" in text
    assert "Complaints lower is better 103 100 +3 +3.0 % count" in text
    assert "Not reported yet — 700 — EUR — — No data 0/1 ! 1 overdue" in text
    assert "Grow revenue 8.24 Green 3/4 ! 1 overdue" in text
    # Under it, how its score is made (opened on demand), then its KPIs.
    assert "! 1 overdue How the score is made: 4 KPIs Weighted mean" in text
    assert "Not reported yet — weight 1 · no score: left out Revenue 1,234,567.89" in text
    assert "Scorecard score 8.24 / 10" in text


def test_it_colours_a_status_by_its_scheme_and_never_by_colour_alone(
    signed_in: Client, small: None
) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    orange = re.search(
        r'style="--status: ([^"]+)"><span class="status__dot"[^>]*></span>'
        r'<span class="status__name">Slightly below<',
        html,
    )
    assert orange is not None and orange[1] == "#e8590c"


def test_it_answers_404_for_a_unit_that_does_not_exist(signed_in: Client, small: None) -> None:
    response = signed_in.get("/units/nope/?period=2026-01")
    assert response.status_code == 404
    assert b"There is no unit with the code" in response.content


def test_it_explains_a_period_it_cannot_read_with_a_400(signed_in: Client, small: None) -> None:
    response = signed_in.get("/units/acme/?period=2026-13")
    assert response.status_code == 400
    text = text_of(response.content)
    assert "This period cannot be shown." in text
    assert "'2026-13' is not a period: months run from 01 to 12" in text
    assert 'id="pick-period"' in response.content.decode()


def test_it_has_a_unit_picker_that_works_without_javascript(signed_in: Client, small: None) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<form class="pickers" method="get" action="/units/"' in html
    assert '<label for="pick-unit">Unit</label>' in html
    assert '<option value="acme" selected>Acme Corp</option>' in html
    assert '<option value="sales">\u00a0\u00a0\u00a0Sales department</option>' in html
    response = signed_in.get("/units/", {"unit": "sales", "period": "2026-01"})
    assert response.status_code == 302
    assert response["Location"] == "/units/sales/?period=2026-01"
    assert signed_in.get("/units/", {"unit": "nope"}).status_code == 404
    assert signed_in.get("/units/")["Location"] == "/"


def test_it_has_a_period_picker_by_kind(signed_in: Client, small: None) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<label for="pick-kind">View by</label>' in html
    assert '<option value="month" selected>Month</option>' in html
    assert '<option value="ytd">Year to date</option>' in html
    assert '<label for="pick-period">Period</label>' in html
    assert '<option value="2026-01" selected>January 2026</option>' in html
    assert '<option value="2026-02">February 2026</option>' in html


def test_it_turns_a_month_into_the_kind_picked(signed_in: Client, small: None) -> None:
    response = signed_in.get("/units/acme/", {"kind": "quarter", "period": "2026-02"})
    assert response["Location"] == "/units/acme/?period=2026-Q1"
    response = signed_in.get("/units/acme/", {"kind": "ytd", "period": "2026-Q1"})
    assert response["Location"] == "/units/acme/?period=2026-03-YTD"
    # March has neither a value nor a target, so the quarter has no target to score against.
    text = text_of(signed_in.get("/units/acme/?period=2026-Q1").content)
    assert "Revenue 1,235,167.89 — — EUR" in text and "— Not scored 1/1" in text
    text = text_of(signed_in.get("/units/acme/?period=2026-02-YTD").content)
    assert "Jan–Feb 2026 (YTD)" in text
    assert "Revenue 1,235,167.89 1,400 +1,233,767.89 +88,126.3 % EUR" in text


def test_it_links_to_the_parent_and_child_units(signed_in: Client, small: None) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert 'href="/units/sales/?period=2026-01"' in html
    html = signed_in.get("/units/sales/?period=2026-01").content.decode()
    assert 'href="/units/acme/?period=2026-01"' in html and 'rel="up"' in html


def test_it_renders_only_the_scorecard_body_for_htmx(signed_in: Client, small: None) -> None:
    response = signed_in.get("/units/acme/?period=2026-01", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<title>Acme Corp · January 2026 — Acme Test</title>")
    assert '<div id="scorecard"' in html
    assert "<html" not in html and "Revenue" in html
    assert response["HX-Push-Url"] == "/units/acme/?period=2026-01"
    assert "HX-Request" in response["Vary"]


def test_it_shows_a_clear_message_for_a_period_without_data(signed_in: Client, small: None) -> None:
    text = text_of(signed_in.get("/units/acme/?period=2019-05").content)
    assert "No scores for May 2019." in text


SIZES = {"small": (1, 1, 1, 0), "large": (4, 4, 5, 3)}


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_page_in_a_fixed_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*SIZES[size])
    # Session and user (2), the user's roles, units and KPIs (3), the unit tree (1), the
    # organization (1), and the scoring engine's
    # eight: schemes, units, scorecards, perspectives, objectives, KPIs, values and targets,
    # each read in one query however many there are (it is given the organization the page
    # read); the owners of objectives and of KPIs for the owner filter (2). The navigation
    # reuses the roles read for the page. The forecast column is made from the page's scores,
    # once for all KPIs: it reads the unit (1) and the forecasts the worker kept (1). The
    # KPIs an open action item is about, for
    # the mark on red KPIs without one (1). And the unit's restated past scores
    # (fourfold.revisions), one query.
    with django_assert_num_queries(20):
        response = signed_in.get("/units/top/?period=2026-01")
    assert response.status_code == 200
    assert response.content.count(b'class="kpi"') == (4 * 4 * 5 if size == "large" else 1)


def test_it_links_objectives_and_kpis_to_their_pages(signed_in: Client, small: None) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<a href="/units/acme/objectives/grow/?period=2026-01">Grow revenue</a>' in html
    assert '<a href="/units/acme/kpis/revenue/?period=2026-01">Revenue</a>' in html


def test_it_draws_a_sparkline_and_an_arrow_judged_by_the_direction(
    signed_in: Client, small: None
) -> None:
    response = signed_in.get("/units/acme/?period=2026-02")
    html = response.content.decode()
    assert html.count('<svg class="spark"') == 3  # the KPI never reported has none
    assert 'aria-label="Actual over the last 2 months: from 1,234,567.89 to 600"' in html
    # Revenue fell and higher is better: a red arrow down, and the same in words.
    assert 'class="trend trend--down trend--bad"' in html
    assert "Down 100.0 % on January 2026, worse" in text_of(response.content)


def test_it_judges_a_fall_as_good_when_lower_is_better() -> None:
    from fourfold.web.trends import trend

    nan = float("nan")
    found = trend("decrease", (90.0, nan, nan), (100.0, nan, nan), "March 2026")
    assert found is not None and found.arrow == "down" and found.good is True
    assert found.text == "Down 10.0 % on March 2026, better"
    flat = trend("increase", (100.2, nan, nan), (100.0, nan, nan), "March 2026")
    assert flat is not None and flat.arrow == "flat" and flat.good is None
    closer = trend("range", (31.0, 20.0, 30.0), (35.0, 20.0, 30.0), "March 2026")
    assert closer is not None and closer.arrow == "down" and closer.good is True


def test_it_filters_by_status_owner_and_perspective_without_javascript(
    signed_in: Client, small: None
) -> None:
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<form class="filters" method="get" action="/units/acme/"' in html
    assert '<option value="slightly below">Slightly below</option>' in html
    response = signed_in.get("/units/acme/?period=2026-01&status=green&owner=&perspective=")
    assert response["Location"] == "/units/acme/?period=2026-01&status=green"
    response = signed_in.get("/units/acme/?period=2026-01&status=green")
    assert response.content.count(b'class="kpi"') == 2
    text = text_of(response.content)
    assert "Showing 2 of 4 KPIs" in text and "Complaints" not in kpi_rows(response.content)
    assert "Clear filters" in text
    response = signed_in.get("/units/acme/?period=2026-01&status=none")
    assert response.content.count(b'class="kpi"') == 1
    response = signed_in.get("/units/acme/?period=2026-01&perspective=nope")
    assert "Nothing on this scorecard matches the filters." in text_of(response.content)


def test_it_filters_by_owner(signed_in: Client, db: None) -> None:
    text = cards.SMALL.replace(
        "                name: Complaints\n",
        "                name: Complaints\n                owner: grace@acme.example\n",
    )
    load(text, actor=None, source_name="owned.yaml")
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<option value="grace@acme.example">grace@acme.example</option>' in html
    response = signed_in.get("/units/acme/?period=2026-01&owner=grace@acme.example")
    assert response.content.count(b'class="kpi"') == 1
    assert kpi_rows(response.content) == ["Complaints"]


def test_it_keeps_the_filters_on_the_period_steps_and_renders_them_for_htmx(
    signed_in: Client, small: None
) -> None:
    html = signed_in.get("/units/acme/?period=2026-01&status=green").content.decode()
    assert 'href="/units/acme/?period=2026-02&amp;status=green"' in html
    response = signed_in.get(
        "/units/acme/?period=2026-01&status=green", headers={"HX-Request": "true"}
    )
    assert response["HX-Push-Url"] == "/units/acme/?period=2026-01&status=green"


def test_it_marks_a_value_with_a_data_quality_note(signed_in: Client) -> None:
    calculated = (
        "              - code: ratio\n"
        "                name: Revenue per nothing\n"
        "                formula: revenue / 0\n"
        "              - code: stock-days\n"
    )
    load(
        cards.SMALL.replace("              - code: stock-days\n", calculated),
        actor=None,
        source_name="quality.yaml",
    )
    html = signed_in.get("/units/acme/?period=2026-01").content.decode()
    assert '<span class="quality"><span class="quality__mark" aria-hidden="true">⚠</span>' in html
    assert "⚠</span> division by zero</span>" in html
