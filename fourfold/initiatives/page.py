"""The page of one initiative: its standing, timeline, milestones, progress and spend over
time, the objectives it serves and the KPIs it is meant to move, with its milestones marked
on each KPI's trend ("did it work?")."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import gantt, periods
from fourfold.core import initiatives as rule
from fourfold.measures.models import KPI
from fourfold.revisions import moment
from fourfold.scoring import engine
from fourfold.scoring.cache import scores as compute
from fourfold.strategy.models import Objective, Organization, Unit
from fourfold.web import kpi as kpi_page
from fourfold.web import periods as choose

from . import pages, standing
from .models import Initiative, Milestone

KPI_PATH = "objective__perspective__scorecard__unit"


@dataclass
class Trend:
    """A KPI the initiative is meant to move, and its chart with the milestones marked."""

    kpi: KPI
    chart: dict[str, Any]
    element: str


@dataclass
class Page:
    line: standing.Line
    period: periods.Period
    depends: dict[int, list[Milestone]]
    objectives: list[Objective]
    trends: list[Trend]
    progress: dict[str, Any]
    progress_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def initiative(self) -> Initiative:
        return self.line.initiative

    @property
    def milestone_rows(self) -> list[tuple[Milestone, list[Milestone]]]:
        """Each milestone with those it waits for."""
        return [(m, self.depends[m.pk]) for m in self.line.milestones]


def progress_chart(line: standing.Line, fiscal_start: int) -> tuple[dict[str, Any], list[Any]]:
    """Complete, planned and spent (as a share of the budget) at each progress entry."""
    initiative = line.initiative
    labels, complete, planned, spent, rows = [], [], [], [], []
    for entry in line.progress:
        try:
            period = rule.progress_period(entry.period, fiscal_start)
        except periods.PeriodError:
            continue
        expected = rule.expected_share(initiative.start, initiative.end, period.end) * 100
        used = (
            entry.spent / initiative.budget * 100
            if entry.spent is not None and initiative.budget
            else None
        )
        labels.append(choose.label(period))
        complete.append(round(entry.complete, 1))
        planned.append(round(expected, 1))
        spent.append(None if used is None else round(used, 1))
        rows.append({"label": labels[-1], "entry": entry, "planned": expected, "used": used})
    chart = {
        "kind": "progress",
        "labels": labels,
        "complete": complete,
        "planned": planned,
        "spent": spent if initiative.budget else None,
    }
    return chart, rows[::-1]


def _marks(
    milestones: list[Milestone], keys: list[str], kind: str, fs: int, today: dt.date
) -> list[Any]:
    """Where each milestone falls among a chart's periods (by the day it was done, or due)."""
    out = []
    for m in milestones:
        day = m.done or m.due
        month = f"{day.year:04d}-{day.month:02d}"
        key = choose.in_kind(periods.parse_period(month, fs), kind)
        if key in keys:
            late = m.done is None and m.due < today
            out.append(
                {"at": keys.index(key), "name": m.name, "done": m.done is not None, "late": late}
            )
    return out


def trends(
    scores: engine.Scores, kpis: list[KPI], milestones: list[Milestone], fs: int, today: dt.date
) -> list[Trend]:
    out = []
    position = {k["id"]: i for i, k in enumerate(scores.index.kpi)}
    for kpi in kpis:
        row = position.get(kpi.pk)
        if row is None:
            continue
        kind = kpi_page.VIEW_OF[kpi.frequency]
        view = scores.result.views[kind]
        columns = kpi_page._span(view, row)
        if not columns:
            continue
        chart = kpi_page.chart(scores, kpi, row, columns, None)
        keys = list(view.keys[columns.start : columns.stop])
        chart["milestones"] = _marks(milestones, keys, kind, fs, today)
        out.append(Trend(kpi, chart, f"kpi-trend-{kpi.pk}"))
    return out


def build(access: Access, loaded: standing.Loaded, period: periods.Period, today: dt.date) -> Page:
    """Everything the page shows, in a fixed number of queries."""
    fs = period.fiscal_start
    initiative = loaded.initiative
    line = standing.lines([loaded], period, fs, today)[0]
    by_pk = {m.pk: m for m in line.milestones}
    depends = {
        m.pk: [by_pk[pk] for pk in line.after.get(m.pk, ()) if pk in by_pk] for m in line.milestones
    }
    objectives = list(
        access.visible(
            initiative.serves.select_related("perspective__scorecard__unit"),
            "perspective__scorecard__unit_id",
        ).order_by("perspective__scorecard__unit__order", "code")
    )
    kpis = list(
        access.visible(initiative.moves.select_related(KPI_PATH), KPI.UNIT_ID).order_by("code")
    )
    found = trends(compute(today=today), kpis, line.milestones, fs, today) if kpis else []
    chart, rows = progress_chart(line, fs)
    return Page(line, period, depends, objectives, found, chart, rows)


def detail_timeline(line: standing.Line, today: dt.date, fs: int) -> str:
    return gantt.render(
        standing.detail_rows(line),
        today,
        f"{line.initiative.name} — timeline",
        fiscal_start=fs,
        legend=standing.legend(),
        id_prefix=f"gantt-{line.initiative.code}",
        style=gantt.Style(label_width=270, row_height=28),
    )


def visible_initiative(
    access: Access, unit: str, code: str, rows: QuerySet[Initiative]
) -> tuple[Unit, Initiative]:
    """The unit's initiative for whoever may see it (its unit's viewers, its owner)."""
    found = rows.select_related("unit").filter(unit__code=unit, code=code).first()
    if found is None or not access.can_see_initiative(found.unit_id, found.owner_id):
        raise Http404(f"There is no initiative '{code}' of unit '{unit}'.")
    return found.unit, found


@require_safe
@login_required
def initiative(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    """One initiative in a period."""
    access = access_for(request)
    loaded = standing.load(Initiative.objects.filter(unit__code=unit, code=code))
    found = loaded[0].initiative if loaded else None
    if found is None or not access.can_see_initiative(found.unit_id, found.owner_id):
        raise Http404(f"There is no initiative '{code}' of unit '{unit}'.")
    node = found.unit
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    period = pages.requested_period(request, organization.fiscal_year_start, today)
    page = build(access, loaded[0], period, today)
    fs = organization.fiscal_year_start
    here = reverse("initiative", args=[node.code, found.code])
    context = {
        "organization": organization,
        "unit": node,
        "page": page,
        "line": page.line,
        "i": found,
        "s": page.line.standing,
        "period": period,
        "period_label": choose.label(period),
        "previous": pages.step(period, -1),
        "next": pages.step(period, 1),
        "here": here,
        "today": today,
        "timeline": mark_safe(detail_timeline(page.line, today, fs)),  # noqa: S308 - escaped
        "list_url": reverse("initiatives", args=[node.code]) + f"?period={period.key}",
        "can_update": access.can_enter_progress(found.unit_id, found.owner_id),
        "can_edit": access.can_edit_initiatives(node.pk),
        "collaborators": list(found.collaborators.all()),
        "notes": list(found.notes.select_related("author")[:20]),
        "spent_share": _share(page.line.standing.spent, found.budget),
        "entry_label": _entry_label(page.line.standing, fs),
    }
    return render(request, "initiatives/initiative.html", context)


def _entry_label(s: standing.Standing, fs: int) -> str:
    if s.entry is None:
        return ""
    return choose.label(rule.progress_period(s.entry.period, fs))


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    value = part / whole * 100
    return value if math.isfinite(value) else None
