"""Load the scorecard from the database as arrays, score it with the core, and read it out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
from django.utils import timezone

from fourfold.core import evaluate, formulas, periods, scoring
from fourfold.core.hierarchy import Hierarchy
from fourfold.memory import gc_paused
from fourfold.scoring import data, kept
from fourfold.strategy.models import Organization

FREQ = {"monthly": 0, "quarterly": 1, "yearly": 2}
DIRECTION = {"increase": 0, "decrease": 1, "range": 2}
ROLLUP = {name: i for i, name in enumerate(evaluate.ROLLUPS)}
AGG = {name: i for i, name in enumerate(periods.AGGREGATIONS)}
KPI_FIELDS = (
    "pk",
    "objective_id",
    "code",
    "name",
    "frequency",
    "aggregation",
    "direction",
    "scheme_id",
    "tolerance",
    "grace_days",
    "weight",
    "unit",
    "order",
    "formula",
)


@dataclass
class Index:
    """What each row of the arrays stands for."""

    unit_codes: list[str]
    kpi: list[dict[str, Any]]
    objective: list[dict[str, Any]]
    perspective: list[dict[str, Any]]
    scorecard: list[dict[str, Any]]


@dataclass
class Basis:
    """What re-scoring a few KPIs needs beyond the inputs: each KPI row's id, the row of
    each KPI id (-1: not loaded), and where the periods fall."""

    kpi_ids: evaluate.Ints
    kpi_table: evaluate.Ints
    grid: data.Grid
    # The calculated KPIs reading each KPI row, worked out when first needed.
    reading: dict[int, list[int]] | None = None
    # The values and targets in each year of the grid, counted when first needed.
    year_rows: evaluate.Ints | None = None


@dataclass
class Scores:
    inputs: evaluate.Inputs
    index: Index
    result: evaluate.Result
    fiscal_start: int
    basis: Basis | None = None

    @cached_property
    def card_of(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.index.unit_codes)}

    @cached_property
    def children(self) -> dict[tuple[str, int], list[int]]:
        """Rows under each scorecard, perspective and objective, in order."""
        out: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, p in enumerate(self.index.perspective):
            out[("scorecard", p["scorecard"])].append(i)
        for i, o in enumerate(self.index.objective):
            out[("perspective", o["perspective"])].append(i)
        for i, k in enumerate(self.index.kpi):
            if k["objective"] >= 0:  # -1: a formula's input from outside the unit asked for
                out[("objective", k["objective"])].append(i)
        return out

    @cached_property
    def column_of_year(self) -> dict[int, int]:
        """The first column of each fiscal year of the grid, by the month number of its start."""
        starts = self.inputs.year_starts or [
            periods.month_ordinal(self.inputs.first_month) + 12 * i
            for i in range(self.inputs.n_years)
        ]
        return {start: 12 * i for i, start in enumerate(starts)}

    def locate(self, key: str) -> tuple[str, int] | None:
        """The view and column of a period key, or None when no year of the grid holds it."""
        period = periods.parse_period(key, self.fiscal_start)
        view = "ytd" if period.kind == "ytd" else period.kind
        column_of_year = self.column_of_year
        first = _column(column_of_year, periods.month_ordinal(period.months[0]), self.fiscal_start)
        last = _column(column_of_year, periods.month_ordinal(period.months[-1]), self.fiscal_start)
        if first < 0 or last < 0:
            return None
        column = {"month": last, "ytd": last, "quarter": first // 3, "year": first // 12}[view]
        return view, column


_column = data.column


@dataclass
class Definition:
    cards: list[tuple[Any, ...]]
    perspectives: list[tuple[Any, ...]]
    objectives: list[tuple[Any, ...]]
    kpis: list[tuple[Any, ...]]
    # Contributing alignments: (objective below, objective above, weight or None: its own).
    alignments: list[tuple[int, int, float | None]]


def compute(
    *,
    today: dt.date | None = None,
    as_of: dt.datetime | None = None,
    unit: str | None = None,
    organization: Organization | None = None,
    revision: tuple[int, int] | None = None,
) -> Scores:
    """Score every node for every period, from the database as it stands (or stood).

    With `unit`, only that unit and the units below it are loaded and scored. The cyclic
    garbage collector waits meanwhile: the rows read make no cycles, and a full collection
    in the middle of them would go through them all (tens of ms on a page). A moment in the
    past, or definitions that change from some period on, are scored by
    fourfold.revisions.through_time with the definitions as they stood then.

    `organization` is the row as the caller read it (else read here); `revision`, the
    counter as the caller read it before anything else (else read here when needed).
    """
    with gc_paused():
        org = organization or Organization.get()
        if as_of is not None or org.definitions_split:
            from fourfold.revisions import through_time

            return through_time.compute(today=today, as_of=as_of, unit=unit)
        from .live import Live

        return compute_with(
            Live(org.fiscal_year_start), today=today, as_of=None, unit=unit, revision=revision
        )


def compute_with(
    source: Any,
    *,
    today: dt.date | None,
    as_of: dt.datetime | None,
    unit: str | None,
    revision: tuple[int, int] | None = None,
) -> Scores:
    """Scores with the definition that `source` reads (see `live.Live`), and the values and
    targets as they stood at `as_of` (None: as they stand), read after `revision` (see
    `compute`)."""
    today = today or (as_of.date() if as_of else timezone.localdate())
    fs = source.fiscal_start
    schemes = source.schemes()
    core_schemes = [s.to_core() for s in schemes] + [scoring.DEFAULT, scoring.SHARE_MET]
    scheme_pos = {s.pk: i for i, s in enumerate(schemes)}
    default_pos, share_pos = len(schemes), len(schemes) + 1

    units = source.units()
    tree = Hierarchy({pk: p for pk, _, p in units})
    depth = tree.depths()
    unit_code = {pk: code for pk, code, _ in units}
    subtree: set[int] | None = None
    if unit is not None:
        top = next((pk for pk, code, _ in units if code == unit), None)
        subtree = tree.subtree(top) if top is not None else set()

    rows = source.rows(subtree, len(units))
    cards = [c for c in rows.cards if subtree is None or c[1] in subtree]
    card_pos = {c[0]: i for i, c in enumerate(cards)}
    persps = [p for p in rows.perspectives if p[1] in card_pos]
    persp_pos = {p[0]: i for i, p in enumerate(persps)}
    objs = [o for o in rows.objectives if o[1] in persp_pos]
    obj_pos = {o[0]: i for i, o in enumerate(objs)}
    kpis = [k for k in rows.kpis if k[1] in obj_pos]
    weight_of = {o[0]: o[4] for o in objs}
    aligned = [
        (obj_pos[c], obj_pos[p], weight_of[c] if w is None else w)
        for c, p, w in rows.alignments
        if c in obj_pos and p in obj_pos
    ]
    obj_unit = {o[0]: o[9] for o in objs}
    kpi_unit = {k[0]: obj_unit[k[1]] for k in kpis}
    children_of: dict[int, list[int]] = defaultdict(list)
    for pk, _, p in units:
        if p is not None:
            children_of[p].append(pk)
    if subtree is not None:
        kpis += _outside_inputs(kpis, kpi_unit, unit_code, children_of, source.kpis_by_code)

    def node_scheme(scheme_id: int | None, rollup: str) -> int:
        if scheme_id is not None:
            return scheme_pos[scheme_id]
        return share_pos if rollup == "share_met" else default_pos

    codes, values, targets = kept.rows(
        None if subtree is None else [k[0] for k in kpis], as_of=as_of, revision_now=revision
    )
    kpi_freq = np.array([FREQ[k[4]] for k in kpis], dtype=np.int64)
    kpi_ids = np.array([k[0] for k in kpis], dtype=np.int64)
    kpi_table = np.full(int(kpi_ids.max(initial=0)) + 1, -1, dtype=np.int64)
    kpi_table[kpi_ids] = np.arange(len(kpis))
    placed = data.place(values, targets, codes, kpi_table, kpi_freq, fiscal_start=fs, today=today)
    assert placed is not None  # a new grid holds every row
    cells, grid = placed
    year_starts = grid.year_starts
    tarr = cells.target_numbers

    def ints(values: list[Any]) -> evaluate.Ints:
        return np.array(values, dtype=np.int64)

    def floats(values: list[Any]) -> evaluate.F:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    inputs = evaluate.Inputs(
        fiscal_start=fs,
        first_month=periods.month_key(year_starts[0]),
        n_years=len(year_starts),
        year_starts=year_starts,
        today=today,
        schemes=core_schemes,
        kpi_frequency=kpi_freq,
        kpi_aggregation=ints([AGG[k[5]] for k in kpis]),
        kpi_direction=ints([DIRECTION[k[6]] for k in kpis]),
        kpi_scheme=ints([scheme_pos[k[7]] for k in kpis]),
        kpi_tolerance=floats([k[8] for k in kpis]),
        kpi_grace=ints([k[9] for k in kpis]),
        kpi_weight=floats([k[10] for k in kpis]),
        kpi_objective=ints([obj_pos.get(k[1], -1) for k in kpis]),
        value_kpi=cells.value_kpi,
        value_slot=cells.value_slot,
        value=cells.value,
        target_kpi=cells.target_kpi,
        target_level=cells.target_level,
        target_slot=cells.target_slot,
        target=tarr[:, 0].copy(),
        red_flag=tarr[:, 1].copy(),
        low=tarr[:, 2].copy(),
        high=tarr[:, 3].copy(),
        obj_depth=ints([depth[o[9]] for o in objs]),
        obj_perspective=ints([persp_pos[o[1]] for o in objs]),
        align_child=ints([a[0] for a in aligned]),
        align_parent=ints([a[1] for a in aligned]),
        align_weight=floats([a[2] for a in aligned]),
        obj_weight=floats([o[4] for o in objs]),
        obj_rollup=ints([ROLLUP[o[5]] for o in objs]),
        obj_scheme=ints([node_scheme(o[6], o[5]) for o in objs]),
        persp_scorecard=ints([card_pos[p[1]] for p in persps]),
        persp_weight=floats([p[4] for p in persps]),
        persp_rollup=ints([ROLLUP[p[5]] for p in persps]),
        persp_scheme=ints([node_scheme(p[6], p[5]) for p in persps]),
        card_rollup=ints([ROLLUP[c[2]] for c in cards]),
        card_scheme=ints([node_scheme(c[3], c[2]) for c in cards]),
        calculated=_bind(kpis, kpi_unit, unit_code, children_of),
    )
    index = Index(
        unit_codes=[unit_code[c[1]] for c in cards],
        kpi=[
            {
                "id": k[0],
                "code": k[2],
                "name": k[3],
                "frequency": k[4],
                "direction": k[6],
                "unit_of_measure": k[11],
                "objective": obj_pos.get(k[1], -1),
                "formula": k[13],
            }
            for k in kpis
        ],
        objective=[
            {
                "id": o[0],
                "code": o[2],
                "name": o[3],
                "perspective": persp_pos[o[1]],
                "unit": unit_code[o[9]],
            }
            for o in objs
        ],
        perspective=[
            {"id": p[0], "code": p[2], "name": p[3], "scorecard": card_pos[p[1]]} for p in persps
        ],
        scorecard=[{"id": c[0], "unit": unit_code[c[1]], "code": unit_code[c[1]]} for c in cards],
    )
    basis = Basis(kpi_ids, kpi_table, grid) if as_of is None else None
    return Scores(inputs, index, evaluate.evaluate(inputs), fs, basis)


@cache
def _parsed(text: str) -> formulas.Node:
    try:
        return formulas.parse(text)
    except formulas.FormulaError:  # the loader refuses these: no value rather than a crash
        return formulas.Node("num", 1, number=float("nan"))


def _needs(
    kpi: tuple[Any, ...],
    kpi_unit: Mapping[int, int],
    unit_code: Mapping[int, str],
    children_of: Mapping[int, list[int]],
) -> list[str | list[str]]:
    """The KPI codes each leaf of a calculated KPI's formula stands for ("" for a number)."""
    out: list[str | list[str]] = []
    for leaf in formulas.leaves(_parsed(kpi[13])):
        if leaf.kind in formulas.CHILDREN:
            kids = children_of.get(kpi_unit[kpi[0]], [])
            out.append([f"{unit_code[c]}.{leaf.code}" for c in kids])
        else:
            out.append(leaf.code)
    return out


def _outside_inputs(
    kpis: list[tuple[Any, ...]],
    kpi_unit: dict[int, int],
    unit_code: Mapping[int, str],
    children_of: Mapping[int, list[int]],
    by_code: Callable[[set[str]], list[tuple[Any, ...]]],
) -> list[tuple[Any, ...]]:
    """The inputs of the unit's formulas that lie outside it, and theirs, as hidden rows."""
    loaded = {k[2] for k in kpis}
    extra: list[tuple[Any, ...]] = []
    pending = [k for k in kpis if k[13]]
    while pending:
        wanted: set[str] = set()
        for k in pending:
            for need in _needs(k, kpi_unit, unit_code, children_of):
                wanted.update(need if isinstance(need, list) else [need])
        wanted -= loaded | {""}
        if not wanted:
            break
        found = by_code(wanted)
        for k in found:
            kpi_unit[k[0]] = k[-1]
        pending = [k[:-1] for k in found if k[13]]
        extra += [k[:-1] for k in found]
        loaded |= {k[2] for k in found}
    return extra


def _bind(
    kpis: list[tuple[Any, ...]],
    kpi_unit: Mapping[int, int],
    unit_code: Mapping[int, str],
    children_of: Mapping[int, list[int]],
) -> list[evaluate.Calculated]:
    row_of = {k[2]: i for i, k in enumerate(kpis)}
    out = []
    for i, k in enumerate(kpis):
        if not k[13]:
            continue
        formula = _parsed(k[13])
        inputs: list[float | int | list[int]] = []
        needs = _needs(k, kpi_unit, unit_code, children_of)
        for leaf, need in zip(formulas.leaves(formula), needs, strict=True):
            if leaf.kind == "num":
                inputs.append(leaf.number)
            elif isinstance(need, list):
                inputs.append([row_of[c] for c in need if c in row_of])
            else:
                inputs.append(row_of.get(need, -1))
        out.append(evaluate.Calculated(i, formula, inputs))
    return out
