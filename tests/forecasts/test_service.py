"""What the pages take from the service: the fan, quantiles, the year's probabilities."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.files.load import load
from fourfold.forecasts import services
from fourfold.measures.models import KPI

from .scorecard import document, seasonal


@pytest.fixture
def sales(db: None) -> int:
    load(document(), actor=None, source_name="acme.yaml")
    return KPI.objects.get(code="sales").pk


def test_the_fan_runs_month_by_month_to_the_periods_end(sales: int) -> None:
    found = services.forecast([sales], "2026", today=dt.date(2026, 7, 10))[sales]
    assert [p.period for p in found.fan] == [f"2026-{m:02d}" for m in range(7, 13)]
    assert all(p.p10 <= p.p50 <= p.p90 for p in found.fan)
    assert found.quantile(0.1) == pytest.approx(found.low)
    assert found.quantile(0.9) == pytest.approx(found.high)
    assert found.low < found.quantile(0.8) < found.high  # type: ignore[operator]


def test_the_year_probabilities_are_those_of_the_current_fiscal_year(sales: int) -> None:
    day = dt.date(2026, 7, 10)
    assert services.year_probabilities([sales], today=day) == {
        sales: services.forecast([sales], "2026", today=day)[sales].probability
    }


def test_a_forecast_can_be_made_as_from_an_earlier_month(sales: int) -> None:
    found = services.forecast([sales], "2026", history_until="2026-03")[sales]
    first_quarter = [v for m, v in seasonal("2023-01", 42).items() if "2026-01" <= m <= "2026-03"]
    assert found.actual_to_date == pytest.approx(sum(first_quarter))
    assert found.points == 39 and len(found.fan) == 9
