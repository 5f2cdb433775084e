"""The worker's daily tasks: each exists once in django-q2's schedule, at a first time of day
that an administrator may change afterwards (in the admin's Schedules)."""

from __future__ import annotations

import datetime as dt


def ensure_daily(func: str, name: str, hour: int) -> None:
    """Schedule `func` (a dotted path) every day from the next `hour`:00, unless it is already."""
    from django.utils import timezone
    from django_q.models import Schedule

    if Schedule.objects.filter(func=func).exists():
        return
    now = timezone.localtime()
    first = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    Schedule.objects.create(
        name=name, func=func, schedule_type=Schedule.DAILY, repeats=-1, next_run=first
    )
