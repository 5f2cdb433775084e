"""Choosing and naming periods on the pages: defaults, kinds and readable labels."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from fourfold.core import periods

KIND_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year", "ytd": "Year to date"}


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


def last_ended_month(today: dt.date) -> str:
    """The month before today's: the latest month whose values can be complete."""
    return periods.month_key(periods.month_of(today) - 1)


def in_kind(period: periods.Period, kind: str) -> str:
    """The key of the period of `kind` that holds the last month of `period`."""
    month, fs = period.last_month, period.fiscal_start
    if kind == "month":
        return month
    if kind == "quarter":
        return periods.quarter_of(month, fs)
    if kind == "year":
        return periods.year_of(month, fs)
    if kind == "ytd":
        return periods.ytd_of(month, fs)
    raise periods.PeriodError(
        f"'{kind}' is not a kind of period: choose a month, quarter, year or year to date"
    )


def requested(key: str, kind: str, fiscal_start: int, today: dt.date) -> periods.Period:
    """The period a page was asked for: a key, converted to a kind when one is given.

    No key means the last ended month; a kind with a key of another kind means the period
    of that kind which holds the key's last month (so March 2026 as a quarter is Q1 2026).
    """
    period = periods.parse_period(key.strip() or last_ended_month(today), fiscal_start)
    if kind and kind != period.kind:
        period = periods.parse_period(in_kind(period, kind), fiscal_start)
    return period


def _month(key: str, with_year: bool = True) -> str:
    year, month = key.split("-")[:2]
    name = calendar.month_abbr[int(month)]
    return f"{name} {year}" if with_year else name


def label(period: periods.Period) -> str:
    """How a person would name the period: 'March 2026', 'Q1 2026', 'Jan–Mar 2026 (YTD)'."""
    if period.kind == "month":
        year, month = period.key.split("-")
        return f"{calendar.month_name[int(month)]} {year}"
    if period.kind == "quarter":
        year, quarter = period.key.split("-")
        return f"{quarter} {year}"
    if period.kind == "year":
        return period.key
    first, last = period.first_month, period.last_month
    if first == last:
        return f"{_month(last)} (YTD)"
    if first[:4] == last[:4]:
        return f"{_month(first, with_year=False)}–{_month(last)} (YTD)"
    return f"{_month(first)}–{_month(last)} (YTD)"


# Periods a picker offers around the current one: a long history (a century of months) must
# not make every page that picks a period longer; the steps and the URL reach the others.
NEAR = 36


def choices(keys: list[str], current: periods.Period) -> list[Choice]:
    """The periods to pick from, newest first: those within NEAR of the current one, which is
    always among them."""
    if current.key not in keys:
        keys = sorted([*keys, current.key])
    at = keys.index(current.key)
    near = keys[max(0, at - NEAR) : at + NEAR + 1]
    return [Choice(k, label(periods.parse_period(k, current.fiscal_start))) for k in reversed(near)]
