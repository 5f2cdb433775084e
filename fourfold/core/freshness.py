"""Which values are due and which are overdue: the one rule, for one KPI at a time.

A KPI is expected from its first month with a value or a target on: a period whose last month
is before that is not expected. A value is due once its period has ended and overdue when it
is still missing `grace_days` after that (`periods.is_overdue`). The engine applies the same
rule to whole arrays (`grid.overdue_native`); the reminders and My KPIs list the periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterator
from functools import lru_cache

from . import periods


@lru_cache(maxsize=4096)
def _period(key: str, fiscal_start: int) -> periods.Period:
    return periods.parse_period(key, fiscal_start)


def missing(
    kind: str,
    first_month: int,
    reported: Container[str],
    grace_days: int,
    today: dt.date,
    fiscal_start: int,
    since_month: int,
) -> Iterator[tuple[periods.Period, bool]]:
    """The periods of this kind that have ended by `today` without a value, from the KPI's
    first month (or `since_month` when later) on, each with whether it is overdue."""
    start = max(first_month, since_month)
    last = periods.month_ordinal(f"{today:%Y-%m}")
    if start > last:
        return
    keys = periods.periods_in_range(
        periods.month_key(start), periods.month_key(last), kind, fiscal_start
    )
    for key in keys:
        period = _period(key, fiscal_start)
        if period.end >= today or key in reported:
            continue  # not ended yet, or reported
        if periods.month_ordinal(period.last_month) < first_month:
            continue  # before the KPI's first value or target: not expected
        yield period, periods.is_overdue(period, grace_days, today)
