"""Whether the targets and values a KPI holds still fit it once its definition changes.

DESIGN.md refuses a red flag on the wrong side of the target, and a target of 0 for a percent
scheme, "when the target is defined": a change of direction, scheme or tolerance defines the
stored targets anew, and a change of frequency leaves targets and values for periods the KPI
can no longer have. Both the Design form (one KPI) and `fourfold load` (a whole file) ask
here, in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fourfold.core import periods, scoring
from fourfold.files.spec import FREQUENCY_KIND, TARGET_KINDS

from .models import Measurement, Target

# SQLite takes at most 999 parameters in a query.
CHUNK = 500


@dataclass(frozen=True)
class Definition:
    """What a KPI is to become: what its targets and values are checked against."""

    frequency: str
    direction: str
    scheme: scoring.Scheme | None  # None: not known, so its targets are not scored here
    tolerance: float | None
    old_frequency: str  # its values are read only when the frequency changes


@dataclass(frozen=True)
class Misfit:
    kpi_id: int
    period: str
    field: str  # what changed that it does not fit: "frequency" or "direction"
    target: bool  # a target; else the KPI's values
    reason: str  # why, of the target or values: "it is for a month, which ..."
    message: str  # the same, as a sentence about the KPI


def misfits(
    changed: Mapping[int, Definition],
    fiscal_start: int,
    *,
    restated: Callable[[int, str], bool] = lambda kpi_id, period: False,
) -> list[Misfit]:
    """The stored targets and values of the KPIs in `changed` that their new definition
    cannot keep, by KPI and period; `restated(kpi_id, period)` leaves out a target the change
    itself replaces."""
    ids = sorted(changed)
    out: list[Misfit] = []
    fields = ("target", "red_flag", "low", "high")
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = Target.objects.filter(kpi_id__in=chunk).order_by("kpi_id", "period")
        for kpi_id, period, *numbers in rows.values_list("kpi_id", "period", *fields):
            new = changed[kpi_id]
            if restated(kpi_id, period):
                continue
            kind = periods.parse_period(period, fiscal_start).kind
            if kind not in TARGET_KINDS[new.frequency]:
                which = f"a {kind}, which a {new.frequency} KPI cannot have"
                message = f"its target for {period} is for {which}"
                out.append(Misfit(kpi_id, period, "frequency", True, f"it is for {which}", message))
                continue
            if new.scheme is None:
                continue
            try:
                scoring.check_target(
                    new.scheme,
                    new.direction,
                    **dict(zip(fields, numbers, strict=True)),
                    tolerance=new.tolerance,
                )
            except scoring.TargetError as exc:
                message = f"its target for {period} would not fit: {exc}"
                out.append(Misfit(kpi_id, period, "direction", True, str(exc), message))
        refrequent = [k for k in chunk if changed[k].frequency != changed[k].old_frequency]
        values = (
            Measurement.objects.filter(kpi_id__in=refrequent)
            .order_by("kpi_id", "period")
            .values_list("kpi_id", "period")
        )
        kept: set[int] = set()
        for kpi_id, period in values:
            new = changed[kpi_id]
            if kpi_id in kept:
                continue
            kind = periods.parse_period(period, fiscal_start).kind
            if kind != FREQUENCY_KIND[new.frequency]:
                kept.add(kpi_id)  # one message a KPI is enough: its values share a kind
                reason = f"it has values by {kind}, which a {new.frequency} KPI cannot keep"
                out.append(Misfit(kpi_id, period, "frequency", False, reason, reason))
    return out
