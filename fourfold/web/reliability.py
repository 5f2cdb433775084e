"""How well the stored forecasts did once the actuals came in: per KPI of a unit and overall,
the share of actuals inside the 80 % interval and the Brier score of the probabilities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from fourfold.accounts.access import access_for
from fourfold.forecasts import grading as forecasting
from fourfold.measures.models import KPI
from fourfold.scoring.engine import Scores
from fourfold.strategy.models import Organization

EXPLAINED = (
    "Every forecast gives an 80 % interval: when forecasts are honest about their "
    "uncertainty, about 8 actuals in 10 land inside it, so coverage far below 80 % means "
    "overconfident forecasts and far above means intervals wider than they need be. "
    "The Brier score grades the probabilities of meeting the target: the average of "
    "(probability − outcome)², the outcome being 1 when the target was met and 0 when not. "
    "0 is perfect, 0.25 is what always saying 50 % would score; lower is better."
)


@dataclass
class Line:
    """How a KPI's (or a set's) forecasts did, in one sentence, and where to see more."""

    text: str
    url: str = ""


@dataclass
class Row:
    code: str
    name: str
    url: str
    graded: int  # forecasts whose period's actual is in
    inside: int  # of them, with the actual inside the 80 % interval
    coverage: float | None  # inside / graded
    brier: float | None  # None without a graded probability
    judged: int  # graded forecasts that had a probability


def row_of(code: str, name: str, url: str, grade: Any) -> Row:
    """A table row from the service's Grade of one KPI (or of all), None when ungraded."""
    graded = int(grade.forecasts) if grade is not None else 0
    coverage = grade.coverage if graded else None
    inside = round(coverage * graded) if coverage is not None else 0
    brier = grade.brier if graded else None
    judged = int(grade.with_probability) if graded else 0
    return Row(code, name, url, graded, inside, coverage, brier, judged)


def sentence(row: Row) -> str:
    """'7 of 8 actuals inside the 80 % interval (88 %); Brier score 0.09.'"""
    if not row.graded:
        return (
            "No forecast of this KPI has been graded yet: a forecast is graded once the "
            "actual of its period is in."
        )
    share = f"{row.coverage * 100:.0f} %" if row.coverage is not None else "—"
    text = f"{row.inside} of {row.graded} actuals inside the 80 % interval ({share})"
    if row.brier is not None:
        text += f"; Brier score {row.brier:.2f} (0 is perfect, 0.25 a coin toss)"
    return text + "."


def line_for(unit_code: str, kpi: KPI, today: dt.date, scores: Scores | None = None) -> Line:
    """The KPI page's line: how well this KPI's forecasts did (read from the page's scores)."""
    graded = forecasting.reliability([kpi.pk], today=today, scores=scores)
    grade = graded.per_kpi.get(kpi.pk)
    url = reverse("reliability", args=[unit_code]) + f"#kpi-{kpi.code}"
    return Line(sentence(row_of(kpi.code, kpi.name, url, grade)), url)


@require_safe
@login_required
def page(request: HttpRequest, code: str) -> HttpResponse:
    """The forecasts of a unit's KPIs, graded against their actuals."""
    access = access_for(request)
    unit = access.unit_or_404(code)
    kpis = list(
        KPI.objects.filter(objective__perspective__scorecard__unit=unit, archived=False)
        .order_by("objective__perspective__order", "objective__order", "order", "pk")
        .only("pk", "code", "name")
    )
    graded = forecasting.reliability([k.pk for k in kpis], today=timezone.localdate())
    rows = []
    for kpi in kpis:
        url = reverse("kpi", args=[unit.code, kpi.code])
        rows.append(row_of(kpi.code, kpi.name, url, graded.per_kpi.get(kpi.pk)))
    overall = row_of("", "All KPIs of " + unit.name, "", graded.overall)
    context = {
        "organization": Organization.get(),
        "unit": unit,
        "rows": rows,
        "overall": overall,
        "overall_text": sentence(overall) if overall.graded else "",
        "explained": EXPLAINED,
    }
    return render(request, "web/reliability.html", context)
