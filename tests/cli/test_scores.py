"""`fourfold load` then `fourfold scores --json` reproduces DESIGN.md's rules and examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, score_lines

HEADER = """
organization: {name: Acme, fiscal_year_start: 1}
schemes:
  gov:
    type: percent_of_target
    bands: [{status: Met, min: 100, color: green},
            {status: Slightly below, min: 95, color: amber},
            {status: Not met, color: red}]
units:
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
"""


def kpi(code: str, actual: float, target: str, **extra: str) -> str:
    lines = [
        f"              - code: {code}",
        f"                name: {code}",
        f"                direction: {extra.get('direction', 'increase')}",
        "                frequency: monthly",
        "                aggregation: sum",
        f"                scheme: {extra.get('scheme', 'default')}",
        f"                targets: {{2026-01: {target}}}",
        f"                values: {{2026-01: {actual}}}",
    ]
    return "\n".join(lines)


def objective(code: str, kpis: list[str]) -> str:
    return f"          - code: {code}\n            name: {code}\n            kpis:\n" + "\n".join(
        kpis
    )


def scores_of(fourfold: Run, tmp_path: Path, text: str) -> dict[tuple[str, str], dict[str, Any]]:
    path = tmp_path / "card.yaml"
    path.write_text(text)
    fourfold("load", str(path))
    return score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-01", "--json"))


GOAL_RED_FLAG = [
    (300, 0.0, "red"),
    (500, 3.33, "amber"),
    (600, 5.0, "amber"),
    (700, 6.67, "green"),
    (800, 8.33, "green"),
    (900, 10.0, "green"),
    (1000, 10.0, "green"),
]


def test_it_reproduces_the_goal_and_red_flag_worked_example(fourfold: Run, tmp_path: Path) -> None:
    kpis = [kpi(f"k{a}", a, "{target: 700, red_flag: 500}") for a, _, _ in GOAL_RED_FLAG]
    rows = scores_of(fourfold, tmp_path, HEADER + objective("grow", kpis))
    for actual, score, status in GOAL_RED_FLAG:
        row = rows[("kpi", f"k{actual}")]
        assert (row["actual"], row["target"], row["score"], row["status"]) == (
            actual,
            700,
            score,
            status,
        ), row
        assert row["color"] == status
        assert row["coverage"] == {"expected": 1, "reported": 1, "overdue": 0}


def test_it_scores_lower_is_better_by_the_order_of_goal_and_red_flag(
    fourfold: Run, tmp_path: Path
) -> None:
    kpis = [
        kpi("late", 600, "{target: 500, red_flag: 700}", direction="decrease"),
        kpi("ontime", 500, "{target: 500, red_flag: 700}", direction="decrease"),
        kpi("bad", 700, "{target: 500, red_flag: 700}", direction="decrease"),
        kpi("worse", 701, "{target: 500, red_flag: 700}", direction="decrease"),
    ]
    rows = scores_of(fourfold, tmp_path, HEADER + objective("cut", kpis))
    assert rows[("kpi", "late")]["score"] == 5.0
    assert rows[("kpi", "ontime")]["status"] == "green"
    assert rows[("kpi", "bad")]["status"] == "amber"
    assert rows[("kpi", "worse")]["status"] == "red"


def test_it_puts_the_default_red_flag_at_ninety_percent(fourfold: Run, tmp_path: Path) -> None:
    kpis = [
        kpi("edge", 22.86, "{target: 25.4}"),
        kpi("below", 22.85, "{target: 25.4}"),
        kpi("down", 27.94, "{target: 25.4}", direction="decrease"),
        kpi("down-over", 27.95, "{target: 25.4}", direction="decrease"),
    ]
    rows = scores_of(fourfold, tmp_path, HEADER + objective("o", kpis))
    assert rows[("kpi", "edge")]["status"] == "amber"
    assert rows[("kpi", "edge")]["score"] == 3.33
    assert rows[("kpi", "below")]["status"] == "red"
    assert rows[("kpi", "down")]["status"] == "amber"
    assert rows[("kpi", "down-over")]["status"] == "red"


def test_it_reproduces_the_percent_bands_worked_example(fourfold: Run, tmp_path: Path) -> None:
    kpis = [
        kpi("stock", 25.7, "{target: 25.4}", direction="decrease", scheme="gov"),
        kpi("exact95", 24.13, "{target: 25.4}", scheme="gov"),
        kpi("met", 25.4, "{target: 25.4}", scheme="gov"),
        kpi("under", 24.12, "{target: 25.4}", scheme="gov"),
    ]
    rows = scores_of(fourfold, tmp_path, HEADER + objective("o", kpis))
    assert rows[("kpi", "stock")]["status"] == "Slightly below"
    assert rows[("kpi", "stock")]["score"] == 5.89
    assert rows[("kpi", "stock")]["color"] == "amber"
    assert rows[("kpi", "exact95")]["status"] == "Slightly below"
    assert rows[("kpi", "exact95")]["score"] == 3.33
    assert rows[("kpi", "met")]["status"] == "Met"
    assert rows[("kpi", "under")]["status"] == "Not met"


def test_it_scores_a_range_best_in_the_middle(fourfold: Run, tmp_path: Path) -> None:
    band = "{low: 20, high: 30}"
    kpis = [
        kpi("inside", 25, band, direction="range"),
        kpi("edge", 30, band, direction="range"),
        kpi("half", 35, band, direction="range"),
        kpi("far", 40, band, direction="range"),
    ]
    rows = scores_of(fourfold, tmp_path, HEADER + objective("o", kpis))
    assert [rows[("kpi", c)]["score"] for c in ("inside", "edge", "half", "far")] == [
        10.0,
        10.0,
        5.0,
        0.0,
    ]
    assert rows[("kpi", "inside")]["status"] == "green"
    assert rows[("kpi", "half")]["status"] == "amber"
    assert rows[("kpi", "far")]["status"] == "red"


def test_it_rolls_up_a_weighted_mean_leaving_missing_data_out(
    fourfold: Run, tmp_path: Path
) -> None:
    text = HEADER + objective(
        "grow",
        [
            kpi("a", 700, "{target: 700, red_flag: 500}"),  # 6.67
            kpi("b", 900, "{target: 700, red_flag: 500}"),  # 10
        ],
    )
    text += """
              - code: c
                name: No value yet
                targets: {2026-01: {target: 700, red_flag: 500}}
"""
    rows = scores_of(fourfold, tmp_path, text)
    grow = rows[("objective", "grow")]
    assert grow["score"] == pytest.approx(8.33, abs=0.005)
    assert grow["status"] == "green"
    assert grow["coverage"] == {"expected": 3, "reported": 2, "overdue": 1}
    assert rows[("kpi", "c")]["coverage"] == {"expected": 1, "reported": 0, "overdue": 1}
    assert rows[("perspective", "financial")]["score"] == grow["score"]
    assert rows[("scorecard", "acme")]["score"] == grow["score"]
    assert rows[("scorecard", "acme")]["unit"] == "acme"


def test_it_prints_a_readable_table_without_json(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text(HEADER + objective("grow", [kpi("rev", 800, "{target: 700, red_flag: 500}")]))
    fourfold("load", str(path))
    out = fourfold("scores", "--unit", "acme", "--period", "2026-01").stdout
    assert "kpi rev" in out and "8.33" in out and "green" in out


def execute(database_url: str, sql: str) -> None:
    """Change a database as one written before DESIGN's limits may hold it."""
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with conn:
            conn.execute(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(database_url) as pg:
        pg.execute(sql)


def test_an_aggregate_that_overflows_is_null_with_its_reason_and_never_infinity(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    """Issue 9, item 5: two values of 1e308 (refused today, but an older database may hold
    them) add up to infinity: no score of 10, no `Infinity` in the JSON, no crash."""
    path = tmp_path / "card.yaml"
    big = kpi("big", 1e15, "{target: 700, red_flag: 500}")
    path.write_text(
        HEADER + objective("grow", [big.replace("0.0}", "0.0, 2026-02: 1000000000000000}")])
    )
    fourfold("load", str(path))
    execute(database_url, "UPDATE measures_measurement SET value = 1e308")

    def strict(line: str) -> Any:
        return json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in {line}"))

    done = fourfold("scores", "--unit", "acme", "--period", "2026-Q1", "--json")
    rows = {row["code"]: row for row in map(strict, done.stdout.splitlines())}
    assert rows["big"]["actual"] is None and rows["big"]["score"] is None
    assert rows["big"]["quality"] == "too large to compute: its aggregate overflows"
    assert rows["acme"]["score"] is None  # nothing to roll up: not a green 10
    assert done.stderr == ""
    table = fourfold("scores", "--unit", "acme", "--period", "2026-Q1")
    assert "kpi big" in table.stdout and "(too large to compute" in table.stdout
