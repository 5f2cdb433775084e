"""The demo scorecard made up around a day: its history ends with the last complete month
before that day, whatever the day, and the same day always gives the same file."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any

import pytest
import yaml

from fourfold.core import periods
from fourfold.demo import generate
from fourfold.demo.install import DEMO_FILE

# A December day, the day after a fiscal year turned, and a day in the middle of one.
DAYS = [dt.date(2026, 12, 2), dt.date(2027, 1, 5), dt.date(2027, 7, 15)]


def kpis(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        kpi
        for unit in doc["units"]
        for perspective in unit["perspectives"]
        for objective in perspective["objectives"]
        for kpi in objective["kpis"]
    ]


def measured(doc: dict[str, Any], frequency: str) -> list[dict[str, Any]]:
    return [k for k in kpis(doc) if k["frequency"] == frequency and "formula" not in k]


def month(today: dt.date, shift: int) -> str:
    return periods.month_key(periods.month_ordinal(f"{today:%Y-%m}") + shift)


def test_the_example_file_is_what_the_generator_writes_for_its_day() -> None:
    same = DEMO_FILE.read_text(encoding="utf-8") == generate.scorecard(generate.EXAMPLE_DAY)
    assert same, f"{DEMO_FILE.name} is out of date: run python -m fourfold.demo.generate"


def test_the_same_day_gives_the_same_file_in_any_process() -> None:
    day = DAYS[0]
    env = dict(os.environ, PYTHONHASHSEED="12345")
    command = [sys.executable, "-m", "fourfold.demo.generate", "--today", f"{day}", "-o", "-"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert done.stdout == generate.scorecard(day)


def test_another_month_gives_another_history() -> None:
    assert generate.scorecard(DAYS[0]) != generate.scorecard(DAYS[1])


@pytest.mark.parametrize(
    ("today", "last_month", "last_quarter", "last_year"),
    [
        (DAYS[0], "2026-11", "2026-Q3", "2025"),
        (DAYS[1], "2026-12", "2026-Q4", "2026"),
        (DAYS[2], "2027-06", "2027-Q2", "2026"),
    ],
    ids=str,
)
def test_the_history_is_the_three_years_that_end_with_the_last_complete_period(
    today: dt.date, last_month: str, last_quarter: str, last_year: str
) -> None:
    doc = generate.build(today)
    for frequency, last, count in [
        ("monthly", last_month, 36),
        ("quarterly", last_quarter, 12),
        ("yearly", last_year, 3),
    ]:
        found = measured(doc, frequency)
        ended = [sorted(k for k in kpi["values"] if k <= last) for kpi in found]
        assert sum(keys[-1] == last for keys in ended) >= len(found) - 2, frequency
        assert max(len(keys) for keys in ended) == count, frequency
    assert {min(k["values"]) for k in measured(doc, "monthly")} == {month(today, -36)}


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_current_month_is_partly_entered_and_older_values_are_missing(
    today: dt.date,
) -> None:
    doc = generate.build(today)
    monthly = measured(doc, "monthly")
    current = [k["code"] for k in monthly if month(today, 0) in k["values"]]
    assert 0 < len(current) < len(monthly) / 4
    not_in = [k["code"] for k in monthly if month(today, -1) not in k["values"]]
    overdue = [k["code"] for k in monthly if month(today, -2) not in k["values"]]
    assert not_in and overdue  # a few values not in yet, and a few never reported


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_every_scored_kpi_has_a_target_for_each_period_of_the_current_fiscal_year(
    today: dt.date,
) -> None:
    doc = generate.build(today)
    year = periods.parse_period(periods.year_of(month(today, 0)))
    wanted = {
        "monthly": set(year.months),
        "quarterly": {periods.quarter_of(m) for m in year.months},
        "yearly": {year.key},
    }
    scored = [k for k in kpis(doc) if k["scheme"] not in ("yes_no", "unscored")]
    assert scored
    phased = 0
    for kpi in scored:
        given = set(kpi["targets"])
        if "phase" in kpi["targets"].get(year.key, {}):
            given |= wanted[kpi["frequency"]]  # the loader writes the parts the phase implies
            phased += 1
        assert wanted[kpi["frequency"]] <= given, kpi["code"]
    assert phased >= 3  # a few yearly targets are phased


def test_the_demo_shows_every_kind_of_kpi_and_uses_every_scheme() -> None:
    doc = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    found = kpis(doc)
    for key, kinds in {
        "direction": {"increase", "decrease", "range"},
        "frequency": {"monthly", "quarterly", "yearly"},
        "aggregation": {"sum", "average", "last", "min", "max"},
        "type": {"lead", "lag"},
    }.items():
        assert {k[key] for k in found} >= kinds, key
    objectives = [o for u in doc["units"] for p in u["perspectives"] for o in p["objectives"]]
    used = {node.get("scheme") for node in [*objectives, *found]}
    assert used >= {"default", "yes_no", "unscored", *doc["schemes"]}
    assert any("formula" in k for k in found)
    assert sum(isinstance(v, dict) for k in found for v in k.get("values", {}).values()) >= 10


def test_on_the_first_of_a_month_nothing_of_that_month_is_in_yet() -> None:
    today = dt.date(2027, 3, 1)
    doc = generate.build(today)
    assert all(month(today, 0) not in k["values"] for k in measured(doc, "monthly"))
    assert sum(month(today, -1) in k["values"] for k in measured(doc, "monthly")) >= 25
