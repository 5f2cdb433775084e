"""A unit's initiatives: the list with their standing in a period, and their timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.core import gantt, periods
from fourfold.core.hierarchy import Hierarchy
from fourfold.revisions import moment
from fourfold.strategy.models import Organization, Unit
from fourfold.web import periods as choose

from . import standing
from .models import Initiative

STATUS_FILTERS = {"green": "Green", "amber": "Amber", "red": "Red", "none": "No progress yet"}
STEP = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Filters:
    status: str = ""
    mine: bool = False
    text: str = ""
    below: bool = False

    @classmethod
    def of(cls, request: HttpRequest) -> Filters:
        status = request.GET.get("status", "")
        return cls(
            status if status in STATUS_FILTERS else "",
            request.GET.get("mine") == "1",
            request.GET.get("q", "").strip()[:100],
            request.GET.get("below") == "1",
        )

    def keeps(self, line: standing.Line, user_id: int | None) -> bool:
        initiative = line.initiative
        if self.status and line.standing.status_key != self.status:
            return False
        if self.mine and initiative.owner_id != user_id:
            return False
        text = self.text.casefold()
        return not text or text in initiative.name.casefold() or text in initiative.code

    @property
    def active(self) -> bool:
        return bool(self.status or self.mine or self.text)


def requested_period(request: HttpRequest, fiscal_start: int, today: dt.date) -> periods.Period:
    """The period asked for (a month, quarter or year), or else the last ended month."""
    try:
        period = choose.requested(request.GET.get("period", ""), "", fiscal_start, today)
    except periods.PeriodError:
        period = periods.parse_period(choose.last_ended_month(today), fiscal_start)
    if period.kind == "ytd":
        period = periods.parse_period(period.last_month, fiscal_start)
    return period


def step(period: periods.Period, by: int) -> choose.Choice:
    """The period `by` steps of its own kind before (negative) or after this one."""
    month = periods.month_key(periods.month_ordinal(period.last_month) + by * STEP[period.kind])
    key = choose.in_kind(periods.parse_period(month, period.fiscal_start), period.kind)
    return choose.Choice(key, choose.label(periods.parse_period(key, period.fiscal_start)))


def initiative_url(initiative: Initiative, unit: str, period: str) -> str:
    url = reverse("initiative", args=[unit, initiative.code])
    return f"{url}?{urlencode({'period': period})}"


def unit_lines(
    access: Access, unit: Unit, period: periods.Period, today: dt.date, below: bool = False
) -> list[standing.Line]:
    """The unit's live initiatives with their standing, and with `below` those of the units
    below it that the reader may see; the unit itself was checked by the caller."""
    rows = Initiative.objects.live()
    if below:
        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        # The unit's own first, then each unit below in the tree's order.
        order = {u: i for i, (u, _) in enumerate(tree.walk(unit.pk)) if access.can_view(u)}
        found = standing.load(rows.filter(unit_id__in=list(order)))
        found.sort(key=lambda item: order[item.initiative.unit_id])
    else:
        found = standing.load(rows.filter(unit=unit))
    return standing.lines(found, period, period.fiscal_start, today)


def timeline(
    lines: list[standing.Line], unit: Unit, period: str, today: dt.date, fiscal_start: int
) -> str:
    hrefs = {line.initiative.pk: line.href for line in lines}
    return gantt.render(
        standing.timeline_rows(lines, hrefs),
        today,
        f"{unit.name} — initiatives",
        fiscal_start=fiscal_start,
        legend=standing.legend(),
        id_prefix=f"gantt-{unit.code}",
    )


def counts(lines: list[standing.Line]) -> list[tuple[str, str, int]]:
    """How many initiatives stand in each status: (key, words, count), best first."""
    return [
        (key, words, sum(1 for line in lines if line.standing.status_key == key))
        for key, words in STATUS_FILTERS.items()
    ]


@require_safe
@login_required
def initiatives(request: HttpRequest, unit: str) -> HttpResponse:
    """A unit's initiatives in a period: the timeline and the list, filtered."""
    access = access_for(request)
    node = access.unit_or_404(unit)
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    period = requested_period(request, organization.fiscal_year_start, today)
    filters = Filters.of(request)
    every = unit_lines(access, node, period, today, filters.below)
    for line in every:
        line.href = initiative_url(line.initiative, line.initiative.unit.code, period.key)
    shown = [line for line in every if filters.keeps(line, request.user.pk)]
    if request.GET.get("format") == "svg":
        svg = timeline(shown, node, period.key, today, organization.fiscal_year_start)
        response = HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
            content_type="image/svg+xml; charset=utf-8",
        )
        name = f"{node.code}-initiatives-{today.isoformat()}.svg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    here = reverse("initiatives", args=[node.code])
    query: dict[str, Any] = {"period": period.key}
    if filters.status:
        query["status"] = filters.status
    if filters.mine:
        query["mine"] = "1"
    if filters.text:
        query["q"] = filters.text
    if filters.below:
        query["below"] = "1"
    # What the period steps keep, and what the tally keeps besides the status it sets.
    kept = urlencode({k: v for k, v in query.items() if k != "period"})
    tally = urlencode({k: v for k, v in query.items() if k not in ("period", "status")})
    context = {
        "organization": organization,
        "unit": node,
        "period": period,
        "period_label": choose.label(period),
        "previous": step(period, -1),
        "next": step(period, 1),
        "lines": shown,
        "total": len(every),
        "counts": counts(every),
        "filters": filters,
        "statuses": STATUS_FILTERS,
        "timeline": mark_safe(  # noqa: S308 - gantt.render escapes every text it writes
            timeline(shown, node, period.key, today, organization.fiscal_year_start)
        ),
        "svg_url": f"{here}?{urlencode({**query, 'format': 'svg'})}",
        "kept": f"&{kept}" if kept else "",
        "tally_kept": f"&{tally}" if tally else "",
        "here": here,
        "today": today,
        "can_create": access.can_edit(node.pk),
        "scorecard_url": f"{reverse('scorecard', args=[node.code])}?"
        + urlencode({"period": period.key}),
    }
    return render(request, "initiatives/list.html", context)
