"""An action item's page: what it is, who owns it, when it is due, its status, and the trend
of the KPI it is meant to move before and after it was opened ("did it help?")."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fourfold.accounts.access import Access, access_for
from fourfold.core import periods
from fourfold.scoring import cache, engine
from fourfold.strategy.models import Organization
from fourfold.web import kpi as kpi_page

from . import services
from .models import ActionItem
from .page import kpi_trend

# Periods before the action was opened that the comparison reads.
BEFORE = 6


@dataclass(frozen=True)
class Helped:
    """The KPI's mean score before the action was opened and since."""

    before: float | None
    after: float | None
    periods_before: int
    periods_after: int

    @property
    def verdict(self) -> str:
        if self.after is None or self.before is None:
            return "Not yet known: there are no scores since it was opened to compare."
        change = self.after - self.before
        if abs(change) < 0.25:
            return f"No clear change: the score was {self.before:.2f} and is {self.after:.2f}."
        word = "better" if change > 0 else "worse"
        return (
            f"The score is {word} since: {self.before:.2f} on average in the {self.periods_before}"
            f" periods before, {self.after:.2f} in the {self.periods_after} since."
        )


def helped(scores: engine.Scores, kpi_id: int, frequency: str, opened: dt.date) -> Helped | None:
    position = next((i for i, k in enumerate(scores.index.kpi) if k["id"] == kpi_id), None)
    if position is None:
        return None
    kind = kpi_page.VIEW_OF[frequency]
    view = scores.result.views[kind]
    fs = scores.fiscal_start
    month = f"{opened.year:04d}-{opened.month:02d}"
    key = {"month": month, "quarter": periods.quarter_of(month, fs)}.get(
        kind, periods.year_of(month, fs)
    )
    located = scores.locate(key)
    if located is None:
        return None
    at = located[1]
    row = view.score[position]
    before = [float(v) for v in row[max(0, at - BEFORE) : at] if math.isfinite(v)]
    after = [float(v) for v in row[at:] if math.isfinite(v)]
    return Helped(
        sum(before) / len(before) if before else None,
        sum(after) / len(after) if after else None,
        len(before),
        len(after),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


def _action_or_404(access: Access, code: str, pk: int) -> ActionItem:
    found = (
        ActionItem.objects.select_related(
            "unit", "owner", "review", "kpi", "objective", "initiative"
        )
        .filter(unit__code=code, pk=pk)
        .first()
    )
    if found is None or not access.can_see_action(found.unit_id, found.owner_id):
        raise Http404("No such action item")
    return found


@require_http_methods(["GET", "HEAD"])
@login_required
def action(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    access = access_for(request)
    found = _action_or_404(access, code, pk)
    today = timezone.localdate()
    chart, outcome = None, None
    kpi = found.kpi
    if kpi is not None and access.can_view(found.unit_id):
        scores = cache.scores(unit=found.unit.code, today=today)
        opened = timezone.localtime(found.created_at).date()
        events = [(opened, "Opened", True, False)]
        if found.due_date:
            late = found.is_late(today)
            events.append((found.due_date, "Due", found.status != "open", late))
        month = f"{today.year:04d}-{today.month:02d}"
        chart = kpi_trend(scores, kpi, month, events)
        outcome = helped(scores, kpi.pk, kpi.frequency, opened)
    context = {
        "organization": Organization.get(),
        "unit": found.unit,
        "a": found,
        "today": today,
        "late": found.is_late(today),
        "chart": chart,
        "element": f"action-trend-{found.pk}",
        "helped": outcome,
        "can_update": access.can_update_action(found.unit_id, found.owner_id),
        "statuses": ActionItem.Status.choices,
    }
    return render(request, "reviews/action.html", context)


@require_POST
@login_required
def status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    access = access_for(request)
    found = _action_or_404(access, code, pk)
    access.require(
        access.can_update_action(found.unit_id, found.owner_id),
        "Only the action item's owner, or whoever runs the unit's reviews, changes its status.",
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(request.user, found, form.cleaned_data["status"])
    return redirect("action", found.unit.code, found.pk)
