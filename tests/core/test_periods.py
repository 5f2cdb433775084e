import re
from datetime import date

import numpy as np
import pytest

from fourfold.core import grid
from fourfold.core.periods import (
    AGGREGATIONS,
    KINDS,
    Period,
    PeriodError,
    aggregate,
    aggregate_columns,
    aggregate_periods,
    aggregate_runs,
    is_overdue,
    month_key,
    month_ordinal,
    outside_limits,
    overdue_date,
    parse_period,
    periods_in_range,
    quarter_of,
    settle,
    year_limits,
    year_of,
    years_pattern,
    ytd_of,
)

NAN = np.nan


def refused(key: str, fiscal_start: int = 1) -> str:
    with pytest.raises(PeriodError) as caught:
        parse_period(key, fiscal_start)
    return str(caught.value)


# Calendar periods


def test_it_reads_a_month():
    period = parse_period("2026-03")
    assert period == Period(
        kind="month",
        key="2026-03",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        months=("2026-03",),
        fiscal_start=1,
    )


def test_it_ends_february_on_its_last_day_in_leap_and_common_years():
    assert parse_period("2024-02").end == date(2024, 2, 29)
    assert parse_period("2026-02").end == date(2026, 2, 28)


def test_it_reads_a_calendar_quarter():
    period = parse_period("2026-Q1")
    assert (period.kind, period.key) == ("quarter", "2026-Q1")
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period.months == ("2026-01", "2026-02", "2026-03")


def test_it_reads_the_fourth_calendar_quarter():
    period = parse_period("2026-Q4")
    assert (period.start, period.end) == (date(2026, 10, 1), date(2026, 12, 31))


def test_it_reads_a_calendar_year():
    period = parse_period("2026")
    assert (period.kind, period.key) == ("year", "2026")
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert len(period.months) == 12
    assert (period.first_month, period.last_month) == ("2026-01", "2026-12")


def test_it_writes_keys_in_their_canonical_form():
    assert parse_period(" 2026-q2 ").key == "2026-Q2"
    assert parse_period("2026-3").key == "2026-03"
    assert parse_period("fy2026-q1-ytd", 10).key == "FY2026-Q1-YTD"
    assert parse_period("2026-03-ytd").key == "2026-03-YTD"


def test_its_keys_sort_as_text_in_time_order():
    keys = ["2026-10", "2025-12", "2026-03-YTD", "2026-03", "2026-04", "2026-01"]
    starts = {k: parse_period(k).start for k in keys}
    months = sorted(k for k in keys if not k.endswith("YTD"))
    assert months == sorted(months, key=starts.__getitem__)
    assert sorted(keys).index("2026-03-YTD") == sorted(keys).index("2026-03") + 1


# Fiscal periods


def test_it_names_a_fiscal_year_by_the_year_in_which_it_ends():
    period = parse_period("FY2010", 10)
    assert (period.kind, period.key) == ("year", "FY2010")
    assert (period.start, period.end) == (date(2009, 10, 1), date(2010, 9, 30))
    assert (period.first_month, period.last_month) == ("2009-10", "2010-09")


def test_it_starts_the_first_fiscal_quarter_in_the_fiscal_start_month():
    period = parse_period("FY2010-Q1", 10)
    assert (period.start, period.end) == (date(2009, 10, 1), date(2009, 12, 31))
    assert period.months == ("2009-10", "2009-11", "2009-12")


def test_it_ends_the_last_fiscal_quarter_the_month_before_the_fiscal_start():
    period = parse_period("FY2010-Q4", 10)
    assert (period.start, period.end) == (date(2010, 7, 1), date(2010, 9, 30))


def test_it_reads_fiscal_periods_starting_in_april():
    assert parse_period("FY2026", 4).months[0] == "2025-04"
    assert parse_period("FY2026", 4).months[-1] == "2026-03"
    assert parse_period("FY2026-Q2", 4).months == ("2025-07", "2025-08", "2025-09")


def test_it_keeps_months_as_calendar_months_in_a_fiscal_year():
    period = parse_period("2026-03", 10)
    assert (period.key, period.start, period.fiscal_start) == ("2026-03", date(2026, 3, 1), 10)


def test_it_refuses_fy_forms_when_the_fiscal_year_is_the_calendar_year():
    assert refused("FY2026") == (
        "'FY2026' is not a period: the fiscal year starts in January, "
        "so write the year without FY, like '2026'"
    )
    assert "write the quarter without FY, like '2026-Q1'" in refused("FY2026-Q1")


def test_it_refuses_calendar_years_and_quarters_when_the_fiscal_year_starts_later():
    assert refused("2026", 10) == (
        "'2026' is not a period: the fiscal year starts in October, so years are fiscal "
        "and written like 'FY2026' (a fiscal year is named by the year in which it ends)"
    )
    assert "starts in April, so quarters are fiscal and written like 'FY2026-Q1'" in refused(
        "2026-Q1", 4
    )


def test_it_refuses_a_fiscal_month():
    assert "months are calendar months, written like '2026-03'" in refused("FY2026-03", 10)


@pytest.mark.parametrize(
    ("month", "fiscal_start", "quarter", "year"),
    [
        ("2026-01", 1, "2026-Q1", "2026"),
        ("2026-04", 1, "2026-Q2", "2026"),
        ("2026-12", 1, "2026-Q4", "2026"),
        ("2009-10", 10, "FY2010-Q1", "FY2010"),
        ("2009-12", 10, "FY2010-Q1", "FY2010"),
        ("2010-01", 10, "FY2010-Q2", "FY2010"),
        ("2010-09", 10, "FY2010-Q4", "FY2010"),
        ("2010-10", 10, "FY2011-Q1", "FY2011"),
        ("2025-04", 4, "FY2026-Q1", "FY2026"),
        ("2026-03", 4, "FY2026-Q4", "FY2026"),
        ("2026-02", 2, "FY2027-Q1", "FY2027"),
        ("2026-01", 2, "FY2026-Q4", "FY2026"),
        ("2026-12", 12, "FY2027-Q1", "FY2027"),
        ("2026-11", 12, "FY2026-Q4", "FY2026"),
    ],
)
def test_it_finds_the_quarter_and_year_of_a_month(month, fiscal_start, quarter, year):
    assert quarter_of(month, fiscal_start) == quarter
    assert year_of(month, fiscal_start) == year
    assert month in parse_period(quarter, fiscal_start).months
    assert month in parse_period(year, fiscal_start).months


@pytest.mark.parametrize("fiscal_start", range(1, 13))
def test_it_covers_every_month_exactly_once_with_the_quarters_of_a_fiscal_year(fiscal_start):
    prefix = "" if fiscal_start == 1 else "FY"
    year = parse_period(f"{prefix}2026", fiscal_start)
    quarters = [parse_period(f"{prefix}2026-Q{q}", fiscal_start) for q in range(1, 5)]
    assert sum((q.months for q in quarters), ()) == year.months
    assert year.end.year == 2026


# Year to date


def test_it_starts_a_year_to_date_at_the_start_of_the_calendar_year():
    period = parse_period("2026-03-YTD")
    assert (period.kind, period.key) == ("ytd", "2026-03-YTD")
    assert period.months == ("2026-01", "2026-02", "2026-03")
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 3, 31))


def test_it_starts_a_year_to_date_at_the_start_of_the_fiscal_year():
    assert parse_period("2026-03-YTD", 10).months[0] == "2025-10"
    assert len(parse_period("2026-03-YTD", 10).months) == 6
    assert parse_period("2026-10-YTD", 10).months == ("2026-10",)
    assert parse_period("2026-03-YTD", 4).months == tuple(f"2025-{m:02d}" for m in range(4, 13)) + (
        "2026-01",
        "2026-02",
        "2026-03",
    )


def test_it_reads_a_quarter_year_to_date():
    period = parse_period("FY2026-Q2-YTD", 10)
    assert period.months == ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
    assert parse_period("2026-Q1-YTD").months == parse_period("2026-Q1").months
    assert parse_period("2026-Q4-YTD").months == parse_period("2026").months


def test_it_names_the_year_to_date_of_a_month():
    assert ytd_of("2026-03") == "2026-03-YTD"
    assert ytd_of("2026-03", 10) == "2026-03-YTD"


def test_it_refuses_a_year_to_date_of_a_whole_year():
    assert "a year to date ends with a month or a quarter" in refused("2026-YTD")
    assert "'FY2026-Q2-YTD'" in refused("FY2026-YTD", 10)


# Refusals


def test_it_refuses_a_thirteenth_month():
    assert refused("2026-13") == "'2026-13' is not a period: months run from 01 to 12"


def test_it_refuses_month_zero():
    assert refused("2026-00") == "'2026-00' is not a period: months run from 01 to 12"


def test_it_refuses_a_fifth_quarter():
    assert refused("2026-Q5") == "'2026-Q5' is not a period: quarters run from Q1 to Q4"
    assert "quarters run from Q1 to Q4" in refused("FY2026-Q0", 10)


def test_it_tells_how_to_write_a_key_it_cannot_read():
    assert refused("March 2026") == (
        "'March 2026' is not a period: write a month as '2026-03', a quarter as '2026-Q1', "
        "a year as '2026', or a year to date as '2026-03-YTD'"
    )
    assert "a quarter as 'FY2026-Q1', a year as 'FY2026'" in refused("26-03", 10)
    assert "is not a period" in refused("")


def test_it_refuses_years_outside_four_digits():
    assert refused("0999-01") == "'0999-01' is not a period: years run from 1000 to 9999"
    assert refused("FY1000", 10) == "'FY1000' is not a period: years run from FY1001 to FY9999"
    assert "is not a period" in refused("12026-01")


def test_it_refuses_a_key_that_is_not_text():
    with pytest.raises(PeriodError, match="is not a period"):
        parse_period(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize("fiscal_start", [0, 13, -1, True, 1.5])
def test_it_refuses_a_fiscal_start_that_is_not_a_month(fiscal_start):
    with pytest.raises(PeriodError, match="the fiscal year start must be a month from 1 to 12"):
        parse_period("2026-03", fiscal_start)


# Month numbers


def test_it_numbers_months_as_twelve_per_year():
    assert month_ordinal("2026-03") == 2026 * 12 + 2
    assert month_ordinal("2026-01") - month_ordinal("2025-12") == 1
    assert month_key(2026 * 12 + 2) == "2026-03"
    assert month_key(month_ordinal("2025-12") + 1) == "2026-01"


def test_it_refuses_to_number_something_that_is_not_a_month():
    with pytest.raises(PeriodError, match="'2026-Q1' is not a month"):
        month_ordinal("2026-Q1")
    with pytest.raises(PeriodError, match="months run from 01 to 12"):
        month_ordinal("2026-13")
    with pytest.raises(PeriodError, match="falls outside the years 1000 to 9999"):
        month_key(10000 * 12)


# Ranges


def test_it_lists_the_months_of_a_range():
    assert periods_in_range("2025-11", "2026-02", "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_it_lists_every_quarter_touching_a_range():
    assert periods_in_range("2026-03", "2026-04", "quarter") == ["2026-Q1", "2026-Q2"]
    assert periods_in_range("2025-11", "2026-02", "quarter", 10) == ["FY2026-Q1", "FY2026-Q2"]


def test_it_lists_every_year_touching_a_range():
    assert periods_in_range("2025-12", "2026-01", "year") == ["2025", "2026"]
    assert periods_in_range("2025-09", "2025-10", "year", 10) == ["FY2025", "FY2026"]
    assert periods_in_range("2025-05", "2026-02", "year", 4) == ["FY2026"]


def test_it_lists_the_year_to_date_ending_with_each_month_of_a_range():
    assert periods_in_range("2026-02", "2026-03", "ytd") == ["2026-02-YTD", "2026-03-YTD"]


def test_it_lists_a_range_of_one_month():
    assert periods_in_range("2026-03", "2026-03", "quarter") == ["2026-Q1"]


def test_it_lists_ranges_in_order_of_start():
    for kind in KINDS:
        keys = periods_in_range("2024-05", "2026-08", kind, 7)
        starts = [(parse_period(k, 7).start, parse_period(k, 7).end) for k in keys]
        assert starts == sorted(starts)


def test_it_refuses_a_range_that_ends_before_it_starts():
    with pytest.raises(PeriodError, match="its first month comes after its last"):
        periods_in_range("2026-05", "2026-03", "month")


def test_it_refuses_an_unknown_kind_of_period():
    with pytest.raises(PeriodError, match="'week' is not a kind of period"):
        periods_in_range("2026-01", "2026-03", "week")


# Due and overdue


def test_it_makes_a_value_overdue_a_grace_period_after_the_period_ends():
    assert overdue_date(parse_period("2026-03"), 15) == date(2026, 4, 15)
    assert overdue_date(parse_period("FY2010", 10), 0) == date(2010, 9, 30)
    assert overdue_date(parse_period("2026-Q4"), 31) == date(2027, 1, 31)


def test_it_counts_a_value_overdue_from_the_day_after_its_overdue_date():
    march = parse_period("2026-03")
    assert not is_overdue(march, 15, date(2026, 4, 15))
    assert is_overdue(march, 15, date(2026, 4, 16))


def test_it_refuses_a_negative_grace_period():
    with pytest.raises(PeriodError, match="a grace period cannot be negative"):
        overdue_date(parse_period("2026-03"), -1)


# Scalar aggregation


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", 9.0), ("average", 3.0), ("last", 2.0), ("min", 2.0), ("max", 4.0)],
)
def test_it_aggregates_leaving_out_missing_values(how, expected):
    assert aggregate([3.0, None, 4.0, 2.0, None], how) == expected


@pytest.mark.parametrize("how", AGGREGATIONS)
def test_it_aggregates_nothing_to_none_never_zero(how):
    assert aggregate([], how) is None
    assert aggregate([None, None, NAN], how) is None


def test_it_takes_the_last_reported_value_not_the_last_month():
    assert aggregate([1.0, 5.0, None], "last") == 5.0


def test_it_keeps_a_zero_as_a_value():
    assert aggregate([0.0, None], "average") == 0.0
    assert aggregate([None, 0.0], "last") == 0.0


def test_it_sums_without_losing_cents():
    assert aggregate([0.1, 0.2, 0.3], "sum") == 0.6


def test_it_sums_months_as_a_person_adds_them_in_decimal():
    # In binary, 0.1 + 0.1 + 0.7 is 0.8999999999999999: a quarter that misses its target of 0.9.
    months = np.array([[0.1, 0.1, 0.7], [0.1, 0.2, NAN]])
    assert aggregate([0.1, 0.1, 0.7], "sum") == 0.9
    assert aggregate([0.1, 0.1, 0.7], "average") == 0.3
    assert aggregate_runs(months, 3, "sum").tolist() == [[0.9], [0.3]]
    assert aggregate_runs(months[:1], 3, "sum").tolist() == [[0.9]]
    assert aggregate_runs(months, 3, "average").tolist() == [[0.3], [0.15]]
    assert aggregate_columns(months, np.array([0, 0, 0]), 1, "sum").tolist() == [[0.9], [0.3]]
    year = np.full((1, 12), NAN)
    year[0, :4] = [0.1, 0.1, 0.7, 0.1]
    assert grid.cumulative(year, "sum")[0, :4].tolist() == [0.1, 0.2, 0.9, 1.0]


def test_it_settles_sums_to_fifteen_significant_digits_and_leaves_the_rest():
    got = settle([0.8999999999999999, -0.30000000000000004, 25.4, 1 / 3, 0.0])
    assert got.tolist() == [0.9, -0.3, 25.4, 0.333333333333333, 0.0]
    untouched = [NAN, np.inf, -np.inf, 5e-324, 1e300, 1e15 + 0.5]
    assert settle(untouched).tolist() == pytest.approx(untouched, nan_ok=True, rel=0)


def test_it_refuses_an_unknown_aggregation():
    with pytest.raises(PeriodError, match="'median' is not an aggregation"):
        aggregate([1.0], "median")


# Vectorized aggregation


MATRIX = np.array(
    [
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        [NAN, 2.0, NAN, NAN, NAN, NAN],
        [1.0, NAN, NAN, 4.0, NAN, 6.0],
        [-1.0, -5.0, 0.0, 0.0, 0.0, 0.0],
    ]
)
QUARTERS = np.array([0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("how", AGGREGATIONS)
def test_it_aggregates_columns_as_the_scalar_aggregation_does(how):
    got = aggregate_columns(MATRIX, QUARTERS, 2, how)
    for row in range(MATRIX.shape[0]):
        for group in range(2):
            cells = MATRIX[row, np.equal(QUARTERS, group)].tolist()
            expected = aggregate([None if np.isnan(c) else c for c in cells], how)
            if expected is None:
                assert np.isnan(got[row, group])
            else:
                assert got[row, group] == pytest.approx(expected)


def test_it_aggregates_the_worked_columns():
    assert aggregate_columns(MATRIX, QUARTERS, 2, "sum")[0].tolist() == [6.0, 15.0]
    assert aggregate_columns(MATRIX, QUARTERS, 2, "last")[2].tolist() == [1.0, 6.0]
    assert np.isnan(aggregate_columns(MATRIX, QUARTERS, 2, "average")[1, 1])
    assert aggregate_columns(MATRIX, QUARTERS, 2, "min")[3].tolist() == [-5.0, 0.0]
    assert aggregate_columns(MATRIX, QUARTERS, 2, "max")[3].tolist() == [0.0, 0.0]


def test_it_leaves_an_empty_group_missing():
    got = aggregate_columns(MATRIX, np.array([0, 0, 0, 0, 0, 0]), 2, "sum")
    assert np.isnan(got[:, 1]).all()


def test_it_ignores_columns_in_a_negative_group():
    got = aggregate_columns(MATRIX, np.array([-1, 0, 0, 0, 0, -1]), 1, "sum")
    assert got[0].tolist() == [14.0]


def test_it_takes_the_latest_column_for_last_even_when_groups_interleave():
    got = aggregate_columns(np.array([[1.0, 2.0, 3.0, NAN]]), np.array([0, 1, 0, 1]), 2, "last")
    assert got.tolist() == [[3.0, 2.0]]


def test_it_refuses_columns_that_do_not_match_their_groups():
    with pytest.raises(ValueError, match="one group per column"):
        aggregate_columns(MATRIX, np.array([0, 1]), 2, "sum")
    with pytest.raises(ValueError, match="in group 2, but there are 2"):
        aggregate_columns(MATRIX, np.array([0, 0, 0, 1, 1, 2]), 2, "sum")
    with pytest.raises(PeriodError, match="not an aggregation"):
        aggregate_columns(MATRIX, QUARTERS, 2, "median")


def test_it_aggregates_monthly_columns_into_any_kind_of_period():
    months = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    matrix = np.array([[1.0, 2.0, NAN, 4.0, 5.0, 6.0]])
    got = aggregate_periods(
        matrix, months, ["FY2026-Q1", "FY2026-Q2", "2026-02-YTD", "FY2026-Q3"], "sum", 10
    )
    assert got[0, :3].tolist() == [3.0, 15.0, 12.0]
    assert np.isnan(got[0, 3])


def test_it_refuses_monthly_columns_that_do_not_match_their_months():
    with pytest.raises(ValueError, match="one column per month key"):
        aggregate_periods(np.zeros((1, 2)), ["2026-01"], ["2026-Q1"], "sum")


@pytest.mark.parametrize("first,last", [(1900, 2046), (1900, 1900), (1999, 2000), (1000, 9999)])
def test_the_years_pattern_takes_exactly_the_years_of_its_span(first: int, last: int) -> None:
    pattern = re.compile(years_pattern(first, last))
    taken = [y for y in range(10000) if pattern.fullmatch(f"{y:04d}")]
    assert taken == list(range(first, last + 1))


def test_a_period_outside_designs_years_is_named_with_the_span() -> None:
    today = date(2026, 12, 2)
    assert year_limits(today) == (1900, 2046)
    assert outside_limits(parse_period("2046-12"), today) is None
    assert outside_limits(parse_period("FY1900", 10), today) is None  # it ends in 1900
    assert outside_limits(parse_period("1899-12"), today) == (
        "the period 1899-12 is out of range: years run from 1900 to 2046"
    )
    assert outside_limits(parse_period("2047-Q1-YTD"), today) == (
        "the period 2047-Q1-YTD is out of range: years run from 1900 to 2046"
    )
