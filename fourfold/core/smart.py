"""The SMART check: the rules of DESIGN.md's table over plain data, in bulk.

Each rule has a fixed id, a criterion and a severity (`RULES`). The rules that read numbers
take whole matrices (rows: KPIs, columns: periods) that the caller reads from the scoring
engine, so that what is due, overdue and targeted is what the scorecard shows; the rules
that read definitions take one small record per KPI or objective. Every message ends with
the fix, in the words of the page where it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import segments
from .numbers import grouped

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

CRITERIA = {
    "specific": "Specific",
    "measurable": "Measurable",
    "achievable": "Achievable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
    "cascade": "Cascade",
}
SEVERITIES = ("error", "warning", "info")  # worst first
RULES = {
    "specific.no_owner": "warning",
    "specific.no_unit": "warning",
    "specific.no_description": "info",
    "measurable.no_data": "warning",
    "measurable.overdue": "warning",
    "achievable.no_improvement": "warning",
    "achievable.unlikely": "warning",
    "relevant.no_kpi": "warning",
    "relevant.unaligned": "warning",
    "relevant.isolated": "info",
    "time_bound.no_target": "error",
    "time_bound.no_future_target": "warning",
    "cascade.targets_do_not_add_up": "warning",
}
# A forecast's chance of meeting the year's target below this is unlikely (DESIGN.md).
UNLIKELY = 0.10
# Children's targets further than this from their parent's own do not add up (DESIGN.md).
ADD_UP_TOLERANCE = 0.005


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    unit: str
    kind: str  # kpi | objective | initiative
    code: str
    period: str | None
    message: str

    @property
    def criterion(self) -> str:
        return self.rule.split(".", 1)[0]

    @property
    def severity(self) -> str:
        return RULES[self.rule]

    def as_json(self) -> dict[str, Any]:
        """The object of `fourfold check --json`: exactly DESIGN.md's keys, in its order."""
        return {
            "rule": self.rule,
            "criterion": self.criterion,
            "severity": self.severity,
            "unit": self.unit,
            "kind": self.kind,
            "code": self.code,
            "period": self.period,
            "message": self.message,
        }


def exit_status(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """1 when any finding is an error (with `strict`, also a warning), else 0."""
    failing = {"error", "warning"} if strict else {"error"}
    return 1 if any(f.severity in failing for f in findings) else 0


def order(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first, then by criterion in the table's order, unit, code and period."""
    severity = {s: i for i, s in enumerate(SEVERITIES)}
    rank = {
        rule: (severity[s], list(CRITERIA).index(rule.split(".")[0])) for rule, s in RULES.items()
    }
    return sorted(
        findings,
        key=lambda f: (
            *rank[f.rule],
            f.unit,
            f.kind,
            f.code,
            f.period or "",
            f.rule,
        ),
    )


# Definitions


@dataclass(frozen=True, slots=True)
class KpiDefinition:
    unit: str
    code: str
    has_owner: bool
    unit_of_measure: str
    description: str
    yes_no: bool


@dataclass(frozen=True, slots=True)
class ObjectiveDefinition:
    unit: str
    code: str
    has_owner: bool
    kpis: int  # live KPIs under it
    contributors: int  # live objectives aligned to it that contribute
    unit_has_parent: bool
    aligned_above: bool  # aligned to a live objective of a unit above its own
    linked: bool  # cause or effect of a cause-effect link
    map_has_links: bool  # its scorecard's strategy map has any link


def kpi_definitions(kpis: Iterable[KpiDefinition]) -> Iterator[Finding]:
    for k in kpis:
        if not k.has_owner:
            yield Finding(
                "specific.no_owner",
                k.unit,
                "kpi",
                k.code,
                None,
                f"KPI {k.code} has no owner: choose who is accountable for it on its Design page.",
            )
        if not k.unit_of_measure.strip() and not k.yes_no:
            yield Finding(
                "specific.no_unit",
                k.unit,
                "kpi",
                k.code,
                None,
                f"KPI {k.code} has no unit of measure: say what its numbers count "
                "(EUR, %, days…) on its Design page.",
            )
        if not k.description.strip():
            yield Finding(
                "specific.no_description",
                k.unit,
                "kpi",
                k.code,
                None,
                f"KPI {k.code} has no description: say what it measures and how on its "
                "Design page.",
            )


def objective_definitions(objectives: Iterable[ObjectiveDefinition]) -> Iterator[Finding]:
    for o in objectives:
        if not o.has_owner:
            yield Finding(
                "specific.no_owner",
                o.unit,
                "objective",
                o.code,
                None,
                f"Objective {o.code} has no owner: choose who is accountable for it on its "
                "Design page.",
            )
        if o.kpis == 0 and o.contributors == 0:
            yield Finding(
                "relevant.no_kpi",
                o.unit,
                "objective",
                o.code,
                None,
                f"Objective {o.code} has no KPI and no contributing aligned objective: add a "
                "KPI that measures it on its Design page.",
            )
        if o.unit_has_parent and not o.aligned_above:
            yield Finding(
                "relevant.unaligned",
                o.unit,
                "objective",
                o.code,
                None,
                f"Objective {o.code} is aligned to no objective of the units above {o.unit}: "
                "align it to the one it serves on its Design page.",
            )
        if o.map_has_links and not o.linked:
            yield Finding(
                "relevant.isolated",
                o.unit,
                "objective",
                o.code,
                None,
                f"Objective {o.code} is in no cause-effect link of the strategy map: link it to "
                "what it drives or what drives it on the Design page.",
            )


# Numbers: each function takes whole matrices and answers per row (or per cell).


def first_column(flags: B) -> Ints:
    """The first column set in each row, -1 for a row with none."""
    found: Ints = np.where(flags.any(axis=1), np.argmax(flags, axis=1), -1).astype(np.int64)
    return found


def no_data(due: B, reported: B) -> B:
    """Rows with at least one period due in the window and a value in none of them (the
    caller keeps only the window's columns)."""
    out: B = np.asarray(due.any(axis=1) & ~reported.any(axis=1), dtype=np.bool_)
    return out


def no_improvement(increase: B, decrease: B, target: F, year_before: F) -> B:
    """Cells whose target is no better than the actual of the same period a year earlier:
    at or below it for an increase KPI, at or above it for a decrease one."""
    both = np.isfinite(target) & np.isfinite(year_before)
    with np.errstate(invalid="ignore"):
        low = both & (target <= year_before) & increase[:, None]
        high = both & (target >= year_before) & decrease[:, None]
    out: B = low | high
    return out


def unlikely(probability: F) -> B:
    """KPIs whose forecast gives less than 10 % chance of meeting the year's target (NaN:
    no forecast or no target)."""
    with np.errstate(invalid="ignore"):
        out: B = np.asarray(np.isfinite(probability) & (probability < UNLIKELY))
    return out


def no_future_target(has_target: B, ends_after_today: B) -> B:
    """Rows with no target in any period ending after today."""
    out: B = np.asarray(~(has_target & ends_after_today).any(axis=1), dtype=np.bool_)
    return out


@dataclass(frozen=True)
class AddUp:
    """Per parent and period: the children's total, whether every child and the parent have
    a number, and whether the total is more than 0.5 % away from the parent's own."""

    total: F
    complete: B
    off: B


def add_up(own: F, children: F, owner: Ints, n_children: Ints) -> AddUp:
    """The children's total of each parent (row of `own`), from `children`'s rows, each
    belonging to the parent `owner[i]`; `n_children[p]` is how many parent p has."""
    n = own.shape[0]
    present = np.isfinite(children)
    total = segments.segment_sum(np.where(present, children, 0.0), owner, n)
    count = segments.segment_count(present, owner, n)
    complete = (count == n_children[:, None]) & (n_children[:, None] > 0) & np.isfinite(own)
    total = np.where(count > 0, total, np.nan)
    with np.errstate(invalid="ignore"):
        off: B = np.asarray(complete & (np.abs(total - own) > ADD_UP_TOLERANCE * np.abs(own)))
    return AddUp(total, complete, off)


# Messages of the number rules, one place for every channel.


def no_data_message(code: str, today: str) -> str:
    return (
        f"KPI {code} has no value for any period due in the 12 months before {today}: "
        "enter its values on the Enter values page, or connect a data source."
    )


def overdue_message(code: str, period: str, since: str) -> str:
    return (
        f"The value of KPI {code} for {period} is overdue (since {since}): enter it on the "
        "Enter values page."
    )


def no_improvement_message(
    code: str, period: str, target: float, before: str, actual: float
) -> str:
    return (
        f"The target of KPI {code} for {period} ({grouped(target)}) is no better than its "
        f"actual a year earlier ({before}: {grouped(actual)}): raise the target on the Targets "
        "page, or say in its reason why no improvement is expected."
    )


def unlikely_message(code: str, period: str, probability: float) -> str:
    chance = "less than 1%" if probability < 0.005 else f"{probability:.0%}"
    return (
        f"KPI {code} has a {chance} chance of meeting its target for {period}, by its "
        "forecast: review the target on the Targets page, or plan the initiative that closes "
        "the gap."
    )


def no_target_message(code: str, period: str) -> str:
    return f"KPI {code} has no target for {period}: add a target for {period} on the Targets page."


def no_future_target_message(code: str, today: str) -> str:
    return (
        f"KPI {code} has no target for any period ending after {today}: set the coming "
        "periods' targets on the Targets page."
    )


def add_up_message(code: str, period: str, own: float, total: float) -> str:
    gap = (total - own) / abs(own) if own else float("inf")
    how = f"{abs(gap):.1%} {'more' if gap > 0 else 'less'}" if own else "its own is 0"
    return (
        f"The target of KPI {code} for {period} is {grouped(own)} but its child units' targets "
        f"add up to {grouped(total)} ({how}): make them agree on the Targets pages."
    )
