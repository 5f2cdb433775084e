"""KPIs reported less often than the period a scorecard shows (a quarterly KPI in a month):
the page shows each with its latest quarter or year that has ended by the period's end.

This is presentation only. The engine scores such a KPI in periods of its frequency and
longer, so it never counts in a shorter period's roll-up (`fourfold.core.evaluate`: a KPI
is expected in a view only when its frequency is not coarser than the view's), and the
rows of `scores --json` leave it out of that period; the page says so beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fourfold.core import periods
from fourfold.core.entries import FREQUENCY_KIND
from fourfold.scoring import engine, readout

from . import periods as choose

OF_FREQUENCY = {"quarterly": periods.quarter_of, "yearly": periods.year_of}
WHAT = {f: FREQUENCY_KIND[f] for f in OF_FREQUENCY}


@dataclass
class Latest:
    """A KPI's row in its latest period, and where that period is in the engine's views."""

    key: str
    label: str
    view_name: str
    column: int  # -1 when the grid holds no such period: nothing was reported then
    row: dict[str, Any]


def latest_key(period: periods.Period, frequency: str, fiscal_start: int) -> str:
    """The last period of the frequency that ends by the end of the period shown."""
    of = OF_FREQUENCY[frequency]
    end = period.months[-1]
    key = of(end, fiscal_start)
    first = periods.parse_period(key, fiscal_start).months
    if first[-1] != end:  # still running at the period's end: the one before it
        key = of(periods.month_key(periods.month_ordinal(first[0]) - 1), fiscal_start)
    return key


def _empty_row(code: str, unit: str, key: str) -> dict[str, Any]:
    nothing = {"actual": None, "target": None, "score": None, "status": None, "color": None}
    cover = {"expected": 0, "reported": 0, "overdue": 0}
    return {"unit": unit, "kind": "kpi", "code": code, "period": key, **nothing, "coverage": cover}


def latest(scores: engine.Scores, position: int, period: periods.Period, unit: str) -> Latest:
    """The KPI at `position` in its latest period by the end of `period`."""
    kpi = scores.index.kpi[position]
    key = latest_key(period, kpi["frequency"], scores.fiscal_start)
    label = choose.label(periods.parse_period(key, scores.fiscal_start))
    located = scores.locate(key)
    if located is None:
        return Latest(key, label, WHAT[kpi["frequency"]], -1, _empty_row(kpi["code"], unit, key))
    view_name, column = located
    view = scores.result.views[view_name]
    row = readout.node_row(scores, view, position, column, "kpi", kpi["code"], unit, key)
    return Latest(key, label, view_name, column, row)


def note(frequency: str, label: str, period_label: str) -> str:
    """What the page says beside such a KPI."""
    return f"{label}, its latest {WHAT[frequency]} · not counted in {period_label}"
