"""Reading values and targets from CSV or XLSX into cells, each with its row and column.

Two layouts, told apart by the header. The long one has a row per KPI and period
(`kpi, period, actual` and optionally `target, red_flag, comment`); the wide one has a row per
KPI, a first column `kpi`, an optional `series` column (actual, target or red_flag) and one
column per period key. Headers that differ can be mapped onto these names (`Measure → kpi`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, overload

from fourfold.core import periods
from fourfold.memory import gc_paused
from fourfold.strategy.models import Organization

from .cells import restored
from .limits import (
    FILES,
    ImportFileError,
    Limits,
    check_bytes,
    rows_counted,
    too_many_cells,
    too_wide,
)
from .workbook import read_xlsx

REQUIRED = ("kpi", "period", "actual")
OPTIONAL = ("target", "red_flag", "comment")
SERIES = ("actual", "target", "red_flag")
FIELDS = (*REQUIRED, *OPTIONAL, "series")
IGNORE = "-"
MAX_BYTES = FILES.bytes  # the largest file the command line and connectors read
# A value such as 1,234,567.5: commas that only separate thousands.
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")

# The rows under the header, numbered as in the file (the header is row 1).
Body = Iterator[tuple[int, Sequence[Any]]]


class UnknownColumns(ImportFileError):
    """Headers that name no field: the caller may ask for a mapping and try again."""

    def __init__(self, message: str, headers: list[str], has_kpi: bool) -> None:
        super().__init__(message)
        self.headers = headers
        self.has_kpi = has_kpi


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Cell:
    """One KPI and period as the file gives it, with where it came from."""

    row: int
    column: str
    code: Any
    period: Any
    actual: Any = None
    target: Any = None
    red_flag: Any = None
    comment: Any = None
    error: str = ""  # found while reading the file


class CellColumns(Sequence[Cell]):
    """The cells of a file with a row per value, kept column by column: a Cell is made only
    when one is asked for, while the checks of a big file work on the columns."""

    def __init__(self, rows: list[int], columns: Sequence[list[Any]]) -> None:
        self.rows = rows
        self.code, self.period, self.actual, self.target, self.red_flag, self.comment = columns

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Cell: ...

    @overload
    def __getitem__(self, index: slice) -> list[Cell]: ...

    def __getitem__(self, index: int | slice) -> Cell | list[Cell]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Cell(
            self.rows[index],
            "",
            self.code[index],
            self.period[index],
            self.actual[index],
            self.target[index],
            self.red_flag[index],
            self.comment[index],
        )

    def __iter__(self) -> Iterator[Cell]:
        return map(
            Cell,
            self.rows,
            repeat(""),
            self.code,
            self.period,
            self.actual,
            self.target,
            self.red_flag,
            self.comment,
        )


@dataclass
class Rows:
    layout: str  # "long" or "wide"
    cells: Sequence[Cell]
    has_comment: bool
    has_red_flag: bool
    headers: list[str] = field(default_factory=list)


# Reading


def parse_mapping(text: str) -> dict[str, str]:
    """`Measure=kpi,Month=period` as {header: field}; `Notes=-` ignores a column."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        header, sep, name = part.partition("=")
        name = _name(name)
        if not sep or not header.strip():
            raise ImportFileError(f"'{part.strip()}' is not a mapping such as 'Measure=kpi'")
        if name not in FIELDS and name != IGNORE:
            raise ImportFileError(
                f"'{part.strip()}' maps to '{name}', which is none of {', '.join(FIELDS)} "
                f"(or - to ignore the column)"
            )
        if _name(header) in mapping:
            raise ImportFileError(f"the header '{header.strip()}' is mapped twice")
        mapping[_name(header)] = name
    return mapping


def _name(header: Any) -> str:
    return str(header).strip().lower().replace(" ", "_") if header is not None else ""


def read(path: Path, mapping: Mapping[str, str] | None = None, limits: Limits = FILES) -> Rows:
    if not path.exists():
        raise ImportFileError(f"there is no file {path}")
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ImportFileError(f"{path.name} is neither a .csv nor an .xlsx file")
    try:
        check_bytes(path.stat().st_size, path.name, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror}") from exc
    return read_bytes(data, path.name, mapping, limits)


def read_bytes(
    data: bytes, name: str, mapping: Mapping[str, str] | None = None, limits: Limits = FILES
) -> Rows:
    """Read an uploaded or stored file's content; its name tells CSV from XLSX."""
    check_bytes(len(data), name, limits)
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, body = read_xlsx(data, name, limits)
    elif suffix in (".csv", ".txt"):
        header, body = _read_csv(data, name, limits)
    else:
        raise ImportFileError(f"{name} is neither a .csv nor an .xlsx file")
    if len(header) > limits.columns:
        raise ImportFileError(too_wide(name, limits))
    with gc_paused():
        return _layout(header, body, name, mapping or {}, limits)


def _decode(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), or UTF-16 with its BOM as
    spreadsheets save "Unicode text"; any other encoding is refused naming the row."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{name} is not readable UTF-16 text: save it as CSV UTF-8"
            ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{name} is not UTF-8 text: row {row} has the byte 0x{data[exc.start]:02x}, "
            "which UTF-8 does not allow (perhaps Latin-1 or Windows-1252); save it as CSV UTF-8"
        ) from exc
    if "\0" in text:
        row = text.count("\n", 0, text.index("\0")) + 1
        raise ImportFileError(
            f"{name} is not a text file: row {row} holds a NUL byte (a UTF-16 file without its "
            "BOM, or a binary file); save it as CSV UTF-8"
        )
    return text


def _too_long(name: str, limits: Limits) -> ImportFileError:
    return ImportFileError(
        f"{name} has more than {limits.rows:,} rows, the most a file may hold: split it"
    )


def _read_csv(data: bytes, name: str, limits: Limits) -> tuple[list[Any], Body]:
    if data.count(b"\n") > limits.rows + 1:  # before the text and its lines take memory
        raise _too_long(name, limits)
    text = _decode(data, name)
    # Rows end at \n, \r\n or \r only, as csv reads them (str.splitlines would also end them
    # at characters such as U+2028 that a comment may hold).
    lines = text.split("\n") if "\r" not in text else re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > limits.rows + 1:
        raise _too_long(name, limits)
    if not any(line.strip() for line in lines):
        raise ImportFileError(f"{name} is empty: the first row must name the columns")
    # Spreadsheets in many locales write semicolons, and a paste gives tabs.
    first = lines[0]
    delimiter = max(("\t", ";", ","), key=lambda d: (first.count(d), d == ","))
    if first.count(delimiter) == 0:
        delimiter = ","
    reader: Iterator[list[str]]
    if '"' in text or max(map(len, lines)) > csv.field_size_limit():
        # A quoted cell may hold the delimiter and line breaks: csv reads those.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    else:
        # Without quotes, csv reads a line as the line split at the delimiter: do only that.
        reader = (line.split(delimiter) if line else [] for line in lines)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{name} is not a readable CSV file: {exc}") from exc

    # A cell that an export wrote as '=... (so that no spreadsheet runs it) reads as it was.
    marked = "'" in text

    def body() -> Body:
        try:
            for number, row in rows_counted(enumerate(reader, start=2), name, limits):
                if "".join(row).strip():  # some cell is not blank
                    yield number, list(map(restored, row)) if marked else row
        except csv.Error as exc:
            raise ImportFileError(f"{name} is not a readable CSV file: {exc}") from exc

    return header, body()


def _layout(
    header: list[Any],
    body: Body,
    name: str,
    mapping: Mapping[str, str],
    limits: Limits = FILES,
) -> Rows:
    fiscal = Organization.get().fiscal_year_start
    columns: dict[str, int] = {}
    period_columns: list[tuple[int, str]] = []
    unknown: list[str] = []
    shown: list[str] = []
    for i, raw in enumerate(header):
        text = "" if raw is None else _period_text(raw).strip()
        shown.append(text)
        key = _name(raw)
        if not key:
            continue
        field_name = mapping.get(key, key)
        if field_name == IGNORE:
            continue
        if field_name in FIELDS:
            if field_name in columns:
                raise ImportFileError(f"{name}: the column '{field_name}' appears twice")
            columns[field_name] = i
            continue
        try:
            period_columns.append((i, periods.parse_period(text, fiscal).key))
        except periods.PeriodError:
            unknown.append(text)
    # A `series` column says the wide layout even when no period has a value yet (the export
    # of a database without values), which is empty and fine unless rows need a period.
    wide = (
        "period" not in columns
        and "kpi" in columns
        and (bool(period_columns) or ("series" in columns and not unknown))
    )
    if wide and not period_columns:
        first = next(body, None)
        if first is not None:
            raise ImportFileError(
                f"{name}: row {first[0]} names a KPI, but no column is a period such as 2026-01"
            )
    if wide:
        wrong = [c for c in ("actual", *OPTIONAL) if c in columns]
        if wrong:
            raise ImportFileError(
                f"{name}: a file with a column per period cannot also have the column "
                f"'{wrong[0]}'; say which series a row holds in a 'series' column"
            )
    else:
        unknown += [header_text for _, header_text in period_columns]
    if unknown:
        others = f" (nor {', '.join(repr(u) for u in unknown[1:])})" if unknown[1:] else ""
        raise UnknownColumns(
            f"{name}: column '{unknown[0]}' is not known{others}; the columns are "
            f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}, or kpi and one "
            'column per period; map other names with --map "Header=kpi,..."',
            unknown,
            "kpi" in columns,
        )
    if not wide:
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise ImportFileError(
                f"{name}: the first row must name the columns {', '.join(REQUIRED)} "
                f"(missing: {', '.join(missing)}), or kpi and one column per period"
            )
        if "series" in columns:
            raise ImportFileError(f"{name}: the 'series' column goes with a column per period")
        numbered = list(body)
        shortest = min((len(row) for _, row in numbered), default=0)
        cells = CellColumns(
            [number for number, _ in numbered],
            [_column(numbered, columns.get(f), shortest) for f in (*REQUIRED, *OPTIONAL)],
        )
        return Rows("long", cells, "comment" in columns, "red_flag" in columns, shown)
    return _wide(columns, period_columns, body, shown, (name, limits))


def _wide(
    columns: dict[str, int],
    period_columns: list[tuple[int, str]],
    body: Body,
    shown: list[str],
    limited: tuple[str, Limits],
) -> Rows:
    c_kpi, c_series = columns["kpi"], columns.get("series")
    found: dict[tuple[str, str], Cell] = {}
    cells: list[Cell] = []
    first_series: dict[tuple[str, str], int] = {}
    has_flag = False
    for number, row in body:
        code = _cell(row, c_kpi)
        series = _name(_cell(row, c_series)) or "actual"
        if code is None:
            cells.append(Cell(number, "", None, None, error="the kpi cell is empty"))
            continue
        if series not in SERIES:
            error = f"the series '{series}' is not one of {', '.join(SERIES)}"
            cells.append(Cell(number, "series", code, None, error=error))
            continue
        earlier = first_series.setdefault((str(code), series), number)
        if earlier != number:
            error = f"KPI {code} {series} is already on row {earlier}"
            cells.append(Cell(number, "", code, None, error=error))
            continue
        has_flag = has_flag or series == "red_flag"
        for index, key in period_columns:
            value = _cell(row, index)
            if value is None:
                continue
            cell = found.get((str(code), key))
            if cell is None:
                cell = found[(str(code), key)] = Cell(number, key, code, key)
                cells.append(cell)
                if len(cells) > limited[1].cells:
                    raise ImportFileError(too_many_cells(*limited))
            setattr(cell, series, value)
    return Rows("wide", cells, False, has_flag, shown)


def _column(
    numbered: list[tuple[int, Sequence[Any]]], index: int | None, shortest: int
) -> list[Any]:
    """One column's cells as _cell gives them, for all rows at once."""
    if index is None:
        return [None] * len(numbered)
    if index < shortest:
        raw = [row[index] for _, row in numbered]
    else:
        raw = [row[index] if index < len(row) else None for _, row in numbered]
    return [(v.strip() or None) if isinstance(v, str) else v for v in raw]


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def number(value: Any, name: str) -> float:
    """A cell as a finite number; text may use spaces or commas between thousands."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value}")
    if isinstance(value, int | float):
        result = float(value)
    else:
        text = str(value).replace(" ", "").replace("\u00a0", "")
        if THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # a decimal comma: 12,5
        try:
            result = float(text)
        except ValueError:
            raise ValueError(f"{name} '{value}' is not a number") from None
    if not math.isfinite(result):
        raise ValueError(f"{name} '{value}' is not a finite number")
    return result


def _period_text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}"  # a spreadsheet turned 2026-03 into a date
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
