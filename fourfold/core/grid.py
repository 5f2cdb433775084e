"""The inputs of the bulk evaluation and the grid of periods they are laid out on.

The grid starts at the first month of a fiscal year and covers whole fiscal years, so
months fold into quarters and years by integer division. KPIs keep their values at their
own frequency ("native slots"): slot = index in that frequency's grid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import formulas, periods, scoring

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

MONTHLY, QUARTERLY, YEARLY = 0, 1, 2
INCREASE, DECREASE, RANGE = 0, 1, 2
SLOTS_PER_YEAR = (12, 4, 1)
VIEWS = ("month", "quarter", "year", "ytd")
# The level of each view's periods: 0 month, 1 quarter, 2 year; year to date is by month.
LEVEL = {"month": 0, "quarter": 1, "year": 2, "ytd": 0}


@dataclass
class Inputs:
    """Definitions, targets and values as flat arrays; indices refer to positions."""

    fiscal_start: int
    first_month: str  # the first month of the grid: the start of a fiscal year
    n_years: int
    today: dt.date
    schemes: list[scoring.Scheme]
    # KPIs
    kpi_frequency: Ints
    kpi_aggregation: Ints  # index into periods.AGGREGATIONS
    kpi_direction: Ints
    kpi_scheme: Ints
    kpi_tolerance: F  # NaN: the band's width
    kpi_grace: Ints
    kpi_weight: F
    kpi_objective: Ints
    # values at the KPI's own frequency: slot = index in that frequency's grid
    value_kpi: Ints
    value_slot: Ints
    value: F
    # targets at a level (0 month, 1 quarter, 2 year) not finer than the KPI's frequency
    target_kpi: Ints
    target_level: Ints
    target_slot: Ints
    target: F
    red_flag: F
    low: F
    high: F
    # objectives, perspectives and scorecards
    obj_depth: Ints  # depth of the objective's unit in the unit tree
    obj_perspective: Ints
    # Contributing alignments, one per edge: the objective below, the one it rolls into, and
    # the weight it counts with there (many to many: an objective may serve several above).
    align_child: Ints
    align_parent: Ints
    align_weight: F
    obj_weight: F
    obj_rollup: Ints  # index into ROLLUPS
    obj_scheme: Ints  # index into schemes
    persp_scorecard: Ints
    persp_weight: F
    persp_rollup: Ints
    persp_scheme: Ints
    card_rollup: Ints
    card_scheme: Ints
    # Calculated KPIs, each with its formula's inputs bound to rows; a KPI whose objective is
    # -1 is only an input (outside the unit asked for) and is not rolled up.
    calculated: list[Calculated] = field(default_factory=list)
    # The month number (periods.month_ordinal) at which each year of the grid starts, when the
    # years are not consecutive: years without any data between two that have some are left
    # out but for one empty year, so that a stray period far away costs one year, not
    # thousands. None: n_years consecutive years from first_month.
    year_starts: list[int] | None = None

    def month_numbers(self) -> Ints:
        """The month number of each column of the month grid."""
        if self.year_starts is None:
            return periods.month_ordinal(self.first_month) + np.arange(12 * self.n_years)
        starts = np.array(self.year_starts, dtype=np.int64)
        return (starts[:, None] + np.arange(12)[None, :]).ravel()


@dataclass
class Calculated:
    """A KPI computed from a formula: `inputs` binds each of its leaves (formulas.leaves).

    A number leaf binds its number, a reference its row (-1 when the KPI is not there), and
    a children roll-up the rows of the child units' KPIs.
    """

    kpi: int
    formula: formulas.Node
    inputs: list[float | int | list[int]]


def n_slots(inp: Inputs, level: int) -> int:
    return SLOTS_PER_YEAR[level] * inp.n_years


def width(finer: int, coarser: int) -> int:
    """How many slots of one level make one slot of a coarser (or the same) level."""
    return SLOTS_PER_YEAR[finer] // SLOTS_PER_YEAR[coarser]


def month_keys(inp: Inputs) -> list[str]:
    return [periods.month_key(int(m)) for m in inp.month_numbers()]


def view_keys(inp: Inputs, view: str, months: list[str]) -> list[str]:
    fs = inp.fiscal_start
    if view == "month":
        return months
    if view == "ytd":
        return [f"{m}-YTD" for m in months]
    if view == "quarter":
        return [periods.quarter_of(m, fs) for m in months[::3]]
    return [periods.year_of(m, fs) for m in months[::12]]


def native(inp: Inputs, freq: int, kpi: Ints, slot: Ints, value: F, level: Ints | None = None) -> F:
    """A (KPIs, slots) matrix of the entries at one frequency, NaN where missing."""
    out = np.full((len(inp.kpi_frequency), n_slots(inp, freq)), np.nan)
    mask = (inp.kpi_frequency[kpi] == freq) if level is None else (level == freq)
    out[kpi[mask], slot[mask]] = value[mask]
    return out


def first_month_with_data(inp: Inputs, present: list[B]) -> Ints:
    """The first month index with a value or target per KPI; earlier periods are not expected."""
    first = np.full(len(inp.kpi_frequency), 12 * inp.n_years, dtype=np.int64)
    for lvl, mat in enumerate(present):
        has = mat.any(axis=1)
        idx = np.argmax(mat, axis=1) * width(MONTHLY, lvl)
        first = np.where(has, np.minimum(first, idx), first)
    return first


def slot_ends(inp: Inputs, level: int, n: int) -> npt.NDArray[np.datetime64]:
    """The last day of each of the first n slots of a level."""
    w = width(MONTHLY, level)
    # The day after the slot's last month, as a numpy day: its end is one day before.
    next_month = inp.month_numbers()[(np.arange(n) + 1) * w - 1] + 1
    years, months = next_month // 12, next_month % 12 + 1
    starts = np.array(
        [f"{y:04d}-{m:02d}-01" for y, m in zip(years, months, strict=True)], dtype="datetime64[D]"
    )
    ends: npt.NDArray[np.datetime64] = np.asarray(
        starts - np.timedelta64(1, "D"), dtype=starts.dtype
    )
    return ends


def overdue_native(inp: Inputs, freq: int, values: F, first_month: Ints) -> B:
    """Slots of the KPIs of one frequency without a value after their deadline has passed."""
    n = values.shape[1]
    # In whole days: a slot is late when its end plus the KPI's grace falls before today.
    ends = slot_ends(inp, freq, n).astype(np.int64)
    today = np.datetime64(inp.today, "D").astype(np.int64)
    w = width(MONTHLY, freq)
    started = (np.arange(n)[None, :] * w + w - 1) >= first_month[:, None]
    late: B = (
        np.isnan(values)
        & (ends[None, :] + inp.kpi_grace[:, None] < today)
        & started
        & (inp.kpi_frequency == freq)[:, None]
    )
    return late


def started(first_month: Ints, view: str, n_p: int) -> B:
    """Periods that end at or after each KPI's first month with data."""
    w = 1 if view in ("month", "ytd") else width(MONTHLY, LEVEL[view])
    last_month = np.arange(n_p) * w + w - 1
    return last_month[None, :] >= first_month[:, None]


def cumulative(values: F, how: str, *, complete: bool = False, slots: int = 12) -> F:
    """Year-to-date within each fiscal year (`slots` columns a year)."""
    n, m = values.shape
    v = values.reshape(n, m // slots, slots)
    finite = np.isfinite(v)
    count = np.cumsum(finite, axis=2)
    if how in ("sum", "average"):
        total = periods.settle(np.cumsum(np.where(finite, v, 0.0), axis=2))
        out = total if how == "sum" else total / np.maximum(count, 1)
    elif how == "last":
        idx = np.where(finite, np.arange(slots)[None, None, :], -1)
        idx = np.maximum.accumulate(idx, axis=2)
        out = np.take_along_axis(v, np.maximum(idx, 0), axis=2)
    elif how == "min":
        out = np.fmin.accumulate(v, axis=2)
    else:
        out = np.fmax.accumulate(v, axis=2)
    out = np.where(count > 0, out, np.nan)
    if complete:
        out = np.where(count == np.arange(1, slots + 1)[None, None, :], out, np.nan)
    return out.reshape(n, m)


def any_in_runs(flags: B, w: int) -> B:
    """Whether any of each run of `w` columns is set."""
    if w == 1:
        return flags.copy()
    n, m = flags.shape
    out: B = np.asarray(flags.reshape(n, m // w, w).any(axis=2), dtype=np.bool_)
    return out
