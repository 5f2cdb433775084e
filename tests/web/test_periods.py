"""Periods as the pages name and choose them."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.core.periods import PeriodError, parse_period
from fourfold.web import periods


@pytest.mark.parametrize(
    ("key", "fiscal_start", "label"),
    [
        ("2026-03", 1, "March 2026"),
        ("2026-Q1", 1, "Q1 2026"),
        ("2026", 1, "2026"),
        ("2026-03-YTD", 1, "Jan–Mar 2026 (YTD)"),
        ("2026-01-YTD", 1, "Jan 2026 (YTD)"),
        ("FY2026-Q1", 10, "Q1 FY2026"),
        ("FY2026", 10, "FY2026"),
        ("2026-03-YTD", 10, "Oct 2025–Mar 2026 (YTD)"),
    ],
)
def test_it_names_periods_as_people_do(key: str, fiscal_start: int, label: str) -> None:
    assert periods.label(parse_period(key, fiscal_start)) == label


def test_it_takes_the_month_before_today_as_the_last_ended_month() -> None:
    assert periods.last_ended_month(dt.date(2026, 1, 31)) == "2025-12"
    assert periods.last_ended_month(dt.date(2026, 3, 1)) == "2026-02"


def test_it_reads_the_period_asked_for_in_the_kind_asked_for() -> None:
    today = dt.date(2026, 4, 20)
    assert periods.requested("", "", 1, today).key == "2026-03"
    assert periods.requested("", "quarter", 1, today).key == "2026-Q1"
    assert periods.requested("2026-02", "year", 1, today).key == "2026"
    assert periods.requested("2026-Q2", "ytd", 1, today).key == "2026-06-YTD"
    assert periods.requested("2025-11", "quarter", 10, today).key == "FY2026-Q1"
    assert periods.requested(" 2026-3 ", "", 1, today).key == "2026-03"


def test_it_refuses_a_kind_it_does_not_know() -> None:
    with pytest.raises(PeriodError, match="'week' is not a kind of period"):
        periods.requested("2026-03", "week", 1, dt.date(2026, 4, 1))


def test_it_offers_the_newest_periods_first_and_always_the_current_one() -> None:
    current = parse_period("2019-05")
    keys = [c.key for c in periods.choices(["2026-01", "2026-02"], current)]
    assert keys == ["2026-02", "2026-01", "2019-05"]
