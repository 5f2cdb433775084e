"""The page of one objective: its score over time, KPIs, alignment, links, comments, actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import periods
from fourfold.initiatives import serving
from fourfold.reviews.models import ActionItem, Comment
from fourfold.reviews.services import add_comment
from fourfold.revisions import moment
from fourfold.scoring import cache, engine, readout
from fourfold.strategy.models import Alignment, Link, Objective, Organization, Unit

from . import coarser, editlinks
from . import periods as choose
from .templatetags.fourfold import status_color

# How far back the score history reaches, per kind of period.
HISTORY = {"month": 24, "quarter": 8, "year": 10}


def requested_period(
    key: str, organization: Organization, today: dt.date
) -> tuple[periods.Period, str | None]:
    """The period asked for, or the last ended month and why the one asked for cannot be read."""
    fs = organization.fiscal_year_start
    try:
        return choose.requested(key, "", fs, today), None
    except periods.PeriodError as exc:
        return periods.parse_period(choose.last_ended_month(today), fs), str(exc)


def short_label(key: str, fiscal_start: int) -> str:
    """'Jan 2026', 'Q1 2026', '2026': a label that fits under a chart's axis."""
    period = periods.parse_period(key, fiscal_start)
    if period.kind == "month":
        year, month = key.split("-")
        return f"{periods.MONTH_NAMES[int(month) - 1][:3]} {year}"
    return choose.label(period)


def neighbours(
    keys: list[str], period: periods.Period
) -> tuple[choose.Choice | None, choose.Choice | None]:
    """The periods just before and after this one among `keys`, to step through them."""
    if period.key not in keys:
        return None, None
    at = keys.index(period.key)

    def choice(key: str) -> choose.Choice:
        return choose.Choice(key, choose.label(periods.parse_period(key, period.fiscal_start)))

    return (
        choice(keys[at - 1]) if at > 0 else None,
        choice(keys[at + 1]) if at + 1 < len(keys) else None,
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a comment before adding it."},
    )


class PeriodCommentForm(CommentForm):
    period = forms.CharField(label="Period", widget=forms.Select)
    field_order = ["period", "text"]

    def __init__(self, *args: Any, fiscal_start: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fiscal_start = fiscal_start

    def period_choices(self, choices: list[tuple[str, str]]) -> None:
        widget = self.fields["period"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices

    def clean_period(self) -> str:
        try:
            return periods.parse_period(self.cleaned_data["period"], self.fiscal_start).key
        except periods.PeriodError as exc:
            raise forms.ValidationError(f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from exc


@dataclass
class Line:
    """A scored row of the page with what to call it and where it lives. A KPI reported less
    often than the period (see fourfold.web.coarser) has `latest` and `note` in `info`."""

    name: str
    code: str
    row: dict[str, Any] | None
    unit: Unit | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        """A row of the period's own scores, not one shown with its latest period or none."""
        return self.row is not None and "latest" not in self.info


@dataclass
class Page:
    unit: Unit
    objective: Objective
    period: periods.Period
    period_label: str
    row: dict[str, Any] | None
    kpis: list[Line]  # counted in the period, then those shown with their latest period
    aligned: list[Line]  # what serves it below
    serves: list[Line]  # what it serves above
    drives: list[Line]
    driven_by: list[Line]
    comments: list[Comment]
    actions: list[ActionItem]
    chart: dict[str, Any]
    previous: choose.Choice | None
    next: choose.Choice | None

    @property
    def history(self) -> list[tuple[str, float | None]]:
        """The chart's scores as (period, score) rows, newest first, for its table."""
        return list(zip(self.chart["labels"], self.chart["scores"], strict=True))[::-1]


def _row(scores: engine.Scores, code: str, unit: str, key: str) -> dict[str, Any] | None:
    """The objective's scored row for a period, or None when it is not in these scores."""
    position = next((i for i, o in enumerate(scores.index.objective) if o["code"] == code), None)
    located = scores.locate(key)
    if position is None or located is None:
        return None
    view = scores.result.views[located[0]]
    row = scores.result.offsets["objective"] + position
    return readout.node_row(
        scores, view, row, located[1], "objective", code, unit, view.keys[located[1]]
    )


def history(scores: engine.Scores, code: str, period: periods.Period) -> dict[str, Any]:
    """The objective's score over the periods up to this one, and its status bands."""
    position = next((i for i, o in enumerate(scores.index.objective) if o["code"] == code), None)
    kind = "month" if period.kind == "ytd" else period.kind
    key = period.last_month if period.kind == "ytd" else period.key
    located = scores.locate(key)
    if position is None or located is None:
        return {"kind": "objective", "labels": [], "scores": [], "bands": [], "current": None}
    view = scores.result.views[kind]
    row = scores.result.offsets["objective"] + position
    column = located[1]
    first = max(0, column - HISTORY[kind] + 1)
    scheme = scores.inputs.schemes[int(scores.result.node_scheme[row])]
    n = len(scheme.statuses)
    values = view.score[row, first : column + 1].tolist()
    return {
        "kind": "objective",
        "labels": [short_label(k, scores.fiscal_start) for k in view.keys[first : column + 1]],
        "scores": [round(v, 2) if v == v else None for v in values],
        "bands": [
            {
                "name": s.name.capitalize(),
                "color": status_color(s.color),
                "from": 10 * i / n,
                "to": 10 * (i + 1) / n,
            }
            for i, s in enumerate(scheme.statuses)
        ],
        "current": column - first,
        "opacity": 0.12,
    }


def _kpis_of(scores: engine.Scores, unit: str, code: str) -> list[int]:
    """Where the unit's objective's KPIs are in the scores, in order."""
    if unit not in scores.index.unit_codes:
        return []
    for p in scores.children.get(("scorecard", scores.card_of[unit]), []):
        for o in scores.children.get(("perspective", p), []):
            if scores.index.objective[o]["code"] == code:
                return scores.children.get(("objective", o), [])
    return []


def build(scores: engine.Scores, unit: Unit, objective: Objective, period: periods.Period) -> Page:
    """Everything the objective page shows, in a fixed number of queries."""
    key = period.key
    row: dict[str, Any] | None = None
    kpi_rows: list[dict[str, Any]] = []
    if unit.code in scores.index.unit_codes:
        inside = False
        for found in readout.unit_rows(scores, unit.code, key):
            if found["kind"] == "objective":
                inside = found["code"] == objective.code
                row = found if inside else row
            elif found["kind"] == "kpi" and inside:
                kpi_rows.append(found)
            elif found["kind"] != "kpi":
                inside = False
    kpis = {k.code: k for k in objective.kpis.filter(archived=False).select_related("owner")}
    lines = [
        Line(kpis[r["code"]].name, r["code"], r, unit, {"kpi": kpis[r["code"]]})
        for r in kpi_rows
        if r["code"] in kpis
    ]
    # KPIs reported less often than the period: with their latest period, not counted here.
    shown = {line.code for line in lines}
    period_label = choose.label(period)
    for at in _kpis_of(scores, unit.code, objective.code):
        code, frequency = scores.index.kpi[at]["code"], scores.index.kpi[at]["frequency"]
        if code in shown or code not in kpis or frequency not in coarser.OF_FREQUENCY:
            continue
        latest = coarser.latest(scores, at, period, unit.code)
        note = coarser.note(frequency, latest.label, period_label)
        info = {"kpi": kpis[code], "latest": latest, "note": note}
        lines.append(Line(kpis[code].name, code, latest.row, unit, info))
        shown.add(code)
    # Any other (a period the scores hold no year of): no data, as the engine would say.
    lines += [
        Line(k.name, k.code, None, unit, {"kpi": k}) for k in kpis.values() if k.code not in shown
    ]
    aligned = [
        _aligned_line(scores, a.child, a, key)
        for a in objective.served_by.filter(child__archived=False).select_related(
            "child__perspective__scorecard__unit"
        )
    ]
    serves = [
        _aligned_line(scores, a.parent, a, key)
        for a in objective.serves.filter(parent__archived=False).select_related(
            "parent__perspective__scorecard__unit"
        )
    ]
    drives: list[Line] = []
    driven_by: list[Line] = []
    links = Link.objects.filter(Q(cause=objective) | Q(effect=objective)).select_related(
        "cause__perspective__scorecard__unit", "effect__perspective__scorecard__unit"
    )
    for link in links:
        other = link.effect if link.cause_id == objective.pk else link.cause
        if other.archived:
            continue
        other_unit = other.perspective.scorecard.unit
        line = Line(
            other.name, other.code, _row(scores, other.code, other_unit.code, key), other_unit
        )
        (drives if link.cause_id == objective.pk else driven_by).append(line)
    previous, following = neighbours(list(scores.result.views[period.kind].keys), period)
    return Page(
        unit=unit,
        objective=objective,
        period=period,
        period_label=period_label,
        row=row,
        kpis=lines,
        aligned=aligned,
        serves=serves,
        drives=drives,
        driven_by=driven_by,
        comments=list(objective.comments.select_related("author")),
        actions=list(
            objective.actions.filter(status=ActionItem.Status.OPEN).select_related("owner")
        ),
        chart=history(scores, objective.code, period),
        previous=previous,
        next=following,
    )


def _aligned_line(scores: engine.Scores, other: Objective, link: Alignment, key: str) -> Line:
    """The objective at the other end of an alignment, with how it counts."""
    other_unit = other.perspective.scorecard.unit
    # Without a weight of its own, the alignment counts with the weight of the objective below.
    weight = link.child.weight if link.weight is None else link.weight
    info = {"contributes": link.contributes, "weight": weight}
    row = _row(scores, other.code, other_unit.code, key)
    return Line(other.name, other.code, row, other_unit, info)


def _objective_or_404(access: Access, unit_code: str, code: str) -> tuple[Access, Unit, Objective]:
    unit = access.unit_or_404(unit_code)
    objective = get_object_or_404(
        Objective.objects.select_related("perspective", "owner"),
        perspective__scorecard__unit=unit,
        archived=False,
        code=code,
    )
    return access, unit, objective


def _render(
    request: HttpRequest,
    access: Access,
    unit: Unit,
    objective: Objective,
    key: str,
    form: CommentForm | None = None,
) -> HttpResponse:
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    period, error = requested_period(key, organization, today)
    scores = cache.scores(unit=unit.code, today=today, organization=organization)
    page = build(scores, unit, objective, period)
    # Objectives of units the reader may not see are named no more than their units are.
    page.aligned = [a for a in page.aligned if a.unit is not None and access.can_view(a.unit.pk)]
    page.serves = [a for a in page.serves if a.unit is not None and access.can_view(a.unit.pk)]
    page.drives = [a for a in page.drives if a.unit is not None and access.can_view(a.unit.pk)]
    page.driven_by = [
        a for a in page.driven_by if a.unit is not None and access.can_view(a.unit.pk)
    ]
    context = {
        "organization": organization,
        "page": page,
        "form": form or CommentForm(),
        "error": error,
        "today": today,
        "initiatives": serving.for_objective(access, objective, page.period, today),
        "links": editlinks.for_objective(
            access, unit, objective, [k.info["kpi"] for k in page.kpis if k.counted], page.period
        ),
    }
    status = 400 if error or form is not None else 200
    return render(request, "web/objective.html", context, status=status)


@require_safe
@login_required
def page(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    """An objective for a period: its score over time and everything that feeds it."""
    access, found_unit, objective = _objective_or_404(access_for(request), unit, code)
    return _render(request, access, found_unit, objective, request.GET.get("period", ""))


@require_POST
@login_required
def comment(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    """Anyone who can view the objective may comment on it."""
    access, found_unit, objective = _objective_or_404(access_for(request), unit, code)
    form = CommentForm(request.POST)
    key = request.POST.get("return_period", "")
    if not form.is_valid():
        return _render(request, access, found_unit, objective, key, form)
    made = add_comment(
        request.user, form.cleaned_data["text"], unit=found_unit, objective=objective
    )
    url = reverse("objective", args=[found_unit.code, objective.code])
    query = f"?period={key}" if key else ""
    try:
        periods.parse_period(key, Organization.get().fiscal_year_start)
    except periods.PeriodError:
        query = ""
    return redirect(f"{url}{query}#comment-{made.pk}")
