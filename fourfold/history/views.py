"""The History page and its CSV export: the audit trail and every value and target version."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.audit.actions import SHOWN_AS_ROWS, label
from fourfold.audit.models import AuditEntry
from fourfold.files.cells import neutral
from fourfold.measures.models import KPI, Source
from fourfold.strategy.models import Unit

from .timeline import VALUE_ACTIONS, Filters, timeline

PER_PAGE = 50
SOURCES = dict(Source.choices)


def action_name(kind: str) -> str:
    """A row's action: a value or target version, or an audit entry's code."""
    return VALUE_ACTIONS.get(kind) or label(kind)


class FilterForm(forms.Form):
    unit = forms.ChoiceField(required=False)
    kpi = forms.CharField(label="KPI code", required=False, max_length=100)
    user = forms.CharField(label="User name", required=False, max_length=150)
    action = forms.ChoiceField(required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, data: Any, units: list[tuple[str, str]], actions: list[str]) -> None:
        super().__init__(data)
        unit_field: Any = self.fields["unit"]
        action_field: Any = self.fields["action"]
        unit_field.choices = [("", "All units"), *units]
        audit = [(a, action_name(a)) for a in actions if a not in VALUE_ACTIONS]
        action_field.choices = [
            ("", "Everything"),
            *VALUE_ACTIONS.items(),
            *sorted(audit, key=lambda c: c[1]),
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date comes before the start date.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        return Filters(
            unit=data.get("unit") or "",
            kpi=(data.get("kpi") or "").strip(),
            user=(data.get("user") or "").strip(),
            action=data.get("action") or "",
            since=dt.datetime.combine(since, dt.time.min, zone) if since else None,
            until=dt.datetime.combine(until, dt.time.max, zone) if until else None,
        )


def _allowed(request: HttpRequest) -> Access:
    """Administrators and editors; viewers are refused, strangers see nothing here."""
    access = access_for(request)
    access.require(access.can_see_history(), "Only administrators and editors see the history.")
    return access


def _form(request: HttpRequest, access: Access) -> FilterForm:
    units = [
        (code, name)
        for pk, code, name in Unit.objects.values_list("pk", "code", "name")
        if access.can_view(pk)
    ]
    actions = (
        list(
            AuditEntry.objects.exclude(action__in=SHOWN_AS_ROWS)
            .order_by()
            .values_list("action", flat=True)
            .distinct()
        )
        if access.is_admin
        else []
    )
    return FilterForm(request.GET, units, actions)


def _rows(access: Access, form: FilterForm) -> Any:
    if not form.is_valid():
        return None
    units = None if access.is_admin else access.viewable
    return timeline(form.filters(), units, audit=access.is_admin)


def _present(row: dict[str, Any]) -> dict[str, Any]:
    first, last = row["h_actor_first"] or "", row["h_actor_last"] or ""
    row["actor_name"] = f"{first} {last}".strip() or row["h_actor"] or ""
    row["action_name"] = action_name(row["h_kind"])
    row["source_name"] = SOURCES.get(row["h_source"], row["h_source"])
    return row


@require_safe
@login_required
def history(request: HttpRequest) -> HttpResponse:
    access = _allowed(request)
    form = _form(request, access)
    rows = _rows(access, form)
    page = Paginator(rows if rows is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [_present(r) for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    kpis = KPI.objects.filter(archived=False).order_by("code")
    if not access.is_admin:
        kpis = kpis.filter(objective__perspective__scorecard__unit_id__in=access.viewable)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "kpi_codes": list(kpis.values_list("code", "name")),
        "usernames": list(
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
        if access.is_admin
        else [],
        "audit": access.is_admin,
    }
    return render(request, "history/history.html", context, status=200 if form.is_valid() else 400)


class _Echo:
    def write(self, value: str) -> str:
        return value


HEADER = [
    "when",
    "action",
    "replaced",
    "unit",
    "kpi",
    "period",
    "value_or_target",
    "red_flag",
    "low",
    "high",
    "by",
    "source",
    "detail",
    "replaced_at",
    "replaced_by",
    "reason",
]


def _csv_lines(rows: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    if rows is None:
        return
    for r in rows.iterator(chunk_size=2000):
        yield writer.writerow(
            map(
                neutral,
                [
                    timezone.localtime(r["h_at"]).isoformat(timespec="seconds"),
                    action_name(r["h_kind"]),
                    "yes" if r["h_replaced"] else "",
                    r["h_unit_code"] or "",
                    r["h_kpi_code"] or "",
                    r["h_period"] or "",
                    "" if r["h_value"] is None else r["h_value"],
                    "" if r["h_red_flag"] is None else r["h_red_flag"],
                    "" if r["h_low"] is None else r["h_low"],
                    "" if r["h_high"] is None else r["h_high"],
                    r["h_actor"] or "",
                    SOURCES.get(r["h_source"], r["h_source"]),
                    r["h_detail"] or "",
                    timezone.localtime(r["h_replaced_at"]).isoformat(timespec="seconds")
                    if r["h_replaced_at"]
                    else "",
                    r["h_replaced_by"] or "",
                    r["h_reason"] or "",
                ],
            )
        )


@require_safe
@login_required
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    access = _allowed(request)
    form = _form(request, access)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = _rows(access, form)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="fourfold-history-{stamp}.csv"'
    return response
