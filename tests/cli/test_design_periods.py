"""DESIGN.md's periods: quarters, years, year to date, fiscal years, calculated KPIs over them,
end to end through the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.design import (
    Rows,
    card,
    check,
    group,
    kpi,
    objective,
    one_month,
    perspective,
    score,
)
from tests.conftest import Run

# --- Periods -------------------------------------------------------------------------------

MONTHS = [f"2026-{m:02}" for m in range(1, 13)]
ACTUALS = [10, 40, 20, 30, 50, 5, 60, 55, 45, 50, 50, 55]
TARGETS = [10, 20, 30, 40, 50, 60, 50, 50, 50, 50, 50, 50]
# Months whose sum is not exact in binary: 0.1 + 0.1 + 0.7 is 0.8999999999999999 there.
TENTHS = {"2026-01": 0.1, "2026-02": 0.1, "2026-03": 0.7, "2026-04": 0.1}


@group
def periods(fourfold: Run, tmp_path: Path) -> dict[str, Rows]:
    values = dict(zip(MONTHS, ACTUALS, strict=True))
    targets = {m: {"target": t} for m, t in zip(MONTHS, TARGETS, strict=True)}
    kpis = [
        kpi(f"agg-{how}", values, targets, aggregation=how)
        for how in ("sum", "average", "last", "min", "max")
    ]
    kpis.append(
        kpi(
            "explicit",
            values,
            {**targets, "2026-Q1": {"target": 100, "red_flag": 50}},
            aggregation="sum",
        )
    )
    # A sum of targets needs every month's target: half a year of them is no year's target.
    half = dict(list(targets.items())[:6])
    kpis.append(kpi("half-year", values, half, aggregation="sum"))
    quarter = {"2026-Q1": {"target": 0.9, "red_flag": 0.8}}
    kpis.append(kpi("tenths", TENTHS, quarter, aggregation="sum"))
    kpis.append(kpi("tenths-pc", TENTHS, {"2026-Q1": {"target": 0.9}}, scheme="gov"))
    monthly = {"2026-01": 0.2, "2026-02": 0.2, "2026-03": 0.5, "2026-04": 0.1}
    kpis.append(kpi("tenths-ytd", TENTHS, {m: {"target": t} for m, t in monthly.items()}))
    # A ratio whose quarter is 20 / 20 = 100 %, where the mean of the monthly ratios is 88.33.
    kpis.append(kpi("num", {"2026-01": 1, "2026-02": 9, "2026-03": 10}, {}, scheme="unscored"))
    kpis.append(kpi("den", {"2026-01": 2, "2026-02": 10, "2026-03": 8}, {}, scheme="unscored"))
    kpis.append(
        {
            "code": "ratio",
            "name": "ratio",
            "aggregation": "average",
            "formula": "num / den * 100",
            "targets": {"2026-Q1": {"target": 100, "red_flag": 80}},
        }
    )
    # A margin of exactly 57 %: (300 - 129) / 300 · 100 is 56.99999999999999 in binary.
    kpis.append(kpi("rev", {"2026-01": 100, "2026-02": 100, "2026-03": 100}, {}, scheme="unscored"))
    kpis.append(kpi("cost", {"2026-01": 43, "2026-02": 40, "2026-03": 46}, {}, scheme="unscored"))
    kpis.append(
        {
            "code": "margin",
            "name": "margin",
            "aggregation": "average",
            "formula": "(rev - cost) / rev * 100",
            "targets": {"2026-Q1": {"target": 57, "red_flag": 50}},
        }
    )
    units = [
        {"code": "acme", "name": "Acme", "perspectives": [perspective("p", [objective("o", kpis)])]}
    ]
    path = tmp_path / "periods.yaml"
    path.write_text(card(units))
    fourfold("load", str(path))
    return {key: score(fourfold, "acme", key) for key in ("2026-Q1", "2026", "2026-04-YTD")}


# Q1 = Jan..Mar, the year = Jan..Dec, YTD = Jan..Apr.
# (period, aggregation, actual, target), each scored with the default red flag.
AGGREGATIONS: list[tuple[str, str, float, float]] = [
    ("2026-Q1", "sum", 70, 60),
    ("2026-Q1", "average", 70 / 3, 20),
    ("2026-Q1", "last", 20, 30),
    ("2026-Q1", "min", 10, 10),
    ("2026-Q1", "max", 40, 30),
    ("2026", "sum", 470, 510),
    ("2026", "average", 470 / 12, 42.5),
    ("2026", "last", 55, 50),
    ("2026", "min", 5, 10),
    ("2026", "max", 60, 60),
    ("2026-04-YTD", "sum", 100, 100),
    ("2026-04-YTD", "average", 25, 25),
    ("2026-04-YTD", "last", 30, 40),
    ("2026-04-YTD", "min", 10, 10),
    ("2026-04-YTD", "max", 40, 40),
]


def _design_score(actual: float, target: float) -> tuple[float, str]:
    """DESIGN's goal / red flag formula with the default red flag, for an increase KPI."""
    red = target - abs(target) / 10
    raw = 10 / 3 * (1 + (actual - red) / (target - red))
    status = "green" if actual >= target else "amber" if actual >= red else "red"
    return round(min(max(raw, 0.0), 10.0), 2), status


@pytest.mark.parametrize(
    ("period", "how", "actual", "target"),
    AGGREGATIONS,
    ids=[f"{p}-{how}" for p, how, _, _ in AGGREGATIONS],
)
def test_it_aggregates_a_monthly_kpi_over_longer_periods(
    results: Callable[[str], dict[str, Rows]], period: str, how: str, actual: float, target: float
) -> None:
    row = results("periods")[period][("kpi", f"agg-{how}")]
    assert row["period"] == period
    assert row["actual"] == pytest.approx(actual, abs=1e-9), row
    assert row["target"] == pytest.approx(target, abs=1e-9), row
    value, status = _design_score(actual, target)
    assert (row["score"], row["status"]) == (value, status), row


def test_it_prefers_an_explicit_quarter_target_to_the_sum_of_the_months(
    results: Callable[[str], dict[str, Rows]],
) -> None:
    row = results("periods")["2026-Q1"][("kpi", "explicit")]
    # 70 against 100 with red flag 50: 10/3 · (1 + 20/50).
    check(row, 4.67, "amber", "amber", actual=70, target=100, coverage=None)


def test_it_leaves_a_summed_year_without_target_when_months_lack_one(
    results: Callable[[str], dict[str, Rows]],
) -> None:
    # DESIGN.md: the year's target is "the same aggregation of the monthly targets". Read as a
    # user expects: the sum of six monthly targets is not the target of a twelve-month sum.
    assert results("periods")["2026-Q1"][("kpi", "half-year")]["target"] == 60
    check(
        results("periods")["2026"][("kpi", "half-year")],
        None,
        None,
        None,
        actual=470,
        coverage=None,
    )
    assert results("periods")["2026"][("kpi", "half-year")]["target"] is None


@pytest.mark.parametrize(
    ("period", "code", "score_", "status", "color"),
    [
        ("2026-Q1", "tenths", 6.67, "green", "green"),
        ("2026-Q1", "tenths-pc", 6.67, "Met", "green"),
        ("2026-04-YTD", "tenths-ytd", 6.67, "green", "green"),
    ],
)
def test_it_adds_months_in_decimal_so_a_sum_on_its_target_meets_it(
    results: Callable[[str], dict[str, Rows]],
    period: str,
    code: str,
    score_: float,
    status: str,
    color: str,
) -> None:
    row = results("periods")[period][("kpi", code)]
    total = {"2026-Q1": 0.9, "2026-04-YTD": 1.0}[period]
    assert (row["actual"], row["target"]) == (total, total), row
    check(row, score_, status, color, coverage=None)


def test_it_computes_a_calculated_kpi_in_decimal_so_a_margin_on_its_target_meets_it(
    results: Callable[[str], dict[str, Rows]],
) -> None:
    row = results("periods")["2026-Q1"][("kpi", "margin")]
    check(row, 6.67, "green", "green", actual=57, target=57, coverage=None)
    assert row["actual"] == 57


def test_it_computes_a_calculated_kpi_over_a_quarter_as_a_ratio_of_sums(
    results: Callable[[str], dict[str, Rows]],
) -> None:
    row = results("periods")["2026-Q1"][("kpi", "ratio")]
    check(row, 6.67, "green", "green", actual=100, target=100, coverage=None)


@group
def fiscal(fourfold: Run, tmp_path: Path) -> dict[str, Rows]:
    # Powers of two, so that any wrong set of months gives another sum.
    values = {
        "2009-09": 1024,  # FY2009
        "2009-10": 1,
        "2009-11": 2,
        "2009-12": 4,
        "2010-01": 8,  # FY2010-Q2
        "2010-03": 16,
        "2010-09": 32,  # FY2010-Q4
        "2010-10": 2048,  # FY2011
    }
    targets = {
        "FY2010": {"target": 60, "red_flag": 40},
        "FY2010-Q1": {"target": 7, "red_flag": 5},
    }
    kpis = [
        kpi("fy-sum", values, targets, aggregation="sum"),
        kpi("fy-last", values, {"FY2010": {"target": 32, "red_flag": 16}}, aggregation="last"),
    ]
    units = [
        {"code": "acme", "name": "Acme", "perspectives": [perspective("p", [objective("o", kpis)])]}
    ]
    path = tmp_path / "fiscal.yaml"
    path.write_text(card(units, fiscal_year_start=10))
    fourfold("load", str(path))
    return {key: score(fourfold, "acme", key) for key in ("FY2010", "FY2010-Q1", "2010-01-YTD")}


# (period, KPI, actual, target, score, status)
FISCAL_CASES: list[tuple[str, str, float, float | None, float | None, str | None]] = [
    # 1 + 2 + 4 + 8 + 16 + 32 = 63 against 60 / 40: 10/3 · (1 + 23/20) = 7.17.
    ("FY2010", "fy-sum", 63, 60, 7.17, "green"),
    ("FY2010", "fy-last", 32, 32, 6.67, "green"),
    ("FY2010-Q1", "fy-sum", 7, 7, 6.67, "green"),
    ("FY2010-Q1", "fy-last", 4, None, None, None),
    # The fiscal year to date: 2009-10..2010-01.
    ("2010-01-YTD", "fy-sum", 15, None, None, None),
]


@pytest.mark.parametrize(
    ("period", "code", "actual", "target", "score_", "status"),
    FISCAL_CASES,
    ids=[f"{p}-{c}" for p, c, *_ in FISCAL_CASES],
)
def test_it_maps_fiscal_periods_named_by_the_year_they_end(
    results: Callable[[str], dict[str, Rows]],
    period: str,
    code: str,
    actual: float,
    target: float | None,
    score_: float | None,
    status: str | None,
) -> None:
    row = results("fiscal")[period][("kpi", code)]
    assert row["period"] == period
    assert row["actual"] == actual, row
    assert row["target"] == target, row
    assert (row["score"], row["status"]) == (score_, status), row


def test_it_refuses_a_kpi_change_that_leaves_its_stored_targets_unscorable(
    fourfold: Run, tmp_path: Path
) -> None:
    # The targets were fine when defined; the second file turns the KPI to "lower is better"
    # (the red flag 80 is now on the wrong side of 100) and the other to a percent scheme
    # (a target of 0 has no percent), without restating the targets stored for 2026-01.
    before = [
        one_month("k", 90, {"target": 100, "red_flag": 80}),
        one_month("z", 0, {"target": 0, "red_flag": -10}),
    ]
    after: list[dict[str, Any]] = [
        {"code": "k", "name": "k", "direction": "decrease"},
        {"code": "z", "name": "z", "scheme": "gov"},
    ]
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    for path, kpis in ((first, before), (second, after)):
        unit = {
            "code": "acme",
            "name": "Acme",
            "perspectives": [perspective("p", [objective("o", kpis)])],
        }
        path.write_text(card([unit]))
    fourfold("load", str(first))
    for args in (("load", "--check", str(second)), ("load", str(second))):
        done = fourfold(*args, check=False)
        assert done.returncode != 0
        assert (
            "KPI k: its target for 2026-01 in the database no longer fits: for a KPI where "
            "lower is better the red flag must be above the target" in done.stderr
        )
        assert (
            "KPI z: its target for 2026-01 in the database no longer fits: a target of 0 "
            "has no percent" in done.stderr
        )
    assert "direction: decrease" not in fourfold("dump").stdout
    # Restating the targets along with the change is the way through.
    after[0]["targets"] = {"2026-01": {"target": 100, "red_flag": 120}}
    after[1]["targets"] = {"2026-01": {"target": 5}}
    unit = {
        "code": "acme",
        "name": "Acme",
        "perspectives": [perspective("p", [objective("o", after)])],
    }
    second.write_text(card([unit]))
    fourfold("load", str(second))
    rows = score(fourfold, "acme", "2026-01")
    check(rows[("kpi", "k")], 8.33, "green", "green", actual=90, target=100)
    check(rows[("kpi", "z")], 0.0, "Not met", "red", actual=0, target=5)
