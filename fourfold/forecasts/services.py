"""Forecasts of KPIs for a period, read from the engine's scores and computed by the core.

The history of each KPI, its period's target (set, or implied by its aggregation) and the
period's actual so far all come from the scoring engine (`fourfold.scoring`), so that the
forecast sees exactly what the scorecard shows; `fourfold.core.forecast` does the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone

from fourfold.core import forecast as core
from fourfold.core import periods
from fourfold.measures.models import KPI, KPI_UNIT
from fourfold.scoring import cache, engine
from fourfold.scoring.readout import applies
from fourfold.strategy.models import Organization

SEASON = {"monthly": 12, "quarterly": 4, "yearly": 1}
VIEW_OF_FREQUENCY = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
MONTHS_PER_SLOT = {"monthly": 1, "quarterly": 3, "yearly": 12}
# The keys of `fourfold forecast --json`, in DESIGN.md's order.
JSON_KEYS = (
    "unit",
    "code",
    "period",
    "actual_to_date",
    "forecast",
    "low",
    "high",
    "target",
    "probability",
    "method",
    "points",
)


@dataclass(frozen=True)
class FanPoint:
    """One future period of the fan chart: its key and the 10th, 50th, 90th percentiles."""

    period: str
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True, eq=False)
class Forecast:
    """A KPI's forecast for one period, with DESIGN.md's fields and what the pages need."""

    kpi_id: int
    unit: str
    code: str
    period: str
    actual_to_date: float | None
    forecast: float | None
    low: float | None
    high: float | None
    target: float | None
    probability: float | None
    method: str
    points: int
    direction: str = "increase"
    band_low: float | None = None  # the target band of a range KPI
    band_high: float | None = None
    # The steps from the last value to the period's end (empty when not asked for).
    fan: tuple[FanPoint, ...] = ()
    # The period value's percentiles 0..100 over the paths (an array, or the tuple the first
    # version of this interface took); None or () without a forecast.
    percentiles: np.ndarray | tuple[float, ...] | None = field(default=None, repr=False)

    @property
    def insufficient(self) -> bool:
        return self.method == core.METHOD_NAMES[core.INSUFFICIENT]

    def quantile(self, q: float) -> float | None:
        """The period value's q-quantile (0..1) over the simulated paths, None without one."""
        if self.percentiles is None or len(self.percentiles) != 101:
            return None
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"a quantile is a share from 0 to 1 (got {q})")
        return float(np.interp(q * 100, np.arange(101), self.percentiles))

    def as_json(self) -> dict[str, Any]:
        """The object `fourfold forecast --json` prints and the API answers."""
        return {key: getattr(self, key) for key in JSON_KEYS}


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _scores(unit: str | None, today: dt.date, as_of: dt.datetime | None) -> engine.Scores:
    if as_of is None:
        return cache.scores(unit=unit, today=today)
    return engine.compute(today=today, as_of=as_of, unit=unit)


def scores_for(
    kpi_ids: Iterable[int] | None, today: dt.date, unit: str | None = None
) -> engine.Scores:
    """The engine's scores of the smallest unit whose subtree holds every KPI asked for."""
    return _scores(_scope(None if kpi_ids is None else set(kpi_ids), unit), today, None)


def _scope(kpi_ids: set[int] | None, unit: str | None) -> str | None:
    """The unit whose subtree holds every KPI asked for, to score no more than needed."""
    if unit is not None or kpi_ids is None:
        return unit
    codes = set(KPI.objects.filter(pk__in=kpi_ids).values_list(f"{KPI_UNIT}__code", flat=True))
    return codes.pop() if len(codes) == 1 else None


def _slot_ordinals(scores: engine.Scores, frequency: str) -> np.ndarray:
    """The ordinal (months since year 0 divided by the slot's months) of each grid slot."""
    step = MONTHS_PER_SLOT[frequency]
    months = scores.inputs.month_numbers()
    return months[::step] // step


@dataclass
class Asked:
    """The KPIs asked about, as rows of the engine's index, and each one's question."""

    scores: engine.Scores
    period: periods.Period
    rows: list[int]
    cases: list[core.Case]

    def __post_init__(self) -> None:
        self.last_month = periods.month_ordinal(self.period.months[-1])

    def made(self, r: int, answer: core.Answer, i: int | None = None) -> Forecast:
        """The forecast of the r-th KPI asked about, from row i (by default r) of the core's
        answer."""
        i = r if i is None else i
        quantiles = answer.quantiles[i]
        return self._forecast(
            r,
            [float(getattr(answer, k)[i]) for k in FIGURES],
            core.METHOD_NAMES[int(answer.method[i])],
            int(answer.points[i]),
            answer.fan[i],
            quantiles if np.isfinite(quantiles).all() else None,
        )

    def kept(self, r: int, row: dict[str, Any]) -> Forecast:
        """The forecast of the r-th KPI asked about, as kept (without fan nor percentiles)."""
        figures = [math.nan if row[k] is None else float(row[k]) for k in FIGURES]
        return self._forecast(r, figures, row["method"], row["points"], np.zeros((0, 3)), None)

    def _forecast(
        self,
        r: int,
        figures: list[float],
        method: str,
        points: int,
        steps: np.ndarray,
        percentiles: np.ndarray | None,
    ) -> Forecast:
        index, fs = self.scores.index, self.period.fiscal_start
        kpi = index.kpi[self.rows[r]]
        case = self.cases[r]
        frequency = kpi["frequency"]
        last = self.last_month // MONTHS_PER_SLOT[frequency]
        first_step = last - len(steps) + 1
        actual_to_date, value, low, high, probability = figures
        return Forecast(
            kpi_id=kpi["id"],
            unit=index.objective[kpi["objective"]]["unit"],
            code=kpi["code"],
            period=self.period.key,
            actual_to_date=_num(actual_to_date),
            forecast=_num(value),
            low=_num(low),
            high=_num(high),
            target=_num(case.target),
            probability=_num(probability),
            method=method,
            points=points,
            direction=kpi["direction"],
            band_low=_num(case.band_low),
            band_high=_num(case.band_high),
            fan=tuple(
                FanPoint(_slot_key(first_step + j, frequency, fs), *map(float, row))
                for j, row in enumerate(steps)
            ),
            percentiles=percentiles,
        )


# The figures of a forecast, as named in core.Answer and in MadeForecast.
FIGURES = ("actual_to_date", "forecast", "low", "high", "probability")


def ask(
    kpi_ids: Iterable[int] | None,
    period: str,
    *,
    today: dt.date | None = None,
    as_of: dt.datetime | None = None,
    unit: str | None = None,
    history_until: str | None = None,
    scores: engine.Scores | None = None,
) -> Asked:
    """The questions `forecast` answers (see there), without answering them."""
    today = today or (as_of.date() if as_of else timezone.localdate())
    fs = scores.fiscal_start if scores is not None else Organization.get().fiscal_year_start
    wanted = None if kpi_ids is None else set(kpi_ids)
    parsed = periods.parse_period(period, fs)
    if scores is None:
        scores = _scores(_scope(wanted, unit), today, as_of)
    index = scores.index
    located = scores.locate(parsed.key)
    view_name = "ytd" if parsed.kind == "ytd" else parsed.kind
    rows: list[int] = []
    for k, kpi in enumerate(index.kpi):
        if kpi["objective"] < 0 or (wanted is not None and kpi["id"] not in wanted):
            continue
        owner = index.objective[kpi["objective"]]["unit"]
        if unit is not None and owner != unit:
            continue
        if applies(kpi["frequency"], view_name):
            rows.append(k)
    month_first = periods.month_ordinal(parsed.months[0])
    month_last = periods.month_ordinal(parsed.months[-1])
    cases: list[core.Case] = []
    ordinals = {f: _slot_ordinals(scores, f) for f in SEASON}
    cutoff = None if history_until is None else periods.month_ordinal(history_until)
    view = scores.result.views[view_name]
    for k in rows:
        kpi = index.kpi[k]
        freq = kpi["frequency"]
        step = MONTHS_PER_SLOT[freq]
        native = scores.result.views[VIEW_OF_FREQUENCY[freq]].actual[k]
        if cutoff is not None:
            native = np.where(ordinals[freq] * step + step - 1 <= cutoff, native, np.nan)
        cases.append(
            _case(
                native,
                ordinals[freq],
                month_first // step,
                month_last // step,
                SEASON[freq],
                scores.inputs.kpi_aggregation[k],
                engine.DIRECTION[kpi["direction"]],
                [float("nan")] * 3
                if located is None
                else [float(m[k, located[1]]) for m in (view.target, view.low, view.high)],
            )
        )
    return Asked(scores, parsed, rows, cases)


def forecast(
    kpi_ids: Iterable[int] | None,
    period: str,
    *,
    today: dt.date | None = None,
    as_of: dt.datetime | None = None,
    unit: str | None = None,
    history_until: str | None = None,
    fan: bool = True,
    scores: engine.Scores | None = None,
) -> dict[int, Forecast]:
    """Forecasts of the KPIs asked for (every KPI when None; with `unit`, that unit's own
    KPIs) that are reported at the period's frequency or finer, by KPI id. With
    `history_until` (a month key), values of periods ending after that month are left out,
    as if the forecast were made then (the demo's past forecasts). Without `fan`, the
    monthly percentiles of the fan chart are left out (faster for many KPIs). With `scores`
    (the engine's, holding every KPI asked for), they are read instead of scored again.

    Raises periods.PeriodError for a period key that is not one.
    """
    asked = ask(
        kpi_ids,
        period,
        today=today,
        as_of=as_of,
        unit=unit,
        history_until=history_until,
        scores=scores,
    )
    answer = core.forecast(asked.cases, fan=fan)
    return {f.kpi_id: f for f in (asked.made(r, answer) for r in range(len(asked.rows)))}


def current(
    kpi_ids: Iterable[int] | None,
    period: str,
    *,
    today: dt.date | None = None,
    unit: str | None = None,
    scores: engine.Scores | None = None,
) -> dict[int, Forecast]:
    """`forecast(..., fan=False)`, read from the kept forecasts whose basis (everything the
    figures depend on: core.basis) is the case's now, and computed for the others only."""
    from .models import MadeForecast

    asked = ask(kpi_ids, period, today=today, unit=unit, scores=scores)
    bases = [core.basis(c) for c in asked.cases]
    found: dict[str, dict[str, Any]] = {}
    wanted = sorted(set(bases))
    fields = ("basis", "method", "points", *FIGURES)
    for start in range(0, len(wanted), BASES_PER_QUERY):
        chunk = wanted[start : start + BASES_PER_QUERY]
        kept = MadeForecast.objects.filter(period=asked.period.key, basis__in=chunk)
        found.update({row["basis"]: row for row in kept.order_by().values(*fields)})
    made: dict[int, Forecast] = {}
    missing = [r for r, b in enumerate(bases) if b not in found]
    answer = core.forecast([asked.cases[r] for r in missing], fan=False)
    for i, r in enumerate(missing):
        made[r] = asked.made(r, answer, i)
    every = (made[r] if r in made else asked.kept(r, found[b]) for r, b in enumerate(bases))
    return {f.kpi_id: f for f in every}


BASES_PER_QUERY = 500


def reported(
    kpi_ids: Iterable[int] | None,
    period: str,
    *,
    today: dt.date | None = None,
    scores: engine.Scores | None = None,
) -> dict[int, tuple[float, str]]:
    """The value of the period, and the direction, of each KPI asked for whose every slot of
    the period is reported (what a kept forecast is graded against), by KPI id; nothing is
    forecast."""
    asked = ask(kpi_ids, period, today=today, scores=scores)
    out = {}
    for k, case in zip(asked.rows, asked.cases, strict=True):
        value = core.reported(case)
        if math.isfinite(value):
            kpi = asked.scores.index.kpi[k]
            out[kpi["id"]] = (value, kpi["direction"])
    return out


def _case(
    native: np.ndarray,
    ordinal: np.ndarray,
    first: int,
    last: int,
    season: int,
    aggregation: int,
    direction: int,
    targets: list[float],
) -> core.Case:
    """One KPI's question: its values laid out densely by slot up to its last value, the
    steps from there to the period's end, and the period's slots inside the history."""
    keep = np.isfinite(native) & (ordinal <= last)
    at, values = ordinal[keep], native[keep]
    start = int(min(at.min(initial=first), first))
    dense = np.full(last - start + 1, np.nan)
    dense[at - start] = values
    # The history runs to the last value at or before the period's end; every slot after it
    # is a step ahead, in the period or (before it) not.
    end = int(at.max()) - start + 1 if len(at) else 0
    slots = np.arange(start + end, last + 1)
    target, low, high = targets
    return core.Case(
        history=dense[:end],
        season=season,
        missing=slots >= first,
        known=dense[first - start : end],
        aggregation=int(aggregation),
        direction=direction,
        target=target,
        band_low=low,
        band_high=high,
    )


def _slot_key(ordinal: int, frequency: str, fiscal_start: int) -> str:
    month = periods.month_key(ordinal * MONTHS_PER_SLOT[frequency])
    if frequency == "monthly":
        return month
    if frequency == "quarterly":
        return periods.quarter_of(month, fiscal_start)
    return periods.year_of(month, fiscal_start)


def current_year(today: dt.date) -> str:
    """The key of the fiscal year that holds a day."""
    return periods.year_of(f"{today:%Y-%m}", Organization.get().fiscal_year_start)


def year_probabilities(
    kpi_ids: Iterable[int] | None,
    *,
    today: dt.date | None = None,
    scores: engine.Scores | None = None,
) -> dict[int, float | None]:
    """Each KPI's probability of meeting its target of the current fiscal year (None
    without a target or a forecast), by KPI id: the kept forecasts that are current, the
    others made now (`current`)."""
    today = today or timezone.localdate()
    if scores is None:
        year = current_year(today)
    else:
        year = periods.year_of(f"{today:%Y-%m}", scores.fiscal_start)
    found = current(kpi_ids, year, today=today, scores=scores)
    return {pk: f.probability for pk, f in found.items()}
