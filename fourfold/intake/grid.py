"""The entry grid: a unit's KPIs that a user may enter for one period, and their checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms

from fourfold.accounts.access import Access
from fourfold.core import periods, scoring
from fourfold.core.entries import FREQUENCY_KIND as NATIVE
from fourfold.core.entries import actual_problem
from fourfold.files.sheets import number
from fourfold.measures.intake import held_kpis
from fourfold.measures.models import KPI, Measurement
from fourfold.scoring import cache, readout
from fourfold.strategy.models import Unit
from fourfold.web.periods import in_kind, label

from .checks import HISTORY, far_from_history
from .models import PendingValue


@dataclass
class Row:
    id: int
    code: str
    name: str
    unit_of_measure: str
    frequency: str
    direction: str
    yes_no: bool  # as its scheme says: the grid offers Yes and No
    period: str
    period_label: str
    current: float | None = None
    comment: str = ""
    history: list[float] = field(default_factory=list)
    score: dict[str, Any] | None = None
    pending: PendingValue | None = None
    held: bool = False
    saved: bool = False
    scheme: scoring.Scheme = scoring.DEFAULT

    @property
    def value_field(self) -> str:
        return f"value_{self.id}"

    @property
    def comment_field(self) -> str:
        return f"comment_{self.id}"

    @property
    def confirm_field(self) -> str:
        return f"confirm_{self.id}"


@dataclass
class Grid:
    unit: Unit
    month: periods.Period
    label: str
    rows: list[Row]
    previous: str
    next: str


def month_of(key: str, fiscal_start: int, today: dt.date) -> periods.Period:
    """The month a grid is for: the key's last month, or the last ended month."""
    if not key.strip():
        key = periods.month_key(periods.month_ordinal(f"{today:%Y-%m}") - 1)
    found = periods.parse_period(key, fiscal_start)
    return periods.parse_period(found.last_month, fiscal_start)


def build(unit: Unit, month: periods.Period, access: Access, today: dt.date) -> Grid:
    """Every KPI of the unit that the user may enter, with its value, target and score."""
    kpis = [
        k
        for k in KPI.objects.live()
        .in_units([unit.pk])
        .filter(formula="")
        .select_related("scheme")
        .order_by("objective__perspective__order", "objective__order", "order", "pk")
        if access.can_enter(k.pk, unit.pk)
    ]
    rows = []
    for k in kpis:
        key = in_kind(month, NATIVE[k.frequency])
        native = periods.parse_period(key, month.fiscal_start)
        rows.append(
            Row(
                id=k.pk,
                code=k.code,
                name=k.name,
                unit_of_measure=k.unit,
                frequency=k.frequency,
                direction=k.direction,
                yes_no=k.scheme.type == "yes_no",
                scheme=k.scheme.to_core(),
                period=key,
                period_label=label(native),
            )
        )
    by_id = {r.id: r for r in rows}
    ids = list(by_id)
    history: dict[int, list[tuple[str, float]]] = {i: [] for i in ids}
    for kpi_id, period, value, comment in Measurement.objects.filter(kpi_id__in=ids).values_list(
        "kpi_id", "period", "value", "comment"
    ):
        row = by_id[kpi_id]
        if period == row.period:
            row.current, row.comment = value, comment
        elif _same_kind(period, row.period) and period < row.period:
            history[kpi_id].append((period, value))
    for kpi_id, past in history.items():
        by_id[kpi_id].history = [v for _, v in sorted(past)[-HISTORY:]]
    for pending in PendingValue.objects.filter(
        kpi_id__in=ids, status=PendingValue.Status.PENDING
    ).select_related("entered_by"):
        row = by_id[pending.kpi_id]
        if pending.period == row.period:
            row.pending = pending
    for kpi_id in held_kpis(set(ids), access.user):
        by_id[kpi_id].held = True
    attach_scores(rows, unit.code, today)
    return Grid(
        unit=unit,
        month=month,
        label=label(month),
        rows=rows,
        previous=periods.month_key(periods.month_ordinal(month.key) - 1),
        next=periods.month_key(periods.month_ordinal(month.key) + 1),
    )


def _same_kind(a: str, b: str) -> bool:
    """Whether two keys name periods of one kind (keys of one kind sort as text)."""

    def kind(key: str) -> tuple[bool, bool, int]:
        return key.startswith("FY"), "Q" in key, key.count("-")

    return kind(a) == kind(b)


def attach_scores(rows: list[Row], unit: str, today: dt.date) -> None:
    """Each row's score and status for its period, from the engine."""
    if not rows:
        return
    scores = cache.scores(unit=unit, today=today)
    position = {k["id"]: i for i, k in enumerate(scores.index.kpi)}
    for row in rows:
        at = position.get(row.id)
        located = scores.locate(row.period) if at is not None else None
        if at is None or located is None:
            row.score = None
            continue
        view_name, column = located
        view = scores.result.views[view_name]
        row.score = readout.node_row(
            scores, view, at, column, "kpi", row.code, unit, view.keys[column]
        )


@dataclass
class Check:
    value: float | None = None
    error: str = ""
    warning: str = ""  # far from history: saved only once confirmed
    confirmed: bool = False

    @property
    def blocks(self) -> bool:
        return bool(self.error) or bool(self.warning and not self.confirmed)


def check(row: Row, text: str, confirmed: bool) -> Check:
    """The value typed for a row: a number, 0 or 1 for yes / no, usual or confirmed."""
    text = (text or "").strip()
    if not text:
        return Check()
    try:
        value = number(text, "the value")
    except ValueError:
        return Check(error=f"“{text}” is not a number")
    problem = actual_problem(row.code, row.scheme, value)
    if problem is not None:
        return Check(error=problem)
    warning = "" if row.yes_no else (far_from_history(value, row.history) or "")
    return Check(value=value, warning=warning, confirmed=confirmed and bool(warning))


@dataclass
class Line:
    row: Row
    value: forms.BoundField
    comment: forms.BoundField
    confirm: forms.BoundField
    check: Check | None


class EntryForm(forms.Form):
    """A value, a comment and a confirmation per row of the grid."""

    def __init__(self, rows: list[Row], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.checks: dict[int, Check] = {}
        for row in rows:
            self.fields[row.value_field] = forms.CharField(
                label=f"New value of {row.name}", required=False, max_length=50
            )
            self.fields[row.comment_field] = forms.CharField(
                label=f"Comment on {row.name}", required=False, max_length=2000
            )
            self.fields[row.confirm_field] = forms.BooleanField(
                label="Yes, this value is right", required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in self.rows:
            result = check(row, data.get(row.value_field, ""), data.get(row.confirm_field, False))
            self.checks[row.id] = result
            if result.error:
                self.add_error(row.value_field, result.error)
            elif result.warning and not result.confirmed:
                self.add_error(
                    row.value_field, f"{result.warning}: check it, then tick the box to confirm"
                )
            elif result.value is None and data.get(row.comment_field):
                self.add_error(row.value_field, "a comment needs a value")
        return data

    def lines(self) -> list[Line]:
        """Each row with its bound fields and what the check of its value said."""
        return [
            Line(
                row,
                self[row.value_field],
                self[row.comment_field],
                self[row.confirm_field],
                self.checks.get(row.id),
            )
            for row in self.rows
        ]

    def entries(self) -> list[tuple[Row, float, str]]:
        return [
            (row, check.value, self.cleaned_data.get(row.comment_field, "").strip())
            for row in self.rows
            if (check := self.checks.get(row.id)) is not None and check.value is not None
        ]
