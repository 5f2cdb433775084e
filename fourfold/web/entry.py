"""Putting numbers in: My KPIs, the entry grid, uploads with a preview, and downloads."""

from __future__ import annotations

import base64
import secrets
from typing import Any, NoReturn

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core.periods import PeriodError
from fourfold.files import export, limits, values
from fourfold.files.limits import UPLOADS
from fourfold.files.preview import preview
from fourfold.intake import grid as entry_grid
from fourfold.intake import mine, paste, services
from fourfold.intake.models import PendingValue
from fourfold.measures import intake
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry
from fourfold.strategy.models import Organization, Unit

from .units import options, visible_units

SESSION_KEY = "fourfold.import"
MAX_UPLOAD = UPLOADS.bytes
FIELD_CHOICES = [
    ("", "— choose —"),
    ("kpi", "KPI code (kpi)"),
    ("period", "Period (period)"),
    ("actual", "Actual value (actual)"),
    ("target", "Target (target)"),
    ("red_flag", "Red flag (red_flag)"),
    ("comment", "Comment (comment)"),
    ("series", "Series of a wide file (series)"),
    (values.IGNORE, "Ignore this column"),
]


# My KPIs


@require_safe
@login_required
def my_kpis(request: HttpRequest) -> HttpResponse:
    access = access_for(request)
    organization = Organization.get()
    page = mine.mine(access, timezone.localdate(), organization.fiscal_year_start)
    context: dict[str, Any] = {
        "organization": organization,
        "mine": page,
        "access": access,
        "others_listed": mine.OTHERS_LISTED,
    }
    if page.more_others:
        shown = visible_units(access)
        if not access.is_admin:
            ids = access.editable | access.enterable_units
            codes = set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))
            shown = [u for u in shown if u.code in codes]
        context["unit_options"] = options(shown, "")
    return render(request, "web/entry_mine.html", context)


@require_POST
@login_required
def approval_setting(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = get_object_or_404(KPI.objects.only("pk", "code", "owner_id"), pk=kpi_id, archived=False)
    if kpi.owner_id != request.user.pk:
        home = KPI.objects.filter(pk=kpi.pk).values_list(KPI.UNIT_ID, flat=True)
        reason = "Only the KPI's owner decides whether the values others enter need approval."
        _refuse(request, home.first(), reason)
    required = request.POST.get("required") == "1"
    services.set_approval(kpi, required, actor=request.user)
    state = "now require" if required else "no longer require"
    messages.success(request, f"Values others enter for {kpi.code} {state} your approval.")
    return redirect("my-kpis")


@require_POST
@login_required
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "reject"):
        raise Http404("Approve or reject")
    try:
        if decision == "approve":
            done = services.approve(pk, approver=request.user, access=access_for(request))
            messages.success(request, f"Approved {done.kpi.code} {done.period}: {done.value:g}.")
        else:
            note = request.POST.get("note", "").strip()[:2000]
            done = services.reject(pk, approver=request.user, note=note, access=access_for(request))
            messages.success(request, f"Rejected {done.kpi.code} {done.period}: {done.value:g}.")
    except services.DecisionError as exc:
        # A value decided already is gone (404); else the policy's answer, with the reason.
        pending = PendingValue.objects.filter(pk=pk, status=PendingValue.Status.PENDING)
        unit_id = pending.values_list("kpi__" + KPI.UNIT_ID, flat=True).first()
        _refuse(request, unit_id, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    return redirect("my-kpis")


def _refuse(request: HttpRequest, unit_id: int | None, reason: str) -> NoReturn:
    """As the access policy answers: 404 to who may not see the KPI's unit, else 403 and why."""
    if unit_id is None or not access_for(request).can_view(unit_id):
        raise Http404("No such KPI")
    raise PermissionDenied(reason)


# The entry grid


def _grid(
    request: HttpRequest, code: str
) -> tuple[Access, Any, Organization, entry_grid.Grid | None, str]:
    access = access_for(request)
    unit = access.unit_or_404(code)
    organization = Organization.get()
    today = timezone.localdate()
    try:
        month = entry_grid.month_of(
            request.GET.get("period", ""), organization.fiscal_year_start, today
        )
    except PeriodError as exc:
        return access, unit, organization, None, str(exc)
    return access, unit, organization, entry_grid.build(unit, month, access, today), ""


def _entry_url(code: str, month: str) -> str:
    return f"{reverse('entry', args=[code])}?period={month}"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def entry(request: HttpRequest, code: str) -> HttpResponse:
    access, unit, organization, grid, error = _grid(request, code)
    if grid is None:
        context = {"organization": organization, "unit": unit, "error": error}
        return render(request, "web/entry.html", context, status=400)
    if not grid.rows and request.method == "POST":
        access.require_edit(unit.pk)  # nothing here is theirs to enter: 403 for a viewer
    form = entry_grid.EntryForm(grid.rows, request.POST or None)
    notice, pasted_problems = "", []
    if request.method == "POST" and request.POST.get("action") == "paste":
        pasted = paste.parse(
            request.POST.get("paste", ""),
            [r.code for r in grid.rows],
            {r.code: r.period for r in grid.rows},
        )
        pasted_problems = pasted.problems
        data = request.POST.copy()
        for row in grid.rows:
            if row.code in pasted.values:
                data[row.value_field] = pasted.values[row.code]
            if row.code in pasted.comments:
                data[row.comment_field] = pasted.comments[row.code]
        form = entry_grid.EntryForm(grid.rows, data)
        form.is_valid()  # show every message before the person saves
        if not pasted_problems:
            n = len(pasted.values)
            notice = f"{n} value{pluralize(n)} filled in from the paste: check them, then save."
    elif request.method == "POST" and form.is_valid():
        notice = _save(request, grid, form)
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, notice)
            return redirect(_entry_url(unit.code, grid.month.key))
        saved = {r.id for r, _, _ in form.entries()}
        grid = entry_grid.build(unit, grid.month, access, timezone.localdate())
        for row in grid.rows:
            row.saved = row.id in saved
        form = entry_grid.EntryForm(grid.rows)
    context = {
        "organization": organization,
        "unit": unit,
        "grid": grid,
        "form": form,
        "notice": notice,
        "paste_problems": pasted_problems,
        "can_see_unit": access.can_view(unit.pk),
    }
    template = "web/_entry_grid.html" if request.htmx else "web/entry.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _save(request: HttpRequest, grid: entry_grid.Grid, form: entry_grid.EntryForm) -> str:
    entries = [
        ValueEntry(row.id, row.period, value, comment) for row, value, comment in form.entries()
    ]
    if not entries:
        return "Nothing to save: type a value first."
    try:
        done = intake.submit_values(
            entries,
            actor=request.user,
            access=access_for(request),
            channel="grid",
            detail=f"entry grid of {grid.unit.code} for {grid.label}",
            reason="entered in the grid",
        )
    except intake.Refused as refused:
        return f"Nothing was saved: {refused.problems[0].message}."
    written = done.written
    saved = written.created + written.changed
    parts = [f"Saved {saved} value{pluralize(saved)}"]
    if written.unchanged:
        parts.append(f"{written.unchanged} unchanged")
    if done.waits:
        held = len(done.waits)
        parts.append(f"{held} value{pluralize(held)} waiting for the owner's approval")
    return ", ".join(parts) + "."


@require_POST
@login_required
def validate(request: HttpRequest, code: str) -> HttpResponse:
    """The message for one value as it is typed: an error, a warning to confirm, or nothing."""
    access, unit, _, grid, error = _grid(request, code)
    if grid is None:
        return HttpResponse(error, status=400)
    try:
        kpi_id = int(request.POST.get("kpi", ""))
    except ValueError:
        return HttpResponse("Which KPI?", status=400)
    row = next((r for r in grid.rows if r.id == kpi_id), None)
    if row is None:
        access.require_edit(unit.pk)
        raise PermissionDenied("You may not enter values of this KPI.")
    result = entry_grid.check(
        row, request.POST.get(row.value_field, ""), request.POST.get(row.confirm_field) == "on"
    )
    return render(request, "web/_entry_message.html", {"row": row, "check": result})


@require_safe
@login_required
def download(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's values and targets as CSV or XLSX, long or wide, as `fourfold export` writes."""
    access = access_for(request)
    unit = access.unit_or_404(code)
    kind = request.GET.get("format", "csv")
    layout = request.GET.get("layout", "long")
    if kind not in ("csv", "xlsx") or layout not in export.LAYOUTS:
        return HttpResponse("format is csv or xlsx, layout is long or wide", status=400)
    name = f"{unit.code}-values-{layout}.{kind}"
    try:
        table = export.table(
            layout,
            unit_ids=[unit.pk],
            first=request.GET.get("from") or None,
            last=request.GET.get("to") or None,
        )
    except values.ImportFileError as exc:
        return HttpResponse(str(exc), status=400)
    content_type = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(export.render(table, name), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Upload with a preview


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV or XLSX file")
    source = forms.SlugField(
        label="Source name (optional)",
        required=False,
        max_length=100,
        help_text="Name where the file comes from, e.g. erp-export: its column mapping is "
        "remembered for the next file from the same source.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 5 MB: split it.")
        return upload


def _stored(request: HttpRequest, token: str) -> dict[str, Any]:
    stored: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not stored or not token or not secrets.compare_digest(stored["token"], token):
        raise Http404("This upload is no longer waiting: upload the file again.")
    return stored


def _plan(request: HttpRequest, stored: dict[str, Any]) -> dict[str, Any]:
    """Read and check the stored file again, as it is now: the preview's context."""
    access = access_for(request)
    data = base64.b64decode(stored["data"])
    context: dict[str, Any] = {"upload": stored}
    try:
        rows = values.read_bytes(data, stored["name"], stored["mapping"], UPLOADS)
    except values.UnknownColumns as exc:
        context["unknown"] = exc.headers
        context["file_error"] = str(exc).split("; map other names")[0]
        return context
    except values.ImportFileError as exc:
        context["file_error"] = str(exc)
        return context
    plan = values.plan(rows, access=access)
    listed, more = limits.listed(plan.problems)
    context.update(plan=plan, layout=rows.layout, problems=listed, more_problems=more)
    if not plan.problems:
        found = preview(plan)
        context.update(
            preview=found,
            created=found.created[: limits.LISTED],
            changed=found.changed[: limits.LISTED],
            more_changes=limits.listed(found.created)[1] + limits.listed(found.changed)[1],
        )
    return context


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"organization": Organization.get(), "form": form}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        source = form.cleaned_data["source"]
        stored = {
            "token": secrets.token_urlsafe(16),
            "name": upload_file.name,
            "data": base64.b64encode(upload_file.read()).decode("ascii"),
            "source": source,
            "mapping": services.mapping_of(source) if source else {},
        }
        request.session[SESSION_KEY] = stored
        context.update(_plan(request, stored))
        context["choices"] = FIELD_CHOICES
        return render(request, "web/entry_import.html", context)
    status = 400 if form.is_bound else 200
    return render(request, "web/entry_import.html", context, status=status)


@require_POST
@login_required
def upload_map(request: HttpRequest) -> HttpResponse:
    """Map the headers the file's first row names differently, then preview again."""
    stored = _stored(request, request.POST.get("token", ""))
    mapping = dict(stored["mapping"])
    for key, name in request.POST.items():
        if key.startswith("map:") and name in {c for c, _ in FIELD_CHOICES if c}:
            mapping[values._name(key[4:])] = name
    stored["mapping"] = mapping
    request.session[SESSION_KEY] = stored
    context = {"organization": Organization.get(), "form": UploadForm(), "choices": FIELD_CHOICES}
    context.update(_plan(request, stored))
    return render(request, "web/entry_import.html", context)


@require_POST
@login_required
def upload_confirm(request: HttpRequest) -> HttpResponse:
    stored = _stored(request, request.POST.get("token", ""))
    context = _plan(request, stored)  # checked again: the data may have changed since
    plan: values.Plan | None = context.get("plan")
    if plan is None or plan.problems:
        context.update(organization=Organization.get(), form=UploadForm(), choices=FIELD_CHOICES)
        return render(request, "web/entry_import.html", context, status=400)
    name = stored["name"] if not stored["source"] else f"{stored['source']} ({stored['name']})"
    user = request.user
    summary = values.commit(plan, actor=user, channel="upload", source_name=name).summary
    if stored["source"] and stored["mapping"]:
        services.save_mapping(stored["source"], stored["mapping"], actor=user)
    del request.session[SESSION_KEY]
    messages.success(request, f"Imported {stored['name']}: {summary}")
    return redirect("import")


@require_POST
@login_required
def upload_cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "The upload was discarded: nothing was written.")
    return redirect("import")
