"""The SMART rules that read numbers, over the scoring engine's matrices of every KPI.

Each level of period (month, quarter, year) is one view of the engine: a KPI's periods "of
its frequency" are its native view's columns, and a coarser view holds the targets set for,
or implied by the KPI's aggregation in, its coarser periods.

Readings of DESIGN.md's table made here: a yes/no KPI is scored on its value alone, so the
target rules (`time_bound.*`, `achievable.*`, `cascade.*`) leave it out. Targets of periods
that ended before the current fiscal year began are history, which `cascade.*` leaves out.
`achievable.no_improvement` compares fiscal years (a year's target, set or implied by the
aggregation of its months, with the year before's actual) for the years not over yet: month
against month it would report the noise of a single month, not a target set too low.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fourfold.core import grid, periods, smart
from fourfold.core.evaluate import DECREASE, INCREASE, View
from fourfold.core.smart import Finding
from fourfold.scoring.engine import Scores

from . import cascade

VIEW_OF_LEVEL = ("month", "quarter", "year")
Day = np.datetime64
Rows = npt.NDArray[np.int64]


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass
class Level:
    """One level's columns: keys, first and last days, and the column a year earlier."""

    view: str
    keys: list[str]
    starts: np.ndarray
    ends: np.ndarray
    year_earlier: np.ndarray  # column index, -1 where that year is not on the grid


def _level(scores: Scores, level: int) -> Level:
    inp = scores.inputs
    view = VIEW_OF_LEVEL[level]
    keys = scores.result.views[view].keys
    n = len(keys)
    per_year = grid.SLOTS_PER_YEAR[level]
    months = inp.month_numbers()[np.arange(n) * grid.width(0, level)]
    starts = np.array(
        [f"{m // 12:04d}-{m % 12 + 1:02d}-01" for m in months.tolist()], dtype="datetime64[D]"
    )
    years = np.array(inp.year_starts or [0], dtype=np.int64)
    if inp.year_starts is None:
        years = periods.month_ordinal(inp.first_month) + 12 * np.arange(inp.n_years)
    column = np.arange(n)
    year = column // per_year
    consecutive = np.zeros(n, dtype=bool)
    later = year > 0
    consecutive[later] = years[year[later]] - years[year[later] - 1] == 12
    earlier = np.where(consecutive, column - per_year, -1)
    return Level(view, keys, starts, grid.slot_ends(inp, level, n), earlier)


class Numbers:
    def __init__(self, scores: Scores, today: dt.date) -> None:
        self.scores = scores
        self.today = today
        inp, index = scores.inputs, scores.index
        self.types = [inp.schemes[int(s)].type for s in inp.kpi_scheme]
        in_unit = np.array([k["objective"] >= 0 for k in index.kpi], dtype=bool)
        unscored = np.array([t == "unscored" for t in self.types], dtype=bool)
        self.checked = in_unit & ~unscored
        # A yes/no KPI is scored on its value alone: the target rules do not apply to it.
        yes_no = np.array([t == "yes_no" for t in self.types], dtype=bool)
        self.targeted = self.checked & ~yes_no
        self.rows = [int(r) for r in np.flatnonzero(self.checked)]
        self.calculated = np.array([bool(k["formula"]) for k in index.kpi], dtype=bool)
        fs = scores.fiscal_start
        self.year = periods.parse_period(periods.year_of(f"{today:%Y-%m}", fs), fs)
        self.levels = [_level(scores, level) for level in range(3)]

    def unit_of(self, row: int) -> str:
        k = self.scores.index.kpi[row]
        unit: str = self.scores.index.objective[k["objective"]]["unit"]
        return unit

    def _finding(self, rule: str, row: int, period: str | None, message: str) -> Finding:
        return Finding(rule, self.unit_of(row), "kpi", self._code(row), period, message)

    def findings(self, probabilities: dict[int, float | None]) -> list[Finding]:
        out: list[Finding] = []
        today = Day(self.today, "D")
        frequency = self.scores.inputs.kpi_frequency
        future = np.zeros(len(frequency), dtype=bool)
        for level, cols in enumerate(self.levels):
            view = self.scores.result.views[cols.view]
            has_target = np.isfinite(view.target) | np.isfinite(view.low) | np.isfinite(view.high)
            native = np.flatnonzero(self.checked & (frequency == level))
            out += self._measurable(native[~self.calculated[native]], view, cols, today)
            out += self._no_target(native[self.targeted[native]], view, cols, has_target, today)
            applicable = np.flatnonzero(self.targeted & (frequency <= level))
            future[applicable] |= (has_target[applicable] & (cols.ends > today)[None, :]).any(
                axis=1
            )
            if level == grid.YEARLY:
                out += self._no_improvement(applicable, view, cols, today)
        out += [
            self._finding(
                "time_bound.no_future_target",
                r,
                None,
                smart.no_future_target_message(self.scores.index.kpi[r]["code"], f"{self.today}"),
            )
            for r in self.rows
            if self.targeted[r] and not future[r]
        ]
        out += self._unlikely(probabilities)
        out += self._cascade()
        return out

    def _measurable(self, rows: Rows, view: View, cols: Level, today: Day) -> list[Finding]:
        out = []
        window = (cols.ends < today) & (cols.ends >= Day(year_before(self.today), "D"))
        expected = view.expected[rows][:, window] > 0
        reported = view.reported[rows][:, window] > 0
        for r in rows[smart.no_data(expected, reported)].tolist():
            message = smart.no_data_message(self._code(r), f"{self.today}")
            out.append(self._finding("measurable.no_data", r, None, message))
        oldest = smart.first_column(view.overdue[rows] > 0)
        grace = self.scores.inputs.kpi_grace
        fs = self.scores.fiscal_start
        parsed: dict[str, periods.Period] = {}
        for r, c in zip(rows.tolist(), oldest.tolist(), strict=True):
            if c < 0:
                continue
            key = cols.keys[c]
            if key not in parsed:
                parsed[key] = periods.parse_period(key, fs)
            since = periods.overdue_date(parsed[key], int(grace[r]))
            message = smart.overdue_message(self._code(r), key, f"{since}")
            out.append(self._finding("measurable.overdue", r, key, message))
        return out

    def _no_target(
        self, rows: Rows, view: View, cols: Level, has_target: smart.B, today: Day
    ) -> list[Finding]:
        """Periods of the KPI's frequency begun in the current fiscal year, from the KPI's
        first value or target on (a KPI with neither: from the year's start)."""
        begun = (cols.starts >= Day(self.year.start, "D")) & (cols.starts <= today)
        begun &= cols.ends <= Day(self.year.end, "D")
        targeted = has_target[rows]
        first = smart.first_column(np.isfinite(view.actual[rows]) | targeted)
        since = np.arange(len(cols.keys))[None, :] >= np.maximum(first, 0)[:, None]
        missing = smart.first_column(begun[None, :] & since & ~targeted)
        out = []
        for r, c in zip(rows.tolist(), missing.tolist(), strict=True):
            if c >= 0:
                key = cols.keys[c]
                message = smart.no_target_message(self._code(r), key)
                out.append(self._finding("time_bound.no_target", r, key, message))
        return out

    def _no_improvement(self, rows: Rows, view: View, cols: Level, today: Day) -> list[Finding]:
        """Each KPI's first year not over whose target is no better than the year before's
        actual."""
        earlier = cols.year_earlier
        before = view.actual[rows][:, np.maximum(earlier, 0)]
        before[:, earlier < 0] = np.nan
        direction = self.scores.inputs.kpi_direction[rows]
        flags = smart.no_improvement(
            direction == INCREASE, direction == DECREASE, view.target[rows], before
        )
        flags &= (cols.ends >= today)[None, :]
        out = []
        for i, c in enumerate(smart.first_column(flags).tolist()):
            if c < 0:
                continue
            r, key, prior = int(rows[i]), cols.keys[c], cols.keys[int(earlier[c])]
            message = smart.no_improvement_message(
                self._code(r), key, float(view.target[r, c]), prior, float(before[i, c])
            )
            out.append(self._finding("achievable.no_improvement", r, key, message))
        return out

    def _unlikely(self, probabilities: dict[int, float | None]) -> list[Finding]:
        """The forecast's chance of meeting the current fiscal year's target, set or implied."""
        located = self.scores.locate(self.year.key)
        if located is None or not probabilities:
            return []
        view = self.scores.result.views[located[0]]
        column = located[1]
        index = self.scores.index
        chances = np.array(
            [
                np.nan if (p := probabilities.get(index.kpi[r]["id"])) is None else p
                for r in self.rows
            ],
            dtype=np.float64,
        )
        rows = np.array(self.rows, dtype=np.int64)
        chances[~self.targeted[rows]] = np.nan
        targeted = np.isfinite(view.target[rows, column]) | np.isfinite(view.low[rows, column])
        out = []
        for i in np.flatnonzero(smart.unlikely(chances) & targeted).tolist():
            r = int(rows[i])
            message = smart.unlikely_message(self._code(r), self.year.key, float(chances[i]))
            out.append(self._finding("achievable.unlikely", r, self.year.key, message))
        return out

    def _cascade(self) -> list[Finding]:
        """Per level, the parents of that frequency whose children's targets do not add up."""
        out = []
        found = [p for p in cascade.parents(self.scores) if self.targeted[p.row]]
        frequency = self.scores.inputs.kpi_frequency
        for level, cols in enumerate(self.levels):
            here = [p for p in found if frequency[p.row] == level]
            if not here:
                continue
            target = self.scores.result.views[cols.view].target
            own, added = cascade.add_up(target, here)
            off = added.off & (cols.ends >= Day(self.year.start, "D"))[None, :]
            for i, c in enumerate(smart.first_column(off).tolist()):
                if c < 0:
                    continue
                r, key = here[i].row, cols.keys[c]
                message = smart.add_up_message(
                    self._code(r), key, float(own[i, c]), float(added.total[i, c])
                )
                out.append(self._finding("cascade.targets_do_not_add_up", r, key, message))
        return out

    def _code(self, row: int) -> str:
        code: str = self.scores.index.kpi[row]["code"]
        return code
