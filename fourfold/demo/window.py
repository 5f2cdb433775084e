"""The demo's calendar relative to a day: which periods have values, which have targets, and
where each period sits in the story (counted back from the last complete one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from fourfold.core import periods
from fourfold.core.entries import FREQUENCY_KIND

KIND = FREQUENCY_KIND
HISTORY_MONTHS = 36
# The story's clock starts this many months before the last complete month begins, so that the
# story's levels end as they were written, whatever the day.
STORY_MONTHS = 33


@dataclass(frozen=True)
class Slot:
    """A period of the demo and its place in the story."""

    key: str
    offset: int  # 0: the last complete period of its kind, -1 the one before, +1 the current
    fiscal_year: int  # counted from the one that holds the last complete month
    number: int  # its month of the year (1-12) or quarter (1-4); 1 for a year
    t: float  # its middle, in years on the story's clock


@dataclass(frozen=True)
class Window:
    today: dt.date
    fiscal_start: int = 1

    @cached_property
    def last_month(self) -> int:
        """The ordinal of the last complete month before today."""
        return periods.month_ordinal(f"{self.today:%Y-%m}") - 1

    @cached_property
    def first_month(self) -> int:
        return self.last_month - HISTORY_MONTHS + 1

    def _fiscal_year(self, month: int) -> int:
        return int(periods.year_of(periods.month_key(month), self.fiscal_start).removeprefix("FY"))

    @cached_property
    def end_of_year(self) -> int:
        """The ordinal of the last month of the current fiscal year."""
        year = periods.year_of(f"{self.today:%Y-%m}", self.fiscal_start)
        return periods.month_ordinal(periods.parse_period(year, self.fiscal_start).last_month)

    def slots(self, frequency: str) -> list[Slot]:
        """The periods of a frequency from the first that ended in the history to the end of
        the current fiscal year: those up to offset 0 take values, all of them targets."""
        kind = KIND[frequency]
        keys = periods.periods_in_range(
            periods.month_key(self.first_month),
            periods.month_key(self.end_of_year),
            kind,
            self.fiscal_start,
        )
        found = [periods.parse_period(key, self.fiscal_start) for key in keys]
        found = [p for p in found if periods.month_ordinal(p.last_month) >= self.first_month]
        complete = [p for p in found if p.end < self.today]
        anchor = len(complete) - 1
        fiscal_zero = self._fiscal_year(self.last_month)
        out = []
        for index, p in enumerate(found):
            start, end = periods.month_ordinal(p.first_month), periods.month_ordinal(p.last_month)
            if kind == "month":
                number = start % 12 + 1
            elif kind == "quarter":
                number = int(p.key[-1])
            else:
                number = 1
            middle = (start + end + 1) / 2
            t = (STORY_MONTHS + middle - self.last_month) / 12
            year = self._fiscal_year(start) - fiscal_zero
            out.append(Slot(p.key, index - anchor, year, number, t))
        return out
