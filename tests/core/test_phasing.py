"""DESIGN.md's phasing rules, on plain keys and numbers: even, seasonal, last_year, linear,
the red flag and stretch phased by the same rule, parts held, and every refusal."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourfold.core import periods
from fourfold.core.phasing import Phased, PhaseError, comes_to, fit_problem, parts, phase

YEAR = periods.parse_period("2026")


def history(years: dict[int, Sequence[float]], fiscal: int = 1) -> dict[str, float]:
    """Monthly actuals of whole fiscal years, month by month from the year's first month."""
    out: dict[str, float] = {}
    for name, values in years.items():
        months = periods.parse_period(f"{'FY' if fiscal != 1 else ''}{name}", fiscal).months
        out.update(zip(months, values, strict=True))
    return out


def targets(phased: Phased, field: int = 0) -> list[float | None]:
    return [phased.implied[k][field] for k in phased.keys]


def test_even_gives_a_sum_kpi_equal_shares_and_others_the_target_itself() -> None:
    given_ = {"target": 1200, "red_flag": 1080, "stretch": 1320}
    summed = phase("even", "sum", YEAR, "monthly", given_)
    assert summed.keys == tuple(f"2026-{m:02d}" for m in range(1, 13))
    assert set(summed.implied.values()) == {(100, 90, 110, None, None)}
    for how in ("average", "last", "min", "max"):
        assert set(targets(phase("even", how, YEAR, "monthly", given_))) == {1200}


def test_seasonal_follows_the_mean_share_of_each_month_over_the_full_years() -> None:
    # 2024: every month 10; 2025: December 120 of 230. Mean shares: December (1/12 + 12/23) / 2.
    past = history({2024: [10] * 12, 2025: [10] * 11 + [120]})
    phased = phase("seasonal", "sum", YEAR, "monthly", {"target": 1000}, history=past)
    december = (1 / 12 + 120 / 230) / 2
    assert targets(phased)[-1] == pytest.approx(1000 * december)
    assert targets(phased)[0] == pytest.approx(1000 * (1 / 12 + 10 / 230) / 2)
    assert comes_to(phased.implied, phased.keys, "sum") == pytest.approx(1000)


def test_last_year_follows_the_last_full_year_only() -> None:
    past = history({2024: [10] * 12, 2025: [10] * 11 + [120]})
    phased = phase("last_year", "sum", YEAR, "monthly", {"target": 460}, history=past)
    assert targets(phased)[-1] == pytest.approx(240) and targets(phased)[0] == pytest.approx(20)


def test_a_year_with_a_month_missing_is_not_a_full_year() -> None:
    past = history({2024: [10] * 12, 2025: [10] * 12})
    del past["2024-07"]
    with pytest.raises(PhaseError, match="needs two full years of history before 2026"):
        phase("seasonal", "sum", YEAR, "monthly", {"target": 1}, history=past)
    # A year after the period, or the period itself, is no history of it.
    later = history({2026: [1] * 12, 2027: [1] * 12})
    with pytest.raises(PhaseError, match="and there is none"):
        phase("last_year", "sum", YEAR, "monthly", {"target": 1}, history=later)


def test_linear_glides_from_the_baseline_and_the_red_flag_keeps_the_year_end_distance() -> None:
    given_ = {"target": 40, "red_flag": 30, "stretch": 45, "baseline": 16}
    phased = phase("linear", "average", YEAR, "monthly", given_)
    assert targets(phased) == [16 + 24 * i / 12 for i in range(1, 13)]
    assert targets(phased, 1) == [t - 10 for t in targets(phased)]  # type: ignore[operator]
    assert targets(phased, 2) == [t + 5 for t in targets(phased)]  # type: ignore[operator]


def test_linear_without_a_baseline_starts_from_the_last_actual_before_the_period() -> None:
    past = {"2025-11": 7.0, "2025-12": 10.0, "2026-02": 99.0}
    phased = phase("linear", "last", YEAR, "monthly", {"target": 22}, history=past)
    assert targets(phased)[0] == 11 and targets(phased)[-1] == 22


def test_a_quarter_of_a_monthly_kpi_and_a_year_of_a_quarterly_one_are_phased_too() -> None:
    quarter = phase("even", "sum", periods.parse_period("2026-Q2"), "monthly", {"target": 300})
    assert quarter.keys == ("2026-04", "2026-05", "2026-06") and set(targets(quarter)) == {100}
    past = {f"{y}-Q{q}": float(q) for y in (2024, 2025) for q in (1, 2, 3, 4)}
    year = phase("seasonal", "sum", YEAR, "quarterly", {"target": 100}, history=past)
    assert year.keys == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert targets(year) == pytest.approx([10, 20, 30, 40])
    # A quarter's months take their year's shares, normalised to add up to 1.
    monthly = history({2024: list(range(1, 13)), 2025: list(range(1, 13))})
    q4 = phase("seasonal", "sum", periods.parse_period("2026-Q4"), "monthly", {"target": 330},
               history=monthly)  # fmt: skip
    assert targets(q4) == pytest.approx([100, 110, 120])


def test_a_fiscal_year_phases_its_own_months() -> None:
    fiscal = periods.parse_period("FY2027", 10)
    past = history({2025: [1] * 11 + [13], 2026: [1] * 11 + [13]}, fiscal=10)
    phased = phase("last_year", "sum", fiscal, "monthly", {"target": 48}, history=past)
    assert phased.keys[0] == "2026-10" and phased.keys[-1] == "2027-09"
    assert targets(phased)[-1] == pytest.approx(26)


def test_held_parts_are_kept_and_the_others_share_what_they_leave() -> None:
    held = {"2026-03": (320.0, None, None, None, None)}
    phased = phase("even", "sum", YEAR, "monthly", {"target": 1200}, held=held)
    assert "2026-03" not in phased.implied and set(targets_of_free(phased)) == {80}
    avg = phase(
        "even", "average", YEAR, "monthly", {"target": 50}, held={"2026-01": (72.0,) + (None,) * 4}
    )
    assert set(targets_of_free(avg)) == {48}  # (12 * 50 - 72) / 11
    glide = phase("linear", "last", YEAR, "monthly", {"target": 24, "baseline": 0},
                  held={"2026-06": (6.0,) + (None,) * 4})  # fmt: skip
    path = [glide.implied[k][0] if k in glide.implied else 6.0 for k in glide.keys]
    assert path == [1, 2, 3, 4, 5, 6, 9, 12, 15, 18, 21, 24]


def targets_of_free(phased: Phased) -> list[float | None]:
    return [v[0] for v in phased.implied.values()]


@pytest.mark.parametrize(
    ("name", "aggregation", "words"),
    [
        ("seasonal", "average", "needs a KPI that sums its periods, and this one takes the avera"),
        ("last_year", "last", "and this one takes the last value: use even or linear"),
        ("linear", "sum", "and this one sums its periods: use even, seasonal or last_year"),
        ("weekly", "sum", "'phase' must be one of even, seasonal, last_year, linear, not 'weekly'"),
    ],
)
def test_a_phase_that_does_not_fit_the_aggregation_is_refused(
    name: str, aggregation: str, words: str
) -> None:
    assert words in (fit_problem(name, aggregation) or "")
    with pytest.raises(PhaseError, match=words[:30]):
        phase(name, aggregation, YEAR, "monthly", {"target": 1, "baseline": 0})


def test_every_phase_fits_its_aggregations_and_a_range_kpi_takes_no_glide_path() -> None:
    fits = {(n, a) for n in ("even", "seasonal", "last_year", "linear")
            for a in periods.AGGREGATIONS if fit_problem(n, a) is None}  # fmt: skip
    assert fits == {("even", a) for a in periods.AGGREGATIONS} | {
        ("seasonal", "sum"), ("last_year", "sum"),
        ("linear", "average"), ("linear", "last"), ("linear", "min"), ("linear", "max"),
    }  # fmt: skip
    assert "a range KPI has a band" in (fit_problem("linear", "average", "range") or "")
    band = phase("even", "sum", YEAR, "monthly", {"low": 120, "high": 240}, direction="range")
    assert set(band.implied.values()) == {(None, None, None, 10, 20)}


def test_a_period_not_longer_than_the_kpis_frequency_cannot_be_phased() -> None:
    for key, frequency in [("2026-03", "monthly"), ("2026-Q1", "quarterly"), ("2026", "yearly")]:
        with pytest.raises(PhaseError, match=f"so {key} has none: set it without 'phase'"):
            parts(periods.parse_period(key), frequency)


def test_linear_without_a_baseline_or_an_earlier_actual_is_refused() -> None:
    with pytest.raises(PhaseError, match="neither a 'baseline' nor an actual before it"):
        phase("linear", "average", YEAR, "monthly", {"target": 1}, history={"2026-01": 5.0})


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0.5, 1e6), min_size=24, max_size=24),
    st.floats(1, 1e9),
    st.dictionaries(st.integers(0, 11), st.floats(0, 1e6), max_size=6),
)
def test_a_total_phase_always_adds_up_to_the_target(
    values: list[float], total: float, hand: dict[int, float]
) -> None:
    past = history({2024: values[:12], 2025: values[12:]})
    held = {f"2026-{m + 1:02d}": (v, None, None, None, None) for m, v in hand.items()}
    for name in ("even", "seasonal", "last_year"):
        phased = phase(name, "sum", YEAR, "monthly", {"target": total}, history=past, held=held)
        everything = {**held, **phased.implied}
        assert all(math.isfinite(v[0]) for v in phased.implied.values())  # type: ignore[arg-type]
        if len(held) < 12:
            assert comes_to(everything, phased.keys, "sum") == pytest.approx(
                total, rel=1e-9, abs=1e-6
            )
