"""The bulk reductions equal the obvious loops, to the last bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.core.periods import AGGREGATIONS, aggregate_columns, aggregate_runs
from fourfold.core.segments import (
    segment_count,
    segment_max,
    segment_min,
    segment_sum,
    segment_sums,
)

pytestmark = pytest.mark.filterwarnings("error")
fast = settings(max_examples=200, deadline=None)

numbers = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    st.integers(-(10**7), 10**7).map(lambda c: c / 100),
    st.sampled_from([np.nan, 0.0, -0.0]),
)


@st.composite
def segmented(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    n_segments = draw(st.integers(1, 6))
    n_rows = draw(st.integers(0, 25))
    n_cols = draw(st.integers(1, 4))
    segment = np.array(
        draw(st.lists(st.integers(0, n_segments - 1), min_size=n_rows, max_size=n_rows)),
        dtype=np.int64,
    )
    cells = draw(st.lists(numbers, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    values = np.array(cells, dtype=np.float64).reshape(n_rows, n_cols)
    return values, segment, n_segments


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


@fast
@given(segmented())
def test_it_sums_each_segment_in_row_order_as_add_at_does(case):
    values, segment, n = case
    expected = np.zeros((n, values.shape[1]))
    for row, seg in zip(values, segment, strict=True):
        expected[seg] += row
    assert same(segment_sum(values, segment, n), expected)
    twice = segment_sums([values, 2 * values], segment, n)
    assert same(twice[0], expected) and same(twice[1], segment_sum(2 * values, segment, n))


@fast
@given(segmented())
def test_it_counts_the_true_flags_of_each_segment(case):
    values, segment, n = case
    flags = values > 0
    expected = np.zeros((n, values.shape[1]), dtype=np.int64)
    for row, seg in zip(flags, segment, strict=True):
        expected[seg] += row
    assert same(segment_count(flags, segment, n), expected)
    order = np.argsort(segment, kind="stable")
    assert same(segment_count(flags[order], segment[order], n), expected)


@fast
@given(segmented(), st.sampled_from([np.inf, 0.0, -np.inf]))
def test_it_finds_the_smallest_and_largest_of_each_segment_as_at_does(case, fill):
    values, segment, n = case
    low = np.full((n, values.shape[1]), fill)
    high = np.full((n, values.shape[1]), fill)
    np.minimum.at(low, segment, values)
    np.maximum.at(high, segment, values)
    assert same(segment_min(values, segment, n, fill), low)
    assert same(segment_max(values, segment, n, fill), high)
    if values.shape[1]:
        assert same(segment_max(values[:, 0], segment, n, fill), high[:, 0])


def test_it_gives_the_fill_to_a_segment_without_rows():
    values = np.array([[1.0], [3.0]])
    assert segment_sum(values, np.array([2, 2]), 3).tolist() == [[0.0], [0.0], [4.0]]
    assert segment_count(values > 0, np.array([0, 0]), 2).tolist() == [[2], [0]]
    assert segment_min(values, np.array([1, 1]), 2, np.inf).tolist() == [[np.inf], [1.0]]


@fast
@given(
    st.lists(st.lists(numbers, min_size=24, max_size=24), min_size=1, max_size=4),
    st.sampled_from([1, 2, 3, 4, 12]),
    st.sampled_from(AGGREGATIONS),
)
def test_it_folds_runs_of_columns_exactly_as_aggregate_columns(rows, width, how):
    matrix = np.array(rows, dtype=np.float64)
    groups = np.arange(matrix.shape[1]) // width
    expected = aggregate_columns(matrix, groups, matrix.shape[1] // width, how)
    assert same(aggregate_runs(matrix, width, how), expected)


def test_it_refuses_a_matrix_that_is_not_whole_runs():
    with pytest.raises(ValueError, match="runs of 5"):
        aggregate_runs(np.zeros((2, 12)), 5, "sum")
