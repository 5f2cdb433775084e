"""The demo's alerts: its account follows the top unit with a daily digest, judged once, so
that My alerts shows what fires and what waits for tomorrow's digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fourfold.accounts.access import Access
from fourfold.strategy.models import Unit

from . import daily, evaluate, services

CONDITIONS = ["red", "worse", "unlikely", "overdue", "action_late", "initiative_behind", "comment"]


def follow_top(user: Any, today: dt.date) -> None:
    top = Unit.objects.filter(parent__isnull=True).order_by("order", "pk").first()
    if top is None:
        return
    access = Access.of(user)
    services.follow(
        user,
        access,
        services.subject(access, "unit", top.code),
        conditions=CONDITIONS,
        frequency="daily",
    )
    evaluate.judge_periods(None, (), today=today)
    daily.judge_day(today)
