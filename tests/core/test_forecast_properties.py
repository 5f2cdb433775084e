"""Whatever the history (gaps, negative values, constants, one value), a forecast is finite
and ordered, or says there is too little history: never NaN, an infinity or a crash."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.core import forecast as fc

pytestmark = pytest.mark.filterwarnings("error")

value = st.one_of(
    st.floats(-1e12, 1e12, allow_nan=False, allow_subnormal=False),
    st.sampled_from([0.0, 1.0, -3.5, 1e15, -1e15]),
)
cell = st.one_of(value, st.just(float("nan")))


@st.composite
def cases(draw: st.DrawFn) -> fc.Case:
    season = draw(st.sampled_from([12, 4, 1]))
    constant = draw(st.booleans())
    length = draw(st.integers(0, 40))
    history = [draw(cell) for _ in range(length)]
    if constant and length:
        level = draw(value)
        history = [level if np.isfinite(h) else h for h in history]
    if history and not np.isfinite(history[-1]):
        history[-1] = draw(value)  # the history runs to the last value
    inside = draw(st.integers(0, min(len(history), season)))
    steps = draw(st.integers(0, 2 * season))
    return fc.Case(
        history=np.array(history, dtype=np.float64),
        season=season,
        missing=np.array([draw(st.booleans()) for _ in range(steps)], dtype=bool),
        known=np.array(history[len(history) - inside :], dtype=np.float64),
        aggregation=draw(st.integers(0, 4)),
        direction=draw(st.integers(0, 2)),
        target=draw(st.one_of(st.just(float("nan")), value)),
        band_low=-1.0,
        band_high=draw(st.sampled_from([float("nan"), 1e9])),
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=4))
def test_every_forecast_is_finite_and_ordered_or_absent(batch: list[fc.Case]) -> None:
    found = fc.forecast(batch, paths=100)
    for i, case in enumerate(batch):
        figures = [found.forecast[i], found.low[i], found.high[i]]
        if found.method[i] == fc.INSUFFICIENT:
            assert np.isnan(figures).all() and np.isnan(found.probability[i])
            continue
        assert np.isfinite(figures).all()
        low, high = found.low[i], found.high[i]
        assert low <= found.forecast[i] <= high
        assert found.points[i] <= np.isfinite(case.history).sum()
        p = found.probability[i]
        assert np.isnan(p) or 0.0 <= p <= 1.0
        has_goal = (
            np.isfinite(case.band_high) if case.direction == fc.RANGE else np.isfinite(case.target)
        )
        assert np.isnan(p) != has_goal
        assert np.isfinite(found.fan[i]).all()


@settings(max_examples=30, deadline=None)
@given(cases())
def test_a_forecast_is_the_same_every_time(case: fc.Case) -> None:
    first, again = fc.forecast([case], paths=100), fc.forecast([case], paths=100)
    assert np.array_equal(first.forecast, again.forecast, equal_nan=True)
    assert np.array_equal(first.probability, again.probability, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(1e-300, 1e300, allow_subnormal=False), min_size=12, max_size=40),
    st.integers(1, 30),
)
def test_a_series_of_positive_values_however_spread_gets_a_finite_forecast(
    history: list[float], steps: int
) -> None:
    # Such a series may be modelled on the log scale, whose paths must come back finite.
    found = fc.forecast(
        [fc.Case(np.array(history), 12, np.ones(steps, dtype=bool), np.zeros(0), fc.SUM, 0, 1.0)],
        paths=100,
    )
    assert found.method[0] != fc.INSUFFICIENT
    assert np.isfinite([found.forecast[0], found.low[0], found.high[0]]).all()
    assert found.low[0] <= found.forecast[0] <= found.high[0]
