"""One timeline of the audit trail and every version of every value and target, in one query.

Each row is a version as it was written (when, by whom, from which source); a version that
was later replaced also says when, by whom and why. Five tables become one UNION ALL, so a
page of the timeline, its count and the CSV export each take a single query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, DateTimeField, F, FloatField, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.db.models.query import QuerySet

from fourfold.audit.actions import SHOWN_AS_ROWS
from fourfold.audit.models import AuditEntry
from fourfold.measures.models import Measurement, MeasurementVersion, Target, TargetVersion

UNIT = "kpi__objective__perspective__scorecard__unit"
VALUE_ACTIONS = {"value": "Value entered", "target": "Target set"}
COLUMNS = (
    "h_at",
    "h_kind",
    "h_replaced",
    "h_kpi_code",
    "h_kpi_name",
    "h_unit_code",
    "h_unit_name",
    "h_period",
    "h_value",
    "h_red_flag",
    "h_low",
    "h_high",
    "h_actor",
    "h_actor_first",
    "h_actor_last",
    "h_source",
    "h_detail",
    "h_replaced_at",
    "h_replaced_by",
    "h_reason",
)


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    kpi: str = ""
    user: str = ""
    action: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _none(field: Any) -> Cast:
    # A typed NULL: PostgreSQL takes an untyped one in a UNION as text.
    return Cast(Value(None), output_field=field)


def _text(text: str) -> Cast:
    return Cast(Value(text), output_field=CharField())


def _kpi_columns() -> dict[str, Any]:
    return {
        "h_kpi_code": F("kpi__code"),
        "h_kpi_name": F("kpi__name"),
        "h_unit_code": F(f"{UNIT}__code"),
        "h_unit_name": F(f"{UNIT}__name"),
        "h_period": F("period"),
    }


def _values(model: Any, replaced: bool) -> dict[str, Any]:
    return {
        "h_at": F("entered_at"),
        "h_kind": _text("value"),
        "h_replaced": Value(int(replaced), output_field=IntegerField()),
        **_kpi_columns(),
        "h_value": F("value"),
        "h_red_flag": _none(FloatField()),
        "h_low": _none(FloatField()),
        "h_high": _none(FloatField()),
        "h_actor": F("entered_by__username"),
        "h_actor_first": F("entered_by__first_name"),
        "h_actor_last": F("entered_by__last_name"),
        "h_source": F("source"),
        "h_detail": F("source_detail"),
        "h_replaced_at": F("superseded_at") if replaced else _none(DateTimeField()),
        "h_replaced_by": F("superseded_by__username") if replaced else _none(CharField()),
        "h_reason": F("reason") if replaced else _text(""),
    }


def _targets(model: Any, replaced: bool) -> dict[str, Any]:
    return {
        "h_at": F("changed_at"),
        "h_kind": _text("target"),
        "h_replaced": Value(int(replaced), output_field=IntegerField()),
        **_kpi_columns(),
        "h_value": F("target"),
        "h_red_flag": F("red_flag"),
        "h_low": F("low"),
        "h_high": F("high"),
        "h_actor": F("changed_by__username"),
        "h_actor_first": F("changed_by__first_name"),
        "h_actor_last": F("changed_by__last_name"),
        "h_source": F("source"),
        "h_detail": _text(""),
        "h_replaced_at": F("superseded_at") if replaced else _none(DateTimeField()),
        "h_replaced_by": F("superseded_by__username") if replaced else _none(CharField()),
        # A target keeps the reason it was set; its replaced version, the reason it was replaced.
        "h_reason": F("superseding_reason") if replaced else F("reason"),
    }


def _audit() -> dict[str, Any]:
    return {
        "h_at": F("at"),
        "h_kind": F("action"),
        "h_replaced": Value(0, output_field=IntegerField()),
        "h_kpi_code": _none(CharField()),
        "h_kpi_name": _none(CharField()),
        "h_unit_code": _none(CharField()),
        "h_unit_name": _none(CharField()),
        "h_period": _none(CharField()),
        "h_value": _none(FloatField()),
        "h_red_flag": _none(FloatField()),
        "h_low": _none(FloatField()),
        "h_high": _none(FloatField()),
        "h_actor": F("actor__username"),
        "h_actor_first": F("actor__first_name"),
        "h_actor_last": F("actor__last_name"),
        "h_source": _text(""),
        "h_detail": F("summary"),
        "h_replaced_at": _none(DateTimeField()),
        "h_replaced_by": _none(CharField()),
        "h_reason": _text(""),
    }


def _part(qs: QuerySet[Any], columns: dict[str, Any]) -> QuerySet[Any]:
    # No part may keep its model's default ordering: a UNION takes one ORDER BY, at the end.
    part: QuerySet[Any] = qs.order_by().annotate(**columns).values(*COLUMNS)
    return part


def timeline(
    filters: Filters, units: Collection[int] | None, *, audit: bool
) -> QuerySet[Any] | None:
    """Rows newest first; `units` limits values and targets to those units (None: all).

    The audit trail is organization-wide: only those allowed (`audit`) see it, and only
    when no unit or KPI filter is chosen. None means no row can match.
    """
    measured = Q()
    if units is not None:
        measured &= Q(**{f"{UNIT}_id__in": list(units)})
    if filters.unit:
        measured &= Q(**{f"{UNIT}__code": filters.unit})
    if filters.kpi:
        measured &= Q(kpi__code=filters.kpi)

    def when(field: str) -> Q:
        q = Q()
        if filters.since:
            q &= Q(**{f"{field}__gte": filters.since})
        if filters.until:
            q &= Q(**{f"{field}__lte": filters.until})
        return q

    def by(field: str) -> Q:
        return Q(**{f"{field}__username": filters.user}) if filters.user else Q()

    parts: list[QuerySet[Any]] = []
    if filters.action in ("", "value"):
        parts.append(
            _part(
                Measurement.objects.filter(measured, when("entered_at"), by("entered_by")),
                _values(Measurement, False),
            )
        )
        parts.append(
            _part(
                MeasurementVersion.objects.filter(measured, when("entered_at"), by("entered_by")),
                _values(MeasurementVersion, True),
            )
        )
    if filters.action in ("", "target"):
        parts.append(
            _part(
                Target.objects.filter(measured, when("changed_at"), by("changed_by")),
                _targets(Target, False),
            )
        )
        parts.append(
            _part(
                TargetVersion.objects.filter(measured, when("changed_at"), by("changed_by")),
                _targets(TargetVersion, True),
            )
        )
    if audit and not filters.unit and not filters.kpi and filters.action not in VALUE_ACTIONS:
        # An entry that only reports values or targets written would list each change twice.
        entries = AuditEntry.objects.filter(when("at"), by("actor")).exclude(
            action__in=SHOWN_AS_ROWS
        )
        if filters.action:
            entries = entries.filter(action=filters.action)
        parts.append(_part(entries, _audit()))
    if not parts:
        return None
    first, *rest = parts
    combined: QuerySet[Any] = first.union(*rest, all=True) if rest else first
    ordered: QuerySet[Any] = combined.order_by("-h_at", "h_kind", "h_kpi_code", "h_period")
    return ordered
