from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from fourfold.core.scoring import (
    DEFAULT,
    UNSCORED,
    YES_NO,
    Scheme,
    SchemeError,
    Status,
    TargetError,
    check_target,
    default_red_flag,
    default_red_flag_v,
    goal_red_flag_v,
    percent_band_v,
    percent_v,
    range_v,
    score_kpi,
    status_from_score,
    status_from_score_v,
    yes_no_v,
)
from tests.core.schemes import GOV, NAN, bands, target_error

# Targets


def test_it_refuses_a_missing_target():
    assert target_error(DEFAULT, "increase") == (
        "a target is needed, since scheme 'default' scores against it"
    )
    assert "a target is needed" in target_error(GOV, "decrease", red_flag=3)


def test_it_refuses_a_red_flag_equal_to_the_target():
    assert target_error(DEFAULT, "increase", target=100, red_flag=100) == (
        "the red flag cannot equal the target (both 100)"
    )


def test_it_refuses_a_red_flag_above_the_target_when_higher_is_better():
    assert target_error(DEFAULT, "increase", target=100, red_flag=120) == (
        "for a KPI where higher is better the red flag must be below the target "
        "(got red flag 120 for target 100)"
    )


def test_it_refuses_a_red_flag_below_the_target_when_lower_is_better():
    assert target_error(DEFAULT, "decrease", target=2.5, red_flag=1.25) == (
        "for a KPI where lower is better the red flag must be above the target "
        "(got red flag 1.25 for target 2.5)"
    )


def test_it_refuses_a_target_of_zero_without_a_red_flag():
    assert target_error(DEFAULT, "decrease", target=0) == (
        "a target of 0 needs a red flag, since 10 % of 0 leaves no room"
    )
    check_target(DEFAULT, "decrease", target=0, red_flag=5)


def test_it_refuses_a_target_of_zero_for_percent_bands():
    assert target_error(GOV, "increase", target=0) == (
        "a target of 0 has no percent, so scheme 'gov' cannot score it"
    )


def test_it_accepts_sound_targets():
    check_target(DEFAULT, "increase", target=100, red_flag=90)
    check_target(DEFAULT, "increase", target=100)
    check_target(DEFAULT, "decrease", target=-5, red_flag=-4)
    check_target(DEFAULT, "increase", target=-5, red_flag=-6)
    check_target(GOV, "decrease", target=25.4)
    check_target(GOV, "increase", target=25.4, red_flag=30)  # bands have no use for it


def test_it_needs_no_target_for_yes_no_or_unscored():
    check_target(YES_NO, "increase")
    check_target(UNSCORED, "decrease")
    check_target(UNSCORED, "range")


def test_it_refuses_a_range_without_both_bounds():
    assert target_error(DEFAULT, "range", low=20) == (
        "a range KPI needs both a low and a high bound (got no high)"
    )
    assert "(got no low)" in target_error(DEFAULT, "range", high=20)
    assert "(got neither)" in target_error(GOV, "range", target=25)


def test_it_refuses_a_range_whose_low_is_above_its_high():
    assert target_error(DEFAULT, "range", low=30, high=20) == (
        "the low bound 30 is above the high bound 20"
    )


def test_it_refuses_a_range_of_zero_width_without_a_tolerance():
    assert target_error(DEFAULT, "range", low=25, high=25) == (
        "a band whose low and high bounds are equal (25) needs a tolerance above 0, "
        "since its width of 0 gives no default"
    )
    check_target(DEFAULT, "range", low=25, high=25, tolerance=5)


@pytest.mark.parametrize("tolerance", [0, -1])
def test_it_refuses_a_tolerance_that_is_not_above_zero(tolerance):
    assert target_error(DEFAULT, "range", low=20, high=30, tolerance=tolerance) == (
        f"the tolerance must be above 0 (got {tolerance})"
    )


def test_it_accepts_a_range_with_or_without_a_tolerance():
    check_target(DEFAULT, "range", low=20, high=30)
    check_target(GOV, "range", low=20, high=30, tolerance=2)


def test_it_refuses_numbers_that_are_not_finite():
    assert target_error(DEFAULT, "increase", target=float("nan")) == (
        "the target must be a finite number (got nan)"
    )
    assert "the red flag must be" in target_error(
        DEFAULT, "increase", target=1, red_flag=float("inf")
    )


def test_it_refuses_an_unknown_direction():
    assert target_error(DEFAULT, "up", target=1) == (
        "'up' is not a direction: use increase, decrease or range"
    )
    with pytest.raises(TargetError, match="'up' is not a direction"):
        score_kpi(DEFAULT, "up", 1.0, target=1.0)


# Default red flag


def test_it_puts_the_default_red_flag_ten_percent_below_the_target_when_higher_is_better():
    assert default_red_flag(100, "increase") == 90
    assert default_red_flag(25.4, "increase") == 22.86
    assert default_red_flag(0.3, "increase") == 0.27


def test_it_puts_the_default_red_flag_ten_percent_above_the_target_when_lower_is_better():
    assert default_red_flag(100, "decrease") == 110
    assert default_red_flag(25.4, "decrease") == 27.94


def test_it_moves_a_negative_target_by_ten_percent_of_its_magnitude():
    assert default_red_flag(-50, "increase") == -55
    assert default_red_flag(-50, "decrease") == -45
    assert default_red_flag(-25.4, "increase") == -27.94


def test_it_has_no_default_red_flag_for_zero_or_a_range():
    with pytest.raises(TargetError, match="a target of 0 has no default red flag"):
        default_red_flag(0, "increase")
    with pytest.raises(TargetError, match="direction is 'range' has no default red flag"):
        default_red_flag(10, "range")


def test_it_computes_default_red_flags_in_bulk_exactly():
    got = default_red_flag_v([25.4, 25.4, -50, 0, NAN], [False, True, False, False, True])
    assert got[:3].tolist() == [22.86, 27.94, -55.0]
    assert np.isnan(got[3:]).all()
    assert default_red_flag_v([], []).shape == (0,)


# Goal / red flag


WORKED = [(300, 0.0, 0), (500, 10 / 3, 1), (600, 5.0, 1), (700, 20 / 3, 2), (800, 25 / 3, 2)]
WORKED += [(900, 10.0, 2), (1000, 10.0, 2)]


@pytest.mark.parametrize(("actual", "score", "status"), WORKED)
def test_it_scores_the_design_worked_example(actual, score, status):
    got = score_kpi(DEFAULT, "increase", actual, target=700, red_flag=500)
    assert got[0] == pytest.approx(score)
    assert got[1] == status


def test_it_scores_the_design_worked_example_in_bulk():
    actual = np.array([a for a, _, _ in WORKED], dtype=float)
    score, status = goal_red_flag_v(actual, 700, 500)
    assert np.round(score, 2).tolist() == [0.0, 3.33, 5.0, 6.67, 8.33, 10.0, 10.0]
    assert status.tolist() == [s for _, _, s in WORKED]


def test_it_scores_the_red_flag_at_one_third_and_the_goal_at_two_thirds():
    assert score_kpi(DEFAULT, "increase", 90, target=100, red_flag=90) == (10 / 3, 1)
    assert score_kpi(DEFAULT, "increase", 100, target=100, red_flag=90) == (20 / 3, 2)


def test_it_reads_lower_is_better_from_the_order_of_goal_and_red_flag():
    assert score_kpi(DEFAULT, "decrease", 500, target=500, red_flag=700) == (20 / 3, 2)
    assert score_kpi(DEFAULT, "decrease", 700, target=500, red_flag=700) == (10 / 3, 1)
    assert score_kpi(DEFAULT, "decrease", 300, target=500, red_flag=700) == (10.0, 2)
    assert score_kpi(DEFAULT, "decrease", 701, target=500, red_flag=700)[1] == 0
    assert score_kpi(DEFAULT, "decrease", 900, target=500, red_flag=700) == (0.0, 0)


def test_it_takes_the_better_status_exactly_on_a_boundary_in_value_space():
    score, status = goal_red_flag_v([22.86, 25.4, 22.859999999999996], 25.4, 22.86)
    assert status.tolist() == [1, 2, 0]


def test_it_scores_with_the_default_red_flag_when_none_is_set():
    assert score_kpi(DEFAULT, "increase", 22.86, target=25.4) == (10 / 3, 1)
    assert score_kpi(DEFAULT, "decrease", 27.94, target=25.4)[1] == 1
    assert score_kpi(DEFAULT, "increase", 90, target=100, red_flag=NAN) == (10 / 3, 1)


def test_it_cannot_score_without_an_actual_or_a_target():
    assert score_kpi(DEFAULT, "increase", None, target=100) == (None, None)
    assert score_kpi(DEFAULT, "increase", NAN, target=100) == (None, None)
    assert score_kpi(DEFAULT, "increase", 100) == (None, None)
    assert score_kpi(DEFAULT, "increase", 100, target=NAN) == (None, None)


def test_it_cannot_score_a_refused_target():
    assert score_kpi(DEFAULT, "increase", 5, target=0) == (None, None)
    assert score_kpi(DEFAULT, "increase", 5, target=10, red_flag=10) == (None, None)
    score, status = goal_red_flag_v([5, 5, NAN], [10, 10, 10], [10, NAN, 9])
    assert np.isnan(score).all()
    assert status.tolist() == [-1, -1, -1]


def test_it_scores_a_target_of_zero_against_its_red_flag():
    assert score_kpi(DEFAULT, "decrease", 0, target=0, red_flag=4) == (20 / 3, 2)
    assert score_kpi(DEFAULT, "decrease", 2, target=0, red_flag=4) == (5.0, 1)


# Percent of target


def test_it_scores_the_design_percent_example():
    score, status = score_kpi(GOV, "decrease", 25.7, target=25.4)
    assert status == 1
    assert GOV.statuses[status].name == "Slightly below"
    assert score is not None and round(score, 2) == 5.89
    assert score == pytest.approx(10 / 3 + 10 / 3 * (25.4 / 25.7 * 100 - 95) / 5)
    bulk = percent_v([25.7], [25.4], [True], GOV)
    assert bulk[0][0] == pytest.approx(score)
    assert bulk[1].tolist() == [1]


@pytest.mark.parametrize(
    ("actual", "goal", "decrease", "status"),
    [
        (24.13, 25.4, False, 1),  # exactly 95 %
        (1.007, 1.06, False, 1),  # exactly 95 %, though float division says 94.99999999999999
        (1.06, 1.007, True, 1),
        (25.4, 25.4, False, 2),  # exactly 100 %
        (25.4, 25.4, True, 2),
        (24.129999999999, 25.4, False, 0),
    ],
)
def test_it_compares_achievement_with_band_mins_exactly_in_decimal(actual, goal, decrease, status):
    direction = "decrease" if decrease else "increase"
    assert score_kpi(GOV, direction, actual, target=goal)[1] == status
    assert percent_v([actual], [goal], [decrease], GOV)[1].tolist() == [status]


def test_it_scores_an_achievement_exactly_on_a_min_at_the_bottom_of_its_band():
    assert score_kpi(GOV, "increase", 1.007, target=1.06) == (10 / 3, 1)
    assert score_kpi(GOV, "increase", 100, target=100) == (20 / 3, 2)


def test_it_extends_the_outer_bands_by_the_width_of_their_neighbour():
    # Best band 100..105 scores 6.67..10, worst band 90..95 scores 0..3.33.
    assert score_kpi(GOV, "increase", 102.5, target=100)[0] == pytest.approx(25 / 3)
    assert score_kpi(GOV, "increase", 105, target=100) == (10.0, 2)
    assert score_kpi(GOV, "increase", 200, target=100) == (10.0, 2)
    assert score_kpi(GOV, "increase", 92.5, target=100)[0] == pytest.approx(5 / 3)
    assert score_kpi(GOV, "increase", 90, target=100) == (0.0, 0)
    assert score_kpi(GOV, "increase", -50, target=100) == (0.0, 0)


def test_it_extends_both_bands_of_a_two_status_scheme_by_ten_points():
    scheme = bands(80)
    assert score_kpi(scheme, "increase", 80, target=100) == (5.0, 1)
    assert score_kpi(scheme, "increase", 85, target=100) == (7.5, 1)
    assert score_kpi(scheme, "increase", 90, target=100) == (10.0, 1)
    assert score_kpi(scheme, "increase", 75, target=100) == (2.5, 0)
    assert score_kpi(scheme, "increase", 70, target=100) == (0.0, 0)


def test_it_scores_four_bands_in_quarters():
    scheme = bands(100, 90, 70)  # bands 50..70, 70..90, 90..100, 100..110
    expected = [(50, 0.0, 0), (60, 1.25, 0), (70, 2.5, 1), (80, 3.75, 1), (90, 5.0, 2)]
    expected += [(95, 6.25, 2), (100, 7.5, 3), (105, 8.75, 3), (110, 10.0, 3), (40, 0.0, 0)]
    for actual, score, status in expected:
        got = score_kpi(scheme, "increase", actual, target=100)
        assert got[0] == pytest.approx(score), actual
        assert got[1] == status, actual
    bulk = percent_v([a for a, _, _ in expected], 100, False, scheme)
    assert bulk[0] == pytest.approx([s for _, s, _ in expected])
    assert bulk[1].tolist() == [s for _, _, s in expected]


def test_it_puts_an_actual_of_zero_in_the_best_band_when_lower_is_better():
    assert score_kpi(GOV, "decrease", 0, target=25.4) == (10.0, 2)
    assert score_kpi(GOV, "increase", 0, target=25.4) == (0.0, 0)
    score, status = percent_v([0.0, 0.0], [25.4, 25.4], [True, False], GOV)
    assert score.tolist() == [10.0, 0.0]
    assert status.tolist() == [2, 0]


def test_it_cannot_score_percent_without_a_target_or_with_a_target_of_zero():
    assert score_kpi(GOV, "increase", 5, target=0) == (None, None)
    assert score_kpi(GOV, "increase", 5) == (None, None)
    score, status = percent_v([5, NAN, 5], [0, 10, NAN], False, GOV)
    assert np.isnan(score).all()
    assert status.tolist() == [-1, -1, -1]


def test_it_scores_percent_in_bulk_keeping_the_shape():
    score, status = percent_v(np.full((2, 3), 100.0), 100.0, np.array([True, False, True]), GOV)
    assert score.shape == status.shape == (2, 3)
    assert (status == 2).all()


def test_it_refuses_percent_bands_from_a_scheme_that_has_none():
    with pytest.raises(SchemeError, match="scheme 'default' is goal_red_flag"):
        percent_v([1.0], [1.0], False, DEFAULT)


def test_it_settles_achievements_near_a_min_with_the_exact_value():
    score, status = percent_band_v(
        [95 - 1e-12, 95 + 1e-12, 50.0], GOV, lambda i: Fraction(95) - Fraction(1, 10**20) * i
    )
    assert status.tolist() == [1, 0, 0]
    assert score[:2] == pytest.approx([10 / 3, 10 / 3])


# Range


def test_it_scores_ten_anywhere_inside_the_range_edges_included():
    for actual in (20, 25, 30):
        assert score_kpi(DEFAULT, "range", actual, low=20, high=30) == (10.0, 2)


def test_it_falls_to_zero_at_the_default_tolerance_of_the_range_width():
    assert score_kpi(DEFAULT, "range", 35, low=20, high=30) == (5.0, 1)
    assert score_kpi(DEFAULT, "range", 15, low=20, high=30) == (5.0, 1)
    assert score_kpi(DEFAULT, "range", 40, low=20, high=30) == (0.0, 0)
    assert score_kpi(DEFAULT, "range", 99, low=20, high=30) == (0.0, 0)
    assert score_kpi(DEFAULT, "range", 32, low=20, high=30) == (8.0, 2)


def test_it_falls_to_zero_at_the_tolerance_the_kpi_sets():
    assert score_kpi(DEFAULT, "range", 32, low=20, high=30, tolerance=4) == (5.0, 1)
    assert score_kpi(DEFAULT, "range", 25.5, low=25, high=25, tolerance=1) == (5.0, 1)
    assert score_kpi(DEFAULT, "range", 18, low=20, high=30, tolerance=2) == (0.0, 0)


def test_it_reads_range_status_from_equal_score_bands_of_the_scheme():
    four = bands(100, 90, 70)
    assert score_kpi(four, "range", 32.5, low=20, high=30)[1] == 3  # score 7.5: a boundary
    assert score_kpi(four, "range", 33, low=20, high=30)[1] == 2
    assert score_kpi(bands(80), "range", 35, low=20, high=30) == (5.0, 1)
    assert score_kpi(GOV, "range", 25, low=20, high=30) == (10.0, 2)


def test_it_scores_ranges_in_bulk_with_a_default_tolerance_where_none_is_set():
    low = [20, 20, 20, 20, 31, 25]
    high = [30, 30, 30, 30, 30, 25]
    tolerance = [NAN, NAN, 4, 1, 1, NAN]
    score, status = range_v([25, 35, 32, NAN, 25, 26], low, high, tolerance, 3)
    assert score[:3].tolist() == [10.0, 5.0, 5.0]
    assert np.isnan(score[3:5]).all()  # no actual; low above high
    assert score[5] == 0.0  # no width and no tolerance: any distance is too far
    assert status.tolist() == [2, 1, 1, -1, -1, 0]


def test_it_cannot_score_a_range_without_both_bounds():
    assert score_kpi(DEFAULT, "range", 25, low=20) == (None, None)
    assert score_kpi(DEFAULT, "range", 25, low=20, high=NAN) == (None, None)
    assert score_kpi(DEFAULT, "range", 25, low=30, high=20) == (None, None)


# Yes / no and unscored


def test_it_scores_yes_ten_and_no_zero():
    assert score_kpi(YES_NO, "increase", 1) == (10.0, 1)
    assert score_kpi(YES_NO, "increase", -3) == (10.0, 1)
    assert score_kpi(YES_NO, "increase", 0) == (0.0, 0)
    assert score_kpi(YES_NO, "increase", None) == (None, None)
    score, status = yes_no_v([1.0, 0.0, NAN, -2.0])
    assert score[[0, 1, 3]].tolist() == [10.0, 0.0, 10.0]
    assert np.isnan(score[2])
    assert status.tolist() == [1, 0, -1, 1]


def test_it_never_scores_an_unscored_kpi():
    assert score_kpi(UNSCORED, "increase", 5, target=5) == (None, None)


# Status from a score


@pytest.mark.parametrize(
    ("score", "n", "status"),
    [
        (0.0, 3, 0),
        (10 / 3 - 1e-6, 3, 0),
        (10 / 3, 3, 1),
        (10 / 3 - 1e-10, 3, 1),  # within 1e-9 of the boundary: the better status
        (20 / 3, 3, 2),
        (6.66666, 3, 1),
        (10.0, 3, 2),
        (4.999999, 2, 0),
        (5.0, 2, 1),
        (2.5, 4, 1),
        (7.5, 4, 3),
        (9.9, 4, 3),
        (5.0, 1, 0),
    ],
)
def test_it_reads_a_status_from_a_score_in_equal_bands(score, n, status):
    assert status_from_score(score, n) == status
    assert status_from_score_v(np.array([score]), n).tolist() == [status]


def test_it_reads_no_status_from_a_missing_score_or_no_statuses():
    assert status_from_score_v([NAN, 5.0], 3).tolist() == [-1, 1]
    assert status_from_score_v([5.0], 0).tolist() == [-1]
    with pytest.raises(SchemeError):
        status_from_score(5.0, 0)


def test_it_keeps_mins_given_as_plain_numbers_exact():
    red, green = Status("red", "red"), Status("green", "green")
    scheme = Scheme("x", "percent_of_target", [red, green], [97.5])  # type: ignore[arg-type]
    assert scheme.mins == (Decimal("97.5"),)
    assert scheme.statuses == (red, green)
    assert score_kpi(scheme, "increase", 97.5, target=100) == (5.0, 1)
