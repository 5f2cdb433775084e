"""The conditions judged period by period (turned red, got worse, crossed a threshold) on
the scores, after values or targets changed and on the worker's schedule; and new comments.

Each alert's observations over its recent periods are folded by the state machine of
`core/alerting`; a transition is an event when its period is fresh: one that just changed,
or one after the last period the alert had seen. An alert seen for the first time starts
from its history in silence, unless the change itself made it fire.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from django.db import transaction
from django.utils import timezone

from fourfold.core import alerting, periods
from fourfold.core.entries import FREQUENCY_KIND
from fourfold.core.numbers import grouped
from fourfold.scoring import cache

from .coverage import Catalogue, recipient
from .models import AlertState, Event, Subscription

WINDOW = 24  # periods of each alert's history folded at once


class Kept(NamedTuple):
    """Where an alert stood, as its AlertState row holds it."""

    pk: int
    state: int
    runs: int  # AlertState.count: NamedTuple has a count() of its own
    period: str


@dataclass
class Alert:
    sub: Subscription
    item: str
    condition: str
    row: int  # in the scores' rows
    view: str


def _subscriptions(conditions: Collection[str]) -> list[Subscription]:
    wanted = set(conditions)
    return [
        s
        for s in Subscription.objects.select_related("user", "channel")
        if wanted & set(s.conditions)
    ]


def judge_periods(
    kpi_ids: Collection[int] | None = None,
    changed: Collection[str] = (),
    *,
    today: dt.date | None = None,
) -> list[Event]:
    """Judge the period conditions of the alerts on these KPIs (None: all) and record the
    events found; `changed` are the periods that just changed. Returns the new events."""
    today = today or timezone.localdate()
    subs = _subscriptions(alerting.PERIOD_CONDITIONS)
    if not subs:
        return []
    cat = Catalogue.load()
    scores = cache.scores(today=today)
    kpi_row = {k["id"]: i for i, k in enumerate(scores.index.kpi)}
    off = scores.result.offsets["objective"]
    obj_row = {o["id"]: off + i for i, o in enumerate(scores.index.objective)}
    touched = None if kpi_ids is None else set(kpi_ids)
    touched_objectives = (
        None if touched is None else {cat.kpi[k][2] for k in touched if k in cat.kpi}
    )
    alerts: list[Alert] = []
    for sub in subs:
        conds = [c for c in sub.conditions if c in alerting.PERIOD_CONDITIONS]
        for k in cat.kpis(sub):
            if k in kpi_row and (touched is None or k in touched):
                view = FREQUENCY_KIND[cat.kpi[k][4]]
                alerts += [Alert(sub, f"kpi:{k}", c, kpi_row[k], view) for c in conds]
        for o in cat.objectives(sub):
            if o in obj_row and (touched_objectives is None or o in touched_objectives):
                alerts += [
                    Alert(sub, f"objective:{o}", c, obj_row[o], "month")
                    for c in conds
                    if c in ("red", "worse")
                ]
    if not alerts:
        return []
    return _judge(alerts, scores, cat, set(changed), today, every=touched is None)


def _judge(
    alerts: list[Alert],
    scores: Any,
    cat: Catalogue,
    changed: set[str],
    today: dt.date,
    *,
    every: bool = True,
) -> list[Event]:
    """Fold each alert's recent periods, keep where each stands and record its events. The
    states read are those of the alerts judged: after a change, of its KPIs and objectives
    only (`every` False), not the thousands of every subscription's other items."""
    states_of = AlertState.objects.filter(subscription__in={a.sub.pk for a in alerts})
    if not every:
        states_of = states_of.filter(item__in={a.item for a in alerts})
    kept = {
        (sub, item, cond): Kept(pk, state, count, period)
        for pk, sub, item, cond, state, count, period in states_of.values_list(
            "pk", "subscription_id", "item", "condition", "state", "count", "period"
        )
    }
    found: list[Event] = []
    states: list[tuple[Alert, int, int, str]] = []
    for view_name in {a.view for a in alerts}:
        group = [a for a in alerts if a.view == view_name]
        view = scores.result.views[view_name]
        now = periods.parse_period(f"{today:%Y-%m}", scores.fiscal_start)
        upto = [j for j, key in enumerate(view.keys) if _starts(key, scores) <= now.first_month]
        cols = np.array(upto[-WINDOW:], dtype=np.int64)
        keys = [view.keys[j] for j in cols]
        rows = np.array([a.row for a in group], dtype=np.int64)
        status = (
            view.status[np.ix_(rows, cols)] if cols.size else np.zeros((len(rows), 0), np.int64)
        )
        # Only KPIs have an actual: the rows of objectives stay without one.
        actual = np.full(status.shape, np.nan)
        with_actual = rows < view.actual.shape[0]
        if cols.size and with_actual.any():
            actual[with_actual] = view.actual[np.ix_(rows[with_actual], cols)]
        seen = np.full(status.shape, alerting.NONE, dtype=np.int64)
        for cond in {a.condition for a in group}:
            mask = np.array([a.condition == cond for a in group])
            limit = np.array([_limit(a) for a in group], dtype=np.float64)
            obs = alerting.observe(cond, status, actual, limit)
            seen[mask] = obs[mask]
        k = np.array([a.sub.periods for a in group], dtype=np.int64)
        final, counts, moves = alerting.fold(seen, k)
        for i, a in enumerate(group):
            before = kept.get((a.sub.pk, a.item, a.condition))
            observed = [keys[j] for j in range(len(keys)) if seen[i, j] != alerting.NONE]
            last = observed[-1] if observed else (before.period if before else "")
            states.append((a, int(final[i]), int(counts[i]), last))
            for j in np.flatnonzero(moves[i]):
                key = keys[j]
                fresh = key in changed or (before is not None and key > before.period)
                if fresh:
                    found.append(
                        _event(a, cat, key, int(moves[i, j]), status[i], actual[i], keys, int(j))
                    )
    with transaction.atomic():
        _keep_states(states, kept)
        made = _record(found)
    return made


def _starts(key: str, scores: Any) -> str:
    return periods.parse_period(key, scores.fiscal_start).first_month


def _limit(a: Alert) -> float:
    value = a.sub.above if a.condition == "above" else a.sub.below
    return float("nan") if value is None else float(value)


def _keep_states(states: list[tuple[Alert, int, int, str]], kept: dict[Any, Kept]) -> None:
    now = timezone.now()
    new, changed = [], []
    for a, state, count, last in states:
        there = kept.get((a.sub.pk, a.item, a.condition))
        if there is None:
            new.append(
                AlertState(
                    subscription=a.sub,
                    item=a.item,
                    condition=a.condition,
                    state=state,
                    count=count,
                    period=last,
                    changed_at=now,
                )
            )
        elif (there.state, there.runs, there.period) != (state, count, last):
            changed.append(Kept(there.pk, state, count, last))
    AlertState.objects.bulk_create(new, ignore_conflicts=True)
    # One UPDATE per outcome: the followers of one item mostly move to the same state, and a
    # bulk_update of thousands of rows builds a CASE of thousands of branches.
    alike: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for there in changed:
        alike[(there.state, there.runs, there.period)].append(there.pk)
    for (state, count, last), pks in alike.items():
        for start in range(0, len(pks), 500):
            AlertState.objects.filter(pk__in=pks[start : start + 500]).update(
                state=state, count=count, period=last, changed_at=now
            )


def _event(
    a: Alert, cat: Catalogue, key: str, move: int, status: Any, actual: Any, keys: list[str], j: int
) -> Event:
    kind, _, ident = a.item.partition(":")
    pk = int(ident)
    if kind == "kpi":
        code, name, _, unit_id, _ = cat.kpi[pk]
        path = f"/units/{cat.unit[unit_id][0]}/kpis/{code}/?period={key}"
    else:
        code, name, unit_id = cat.objective[pk]
        path = f"/units/{cat.unit[unit_id][0]}/objectives/{code}/?period={key}"
    fired = move == alerting.FIRED
    value = actual[j] if kind == "kpi" and np.isfinite(actual[j]) else None
    shown = f": {grouped(float(value))}" if value is not None else ""
    what = {
        "red": ("turned red", "is no longer red"),
        "worse": ("got worse", "stopped getting worse"),
        "above": (f"rose above {grouped(_limit(a))}", f"is back at or below {grouped(_limit(a))}"),
        "below": (f"fell below {grouped(_limit(a))}", f"is back at or above {grouped(_limit(a))}"),
    }[a.condition][0 if fired else 1]
    run = f" ({a.sub.periods} periods in a row)" if fired and a.sub.periods > 1 else ""
    title = f"{name} ({code}) {what} in {key}{shown}{run}"
    return Event(
        subscription=a.sub,
        recipient=recipient(a.sub),
        key=f"{a.condition}:{a.item}:{key}:{'fired' if fired else 'resolved'}",
        condition=a.condition,
        unit_id=unit_id,
        item=a.item,
        period=key,
        title=title[:300],
        path=path,
        frequency=a.sub.frequency,
    )


def _record(found: list[Event]) -> list[Event]:
    """Store the events not already told to their recipients; return those stored now."""
    if not found:
        return []
    keys = {(e.recipient, e.key) for e in found}
    before = set(
        Event.objects.filter(
            recipient__in={r for r, _ in keys}, key__in={k for _, k in keys}
        ).values_list("recipient", "key")
    )
    fresh: dict[tuple[str, str], Event] = {}
    for e in found:
        if (e.recipient, e.key) not in before:
            fresh.setdefault((e.recipient, e.key), e)
    Event.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
    return list(fresh.values())


record_events = _record


def on_comment(comment_id: int) -> list[Event]:
    """A new comment: an event for each subscription that hears of comments on its KPI,
    objective or unit (never for its own author)."""
    from fourfold.reviews.models import Comment

    comment = (
        Comment.objects.select_related("kpi", "objective", "unit", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.unit_id is None or comment.draft:
        return []  # a draft copied forward is not news: nobody has written it
    subs = _subscriptions(["comment"])
    if not subs:
        return []
    cat = Catalogue.load()
    thing = comment.kpi or comment.objective or comment.unit
    assert thing is not None  # a comment is on a unit at least
    about = f"{thing.name} ({thing.code})"
    found = []
    for sub in subs:
        if sub.user_id == comment.author_id:
            continue
        hears = (
            (comment.kpi_id is not None and comment.kpi_id in cat.kpis(sub))
            or (comment.objective_id is not None and comment.objective_id in cat.objectives(sub))
            or (sub.kind == "unit" and comment.unit_id in cat.units_under(sub))
        )
        if not hears:
            continue
        unit_code = cat.unit[comment.unit_id][0]
        if comment.kpi is not None:
            path, item = f"/units/{unit_code}/kpis/{comment.kpi.code}/", f"kpi:{comment.kpi_id}"
        elif comment.objective is not None:
            path = f"/units/{unit_code}/objectives/{comment.objective.code}/"
            item = f"objective:{comment.objective_id}"
        else:
            path, item = f"/units/{unit_code}/", f"unit:{comment.unit_id}"
        who = (
            comment.author.get_full_name() or comment.author.get_username()
            if comment.author
            else "Someone"
        )
        period = f" for {comment.period}" if comment.period else ""
        found.append(
            Event(
                subscription=sub,
                recipient=recipient(sub),
                key=f"comment:{comment.pk}",
                condition="comment",
                unit_id=comment.unit_id,
                item=item,
                period=comment.period,
                title=f"{who} commented on {about}{period}"[:300],
                detail=comment.text[:1000],
                path=path,
                frequency=sub.frequency,
            )
        )
    with transaction.atomic():
        return _record(found)
