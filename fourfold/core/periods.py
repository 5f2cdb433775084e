"""Period keys (months, fiscal quarters and years, year to date) and aggregation over time."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

KINDS = ("month", "quarter", "year", "ytd")
AGGREGATIONS = ("sum", "average", "last", "min", "max")
# Four-digit years keep keys sorting as text; 1000 keeps every fiscal year inside `date`.
MIN_YEAR, MAX_YEAR = 1000, 9999
# DESIGN's limits on the periods data is kept for: from 1900 to 20 years after the current one.
# The grammar above reads more (a key sorts as text for any four-digit year); what may be
# written is held to these, by `year_limits` and `outside_limits`, on every channel.
FIRST_YEAR, YEARS_AHEAD = 1900, 20
# Fixed English names: calendar.month_name follows the process locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_KEY = re.compile(
    r"(?P<fy>FY)?(?P<year>\d{4})"
    r"(?:-(?:(?P<month>\d{1,2})|Q(?P<quarter>\d+)))?"
    r"(?P<ytd>-YTD)?"
)


class PeriodError(ValueError):
    """A period key, range or setting that cannot be understood."""


@dataclass(frozen=True)
class Period:
    """One period: its canonical key, its first and last day and the months it covers."""

    kind: str
    key: str
    start: date
    end: date
    months: tuple[str, ...]
    fiscal_start: int

    @property
    def year(self) -> int:
        """The year its key names (a fiscal year's is the year in which it ends)."""
        return int(self.key.removeprefix("FY")[:4])

    @property
    def first_month(self) -> str:
        """Key of the first month covered."""
        return self.months[0]

    @property
    def last_month(self) -> str:
        """Key of the last month covered."""
        return self.months[-1]


def year_limits(today: date) -> tuple[int, int]:
    """The first and last year whose periods may hold values and targets."""
    return FIRST_YEAR, today.year + YEARS_AHEAD


def outside_limits(period: Period, today: date) -> str | None:
    """Why no value or target may be kept for this period, or None when one may."""
    first, last = year_limits(today)
    if first <= period.year <= last:
        return None
    return f"the period {period.key} is out of range: years run from {first} to {last}"


def day_outside_limits(day: date, today: date) -> str | None:
    """Why a date (a meeting, a due date, a milestone) is out of DESIGN's years, or None."""
    first, last = year_limits(today)
    if first <= day.year <= last:
        return None
    return f"the date {day.isoformat()} is out of range: years run from {first} to {last}"


def years_pattern(first: int, last: int) -> str:
    """A regular expression (no anchors) of the four-digit years from `first` to `last`, for
    a schema that must say what `outside_limits` accepts: 1900..2046 gives
    `19[0-9][0-9]|200[0-9]|20[1-3][0-9]|204[0-6]`."""

    def digit(low: str, high: str) -> str:
        return low if low == high else f"[{low}-{high}]"

    def span(low: str, high: str) -> list[str]:
        rest = len(low) - 1
        if low == high:
            return [low]
        if low[1:] == "0" * rest and high[1:] == "9" * rest:
            return [digit(low[0], high[0]) + "[0-9]" * rest]
        if low[0] == high[0]:
            return [low[0] + tail for tail in span(low[1:], high[1:])]
        out = [low[0] + tail for tail in span(low[1:], "9" * rest)]
        if int(high[0]) - int(low[0]) > 1:
            out.append(digit(str(int(low[0]) + 1), str(int(high[0]) - 1)) + "[0-9]" * rest)
        return out + [high[0] + tail for tail in span("0" * rest, high[1:])]

    return "|".join(span(f"{first:04d}", f"{last:04d}"))


def _check_fiscal_start(fiscal_start: int) -> None:
    valid = isinstance(fiscal_start, int) and not isinstance(fiscal_start, bool)
    if not valid or not 1 <= fiscal_start <= 12:
        raise PeriodError(
            f"the fiscal year start must be a month from 1 to 12 (got {fiscal_start!r})"
        )


def _prefix(fiscal_start: int) -> str:
    return "" if fiscal_start == 1 else "FY"


def _how_to_write(fiscal_start: int) -> str:
    fy = _prefix(fiscal_start)
    return (
        f"write a month as '2026-03', a quarter as '{fy}2026-Q1', a year as '{fy}2026', "
        f"or a year to date as '2026-03-YTD'"
    )


def _year_text(year: int, what: str) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"{what} falls outside the years {MIN_YEAR} to {MAX_YEAR}")
    return f"{year:04d}"


def month_ordinal(key: str) -> int:
    """Number of a month key, counting months since year 0 (year*12 + month-1)."""
    text = key.strip() if isinstance(key, str) else ""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match is None:
        raise PeriodError(f"'{key}' is not a month: write a month as '2026-03'")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise PeriodError(f"'{key}' is not a period: months run from 01 to 12")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"'{key}' is not a period: years run from {MIN_YEAR} to {MAX_YEAR}")
    return year * 12 + month - 1


def month_of(day: date) -> int:
    """Number of the month a date falls in, as month_ordinal counts (for any year: a date of
    the year 955 has no four-digit `%Y`)."""
    return day.year * 12 + day.month - 1


def month_key(ordinal: int) -> str:
    """Month key of a month number, the inverse of month_ordinal."""
    year, month0 = divmod(ordinal, 12)
    return f"{_year_text(year, f'month number {ordinal}')}-{month0 + 1:02d}"


def _fiscal_year_name(ordinal: int, fiscal_start: int) -> int:
    # A fiscal year is named by the calendar year in which it ends.
    start_year = (ordinal - (fiscal_start - 1)) // 12
    return start_year if fiscal_start == 1 else start_year + 1


def _fiscal_year_first(name: int, fiscal_start: int) -> int:
    shift = 0 if fiscal_start == 1 else 12
    return name * 12 + fiscal_start - 1 - shift


def _quarter_number(ordinal: int, fiscal_start: int) -> int:
    return (ordinal - (fiscal_start - 1)) % 12 // 3 + 1


def _quarter_key(name: int, quarter: int, fiscal_start: int, what: str) -> str:
    return f"{_prefix(fiscal_start)}{_year_text(name, what)}-Q{quarter}"


def quarter_of(month: str, fiscal_start: int = 1) -> str:
    """Key of the (fiscal) quarter that contains a month."""
    _check_fiscal_start(fiscal_start)
    ordinal = month_ordinal(month)
    name = _fiscal_year_name(ordinal, fiscal_start)
    return _quarter_key(name, _quarter_number(ordinal, fiscal_start), fiscal_start, f"'{month}'")


def year_of(month: str, fiscal_start: int = 1) -> str:
    """Key of the (fiscal) year that contains a month."""
    _check_fiscal_start(fiscal_start)
    name = _fiscal_year_name(month_ordinal(month), fiscal_start)
    return _prefix(fiscal_start) + _year_text(name, f"'{month}'")


def ytd_of(month: str, fiscal_start: int = 1) -> str:
    """Key of the year to date that ends with a month."""
    _check_fiscal_start(fiscal_start)
    return f"{month_key(month_ordinal(month))}-YTD"


def _make(kind: str, key: str, first: int, last: int, fiscal_start: int) -> Period:
    first_year, first_month0 = divmod(first, 12)
    last_year, last_month0 = divmod(last, 12)
    last_day = calendar.monthrange(last_year, last_month0 + 1)[1]
    return Period(
        kind=kind,
        key=key,
        start=date(first_year, first_month0 + 1, 1),
        end=date(last_year, last_month0 + 1, last_day),
        months=tuple(month_key(o) for o in range(first, last + 1)),
        fiscal_start=fiscal_start,
    )


def parse_period(key: str, fiscal_start: int = 1) -> Period:
    """Read a period key such as 2026-03, 2026-Q1, FY2026, 2026-03-YTD or FY2026-Q2-YTD."""
    _check_fiscal_start(fiscal_start)
    if not isinstance(key, str):
        raise PeriodError(f"{key!r} is not a period: {_how_to_write(fiscal_start)}")
    text = key.strip()
    match = _KEY.fullmatch(text.upper())
    if match is None:
        raise PeriodError(f"'{text}' is not a period: {_how_to_write(fiscal_start)}")
    fy, ytd = match["fy"] is not None, match["ytd"] is not None
    year = int(match["year"])
    month, quarter = match["month"], match["quarter"]

    if month is not None:
        if fy:
            raise PeriodError(
                f"'{text}' is not a period: months are calendar months, written like '2026-03'"
            )
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"'{text}' is not a period: years run from {MIN_YEAR} to {MAX_YEAR}")
        if not 1 <= int(month) <= 12:
            raise PeriodError(f"'{text}' is not a period: months run from 01 to 12")
        ordinal = year * 12 + int(month) - 1
        if not ytd:
            return _make("month", month_key(ordinal), ordinal, ordinal, fiscal_start)
        first = _fiscal_year_first(_fiscal_year_name(ordinal, fiscal_start), fiscal_start)
        return _make("ytd", f"{month_key(ordinal)}-YTD", first, ordinal, fiscal_start)

    _check_fiscal_form(text, fy, quarter is not None, fiscal_start)
    prefix = _prefix(fiscal_start)
    # A fiscal year named 1000 would begin in 999, before the first month a key can name.
    lowest = MIN_YEAR if fiscal_start == 1 else MIN_YEAR + 1
    if not lowest <= year <= MAX_YEAR:
        raise PeriodError(
            f"'{text}' is not a period: years run from {prefix}{lowest} to {prefix}{MAX_YEAR}"
        )
    first = _fiscal_year_first(year, fiscal_start)
    if quarter is None:
        if ytd:
            raise PeriodError(
                f"'{text}' is not a period: a year to date ends with a month or a quarter, "
                f"as in '2026-03-YTD' or '{prefix}2026-Q2-YTD'"
            )
        return _make("year", f"{prefix}{year:04d}", first, first + 11, fiscal_start)
    number = int(quarter)
    if not 1 <= number <= 4:
        raise PeriodError(f"'{text}' is not a period: quarters run from Q1 to Q4")
    quarter_key = _quarter_key(year, number, fiscal_start, f"'{text}'")
    last = first + number * 3 - 1
    if ytd:
        return _make("ytd", f"{quarter_key}-YTD", first, last, fiscal_start)
    return _make("quarter", quarter_key, last - 2, last, fiscal_start)


def _check_fiscal_form(text: str, fy: bool, is_quarter: bool, fiscal_start: int) -> None:
    what = "quarter" if is_quarter else "year"
    example = "2026-Q1" if is_quarter else "2026"
    if fiscal_start == 1 and fy:
        raise PeriodError(
            f"'{text}' is not a period: the fiscal year starts in January, "
            f"so write the {what} without FY, like '{example}'"
        )
    if fiscal_start != 1 and not fy:
        raise PeriodError(
            f"'{text}' is not a period: the fiscal year starts in {MONTH_NAMES[fiscal_start - 1]}, "
            f"so {what}s are fiscal and written like 'FY{example}' "
            f"(a fiscal year is named by the year in which it ends)"
        )


def periods_in_range(
    first_month: str, last_month: str, kind: str, fiscal_start: int = 1
) -> list[str]:
    """Keys of every period of a kind that touches the months from first_month to last_month."""
    _check_fiscal_start(fiscal_start)
    first, last = month_ordinal(first_month), month_ordinal(last_month)
    if first > last:
        raise PeriodError(
            f"the range from '{first_month}' to '{last_month}' is empty: "
            f"its first month comes after its last"
        )
    months = [month_key(o) for o in range(first, last + 1)]
    if kind == "month":
        return months
    if kind == "ytd":
        return [f"{m}-YTD" for m in months]
    if kind == "quarter":
        return list(dict.fromkeys(quarter_of(m, fiscal_start) for m in months))
    if kind == "year":
        return list(dict.fromkeys(year_of(m, fiscal_start) for m in months))
    raise PeriodError(f"'{kind}' is not a kind of period: use month, quarter, year or ytd")


def overdue_date(period: Period, grace_days: int) -> date:
    """Day a period's value becomes overdue: its last day plus the grace period."""
    if grace_days < 0:
        raise PeriodError(f"a grace period cannot be negative (got {grace_days} days)")
    return period.end + timedelta(days=grace_days)


def is_overdue(period: Period, grace_days: int, today: date) -> bool:
    """Whether a value still missing on `today` is overdue (from the day after overdue_date)."""
    return today > overdue_date(period, grace_days)


def _check_how(how: str) -> None:
    if how not in AGGREGATIONS:
        raise PeriodError(f"'{how}' is not an aggregation: use sum, average, last, min or max")


# Sums and formula results are settled to this many significant digits: more than any value
# a person enters, fewer than the 17 that show binary noise (0.1 + 0.1 + 0.7 = 0.8999999999999999).
SUM_DIGITS = 15
# Powers of ten up to 1e22 are exact floats, so that dividing by one rounds correctly.
_POWERS = 10.0 ** np.arange(23)


def settle(total: npt.ArrayLike) -> FloatArray:
    """Sums (and formula results) as a person works them out in decimal: rounded to SUM_DIGITS
    significant digits.

    DESIGN.md compares at a boundary exactly, in decimal: months of 0.1, 0.1 and 0.7 make a
    quarter of 0.9, which must meet a target of 0.9, and (100 - 43) / 100 * 100 is a margin of
    57, not 56.99999999999999, as the user who works them out expects. Numbers from 1e15 up
    (already whole at that precision), below 1e-8, 0, NaN and infinities are left as they are.
    """
    x = np.array(total, dtype=np.float64)
    with np.errstate(all="ignore"):
        digits = (SUM_DIGITS - 1) - np.floor(np.log10(np.abs(x)))
    usable = (digits >= 0) & (digits < len(_POWERS))  # False for NaN and infinities
    scale = _POWERS[np.where(usable, digits, 0).astype(np.int64)]
    settled: FloatArray = np.where(usable, np.round(x * scale) / scale, x)
    return settled


def aggregate(values: Sequence[float | None], how: str) -> float | None:
    """Aggregate values over time, leaving out missing ones; None when nothing is left."""
    _check_how(how)
    present = [float(v) for v in values if v is not None and not math.isnan(v)]
    if not present:
        return None
    if how in ("sum", "average"):
        total = float(settle(math.fsum(present)))
        return total if how == "sum" else total / len(present)
    if how == "last":
        return present[-1]
    return min(present) if how == "min" else max(present)


def _aggregate_block(block: FloatArray, how: str) -> FloatArray:
    if block.shape[1] == 1:
        only: FloatArray = block[:, 0].copy()
        return only
    present = ~np.isnan(block)
    count = present.sum(axis=1)
    if how == "last":
        # The latest present column is the first present one in the reversed block.
        latest = block.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)
        last: FloatArray = block[np.arange(block.shape[0]), latest]
        return last
    result: FloatArray
    if how in ("sum", "average"):
        result = settle(np.where(present, block, 0.0).sum(axis=1))
        if how == "average":
            result /= np.maximum(count, 1)
    elif how == "min":
        result = np.where(present, block, np.inf).min(axis=1)
    else:
        result = np.where(present, block, -np.inf).max(axis=1)
    result[count == 0] = np.nan
    return result


def aggregate_columns(
    matrix: npt.ArrayLike, group_of_column: npt.ArrayLike, n_groups: int, how: str
) -> FloatArray:
    """Aggregate each row's columns into groups (NaN = missing); a negative group is ignored."""
    _check_how(how)
    values = np.asarray(matrix, dtype=np.float64)
    groups = np.asarray(group_of_column, dtype=np.int64)
    if values.ndim != 2 or groups.shape != (values.shape[1],):
        raise ValueError(
            f"expected a (rows, columns) matrix and one group per column, "
            f"got shapes {values.shape} and {groups.shape}"
        )
    if groups.size and int(groups.max()) >= n_groups:
        raise ValueError(f"a column is in group {int(groups.max())}, but there are {n_groups}")
    out = np.full((values.shape[0], n_groups), np.nan)
    for group in range(n_groups):
        columns = np.flatnonzero(groups == group)
        if columns.size:
            out[:, group] = _aggregate_block(values[:, columns], how)
    return out


def aggregate_runs(matrix: npt.ArrayLike, width: int, how: str) -> FloatArray:
    """Aggregate each run of `width` columns into one: aggregate_columns with column // width."""
    _check_how(how)
    values = np.asarray(matrix, dtype=np.float64)
    if values.ndim != 2 or width < 1 or values.shape[1] % width:
        raise ValueError(f"cannot fold a matrix of shape {values.shape} into runs of {width}")
    if width == 1:
        return values.copy()
    n, m = values.shape
    block = values.reshape(n, m // width, width)
    present = ~np.isnan(block)
    if how == "last":
        # The latest present column is the first present one in the reversed run.
        latest = width - 1 - np.argmax(present[:, :, ::-1], axis=2)
        last: FloatArray = np.take_along_axis(block, latest[:, :, None], axis=2)[:, :, 0]
        return last
    count = present.sum(axis=2)
    result: FloatArray
    if how in ("sum", "average"):
        kept = np.where(present, block, 0.0)
        # As aggregate_columns adds, to the bit: numpy sums the block of a single row pairwise
        # but the columns of several rows one after the other, left to right, from 0.
        if n == 1:
            result = kept.sum(axis=2)
        else:
            result = np.zeros((n, m // width))
            for k in range(width):
                result += kept[:, :, k]
        result = settle(result)
        if how == "average":
            result /= np.maximum(count, 1)
    elif how == "min":
        result = np.where(present, block, np.inf).min(axis=2)
    else:
        result = np.where(present, block, -np.inf).max(axis=2)
    result[count == 0] = np.nan
    return result


def aggregate_periods(
    matrix: npt.ArrayLike,
    month_keys: Sequence[str],
    period_keys: Sequence[str],
    how: str,
    fiscal_start: int = 1,
) -> FloatArray:
    """Aggregate monthly columns into the given periods (any kind, year to date included)."""
    _check_how(how)
    values = np.asarray(matrix, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(month_keys):
        raise ValueError(f"expected one column per month key, got shape {values.shape}")
    column_of = {month_key(month_ordinal(m)): i for i, m in enumerate(month_keys)}
    out = np.full((values.shape[0], len(period_keys)), np.nan)
    for j, key in enumerate(period_keys):
        period = parse_period(key, fiscal_start)
        columns = [column_of[m] for m in period.months if m in column_of]
        if columns:
            out[:, j] = _aggregate_block(values[:, columns], how)
    return out
