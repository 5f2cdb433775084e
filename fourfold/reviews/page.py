"""What the review page shows, in a fixed number of queries: the review, its agenda, the
decisions since the last review, and the chosen item with its numbers, trend, commentary,
decisions and actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.measures.models import KPI
from fourfold.scoring import cache, engine, readout
from fourfold.web import kpi as kpi_page

from . import meetings
from .models import ActionItem, AgendaItem, Comment, Decision, Review
from .services import commentary_of

KPI_PATH = "objective__perspective__scorecard__unit"
TREND_PERIODS = 12


@dataclass
class Panel:
    """The chosen agenda item and what the meeting looks at and writes for it."""

    item: AgendaItem
    row: dict[str, Any] | None = None  # the KPI's or objective's scores in the period
    chart: dict[str, Any] | None = None
    element: str = ""
    commentary: Comment | None = None
    decisions: list[Decision] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    action: ActionItem | None = None  # the action item the item is about


@dataclass
class Page:
    review: Review
    items: list[AgendaItem]
    decisions_since: list[Decision]
    panel: Panel | None
    people: list[Any]
    today: dt.date

    @property
    def minutes(self) -> int:
        return sum(i.minutes for i in self.items if not i.dropped)

    @property
    def shown(self) -> list[AgendaItem]:
        return [i for i in self.items if not i.dropped]


def review_or_404(access: Access, unit_code: str, pk: int) -> Review:
    """The review of the unit, for whoever may see the unit."""
    unit = access.unit_or_404(unit_code)
    review = Review.objects.select_related("series", "facilitator").filter(unit=unit, pk=pk).first()
    if review is None:
        raise Http404("No such review")
    review.unit = unit
    return review


def item_or_404(review: Review, pk: int) -> AgendaItem:
    item = AgendaItem.objects.filter(review=review, pk=pk).first()
    if item is None:
        raise Http404("No such agenda item")
    item.review = review
    return item


def marks(keys: list[str], fs: int, kind: str, at: list[tuple[dt.date, str, bool, bool]]) -> Any:
    """Where each dated event falls among a chart's periods, as charts.js marks milestones."""
    out = []
    for day, name, done, late in at:
        period = periods.parse_period(f"{day.year:04d}-{day.month:02d}", fs)
        key = {"month": period.key, "quarter": periods.quarter_of(period.key, fs)}.get(
            kind, periods.year_of(period.key, fs)
        )
        if key in keys:
            out.append({"at": keys.index(key), "name": name, "done": done, "late": late})
    return out


def kpi_trend(
    scores: engine.Scores,
    kpi: KPI,
    until: str,
    events: list[tuple[dt.date, str, bool, bool]] = (),  # type: ignore[assignment]
    *,
    after: int = 0,
) -> dict[str, Any] | None:
    """The KPI's chart against its target over the periods up to `until` (and `after` more),
    with dated events marked; None when it has no value or target."""
    position = next((i for i, k in enumerate(scores.index.kpi) if k["id"] == kpi.pk), None)
    if position is None:
        return None
    kind = kpi_page.VIEW_OF[kpi.frequency]
    view = scores.result.views[kind]
    span = kpi_page._span(view, position)
    if not span:
        return None
    located = scores.locate(until)
    end = span.stop - 1
    if located is not None and located[0] == kind:
        end = min(end, located[1] + after)
    columns = range(max(span.start, end - TREND_PERIODS - after + 1), end + 1)
    current = located[1] if located is not None and located[0] == kind else None
    if current is not None and current not in columns:
        current = None
    chart = kpi_page.chart(scores, kpi, position, columns, current)
    keys = list(view.keys[columns.start : columns.stop])
    chart["milestones"] = marks(keys, scores.fiscal_start, kind, list(events))
    return chart


def _row(scores: engine.Scores, item: AgendaItem) -> dict[str, Any] | None:
    located = scores.locate(item.period)
    if located is None:
        return None
    view_name, column = located
    view = scores.result.views[view_name]
    if item.kpi_id is not None:
        pos = next((i for i, k in enumerate(scores.index.kpi) if k["id"] == item.kpi_id), None)
        if pos is None:
            return None
        return readout.node_row(scores, view, pos, column, "kpi", item.code, "", view.keys[column])
    objectives = scores.index.objective
    pos = next((i for i, o in enumerate(objectives) if o["id"] == item.objective_id), None)
    if pos is None:
        return None
    row = pos + scores.result.offsets["objective"]
    return readout.node_row(
        scores, view, row, column, "objective", item.code, "", view.keys[column]
    )


def panel(item: AgendaItem, today: dt.date) -> Panel:
    """The item's numbers, trend, commentary, decisions and actions."""
    review = item.review
    out = Panel(item)
    out.decisions = list(item.decisions.order_by("created_at", "pk"))
    out.actions = list(item.actions.select_related("owner").order_by("pk"))
    if item.action_id is not None:
        out.action = ActionItem.objects.select_related("owner").filter(pk=item.action_id).first()
    if item.kpi_id is None and item.objective_id is None:
        return out
    scores = cache.scores(unit=review.unit.code, today=today)
    out.row = _row(scores, item)
    if item.kpi_id is not None:
        kpi = KPI.objects.filter(pk=item.kpi_id).first()
        if kpi is not None:
            out.chart = kpi_trend(scores, kpi, item.period)
            out.element = f"review-trend-{item.pk}"
            out.commentary = commentary_of(kpi.pk, item.period)
    return out


def chosen(items: list[AgendaItem], asked: str | None) -> AgendaItem | None:
    """The item asked for (?item=), else the first one not dropped."""
    if asked and asked.isdigit():
        found = next((i for i in items if i.pk == int(asked)), None)
        if found is not None:
            return found
    return next((i for i in items if not i.dropped), None)


def build(review: Review, asked: str | None, today: dt.date) -> Page:
    items = list(review.items.order_by("position", "pk"))
    for item in items:
        item.review = review
    current = chosen(items, asked)
    people = list(
        get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
    )
    return Page(
        review,
        items,
        meetings.decisions_since(review),
        panel(current, today) if current is not None else None,
        people,
        today,
    )
