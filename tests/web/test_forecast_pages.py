"""Forecasts on the pages: the KPI page's fan chart and chance in words, the scorecard's
forecast column, and the reliability page of how earlier forecasts did."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.core import forecast as core
from fourfold.core import periods
from fourfold.files.load import load
from fourfold.forecasts import services
from fourfold.forecasts.models import MadeForecast
from fourfold.forecasts.services import Forecast
from fourfold.measures.models import KPI
from fourfold.web import forecast as words

from . import forecast_card
from .test_scorecard import text_of

pytestmark = pytest.mark.django_db

KPI_URL = "/units/acme/kpis/sales/"


@pytest.fixture
def card(db: None) -> None:
    forecast_card.load_card()


def fan_of(html: bytes) -> dict[str, object]:
    found = re.search(
        r'<script id="forecast-chart" type="application/json">(.*?)</script>', html.decode()
    )
    assert found is not None
    data: dict[str, object] = json.loads(found[1])
    return data


def test_the_kpi_page_shows_the_chance_in_words_a_fan_chart_and_its_table(
    signed_in: Client, card: None
) -> None:
    html = signed_in.get(KPI_URL).content
    text = text_of(html)
    year = forecast_card.year_now()
    assert f"Forecast for {year}" in text
    december = words.by_when(periods.parse_period(year))
    chance = r"(\d+ %|less than 1 %|more than 99 %) chance of reaching [\d.,\xa0MK]+"
    assert re.search(rf"{chance} by {december}", text), text
    assert "80 % interval" in text and "Method: " in text

    chart = fan_of(html)
    assert chart["kind"] == "forecast"
    actual, median = chart["actual"], chart["median"]
    low, width = chart["fan_low"], chart["fan_width"]
    assert isinstance(actual, list) and isinstance(median, list)
    assert isinstance(low, list) and isinstance(width, list)
    future = [i for i, a in enumerate(actual) if a is None]
    assert future and all(median[i] is not None for i in future)
    # The band's lower edge plus its width is the 90th percentile, above the median.
    assert all(low[i] <= median[i] <= low[i] + width[i] for i in future)
    # The fan starts at the last value, so that it joins the history.
    joint = future[0] - 1
    assert median[joint] == actual[joint] and width[joint] == 0
    target = chart["target"]
    assert isinstance(target, list) and target[-1] == 1100

    # The same numbers in a table.
    page = html.decode()
    table = page[page.index("The forecast as a table") :]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>", table)
    assert rows[-1][0] == december
    cells = re.findall(r">([^<]*)</td>", rows[-1][1])
    assert cells[0] == "—" and cells[1] == "1,100" and all(c != "—" for c in cells[2:])


def test_too_little_history_is_said_in_words(signed_in: Client, card: None) -> None:
    text = text_of(signed_in.get("/units/acme/kpis/fresh/").content)
    assert "Not enough history to forecast: 5 months of values to forecast from, 12 needed." in text
    assert 'id="forecast-chart"' not in text


def test_the_kpi_page_costs_the_same_queries_with_its_forecast(
    signed_in: Client, card: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    signed_in.get(KPI_URL)  # the scores cached, as for any page after the first
    with django_assert_num_queries(25):  # as tests/web/test_kpi_page.py locks it
        assert signed_in.get(KPI_URL).status_code == 200


@pytest.mark.parametrize("more", [0, 4])
def test_the_scorecards_forecasts_cost_no_query_per_kpi(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, more: int
) -> None:
    load(forecast_card.text(more=more), actor=None, source_name="forecast.yaml")
    url = f"/units/acme/?period={periods.month_key(forecast_card.month_now() - 1)}"
    signed_in.get(url)
    # As tests/web/test_scorecard.py counts them: the forecasts are made from the page's
    # scores; the unit's restated past scores (fourfold.revisions) take one more, the KPIs
    # an open action item is about (for the mark on a red KPI without one) one more, and
    # the forecasts the worker kept one more.
    with django_assert_num_queries(20):
        response = signed_in.get(url)
    html = response.content.decode()
    assert f"Forecast {forecast_card.year_now()}" in text_of(response.content)
    cells = re.findall(r'data-label="Forecast [^"]+">(.*?)</td>', html, re.S)
    assert len(cells) == 2 + more and cells[1] == "—"  # Fresh KPI: too little history
    assert all("forecast-cell__chance" in c for c in [cells[0], *cells[2:]])
    assert "How well earlier forecasts did" in html


def test_the_scorecards_column_shows_the_forecast_kept_while_its_basis_holds(
    signed_in: Client, card: None
) -> None:
    """The worker keeps every KPI's forecast of the year (nightly, after values change): the
    column reads it while nothing it depends on has changed, instead of making it again."""
    sales = KPI.objects.get(code="sales")
    year = forecast_card.year_now()
    url = f"/units/acme/?period={periods.month_key(forecast_card.month_now() - 1)}"
    [case] = services.ask([sales.pk], year).cases
    made = services.forecast([sales.pk], year, fan=False)[sales.pk]
    assert made.probability is not None and abs(made.probability - 0.37) > 0.01

    def cell() -> str:
        html = signed_in.get(url).content.decode()
        found: list[str] = re.findall(r'data-label="Forecast [^"]+">(.*?)</td>', html, re.S)
        return found[0]

    fields = {"method": "theta", "points": 30, "target": 1, "made_at": timezone.now()}
    kept = {"forecast": 4321.0, "low": 4000.0, "high": 4600.0, "probability": 0.37}
    MadeForecast.objects.create(kpi=sales, period=year, basis="0" * 32, **kept, **fields)
    assert "4,321" not in cell()  # kept for another basis: not this KPI's forecast now
    MadeForecast.objects.create(kpi=sales, period=year, basis=core.basis(case), **kept, **fields)
    shown = cell()
    assert "4,321" in shown and "37 %" in shown


def _kept(kpi: KPI, period: str, low: float, high: float, probability: float) -> None:
    MadeForecast.objects.create(
        kpi=kpi,
        period=period,
        method="theta",
        forecast=(low + high) / 2,
        low=low,
        high=high,
        probability=probability,
        target=1,
        made_at=timezone.now() - dt.timedelta(days=400),
    )


def test_the_reliability_page_grades_kept_forecasts_against_the_actuals(
    signed_in: Client, card: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    sales = KPI.objects.get(code="sales")
    last_year = periods.month_key(forecast_card.month_now() - 13)  # fully reported
    actual = forecast_card.value(36 - 13)
    _kept(sales, last_year, actual - 10, actual + 10, 0.9)  # inside, target 1 met
    _kept(sales, periods.month_key(forecast_card.month_now() - 14), 0, 1, 0.5)  # outside
    response = signed_in.get("/units/acme/forecasts/")
    text = text_of(response.content)
    assert "How well the forecasts of Acme Corp did" in text
    assert "8 actuals in 10" in text and "Brier score" in text
    # Sales: 1 of 2 inside; Brier ((0.9 − 1)² + (0.5 − 1)²) / 2 = 0.13.
    assert "Sales 2 1 of 2 (50 %) 0.13" in text
    assert "Fresh KPI 0 — —" in text
    kpi_text = text_of(signed_in.get(KPI_URL).content)
    assert (
        "How well this KPI's forecasts did: 1 of 2 actuals inside the 80 % interval (50 %); "
        "Brier score 0.13" in kpi_text
    )
    # The actuals are read from one scoring of the unit (not a forecast per period): the
    # engine's queries once, whatever the number of kept forecasts and periods.
    with django_assert_num_queries(19):
        signed_in.get("/units/acme/forecasts/")


def _made(**fields: object) -> Forecast:
    base: dict[str, object] = {
        "kpi_id": 1,
        "unit": "acme",
        "code": "x",
        "period": "2026",
        "actual_to_date": 10.0,
        "forecast": 12.0,
        "low": 11.0,
        "high": 13.0,
        "target": 1_200_000.0,
        "probability": 0.62,
        "method": "theta",
        "points": 30,
    }
    return Forecast(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "direction", "said"),
    [
        ({}, "increase", "62 % chance of reaching 1.2\xa0M by December 2026"),
        ({"target": 25.4}, "decrease", "62 % chance of staying at or below 25.4 by December 2026"),
        (
            {"probability": 0.0},
            "increase",
            "less than 1 % chance of reaching 1.2\xa0M by December 2026",
        ),
        (
            {"method": "actual", "probability": 1.0, "forecast": 1.3e6},
            "increase",
            "Met: 1.3\xa0M, the target 1.2\xa0M",
        ),
        ({"probability": None, "target": None}, "increase", ""),
        ({"method": "insufficient history", "forecast": None}, "increase", ""),
    ],
)
def test_the_chance_in_words(fields: dict[str, object], direction: str, said: str) -> None:
    assert words.chance(_made(**fields), direction, periods.parse_period("2026")) == said


def test_a_range_kpis_chance_is_of_ending_in_its_band() -> None:
    said = words.chance(_made(), "range", periods.parse_period("2026"), 20, 30)
    assert said == "62 % chance of ending between 20 and 30 by December 2026"
