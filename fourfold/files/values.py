"""Values and targets in CSV or XLSX, all rows or none: read → plan → (preview) → commit.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, cast, overload

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fourfold.audit.models import record
from fourfold.core import periods, scoring
from fourfold.measures.models import KPI, Measurement, Scheme, Source, Target
from fourfold.measures.services import (
    TargetEntry,
    ValueEntry,
    record_values,
    set_targets,
)
from fourfold.memory import gc_paused
from fourfold.strategy.models import Organization

REQUIRED = ("kpi", "period", "actual")
OPTIONAL = ("target", "red_flag", "comment")
SERIES = ("actual", "target", "red_flag")
FIELDS = (*REQUIRED, *OPTIONAL, "series")
IGNORE = "-"
NATIVE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
TARGET_KINDS = {
    "monthly": ("month", "quarter", "year"),
    "quarterly": ("quarter", "year"),
    "yearly": ("year",),
}
MAX_BYTES = 20 * 1024 * 1024
# KPIs per query when reading the comments already written (SQLite allows 32,766 parameters).
COMMENT_CHUNK = 10_000
# A value such as 1,234,567.5: commas that only separate thousands.
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")

# Why a KPI's row is refused for this user, or None when they may write it.
Refusal = Callable[["KpiInfo"], "str | None"]


# The rows under the header, numbered as in the file (the header is row 1).
Body = Iterator[tuple[int, Sequence[Any]]]


class ImportFileError(Exception):
    """The file as a whole cannot be read: missing, wrong format, wrong header."""


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


@dataclass(frozen=True)
class KpiInfo:
    id: int
    code: str
    name: str
    unit_id: int
    owner_id: int | None


@dataclass
class Plan:
    values: list[ValueEntry] = field(default_factory=list)
    targets: list[TargetEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    kpis: dict[int, KpiInfo] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{len(self.values)} values and {len(self.targets)} targets."


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


def read(path: Path, mapping: Mapping[str, str] | None = None) -> Rows:
    if not path.exists():
        raise ImportFileError(f"there is no file {path}")
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ImportFileError(f"{path.name} is neither a .csv nor an .xlsx file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror}") from exc
    return read_bytes(data, path.name, mapping)


def read_bytes(data: bytes, name: str, mapping: Mapping[str, str] | None = None) -> Rows:
    """Read an uploaded or stored file's content; its name tells CSV from XLSX."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, body = _read_xlsx(data, name)
    elif suffix in (".csv", ".txt"):
        header, body = _read_csv(data, name)
    else:
        raise ImportFileError(f"{name} is neither a .csv nor an .xlsx file")
    with gc_paused():
        return _layout(header, body, name, mapping or {})


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


def _read_csv(data: bytes, name: str) -> tuple[list[Any], Body]:
    text = _decode(data, name)
    # Rows end at \n, \r\n or \r only, as csv reads them (str.splitlines would also end them
    # at characters such as U+2028 that a comment may hold).
    lines = text.split("\n") if "\r" not in text else re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
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

    def body() -> Body:
        try:
            for number, row in enumerate(reader, start=2):
                if "".join(row).strip():  # some cell is not blank
                    yield number, row
        except csv.Error as exc:
            raise ImportFileError(f"{name} is not a readable CSV file: {exc}") from exc

    return header, body()


# A formula cell whose result was never computed and saved (as openpyxl and other libraries
# write them): its value reads as empty. A formula whose result is text says t="str".
_UNCOMPUTED = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)"
)
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([^"]+)"')
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_TEXT_RESULT = re.compile(rb'\bt="(?:str|inlineStr|s)"')


def _check_sheet_xml(data: bytes, path: str | None, name: str, sheet: str) -> None:
    """Refuse what reading the cells' values would get silently wrong: merged cells (every cell
    but the first reads as empty) and formulas whose results were never saved."""
    if path is None:
        return
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path)
    except (zipfile.BadZipFile, KeyError, OSError):
        return
    where = f"{name}, sheet '{sheet}'"
    if b"mergeCell" in xml and (merged := _MERGED.search(xml)):
        raise ImportFileError(
            f"{where}: cells {merged.group(1).decode()} are merged; unmerge them and fill in "
            "every cell, as each row needs its own kpi, period and numbers"
        )
    if b"<f" in xml or b":f" in xml:
        for found in _UNCOMPUTED.finditer(xml):
            attributes = found.group(1)
            if _TEXT_RESULT.search(attributes):
                continue
            ref = _REF.search(attributes)
            cell = f"cell {ref.group(1).decode()}" if ref else "a cell"
            raise ImportFileError(
                f"{where}: {cell} holds a formula whose result was never saved (the program that "
                "wrote the file does not compute formulas); open and save it in a spreadsheet "
                "application, or write the numbers"
            )


def _read_xlsx(data: bytes, name: str) -> tuple[list[Any], Body]:
    """The first sheet that has any cell filled, its first row being the header."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook") from exc
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is not None and any(cell is not None for cell in header):
            break
    else:
        book.close()
        raise ImportFileError(
            f"{name} is empty: the first row of its first sheet must name the columns"
        )
    try:
        _check_sheet_xml(data, getattr(sheet, "_worksheet_path", None), name, sheet.title)
    except ImportFileError:
        book.close()
        raise

    def body() -> Body:
        for number, row in enumerate(rows, start=2):
            if any(cell is not None and str(cell).strip() for cell in row):
                yield number, tuple(row)
        book.close()

    return list(header), body()


def _layout(
    header: list[Any],
    body: Body,
    name: str,
    mapping: Mapping[str, str],
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
    return _wide(columns, period_columns, body, shown)


def _wide(
    columns: dict[str, int],
    period_columns: list[tuple[int, str]],
    body: Body,
    shown: list[str],
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


# Planning


def calculated_problem(code: str, formula: str) -> str:
    """Why a calculated KPI takes no value, in the words of every way values come in."""
    return (
        f"KPI {code} is calculated from its formula ({formula}): it takes no values, only targets"
    )


@dataclass(frozen=True, slots=True)
class KpiRules:
    """What the checks of a row need to know of its KPI."""

    pk: int
    code: str
    frequency: str
    direction: str
    formula: str
    scheme_type: str
    scheme_name: str


def kpi_infos() -> dict[str, tuple[KpiRules, KpiInfo]]:
    """Every live KPI by code: what the checks need, and who may write it."""
    rows = KPI.objects.filter(archived=False).values_list(
        "id",
        "code",
        "name",
        "objective__perspective__scorecard__unit_id",
        "owner_id",
        "frequency",
        "direction",
        "formula",
        "scheme__type",
        "scheme__name",
    )
    found: dict[str, tuple[KpiRules, KpiInfo]] = {}
    for pk, code, name, unit_id, owner_id, *rules in rows:
        found[code] = (KpiRules(pk, code, *rules), KpiInfo(pk, code, name, unit_id, owner_id))
    return found


@dataclass
class _Checked:
    """What the rows' checks found: problems, or the values (as columns) and targets."""

    problems: list[RowProblem] = field(default_factory=list)
    value_kpis: list[int] = field(default_factory=list)
    value_periods: list[str] = field(default_factory=list)
    value_numbers: list[float] = field(default_factory=list)
    value_comments: list[str] | None = None  # None: the file has no comment column
    targets: list[tuple[KpiRules, str, float, float | None]] = field(default_factory=list)
    kpis: dict[int, KpiInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rules:
    kpis: dict[str, tuple[KpiRules, KpiInfo]]
    schemes: dict[str, scoring.Scheme]
    fiscal: int
    refuse_value: Refusal | None
    refuse_target: Refusal | None


def plan(
    rows: Rows, *, refuse_value: Refusal | None = None, refuse_target: Refusal | None = None
) -> Plan:
    """Check every row; what would be written is in the plan only if no row is wrong.

    The rows are checked column by column (each KPI code, period text and KPI verdict once);
    only when some row is wrong, or unusual, are they gone through one by one to word every
    problem. Both ways apply the same rules.
    """
    rules = _Rules(
        kpi_infos(),
        {scheme.name: scheme.to_core() for scheme in Scheme.objects.all()},
        Organization.get().fiscal_year_start,
        refuse_value,
        refuse_target,
    )
    with gc_paused():
        return _plan(rows, rules)


def _plan(rows: Rows, rules: _Rules) -> Plan:
    checked = _check_in_bulk(rows, rules) or _check_each_row(rows, rules)
    if checked.problems:
        return Plan(problems=checked.problems)
    result = Plan(kpis=checked.kpis)
    kpi_ids, keys = checked.value_kpis, checked.value_periods
    comments = checked.value_comments
    if comments is None:
        # A file without comments leaves the comments already written alone.
        kept = _comments(set(kpi_ids))
        pairs = zip(kpi_ids, keys, strict=True)
        comments = [kept.get(pair, "") for pair in pairs] if kept else [""] * len(keys)
    result.values = list(map(ValueEntry, kpi_ids, keys, checked.value_numbers, comments))
    if checked.targets:
        existing = {
            (t.kpi_id, t.period): t
            for t in Target.objects.filter(kpi_id__in={p[0].pk for p in checked.targets})
        }
        misfits: dict[tuple[str, str], str] = {}
        for kpi, period_key, target_n, flag_n in checked.targets:
            old = existing.get((kpi.pk, period_key))
            fields = {f: (getattr(old, f) if old else None) for f in Target.FIELDS}
            if not rows.has_red_flag and old is not None and old.red_flag is not None:
                # A file without red flags leaves those set alone, as it does comments; the
                # red flag kept must still fit the new target.
                flag_n = old.red_flag
                try:
                    scoring.check_target(
                        rules.schemes[kpi.scheme_name],
                        kpi.direction,
                        target=target_n,
                        red_flag=flag_n,
                    )
                except scoring.TargetError as exc:
                    misfits[(kpi.code, period_key)] = (
                        f"KPI {kpi.code} keeps its red flag {flag_n:g} for {period_key}, which "
                        f"the new target {target_n:g} does not allow ({exc}); add a red_flag "
                        "column with the red flag that goes with it"
                    )
            fields.update(target=target_n, red_flag=flag_n)
            result.targets.append(
                TargetEntry(kpi.pk, period_key, tuple(fields[f] for f in Target.FIELDS))
            )
        if misfits:
            return Plan(problems=_placed(misfits, rows, rules.fiscal))
    return result


def _placed(problems: dict[tuple[str, str], str], rows: Rows, fiscal: int) -> list[RowProblem]:
    """Problems found by KPI code and period, placed on the rows that hold them."""
    out = []
    for cell in rows.cells:
        try:
            key = periods.parse_period(_period_text(cell.period), fiscal).key
        except periods.PeriodError:
            continue
        message = problems.get((str(cell.code), key))
        if message is not None:
            out.append(RowProblem(cell.row, message, cell.column or "target"))
    return out


def _comments(kpi_ids: set[int]) -> dict[tuple[int, str], str]:
    """The comments written so far on these KPIs' values (only those that say something)."""
    ids = sorted(kpi_ids)
    found: dict[tuple[int, str], str] = {}
    for start in range(0, len(ids), COMMENT_CHUNK):
        rows = (
            Measurement.objects.filter(kpi_id__in=ids[start : start + COMMENT_CHUNK])
            .exclude(comment="")
            .values_list("kpi_id", "period", "comment")
        )
        found.update(((k, p), c) for k, p, c in rows)
    return found


def _check_each_row(rows: Rows, rules: _Rules) -> _Checked:
    """Every check, row after row, worded for the row and column where it fails."""
    kpis, fiscal = rules.kpis, rules.fiscal
    refuse_value, refuse_target = rules.refuse_value, rules.refuse_target
    parsed: dict[str, periods.Period | str] = {}
    seen: dict[tuple[str, str], int] = {}
    result = _Checked(value_comments=[] if rows.has_comment else None)

    for cell in rows.cells:
        number_, column = cell.row, cell.column

        def problem(message: str, at: str = column, row: int = number_) -> None:
            result.problems.append(RowProblem(row, message, at))

        if cell.error:
            problem(cell.error)
            continue
        if cell.code is None:
            problem("the kpi cell is empty", "")
            continue
        found = kpis.get(str(cell.code))
        if found is None:
            problem(f"there is no KPI '{cell.code}'", "")
            continue
        kpi, info = found
        if cell.period is None:
            problem("the period cell is empty")
            continue
        text = _period_text(cell.period)
        period = parsed.get(text)
        if period is None:
            try:
                period = periods.parse_period(text, fiscal)
            except periods.PeriodError as exc:
                period = str(exc)
            parsed[text] = period
        if isinstance(period, str):
            problem(period)
            continue
        key = (kpi.code, period.key)
        if key in seen:
            problem(f"KPI {kpi.code} {period.key} is already on row {seen[key]}")
            continue
        seen[key] = number_
        try:
            actual_n = None if cell.actual is None else number(cell.actual, "actual")
            target_n = None if cell.target is None else number(cell.target, "target")
            flag_n = None if cell.red_flag is None else number(cell.red_flag, "red_flag")
        except ValueError as exc:
            problem(str(exc))
            continue
        if actual_n is None and target_n is None:
            problem("the actual is empty" if flag_n is None else "a red_flag needs a target")
            continue
        if actual_n is not None:
            refusal = refuse_value(info) if refuse_value else None
            if refusal:
                problem(refusal)
                continue
            if kpi.formula:
                problem(calculated_problem(kpi.code, kpi.formula))
                continue
            if period.kind != NATIVE[kpi.frequency]:
                problem(
                    f"KPI {kpi.code} is reported {kpi.frequency}, so its period is a "
                    f"{NATIVE[kpi.frequency]}, not {period.key}"
                )
                continue
            if kpi.scheme_type == "yes_no" and actual_n not in (0, 1):
                problem(f"KPI {kpi.code} is yes / no: its actual is 1 or 0")
                continue
            result.value_kpis.append(kpi.pk)
            result.value_periods.append(period.key)
            result.value_numbers.append(actual_n)
            if result.value_comments is not None:
                result.value_comments.append("" if cell.comment is None else str(cell.comment))
        if flag_n is not None and target_n is None:
            problem("a red_flag needs a target in the same row")
            continue
        if target_n is not None:
            refusal = refuse_target(info) if refuse_target else None
            if refusal:
                problem(refusal)
                continue
            if period.kind not in TARGET_KINDS[kpi.frequency]:
                problem(f"KPI {kpi.code} cannot have a target for {period.key}")
                continue
            if kpi.direction == "range":
                problem(
                    f"KPI {kpi.code} is scored on a range: "
                    "set its low and high in the scorecard file"
                )
                continue
            try:
                scoring.check_target(
                    rules.schemes[kpi.scheme_name], kpi.direction, target=target_n, red_flag=flag_n
                )
            except scoring.TargetError as exc:
                problem(str(exc))
                continue
            result.targets.append((kpi, period.key, target_n, flag_n))
        result.kpis[kpi.pk] = info
    return result


# The types a period cell may hold for the checks in bulk: equal values of these types are
# written alike by _period_text (True == 1 is why bool is not among them).
PERIOD_TYPES = frozenset({str, int, float, dt.date, dt.datetime})
KINDS = ("month", "quarter", "year", "ytd")


def _check_in_bulk(rows: Rows, rules: _Rules) -> _Checked | None:
    """The checks of _check_each_row column by column, for files where every row is fine.

    None as soon as a row is wrong or unusual (an error found while reading, a code that is no
    KPI's, a period or a number that needs the careful reading): the caller then goes through
    the rows one by one, which words each problem.
    """
    cells = rows.cells
    n = len(cells)
    if isinstance(cells, CellColumns):
        columns = [cells.code, cells.period, cells.actual, cells.target, cells.red_flag]
        comment_column = cells.comment
    elif any(cell.error for cell in cells):
        return None
    else:
        columns = [[getattr(cell, f) for cell in cells] for f in ("code", "period", *SERIES)]
        comment_column = [cell.comment for cell in cells]
    if n == 0:
        return None
    codes, raw_periods, actual_column, target_column, flag_column = columns
    found: dict[str, tuple[KpiRules, KpiInfo]] = {}
    for code in dict.fromkeys(codes):
        known = rules.kpis.get(code) if type(code) is str else None
        if known is None:
            return None
        found[code] = known
    parsed: dict[Any, periods.Period] = {}
    for raw in dict.fromkeys(raw_periods):
        if type(raw) not in PERIOD_TYPES:
            return None
        try:
            parsed[raw] = periods.parse_period(_period_text(raw), rules.fiscal)
        except periods.PeriodError:
            return None
    actuals, targets, flags = map(_floats, (actual_column, target_column, flag_column))
    if actuals is None or targets is None or flags is None:
        return None

    # Each distinct KPI and period once, then the rows as indexes into them.
    kpi_list = list(found.values())
    kpi_index = {code: i for i, code in enumerate(found)}
    keys = list(dict.fromkeys(p.key for p in parsed.values()))
    key_index = {key: j for j, key in enumerate(keys)}
    kind_of_key = {p.key: KINDS.index(p.kind) for p in parsed.values()}
    period_index = {raw: key_index[p.key] for raw, p in parsed.items()}
    k = np.array([kpi_index[code] for code in codes], dtype=np.int64)
    p = np.array([period_index[raw] for raw in raw_periods], dtype=np.int64)
    pairs = np.sort(k * len(keys) + p)
    if (pairs[1:] == pairs[:-1]).any():
        return None  # a KPI and period twice
    kind = np.array([kind_of_key[key] for key in keys], dtype=np.int64)[p]
    has_actual, actual = _present(actuals)
    has_target, _ = _present(targets)
    has_flag, _ = _present(flags)
    if (~has_actual & ~has_target).any() or (has_flag & ~has_target).any():
        return None

    if has_actual.any():
        refuse = rules.refuse_value
        used = np.bincount(k[has_actual], minlength=len(kpi_list)) > 0
        takes = np.array(
            [
                not used[i] or not (kpi.formula or (refuse and refuse(info)))
                for i, (kpi, info) in enumerate(kpi_list)
            ],
            dtype=np.bool_,
        )
        native = np.array([KINDS.index(NATIVE[kpi.frequency]) for kpi, _ in kpi_list])
        yes_no = np.array([kpi.scheme_type == "yes_no" for kpi, _ in kpi_list], dtype=np.bool_)
        wrong = ~takes[k] | (native[k] != kind) | (yes_no[k] & (actual != 0) & (actual != 1))
        if (has_actual & wrong).any():
            return None
    checked = _Checked()
    if has_target.any():
        refuse = rules.refuse_target
        used = np.bincount(k[has_target], minlength=len(kpi_list)) > 0
        allowed = np.zeros((len(kpi_list), len(KINDS)), dtype=np.bool_)
        for i, (kpi, info) in enumerate(kpi_list):
            if used[i] and kpi.direction != "range" and not (refuse and refuse(info)):
                allowed[i] = [name in TARGET_KINDS[kpi.frequency] for name in KINDS]
        if (has_target & ~allowed[k, kind]).any():
            return None
        k_list, p_list = k.tolist(), p.tolist()
        for i in np.flatnonzero(has_target).tolist():
            kpi, target_n, flag_n = kpi_list[k_list[i]][0], targets[i], flags[i]
            try:
                scoring.check_target(
                    rules.schemes[kpi.scheme_name], kpi.direction, target=target_n, red_flag=flag_n
                )
            except scoring.TargetError:
                return None
            checked.targets.append((kpi, keys[p_list[i]], cast(float, target_n), flag_n))

    pks = [kpi.pk for kpi, _ in kpi_list]
    checked.kpis = {info.id: info for _, info in kpi_list}
    comments = comment_column if rows.has_comment else None
    if not has_actual.all():
        chosen = np.flatnonzero(has_actual)
        k, p = k[chosen], p[chosen]
        actuals = [actuals[i] for i in chosen.tolist()]
        comments = [comments[i] for i in chosen.tolist()] if comments is not None else None
    checked.value_kpis = [pks[i] for i in k.tolist()]
    checked.value_periods = [keys[j] for j in p.tolist()]
    checked.value_numbers = cast(list[float], actuals)
    if comments is not None:
        checked.value_comments = ["" if c is None else str(c) for c in comments]
    return checked


def _floats(column: list[Any]) -> list[float | None] | None:
    """A column's cells as numbers, exactly as `number` reads them; None when some cell needs
    `number`'s careful reading (a thousands separator, a decimal comma, text that is no number,
    a number that is not finite) or is unusual (True, a date)."""
    types = set(map(type, column))
    if not types <= {str, int, float, type(None)}:
        return None
    present = [v for v in column if v is not None] if type(None) in types else column
    if not present:
        return cast(list[float | None], column)
    try:
        # float() refuses commas and inner spaces: the only text that `number` rewrites.
        numbers = list(map(float, present))
    except (ValueError, OverflowError):
        return None
    if not np.isfinite(np.array(numbers, dtype=np.float64)).all():
        return None
    if len(numbers) == len(column):
        return cast(list[float | None], numbers)
    it = iter(numbers)
    return [None if v is None else next(it) for v in column]


def _present(column: list[float | None]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which cells hold a number, and the numbers (NaN where a cell is empty)."""
    n, missing = len(column), column.count(None)
    if missing == 0:
        return np.ones(n, dtype=np.bool_), np.array(column, dtype=np.float64)
    if missing == n:
        return np.zeros(n, dtype=np.bool_), np.full(n, np.nan)
    values = np.array([np.nan if v is None else v for v in column], dtype=np.float64)
    return ~np.isnan(values), values


# Preview


@dataclass(frozen=True)
class Change:
    kpi: str
    name: str
    period: str
    what: str  # "actual" or "target"
    old: str
    new: str


@dataclass
class Preview:
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _show(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def preview(plan: Plan) -> Preview:
    """What committing the plan would create and change, before anything is written."""
    out = Preview()
    kpi_ids = set(plan.kpis)
    values = {
        (k, p): (v, c)
        for k, p, v, c in Measurement.objects.filter(kpi_id__in=kpi_ids).values_list(
            "kpi_id", "period", "value", "comment"
        )
    }
    targets = {
        (k, p): (t, r)
        for k, p, t, r in Target.objects.filter(kpi_id__in=kpi_ids).values_list(
            "kpi_id", "period", "target", "red_flag"
        )
    }
    for v in plan.values:
        info = plan.kpis[v.kpi_id]
        old = values.get((v.kpi_id, v.period))
        new = _show(v.value) + (f" ({v.comment})" if v.comment else "")
        if old is None:
            out.created.append(Change(info.code, info.name, v.period, "actual", "—", new))
        elif old[0] != v.value or (old[1] or "") != v.comment:
            was = _show(old[0]) + (f" ({old[1]})" if old[1] else "")
            out.changed.append(Change(info.code, info.name, v.period, "actual", was, new))
        else:
            out.unchanged += 1
    for t in plan.targets:
        info = plan.kpis[t.kpi_id]
        target, flag = t.fields[0], t.fields[1]
        new = _show(target) + (f", red flag {_show(flag)}" if flag is not None else "")
        old_t = targets.get((t.kpi_id, t.period))
        if old_t is None:
            out.created.append(Change(info.code, info.name, t.period, "target", "—", new))
        elif old_t != (target, flag):
            flag_was = f", red flag {_show(old_t[1])}" if old_t[1] is not None else ""
            was = _show(old_t[0]) + flag_was
            out.changed.append(Change(info.code, info.name, t.period, "target", was, new))
        else:
            out.unchanged += 1
    return out


# Writing


def commit(
    plan: Plan,
    *,
    actor: AbstractBaseUser | None,
    source_name: str,
    write_values: Callable[..., Any] | None = None,
) -> str:
    """Write the plan in one transaction; `write_values` may route values elsewhere."""
    reason = f"imported from {source_name}"
    with transaction.atomic():
        if write_values is None:
            values = record_values(
                plan.values,
                actor=actor,
                source=Source.FILE,
                source_detail=source_name,
                reason=reason,
            )
            held = 0
        else:
            values, held = write_values(plan.values, source_name=source_name, reason=reason)
        targets = set_targets(plan.targets, actor=actor, source=Source.FILE, reason=reason)
        summary = (
            f"{values.created} values created, {values.changed} changed, "
            f"{values.unchanged} unchanged; {targets.created} targets created, "
            f"{targets.changed} changed, {targets.unchanged} unchanged."
        )
        if held:
            summary += f" {held} values wait for their owner's approval."
        if values.created or values.changed or targets.created or targets.changed or held:
            record(actor, "import", f"Imported {source_name}: {summary}", file=source_name)
    return summary
