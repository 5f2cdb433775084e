"""Helpers of the tests of DESIGN.md's "Periods" and "Scoring" rules (tests/cli/test_design_*.py).

Each group of rules is one scorecard file: one `fourfold load`, then one `fourfold scores --json`
per period, run once and shared by the parametrized expectations of the group (the commands are
not parametrized, the expectations are).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Run, score_lines

Rows = dict[tuple[str, str], dict[str, Any]]
# The worked example of DESIGN.md: goal 700, red flag 500.
GR = {"target": 700, "red_flag": 500}
TODAY = "2026-12-31"  # a fixed day, so that what is overdue never depends on the clock

SCHEMES: dict[str, Any] = {
    "gov": {
        "type": "percent_of_target",
        "bands": [
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Slightly below", "min": 95, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
    "pass": {
        "type": "percent_of_target",
        "bands": [{"status": "Pass", "min": 100, "color": "green"}, {"status": "Fail"}],
    },
    # Four bands of unequal widths, so that "the neighbouring width" is told apart from others.
    "four": {
        "type": "percent_of_target",
        "bands": [
            {"status": "Excellent", "min": 120, "color": "blue"},
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Near", "min": 95, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
    "five": {
        "type": "percent_of_target",
        "bands": [
            {"status": "Outstanding", "min": 130, "color": "blue"},
            {"status": "Exceeds", "min": 110, "color": "green"},
            {"status": "Met", "min": 100, "color": "yellow"},
            {"status": "Near", "min": 80, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
    "share": {
        "type": "percent_of_target",
        "bands": [
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Mostly met", "min": 75, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
}


def kpi(code: str, values: Mapping[str, float], targets: dict[str, Any], **fields: Any) -> Any:
    """A KPI of the scorecard file, monthly and summed unless told otherwise."""
    return {"code": code, "name": code, **fields, "targets": targets, "values": values}


def objective(code: str, kpis: list[Any], **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": code, **fields, "kpis": kpis}


def perspective(code: str, objectives: list[Any], **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": code, **fields, "objectives": objectives}


def card(units: list[dict[str, Any]], fiscal_year_start: int = 1) -> str:
    document = {
        "organization": {"name": "Acme", "fiscal_year_start": fiscal_year_start},
        "schemes": SCHEMES,
        "units": units,
    }
    return yaml.safe_dump(document, sort_keys=False, width=200)


def one_month(code: str, actual: float, target: dict[str, Any], **fields: Any) -> Any:
    return kpi(code, {"2026-01": actual}, {"2026-01": target}, **fields)


def score(fourfold: Run, unit: str, period: str) -> Rows:
    return score_lines(
        fourfold("scores", "--unit", unit, "--period", period, "--today", TODAY, "--json")
    )


Group = Callable[[Run, Path], dict[str, Rows]]
GROUPS: dict[str, Group] = {}


def group(func: Group) -> Group:
    GROUPS[func.__name__] = func
    return func


def check(
    row: dict[str, Any],
    score_: float | None,
    status: str | None,
    color: str | None,
    *,
    actual: float | None = None,
    target: float | None = None,
    coverage: tuple[int, int, int] | None = (1, 1, 0),
) -> None:
    got = (row["score"], row["status"], row["color"])
    assert got == (score_, status, color), row
    if actual is not None:
        assert row["actual"] == pytest.approx(actual, abs=1e-9), row
    if target is not None:
        assert row["target"] == pytest.approx(target, abs=1e-9), row
    if coverage is not None:
        expected, reported, overdue = coverage
        want = {"expected": expected, "reported": reported, "overdue": overdue}
        assert row["coverage"] == want, row
