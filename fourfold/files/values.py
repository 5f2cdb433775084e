"""Values and targets in CSV or XLSX, all rows or none: read → plan → (preview) → commit.

Two layouts, told apart by the header. The long one has a row per KPI and period
(`kpi, period, actual` and optionally `target, red_flag, comment`); the wide one has a row per
KPI, a first column `kpi`, an optional `series` column (actual, target or red_flag) and one
column per period key. Headers that differ can be mapped onto these names (`Measure → kpi`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F

from fourfold.audit.models import record
from fourfold.core import periods, scoring
from fourfold.measures.models import KPI, Measurement, Source, Target
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets
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
# A value such as 1,234,567.5: commas that only separate thousands.
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")

# Why a KPI's row is refused for this user, or None when they may write it.
Refusal = Callable[["KpiInfo"], "str | None"]


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


@dataclass
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


@dataclass
class Rows:
    layout: str  # "long" or "wide"
    cells: list[Cell]
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
    return _layout(header, body, name, mapping or {})


def _read_csv(data: bytes, name: str) -> tuple[list[Any], Iterator[tuple[int, tuple[Any, ...]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{name} is not UTF-8 text: save it as CSV UTF-8") from exc
    lines = text.splitlines()
    if not lines:
        raise ImportFileError(f"{name} is empty: the first row must name the columns")
    # Spreadsheets in many locales write semicolons, and a paste gives tabs.
    first = lines[0]
    delimiter = max(("\t", ";", ","), key=lambda d: (first.count(d), d == ","))
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)

    def body() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, tuple(row)

    return header, body()


def _read_xlsx(data: bytes, name: str) -> tuple[list[Any], Iterator[tuple[int, tuple[Any, ...]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{name} is not a readable XLSX workbook") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(f"{name} is empty: the first row must name the columns")

    def body() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, row in enumerate(rows, start=2):
            if any(cell is not None and str(cell).strip() for cell in row):
                yield number, tuple(row)
        book.close()

    return list(header), body()


def _layout(
    header: list[Any],
    body: Iterator[tuple[int, tuple[Any, ...]]],
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
    wide = "period" not in columns and "kpi" in columns and bool(period_columns)
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
        c = columns
        cells = [
            Cell(
                number,
                "",
                _cell(row, c["kpi"]),
                _cell(row, c["period"]),
                _cell(row, c["actual"]),
                _cell(row, c.get("target")),
                _cell(row, c.get("red_flag")),
                _cell(row, c.get("comment")),
            )
            for number, row in body
        ]
        return Rows("long", cells, "comment" in c, "red_flag" in c, shown)
    return _wide(columns, period_columns, body, shown)


def _wide(
    columns: dict[str, int],
    period_columns: list[tuple[int, str]],
    body: Iterator[tuple[int, tuple[Any, ...]]],
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


def _cell(row: tuple[Any, ...], index: int | None) -> Any:
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


def kpi_infos() -> dict[str, tuple[KPI, KpiInfo]]:
    kpis = (
        KPI.objects.filter(archived=False)
        .select_related("scheme")
        .annotate(unit_pk=F("objective__perspective__scorecard__unit_id"))
        .only(
            "id",
            "code",
            "name",
            "owner_id",
            "frequency",
            "direction",
            "tolerance",
            "formula",
            "scheme__type",
            "scheme__name",
            "scheme__statuses",
            "scheme__mins",
        )
    )
    return {k.code: (k, KpiInfo(k.pk, k.code, k.name, k.unit_pk, k.owner_id)) for k in kpis}


def plan(
    rows: Rows, *, refuse_value: Refusal | None = None, refuse_target: Refusal | None = None
) -> Plan:
    """Check every row; what would be written is in the plan only if no row is wrong."""
    fiscal = Organization.get().fiscal_year_start
    kpis = kpi_infos()
    schemes = {k.scheme.name: k.scheme.to_core() for k, _ in kpis.values()}
    parsed: dict[str, periods.Period | str] = {}
    seen: dict[tuple[str, str], int] = {}
    result = Plan()
    pending_targets: list[tuple[KPI, str, float, float | None]] = []
    values: list[ValueEntry] = []

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
            if kpi.scheme.type == "yes_no" and actual_n not in (0, 1):
                problem(f"KPI {kpi.code} is yes / no: its actual is 1 or 0")
                continue
            comment = "" if cell.comment is None else str(cell.comment)
            values.append(ValueEntry(kpi.pk, period.key, actual_n, comment))
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
                    schemes[kpi.scheme.name], kpi.direction, target=target_n, red_flag=flag_n
                )
            except scoring.TargetError as exc:
                problem(str(exc))
                continue
            pending_targets.append((kpi, period.key, target_n, flag_n))
        result.kpis[kpi.pk] = info
    if result.problems:
        result.kpis = {}
        return result
    if values and not rows.has_comment:
        # A file without comments leaves the comments already written alone.
        comments = {
            (k, p): c
            for k, p, c in Measurement.objects.filter(
                kpi_id__in={v.kpi_id for v in values}
            ).values_list("kpi_id", "period", "comment")
        }
        values = [
            ValueEntry(v.kpi_id, v.period, v.value, comments.get((v.kpi_id, v.period), ""))
            for v in values
        ]
    result.values = values
    if pending_targets:
        existing = {
            (t.kpi_id, t.period): t
            for t in Target.objects.filter(kpi_id__in={p[0].pk for p in pending_targets})
        }
        for kpi, period_key, target_n, flag_n in pending_targets:
            old = existing.get((kpi.pk, period_key))
            fields = {f: (getattr(old, f) if old else None) for f in Target.FIELDS}
            fields.update(target=target_n, red_flag=flag_n)
            result.targets.append(
                TargetEntry(kpi.pk, period_key, tuple(fields[f] for f in Target.FIELDS))
            )
    return result


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
