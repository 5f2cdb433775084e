"""Known answers of the forecasting core (fourfold/core/forecast.py)."""

from __future__ import annotations

import numpy as np
import pytest

from fourfold.core import forecast as fc
from fourfold.core import forecast_choice as choice
from fourfold.core import forecast_models as fm

pytestmark = pytest.mark.filterwarnings("error")
MADE = set(range(len(fm.METHODS)))
SEASON = np.array([8, 6, 9, 10, 12, 15, 18, 17, 13, 11, 9, 12], dtype=np.float64)


def case(history: list[float] | np.ndarray, missing: int, known: list[float] | None = None,
         **fields: object) -> fc.Case:  # fmt: skip
    values: dict[str, object] = {"season": 12, "aggregation": fc.SUM, "direction": fc.INCREASE}
    values |= fields
    return fc.Case(
        history=np.asarray(history, dtype=np.float64),
        missing=np.ones(missing, dtype=bool),
        known=np.asarray(known or [], dtype=np.float64),
        **values,  # type: ignore[arg-type]
    )


def one(c: fc.Case) -> dict[str, float]:
    a = fc.forecast([c])
    keys = ("method", "points", "actual_to_date", "forecast", "low", "high", "probability")
    return {k: float(getattr(a, k)[0]) for k in keys}


def test_a_straight_line_goes_on_as_a_straight_line() -> None:
    line = 100 + 5 * np.arange(36.0)
    found = one(case(line, 12))
    assert found["method"] in MADE and found["points"] == 36
    assert found["forecast"] == pytest.approx(sum(100 + 5 * np.arange(36, 48)), rel=0.01)


def test_a_season_that_repeats_is_forecast_as_it_repeats() -> None:
    found = one(case(np.tile(SEASON, 3), 12))
    assert found["forecast"] == pytest.approx(SEASON.sum(), rel=0.01)
    assert found["low"] <= found["forecast"] <= found["high"]


def test_a_constant_has_no_spread() -> None:
    found = one(case([4.0] * 24, 6, [4.0] * 6, target=48.0))
    assert found["forecast"] == found["low"] == found["high"] == pytest.approx(48.0)
    assert found["probability"] == 1.0


def test_a_season_that_grows_with_the_level_is_forecast_as_it_grows() -> None:
    # Sales-like: 15 % a year more, each month the same share of its year (a season additive
    # on the log scale, and widening every year on the series' own, where the year's total
    # came out 10 % short before the log scale was a candidate).
    share = np.array([0.8, 0.85, 1.0, 1.0, 1.05, 1.2, 1.35, 1.35, 1.15, 0.95, 0.8, 0.9])
    t = np.arange(84)
    for seed in range(3):
        noise = 1 + 0.01 * np.random.default_rng(seed).standard_normal(84)
        y = 100 * 1.012**t * share[t % 12] * noise
        assert one(case(y[:72], 12))["forecast"] == pytest.approx(y[72:].sum(), rel=0.03)


def test_the_reported_months_keep_their_values() -> None:
    history = np.concatenate([np.tile(SEASON, 2), SEASON[:9]])
    known = [*SEASON[:8], 1000.0]  # September was a surprise: it counts as it is
    history[-1] = 1000.0
    found = one(case(history, 3, known))
    assert found["actual_to_date"] == pytest.approx(SEASON[:8].sum() + 1000)
    assert found["forecast"] > SEASON[:8].sum() + 1000


def test_a_fully_reported_period_is_its_actual_and_a_sure_probability() -> None:
    found = one(case(np.tile(SEASON, 2), 0, list(SEASON), target=SEASON.sum() + 1))
    assert found["method"] == fc.REPORTED
    assert found["forecast"] == found["low"] == found["high"] == SEASON.sum()
    assert found["probability"] == 0.0


@pytest.mark.parametrize(("season", "needed"), [(12, 12), (4, 8), (1, 5)])
def test_too_few_points_is_insufficient_history(season: int, needed: int) -> None:
    rng = np.random.default_rng(3)
    short = one(case(rng.normal(10, 1, needed - 1), 1, season=season))
    assert short["method"] == fc.INSUFFICIENT and short["points"] == needed - 1
    assert np.isnan([short[k] for k in ("forecast", "low", "high", "probability")]).all()
    enough = one(case(rng.normal(10, 1, needed), 1, season=season))
    assert enough["method"] in MADE and np.isfinite(enough["forecast"])


@pytest.mark.parametrize(("how", "known", "expected"), [(fc.MAX, 9.0, 9.0), (fc.MIN, 2.0, 2.0)])
def test_a_months_extreme_stands_when_the_forecast_does_not_pass_it(
    how: int, known: float, expected: float
) -> None:
    found = one(case([5.0] * 23 + [known], 1, [known], aggregation=how))
    assert found["forecast"] == pytest.approx(expected)


def test_the_last_and_the_average_take_the_months_forecast_as_the_sum_does() -> None:
    history = [5.0] * 23 + [8.0]
    total = one(case(history, 1, [8.0]))["forecast"]
    assert one(case(history, 1, [8.0], aggregation=fc.AVERAGE))["forecast"] == pytest.approx(
        total / 2
    )
    assert one(case(history, 1, [8.0], aggregation=fc.LAST))["forecast"] == pytest.approx(total - 8)


def test_the_probability_follows_the_direction() -> None:
    noisy = 100 + np.random.default_rng(1).normal(0, 5, 36)
    up = one(case(noisy, 12, target=1200.0))
    down = one(case(noisy, 12, target=1200.0, direction=fc.DECREASE))
    assert 0.2 < up["probability"] < 0.8
    assert up["probability"] + down["probability"] == pytest.approx(1.0, abs=0.01)
    band = one(case(noisy, 12, direction=fc.RANGE, band_low=up["low"], band_high=up["high"]))
    assert band["probability"] == pytest.approx(0.8, abs=0.01)
    assert np.isnan(one(case(noisy, 12))["probability"])


def test_a_years_interval_is_not_the_sum_of_the_months_intervals() -> None:
    noisy = np.tile(SEASON, 3) + np.random.default_rng(2).normal(0, 2, 36)
    a = fc.forecast([case(noisy, 12)])
    months = a.fan[0]
    assert months.shape == (12, 3)
    year = a.high[0] - a.low[0]
    assert 0 < year < 0.6 * (months[:, 2] - months[:, 0]).sum()


def test_a_kpis_forecast_does_not_depend_on_the_others_nor_on_the_run() -> None:
    rng = np.random.default_rng(5)
    mine = case(100 + rng.normal(0, 3, 30), 6, target=600.0)
    others = [case(rng.normal(50, 9, 30), 6), case(rng.normal(50, 9, 25), 2)]
    alone, crowd = fc.forecast([mine]), fc.forecast([*others, mine])
    for name in ("forecast", "low", "high", "probability", "method"):
        assert getattr(alone, name)[0] == getattr(crowd, name)[2]
    again = fc.forecast([mine])
    assert again.forecast[0] == alone.forecast[0]


def test_the_spread_is_widened_by_the_backtests_errors_of_the_total_never_narrowed() -> None:
    origins = 16
    residuals = np.array([[1.0, -1.0] * 10, [1.0, -1.0] * 10])  # variance 1
    impulse = np.ones((2, 2))  # a shock moves every later step: totals' variance 1, then 5
    actual = np.zeros((2, origins, 2))
    backtest = np.stack([np.full((origins, 2), -3.0), np.full((origins, 2), -0.1)])
    chosen = fm.Fitted(np.zeros((2, 2)), residuals, impulse, backtest)
    t = choice.t90(np.array([origins - 1]))[0] / choice.Z90
    assert 1.04 < t < 1.05  # Student's t with 15 degrees of freedom over the normal
    wider = choice.calibration(chosen, actual)
    # Errors of 3 a step: totals of 3 and 6 against standard deviations of 1 and √5.
    assert wider[0] == pytest.approx([3 * t, 6 / np.sqrt(5) * t])
    assert wider[1] == pytest.approx([t, t])  # errors smaller than the residuals: kept at 1


def test_a_cases_basis_holds_what_its_forecast_depends_on_and_nothing_else() -> None:
    rng = np.random.default_rng(8)
    history = 100 + rng.normal(0, 3, 30)
    mine = case(history, 6, target=600.0)
    assert fc.basis(mine) == fc.basis(case(history.copy(), 6, target=600.0))
    odd_nan = np.frombuffer(np.uint64(0x7FF8000000000001).tobytes(), dtype=np.float64)[0]
    gap, other_gap = history.copy(), history.copy()
    gap[3], other_gap[3] = np.nan, odd_nan
    assert fc.basis(case(gap, 6)) == fc.basis(case(other_gap, 6))
    changed = history.copy()
    changed[0] += 1e-9
    assert (
        len(
            {
                fc.basis(c)
                for c in (
                    mine,
                    case(changed, 6, target=600.0),
                    case(history, 6, target=601.0),
                    case(history, 5, target=600.0),
                    case(history, 6, target=600.0, aggregation=fc.AVERAGE),
                    case(history, 6, target=600.0, direction=fc.DECREASE),
                )
            }
        )
        == 6
    )
