"""The targets editor of one KPI: its targets by period, one period or a whole year at a time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fourfold.accounts.access import access_for
from fourfold.core import periods
from fourfold.files.spec import TARGET_KINDS
from fourfold.measures.models import KPI, Target, TargetVersion
from fourfold.strategy.models import Organization

from . import forms, targets
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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def targets_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = editable_unit(request, code)
    kpi = (
        KPI.objects.select_related("scheme")
        .filter(pk=pk, objective__perspective__scorecard__unit=unit)
        .first()
    )
    if kpi is None:
        raise Http404("No such KPI in this unit")
    fiscal = Organization.get().fiscal_year_start
    this_year = periods.year_of(periods.month_key(_today_ordinal()), fiscal)
    post = request.POST if request.method == "POST" else None
    which = post.get("form") if post else None
    one = forms.TargetForm(post if which == "one" else None, kpi=kpi, prefix="one")
    year = forms.YearTargetForm(
        post if which == "year" else None, kpi=kpi, prefix="year", initial={"year": this_year}
    )
    form = one if which == "one" else year if which == "year" else None
    if form is not None and form.is_valid():
        write = targets.set_target if form is one else targets.set_year_targets
        try:
            count = write(request.user, kpi, form.cleaned_data, access=access_for(request))
        except Invalid as exc:
            forms.show_errors(form, exc)
        else:
            done = count.created + count.changed
            messages.success(
                request, f"{done} target(s) of {kpi.name} saved." if done else "Nothing changed."
            )
            return redirect(reverse("editing:targets", args=[unit.code, kpi.pk]))
    current = list(Target.objects.filter(kpi=kpi).select_related("changed_by").order_by("-period"))
    history = list(
        TargetVersion.objects.filter(kpi=kpi)
        .select_related("superseded_by")
        .order_by("-superseded_at", "-pk")[:HISTORY]
    )
    fields = targets.fields_for(kpi)
    context = {
        "unit": unit,
        "labels": [LABELS[f] for f in fields],
        "rows": [(t, [getattr(t, f) for f in fields]) for t in current],
        "history_rows": [(v, [getattr(v, f) for f in fields]) for v in history],
        "kpi": kpi,
        "one": one,
        "year": year,
        "period_kinds": " or ".join(TARGET_KINDS[kpi.frequency]),
    }
    return render(request, "editing/targets.html", context, status=400 if form is not None else 200)


def _today_ordinal() -> int:
    today = timezone.localdate()
    return today.year * 12 + today.month - 1
