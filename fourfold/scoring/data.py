"""Values and targets read from the database into the arrays of the engine's inputs.

`read(only=, as_of=)` reads the rows (kpi_id, period, numbers) as columns; `place(...)` turns
them into the cells of the grid of fiscal years that the kept rows span (`Placed`), with
what a later re-read of a few KPIs needs to place its rows on the same grid (`Grid`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
from django.db import connection

from fourfold.core import evaluate, periods
from fourfold.measures.models import Measurement, MeasurementVersion, Target, TargetVersion

KIND_LEVEL = {"month": 0, "quarter": 1, "year": 2}
# Rows are turned into arrays this many at a time, so that the Python objects of only one
# chunk are alive at once: the memory they take is reused chunk after chunk instead of a
# million rows' worth being allocated (page faults) and freed again at every computation.
CHUNK = 65_536
TARGET_COLUMNS = "target, red_flag, low, high"


def year_start(month: int, fiscal_start: int) -> int:
    """The month number at which the fiscal year holding a month (by number) starts."""
    return month - (month - (fiscal_start - 1)) % 12


def column(column_of_year: Mapping[int, int], month: int, fiscal_start: int) -> int:
    """The column of a month (by number) in the grid, or -1 when its year is not there."""
    start = year_start(month, fiscal_start)
    return column_of_year[start] + month - start if start in column_of_year else -1


def grid_years(months: Iterable[int], fiscal_start: int) -> list[int]:
    """The fiscal years to score, by the month number of their start: every year with data
    and this year, with one empty year standing for each run of years without any data.

    Periods in the years left out are scored as no data, as they would be anyway, except for
    overdue marks; this keeps a stray period far from the rest (a mistyped year) cheap.
    """
    starts = sorted({year_start(m, fiscal_start) for m in months})
    out: list[int] = []
    for start in starts:
        if out and start - out[-1] > 12:
            out.append(out[-1] + 12)
        out.append(start)
    return out


class Codes(dict[str, int]):
    """A number for each period text, in the order first met. Codes only grow, and may be
    shared by threads (the rows kept between computations, fourfold/scoring/kept.py)."""

    _lock = threading.Lock()

    def __missing__(self, text: str) -> int:
        with self._lock:
            code = self.get(text)
            if code is None:
                self[text] = code = len(self)
        return code


@dataclass
class Read:
    """Rows (kpi_id, period, *numbers) read as columns; periods as numbers in `Codes`."""

    kpi_id: evaluate.Ints
    period: evaluate.Ints
    numbers: list[evaluate.F]


def _chunks(sql: str, params: list[Any] | None = None) -> Iterator[list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        while rows := cursor.fetchmany(CHUNK):
            yield rows


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return [row for rows in _chunks(sql, params) for row in rows]


def _columns(chunks: Iterable[list[tuple[Any, ...]]], width: int, codes: Codes) -> Read:
    parts: list[list[Any]] = [[] for _ in range(width)]
    code = codes.__getitem__
    for rows in chunks:
        n = len(rows)
        parts[0].append(np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=n))
        parts[1].append(np.fromiter(map(code, map(itemgetter(1), rows)), dtype=np.int64, count=n))
        for i in range(2, width):
            # A NULL (no red flag, no band) is None, which becomes NaN.
            parts[i].append(np.array(list(map(itemgetter(i), rows)), dtype=np.float64))
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    columns = [np.concatenate([ints if i < 2 else floats, *part]) for i, part in enumerate(parts)]
    return Read(columns[0], columns[1], columns[2:])


def _as_of_rows(
    model: Any, version: Any, columns: str, at_column: str, as_of: dt.datetime, only: str
) -> list[tuple[Any, ...]]:
    """Rows as they stood at a moment: current ones entered by then, else the version then valid."""
    stamp = connection.ops.adapt_datetimefield_value(as_of)
    current = _rows(
        f"SELECT kpi_id, period, {columns} FROM {model._meta.db_table} "  # noqa: S608
        f"WHERE {at_column} <= %s{only}",
        [stamp],
    )
    older = _rows(
        f"SELECT kpi_id, period, {columns}, {at_column} FROM {version._meta.db_table} "  # noqa: S608
        f"WHERE {at_column} <= %s AND superseded_at > %s{only}",
        [stamp, stamp],
    )
    found = {(r[0], r[1]): r for r in current}
    latest: dict[tuple[int, str], tuple[Any, ...]] = {}
    for r in older:
        key = (r[0], r[1])
        if key not in found and (key not in latest or r[-1] > latest[key][-1]):
            latest[key] = r
    return list(found.values()) + [r[:-1] for r in latest.values()]


def only_kpis(ids: Iterable[int]) -> str:
    """A condition on kpi_id naming these KPIs (numbers from the database, written inline: a
    query's parameters are limited on SQLite)."""
    return f" AND kpi_id IN ({','.join(str(int(k)) for k in ids) or 0})"


# Periods of the (KPI, period) asked for beyond which their KPIs' rows are read whole.
MOST_PERIODS = 200


def read_keys(codes: Codes, keys: Collection[tuple[int, str]]) -> tuple[Read, Read] | None:
    """The values and targets of these (KPI id, period) (those there are), or None when they
    name too many periods to be asked for at once."""
    periods_asked = sorted({p for _, p in keys})
    if len(periods_asked) > MOST_PERIODS:
        return None
    marks = ", ".join(["%s"] * len(periods_asked))
    only = f"{only_kpis(k for k, _ in keys)} AND period IN ({marks})"
    values, targets = read(codes, only=only, params=periods_asked)
    # The KPIs and the periods asked for hold more than these keys when both are many.
    wanted = np.array([k * KEY_SPAN + codes[p] for k, p in keys], dtype=np.int64)
    return _among(values, wanted), _among(targets, wanted)


KEY_SPAN = 2**24  # more period texts than a database holds


def _among(rows: Read, wanted: evaluate.Ints) -> Read:
    keep = np.isin(rows.kpi_id * KEY_SPAN + rows.period, wanted)
    if keep.all():
        return rows
    return Read(rows.kpi_id[keep], rows.period[keep], [n[keep] for n in rows.numbers])


def read(
    codes: Codes,
    *,
    only: str = "",
    as_of: dt.datetime | None = None,
    params: list[Any] | None = None,
) -> tuple[Read, Read]:
    """The values and the targets, of the KPIs `only` names (all when empty)."""
    if as_of is not None:
        return (
            _columns(
                [_as_of_rows(Measurement, MeasurementVersion, "value", "entered_at", as_of, only)],
                3,
                codes,
            ),
            _columns(
                [_as_of_rows(Target, TargetVersion, TARGET_COLUMNS, "changed_at", as_of, only)],
                6,
                codes,
            ),
        )
    values = _columns(
        _chunks(
            f"SELECT kpi_id, period, value FROM {Measurement._meta.db_table} WHERE 1=1{only}",  # noqa: S608
            params,
        ),
        3,
        codes,
    )
    targets = _columns(
        _chunks(
            f"SELECT kpi_id, period, {TARGET_COLUMNS} "  # noqa: S608
            f"FROM {Target._meta.db_table} WHERE 1=1{only}",
            params,
        ),
        6,
        codes,
    )
    return values, targets


@dataclass
class Grid:
    """The years scored and where each period text falls: level (-1: no month, quarter or
    year of this fiscal calendar), the month number of its first month, and its slot."""

    fiscal_start: int
    year_starts: list[int]
    codes: Codes
    level: evaluate.Ints
    month: evaluate.Ints
    slot: evaluate.Ints  # -1 for a period in a year outside the grid

    def extended(self) -> Grid:
        """This grid with the period texts met since it was made placed too."""
        if len(self.codes) == len(self.level):
            return self
        level, month = _kinds(list(self.codes)[len(self.level) :], self.fiscal_start)
        level = np.concatenate([self.level, level])
        month = np.concatenate([self.month, month])
        slot = _slots(level, month, self.year_starts, self.fiscal_start)
        return Grid(self.fiscal_start, self.year_starts, self.codes, level, month, slot)


def _kinds(texts: list[str], fiscal_start: int) -> tuple[evaluate.Ints, evaluate.Ints]:
    level = np.full(len(texts), -1, dtype=np.int64)
    month = np.full(len(texts), -1, dtype=np.int64)
    for i, text in enumerate(texts):
        try:
            found = periods.parse_period(text, fiscal_start)
        except periods.PeriodError:
            continue  # written under another fiscal year start: ignored
        if found.kind in KIND_LEVEL:
            level[i] = KIND_LEVEL[found.kind]
            month[i] = periods.month_ordinal(found.months[0])
    return level, month


def _slots(
    level: evaluate.Ints, month: evaluate.Ints, year_starts: list[int], fiscal_start: int
) -> evaluate.Ints:
    column_of_year = {s: 12 * i for i, s in enumerate(year_starts)}
    slot = np.full(len(level), -1, dtype=np.int64)
    for code in np.flatnonzero(level >= 0).tolist():
        first = column(column_of_year, int(month[code]), fiscal_start)
        if first >= 0:
            slot[code] = first // (12 // evaluate.SLOTS_PER_YEAR[level[code]])
    return slot


@dataclass
class Placed:
    """Cells of values (KPI position, slot, value) and targets (position, level, slot, the
    four numbers), and the rows kept in each year of the grid."""

    value_kpi: evaluate.Ints
    value_slot: evaluate.Ints
    value: evaluate.F
    target_kpi: evaluate.Ints
    target_level: evaluate.Ints
    target_slot: evaluate.Ints
    target_numbers: evaluate.F  # (rows, 4)


def _kept(
    rows: Read,
    kpi_table: evaluate.Ints,
    kpi_freq: evaluate.Ints,
    level: evaluate.Ints,
    *,
    own: bool,
) -> tuple[evaluate.Ints, evaluate.Ints]:
    """The rows of KPIs loaded at a level they are scored at, and each one's KPI position:
    a value at the KPI's own frequency, a target at a level not finer than it."""
    ids = rows.kpi_id
    known = (ids >= 0) & (ids < len(kpi_table))
    pos = np.where(known, kpi_table[np.where(known, ids, 0)], -1)
    lvl = level[rows.period]
    freq = kpi_freq[np.maximum(pos, 0)] if len(kpi_freq) else np.zeros(len(pos), dtype=np.int64)
    keep = (pos >= 0) & (lvl >= 0) & ((lvl == freq) if own else (lvl >= freq))
    return np.flatnonzero(keep), pos


def place(
    values: Read,
    targets: Read,
    grid_or_codes: Grid | Codes,
    kpi_table: evaluate.Ints,
    kpi_freq: evaluate.Ints,
    *,
    fiscal_start: int,
    today: dt.date,
) -> tuple[Placed, Grid] | None:
    """The rows kept, placed on a grid: a new one spanning the years they fall in (and this
    year), or the one given, when none falls outside it (else None)."""
    if isinstance(grid_or_codes, Grid):
        grid = grid_or_codes.extended()
        level = grid.level
        v, v_pos = _kept(values, kpi_table, kpi_freq, level, own=True)
        t, t_pos = _kept(targets, kpi_table, kpi_freq, level, own=False)
        if (grid.slot[values.period[v]] < 0).any() or (grid.slot[targets.period[t]] < 0).any():
            return None
    else:
        codes = grid_or_codes
        level, month = _kinds(list(codes), fiscal_start)
        v, v_pos = _kept(values, kpi_table, kpi_freq, level, own=True)
        t, t_pos = _kept(targets, kpi_table, kpi_freq, level, own=False)
        used = np.zeros(len(codes), dtype=bool)
        used[values.period[v]] = True
        used[targets.period[t]] = True
        months = [*month[used].tolist(), periods.month_ordinal(f"{today:%Y-%m}")]
        year_starts = grid_years(months, fiscal_start)
        slot = _slots(level, month, year_starts, fiscal_start)
        grid = Grid(fiscal_start, year_starts, codes, level, month, slot)
    numbers = np.stack([c[t] for c in targets.numbers], axis=1) if targets.numbers else None
    placed = Placed(
        v_pos[v],
        grid.slot[values.period[v]],
        values.numbers[0][v],
        t_pos[t],
        grid.level[targets.period[t]],
        grid.slot[targets.period[t]],
        np.zeros((0, 4)) if numbers is None else numbers,
    )
    return placed, grid
