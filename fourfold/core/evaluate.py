"""Every score of every node for every period, computed over whole arrays at once.

The work is split by responsibility: fourfold.core.grid (the inputs and the grid of
periods), calculated (formulas of calculated KPIs), kpi_views (each KPI's actual, targets,
lateness and score in a view) and tree (roll-ups through objectives, perspectives and
scorecards). The names other code uses stay importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import calculated, grid, kpi_views, tree
from .grid import (
    DECREASE,
    INCREASE,
    MONTHLY,
    QUARTERLY,
    RANGE,
    SLOTS_PER_YEAR,
    VIEWS,
    YEARLY,
    B,
    Calculated,
    F,
    Inputs,
    Ints,
)
from .rollup import ROLLUPS

__all__ = [
    "DECREASE",
    "DIVISION_BY_ZERO",
    "OVERFLOW",
    "INCREASE",
    "MONTHLY",
    "QUALITY",
    "QUARTERLY",
    "RANGE",
    "ROLLUPS",
    "SLOTS_PER_YEAR",
    "VIEWS",
    "YEARLY",
    "B",
    "Calculated",
    "F",
    "Inputs",
    "Ints",
    "Result",
    "View",
    "evaluate",
]

# Data-quality flags of a calculated KPI's value, by the code in View.quality (0: none).
QUALITY = {1: "division by zero", 2: "too large to compute: its aggregate overflows"}
DIVISION_BY_ZERO, OVERFLOW = 1, 2


@dataclass
class View:
    """Results for one kind of period; rows are KPIs, objectives, perspectives, scorecards."""

    keys: list[str]
    actual: F  # KPIs only
    target: F
    red_flag: F
    low: F
    high: F
    score: F
    status: Ints  # index into the node's scheme, -1 for none
    expected: Ints
    reported: Ints
    overdue: Ints
    quality: Ints = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    # Whether each node's status is its scheme's best, as its parent's roll-up counts it.
    at_best: B = field(default_factory=lambda: np.zeros((0, 0), dtype=np.bool_))


@dataclass
class Result:
    n_kpis: int
    n_objectives: int
    n_perspectives: int
    n_scorecards: int
    node_scheme: Ints
    views: dict[str, View] = field(default_factory=dict)
    # How the nodes roll up, kept for re-scoring a few KPIs (fourfold.core.partial).
    layout: tree.Tree | None = None

    @property
    def offsets(self) -> dict[str, int]:
        return {
            "kpi": 0,
            "objective": self.n_kpis,
            "perspective": self.n_kpis + self.n_objectives,
            "scorecard": self.n_kpis + self.n_objectives + self.n_perspectives,
        }


def evaluate(inp: Inputs) -> Result:
    # An overflow is found in the results and flagged there (OVERFLOW): not warned of.
    with np.errstate(over="ignore"):
        return _evaluate(inp)


@dataclass
class Prepared:
    """What every view of the KPIs is computed from: values at their own frequency, targets
    by level, lateness and each KPI's first month with data."""

    native_values: list[F]
    by_level: list[dict[str, F]]
    overdue_native: list[B]
    first_slot: Ints
    frames: calculated.Frames


@dataclass
class KpiView:
    """One view's results for the KPIs alone (KPIs x periods), before any roll-up."""

    actual: F
    targets: dict[str, F]
    quality: Ints
    score: F
    status: Ints
    expected: B
    reported: B
    overdue: B


def _evaluate(inp: Inputs) -> Result:
    prepared = prepare(inp)
    node_scheme = np.concatenate(
        [inp.kpi_scheme, inp.obj_scheme, inp.persp_scheme, inp.card_scheme]
    ).astype(np.int64)
    result = Result(
        n_kpis=len(inp.kpi_frequency),
        n_objectives=len(inp.obj_depth),
        n_perspectives=len(inp.persp_scorecard),
        n_scorecards=len(inp.card_rollup),
        node_scheme=node_scheme,
    )
    layout = tree.layout(inp, node_scheme)
    result.layout = layout
    months = grid.month_keys(inp)
    for view in VIEWS:
        kpis = kpi_view(inp, prepared, view)
        rolled = tree.roll_up(
            layout, kpis.score, kpis.status, kpis.expected, kpis.reported, kpis.overdue
        )
        result.views[view] = _view(kpis, rolled)
        result.views[view].keys = grid.view_keys(inp, view, months)
    return result


def prepare(inp: Inputs) -> Prepared:
    n_k = len(inp.kpi_frequency)
    native_values = [
        grid.native(inp, f, inp.value_kpi, inp.value_slot, inp.value) for f in range(3)
    ]
    explicit = kpi_views.explicit_targets(inp)
    frames: calculated.Frames = {}
    calculated_rows = np.array([c.kpi for c in inp.calculated], dtype=np.int64)
    if len(calculated_rows):
        frames = calculated.frames(inp, native_values)
        for freq in range(3):
            rows = calculated_rows[inp.kpi_frequency[calculated_rows] == freq]
            native_values[freq][rows] = frames[(freq, False)][0][rows]
    present = [np.isfinite(v) for v in native_values]
    for lvl in range(3):
        for name in ("target", "low"):
            present[lvl] |= np.isfinite(explicit[name][lvl])
    first_slot = grid.first_month_with_data(inp, present)
    overdue_native = [grid.overdue_native(inp, f, native_values[f], first_slot) for f in range(3)]
    if frames:
        for freq in range(3):
            # A value left out by a division by zero is not late: it is flagged instead.
            overdue_native[freq] &= ~frames[(freq, False)][1][:n_k]
    by_level = kpi_views.targets_by_level(inp, explicit)
    return Prepared(native_values, by_level, overdue_native, first_slot, frames)


def kpi_view(inp: Inputs, prepared: Prepared, view: str) -> KpiView:
    """One view of every KPI: actuals, targets, scores, statuses and coverage."""
    level = grid.LEVEL[view]
    n_k = len(inp.kpi_frequency)
    n_p = 12 * inp.n_years if view == "ytd" else grid.n_slots(inp, level)
    frames = prepared.frames
    # Values within DESIGN's limits cannot overflow, but a database written before them may
    # hold larger ones: an aggregate that overflows is no number, and is flagged as such.
    actual = kpi_views.view_actuals(inp, view, prepared.native_values)
    targets = kpi_views.view_targets(inp, view, prepared.by_level)
    for name, numbers in targets.items():
        targets[name] = np.where(np.isinf(numbers), np.nan, numbers)
    overflow = np.isinf(actual)
    overdue = kpi_views.view_overdue(view, prepared.overdue_native)
    applicable = inp.kpi_frequency == MONTHLY if view == "ytd" else inp.kpi_frequency <= level
    quality = np.zeros((n_k, n_p), dtype=np.int64)
    if frames:
        rows = np.array([c.kpi for c in inp.calculated], dtype=np.int64)
        rows = rows[applicable[rows]]
        values, by_zero = frames[(level, view == "ytd")]
        actual[rows] = values[rows]
        quality[rows] = np.where(by_zero[rows], DIVISION_BY_ZERO, 0)
    if overflow.any():
        actual = np.where(overflow, np.nan, actual)
        quality[overflow] = OVERFLOW
    due = grid.slot_ends(inp, level, n_p) < np.datetime64(inp.today)
    started = grid.started(prepared.first_slot, view, n_p)
    wanted = applicable[:, None] & started
    score, status, scored = kpi_views.score(inp, actual, targets, wanted)
    reported = np.isfinite(actual) & wanted
    # A period partly reported can still have an overdue month: both are shown.
    overdue &= wanted & scored[:, None]
    expected = wanted & scored[:, None] & (reported | due[None, :] | overdue)
    return KpiView(actual, targets, quality, score, status, expected, reported & expected, overdue)


def _view(kpis: KpiView, rolled: tree.Rolled) -> View:
    return View(
        keys=[],
        actual=kpis.actual,
        target=kpis.targets["target"],
        red_flag=kpis.targets["red_flag"],
        low=kpis.targets["low"],
        high=kpis.targets["high"],
        score=rolled.score,
        status=rolled.status,
        expected=rolled.expected,
        reported=rolled.reported,
        overdue=rolled.overdue,
        quality=kpis.quality,
        at_best=rolled.at_best,
    )
