"""The Check page of a unit and the SMART panel of a KPI page: `fourfold check`'s findings.

Who may see a unit's findings is who may view the unit (`Access.can_view`); each finding
links to where it is fixed, which for someone who may not change the scorecard is the KPI's
or the objective's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core.smart import CRITERIA, SEVERITIES, Finding
from fourfold.measures.models import KPI
from fourfold.scoring import cache
from fourfold.scoring.engine import Scores
from fourfold.strategy.models import Objective, Unit

from .gather import Report, Strength, check, year_probabilities

TARGETS = ("achievable", "time_bound", "cascade")


@dataclass(frozen=True)
class Line:
    finding: Finding
    url: str
    fix: str  # what the link says


@dataclass(frozen=True)
class Group:
    criterion: str
    name: str
    lines: list[Line]


def report_for(access: Access, unit: str, today: dt.date) -> Report:
    """The findings of `unit` and the units below it that this person may see."""
    scores = cache.scores(unit=unit, today=today)
    return check(today=today, unit=unit, scores=scores).seen_by(access.can_view)


def lines(access: Access, findings: list[Finding], unit_ids: dict[str, int]) -> list[Line]:
    """Each finding with the link to where it is fixed: two queries for any number."""
    kpi_codes = {f.code for f in findings if f.kind == "kpi"}
    objective_codes = {f.code for f in findings if f.kind == "objective"}
    kpis = dict(KPI.objects.filter(code__in=kpi_codes).values_list("code", "pk"))
    objectives = dict(Objective.objects.filter(code__in=objective_codes).values_list("code", "pk"))
    out = []
    for f in findings:
        editor = access.can_edit(unit_ids[f.unit])
        if f.kind == "kpi":
            if f.criterion == "measurable" and access.writes:
                url, fix = reverse("entry", args=[f.unit]), "Enter values"
            elif editor and f.criterion in TARGETS:
                url, fix = reverse("editing:targets", args=[f.unit, kpis[f.code]]), "Targets"
            elif editor:
                url, fix = reverse("editing:kpi_edit", args=[f.unit, kpis[f.code]]), "Edit KPI"
            else:
                url, fix = reverse("kpi", args=[f.unit, f.code]), "KPI page"
        elif editor and f.rule == "relevant.unaligned":
            url = reverse("editing:objective_alignment", args=[f.unit, objectives[f.code]])
            fix = "Align"
        elif editor and f.rule == "relevant.isolated":
            url = reverse("editing:objective_links", args=[f.unit, objectives[f.code]])
            fix = "Links"
        elif editor:
            url = reverse("editing:objective_edit", args=[f.unit, objectives[f.code]])
            fix = "Edit objective"
        else:
            url, fix = reverse("objective", args=[f.unit, f.code]), "Objective page"
        out.append(Line(f, url, fix))
    return out


@require_safe
@login_required
def page(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's findings, grouped by criterion, with each scorecard's strength."""
    access = access_for(request)
    unit = access.unit_or_404(code)
    today = timezone.localdate()
    report = report_for(access, unit.code, today)
    severity = request.GET.get("severity", "")
    shown = (
        [f for f in report.findings if f.severity == severity]
        if severity in SEVERITIES
        else report.findings
    )
    every = lines(access, shown, report.unit_ids)
    groups = [
        Group(key, name, [line for line in every if line.finding.criterion == key])
        for key, name in CRITERIA.items()
    ]
    names = dict(Unit.objects.filter(pk__in=report.unit_ids.values()).values_list("code", "name"))
    strength: list[tuple[str, str, Strength]] = [
        (c, names[c], s) for c, s in report.strength.items() if s.scored
    ]
    counts = {s: sum(f.severity == s for f in report.findings) for s in SEVERITIES}
    return render(
        request,
        "checks/check.html",
        {
            "unit": unit,
            "today": today,
            "groups": [g for g in groups if g.lines],
            "strength": strength,
            "own": report.strength.get(unit.code),
            "counts": counts,
            "total": len(report.findings),
            "shown": len(shown),
            "severity": severity if severity in SEVERITIES else "",
            "severities": SEVERITIES,
        },
    )


def kpi_panel(
    access: Access,
    unit: str,
    kpi: str,
    scores: Scores,
    chances: dict[int, float | None] | None = None,
) -> list[Line]:
    """The findings of one KPI, for the SMART panel of its page (from the page's scores);
    `chances`, the KPI's forecast probability for the fiscal year when the page has made
    that forecast already."""
    ids = [k["id"] for k in scores.index.kpi if k["code"] == kpi]

    def only_this(kpi_ids: list[int], today: dt.date, s: Scores) -> dict[int, float | None]:
        if chances is not None:
            return chances
        return year_probabilities(ids, today, s)  # this KPI alone, not the whole unit

    today = scores.inputs.today
    report = check(today=today, unit=unit, scores=scores, probabilities=only_this, objectives=False)
    mine = [f for f in report.findings if f.kind == "kpi" and f.code == kpi and f.unit == unit]
    return lines(access, mine, report.unit_ids)
