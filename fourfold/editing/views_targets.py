"""The targets editor of one KPI: its targets by period, one period or a whole year at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from fourfold.accounts.access import access_for
from fourfold.core import periods
from fourfold.files.spec import TARGET_KINDS
from fourfold.measures.models import KPI, Target, TargetVersion
from fourfold.strategy.models import Organization, Unit

from . import feasibility, forms, targets
from .checks import Invalid
from .views import editable_unit

HISTORY = 20
LABELS = {
    "target": "Target",
    "red_flag": "Red flag",
    "stretch": "Stretch",
    "low": "Low",
    "high": "High",
    "baseline": "Baseline",
}


def _kpi(request: HttpRequest, code: str, pk: int) -> tuple[Unit, KPI]:
    unit = editable_unit(request, code)
    kpi = (
        KPI.objects.select_related("scheme")
        .filter(pk=pk, objective__perspective__scorecard__unit=unit)
        .first()
    )
    if kpi is None:
        raise Http404("No such KPI in this unit")
    return unit, kpi


def _url(unit: Unit, kpi: KPI, period: str = "") -> str:
    url = reverse("editing:targets", args=[unit.code, kpi.pk])
    return f"{url}#target-{period}" if period else url


def _row_form(kpi: KPI, target: Target | None, data: Any = None) -> forms.TargetForm:
    """The form of one row of the table, filled in with the row's target."""
    initial: dict[str, Any] = {}
    for name in targets.fields_for(kpi) if target else ():
        value = getattr(target, name)
        # 500, not 500.0: the number as a person typed it.
        initial[name] = int(value) if isinstance(value, float) and value.is_integer() else value
    if target is not None:
        initial["period"] = target.period
    form = forms.TargetForm(data, kpi=kpi, prefix="row", initial=initial)
    # The inputs sit in the row's cells; the form element itself sits in its last cell.
    for name in form.fields:
        form.fields[name].widget.attrs["form"] = f"row-{target.period if target else ''}"
    return form


def _cells(kpi: KPI, form: forms.TargetForm) -> list[Any]:
    """The row form's inputs in the order of the table's columns."""
    return [form[f] for f in targets.fields_for(kpi)]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def targets_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, kpi = _kpi(request, code, pk)
    fiscal = Organization.get().fiscal_year_start
    this_year = periods.year_of(periods.month_key(_today_ordinal()), fiscal)
    post = request.POST if request.method == "POST" else None
    which = post.get("form") if post else None
    if which == "row":
        return _save_row(request, unit, kpi)
    one = forms.TargetForm(post if which == "one" else None, kpi=kpi, prefix="one")
    year = forms.YearTargetForm(
        post if which == "year" else None, kpi=kpi, prefix="year", initial={"year": this_year}
    )
    form = one if which == "one" else year if which == "year" else None
    if form is not None and form.is_valid():
        notes: list[str] = []
        try:
            if form is one:
                count = targets.set_target(
                    request.user, kpi, form.cleaned_data, access=access_for(request), notes=notes
                )
            else:
                count = targets.set_year_targets(
                    request.user, kpi, form.cleaned_data, access=access_for(request)
                )
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            done = count.created + count.changed
            said = f"{done} target(s) of {kpi.name} saved." if done else "Nothing changed."
            messages.success(request, " ".join([said, *notes]))
            return redirect(_url(unit, kpi))
    editing = request.GET.get("edit", "")
    status = 400 if form is not None else 200
    return _page(request, unit, kpi, one, year, editing, None, status)


@require_safe
@login_required
def targets_preview(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The parts a phased target would write, before it is saved: a partial for htmx, else
    the page with the form as filled in and the preview under it."""
    unit, kpi = _kpi(request, code, pk)
    one = forms.TargetForm(request.GET, kpi=kpi, prefix="one")
    shown: targets.Preview | None = None
    problems: list[str] = []
    if one.is_valid():
        try:
            shown = targets.preview(kpi, one.cleaned_data)
        except Invalid as exc:
            problems = [m for ms in exc.errors.values() for m in ms]
    else:
        problems = [str(m) for ms in one.errors.values() for m in ms]
    context = {"unit": unit, "kpi": kpi, "preview": shown, "problems": problems}
    if getattr(request, "htmx", False):
        response = render(request, "editing/_phase_preview.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    year = forms.YearTargetForm(None, kpi=kpi, prefix="year")
    return _page(request, unit, kpi, one, year, "", None, 200, context)


def _page(
    request: HttpRequest,
    unit: Unit,
    kpi: KPI,
    one: forms.TargetForm,
    year: forms.YearTargetForm,
    editing: str,
    row_form: forms.TargetForm | None,
    status: int,
    preview: dict[str, Any] | None = None,
) -> HttpResponse:
    """The whole page; the row of period `editing`, if any, as a form in its place."""
    feasibility.mark(one)
    current = list(Target.objects.filter(kpi=kpi).select_related("changed_by").order_by("-period"))
    fields = targets.fields_for(kpi)
    rows = []
    for t in current:
        form = None
        if t.period == editing:
            form = row_form or _row_form(kpi, t)
        rows.append(_Row(t, _values(kpi, t), form, _cells(kpi, form) if form else []))
    context = {
        "unit": unit,
        "labels": [LABELS[f] for f in fields],
        "rows": rows,
        "history_rows": _history(kpi),
        "kpi": kpi,
        "one": one,
        "year": year,
        "period_kinds": " or ".join(TARGET_KINDS[kpi.frequency]),
        "previewed": preview is not None,
        **(preview or {}),
    }
    return render(request, "editing/targets.html", context, status=status)


def _history(kpi: KPI) -> list[tuple[TargetVersion, list[float | None]]]:
    """The latest targets replaced, each with its values in the table's columns."""
    fields = targets.fields_for(kpi)
    versions = (
        TargetVersion.objects.filter(kpi=kpi)
        .select_related("superseded_by")
        .order_by("-superseded_at", "-pk")[:HISTORY]
    )
    return [(v, [getattr(v, f) for f in fields]) for v in versions]


@dataclass
class _Row:
    target: Target
    values: list[tuple[str, float | None]]  # each with its column's name, shown on phones
    form: forms.TargetForm | None = None
    cells: list[Any] = field(default_factory=list)


def _values(kpi: KPI, target: Target) -> list[tuple[str, float | None]]:
    return [(LABELS[f], getattr(target, f)) for f in targets.fields_for(kpi)]


def _row(
    request: HttpRequest, unit: Unit, kpi: KPI, row: _Row, *, saved: bool = False
) -> HttpResponse:
    """One row for htmx; once saved, the earlier targets too, swapped out of band."""
    context: dict[str, Any] = {"unit": unit, "kpi": kpi, "row": row}
    if saved:
        fields = targets.fields_for(kpi)
        context.update(oob=True, history_rows=_history(kpi), labels=[LABELS[f] for f in fields])
    response = render(request, "editing/_target_row.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@login_required
def target_row(request: HttpRequest, code: str, pk: int, period: str) -> HttpResponse:
    """One row of the table, for htmx: as a form to change it (`?edit=1`) or as it reads."""
    unit, kpi = _kpi(request, code, pk)
    target = Target.objects.filter(kpi=kpi, period=period).select_related("changed_by").first()
    if target is None:
        raise Http404("No target for this period")
    values = _values(kpi, target)
    if not getattr(request, "htmx", False):
        return redirect(
            f"{_url(unit, kpi)}?edit={period}#target-{period}"
            if request.GET.get("edit")
            else _url(unit, kpi, period)
        )
    if request.GET.get("edit"):
        form = _row_form(kpi, target)
        return _row(request, unit, kpi, _Row(target, values, form, _cells(kpi, form)))
    return _row(request, unit, kpi, _Row(target, values))


def _save_row(request: HttpRequest, unit: Unit, kpi: KPI) -> HttpResponse:
    """A row changed in place: written by `set_target` as the One period form would."""
    period = request.POST.get("row-period", "")
    target = Target.objects.filter(kpi=kpi, period=period).first()
    if target is None:
        raise Http404("No target for this period")
    form = _row_form(kpi, target, request.POST)
    saved = False
    notes: list[str] = []
    if form.is_valid():
        try:
            targets.set_target(
                request.user, kpi, form.cleaned_data, access=access_for(request), notes=notes
            )
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            saved = True
    htmx = getattr(request, "htmx", False)
    if saved and notes:
        # Other rows changed too (a phased period's parts): the whole page, saying so.
        messages.success(
            request, " ".join([f"The target of {kpi.name} for {period} is saved.", *notes])
        )
        if htmx:  # to the page's top, where the message is (a #fragment would not reload)
            return HttpResponseClientRedirect(_url(unit, kpi))
        return redirect(_url(unit, kpi, period))
    if saved and not htmx:
        messages.success(request, f"The target of {kpi.name} for {period} is saved.")
        return redirect(_url(unit, kpi, period))
    if not htmx:
        one = forms.TargetForm(None, kpi=kpi, prefix="one")
        year = forms.YearTargetForm(None, kpi=kpi, prefix="year")
        return _page(request, unit, kpi, one, year, period, form, 400)
    target = Target.objects.select_related("changed_by").get(pk=target.pk)
    values = _values(kpi, target)
    if saved:
        return _row(request, unit, kpi, _Row(target, values), saved=True)
    # Refused: the row stays a form with the reasons, swapped in place (htmx swaps a 200).
    return _row(request, unit, kpi, _Row(target, values, form, _cells(kpi, form)))


def _today_ordinal() -> int:
    today = timezone.localdate()
    return today.year * 12 + today.month - 1
