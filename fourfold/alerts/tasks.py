"""The alerts' work for the worker: judging after values or targets changed and after a
comment, and the tick of its schedule (retries, the day's conditions, digests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fourfold.env import env_int

from .apps import COMMENT_TASK, EVALUATE_TASK


def evaluate(kpi_ids: list[int] | None, changed: list[str], today: str | None = None) -> str:
    """Judge the changed KPIs' alerts, then send what is to be told at once."""
    from . import deliver
    from . import evaluate as judge

    day = dt.date.fromisoformat(today) if today else None
    found = judge.judge_periods(kpi_ids, changed, today=day)
    sent = deliver.send_instant()
    return f"{len(found)} events, {len(sent)} messages"


def comment(comment_id: int) -> str:
    from . import deliver
    from . import evaluate as judge

    found = judge.on_comment(comment_id)
    sent = deliver.send_instant()
    return f"{len(found)} events, {len(sent)} messages"


def digest_hour() -> int:
    return env_int("FOURFOLD_ALERTS_DIGEST_HOUR", 7, least=0)


def tick(now: str | None = None) -> str:
    """Every few minutes: try again what failed; once a day, from the digest hour on, judge
    the day's conditions and send the daily digests (the weekly ones on Mondays)."""
    from . import daily, deliver
    from .models import DailyRun

    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    local = timezone.localtime(moment)
    retried = deliver.retry_due(moment)
    done = [f"{len(retried)} retried"]
    if local.hour >= digest_hour() and not DailyRun.objects.filter(day=local.date()).exists():
        found = daily.judge_day(local.date())
        deliver.send_instant(moment)
        sent = deliver.send_digests(local.date(), weekly=local.weekday() == 0, now=moment)
        DailyRun.objects.get_or_create(day=local.date())
        done.append(f"{len(found)} day events, {len(sent)} digests")
    return "; ".join(done)


MAX_IDS_IN_TASK = 1000


def on_changed(sender: Any, changed: Any, **kwargs: Any) -> None:
    """Queue a judgement of what the write changed for the worker (never in the request)."""
    from django_q.tasks import async_task

    ids = sorted(changed.kpi_ids)
    if not ids:
        return
    many = len(ids) > MAX_IDS_IN_TASK
    async_task(EVALUATE_TASK, None if many else ids, sorted(changed.periods)[:MAX_IDS_IN_TASK])


def remember_draft(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Note whether a comment was a draft when read, for `on_comment` to tell when it stops."""
    instance._was_draft = instance.draft


def on_comment(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Queue the alerts of a comment that is news: a new one, or a draft copied forward that
    someone has now written. A draft itself is not news: nobody wrote it."""
    was_draft = getattr(instance, "_was_draft", False)
    instance._was_draft = instance.draft
    if instance.draft or not (created or was_draft):
        return
    from django.db import transaction
    from django_q.tasks import async_task

    pk = instance.pk
    transaction.on_commit(lambda: async_task(COMMENT_TASK, pk))
