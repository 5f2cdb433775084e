"""The rules every value and target meets, whichever way it comes in: pure, in bulk.

Every channel (the scorecard file, imports, the entry grid, uploads, the API, connectors,
approvals) hands its rows to these checks as arrays: a KPI index and a period index per row,
and the numbers. Each rule is decided once per KPI and once per period, then applied to all
rows at once; only the rows that fail are worded, each with the field it is about.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from . import scoring
from .periods import KINDS, Period, outside_limits
from .schemes import show

# The period kind a KPI of each frequency is reported in, and those its targets may be set for.
FREQUENCY_KIND = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
TARGET_KINDS = {
    "monthly": ("month", "quarter", "year"),
    "quarterly": ("quarter", "year"),
    "yearly": ("year",),
}
TARGET_FIELDS = ("target", "red_flag", "stretch", "low", "high", "baseline")
# The largest magnitude of a value, target, red flag, stretch or band edge.
LIMIT = 1e15

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class KpiFacts:
    """What the checks of a KPI's values and targets need to know of it, and who may write."""

    id: int
    code: str
    name: str
    unit_id: int
    owner_id: int | None
    frequency: str
    direction: str
    formula: str
    scheme: scoring.Scheme
    tolerance: float | None = None

    @property
    def yes_no(self) -> bool:
        return self.scheme.type == "yes_no"


@dataclass(frozen=True, slots=True)
class Problem:
    """Row `index` of a batch is refused: the field it is about and why."""

    index: int
    field: str
    message: str


def calculated_problem(code: str, formula: str) -> str:
    """Why a calculated KPI takes no value, in the words of every way values come in."""
    return (
        f"KPI {code} is calculated from its formula ({formula}): it takes no values, only targets"
    )


def actual_problem(code: str, scheme: scoring.Scheme, actual: float) -> str | None:
    """The rules on an actual's number alone: within the limits and, for a yes / no KPI, 1 or 0.
    (`value_problems` finds the rows to ask about with the same rules on whole arrays.)"""
    if not abs(actual) <= LIMIT:
        return limit_problem("actual", actual)
    if scheme.type == "yes_no" and actual not in (0, 1):
        return f"KPI {code} is yes / no: its actual is 1 (yes) or 0 (no), not {_show(actual)}"
    return None


def _show(value: float) -> str:
    return show(value)


def limit_problem(name: str, value: float) -> str:
    if not math.isfinite(value):
        return f"the {name} must be a finite number (got {value})"
    return f"the {name} {_show(value)} is out of range: at most 10^15 in magnitude"


def value_problems(
    kpis: Sequence[KpiFacts],
    refusals: Sequence[str | None],
    periods: Sequence[Period],
    k: IntArray,
    p: IntArray,
    actual: FloatArray,
) -> list[Problem]:
    """The rows whose value cannot be recorded: row i is KPI kpis[k[i]] in periods[p[i]].

    `refusals` says per KPI why this user may not enter it (None: they may).
    """
    if len(k) == 0:
        return []
    barred = np.array(
        [r is not None or bool(f.formula) for f, r in zip(kpis, refusals, strict=True)],
        dtype=np.bool_,
    )
    native = np.array([KINDS.index(FREQUENCY_KIND[f.frequency]) for f in kpis], dtype=np.int64)
    yes_no = np.array([f.yes_no for f in kpis], dtype=np.bool_)
    kind = np.array([KINDS.index(period.kind) for period in periods], dtype=np.int64)
    with np.errstate(invalid="ignore"):
        out_of_range = ~(np.abs(actual) <= LIMIT)
    wrong = (
        barred[k]
        | (native[k] != kind[p])
        | (yes_no[k] & (actual != 0) & (actual != 1))
        | out_of_range
    )
    problems = []
    for i in np.flatnonzero(wrong).tolist():
        kpi, period, value = kpis[k[i]], periods[p[i]], float(actual[i])
        refusal = refusals[k[i]]
        if refusal is not None:
            problems.append(Problem(i, "kpi", refusal))
        elif kpi.formula:
            problems.append(Problem(i, "kpi", calculated_problem(kpi.code, kpi.formula)))
        elif period.kind != FREQUENCY_KIND[kpi.frequency]:
            problems.append(
                Problem(
                    i,
                    "period",
                    f"KPI {kpi.code} is reported {kpi.frequency}, so its period is a "
                    f"{FREQUENCY_KIND[kpi.frequency]}, not {period.key}",
                )
            )
        elif (message := actual_problem(kpi.code, kpi.scheme, value)) is not None:
            problems.append(Problem(i, "actual", message))
    return problems


def period_problems(periods: Sequence[Period], p: IntArray, today: date) -> list[Problem]:
    """The rows whose period is outside DESIGN's years (row i is in periods[p[i]]): decided
    once per distinct period, worded for the rows that fail."""
    verdicts = [outside_limits(period, today) for period in periods]
    if not any(verdicts):
        return []
    bad = np.array([v is not None for v in verdicts], dtype=np.bool_)
    return [Problem(i, "period", verdicts[p[i]] or "") for i in np.flatnonzero(bad[p]).tolist()]


def value_problem(kpi: KpiFacts, period: Period, actual: float) -> Problem | None:
    """The rules of `value_problems` for one value entered by someone who may enter it."""
    found = value_problems(
        [kpi], [None], [period], np.zeros(1, np.int64), np.zeros(1, np.int64), np.array([actual])
    )
    return found[0] if found else None


def target_problems(
    kpis: Sequence[KpiFacts],
    refusals: Sequence[str | None],
    periods: Sequence[Period],
    k: IntArray,
    p: IntArray,
    fields: FloatArray,
) -> list[Problem]:
    """The rows whose target cannot be set; `fields` has a row per target and a column per
    name of TARGET_FIELDS, NaN where a field is not given."""
    if len(k) == 0:
        return []
    refused = np.array([r is not None for r in refusals], dtype=np.bool_)
    allowed = np.zeros((len(kpis), len(KINDS)), dtype=np.bool_)
    is_range = np.array([f.direction == "range" for f in kpis], dtype=np.bool_)
    for i, kpi in enumerate(kpis):
        allowed[i] = [name in TARGET_KINDS[kpi.frequency] for name in KINDS]
    kind = np.array([KINDS.index(period.kind) for period in periods], dtype=np.int64)
    given = ~np.isnan(fields)
    with np.errstate(invalid="ignore"):
        out_of_range = (given & ~(np.abs(fields) <= LIMIT)).any(axis=1)
    # A range KPI takes low and high; any other KPI a target and red flag.
    band = given[:, 3] | given[:, 4]
    goal = given[:, 0] | given[:, 1]
    misplaced = np.where(is_range[k], goal, band)
    wrong = refused[k] | ~allowed[k, kind[p]] | misplaced | out_of_range
    problems: list[Problem] = []
    for i in np.flatnonzero(wrong).tolist():
        problems.append(_target_problem(kpis, refusals, periods, k, p, fields, i))
    # The scheme's own rules, once per distinct KPI and numbers.
    verdicts: dict[tuple[int, tuple[float, ...]], str | None] = {}
    bad = set(np.flatnonzero(wrong).tolist())
    for i in range(len(k)):
        if i in bad:
            continue
        row = tuple(fields[i].tolist())
        key = (int(k[i]), row)
        if key not in verdicts:
            verdicts[key] = scheme_problem(kpis[k[i]], dict(zip(TARGET_FIELDS, row, strict=True)))
        message = verdicts[key]
        if message is not None:
            problems.append(Problem(i, _field_of(message, kpis[k[i]]), message))
    problems.sort(key=lambda problem: problem.index)
    return problems


def _target_problem(
    kpis: Sequence[KpiFacts],
    refusals: Sequence[str | None],
    periods: Sequence[Period],
    k: IntArray,
    p: IntArray,
    fields: FloatArray,
    i: int,
) -> Problem:
    kpi, period, refusal = kpis[k[i]], periods[p[i]], refusals[k[i]]
    if refusal is not None:
        return Problem(i, "kpi", refusal)
    if period.kind not in TARGET_KINDS[kpi.frequency]:
        return Problem(i, "period", f"KPI {kpi.code} cannot have a target for {period.key}")
    row = dict(zip(TARGET_FIELDS, fields[i].tolist(), strict=True))
    if kpi.direction == "range":
        for name in ("target", "red_flag"):
            if not math.isnan(row[name]):
                return Problem(i, name, f"KPI {kpi.code} is a range KPI: set its low and high")
    else:
        for name in ("low", "high"):
            if not math.isnan(row[name]):
                return Problem(i, name, f"KPI {kpi.code} is not a range KPI: set a target")
    name, value = next((n, v) for n, v in row.items() if not math.isnan(v) and not abs(v) <= LIMIT)
    return Problem(i, name, limit_problem(name.replace("_", " "), value))


def scheme_problem(kpi: KpiFacts, fields: dict[str, float | None]) -> str | None:
    """Why the KPI's scheme could not score against these numbers (NaN or None: not given)."""

    def get(name: str) -> float | None:
        value = fields.get(name)
        return None if value is None or math.isnan(value) else value

    try:
        scoring.check_target(
            kpi.scheme,
            kpi.direction,
            target=get("target"),
            red_flag=get("red_flag"),
            low=get("low"),
            high=get("high"),
            tolerance=kpi.tolerance,
        )
    except scoring.TargetError as exc:
        return str(exc)
    return None


def _field_of(message: str, kpi: KpiFacts) -> str:
    """The field a scheme's refusal is about, for forms and API details."""
    if kpi.direction == "range":
        return "high" if "high bound" in message and "low" not in message else "low"
    return "red_flag" if "red flag" in message and "target of 0" not in message else "target"
