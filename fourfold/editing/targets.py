"""Setting a KPI's targets from the web: one period, or a whole year at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.core import phasing as rules
from fourfold.core.entries import FREQUENCY_KIND, TARGET_KINDS
from fourfold.measures import intake, phasing
from fourfold.measures.models import KPI, Target
from fourfold.measures.services import TargetEntry, WriteCount
from fourfold.strategy.models import Organization

from .checks import Check, Invalid

MODES = ("same", "spread", "ramp")
# The fields a person types for each kind of KPI, in the order of the form.
GOAL_FIELDS = ("target", "red_flag", "stretch", "baseline")
RANGE_FIELDS = ("low", "high", "baseline")
Values = Mapping[str, float | None]


def fields_for(kpi: KPI) -> tuple[str, ...]:
    return RANGE_FIELDS if kpi.direction == "range" else GOAL_FIELDS


def _period(
    check: Check, field: str, kinds: tuple[str, ...], fiscal: int, data: Mapping[str, Any]
) -> periods.Period | None:
    key = check.text(field, data.get(field), required=True)
    if not key:
        return None
    try:
        period = periods.parse_period(key, fiscal)
    except periods.PeriodError as exc:
        check.add(field, str(exc))
        return None
    if period.kind not in kinds:
        check.add(field, f"a {period.kind} does not fit here ({' or '.join(kinds)} expected)")
        return None
    return period


def periods_of_year(kpi: KPI, year: periods.Period) -> list[str]:
    """The periods of a year at the KPI's frequency: twelve months, four quarters or the year."""
    kind = FREQUENCY_KIND[kpi.frequency]
    if kind == "month":
        return list(year.months)
    if kind == "quarter":
        return list(dict.fromkeys(periods.quarter_of(m, year.fiscal_start) for m in year.months))
    return [year.key]


def _write(
    access: Access,
    kpi: KPI,
    entries: list[TargetEntry],
    reason: str,
    check: Check,
    prefix: bool,
) -> WriteCount:
    """Check every period's target with the intake's rules, then write them all or none.
    Entries with their own reason are the parts a phase implies; the others are the form's."""
    actor = access.user
    for entry in entries:
        if entry.reason is None and all(
            entry.fields[Target.FIELDS.index(f)] is None for f in fields_for(kpi)
        ):
            check.add(fields_for(kpi)[0], "enter at least one value")
            check.done()
    for problem in intake.check_targets(entries, access)[:1]:
        entry = entries[problem.index]
        shown = prefix or entry.reason is not None
        check.add(problem.field, f"{entry.period}: {problem.message}" if shown else problem.message)
    check.done()
    keys = [e.period for e in entries]
    with transaction.atomic():
        existing = {
            t.period: {**{f: getattr(t, f) for f in Target.FIELDS}, "phase": t.phase}
            for t in Target.objects.select_for_update().filter(kpi=kpi, period__in=keys)
        }
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        changing = []
        by_form = []
        for entry in entries:
            new = {**dict(zip(Target.FIELDS, entry.fields, strict=True)), "phase": entry.phase}
            old = existing.get(entry.period)
            if old == new:
                continue
            if old is not None:
                before[entry.period] = old
                if entry.reason is None:
                    by_form.append(entry.period)
            after[entry.period] = new
            changing.append(entry)
        if by_form and not reason:
            changed = ", ".join(sorted(by_form))
            raise Invalid(
                {"reason": [f"a reason is needed, since this changes the target of {changed}"]}
            )
        return intake.submit_targets(
            changing,
            actor=actor,
            access=access,
            channel="targets page",
            reason=reason,
            checked=True,
            kpi=kpi.code,
            before=before,
            after=after,
        )


def plan(
    kpi: KPI, period: periods.Period, values: Values, phase: str | None, check: Check, fiscal: int
) -> tuple[list[TargetEntry], list[str], rules.Phased | None]:
    """`phasing.plan` of the form's period, a refusal next to the phase field."""
    fields = tuple(values.get(f) for f in Target.FIELDS)
    try:
        return phasing.plan(phasing.Shape.of(kpi), period, fields, phase, fiscal)
    except phasing.PhaseError as exc:
        check.add("phase", str(exc))
        check.done()
        raise AssertionError("unreachable") from exc


def _values(
    check: Check, kpi: KPI, data: Mapping[str, Any], names: tuple[str, ...]
) -> dict[str, float | None]:
    return {name: check.number(name, data.get(name)) for name in names}


def _read_one(
    kpi: KPI, data: Mapping[str, Any]
) -> tuple[Check, int, periods.Period, Values, str, str | None]:
    check = Check()
    fiscal = Organization.get().fiscal_year_start
    period = _period(check, "period", TARGET_KINDS[kpi.frequency], fiscal, data)
    values = _values(check, kpi, data, fields_for(kpi))
    reason = check.text("reason", data.get("reason"))
    phase = None
    if "phase" in data:
        phase = check.choice("phase", data.get("phase"), ("", *rules.PHASES))
    check.done()
    assert period is not None
    return check, fiscal, period, values, reason, phase


def set_target(
    actor: Any,
    kpi: KPI,
    data: Mapping[str, Any],
    *,
    access: Access | None = None,
    notes: list[str] | None = None,
) -> WriteCount:
    """The target of one period (a month, quarter or year the KPI's frequency allows), with
    the parts its phase implies, or the parts of a phased period around it spread again;
    what that did is added to `notes`."""
    check, fiscal, period, values, reason, phase = _read_one(kpi, data)
    entries, said, _ = plan(kpi, period, values, phase, check, fiscal)
    access = access or Access.of(actor)
    count = _write(access, kpi, entries, reason, check, prefix=False)
    if notes is not None and count.created + count.changed:
        notes += said
    return count


@dataclass(frozen=True)
class Preview:
    """The parts a phased target would write, before it is saved."""

    period: str
    phase: str
    rows: list[tuple[str, list[float | None], Target | None, bool]]  # key, values, now, by hand
    comes_to: float | None
    labels: tuple[str, ...]


def preview(kpi: KPI, data: Mapping[str, Any]) -> Preview | None:
    """What setting this phased target would write; None without a phase; raises Invalid."""
    check, fiscal, period, values, _, phase = _read_one(kpi, data)
    if not phase:
        return None
    _, _, phased = plan(kpi, period, values, phase, check, fiscal)
    assert phased is not None
    now = {t.period: t for t in Target.objects.filter(kpi=kpi, period__in=phased.keys)}
    why = rules.reason(period.key)
    # The columns the phase fills: the target (or band), and a red flag or stretch if given.
    shown = tuple(
        f
        for i, f in enumerate(rules.SPREAD)
        if f in fields_for(kpi)
        and (
            f in ("target", "low", "high") or any(v[i] is not None for v in phased.implied.values())
        )
    )
    at = [rules.SPREAD.index(f) for f in shown]
    rows = [
        (k, [phased.implied[k][i] for i in at], now.get(k), k in now and now[k].reason != why)
        for k in phased.keys
    ]
    total = rules.comes_to(phased.implied, phased.keys, kpi.aggregation)
    return Preview(period.key, phase, rows, total, shown)


def year_plan(
    kpi: KPI, year: periods.Period, mode: str, values: Values, end: float | None
) -> dict[str, Values]:
    """Targets of every period of a year: the same each period, a total spread, or a ramp."""
    keys = periods_of_year(kpi, year)
    n = len(keys)
    out: dict[str, Values] = {}
    for i, key in enumerate(keys):
        row = dict(values)
        if mode == "spread":
            row = {
                f: (v / n if v is not None and f != "baseline" else v) for f, v in values.items()
            }
        elif mode == "ramp" and end is not None and values.get("target") is not None:
            start = values["target"]
            assert start is not None
            step = (end - start) / (n - 1) if n > 1 else 0.0
            shift = step * i
            # The red flag and the stretch keep their distance from the target as it moves.
            row = {
                f: (v + shift if v is not None and f in ("target", "red_flag", "stretch") else v)
                for f, v in values.items()
            }
            if i == n - 1:
                row["target"] = end
        out[key] = row
    return out


def set_year_targets(
    actor: Any, kpi: KPI, data: Mapping[str, Any], *, access: Access | None = None
) -> WriteCount:
    """Every period of one year at once."""
    check = Check()
    fiscal = Organization.get().fiscal_year_start
    year = _period(check, "year", ("year",), fiscal, data)
    mode = check.choice("mode", data.get("mode"), MODES, "same")
    values = _values(check, kpi, data, fields_for(kpi))
    end = check.number("target_end", data.get("target_end"))
    reason = check.text("reason", data.get("reason"))
    if mode != "same" and kpi.direction == "range":
        check.add(
            "mode", "a range KPI takes the same band each period; set periods one by one to vary it"
        )
    elif mode == "spread" and kpi.aggregation != "sum":
        check.add(
            "mode",
            f"an annual total can only be spread over a KPI that sums its periods "
            f"(this one takes the {kpi.get_aggregation_display().lower()})",
        )
    elif mode == "ramp" and end is None:
        check.add("target_end", "a ramp needs the target of the last period")
    check.done()
    assert year is not None
    access = access or Access.of(actor)
    wanted = year_plan(kpi, year, mode, values, end)
    entries = [
        TargetEntry(kpi.pk, period, tuple(row.get(f) for f in Target.FIELDS))
        for period, row in wanted.items()
    ]
    return _write(access, kpi, entries, reason, check, prefix=True)
