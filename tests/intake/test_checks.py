"""Far from history, and pasted cells read in each of their three shapes."""

from __future__ import annotations

from fourfold.intake.checks import far_from_history
from fourfold.intake.paste import parse

USUAL = [600, 620, 640, 610, 650, 630, 600, 660, 640, 620, 610, 630]


def test_a_usual_value_raises_no_warning() -> None:
    assert far_from_history(645, USUAL) is None


def test_a_value_many_deviations_away_is_far() -> None:
    message = far_from_history(900, USUAL)
    assert message is not None and "600 to 660, median 625" in message


def test_a_value_outside_min_and_max_widened_by_the_range_is_far() -> None:
    assert far_from_history(-150, [0, 100, 0, 100, 0, 100]) is not None
    assert far_from_history(150, [0, 100, 0, 100, 0, 100]) is None


def test_a_short_history_raises_no_warning() -> None:
    assert far_from_history(1e9, [1, 2, 3]) is None


def test_only_the_last_24_values_count() -> None:
    assert far_from_history(5, [5] * 10 + [1000 + i for i in range(24)]) is not None


CODES = ["revenue", "margin", "nps"]
PERIODS = {"revenue": "2026-02", "margin": "2026-02", "nps": "2026-Q1"}


def test_it_reads_a_column_of_values_in_grid_order() -> None:
    pasted = parse("800\n\n41\n", CODES, PERIODS)
    assert pasted.values == {"revenue": "800", "nps": "41"} and not pasted.problems


def test_it_reads_code_and_value_pairs_with_a_comment() -> None:
    pasted = parse("nps\t41\trough\r\nrevenue\t1,200\n", CODES, PERIODS)
    assert pasted.values == {"nps": "41", "revenue": "1,200"}
    assert pasted.comments == {"nps": "rough"}


def test_it_takes_the_grids_periods_from_the_long_layout() -> None:
    text = "kpi\tperiod\tactual\tcomment\nrevenue\t2026-01\t1\t\nrevenue\t2026-02\t2\tok\n"
    pasted = parse(text, CODES, PERIODS)
    assert pasted.values == {"revenue": "2"} and pasted.comments == {"revenue": "ok"}


def test_it_names_a_kpi_that_is_not_in_the_grid() -> None:
    pasted = parse("kpi\tactual\nprofit\t3\n", CODES, PERIODS)
    assert pasted.problems == ["line 2: KPI 'profit' is not in this grid"]


def test_it_refuses_more_values_than_rows_and_unreadable_shapes() -> None:
    assert parse("1\n2\n3\n4\n", CODES, PERIODS).problems
    assert parse("a\tb\tc\n", CODES, PERIODS).problems
    assert parse("  \n", CODES, PERIODS).problems == ["nothing was pasted"]


def test_a_yes_no_kpi_takes_only_1_or_0() -> None:
    from fourfold.core.scoring import YES_NO
    from fourfold.intake.grid import Row, check

    row = Row(1, "iso", "ISO certified", "", "yearly", "increase", True, "2026", "2026")
    row.scheme = YES_NO
    assert (
        check(row, "2", False).error
        == "KPI iso is yes / no: its actual is 1 (yes) or 0 (no), not 2"
    )
    assert check(row, "1", False).value == 1 and not check(row, "0", False).blocks
    assert check(row, "", False).value is None
