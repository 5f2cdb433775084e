"""The KPI page's forecast: the fiscal year's value with its 80 % interval and the chance of
meeting the goal, in words, as a fan chart and as a table; and how earlier forecasts did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fourfold.core import periods
from fourfold.core.entries import FREQUENCY_KIND
from fourfold.forecasts import services as forecasting
from fourfold.measures.models import KPI
from fourfold.scoring import engine

from . import forecast as words
from . import kpi as kpi_page
from . import objective as objective_page
from . import periods as choose
from . import reliability
from .reliability import Line

HISTORY_YEARS = 2  # years of history drawn before the forecast year


@dataclass
class FanRow:
    key: str
    label: str
    actual: float | None
    target: float | None
    median: float | None
    low: float | None
    high: float | None


@dataclass
class Outlook:
    """What the page's forecast panel shows for one KPI and one period."""

    period: periods.Period
    label: str
    found: Any  # fourfold.forecasts.services.Forecast, or None
    sentence: str = ""  # "62 % chance of reaching 1.2 M by December 2026"
    why_not: str = ""  # why there is no forecast
    chart: dict[str, Any] | None = None
    rows: list[FanRow] = field(default_factory=list)
    band_low: float | None = None  # a range KPI's target band for the period
    band_high: float | None = None
    reliability: Line | None = None

    @property
    def shown(self) -> bool:
        return not words.insufficient(self.found)

    @property
    def complete(self) -> bool:
        """Every period is reported: the figure is the actual, with no interval."""
        return self.shown and self.found.method == words.COMPLETE

    @property
    def interval(self) -> str:
        return words.interval(self.found) if self.shown else ""


def _fan(found: Any) -> dict[str, tuple[float | None, float | None, float | None]]:
    """The forecast's future periods: key → (10th, 50th, 90th percentile)."""
    out = {}
    for step in getattr(found, "fan", None) or []:
        out[step.period] = (words.finite(step.p10), words.finite(step.p50), words.finite(step.p90))
    return out


def build(
    scores: engine.Scores,
    kpi: KPI,
    found: Any,
    period: periods.Period,
    reliability: Line | None = None,
) -> Outlook:
    """The panel, from the scores of the KPI's unit and its forecast for `period`."""
    row = next(i for i, k in enumerate(scores.index.kpi) if k["id"] == kpi.pk)
    view = scores.result.views[FREQUENCY_KIND[kpi.frequency]]
    band_low = getattr(found, "band_low", None)
    band_high = getattr(found, "band_high", None)
    outlook = Outlook(
        period=period,
        label=choose.label(period),
        found=found,
        band_low=band_low,
        band_high=band_high,
        reliability=reliability,
    )
    if not outlook.shown:
        outlook.why_not = words.not_enough(found, kpi.frequency)
        return outlook
    outlook.sentence = words.chance(found, kpi.direction, period, band_low, band_high)
    fan = _fan(found)
    keys = list(view.keys)
    position = {k: i for i, k in enumerate(keys)}
    end = position.get(_last_key(period, FREQUENCY_KIND[kpi.frequency]), len(keys) - 1)
    per_year = {"monthly": 12, "quarterly": 4, "yearly": 1}[kpi.frequency]
    start = max(0, end + 1 - per_year * (HISTORY_YEARS + 1))
    columns = range(start, end + 1)
    fs = scores.fiscal_start
    rows: list[FanRow] = []
    for c in columns:
        key = keys[c]
        p10, p50, p90 = fan.get(key, (None, None, None))
        target = None if kpi.direction == "range" else words.finite(view.target[row, c])
        label = choose.label(periods.parse_period(key, fs))
        actual = words.finite(view.actual[row, c])
        rows.append(FanRow(key, label, actual, target, p50, p10, p90))
    outlook.rows = rows
    outlook.chart = chart(rows, kpi, scores, view, row, columns)
    return outlook


def _last_key(period: periods.Period, kind: str) -> str:
    """The key of the last period of `kind` (month, quarter, year) inside `period`."""
    last, fs = period.last_month, period.fiscal_start
    if kind == "month":
        return last
    return periods.quarter_of(last, fs) if kind == "quarter" else periods.year_of(last, fs)


def chart(
    rows: list[FanRow],
    kpi: KPI,
    scores: engine.Scores,
    view: Any,
    row: int,
    columns: range,
) -> dict[str, Any]:
    """What charts.js draws as a fan: history, target (or band), the median and its band."""
    fs = scores.fiscal_start
    cols = np.arange(columns.start, columns.stop)
    ranged = kpi.direction == "range"
    low_band = [words.finite(v) for v in view.low[row, cols].tolist()] if ranged else None
    high_band = [words.finite(v) for v in view.high[row, cols].tolist()] if ranged else None
    median = [r.median for r in rows]
    low = [r.low for r in rows]
    high = [r.high for r in rows]
    actual = [r.actual for r in rows]
    # The median and its band start from the last value, so that the fan joins the history.
    first = next((i for i, m in enumerate(median) if m is not None), None)
    if first is not None and first > 0 and actual[first - 1] is not None:
        median[first - 1] = low[first - 1] = high[first - 1] = actual[first - 1]
    seen = [v for v in [*actual, *median, *low, *high, *(r.target for r in rows)] if v is not None]
    seen += [v for v in [*(low_band or []), *(high_band or [])] if v is not None]
    lo, hi = (min(seen), max(seen)) if seen else (0.0, 1.0)
    y_min, y_max = kpi_page.nice_range(lo, hi)
    return {
        "kind": "forecast",
        "labels": [objective_page.short_label(r.key, fs) for r in rows],
        "actual": actual,
        "target": None if ranged else [r.target for r in rows],
        "low": low_band,
        "high": high_band,
        "median": median,
        "fan_low": low,
        "fan_width": [
            None if a is None or b is None else max(b - a, 0.0)
            for a, b in zip(low, high, strict=True)
        ],
        "min": y_min,
        "max": y_max,
        "unit": kpi.unit,
    }


def outlook(scores: engine.Scores, unit_code: str, kpi: KPI, today: dt.date) -> Outlook | None:
    """The panel of the KPI page: this fiscal year's forecast and how earlier ones did;
    none for a yes / no KPI, whose chance is its one milestone."""
    if kpi.scheme.type == "yes_no":
        return None
    period = words.this_year(today, scores.fiscal_start)
    found = forecasting.forecast(
        [kpi.pk], period.key, today=today, unit=unit_code, scores=scores
    ).get(kpi.pk)
    graded = reliability.line_for(unit_code, kpi, today, scores)
    return build(scores, kpi, found, period, graded)
