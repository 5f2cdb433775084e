"""Every rule of DESIGN.md's "Periods" and "Scoring" sections, end to end through the real CLI.

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


@pytest.fixture(scope="module")
def _results() -> dict[str, dict[str, Rows]]:
    return {}


@pytest.fixture
def results(
    request: pytest.FixtureRequest, _results: dict[str, dict[str, Rows]]
) -> Callable[[str], dict[str, Rows]]:
    """The rows of a group, loaded and scored by the first test that asks for them."""

    def get(name: str) -> dict[str, Rows]:
        if name not in _results:
            run: Run = request.getfixturevalue("fourfold")
            tmp: Path = request.getfixturevalue("tmp_path")
            _results[name] = GROUPS[name](run, tmp)
        return _results[name]

    return get


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


# --- KPI scoring: one month, every scheme --------------------------------------------------

GR = {"target": 700, "red_flag": 500}
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
