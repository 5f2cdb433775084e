"""Calculated and roll-up KPIs end to end: load a file with formulas, import values, score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Run, score_lines

CARD = """
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: acme
    name: Acme
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: profit
            name: Be profitable
            kpis:
              - code: revenue
                name: Revenue
              - code: cost
                name: Cost
                direction: decrease
              - code: gross-margin
                name: Gross margin %
                aggregation: average
                formula: (revenue - cost) / revenue * 100
                targets: {2026-01: {target: 20, red_flag: 10}, 2026-Q1: {target: 20, red_flag: 10}}
              - code: orders
                name: Orders of the company
                formula: sum_children(orders)
                targets: {2026-01: {target: 10, red_flag: 8}}
              - code: growth
                name: Revenue growth
                unit: "%"
                scheme: unscored
                formula: if(prev(revenue) == 0, 0, (revenue / prev(revenue) - 1) * 100)
              - code: revenue-ytd
                name: Revenue year to date
                scheme: unscored
                formula: ytd(revenue)
  - code: north
    name: North team
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: north-sell
            name: Sell
            kpis:
              - code: north.orders
                name: Orders
              - code: north.share
                name: Share of the company's orders
                aggregation: average
                scheme: unscored
                formula: round([north.orders] / orders * 100, 1)
  - code: south
    name: South team
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: south-sell
            name: Sell
            kpis:
              - code: south.orders
                name: Orders
"""

VALUES = """kpi,period,actual
revenue,2026-01,100
cost,2026-01,50
revenue,2026-02,300
cost,2026-02,270
revenue,2026-03,100
cost,2026-03,100
revenue,2026-04,0
cost,2026-04,0
revenue,2026-05,50
north.orders,2026-01,5
south.orders,2026-01,7
north.orders,2026-02,6
"""


def load_and_import(fourfold: Run, tmp_path: Path, values: str = VALUES) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD)
    fourfold("load", str(card))
    csv = tmp_path / "values.csv"
    csv.write_text(values)
    fourfold("import", str(csv))


def scores(fourfold: Run, period: str, unit: str = "acme") -> dict[tuple[str, str], Any]:
    return score_lines(fourfold("scores", "--unit", unit, "--period", period, "--json"))


def kpi(rows: dict[tuple[str, str], Any], code: str) -> dict[str, Any]:
    row: dict[str, Any] = rows[("kpi", code)]
    return row


def test_it_computes_a_calculated_kpi_and_scores_it(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    margin = kpi(scores(fourfold, "2026-01"), "gross-margin")
    assert margin["actual"] == 50.0
    assert margin["score"] == 10.0 and margin["status"] == "green"
    assert "quality" not in margin


def test_it_takes_a_ratio_of_sums_over_a_quarter(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    margin = kpi(scores(fourfold, "2026-Q1"), "gross-margin")
    # (500 - 420) / 500, not the average of 50 %, 10 % and 0 % (20 %).
    assert margin["actual"] == pytest.approx(16.0)
    ytd = kpi(scores(fourfold, "2026-03-YTD"), "gross-margin")
    assert ytd["actual"] == pytest.approx(16.0)


def test_it_flags_a_division_by_zero_and_gives_no_value(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    margin = kpi(scores(fourfold, "2026-04"), "gross-margin")
    assert margin["actual"] is None
    assert margin["quality"] == "division by zero"
    assert margin["coverage"]["overdue"] == 0
    readable = fourfold("scores", "--unit", "acme", "--period", "2026-04").stdout
    assert "division by zero" in readable


def test_it_reads_the_previous_period_and_the_year_to_date(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    february = scores(fourfold, "2026-02")
    assert kpi(february, "growth")["actual"] == pytest.approx(200.0)
    assert kpi(february, "revenue-ytd")["actual"] == 400.0
    assert kpi(scores(fourfold, "2026-01"), "growth")["actual"] is None  # no previous month
    assert kpi(scores(fourfold, "2026-04"), "growth")["actual"] == -100.0
    # if() only looks at the branch it takes: May's 50 / 0 is not reached, nor flagged.
    may = kpi(scores(fourfold, "2026-05"), "growth")
    assert may["actual"] == 0.0 and "quality" not in may
    assert kpi(scores(fourfold, "2026-Q1"), "revenue-ytd")["actual"] == 500.0


def test_it_rolls_a_kpi_up_from_the_child_units(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    orders = kpi(scores(fourfold, "2026-01"), "orders")
    assert orders["actual"] == 12.0
    assert orders["score"] == 10.0
    # South has reported before but not in February: a partial sum would mislead.
    assert kpi(scores(fourfold, "2026-02"), "orders")["actual"] is None
    assert kpi(scores(fourfold, "2026-Q1"), "orders")["actual"] == 18.0


def test_a_unit_alone_still_sees_the_inputs_from_above(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    north = scores(fourfold, "2026-01", unit="north")
    assert kpi(north, "north.share")["actual"] == pytest.approx(41.7)
    assert ("kpi", "orders") not in north


def test_it_recomputes_when_an_input_changes(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    before = scores(fourfold, "2026-01")
    assert kpi(before, "gross-margin")["actual"] == 50.0
    assert kpi(before, "orders")["actual"] == 12.0
    changed = tmp_path / "changed.csv"
    changed.write_text("kpi,period,actual\ncost,2026-01,80\nsouth.orders,2026-01,9\n")
    fourfold("import", str(changed))
    after = scores(fourfold, "2026-01")
    assert kpi(after, "gross-margin")["actual"] == pytest.approx(20.0)
    assert kpi(after, "orders")["actual"] == 14.0
    assert kpi(scores(fourfold, "2026-01", unit="north"), "north.share")["actual"] == 35.7


def test_dump_writes_the_formulas_back_and_loading_it_changes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    load_and_import(fourfold, tmp_path)
    dumped = fourfold("dump").stdout
    kpis = {
        k["code"]: k
        for unit in yaml.safe_load(dumped)["units"]
        for p in unit["perspectives"]
        for o in p["objectives"]
        for k in o["kpis"]
    }
    assert kpis["gross-margin"]["formula"] == "(revenue - cost) / revenue * 100"
    assert kpis["orders"]["formula"] == "sum_children(orders)"
    assert "formula" not in kpis["revenue"]
    again = tmp_path / "again.yaml"
    again.write_text(dumped)
    assert "Nothing changed" in fourfold("load", str(again)).stdout


def broken(fourfold: Run, tmp_path: Path, *changes: str) -> str:
    """`load --check` of the card with each (old, new) pair of texts replaced."""
    text = CARD
    for old, new in zip(changes[::2], changes[1::2], strict=True):
        assert old in text
        text = text.replace(old, new)
    card = tmp_path / "broken.yaml"
    card.write_text(text)
    done = fourfold("load", "--check", str(card), check=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    return done.stderr


def test_it_names_the_column_of_an_unknown_code(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(fourfold, tmp_path, "(revenue - cost)", "(revnue - cost)")
    assert "formula of KPI gross-margin, column 2: unknown KPI code 'revnue'" in stderr
    assert "did you mean 'revenue'?" in stderr


def test_it_tells_how_to_subtract_codes(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(fourfold, tmp_path, "(revenue - cost)", "(revenue-cost)")
    assert "unknown KPI code 'revenue-cost'; to subtract, put spaces around '-'" in stderr


def test_it_names_a_syntax_error_with_its_column(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(fourfold, tmp_path, "(revenue - cost) / revenue", "(revenue - cost / revenue")
    assert (
        "formula of KPI gross-margin, column 32: expected ')' to close the '(' at column 1"
    ) in stderr


def test_it_refuses_a_cycle_and_names_it(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(
        fourfold,
        tmp_path,
        "formula: ytd(revenue)",
        "formula: growth + 1",
        "if(prev(revenue) == 0",
        "if(prev([revenue-ytd]) == 0",
    )
    assert "its inputs form a cycle: growth → revenue-ytd → growth" in stderr


def test_it_refuses_values_for_a_calculated_kpi(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(
        fourfold,
        tmp_path,
        "formula: sum_children(orders)",
        "formula: sum_children(orders)\n                values: {2026-01: 3}",
    )
    assert "a calculated KPI takes no values" in stderr


def test_it_refuses_to_make_a_measured_kpi_calculated(fourfold: Run, tmp_path: Path) -> None:
    load_and_import(fourfold, tmp_path)
    stderr = broken(
        fourfold,
        tmp_path,
        "                name: Cost\n",
        "                name: Cost\n                formula: revenue / 2\n",
    )
    assert "KPI cost: it has measured values in the database" in stderr


def test_it_refuses_a_roll_up_without_child_kpis(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(fourfold, tmp_path, "sum_children(orders)", "avg_children(sales)")
    assert (
        "no direct child unit of unit acme has a KPI coded '<child unit>.sales' "
        "(its child units: north, south; e.g. 'north.sales')"
    ) in stderr


def test_it_refuses_an_input_coarser_than_the_kpi(fourfold: Run, tmp_path: Path) -> None:
    stderr = broken(
        fourfold,
        tmp_path,
        "                name: Cost\n",
        "                name: Cost\n                frequency: quarterly\n",
    )
    assert "its input 'cost' is quarterly, coarser than this monthly KPI" in stderr


def test_it_refuses_a_value_for_a_calculated_kpi_and_writes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    load_and_import(fourfold, tmp_path)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("kpi,period,actual,target\nrevenue,2026-06,80,\ngross-margin,2026-06,55,\n")
    done = fourfold("import", str(wrong), check=False)
    assert done.returncode == 1
    assert (
        "row 3: KPI gross-margin is calculated from its formula ((revenue - cost) / revenue * 100):"
        " it takes no values, only targets" in done.stderr
    )
    assert kpi(scores(fourfold, "2026-06"), "revenue")["actual"] is None
    # A target for it is fine.
    target = tmp_path / "target.csv"
    target.write_text("kpi,period,actual,target\ngross-margin,2026-06,,25\n")
    fourfold("import", str(target))
    assert kpi(scores(fourfold, "2026-06"), "gross-margin")["target"] == 25.0
