"""DESIGN.md's scoring of one KPI, every scheme, and the targets refused at definition time,
end to end through the command line."""

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
    objective,
    one_month,
    perspective,
    score,
)
from tests.conftest import Run

# --- KPI scoring: one month, every scheme --------------------------------------------------

LOW = {"target": 500, "red_flag": 700}
# (code, actual, target, extra fields, score, status, colour)
KPI_CASES: list[tuple[str, float, dict[str, Any], dict[str, Any], float | None, str, str]] = [
    # Goal / red flag, higher is better: the worked example and each boundary.
    ("gr-300", 300, GR, {}, 0.0, "red", "red"),
    ("gr-100", 100, GR, {}, 0.0, "red", "red"),  # clamped at 0
    ("gr-499.99", 499.99, GR, {}, 3.33, "red", "red"),  # just below R: red
    ("gr-500", 500, GR, {}, 3.33, "amber", "amber"),  # A = R takes the better status
    ("gr-600", 600, GR, {}, 5.0, "amber", "amber"),
    ("gr-699.5", 699.5, GR, {}, 6.66, "amber", "amber"),
    ("gr-700", 700, GR, {}, 6.67, "green", "green"),  # A = G takes the better status
    ("gr-800", 800, GR, {}, 8.33, "green", "green"),
    ("gr-900", 900, GR, {}, 10.0, "green", "green"),
    ("gr-1000", 1000, GR, {}, 10.0, "green", "green"),  # clamped at 10
    # Lower is better (G < R): the same boundaries mirrored.
    ("lo-100", 100, LOW, {"direction": "decrease"}, 10.0, "green", "green"),
    ("lo-300", 300, LOW, {"direction": "decrease"}, 10.0, "green", "green"),
    ("lo-400", 400, LOW, {"direction": "decrease"}, 8.33, "green", "green"),
    ("lo-500", 500, LOW, {"direction": "decrease"}, 6.67, "green", "green"),
    ("lo-500.5", 500.5, LOW, {"direction": "decrease"}, 6.66, "amber", "amber"),
    ("lo-600", 600, LOW, {"direction": "decrease"}, 5.0, "amber", "amber"),
    ("lo-700", 700, LOW, {"direction": "decrease"}, 3.33, "amber", "amber"),
    ("lo-700.01", 700.01, LOW, {"direction": "decrease"}, 3.33, "red", "red"),
    ("lo-900", 900, LOW, {"direction": "decrease"}, 0.0, "red", "red"),
    ("lo-1200", 1200, LOW, {"direction": "decrease"}, 0.0, "red", "red"),
    # Boundaries with numbers that binary floating point does not hold exactly.
    ("gr-f-0.1", 0.1, {"target": 0.3, "red_flag": 0.1}, {}, 3.33, "amber", "amber"),
    ("gr-f-0.3", 0.3, {"target": 0.3, "red_flag": 0.1}, {}, 6.67, "green", "green"),
    # A target of 0 is fine with a red flag.
    ("zero-0", 0, {"target": 0, "red_flag": -10}, {}, 6.67, "green", "green"),
    ("zero-m10", -10, {"target": 0, "red_flag": -10}, {}, 3.33, "amber", "amber"),
    ("zero-10", 10, {"target": 0, "red_flag": -10}, {}, 10.0, "green", "green"),
    # Default red flag: 90 % of the target (increase), 110 % (decrease).
    ("dr-900", 900, {"target": 1000}, {}, 3.33, "amber", "amber"),
    ("dr-899.99", 899.99, {"target": 1000}, {}, 3.33, "red", "red"),
    ("dr-1000", 1000, {"target": 1000}, {}, 6.67, "green", "green"),
    ("dr-1100", 1100, {"target": 1000}, {}, 10.0, "green", "green"),
    ("dr-800", 800, {"target": 1000}, {}, 0.0, "red", "red"),
    ("dr-22.86", 22.86, {"target": 25.4}, {}, 3.33, "amber", "amber"),
    ("dr-22.85", 22.85, {"target": 25.4}, {}, 3.32, "red", "red"),
    ("dd-1100", 1100, {"target": 1000}, {"direction": "decrease"}, 3.33, "amber", "amber"),
    ("dd-1100.01", 1100.01, {"target": 1000}, {"direction": "decrease"}, 3.33, "red", "red"),
    ("dd-1000", 1000, {"target": 1000}, {"direction": "decrease"}, 6.67, "green", "green"),
    ("dd-900", 900, {"target": 1000}, {"direction": "decrease"}, 10.0, "green", "green"),
    ("dd-27.94", 27.94, {"target": 25.4}, {"direction": "decrease"}, 3.33, "amber", "amber"),
    ("dd-27.95", 27.95, {"target": 25.4}, {"direction": "decrease"}, 3.32, "red", "red"),
    # A negative target: the red flag is 10 % of |G| away in the bad direction.
    ("neg-up-55", -55, {"target": -50}, {}, 3.33, "amber", "amber"),
    ("neg-up-55.01", -55.01, {"target": -50}, {}, 3.33, "red", "red"),
    ("neg-up-50", -50, {"target": -50}, {}, 6.67, "green", "green"),
    ("neg-up-45", -45, {"target": -50}, {}, 10.0, "green", "green"),
    ("neg-up-60", -60, {"target": -50}, {}, 0.0, "red", "red"),
    ("neg-down-45", -45, {"target": -50}, {"direction": "decrease"}, 3.33, "amber", "amber"),
    ("neg-down-44.99", -44.99, {"target": -50}, {"direction": "decrease"}, 3.33, "red", "red"),
    ("neg-down-50", -50, {"target": -50}, {"direction": "decrease"}, 6.67, "green", "green"),
    ("neg-down-55", -55, {"target": -50}, {"direction": "decrease"}, 10.0, "green", "green"),
    # Percent of target, 3 bands: DESIGN's worked example.
    (
        "pc-example",
        25.7,
        {"target": 25.4},
        {"direction": "decrease", "scheme": "gov"},
        5.89,
        "Slightly below",
        "amber",
    ),
    # Exactly 95 % with numbers that are not exact in binary: 0.285 / 0.3 and 0.285 / 0.3.
    ("pc-95-up", 0.285, {"target": 0.3}, {"scheme": "gov"}, 3.33, "Slightly below", "amber"),
    (
        "pc-95-down",
        0.3,
        {"target": 0.285},
        {"direction": "decrease", "scheme": "gov"},
        3.33,
        "Slightly below",
        "amber",
    ),
    ("pc-95-tenths", 24.13, {"target": 25.4}, {"scheme": "gov"}, 3.33, "Slightly below", "amber"),
    ("pc-below-95", 24.12, {"target": 25.4}, {"scheme": "gov"}, 3.31, "Not met", "red"),
    ("pc-100", 0.3, {"target": 0.3}, {"scheme": "gov"}, 6.67, "Met", "green"),
    (
        "pc-100-down",
        0.3,
        {"target": 0.3},
        {"direction": "decrease", "scheme": "gov"},
        6.67,
        "Met",
        "green",
    ),
    (
        "pc-zero-down",
        0,
        {"target": 5},
        {"direction": "decrease", "scheme": "gov"},
        10.0,
        "Met",
        "green",
    ),
    ("pc-zero-up", 0, {"target": 5}, {"scheme": "gov"}, 0.0, "Not met", "red"),
    # The best band reaches 100 + 5 (its neighbour's width), the worst band 95 - 5, clamped.
    ("pc-102.5", 102.5, {"target": 100}, {"scheme": "gov"}, 8.33, "Met", "green"),
    ("pc-105", 105, {"target": 100}, {"scheme": "gov"}, 10.0, "Met", "green"),
    ("pc-150", 150, {"target": 100}, {"scheme": "gov"}, 10.0, "Met", "green"),
    ("pc-97.5", 97.5, {"target": 100}, {"scheme": "gov"}, 5.0, "Slightly below", "amber"),
    ("pc-92.5", 92.5, {"target": 100}, {"scheme": "gov"}, 1.67, "Not met", "red"),
    ("pc-90", 90, {"target": 100}, {"scheme": "gov"}, 0.0, "Not met", "red"),
    ("pc-50", 50, {"target": 100}, {"scheme": "gov"}, 0.0, "Not met", "red"),
    # Two statuses: band [100, 110] scores 5..10 and [90, 100] scores 0..5.
    ("two-100", 100, {"target": 100}, {"scheme": "pass"}, 5.0, "Pass", "green"),
    ("two-105", 105, {"target": 100}, {"scheme": "pass"}, 7.5, "Pass", "green"),
    ("two-110", 110, {"target": 100}, {"scheme": "pass"}, 10.0, "Pass", "green"),
    ("two-130", 130, {"target": 100}, {"scheme": "pass"}, 10.0, "Pass", "green"),
    ("two-95", 95, {"target": 100}, {"scheme": "pass"}, 2.5, "Fail", "red"),
    ("two-90", 90, {"target": 100}, {"scheme": "pass"}, 0.0, "Fail", "red"),
    ("two-80", 80, {"target": 100}, {"scheme": "pass"}, 0.0, "Fail", "red"),
    (
        "two-down-95",
        100,
        {"target": 95},
        {"scheme": "pass", "direction": "decrease"},
        2.5,
        "Fail",
        "red",
    ),
    # Four statuses of unequal widths: [90,95] [95,100] [100,120] [120,140] -> 0..2.5..5..7.5..10.
    ("four-89", 89, {"target": 100}, {"scheme": "four"}, 0.0, "Not met", "red"),
    ("four-92.5", 92.5, {"target": 100}, {"scheme": "four"}, 1.25, "Not met", "red"),
    ("four-95", 95, {"target": 100}, {"scheme": "four"}, 2.5, "Near", "amber"),
    ("four-97.5", 97.5, {"target": 100}, {"scheme": "four"}, 3.75, "Near", "amber"),
    ("four-100", 100, {"target": 100}, {"scheme": "four"}, 5.0, "Met", "green"),
    ("four-110", 110, {"target": 100}, {"scheme": "four"}, 6.25, "Met", "green"),
    ("four-120", 120, {"target": 100}, {"scheme": "four"}, 7.5, "Excellent", "blue"),
    ("four-130", 130, {"target": 100}, {"scheme": "four"}, 8.75, "Excellent", "blue"),
    ("four-140", 140, {"target": 100}, {"scheme": "four"}, 10.0, "Excellent", "blue"),
    ("four-200", 200, {"target": 100}, {"scheme": "four"}, 10.0, "Excellent", "blue"),
    # Five statuses: [60,80] [80,100] [100,110] [110,130] [130,150] -> 0, 2, 4, 6, 8, 10.
    ("five-50", 50, {"target": 100}, {"scheme": "five"}, 0.0, "Not met", "red"),
    ("five-70", 70, {"target": 100}, {"scheme": "five"}, 1.0, "Not met", "red"),
    ("five-80", 80, {"target": 100}, {"scheme": "five"}, 2.0, "Near", "amber"),
    ("five-90", 90, {"target": 100}, {"scheme": "five"}, 3.0, "Near", "amber"),
    ("five-105", 105, {"target": 100}, {"scheme": "five"}, 5.0, "Met", "yellow"),
    ("five-120", 120, {"target": 100}, {"scheme": "five"}, 7.0, "Exceeds", "green"),
    ("five-130", 130, {"target": 100}, {"scheme": "five"}, 8.0, "Outstanding", "blue"),
    ("five-140", 140, {"target": 100}, {"scheme": "five"}, 9.0, "Outstanding", "blue"),
    ("five-160", 160, {"target": 100}, {"scheme": "five"}, 10.0, "Outstanding", "blue"),
    # Yes / no.
    ("yes", 1, {}, {"scheme": "yes_no"}, 10.0, "Yes", "green"),
    ("no", 0, {}, {"scheme": "yes_no"}, 0.0, "No", "red"),
]

BAND = {"low": 20, "high": 30}
RANGE = {"direction": "range"}
TIGHT = {"direction": "range", "tolerance": 3}
# (code, actual, band, extra fields, score, status, colour)
RANGE_CASES: list[tuple[str, float, dict[str, Any], dict[str, Any], float, str, str]] = [
    ("rg-25", 25, BAND, RANGE, 10.0, "green", "green"),
    ("rg-20", 20, BAND, RANGE, 10.0, "green", "green"),  # on the edges: inside
    ("rg-30", 30, BAND, RANGE, 10.0, "green", "green"),
    ("rg-35", 35, BAND, RANGE, 5.0, "amber", "amber"),  # half the default tolerance (10)
    ("rg-15", 15, BAND, RANGE, 5.0, "amber", "amber"),
    ("rg-37.5", 37.5, BAND, RANGE, 2.5, "red", "red"),
    ("rg-40", 40, BAND, RANGE, 0.0, "red", "red"),
    ("rg-10", 10, BAND, RANGE, 0.0, "red", "red"),
    ("rg-90", 90, BAND, RANGE, 0.0, "red", "red"),
    # A KPI-set tolerance of 3: 1 outside scores exactly 20/3 (green), 2 outside 10/3 (amber).
    ("rt-31", 31, BAND, TIGHT, 6.67, "green", "green"),
    ("rt-32", 32, BAND, TIGHT, 3.33, "amber", "amber"),
    ("rt-18.5", 18.5, BAND, TIGHT, 5.0, "amber", "amber"),
    ("rt-33", 33, BAND, TIGHT, 0.0, "red", "red"),
    ("rt-35", 35, BAND, TIGHT, 0.0, "red", "red"),
    # Statuses of a four-status scheme in equal score bands of 2.5.
    ("r4-5", 5, {"low": 0, "high": 10}, {**RANGE, "scheme": "four"}, 10.0, "Excellent", "blue"),
    (
        "r4-12.5",
        12.5,
        {"low": 0, "high": 10},
        {**RANGE, "scheme": "four"},
        7.5,
        "Excellent",
        "blue",
    ),
    ("r4-15", 15, {"low": 0, "high": 10}, {**RANGE, "scheme": "four"}, 5.0, "Met", "green"),
    ("r4-17.5", 17.5, {"low": 0, "high": 10}, {**RANGE, "scheme": "four"}, 2.5, "Near", "amber"),
    ("r4-19", 19, {"low": 0, "high": 10}, {**RANGE, "scheme": "four"}, 1.0, "Not met", "red"),
]


@group
def kpis(fourfold: Run, tmp_path: Path) -> dict[str, Rows]:
    scored = [one_month(c, a, t, **f) for c, a, t, f, *_ in KPI_CASES]
    ranged = [one_month(c, a, b, **f) for c, a, b, f, *_ in RANGE_CASES]
    mixed = [
        one_month("mx-scored", 800, GR),
        one_month("mx-unscored", 42, {}, scheme="unscored"),
    ]
    perspectives = [
        perspective("p", [objective("scored", scored), objective("ranged", ranged)]),
        perspective("m", [objective("mixed", mixed)]),
    ]
    path = tmp_path / "kpis.yaml"
    path.write_text(card([{"code": "acme", "name": "Acme", "perspectives": perspectives}]))
    fourfold("load", str(path))
    return {"2026-01": score(fourfold, "acme", "2026-01")}


@pytest.mark.parametrize(
    ("code", "actual", "target", "score_", "status", "color"),
    [(c, a, t.get("target"), s, st, col) for c, a, t, _, s, st, col in KPI_CASES],
    ids=[case[0] for case in KPI_CASES],
)
def test_it_scores_a_kpi_as_design_says(
    results: Callable[[str], dict[str, Rows]],
    code: str,
    actual: float,
    target: float | None,
    score_: float,
    status: str,
    color: str,
) -> None:
    row = results("kpis")["2026-01"][("kpi", code)]
    check(row, score_, status, color, actual=actual, target=target)
    if target is None:
        assert row["target"] is None


@pytest.mark.parametrize(
    ("code", "actual", "band", "score_", "status", "color"),
    [(c, a, b, s, st, col) for c, a, b, _, s, st, col in RANGE_CASES],
    ids=[case[0] for case in RANGE_CASES],
)
def test_it_scores_a_range_best_in_the_middle(
    results: Callable[[str], dict[str, Rows]],
    code: str,
    actual: float,
    band: dict[str, float],
    score_: float,
    status: str,
    color: str,
) -> None:
    row = results("kpis")["2026-01"][("kpi", code)]
    check(row, score_, status, color, actual=actual)
    assert (row["low"], row["high"]) == (band["low"], band["high"])


def test_it_shows_an_unscored_kpi_but_never_rolls_it_up(
    results: Callable[[str], dict[str, Rows]],
) -> None:
    rows = results("kpis")["2026-01"]
    unscored = rows[("kpi", "mx-unscored")]
    assert unscored["actual"] == 42
    check(unscored, None, None, None, coverage=None)
    # The objective is its scored KPI alone: same score, and the unscored one is not expected.
    check(rows[("objective", "mixed")], 8.33, "green", "green", coverage=(1, 1, 0))


# --- Refusals at definition time ------------------------------------------------------------

BAD_TARGETS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("same", {"target": 100, "red_flag": 100}, {}, "cannot equal the target"),
    ("wrong-up", {"target": 100, "red_flag": 120}, {}, "must be below the target"),
    (
        "wrong-down",
        {"target": 100, "red_flag": 80},
        {"direction": "decrease"},
        "must be above the target",
    ),
    ("zero", {"target": 0}, {}, "a target of 0 needs a red flag"),
    ("zero-pc", {"target": 0}, {"scheme": "gov"}, "a target of 0 has no percent"),
    (
        "zero-pc-flag",
        {"target": 0, "red_flag": -5},
        {"scheme": "gov"},
        "a target of 0 has no percent",
    ),
    (
        "zero-pc-down",
        {"target": 0},
        {"scheme": "gov", "direction": "decrease"},
        "a target of 0 has no percent",
    ),
]


def _refused_file(tmp_path: Path) -> tuple[Path, str]:
    kpis = [one_month("fine", 800, GR)]
    kpis += [one_month(code, 1, target, **fields) for code, target, fields, _ in BAD_TARGETS]
    units = [
        {"code": "acme", "name": "Acme", "perspectives": [perspective("p", [objective("o", kpis)])]}
    ]
    text = card(units)
    path = tmp_path / "refused.yaml"
    path.write_text(text)
    return path, text


def _target_line(text: str, code: str) -> int:
    """The line of the KPI's target period in the file (1-based)."""
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.endswith(f"- code: {code}")))
    targets = next(i for i in range(start, len(lines)) if lines[i].strip() == "targets:")
    return targets + 2


def test_it_refuses_every_unscorable_target_naming_its_place_and_writes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    path, text = _refused_file(tmp_path)
    for args in (("load", "--check", str(path)), ("load", str(path))):
        done = fourfold(*args, check=False)
        assert done.returncode != 0
        assert "Traceback" not in done.stderr
        problems = done.stderr.splitlines()
        assert len(problems) == len(BAD_TARGETS) + 1, done.stderr
        for code, _, _, message in BAD_TARGETS:
            place = f"line {_target_line(text, code)}, KPI {code}, target 2026-01: "
            assert any(p.startswith(f"{path}: {place}") and message in p for p in problems), (
                code,
                done.stderr,
            )
        assert "nothing was written" in problems[-1]
    assert "acme" not in fourfold("dump").stdout
    assert fourfold("scores", "--json", "--period", "2026-01").stdout == ""
