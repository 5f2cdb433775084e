"""When a timetable fires next, in its timezone, across the changes of the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.sharing.cron import next_run, problem, zone_problem

UTC = dt.UTC
PARIS = "Europe/Paris"


def test_it_reads_the_timetable_on_the_wall_clock_of_its_zone() -> None:
    # 07:00 on the 1st in New York is 12:00 UTC in winter, 11:00 in summer.
    assert next_run("0 7 1 * *", "America/New_York", dt.datetime(2026, 11, 24, tzinfo=UTC)) == (
        dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    )
    assert next_run("0 7 1 * *", "America/New_York", dt.datetime(2026, 6, 24, tzinfo=UTC)) == (
        dt.datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    )


def test_a_wall_time_the_spring_change_skips_fires_as_the_clock_jumps() -> None:
    # On 2026-03-29 Paris goes from 02:00 to 03:00: 02:30 does not exist; it fires at 03:30
    # CEST (01:30 UTC), once, and the next day at 02:30 CEST again.
    first = next_run("30 2 * * *", PARIS, dt.datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert first == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert next_run("30 2 * * *", PARIS, first) == dt.datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_a_wall_time_the_autumn_change_repeats_fires_once() -> None:
    # On 2026-10-25 Paris goes from 03:00 back to 02:00: 02:30 happens twice; it fires at
    # the first (00:30 UTC), not at the second (01:30 UTC), then on the 26th at 02:30 CET.
    first = next_run("30 2 * * *", PARIS, dt.datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert first == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_run("30 2 * * *", PARIS, first) == dt.datetime(2026, 10, 26, 1, 30, tzinfo=UTC)
    # Asked during the repeated hour, after the first 02:30: not again that night.
    during = dt.datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    assert next_run("30 2 * * *", PARIS, during) == dt.datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_the_next_run_is_strictly_after_the_moment_asked() -> None:
    at = dt.datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    assert next_run("0 7 * * *", PARIS, at) == dt.datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("* * *", "write five fields"),
        ("0 7 1 * * 5", "write five fields"),
        ("61 * * * *", "out of range"),
        ("0 7 32 * *", "out of range"),
        ("every monday", "write five fields"),
    ],
)
def test_it_refuses_a_timetable_that_is_none_in_one_sentence(expression: str, words: str) -> None:
    said = problem(expression)
    assert said is not None and words in said and said.startswith(f"'{expression}'")


def test_it_takes_names_of_weekdays_and_refuses_a_zone_that_is_none() -> None:
    assert problem("0 7 * * mon-fri") is None
    assert zone_problem("Europe/Paris") is None
    assert zone_problem("Mars/Olympus") == (
        "'Mars/Olympus' is no timezone; write one such as Europe/Paris or UTC"
    )
    assert zone_problem("../../etc/passwd") is not None
