"""The conditions judged once a day by the worker: data overdue (`freshness`), actions due
or late (`reviews.ActionItem`), initiatives behind (`scoring.initiatives`) and forecasts
unlikely to meet the year's target (the kept `MadeForecast` rows)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max

from fourfold.core import periods
from fourfold.core.schemes import DEFAULT
from fourfold.forecasts.models import MadeForecast
from fourfold.freshness.models import Policy
from fourfold.freshness.services import overdue_values
from fourfold.reviews.models import ActionItem
from fourfold.scoring import initiatives as initiative_scores
from fourfold.strategy.models import Organization

from .coverage import Catalogue, recipient
from .evaluate import _record, _subscriptions
from .models import Event, Subscription

GOAL = len(DEFAULT.statuses) - 1


def _event(
    sub: Subscription,
    key: str,
    condition: str,
    unit_id: int,
    item: str,
    period: str,
    title: str,
    path: str,
) -> Event:
    return Event(
        subscription=sub,
        recipient=recipient(sub),
        key=key,
        condition=condition,
        unit_id=unit_id,
        item=item,
        period=period,
        title=title[:300],
        path=path,
        frequency=sub.frequency,
    )


def judge_day(today: dt.date) -> list[Event]:
    """Judge the day's conditions for every subscription that asks for them."""
    subs = _subscriptions(["overdue", "action_due", "action_late", "initiative_behind", "unlikely"])
    if not subs:
        return []
    cat = Catalogue.load()
    found: list[Event] = []

    def wants(condition: str) -> list[Subscription]:
        return [s for s in subs if condition in s.conditions]

    if overdue := wants("overdue"):
        late = overdue_values(today)
        for sub in overdue:
            mine = set(cat.kpis(sub))
            for o in late:
                if o.kpi_id in mine:
                    unit = cat.kpi[o.kpi_id][3]
                    found.append(
                        _event(
                            sub,
                            f"overdue:kpi:{o.kpi_id}:{o.period}",
                            "overdue",
                            unit,
                            f"kpi:{o.kpi_id}",
                            o.period,
                            f"{o.kpi_name} ({o.kpi_code}): the value of {o.period} is "
                            f"{o.days_overdue} days overdue",
                            f"/units/{o.unit_code}/kpis/{o.kpi_code}/?period={o.period}",
                        )
                    )
    if actions := wants("action_due") + wants("action_late"):
        found += _actions(sorted(set(actions), key=lambda s: s.pk), cat, today)
    if behind := wants("initiative_behind"):
        found += _initiatives(behind, cat, today)
    if unlikely := wants("unlikely"):
        found += _unlikely(unlikely, cat, today)
    with transaction.atomic():
        return _record(found)


def _actions(subs: list[Subscription], cat: Catalogue, today: dt.date) -> list[Event]:
    # An open action is "due" as many days before its due date as its owner is reminded.
    soon = today + dt.timedelta(days=Policy.get().action_reminder_days)
    open_actions = list(
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN, due_date__isnull=False, due_date__lte=soon
        )
        .select_related("owner")
        .values_list(
            "pk", "title", "unit_id", "kpi_id", "objective_id", "initiative_id", "due_date"
        )
    )
    found = []
    for sub in subs:
        kpis, objectives = set(cat.kpis(sub)), set(cat.objectives(sub))
        initiatives = set(cat.initiatives(sub))
        units = cat.units_under(sub) if sub.kind == "unit" else set()
        for pk, title, unit, kpi, objective, initiative, due in open_actions:
            meant = kpi in kpis or objective in objectives or initiative in initiatives
            if not (meant or unit in units):
                continue
            if due is None:
                continue
            late = due < today
            condition = "action_late" if late else "action_due"
            if condition not in sub.conditions:
                continue
            when = f"was due on {due:%Y-%m-%d}" if late else f"is due on {due:%Y-%m-%d}"
            found.append(
                _event(
                    sub,
                    f"{condition}:{pk}:{due:%Y-%m-%d}",
                    condition,
                    unit,
                    f"action:{pk}",
                    "",
                    f"The action “{title}” {when}",
                    f"/units/{cat.unit[unit][0]}/actions/{pk}/",
                )
            )
    return found


def _initiatives(subs: list[Subscription], cat: Catalogue, today: dt.date) -> list[Event]:
    fs = Organization.get().fiscal_year_start
    period = f"{today:%Y-%m}"
    rows = initiative_scores.rows(None, period, fiscal_start=fs)
    by_code = {r["code"]: r for unit_rows in rows.values() for r in unit_rows}
    found = []
    for sub in subs:
        for pk in cat.initiatives(sub):
            code, name, unit, _ = cat.initiative[pk]
            row = by_code.get(code)
            if row is None or row["status"] is None:
                continue
            if (
                DEFAULT.statuses.index(next(s for s in DEFAULT.statuses if s.name == row["status"]))
                >= GOAL
            ):
                continue
            found.append(
                _event(
                    sub,
                    f"initiative_behind:{pk}:{period}",
                    "initiative_behind",
                    unit,
                    f"initiative:{pk}",
                    period,
                    f"{name} ({code}) is behind in {period}: {row['actual']:.0f} % complete, "
                    f"{row['target']:.0f} % expected",
                    f"/units/{cat.unit[unit][0]}/initiatives/{code}/",
                )
            )
    return found


def _unlikely(subs: list[Subscription], cat: Catalogue, today: dt.date) -> list[Event]:
    fs = Organization.get().fiscal_year_start
    year = periods.year_of(f"{today:%Y-%m}", fs)
    wanted = {k for s in subs for k in cat.kpis(s)}
    latest = (
        MadeForecast.objects.filter(kpi_id__in=wanted, period=year)
        .values("kpi_id")
        .annotate(at=Max("made_at"))
    )
    at = {row["kpi_id"]: row["at"] for row in latest}
    chance: dict[int, float] = {}
    if at:
        for kpi, made, p in MadeForecast.objects.filter(
            kpi_id__in=list(at), period=year
        ).values_list("kpi_id", "made_at", "probability"):
            if made == at[kpi] and p is not None:
                chance[kpi] = p
    found = []
    by_sub: dict[int, list[int]] = defaultdict(list)
    for sub in subs:
        by_sub[sub.pk] = [k for k in cat.kpis(sub) if k in chance and chance[k] < sub.probability]
        for k in by_sub[sub.pk]:
            code, name, _, unit, _ = cat.kpi[k]
            found.append(
                _event(
                    sub,
                    f"unlikely:kpi:{k}:{year}",
                    "unlikely",
                    unit,
                    f"kpi:{k}",
                    year,
                    f"{name} ({code}) is unlikely to meet its {year} target: "
                    f"{chance[k] * 100:.0f} % chance",
                    f"/units/{cat.unit[unit][0]}/kpis/{code}/",
                )
            )
    return found
