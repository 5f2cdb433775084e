"""How feasible a target is, asked while it is being set (the Targets page, the API's answer):
the change it asks for against the KPI's own history (fourfold.core.feasibility), the
forecast's chance of reaching it, and a stretch at the forecast's 80th percentile."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fourfold.core import feasibility, periods
from fourfold.core.feasibility import F
from fourfold.core.numbers import compact, grouped
from fourfold.forecasts import services as forecasting
from fourfold.measures.models import KPI
from fourfold.scoring import cache, engine
from fourfold.web import forecast as words
from fourfold.web import periods as choose

STRETCH_QUANTILE = 0.8  # a stretch that one year in five would reach


@dataclass(frozen=True)
class Assessment:
    """Everything said about one target of one KPI for one period."""

    period: str
    period_label: str
    baseline_period: str
    baseline_label: str
    baseline_expected: bool  # the year earlier is still running: its forecast, not its actual
    history: feasibility.Feasibility | None  # None: no value a year earlier, or a range KPI
    probability: float | None  # the forecast's chance of meeting the target
    forecast: float | None
    stretch: float | None  # the forecast's 80th percentile in the KPI's good direction
    method: str

    def as_json(self) -> dict[str, Any]:
        """The API's `feasibility` object (docs/api.md)."""
        h = self.history
        return {
            "baseline_period": self.baseline_period,
            "baseline": h.baseline if h else None,
            "baseline_is_forecast": self.baseline_expected,
            "change": h.change if h else None,
            "relative": h.relative if h else None,
            "percentile": h.percentile if h else None,
            "best_change": h.best if h else None,
            "history_changes": h.changes if h else 0,
            "probability": self.probability,
            "forecast": self.forecast,
            "suggested_stretch": self.stretch,
            "method": self.method,
        }

    def sentences(self, direction: str) -> list[str]:
        """The assessment in words, for the Targets page."""
        out = []
        h = self.history
        before = self.baseline_label
        if h is None:
            if direction != "range":
                out.append(f"No value for {before} to compare the target with.")
        else:
            asked = _change_text(h.change, h.relative)
            what = "expected" if self.baseline_expected else "actual"
            text = f"Against {before} ({what} {compact(h.baseline)}) this target asks for {asked}"
            if h.percentile is None:
                out.append(text + "; there is no earlier year-on-year change to compare with.")
            else:
                out.append(f"{text}: {_rank(h.percentile, h.changes)}; {_best(h)}.")
        if self.probability is not None:
            out.append(
                f"Chance of meeting it, by the forecast: {words.percent(self.probability)} "
                f"(expected {compact(self.forecast)} for {self.period_label})."
            )
        elif self.method == words.INSUFFICIENT:
            out.append("Not enough history for a forecast of its chance.")
        if self.stretch is not None:
            out.append(
                f"A stretch at the forecast's 80th percentile: {grouped(_round(self.stretch))}."
            )
        return out


def _rank(percentile: float, changes: int) -> str:
    """Where the required change falls among the KPI's past ones, in words."""
    past = f"{changes} year-on-year change{'' if changes == 1 else 's'}"
    if percentile >= 100:
        return f"more than any of this KPI's {past}"
    if percentile <= 0:
        return f"less than any of this KPI's {past}"
    return f"more than {percentile:.0f} % of this KPI's {past}"


def _best(h: feasibility.Feasibility) -> str:
    if h.best is None:
        return "no best change to compare with"
    return f"the best ever was {_change_text(h.best, h.relative)}"


def _round(value: float) -> float:
    """Three significant figures: a suggestion, not a measurement."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 2 - int(math.floor(math.log10(abs(value))))
    return round(value, digits)


def _change_text(change: float, relative: bool) -> str:
    sign = "+" if change > 0 else ""
    if relative:
        return f"{sign}{change * 100:.1f} %"
    return f"{sign}{grouped(change)}"


def chance(
    found: Any, direction: str, target: float | None, low: float | None, high: float | None
) -> float | None:
    """The forecast's chance that the period's value meets a goal, from its percentiles."""
    if found is None or words.insufficient(found):
        return None
    cut = np.asarray(found.percentiles if found.percentiles is not None else (), dtype=np.float64)
    if cut.size != 101:
        value = found.forecast  # a period fully reported: its value is known
        if value is None:
            return None
        return float(_meets(value, direction, target, low, high))
    share = np.arange(101) / 100

    def below(x: float) -> float:
        return float(np.interp(x, cut, share, left=0.0, right=1.0))

    if direction == "range":
        if low is None or high is None:
            return None
        return max(0.0, below(high) - below(low))
    if target is None:
        return None
    return below(target) if direction == "decrease" else 1.0 - below(target)


def _meets(
    value: float, direction: str, target: float | None, low: float | None, high: float | None
) -> bool:
    if direction == "range":
        return low is not None and high is not None and low <= value <= high
    if target is None:
        return False
    return value <= target if direction == "decrease" else value >= target


NATIVE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def _native_keys(key: str, frequency: str, fiscal_start: int) -> set[str]:
    """The keys of the KPI's own periods that make up a period."""
    months = periods.parse_period(key, fiscal_start).months
    if frequency == "monthly":
        return set(months)
    if frequency == "quarterly":
        return {periods.quarter_of(m, fiscal_start) for m in months}
    return {periods.year_of(m, fiscal_start) for m in months}


class _Series:
    """One KPI's actuals for one kind of period, each marked complete when every period of
    the KPI's own frequency inside it has a value (a year of 7 months is no year to compare)."""

    def __init__(self, scores: engine.Scores, kpi: KPI, kind: str) -> None:
        row = next(i for i, k in enumerate(scores.index.kpi) if k["id"] == kpi.pk)
        view = scores.result.views[kind]
        self.keys = list(view.keys)
        self.actual = view.actual[row]
        native = scores.result.views[NATIVE[kpi.frequency]]
        known = {
            k
            for k, v in zip(native.keys, native.actual[row].tolist(), strict=True)
            if math.isfinite(v)
        }
        fs = scores.fiscal_start
        self.complete = {
            key: kind == NATIVE[kpi.frequency] or _native_keys(key, kpi.frequency, fs) <= known
            for key, value in zip(self.keys, self.actual.tolist(), strict=True)
            if math.isfinite(value)
        }
        self.column = {k: c for c, k in enumerate(self.keys)}

    def value(self, key: str) -> float | None:
        """The actual of a complete period, None for one that is not."""
        if not self.complete.get(key):
            return None
        return float(self.actual[self.column[key]])

    def pairs(self, until: periods.Period) -> tuple[F, F]:
        """(earlier, later) actuals of every complete period before `until` and of the same
        period a year before it, when complete too."""
        out = []
        for key in self.keys:
            if key >= until.key:  # keys of one kind sort in time
                break
            later = self.value(key)
            if later is None:
                continue
            before = feasibility.year_before(periods.parse_period(key, until.fiscal_start))
            earlier = self.value(before.key) if before.key in self.column else None
            if earlier is not None:
                out.append((earlier, later))
        array = np.array(out, dtype=np.float64).reshape(-1, 2)
        return array[:, 0], array[:, 1]


def assess(
    kpi: KPI,
    unit_code: str,
    key: str,
    target: float | None,
    low: float | None = None,
    high: float | None = None,
    *,
    today: dt.date,
) -> Assessment:
    """The assessment of a target (or a range KPI's band) for the period `key`.

    Raises periods.PeriodError for a key that is not a period.
    """
    scores = cache.scores(unit=unit_code, today=today)
    period = periods.parse_period(key, scores.fiscal_start)
    before = feasibility.year_before(period)
    history = None
    expected = False
    if kpi.direction != "range" and target is not None:
        series = _Series(scores, kpi, "ytd" if period.kind == "ytd" else period.kind)
        baseline = series.value(before.key) if before.key in series.column else None
        if baseline is None:
            # A year earlier still running (or not reported in full): its forecast stands in.
            earlier_year = forecasting.forecast(
                [kpi.pk], before.key, today=today, unit=unit_code, fan=False
            )
            running = earlier_year.get(kpi.pk)
            if running is not None and not running.insufficient and running.forecast is not None:
                baseline, expected = running.forecast, running.method != words.COMPLETE
        if baseline is not None:
            earlier, later = series.pairs(period)
            history = feasibility.assess(target, baseline, earlier, later, kpi.direction)
    found = forecasting.forecast([kpi.pk], period.key, today=today, unit=unit_code, fan=False).get(
        kpi.pk
    )
    stretch = None
    if found is not None and not found.insufficient and kpi.direction != "range":
        q = STRETCH_QUANTILE if kpi.direction == "increase" else 1 - STRETCH_QUANTILE
        stretch = found.quantile(q)
    return Assessment(
        period=period.key,
        period_label=choose.label(period),
        baseline_period=before.key,
        baseline_label=choose.label(before),
        baseline_expected=expected,
        history=history,
        probability=chance(found, kpi.direction, target, low, high),
        forecast=None if found is None else found.forecast,
        stretch=stretch,
        method=found.method if found is not None else words.INSUFFICIENT,
    )


INPUT_CLASS = "feasibility-input"  # the inputs whose changes ask for a new assessment


def mark(form: Any) -> None:
    """Mark the form's period and target inputs, which the Targets page's htmx listens to."""
    for name in ("period", "target", "low", "high"):
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} {INPUT_CLASS}".strip()
