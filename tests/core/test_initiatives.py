"""DESIGN.md's initiative score rule, on whole arrays and against its worked example."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fourfold.core import initiatives as ini
from fourfold.core.periods import PeriodError, parse_period

NAN = float("nan")
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
JUNE_30 = dt.date(2026, 6, 30)


def one(
    complete: float, day: dt.date = JUNE_30, spent: float = NAN, budget: float = NAN
) -> tuple[float, int, float, float]:
    score, status, expected, ratio = ini.score_v(
        [complete], [spent], [budget], [START.toordinal()], [END.toordinal()], [day.toordinal()]
    )
    return float(score[0]), int(status[0]), float(expected[0]), float(ratio[0])


def test_it_expects_180_of_364_days_of_work_on_june_30() -> None:
    assert ini.expected_share(START, END, JUNE_30) == 180 / 364
    assert one(50)[2] == 180 / 364


def test_exactly_on_schedule_scores_8_33_and_is_green() -> None:
    score, status, _, ratio = one(100 * 180 / 364)
    assert ratio == pytest.approx(1.0)
    assert round(score, 2) == 8.33 and status == 2


@pytest.mark.parametrize(
    ("ratio", "score", "status"),
    [(0.95, 6.67, 2), (0.90, 5.0, 1), (0.85, 3.33, 1), (0.80, 1.67, 0), (1.05, 10.0, 2)],
)
def test_it_scores_the_schedule_ratio_with_goal_95_and_red_flag_85(
    ratio: float, score: float, status: int
) -> None:
    got = one(ratio * 100 * 180 / 364)
    assert round(got[0], 2) == score and got[1] == status


def test_nothing_expected_before_the_start_is_a_ratio_of_one() -> None:
    score, status, expected, ratio = one(0, day=dt.date(2025, 12, 31))
    assert expected == 0 and ratio == 1 and round(score, 2) == 8.33 and status == 2


def test_the_expected_share_stops_at_the_whole_after_the_end() -> None:
    assert one(100, day=dt.date(2027, 3, 31))[2] == 1.0
    assert ini.expected_share(END, END, END) == 1.0
    assert ini.expected_share(END, END, JUNE_30) == 0.0


def test_spending_more_than_10_points_ahead_of_the_work_caps_the_score_at_amber() -> None:
    score, status, _, _ = one(60, spent=71, budget=100)  # 11 points ahead
    assert score == 6.66 and status == 1
    assert one(60, spent=70, budget=100)[0] == 10.0  # exactly 10 points: no cap
    assert one(60, spent=75, budget=NAN)[0] == 10.0  # no budget: no cap
    before = dt.date(2025, 12, 31)  # nothing expected yet: on schedule
    assert one(0, day=before, spent=5, budget=0)[0] == 6.66  # any spend of no budget is ahead


def test_the_cap_never_raises_a_lower_score() -> None:
    score, status, _, _ = one(30, spent=90, budget=100)
    assert score < 3.33 and status == 0


def test_no_progress_entry_means_no_score() -> None:
    score, status, expected, ratio = one(NAN)
    assert np.isnan(score) and status == -1 and np.isnan(expected) and np.isnan(ratio)


def test_the_last_entry_at_or_before_the_day_is_used() -> None:
    periods = [parse_period(k) for k in ("2026-03", "2026-06", "2026-Q2", "2026-09")]
    assert ini.latest_entry(periods, JUNE_30) == 1  # the month, not the quarter, on a tie
    assert ini.latest_entry(periods, dt.date(2026, 5, 31)) == 0
    assert ini.latest_entry(periods, dt.date(2026, 2, 28)) is None


def test_progress_is_entered_for_a_month_a_quarter_or_a_year() -> None:
    assert ini.progress_period("2026-Q2").key == "2026-Q2"
    with pytest.raises(PeriodError, match="not a period of progress"):
        ini.progress_period("2026-03-YTD")
    with pytest.raises(PeriodError, match="not a period"):
        ini.progress_period("June")


def test_it_refuses_what_cannot_be() -> None:
    assert ini.dates_problem(END, START) == "it ends on 2026-01-01, before it starts on 2026-12-31"
    assert ini.dates_problem(START, START) is None
    assert ini.complete_problem(101) == "percent complete must be from 0 to 100, not 101"
    assert ini.complete_problem(-1) is not None and ini.complete_problem(100) is None
    assert ini.amount_problem("budget", -5) == "the budget -5 is negative"
    assert ini.amount_problem("spent", float("inf")) is not None
    assert ini.amount_problem("budget", None) is None


def test_it_finds_a_milestone_depending_on_itself_or_a_circle() -> None:
    assert ini.cycle_problem({"a": ["a"]}) == "milestone 'a' depends on itself"
    assert ini.cycle_problem({"a": ["b"], "b": ["c"], "c": ["a"]}) == (
        "milestones depend on each other in a circle: a → b → c → a"
    )
    assert ini.cycle_problem({"a": [], "b": ["a"], "c": ["a", "b"]}) is None
