"""How feasible a target is, shown on the Targets page before it is saved (htmx)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.core import periods
from fourfold.editing.feasibility import chance
from fourfold.measures.models import KPI
from fourfold.web.forecast import INSUFFICIENT
from tests.web import forecast_card
from tests.web.test_scorecard import text_of

from .conftest import client_of, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db: None) -> KPI:
    forecast_card.load_card()
    return KPI.objects.get(code="sales")


def url(kpi: KPI) -> str:
    return f"/units/acme/design/kpis/{kpi.pk}/targets/feasibility/"


def editor() -> Client:
    return client_of(person("eve", Role.Kind.EDITOR, "acme"))


def test_it_places_the_change_asked_for_among_the_kpis_own_and_gives_the_chance(
    sales: KPI,
) -> None:
    month = periods.month_key(forecast_card.month_now() + 1)  # next month: not reported
    a_year_before = forecast_card.value(36 - 11)  # its value, 11 months before last month
    response = editor().get(
        url(sales),
        {"one-period": month, "one-target": str(round(a_year_before * 1.5))},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = text_of(response.content)
    label = forecast_card.label(month)
    assert f"How feasible for {label}" in text
    found = re.search(
        r"this target asks for \+(\d+\.\d) %: more than any of this KPI's (\d+) "
        r"year-on-year changes; the best ever was \+",
        text,
    )
    assert found is not None, text
    assert abs(float(found[1]) - 50) < 0.1 and int(found[2]) == 24
    assert "Chance of meeting it, by the forecast: less than 1 %" in text
    assert "A stretch at the forecast's 80th percentile:" in text
    assert "feasibility--hard" in response.content.decode()


def test_an_easy_target_is_not_marked_hard(sales: KPI) -> None:
    month = periods.month_key(forecast_card.month_now() + 1)
    response = editor().get(url(sales), {"one-period": month, "one-target": "1"})
    text = text_of(response.content)
    assert "Chance of meeting it, by the forecast: more than 99 %" in text
    assert "less than any of this KPI's" in text
    assert "feasibility--hard" not in response.content.decode()


def test_without_a_period_and_a_target_it_says_what_to_type(sales: KPI) -> None:
    text = text_of(editor().get(url(sales), {"one-period": "", "one-target": "5"}).content)
    assert "Type a period and a target to see how it compares" in text


def test_a_period_that_is_not_one_is_said_in_a_sentence(sales: KPI) -> None:
    text = text_of(editor().get(url(sales), {"one-period": "2026-13", "one-target": "5"}).content)
    assert "'2026-13' is not a period: months run from 01 to 12." in text


def test_a_viewer_may_not_ask_and_an_outsider_does_not_see_the_kpi(sales: KPI) -> None:
    viewer = client_of(person("vic", Role.Kind.VIEWER, "acme"))
    assert viewer.get(url(sales), {"one-period": "2026-01", "one-target": "5"}).status_code == 403
    outsider = client_of(person("olga"))
    assert outsider.get(url(sales)).status_code == 404


def test_the_targets_page_asks_for_it_as_the_period_and_target_change(sales: KPI) -> None:
    html = editor().get(f"/units/acme/design/kpis/{sales.pk}/targets/").content.decode()
    slot = re.search(r'<div id="feasibility"[^>]*>', html)
    assert slot is not None and f'hx-get="{url(sales)}"' in slot[0]
    assert 'hx-include=".feasibility-input"' in slot[0]
    inputs = re.findall(r'<input[^>]*class="feasibility-input"[^>]*name="one-([a-z]+)"', html)
    inputs += re.findall(r'<input[^>]*name="one-([a-z]+)"[^>]*class="feasibility-input"', html)
    assert sorted(inputs) == ["period", "target"]


def test_the_chance_is_read_from_the_forecasts_percentiles() -> None:
    from fourfold.forecasts.services import Forecast

    spread = np.arange(100.0, 201.0)  # percentile p is 100 + p
    found = Forecast(
        1, "u", "k", "2026", None, 150.0, 110.0, 190.0, None, None, "theta", 30, percentiles=spread
    )
    assert chance(found, "increase", 170.0, None, None) == pytest.approx(0.30)
    assert chance(found, "decrease", 170.0, None, None) == pytest.approx(0.70)
    assert chance(found, "range", None, 120.0, 160.0) == pytest.approx(0.40)
    assert chance(found, "increase", None, None, None) is None
    known = Forecast(1, "u", "k", "2026", 5.0, 5.0, 5.0, 5.0, None, None, "actual", 30)
    assert chance(known, "increase", 4.0, None, None) == 1.0
    none = Forecast(1, "u", "k", "2026", None, None, None, None, None, None, INSUFFICIENT, 3)
    assert chance(none, "increase", 4.0, None, None) is None
