"""Where a target's required change falls in the KPI's own history (fourfold.core.feasibility)."""

from __future__ import annotations

import numpy as np
import pytest

from fourfold.core import feasibility, periods
from fourfold.core.feasibility import assess, year_before, yearly_pairs


def series(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_it_places_a_rise_among_the_past_rises_as_fractions_of_the_year_before() -> None:
    # Past rises: +10 %, +20 %, +5 %, +0 %; the target asks for +15 % on 200.
    earlier, later = series(100, 100, 200, 300), series(110, 120, 210, 300)
    found = assess(230, 200, earlier, later, "increase")
    assert found is not None and found.relative
    assert found.change == pytest.approx(0.15)
    assert found.percentile == 75.0  # above 0 %, 5 % and 10 %, below 20 %
    assert found.best == pytest.approx(0.20)
    assert found.changes == 4


def test_it_reads_a_fall_as_the_good_change_when_lower_is_better() -> None:
    earlier, later = series(100, 100, 100), series(90, 95, 105)  # −10 %, −5 %, +5 %
    found = assess(92, 100, earlier, later, "decrease")
    assert found is not None
    assert found.change == pytest.approx(-0.08)
    assert found.percentile == pytest.approx(100 * 2 / 3)  # asks more than −5 % and +5 %
    assert found.best == pytest.approx(-0.10)


def test_a_change_equal_to_a_past_one_counts_half() -> None:
    found = assess(110, 100, series(100, 100), series(110, 120), "increase")
    assert found is not None and found.percentile == 25.0


def test_it_uses_differences_when_a_base_is_not_positive() -> None:
    found = assess(5, -2, series(-5, 0), series(-1, 3), "increase")
    assert found is not None and not found.relative
    assert found.change == 7 and found.best == 4 and found.percentile == 100.0


def test_without_a_past_change_it_gives_the_change_alone() -> None:
    found = assess(120, 100, series(), series(), "increase")
    assert found is not None
    assert (found.change, found.percentile, found.best, found.changes) == (0.2, None, None, 0)


@pytest.mark.parametrize(
    ("target", "baseline", "direction"),
    [(1, 1, "range"), (float("nan"), 1, "increase"), (1, float("inf"), "decrease")],
)
def test_it_has_nothing_to_say_for_a_range_or_a_missing_number(
    target: float, baseline: float, direction: str
) -> None:
    assert assess(target, baseline, series(1), series(2), direction) is None


def test_yearly_pairs_skip_the_gaps() -> None:
    values = series(1, 2, np.nan, 4, 5, 6)
    earlier, later = yearly_pairs(values, 2)
    assert earlier.tolist() == [2, 4] and later.tolist() == [4, 6]
    assert yearly_pairs(series(1, 2), 12)[0].size == 0


@pytest.mark.parametrize(
    ("key", "fiscal_start", "before"),
    [
        ("2026-03", 1, "2025-03"),
        ("2026-Q1", 1, "2025-Q1"),
        ("2026", 1, "2025"),
        ("FY2026-Q2", 10, "FY2025-Q2"),
        ("FY2026", 10, "FY2025"),
        ("2026-05-YTD", 1, "2025-05-YTD"),
    ],
)
def test_the_same_period_a_year_earlier(key: str, fiscal_start: int, before: str) -> None:
    period = periods.parse_period(key, fiscal_start)
    assert feasibility.year_before(period).key == before
    assert year_before(period).kind == period.kind
