"""How well Fourfold's forecasts do on real public series (benchmarks/data/, see its README).

    .venv/bin/python -m benchmarks.forecast_accuracy [--set both|issue|old] [--no-reference]
                                                     [--years 2]

Two sets of series: "issue", the monthly business-like series the issue asks for (passengers,
retail, employment, road casualties, electricity, and three kept from before), whose figures
are the goals'; and "old", the six series this benchmark used first (three of them quarterly
US macro series), printed too so that a change of figures can be told from a change of data.
For each series, each of its last two full calendar years and each origin (0, 3, 6 and 9
months of the year reported; quarterly series: 0 to 3 quarters), the year's value is
forecast from the history before it, as `fourfold forecast` does, and compared with what
happened:
- the mean relative error of the year's value, against that of seasonal naive on the same
  cases: goal at most 0.45 times;
- how often the actual fell inside the 80 % interval: goal 75-85 %;
- the Brier score of the probability of meeting a target 2 % better than the year before
  (2 % more, or 2 % fewer road casualties): goal at most 0.06.
Beside them, as a reference (unless --no-reference), statsmodels' damped additive
Holt-Winters fitted to the same history, with 2,000 simulated paths for the interval and the
probability. Nothing here is tuned to a series: the method is the product's. A table of both
sets, ours and the reference's, closes the output.

How seasonal naive's year is read. Our year's value combines the months reported with the
months forecast, by the KPI's aggregation (DESIGN "Forecasts"). The goal's reading gives
seasonal naive the same months: each month not reported is the same month of the year
before, combined with the reported ones the same way, so that both forecasters know the same
and the ratio measures the forecast alone. The other reading, seasonal naive's forecast made
before the year began (the year before's value, whatever has been reported since), is
printed beside it: it is a weaker baseline from the second origin on, so its ratio is lower.

Two more figures, which are not goals, say how much the goals' 64 cases (48 of the old set)
can tell: the same figures over the last ten full years (320 and 240 cases: `--years 10`
gives them all), and, for the
goals' cases, the coverage and Brier score when every interval is widened or narrowed about
its mean by one factor, which shows how the two goals pull against each other here.
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fourfold.core import forecast as core
from fourfold.core import forecast_models as fm
from fourfold.core import forecast_paths

DATA = Path(__file__).parent / "data"
# The series of each set: file, the KPI's aggregation over the year, its direction. "issue" is
# the set the issue asks for (monthly business-like series, data README); "old" the six the
# benchmark used first (three of them quarterly US macro series), kept to compare with.
SETS = {
    "issue": (
        ("airline", core.SUM, core.INCREASE),
        ("aus_cafe", core.SUM, core.INCREASE),
        ("us_retail_employment", core.AVERAGE, core.INCREASE),
        ("uk_drivers_ksi", core.SUM, core.DECREASE),
        ("us_electricity", core.SUM, core.INCREASE),
        ("co2", core.AVERAGE, core.INCREASE),
        ("elec_equip", core.SUM, core.INCREASE),
        ("elnino", core.AVERAGE, core.INCREASE),
    ),
    "old": (
        ("co2", core.AVERAGE, core.INCREASE),
        ("elec_equip", core.SUM, core.INCREASE),
        ("elnino", core.AVERAGE, core.INCREASE),
        ("macro_realgdp", core.AVERAGE, core.INCREASE),
        ("macro_cpi", core.AVERAGE, core.INCREASE),
        ("macro_unemp", core.AVERAGE, core.INCREASE),
    ),
}
ORIGIN_MONTHS = (0, 3, 6, 9)
YEARS = 2
BETTER = 0.02  # the target: 2 % better than the year before, by direction
GOAL_RATIO = 0.45
GOAL_COVERAGE = (0.75, 0.85)
GOAL_BRIER = 0.06
REFERENCE_PATHS = 2000
WIDEN = (0.75, 1.0, 1.5, 2.0, 2.5, 3.0)


@dataclass
class Outcome:
    """One forecast of a year: the figures and what happened."""

    series: str
    forecast: float
    low: float
    high: float
    probability: float
    actual: float
    target: float
    direction: int = core.INCREASE

    @property
    def error(self) -> float:
        return abs(self.forecast - self.actual) / abs(self.actual)

    @property
    def covered(self) -> bool:
        return self.low <= self.actual <= self.high

    @property
    def met(self) -> bool:
        return bool(meets(np.array(self.actual), self.target, self.direction))

    @property
    def brier(self) -> float:
        return (self.probability - float(self.met)) ** 2


def meets(value: np.ndarray, target: float, direction: int) -> np.ndarray:
    """Whether each value meets a target "2 % better" by the KPI's direction."""
    return value <= target if direction == core.DECREASE else value >= target


def read(name: str) -> tuple[np.ndarray, int]:
    """A series' values from its first January (or first quarter), so that its years are
    calendar years, and the number of periods in its year."""
    with (DATA / f"{name}.csv").open() as f:
        rows = list(csv.DictReader(f))
    season = 4 if "-Q" in rows[0]["period"] else 12
    first = next(i for i, r in enumerate(rows) if r["period"][5:] in ("01", "Q1"))
    return np.array([float(r["value"]) for r in rows[first:]]), season


@dataclass
class Question:
    series: str
    case: core.Case
    actual: float
    history: np.ndarray
    known: np.ndarray
    last_year: float  # the year before's value: seasonal naive's before the year begins


def questions(which: str = "issue", years: int = YEARS) -> list[Question]:
    """Every case of the benchmark: the set's series × last full years × origins."""
    out = []
    for name, how, direction in SETS[which]:
        y, season = read(name)
        full = len(y) // season
        for year in range(full - years, full):
            start = year * season
            actual = core.aggregate(y[start : start + season], how)
            last_year = core.aggregate(y[start - season : start], how)
            better = 1 - BETTER if direction == core.DECREASE else 1 + BETTER
            for months in ORIGIN_MONTHS:
                known_n = months * season // 12
                known = y[start : start + known_n]
                case = core.Case(
                    history=y[: start + known_n],
                    season=season,
                    missing=np.ones(season - known_n, dtype=bool),
                    known=known,
                    aggregation=how,
                    direction=direction,
                    target=last_year * better,
                )
                out.append(Question(name, case, actual, y[: start + known_n], known, last_year))
    return out


def ours(qs: list[Question], method: int | None = None, widen: float = 1.0) -> list[Outcome]:
    """Fourfold's forecasts of the cases; with `widen`, each period value's percentiles moved
    about their mean by that factor (an experiment on the interval's width, not the method)."""
    answer = core.forecast([q.case for q in qs], method=method)
    if widen != 1.0:
        mean = answer.forecast[:, None]
        q = mean + widen * (answer.quantiles - mean)
        answer.low, answer.high = q[:, 10], q[:, 90]
        for i, c in enumerate(qs):
            answer.probability[i] = meets(q[i], c.case.target, c.case.direction).mean()
    return [
        Outcome(
            q.series,
            float(answer.forecast[i]),
            float(answer.low[i]),
            float(answer.high[i]),
            float(answer.probability[i]),
            q.actual,
            q.case.target,
            q.case.direction,
        )
        for i, q in enumerate(qs)
    ]


def reference(qs: list[Question]) -> list[Outcome]:
    """statsmodels' damped additive Holt-Winters on the same (capped) history."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = []
    for q in qs:
        season = q.case.season
        y = q.history[-core.MAX_SEASONS * season :]
        seasonal = "add" if len(y) >= 2 * season and season > 1 else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = ExponentialSmoothing(
                y,
                trend="add",
                damped_trend=True,
                seasonal=seasonal,
                seasonal_periods=season if seasonal else None,
            ).fit()
            steps = len(q.case.missing)
            sims = np.asarray(
                fit.simulate(
                    steps,
                    repetitions=REFERENCE_PATHS,
                    error="add",
                    anchor="end",
                    random_state=forecast_paths.SEED,
                )
            ).reshape(steps, REFERENCE_PATHS)
        value = forecast_paths.period_values(
            sims[None, :, :],
            np.ones((1, steps), dtype=bool),
            np.array([steps]),
            [q.known],
            [q.case.aggregation],
        )[0]
        out.append(
            Outcome(
                q.series,
                float(value.mean()),
                float(np.quantile(value, 0.1)),
                float(np.quantile(value, 0.9)),
                float(meets(value, q.case.target, q.case.direction).mean()),
                q.actual,
                q.case.target,
                q.case.direction,
            )
        )
    return out


def naive_before(qs: list[Question]) -> list[Outcome]:
    """Seasonal naive's forecast of each year made before it began: the year before's value."""
    return [
        Outcome(q.series, q.last_year, q.last_year, q.last_year, 0.0, q.actual, q.case.target)
        for q in qs
    ]


def summary(found: list[Outcome], naive: list[Outcome]) -> dict[str, float]:
    err = float(np.mean([o.error for o in found]))
    base = float(np.mean([o.error for o in naive]))
    return {
        "ratio": err / base,
        "coverage": float(np.mean([o.covered for o in found])),
        "brier": float(np.mean([o.brier for o in found])),
        "error": err,
    }


def per_series(which: str, found: list[Outcome], naive: list[Outcome]) -> None:
    print(f"{'series':<22} {'rel. error':>10} {'naive':>8} {'ratio':>6} {'cover':>6} {'Brier':>6}")
    for name, _, _ in SETS[which]:
        mine = [o for o in found if o.series == name]
        base = [o for o in naive if o.series == name]
        s = summary(mine, base)
        print(
            f"{name:<22} {s['error']:>10.4f} {summary(base, base)['error']:>8.4f} "
            f"{s['ratio']:>6.2f} {s['coverage']:>6.0%} {s['brier']:>6.3f}"
        )


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def goals(found: list[Outcome], naive: list[Outcome], before: list[Outcome]) -> None:
    s = summary(found, naive)
    lo, hi = GOAL_COVERAGE
    print(
        f"  error vs seasonal naive  {s['ratio']:.3f}  goal <= {GOAL_RATIO}  "
        f"{_verdict(s['ratio'] <= GOAL_RATIO)}   (naive given the reported months)"
    )
    print(
        f"  error vs seasonal naive  {summary(found, before)['ratio']:.3f}  "
        "(the other reading: naive's year made before it began)"
    )
    print(
        f"  80 % interval coverage   {s['coverage']:.1%}  goal {lo:.0%}-{hi:.0%}  "
        f"{_verdict(lo <= s['coverage'] <= hi)}"
    )
    print(
        f"  Brier, target 2 % better {s['brier']:.4f}  goal <= {GOAL_BRIER}  "
        f"{_verdict(s['brier'] <= GOAL_BRIER)}"
    )


def report(which: str, years: int, with_reference: bool) -> dict[str, dict[str, float]]:
    """Print one set's figures in full; return its summaries, ours and the reference's."""
    qs = questions(which, years)
    started = time.perf_counter()
    found = ours(qs)
    took = time.perf_counter() - started
    naive = ours(qs, method=fm.SNAIVE)
    before = naive_before(qs)
    count = len(SETS[which])
    print(
        f"set '{which}': {len(qs)} forecasts of a year ({count} series, {years} years, 4 origins)"
    )
    per_series(which, found, naive)
    print(f"Fourfold ({took:.2f} s for all {len(qs)}):")
    goals(found, naive, before)
    out = {"Fourfold": summary(found, naive)}
    if years == YEARS:
        longer = questions(which, 10)
        wide = summary(ours(longer), ours(longer, method=fm.SNAIVE))
        print(
            f"  over the last 10 years ({len(longer)} cases, not a goal): error ratio "
            f"{wide['ratio']:.3f}, coverage {wide['coverage']:.1%}, Brier {wide['brier']:.4f}"
        )
        print("  every interval widened by one factor (not the method: how the goals pull):")
        for factor in WIDEN:
            w = summary(ours(qs, widen=factor), naive)
            print(f"    × {factor:<4}  coverage {w['coverage']:6.1%}   Brier {w['brier']:.4f}")
    if with_reference:
        started = time.perf_counter()
        ref = reference(qs)
        took = time.perf_counter() - started
        print(f"statsmodels damped additive Holt-Winters, {REFERENCE_PATHS} paths ({took:.0f} s):")
        per_series(which, ref, naive)
        goals(ref, naive, before)
        out["statsmodels"] = summary(ref, naive)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-reference", action="store_true", help="skip statsmodels")
    parser.add_argument("--years", type=int, default=YEARS, help="last full years of each")
    parser.add_argument(
        "--set", choices=("both", *SETS), default="both", help="which series (default: both)"
    )
    args = parser.parse_args(argv)
    chosen = list(SETS) if args.set == "both" else [args.set]
    table = {}
    for which in chosen:
        table[which] = report(which, args.years, not args.no_reference)
        print()
    print(f"{'set':<7} {'forecaster':<12} {'error ratio':>11} {'coverage':>9} {'Brier':>7}")
    for which, rows in table.items():
        for who, s in rows.items():
            print(
                f"{which:<7} {who:<12} {s['ratio']:>11.3f} {s['coverage']:>9.1%} {s['brier']:>7.4f}"
            )
    print(f"goal{'':<20} {'<= ' + str(GOAL_RATIO):>11} {'75-85 %':>9} {'<= ' + str(GOAL_BRIER):>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
