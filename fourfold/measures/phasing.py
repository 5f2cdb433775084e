"""Phased targets in the database: the entries a phased target writes through the intake.

The rules are `fourfold.core.phasing`'s; this module reads what they need (a KPI's actuals,
its parts set by hand) and turns their answer into `TargetEntry` rows, which every channel
(the loader, the Targets page, the API) hands to `intake.submit_targets` in one write.
A part is *set by hand* unless its current reason is the phased target's "phased from P":
that reason is the mark, kept with the row and its history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fourfold.core import periods
from fourfold.core import phasing as rules
from fourfold.core.numbers import grouped as show

from .models import KPI, Measurement, Target
from .services import TargetEntry

SPREAD_AT = tuple(Target.FIELDS.index(f) for f in rules.SPREAD)
PhaseError = rules.PhaseError


@dataclass(frozen=True)
class Shape:
    """What phasing needs to know of a KPI."""

    id: int
    code: str
    frequency: str
    aggregation: str
    direction: str

    @classmethod
    def of(cls, kpi: KPI) -> Shape:
        return cls(kpi.pk, kpi.code, kpi.frequency, kpi.aggregation, kpi.direction)


def history(kpi_ids: Sequence[int]) -> dict[int, dict[str, float]]:
    """The actuals of these KPIs by period, in one query."""
    out: dict[int, dict[str, float]] = {k: {} for k in kpi_ids}
    rows = Measurement.objects.filter(kpi_id__in=list(kpi_ids)).values_list(
        "kpi_id", "period", "value"
    )
    for kpi_id, period, value in rows:
        out[kpi_id][period] = value
    return out


def spread_fields(fields: Sequence[float | None]) -> rules.Fields:
    """The fields a phase spreads, out of a target's fields in the order of Target.FIELDS."""
    return tuple(fields[i] for i in SPREAD_AT)


def _full(spread: rules.Fields) -> tuple[float | None, ...]:
    """A part's fields in the order of Target.FIELDS (a part has no baseline of its own)."""
    out: list[float | None] = [None] * len(Target.FIELDS)
    for i, value in zip(SPREAD_AT, spread, strict=True):
        out[i] = value
    return tuple(out)


def implied(
    kpi: Shape,
    period: periods.Period,
    fields: Sequence[float | None],
    phase: str,
    *,
    history: Mapping[str, float],
    held: Mapping[str, rules.Fields] | None = None,
) -> tuple[rules.Phased, list[TargetEntry]]:
    """The entries of the parts a phased target implies (not those `held`), each with the
    reason "phased from P"; raises PhaseError."""
    given = dict(zip(Target.FIELDS, fields, strict=True))
    phased = rules.phase(
        phase,
        kpi.aggregation,
        period,
        kpi.frequency,
        given,
        history=history,
        held=held,
        direction=kpi.direction,
    )
    why = rules.reason(period.key)
    entries = [
        TargetEntry(kpi.id, key, _full(values), reason=why)
        for key, values in phased.implied.items()
    ]
    return phased, entries


def plan(
    kpi: Shape,
    period: periods.Period,
    fields: tuple[float | None, ...],
    phase: str | None,
    fiscal: int,
) -> tuple[list[TargetEntry], list[str], rules.Phased | None]:
    """What setting one period's target writes, with what to tell about it: the target and
    the parts its phase implies, or the parts of a phased year (or quarter) around it spread
    again. A phase of None keeps the one the period has (a row changed in place); "" is none.
    Raises PhaseError."""
    if phase is None:
        stored = Target.objects.filter(kpi_id=kpi.id, period=period.key)
        phase = stored.values_list("phase", flat=True).first() or ""
    head = TargetEntry(kpi.id, period.key, fields, phase=phase)
    if phase:
        phased, parts = implied(kpi, period, fields, phase, history=history([kpi.id])[kpi.id])
        what = "months" if kpi.frequency == "monthly" else "quarters"
        note = f"Its {len(parts)} {what} are phased from {period.key} ({phase})."
        return [head, *parts], [note], phased
    spread = respread(kpi, [head], fiscal)
    return [head, *(e for r in spread for e in r.entries)], [r.message for r in spread], None


@dataclass(frozen=True)
class Respread:
    """The parts of a phased target written again because one of them was set by hand."""

    parent: str
    phase: str
    entries: list[TargetEntry]
    message: str


def respread(kpi: Shape, written: Sequence[TargetEntry], fiscal: int) -> list[Respread]:
    """For parts set by hand inside a phased year or quarter, the other parts not set by hand
    spread again by its phase, so that the period still holds (with a sentence that says so)."""
    keys = {e.period for e in written if not e.phase}
    containers: set[str] = set()
    for key in keys:
        try:
            p = periods.parse_period(key, fiscal)
        except periods.PeriodError:
            continue
        if p.kind in ("month", "quarter"):
            containers.add(periods.year_of(p.first_month, fiscal))
        if p.kind == "month":
            containers.add(periods.quarter_of(p.first_month, fiscal))
    containers -= {e.period for e in written}
    parents = list(Target.objects.filter(kpi_id=kpi.id, period__in=containers).exclude(phase=""))
    if not parents:
        return []
    stored = {t.period: t for t in Target.objects.filter(kpi_id=kpi.id)}
    new = {e.period: e for e in written}
    actuals = history([kpi.id])[kpi.id]
    out = []
    for parent in sorted(parents, key=lambda t: t.period):
        period = periods.parse_period(parent.period, fiscal)
        parts = rules.parts(period, kpi.frequency)
        if not keys & set(parts):
            continue
        why = rules.reason(parent.period)
        held: dict[str, rules.Fields] = {}
        for part in parts:
            if part in new:
                held[part] = spread_fields(new[part].fields)
            elif part in stored and stored[part].reason != why:
                held[part] = spread_fields([getattr(stored[part], f) for f in Target.FIELDS])
        fields = [getattr(parent, f) for f in Target.FIELDS]
        try:
            phased, entries = implied(kpi, period, fields, parent.phase, history=actuals, held=held)
        except rules.PhaseError:
            continue  # the history changed since: the parts stay as they are
        targets = dict(held)
        targets.update(phased.implied)
        out.append(
            Respread(parent.period, parent.phase, entries, _said(kpi, parent, phased, targets))
        )
    return out


def _said(
    kpi: Shape, parent: Target, phased: rules.Phased, parts: Mapping[str, rules.Fields]
) -> str:
    """What a re-spread did, in one sentence."""
    n, free = len(phased.keys), len(phased.implied)
    what = "months" if kpi.frequency == "monthly" else "quarters"
    total = rules.comes_to(parts, phased.keys, kpi.aggregation)
    goal = parent.target if kpi.direction != "range" else None
    if not free:
        return f"Every one of the {n} {what} of {parent.period} is now set by hand."
    spread = (
        f"The {free} other {what} of {parent.period} not set by hand were spread again "
        f"({parent.phase})"
    )
    if goal is None or total is None:
        return spread + "."
    if parent.phase == "linear":
        last = phased.keys[-1]
        if last in phased.implied:
            return f"{spread}, so that the glide path still reaches {show(goal)} in {last}."
        end = parts[last][0]
        return f"{spread}; the glide path now ends at {show(end)} in {last}, set by hand."
    if abs(total - goal) <= 1e-9 * max(1.0, abs(goal)):
        return f"{spread}, so that {parent.period} still comes to {show(goal)}."
    return f"{spread}; {parent.period} now comes to {show(total)}, not its target {show(goal)}."
