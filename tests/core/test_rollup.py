import numpy as np
import pytest

from fourfold.core.rollup import (
    rollup_v,
    share_met,
    status_from_score_v,
    weighted_mean,
    worst,
)
from fourfold.core.scoring import DEFAULT, SHARE_MET, SchemeError, scheme_from_spec

NAN = np.nan
GOV = scheme_from_spec(
    "gov",
    {
        "type": "percent_of_target",
        "bands": [{"status": "Met", "min": 100}, {"status": "Slightly below", "min": 95}, "Not"],
    },
)


# Weighted mean


def test_it_rolls_up_the_weighted_mean_of_its_children():
    assert weighted_mean([4.0, 10.0], [1, 2]) == 8.0
    assert weighted_mean([4.0, 10.0], [1, 1]) == 7.0


def test_it_leaves_out_a_child_without_a_score_and_renormalises_the_weights():
    assert weighted_mean([4.0, None, 10.0], [1, 5, 2]) == 8.0
    assert weighted_mean([4.0, NAN], [1, 5]) == 4.0


def test_it_never_counts_missing_data_as_zero():
    assert weighted_mean([None, 6.0], [1, 1]) == 6.0
    assert weighted_mean([0.0, 6.0], [1, 1]) == 3.0


def test_it_has_no_mean_when_no_child_has_a_score():
    assert weighted_mean([None, None], [1, 1]) is None
    assert weighted_mean([], []) is None


def test_it_has_no_mean_when_the_children_with_a_score_weigh_nothing():
    assert weighted_mean([5.0, None], [0, 1]) is None
    assert weighted_mean([5.0, 7.0], [0, 1]) == 7.0


def test_it_refuses_weights_that_do_not_match_or_are_negative():
    with pytest.raises(ValueError, match="2 scores but 1 weights"):
        weighted_mean([1.0, 2.0], [1])
    with pytest.raises(ValueError, match="a weight cannot be negative"):
        weighted_mean([1.0, 2.0], [1, -1])


# Worst


def test_it_rolls_up_the_worst_child():
    assert worst([7.0, 2.5, 9.0]) == 2.5


def test_it_leaves_out_missing_children_from_the_worst():
    assert worst([None, 7.0, NAN]) == 7.0
    assert worst([None, NAN]) is None
    assert worst([]) is None


# Share met


def test_it_scores_all_children_met_in_the_met_band():
    score, status = share_met([True, True, True])
    assert status == 2
    assert SHARE_MET.statuses[status].name == "Met"
    assert score == pytest.approx(20 / 3)


def test_it_scores_three_quarters_met_as_mostly_met_exactly_on_the_min():
    assert share_met([True, True, True, False]) == (10 / 3, 1)


def test_it_scores_under_three_quarters_as_not_met():
    score, status = share_met([True, True, False])
    assert status == 0
    assert score == pytest.approx(10 / 3 * (200 / 3 - 50) / 25)
    assert share_met([False, False]) == (0.0, 0)


def test_it_counts_only_children_with_a_score_in_the_share():
    assert share_met([True, None, None, True]) == share_met([True, True])
    assert share_met([None]) == (None, None)
    assert share_met([]) == (None, None)


def test_it_reads_the_share_from_the_scheme_it_is_given():
    assert share_met([True] * 19 + [False], GOV)[1] == 1  # 95 % exactly
    assert share_met([True] * 18 + [False] * 2, GOV)[1] == 0


def test_it_refuses_share_met_with_a_scheme_without_percent_bands():
    with pytest.raises(SchemeError, match="share_met reads its status from percent bands"):
        share_met([True], DEFAULT)


# Vectorized roll-up

SCORES = np.array(
    [
        [4.0, NAN, NAN, 10.0],
        [10.0, 6.0, NAN, 10.0],
        [NAN, 2.0, 3.0, 10.0],
        [5.0, 5.0, NAN, 0.0],
    ]
)
AT_BEST = np.array(
    [
        [False, False, False, True],
        [True, False, False, True],
        [False, False, False, True],
        [False, True, True, False],
    ]
)
PARENT = np.array([0, 0, 0, 2])
WEIGHT = np.array([1.0, 2.0, 1.0, 1.0])


def column_of(scores: np.ndarray, period: int, parent: int) -> list[float | None]:
    cells = scores[np.equal(PARENT, parent), period].tolist()
    return [None if np.isnan(c) else c for c in cells]


def test_it_rolls_up_weighted_means_as_the_scalar_rule_does():
    got, status = rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "weighted_mean")
    assert status is None
    for parent in range(3):
        for period in range(4):
            expected = weighted_mean(
                column_of(SCORES, period, parent), WEIGHT[np.equal(PARENT, parent)]
            )
            if expected is None:
                assert np.isnan(got[parent, period])
            else:
                assert got[parent, period] == pytest.approx(expected)
    assert got[0].tolist()[:2] == [8.0, pytest.approx(14 / 3)]
    assert np.isnan(got[0, 2]) is np.False_


def test_it_leaves_a_parent_without_children_or_scores_missing():
    got, _ = rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "weighted_mean")
    assert np.isnan(got[1]).all()
    got, _ = rollup_v(np.array([[NAN], [NAN]]), np.zeros((2, 1), bool), [0, 0], [1, 1], 1, "worst")
    assert np.isnan(got).all()


def test_it_leaves_out_children_of_zero_weight_and_has_no_mean_if_all_weigh_nothing():
    got, _ = rollup_v(
        [[5.0], [7.0], [9.0]], [[0], [0], [0]], [0, 0, 1], [0.0, 1.0, 0.0], 2, "weighted_mean"
    )
    assert got[0, 0] == 7.0
    assert np.isnan(got[1, 0])


def test_it_rolls_up_the_worst_child_in_bulk():
    got, status = rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "worst")
    assert status is None
    assert got[0].tolist() == [4.0, 2.0, 3.0, 10.0]
    assert got[2].tolist()[::3] == [5.0, 0.0]
    assert np.isnan(got[1]).all()


def test_it_rolls_up_share_met_in_bulk_as_the_scalar_rule_does():
    got, status = rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "share_met")
    assert status is not None
    for parent in range(3):
        for period in range(4):
            scored = ~np.isnan(SCORES[np.equal(PARENT, parent), period])
            flags = [
                bool(b) if s else None
                for b, s in zip(AT_BEST[np.equal(PARENT, parent), period], scored, strict=True)
            ]
            expected = share_met(flags)
            if expected[0] is None:
                assert np.isnan(got[parent, period])
                assert status[parent, period] == -1
            else:
                assert got[parent, period] == pytest.approx(expected[0])
                assert status[parent, period] == expected[1]
    assert status[0].tolist() == [0, 0, 0, 2]


def test_it_ignores_at_best_flags_of_children_without_a_score():
    got, status = rollup_v([[NAN], [5.0]], [[True], [False]], [0, 0], [1, 1], 1, "share_met")
    assert status is not None
    assert (got[0, 0], status[0, 0]) == (0.0, 0)


def test_it_settles_share_met_exactly_on_a_band_min():
    n = 20
    scores = np.full((n, 1), 5.0)
    at_best = np.arange(n)[:, None] < 19  # 19 of 20 = 95 %
    got, status = rollup_v(scores, at_best, np.zeros(n, int), np.ones(n), 1, "share_met", GOV)
    assert status is not None
    assert (got[0, 0], status[0, 0]) == (10 / 3, 1)


def test_it_refuses_share_met_in_bulk_with_a_scheme_without_percent_bands():
    with pytest.raises(SchemeError):
        rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "share_met", DEFAULT)


def test_it_refuses_malformed_edges():
    with pytest.raises(ValueError, match="'median' is not a roll-up"):
        rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "median")
    with pytest.raises(ValueError, match="one parent and one weight for each of the 4 edges"):
        rollup_v(SCORES, AT_BEST, PARENT[:2], WEIGHT, 3, "worst")
    with pytest.raises(ValueError, match="a parent index falls outside 0..1"):
        rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 2, "worst")
    with pytest.raises(ValueError, match="a weight cannot be negative"):
        rollup_v(SCORES, AT_BEST, PARENT, -WEIGHT, 3, "worst")
    with pytest.raises(ValueError, match=r"\(edges, periods\)"):
        rollup_v(SCORES[0], AT_BEST[0], PARENT, WEIGHT, 3, "worst")


def test_it_reads_parent_statuses_from_rolled_up_scores():
    got, _ = rollup_v(SCORES, AT_BEST, PARENT, WEIGHT, 3, "weighted_mean")
    assert status_from_score_v(got, 3).tolist() == [[2, 1, 0, 2], [-1] * 4, [1, 1, -1, 0]]
