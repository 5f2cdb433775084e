"""The period a book is for when none is named."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from fourfold.core import periods
from fourfold.measures.models import KPI
from fourfold.strategy.models import Organization, Unit

KIND = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def latest_complete(unit: Unit, as_of: dt.datetime | None = None) -> str:
    """The last period that has ended, of the frequency most of the unit's KPIs report at
    (monthly when it has none): for a monthly scorecard on 2026-11-24, 2026-10."""
    day = timezone.localdate(as_of) if as_of is not None else timezone.localdate()
    found = Counter(
        KPI.objects.filter(**{KPI.UNIT_ID: unit.pk}, archived=False).values_list(
            "frequency", flat=True
        )
    )
    # The finest frequency wins a tie: its periods end soonest.
    order = ["monthly", "quarterly", "yearly"]
    frequency = max(order, key=lambda f: (found.get(f, 0), -order.index(f)))
    fs = Organization.get().fiscal_year_start
    month = periods.month_ordinal(f"{day:%Y-%m}") - 1  # the month before this one has ended
    while True:
        key = periods.month_key(month)
        if frequency == "quarterly":
            key = periods.quarter_of(key, fs)
        elif frequency == "yearly":
            key = periods.year_of(key, fs)
        if periods.parse_period(key, fs).end < day:
            return key
        month -= 1
