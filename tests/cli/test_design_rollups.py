"""DESIGN.md's roll-ups and coverage, end to end through the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.design import (
    GR,
    Rows,
    card,
    check,
    group,
    kpi,
    objective,
    perspective,
    score,
)
from tests.conftest import Run

# --- Roll-ups ------------------------------------------------------------------------------


def _k(code: str, actual: float | None, **fields: Any) -> Any:
    """A KPI with the worked example's goal 700 and red flag 500, and maybe no value."""
    values = {} if actual is None else {"2026-01": actual}
    return kpi(code, values, {"2026-01": GR}, **fields)


@group
def rollups(fourfold: Run, tmp_path: Path) -> dict[str, Rows]:
    acme = {
        "code": "acme",
        "name": "Acme",
        "perspectives": [
            perspective(
                "fin",
                [
                    # (3·10 + 1·0) / 4 = 7.5: the KPI without a value is left out.
                    objective(
                        "wm",
                        [_k("wm-a", 900, weight=3), _k("wm-b", 300), _k("wm-c", None, weight=5)],
                        weight=2,
                    ),
                    objective(
                        "wo",
                        [_k("wo-a", 800), _k("wo-b", 600), _k("wo-c", None)],
                        rollup="worst",
                        weight=3,
                    ),
                ],
                weight=3,
            ),
            perspective(
                "cust",
                [
                    objective(  # 3 of 4 green: 75 % is mostly met
                        "sm",
                        [_k("sm-a", 700), _k("sm-b", 800), _k("sm-c", 900), _k("sm-d", 400)],
                        rollup="share_met",
                        scheme="share",
                    ),
                    objective(  # 2 of the 2 that reported: 100 %
                        "sm-all",
                        [_k("sa-a", 700), _k("sa-b", 1000), _k("sa-c", None)],
                        rollup="share_met",
                        scheme="share",
                    ),
                    objective(  # 1 of 3: not met
                        "sm-none",
                        [_k("sn-a", 700), _k("sn-b", 600), _k("sn-c", 100)],
                        rollup="share_met",
                    ),
                    objective("al", [_k("al-a", 900)]),  # + s-grow (5.0) that contributes
                ],
                rollup="share_met",
                scheme="share",
            ),
        ],
    }
    sales = {
        "code": "sales",
        "name": "Sales",
        "parent": "acme",
        "rollup": "worst",
        "perspectives": [
            perspective(
                "s-cust",
                [
                    objective("s-grow", [_k("sg-a", 600)], aligned_to="al", contributes=True),
                    objective("s-aside", [_k("sx-a", 300)], aligned_to="al"),
                ],
                scheme="four",
            ),
            perspective(
                "s-fin",
                [
                    objective("s-top", [_k("st-a", 900)]),
                    objective("s-five", [_k("sf-a", 900), _k("sf-b", 600)], scheme="five"),
                ],
            ),
        ],
    }
    ops = {
        "code": "ops",
        "name": "Operations",
        "parent": "acme",
        "rollup": "share_met",
        "scheme": "share",
        "perspectives": [
            perspective(f"op{i}", [objective(f"oo{i}", [_k(f"ok{i}", actual)])])
            for i, actual in enumerate((900, 700, 600, 800))
        ],
    }
    path = tmp_path / "rollups.yaml"
    path.write_text(card([acme, sales, ops]))
    fourfold("load", str(path))
    return {unit: score(fourfold, unit, "2026-01") for unit in ("acme", "sales", "ops")}


# (unit, kind, code, score, status, colour, coverage)
# DESIGN.md counts, per rolled-up score, the children expected, reported and overdue, but does
# not say whether a child node that has a score (it reported) while a value below it is overdue
# counts as overdue. Read as a user of the scorecard expects, since "overdue and stale values
# are shown everywhere a score is": it does, so a perspective flags the overdue KPI of one of
# its objectives (fin: 2 of 2 objectives reported, and both hold an overdue KPI).
ROLLUP_CASES: list[
    tuple[str, str, str, float | None, str | None, str | None, tuple[int, int, int]]
] = [
    ("acme", "objective", "wm", 7.5, "green", "green", (3, 2, 1)),
    ("acme", "kpi", "wm-c", None, None, None, (1, 0, 1)),
    ("acme", "objective", "wo", 5.0, "amber", "amber", (3, 2, 1)),
    # (2·7.5 + 3·5) / 5
    ("acme", "perspective", "fin", 6.0, "amber", "amber", (2, 2, 2)),
    ("acme", "objective", "sm", 3.33, "Mostly met", "amber", (4, 4, 0)),
    ("acme", "objective", "sm-all", 6.67, "Met", "green", (3, 2, 1)),
    # No scheme given: the share_met default, Met / Mostly met / Not met.
    ("acme", "objective", "sm-none", 0.0, "Not met", "red", (3, 3, 0)),
    # Its KPI (10) and the aligned, contributing objective of Sales (5); not s-aside (0).
    ("acme", "objective", "al", 7.5, "green", "green", (2, 2, 0)),
    # sm-all and al at their best of 4: 50 %.
    ("acme", "perspective", "cust", 0.0, "Not met", "red", (4, 4, 1)),
    # (3·6 + 1·0) / 4
    ("acme", "scorecard", "acme", 4.5, "amber", "amber", (2, 2, 2)),
    ("sales", "objective", "s-grow", 5.0, "amber", "amber", (1, 1, 0)),
    ("sales", "objective", "s-aside", 0.0, "red", "red", (1, 1, 0)),
    # (5 + 0) / 2 = 2.5, read in four equal score bands: exactly on the edge of the second.
    ("sales", "perspective", "s-cust", 2.5, "Near", "amber", (2, 2, 0)),
    # (10 + 5) / 2 = 7.5 in five equal score bands: [6, 8] is the fourth.
    ("sales", "objective", "s-five", 7.5, "Exceeds", "green", (2, 2, 0)),
    ("sales", "perspective", "s-fin", 8.75, "green", "green", (2, 2, 0)),
    ("sales", "scorecard", "sales", 2.5, "red", "red", (2, 2, 0)),  # worst
    # 10, 6.67, 5.0 and 8.33: 3 of 4 perspectives green.
    ("ops", "perspective", "op2", 5.0, "amber", "amber", (1, 1, 0)),
    ("ops", "scorecard", "ops", 3.33, "Mostly met", "amber", (4, 4, 0)),
]


@pytest.mark.parametrize(
    ("unit", "kind", "code", "score_", "status", "color", "coverage"),
    ROLLUP_CASES,
    ids=[f"{case[1]}-{case[2]}" for case in ROLLUP_CASES],
)
def test_it_rolls_up_as_design_says(
    results: Callable[[str], dict[str, Rows]],
    unit: str,
    kind: str,
    code: str,
    score_: float | None,
    status: str | None,
    color: str | None,
    coverage: tuple[int, int, int],
) -> None:
    row = results("rollups")[unit][(kind, code)]
    check(row, score_, status, color, coverage=coverage)
