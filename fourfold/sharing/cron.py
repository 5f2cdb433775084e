"""When a cron-like timetable fires next, in a timezone: pure, without Django.

The expression is read on the wall clock of its zone (`0 7 1 * *`: 07:00 on the 1st, local
time). Across a change of the clock: a wall time that does not exist (the hour skipped in
spring) fires when the clock jumps past it, one real hour later in wall time (02:30 becomes
03:30); a wall time that happens twice (the hour repeated in autumn) fires once, the first
time. A book is sent once a day at 02:30 whatever the clock does.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

FIELDS = 5


def zone_problem(zone: str) -> str | None:
    """Why `zone` is no timezone, or None."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{zone}' is no timezone; write one such as Europe/Paris or UTC"
    return None


def problem(expression: str) -> str | None:
    """Why `expression` is no five-field cron timetable, or None."""
    fields = expression.split()
    if len(fields) != FIELDS:
        return (
            f"'{expression}' is no timetable: write five fields, minute hour day month weekday "
            "(such as 0 7 1 * * for 07:00 on the 1st of every month)"
        )
    try:
        croniter(" ".join(fields))
    except (CroniterError, ValueError):
        return (
            f"'{expression}' is no timetable: a field is out of range or not understood "
            "(minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6 or mon-sun)"
        )
    return None


def next_run(expression: str, zone: str, after: dt.datetime) -> dt.datetime:
    """The first moment strictly after `after` (aware) at which the timetable fires in `zone`,
    in UTC."""
    tz = ZoneInfo(zone)
    wall = after.astimezone(tz).replace(tzinfo=None, fold=0)
    times = croniter(" ".join(expression.split()), wall)
    while True:
        candidate: dt.datetime = times.get_next(dt.datetime)
        # fold=0: a repeated wall time is its first occurrence; a skipped one is read with the
        # offset before the change, which puts it just past the jump.
        moment = candidate.replace(tzinfo=tz, fold=0)
        if moment > after:
            return moment.astimezone(dt.UTC)
