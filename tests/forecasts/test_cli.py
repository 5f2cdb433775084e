"""`fourfold forecast` by DESIGN.md's contract."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Run

from .scorecard import TODAY, seasonal

KEYS = [
    "unit",
    "code",
    "period",
    "actual_to_date",
    "forecast",
    "low",
    "high",
    "target",
    "probability",
    "method",
    "points",
]
MADE = {"seasonal naive", "damped exponential smoothing", "theta", "combination"}


def lines(run: Run, *args: str) -> dict[str, dict[str, Any]]:
    done = run("forecast", "--unit", "acme", "--today", TODAY, "--json", *args)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return {row["code"]: row for row in rows}


def test_it_prints_one_object_per_kpi_of_the_unit_with_exactly_the_keys(loaded: Run) -> None:
    rows = lines(loaded, "--period", "2026")
    assert set(rows) == {"sales", "orders", "lead-time", "new-kpi", "done", "flat", "loss",
                         "stock-days"}  # fmt: skip
    for row in rows.values():
        assert list(row) == KEYS
        assert row["unit"] == "acme" and row["period"] == "2026"


def test_it_forecasts_the_year_from_the_months_reported_and_the_rest(loaded: Run) -> None:
    sales = lines(loaded, "--period", "2026")["sales"]
    assert sales["method"] in MADE
    assert sales["points"] == 42
    assert sales["target"] == 13_000
    # The first half as reported, and the year's value near what the series goes on to do.
    year = [v for m, v in seasonal("2023-01", 48).items() if m.startswith("2026")]
    assert sales["actual_to_date"] == pytest.approx(sum(year[:6]))
    assert sales["forecast"] == pytest.approx(sum(year), rel=0.02)
    assert sales["low"] < sales["forecast"] < sales["high"]
    assert 0.0 <= sales["probability"] <= 1.0


def test_the_target_is_the_aggregation_of_the_monthly_targets(loaded: Run) -> None:
    rows = lines(loaded, "--period", "2026")
    assert rows["orders"]["target"] == 13_200
    assert rows["lead-time"]["target"] == 30
    # Lower is better: about 21.5 against 30 is all but sure.
    assert rows["lead-time"]["probability"] > 0.95


def test_too_little_history_says_so_and_gives_no_figures(loaded: Run) -> None:
    row = lines(loaded, "--period", "2026")["new-kpi"]
    assert row["method"] == "insufficient history"
    assert row["points"] == 5
    assert row["actual_to_date"] == 25
    assert [row[k] for k in ("forecast", "low", "high", "probability")] == [None] * 4


def test_a_fully_reported_period_is_its_actual(loaded: Run) -> None:
    done = lines(loaded, "--period", "2025")["done"]
    assert done["forecast"] == done["low"] == done["high"] == done["actual_to_date"]
    assert done["probability"] in (0, 1)
    assert done["probability"] == (1 if done["actual_to_date"] >= 12_000 else 0)


def test_constant_gapped_negative_and_quarterly_series_get_finite_figures(loaded: Run) -> None:
    rows = lines(loaded, "--period", "2026")
    flat = rows["flat"]
    assert flat["method"] in MADE and flat["forecast"] == pytest.approx(36)
    assert flat["low"] == pytest.approx(36) and flat["high"] == pytest.approx(36)
    loss = rows["loss"]
    assert loss["forecast"] < 0 and loss["low"] <= loss["forecast"] <= loss["high"]
    stock = rows["stock-days"]
    assert stock["points"] == 12 and stock["method"] in MADE
    assert stock["target"] is None  # a band: its probability is of landing inside it
    assert 0.0 <= stock["probability"] <= 1.0


def test_a_quarter_of_the_year_and_a_month_are_periods_too(loaded: Run) -> None:
    q3 = lines(loaded, "--period", "2026-Q3")
    assert q3["sales"]["actual_to_date"] is None and q3["sales"]["method"] in MADE
    assert q3["stock-days"]["method"] in MADE
    month = lines(loaded, "--period", "2026-08")
    assert "stock-days" not in month  # a quarterly KPI has no monthly value


def test_without_json_it_prints_a_table(loaded: Run) -> None:
    done = loaded("forecast", "--unit", "acme", "--period", "2026", "--today", TODAY)
    header, *rows = done.stdout.splitlines()
    assert "forecast" in header and "80 % interval" in header
    assert any(r.startswith("new-kpi") and "insufficient history" in r for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "acme", "--period", "2026-13"], "'2026-13' is not a period"),
        (["--unit", "acme", "--period", "2026", "--today", "soon"], "--today 'soon' is not a date"),
        (["--unit", "nowhere", "--period", "2026"], "there is no unit 'nowhere'"),
    ],
)
def test_bad_input_is_one_sentence_and_a_failure(
    loaded: Run, args: list[str], message: str
) -> None:
    done = loaded("forecast", *args, check=False)
    assert done.returncode != 0
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""
