"""The home page: the organization at a glance, and what needs the reader's attention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.cascade.drift import ToConfirm, to_confirm
from fourfold.core.periods import Period, PeriodError, parse_period
from fourfold.initiatives.serving import LateMilestone, overdue_milestones
from fourfold.intake.mine import MyKpi
from fourfold.intake.mine import mine as my_kpis
from fourfold.intake.models import PendingValue
from fourfold.measures.models import KPI
from fourfold.reviews.models import ActionItem
from fourfold.revisions import moment
from fourfold.scoring import engine, readout
from fourfold.scoring.cache import scores as compute
from fourfold.strategy.models import Organization, Unit

from . import periods as choose
from . import scorecard_list
from .units import UnitNode, visible_units


@dataclass
class UnitScore:
    unit: UnitNode
    row: dict[str, Any] | None
    url: str
    depth: int = 0  # below its group's head

    @property
    def bar(self) -> float:
        """The score as a percentage of the bar's length."""
        score = (self.row or {}).get("score")
        return max(0.0, min(100.0, score * 10)) if score is not None else 0.0


@dataclass
class Group:
    head: UnitScore
    members: list[UnitScore] = field(default_factory=list)


@dataclass
class Root:
    head: UnitScore
    groups: list[Group] = field(default_factory=list)


@dataclass
class KpiItem:
    code: str
    name: str
    unit_name: str
    url: str
    row: dict[str, Any]


@dataclass
class Action:
    item: ActionItem
    late: bool
    url: str


@dataclass
class Attention:
    overdue: list[MyKpi] = field(default_factory=list)
    red: list[KpiItem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    to_approve: list[PendingValue] = field(default_factory=list)
    milestones: list[LateMilestone] = field(default_factory=list)
    confirm: list[ToConfirm] = field(default_factory=list)  # targets changed above a cascade


def scorecard_url(code: str, period: str) -> str:
    return f"{reverse('scorecard', args=[code])}?{urlencode({'period': period})}"


def _row(scores: engine.Scores, code: str, period: str) -> dict[str, Any] | None:
    if code not in scores.card_of:
        return None
    return next(readout.unit_rows(scores, code, period), None)


def glance(scores: engine.Scores, units: list[UnitNode], period: str) -> list[Root]:
    """The visible units as roots, each with its children's subtrees as groups of cards."""
    roots: list[Root] = []
    group: Group | None = None
    for unit in units:
        card = UnitScore(unit, _row(scores, unit.code, period), scorecard_url(unit.code, period))
        if unit.depth == 0:
            roots.append(Root(card))
            group = None
        elif unit.depth == 1 or group is None:
            group = Group(card)
            roots[-1].groups.append(group)
        else:
            card.depth = unit.depth - 2
            group.members.append(card)
    return roots


def attention(
    scores: engine.Scores,
    access: Access,
    period: str,
    today: dt.date,
    fiscal: int,
) -> Attention:
    """My values overdue in any period (as My KPIs counts them), values waiting for my
    approval, my KPIs red in the chosen period, and my open action items."""
    user = access.user
    mine = my_kpis(access, today, fiscal)
    out = Attention(overdue=[k for k in mine.kpis if k.overdue], to_approve=mine.to_approve)
    located = scores.locate(period)
    kpi_pos = {k["id"]: i for i, k in enumerate(scores.index.kpi)}
    if located is not None:
        view_name, column = located
        view = scores.result.views[view_name]
        level = readout.LEVEL_OF_VIEW[view_name]
        owned = KPI.objects.filter(owner=user, archived=False).order_by("code")
        unit_path = "objective__perspective__scorecard__unit"
        columns = ("pk", "code", "name", f"{unit_path}__code", f"{unit_path}__name")
        for pk, code, name, unit, unit_name in owned.values_list(*columns):
            pos = kpi_pos.get(pk)
            if pos is None:
                continue
            frequency = scores.index.kpi[pos]["frequency"]
            if readout.FREQ_LEVEL[frequency] > level or (
                view_name == "ytd" and frequency != "monthly"
            ):
                continue
            if int(view.status[pos, column]) == 0:
                row = readout.node_row(
                    scores, view, pos, column, "kpi", code, unit, view.keys[column]
                )
                out.red.append(KpiItem(code, name, unit_name, scorecard_url(unit, period), row))
    actions = ActionItem.objects.filter(owner=user, status=ActionItem.Status.OPEN)
    for action in actions.select_related("unit").order_by("due_date", "pk"):
        if access.can_view(action.unit_id):
            url = reverse("action", args=[action.unit.code, action.pk])
            out.actions.append(Action(action, action.is_late(today), url))
    out.actions.sort(key=lambda a: (a.item.due_date is None, a.item.due_date or today))
    out.milestones = overdue_milestones(access, today)
    out.confirm = to_confirm(access)
    return out


def _period(request: HttpRequest, organization: Organization, today: dt.date) -> Period:
    try:
        return choose.requested(
            request.GET.get("period", ""),
            request.GET.get("kind", ""),
            organization.fiscal_year_start,
            today,
        )
    except PeriodError:
        return parse_period(choose.last_ended_month(today), organization.fiscal_year_start)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The units I can see, coloured by status, and what needs my attention, for a period."""
    access = access_for(request)
    units = visible_units(access)
    organization = Organization.get()
    if not units:
        context = {"organization": organization, "hidden": Unit.objects.exists()}
        return render(request, "web/empty.html", context)
    today = moment.today()  # the day of ?as_of= when asked
    picked = picked_period(request, organization, today, reverse("home"))
    if isinstance(picked, HttpResponse):
        return picked
    period, scores, context = picked
    context |= {
        "roots": glance(scores, units, period.key),
        "attention": attention(scores, access, period.key, today, organization.fiscal_year_start),
        "unit_count": len(units),
    }
    return render(request, "web/home.html", context)


def picked_period(
    request: HttpRequest, organization: Organization, today: dt.date, url: str
) -> HttpResponse | tuple[Period, engine.Scores, dict[str, Any]]:
    """The period a page across units (at `url`) is for, the scores and the period picker's
    context; or, when the kind of period was changed, the way to the page for the new kind."""
    period = _period(request, organization, today)
    if request.GET.get("kind") and period.key != request.GET.get("period"):
        return redirect(f"{url}?{urlencode({'period': period.key})}")
    scores = compute(today=today, organization=organization)
    keys = scores.result.views[period.kind].keys
    return (
        period,
        scores,
        {
            "organization": organization,
            "period": period,
            "period_label": choose.label(period),
            "period_choices": choose.choices(list(keys), period),
            "kinds": choose.KIND_LABELS,
        },
    )


@require_safe
@login_required
def scorecards(request: HttpRequest) -> HttpResponse:
    """Every scorecard the reader may see, as the unit tree, each with its score, status and
    reporting for a period (the last ended month unless asked); `?show=map` goes on to the
    top unit's strategy map."""
    units = visible_units(access_for(request))
    organization = Organization.get()
    if not units:
        context = {"organization": organization, "hidden": Unit.objects.exists()}
        return render(request, "web/empty.html", context)
    today = moment.today()  # the day of ?as_of= when asked
    if request.GET.get("show") == "map":
        month = choose.last_ended_month(today)
        url = reverse("strategy_map", args=[units[0].code])
        return redirect(f"{url}?{urlencode({'period': month})}")
    picked = picked_period(request, organization, today, reverse("scorecards"))
    if isinstance(picked, HttpResponse):
        return picked
    period, scores, context = picked
    context["lines"] = scorecard_list.lines(scores, units, period.key)
    return render(request, "web/scorecards.html", context)
