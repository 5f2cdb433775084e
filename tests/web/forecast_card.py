"""A scorecard whose KPIs have years of history up to last month, for the forecast pages:
written relative to today, since the pages forecast the fiscal year that holds today."""

from __future__ import annotations

import math
from collections.abc import Mapping

from django.utils import timezone

from fourfold.core import periods
from fourfold.files.load import load

from .cards import HEADER


def month_now() -> int:
    today = timezone.localdate()
    return today.year * 12 + today.month - 1


def year_now() -> str:
    return periods.year_of(periods.month_key(month_now()))


def months(count: int, before: int = 1) -> list[str]:
    """`count` month keys ending `before` months before this one."""
    last = month_now() - before
    return [periods.month_key(last - count + 1 + i) for i in range(count)]


def value(i: int) -> float:
    """A series with a trend and a season, the same every run."""
    return round(1000 + 8 * i + 120 * math.sin(2 * math.pi * i / 12) + 9 * ((i * 7) % 5), 2)


def _mapping(items: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in items.items()) + "}"


def text(target: float = 1100.0, more: int = 0) -> str:
    """The card; `more` KPIs like Sales besides, to show what a page costs per KPI."""
    this_year = periods.parse_period(year_now())
    history = {m: value(i) for i, m in enumerate(months(36))}
    targets = dict.fromkeys(this_year.months, f"{{target: {target}, red_flag: {target * 0.9}}}")
    # Five values that end with last year: all the history a forecast of this year has.
    start = periods.month_ordinal(this_year.first_month)
    fresh = dict.fromkeys(months(5, before=month_now() - start + 1), 5.0)
    return (
        HEADER
        + f"""\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
              - code: sales
                name: Sales
                unit: EUR
                direction: increase
                frequency: monthly
                aggregation: sum
                values: {_mapping(history)}
                targets: {_mapping(targets)}
              - code: fresh
                name: Fresh KPI
                unit: EUR
                direction: increase
                frequency: monthly
                aggregation: sum
                values: {_mapping(fresh)}
                targets: {_mapping({year_now(): "{target: 100}"})}
"""
        + "".join(
            f"""\
              - code: sales-{n}
                name: Sales {n}
                direction: increase
                frequency: monthly
                aggregation: sum
                values: {_mapping(history)}
                targets: {_mapping(targets)}
"""
            for n in range(more)
        )
    )


def load_card() -> None:
    load(text(), actor=None, source_name="forecast.yaml")


def label(key: str) -> str:
    from fourfold.web.periods import label as named

    return named(periods.parse_period(key))
