from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fourfold.core.periods import (
    AGGREGATIONS,
    aggregate,
    aggregate_columns,
    month_key,
    month_ordinal,
    parse_period,
    quarter_of,
    year_of,
)
from fourfold.core.rollup import rollup_v, share_met, weighted_mean, worst
from fourfold.core.scoring import (
    DEFAULT,
    Scheme,
    default_red_flag,
    goal_red_flag_v,
    percent_v,
    range_v,
    scheme_from_spec,
    score_kpi,
    yes_no_v,
)

pytestmark = pytest.mark.filterwarnings("error")  # no stray numpy warnings either
fast = settings(max_examples=200, deadline=None)

values = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)
cents = st.integers(-(10**7), 10**7).map(lambda c: c / 100)
numbers = st.one_of(values, cents, st.sampled_from([0.0, 1.0, -1.0, 100.0, 25.4]))
maybe = st.one_of(st.none(), numbers)
directions = st.sampled_from(["increase", "decrease"])


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    """A percent scheme of 2 to 4 bands with mins somewhere between 1 % and 200 %."""
    mins = draw(st.lists(st.integers(2, 400), min_size=1, max_size=3, unique=True))
    bands = [{"status": f"b{m}", "min": Decimal(m) / 2} for m in sorted(mins, reverse=True)]
    return scheme_from_spec("drawn", {"type": "percent_of_target", "bands": [*bands, "last"]})


def goal_score(actual: float, goal: float, red: float) -> tuple[float, int]:
    score, status = score_kpi(DEFAULT, "increase", actual, target=goal, red_flag=red)
    assert score is not None and status is not None
    return score, status


# Goal / red flag


@fast
@given(numbers, numbers, numbers)
def test_it_always_scores_goal_and_red_flag_within_zero_to_ten(actual, goal, red):
    assume(goal != red)
    score, _ = goal_score(actual, goal, red)
    assert 0.0 <= score <= 10.0


@fast
@given(numbers, numbers, numbers, numbers)
def test_it_never_scores_a_better_actual_lower(a1, a2, goal, red):
    assume(goal != red)
    low, high = sorted((a1, a2))
    if goal < red:  # lower is better: a higher actual is the worse one
        low, high = high, low
    assert goal_score(low, goal, red) <= goal_score(high, goal, red)


@fast
@given(numbers, numbers, numbers)
def test_it_scores_the_mirror_image_of_a_kpi_the_same(actual, goal, red):
    assume(goal != red)
    assert goal_score(actual, goal, red) == goal_score(-actual, -goal, -red)


@fast
@given(numbers, numbers)
def test_it_gives_the_best_status_at_the_goal_and_the_middle_one_at_the_red_flag(goal, red):
    assume(goal != red)
    assert goal_score(goal, goal, red)[1] == 2
    assert goal_score(red, goal, red)[1] == 1


@fast
@given(st.lists(st.tuples(numbers, maybe, maybe, directions), min_size=1, max_size=30))
def test_it_scores_goal_and_red_flag_in_bulk_as_one_at_a_time(rows):
    for actual, goal, red, direction in rows:
        scalar = score_kpi(DEFAULT, direction, actual, target=goal, red_flag=red)
        if red is None and goal not in (None, 0.0):
            red = default_red_flag(goal, direction)
        score, status = goal_red_flag_v(
            [actual], [np.nan if goal is None else goal], [np.nan if red is None else red]
        )
        bulk = (None, None) if status[0] == -1 else (float(score[0]), int(status[0]))
        assert scalar == bulk


# Percent of target


@fast
@given(schemes(), numbers, numbers, directions)
def test_it_always_scores_percent_within_zero_to_ten(scheme, actual, goal, direction):
    score, status = score_kpi(scheme, direction, actual, target=goal)
    if goal == 0:
        assert (score, status) == (None, None)
    else:
        assert score is not None and 0.0 <= score <= 10.0
        assert status is not None and 0 <= status <= scheme.best


@fast
@given(schemes(), st.lists(st.tuples(numbers, numbers, st.booleans()), min_size=1, max_size=30))
def test_it_scores_percent_in_bulk_as_one_at_a_time(scheme, rows):
    actual, goal, decrease = (list(column) for column in zip(*rows, strict=True))
    score, status = percent_v(actual, goal, decrease, scheme)
    for i, (a, g, d) in enumerate(rows):
        expected = score_kpi(scheme, "decrease" if d else "increase", a, target=g)
        bulk = (None, None) if status[i] == -1 else (float(score[i]), int(status[i]))
        assert bulk == expected


@fast
@given(schemes(), st.integers(1, 10**7), st.data())
def test_it_puts_an_achievement_exactly_on_a_min_in_that_band(scheme, goal_cents, data):
    band = data.draw(st.integers(1, scheme.best))
    goal = Decimal(goal_cents) / 100
    actual = goal * scheme.mins[band - 1] / 100
    assume(Decimal(repr(float(actual))) == actual)
    status = score_kpi(scheme, "increase", float(actual), target=float(goal))[1]
    assert status == band
    assert percent_v([float(actual)], [float(goal)], [False], scheme)[1].tolist() == [band]


@fast
@given(st.integers(1, 10**7), st.sampled_from([50, 80, 100, 125]))
def test_it_puts_an_achievement_exactly_on_a_min_in_that_band_when_lower_is_better(
    goal_cents, percent
):
    scheme = scheme_from_spec(
        "m", {"type": "percent_of_target", "bands": [{"status": "on", "min": percent}, "off"]}
    )
    goal = Decimal(goal_cents) / 100
    actual = goal * 100 / percent
    assert score_kpi(scheme, "decrease", float(actual), target=float(goal))[1] == 1
    assert percent_v([float(actual)], [float(goal)], [True], scheme)[1].tolist() == [1]


@fast
@given(schemes(), st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0.01, 1e6))
def test_it_never_scores_a_higher_achievement_lower(scheme, a1, a2, goal):
    low, high = sorted((a1, a2))
    s1, b1 = score_kpi(scheme, "increase", low, target=goal)
    s2, b2 = score_kpi(scheme, "increase", high, target=goal)
    assert s1 is not None and s2 is not None and b1 is not None and b2 is not None
    assert b1 <= b2
    assert s1 <= s2 + 1e-12


# Range and yes / no


@fast
@given(st.lists(st.tuples(numbers, numbers, numbers, maybe), min_size=1, max_size=30))
def test_it_scores_ranges_in_bulk_as_one_at_a_time_and_within_zero_to_ten(rows):
    actual, low, high, tolerance = (list(column) for column in zip(*rows, strict=True))
    tol = [np.nan if t is None else t for t in tolerance]
    score, status = range_v(actual, low, high, tol, 3)
    for i, (a, lo, hi, t) in enumerate(rows):
        expected = score_kpi(DEFAULT, "range", a, low=lo, high=hi, tolerance=t)
        bulk = (None, None) if status[i] == -1 else (float(score[i]), int(status[i]))
        assert bulk == expected
        if expected[0] is not None:
            assert 0.0 <= expected[0] <= 10.0
            if lo <= a <= hi:
                assert expected == (10.0, 2)


@fast
@given(st.lists(numbers, min_size=1, max_size=30))
def test_it_scores_yes_no_in_bulk_as_one_at_a_time(actual):
    score, status = yes_no_v(actual)
    scheme = scheme_from_spec("done", {"type": "yes_no"})
    for i, a in enumerate(actual):
        assert score_kpi(scheme, "increase", a) == (float(score[i]), int(status[i]))


# Roll-up

child_scores = st.one_of(st.none(), st.floats(0, 10))


@fast
@given(st.lists(st.tuples(child_scores, st.floats(0, 5), st.booleans()), max_size=12))
def test_it_rolls_up_in_bulk_as_one_parent_at_a_time(children):
    scores = [s for s, _, _ in children]
    weights = [w for _, w, _ in children]
    at_best = [b for _, _, b in children]
    matrix = np.array([[np.nan if s is None else s] for s in scores]).reshape(-1, 1)
    flags = np.array(at_best, dtype=bool).reshape(-1, 1)
    parent, weight = np.zeros(len(children), dtype=int), np.array(weights, dtype=float)
    bulk = {
        m: rollup_v(matrix, flags, parent, weight, 1, m)
        for m in ("weighted_mean", "worst", "share_met")
    }
    mean, low = weighted_mean(scores, weights), worst(scores)
    for name, expected in (("weighted_mean", mean), ("worst", low)):
        got = bulk[name][0][0, 0]
        assert np.isnan(got) if expected is None else got == pytest.approx(expected)
    present = [s for s in scores if s is not None]
    if mean is not None:
        assert min(present) - 1e-9 <= mean <= max(present) + 1e-9
    share = share_met([b if s is not None else None for s, _, b in children])
    statuses = bulk["share_met"][1]
    assert statuses is not None
    got = bulk["share_met"][0][0, 0]
    assert np.isnan(got) if share[0] is None else got == pytest.approx(share[0])
    assert statuses[0, 0] == (-1 if share[1] is None else share[1])


# Periods


@fast
@given(st.integers(1000 * 12 + 12, 9998 * 12), st.integers(1, 12))
def test_it_puts_every_month_in_exactly_the_quarter_and_year_that_contain_it(ordinal, start):
    month = month_key(ordinal)
    assert month_ordinal(month) == ordinal
    quarter = parse_period(quarter_of(month, start), start)
    year = parse_period(year_of(month, start), start)
    assert month in quarter.months and month in year.months
    assert set(quarter.months) <= set(year.months)
    assert parse_period(quarter.key, start).key == quarter.key
    ytd = parse_period(f"{month}-YTD", start)
    assert ytd.months[0] == year.months[0] and ytd.months[-1] == month


@fast
@given(
    st.lists(st.lists(st.one_of(st.none(), values), min_size=6, max_size=6), min_size=1),
    st.sampled_from(AGGREGATIONS),
)
def test_it_aggregates_columns_in_bulk_as_one_row_at_a_time(rows, how):
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows])
    groups = np.array([0, 1, 0, 1, 1, 2])
    got = aggregate_columns(matrix, groups, 3, how)
    for r, row in enumerate(rows):
        for g in range(3):
            expected = aggregate([v for v, k in zip(row, groups, strict=True) if k == g], how)
            cell = got[r, g]
            assert np.isnan(cell) if expected is None else cell == pytest.approx(expected)
