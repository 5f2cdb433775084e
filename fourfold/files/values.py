"""`fourfold import`: values (and targets) from CSV or XLSX, all rows or none."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fourfold.audit.models import record
from fourfold.core import periods, scoring
from fourfold.measures.models import KPI, Source, Target
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets
from fourfold.strategy.models import Organization

REQUIRED = ("kpi", "period", "actual")
OPTIONAL = ("target", "red_flag", "comment")
NATIVE = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
TARGET_KINDS = {
    "monthly": ("month", "quarter", "year"),
    "quarterly": ("quarter", "year"),
    "yearly": ("year",),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read: missing, wrong format, wrong header."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class Rows:
    columns: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]


@dataclass
class Plan:
    values: list[ValueEntry] = field(default_factory=list)
    targets: list[TargetEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.values)} values and {len(self.targets)} targets."


def read(path: Path) -> Rows:
    if not path.exists():
        raise ImportFileError(f"there is no file {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, body = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        header, body = _read_csv(path)
    else:
        raise ImportFileError(f"{path.name} is neither a .csv nor an .xlsx file")
    columns = _columns(header, path)
    return Rows(columns, list(body))


def _read_csv(path: Path) -> tuple[list[Any], Iterator[tuple[int, tuple[Any, ...]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not UTF-8 text: save it as CSV UTF-8") from exc
    lines = text.splitlines()
    if not lines:
        raise ImportFileError(f"{path.name} is empty: the first row must name the columns")
    # Spreadsheets in many locales write semicolons; the header tells which one this is.
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)

    def body() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, tuple(row)

    return header, body()


def _read_xlsx(path: Path) -> tuple[list[Any], Iterator[tuple[int, tuple[Any, ...]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name} is not a readable XLSX workbook") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(f"{path.name} is empty: the first row must name the columns")

    def body() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, row in enumerate(rows, start=2):
            if any(cell is not None and str(cell).strip() for cell in row):
                yield number, tuple(row)
        book.close()

    return list(header), body()


def _columns(header: list[Any], path: Path) -> dict[str, int]:
    names = [str(h).strip().lower().replace(" ", "_") if h is not None else "" for h in header]
    columns: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            continue
        if name not in REQUIRED + OPTIONAL:
            raise ImportFileError(
                f"{path.name}: column '{header[i]}' is not known; the columns are "
                f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"
            )
        if name in columns:
            raise ImportFileError(f"{path.name}: the column '{name}' appears twice")
        columns[name] = i
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            f"{path.name}: the first row must name the columns {', '.join(REQUIRED)} "
            f"(missing: {', '.join(missing)})"
        )
    return columns


def _cell(row: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(" ", ""))
        except ValueError:
            raise ValueError(f"{name} '{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} '{value}' is not a finite number")
    return number


def _period_text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}"  # a spreadsheet turned 2026-03 into a date
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plan(rows: Rows) -> Plan:
    """Check every row; what would be written is in the plan only if no row is wrong."""
    fiscal = Organization.get().fiscal_year_start
    kpis = {
        k.code: k
        for k in KPI.objects.filter(archived=False)
        .select_related("scheme")
        .only(
            "id",
            "code",
            "frequency",
            "direction",
            "tolerance",
            "scheme__type",
            "scheme__name",
            "scheme__statuses",
            "scheme__mins",
        )
    }
    schemes = {k.scheme.name: k.scheme.to_core() for k in kpis.values()}
    cols = rows.columns
    c_kpi, c_period, c_actual = cols["kpi"], cols["period"], cols["actual"]
    c_target, c_flag, c_comment = cols.get("target"), cols.get("red_flag"), cols.get("comment")
    parsed: dict[str, periods.Period | str] = {}
    seen: dict[tuple[str, str], int] = {}
    result = Plan()
    pending_targets: list[tuple[int, KPI, str, float, float | None]] = []
    for number, row in rows.rows:
        code = _cell(row, c_kpi)
        if code is None:
            result.problems.append(RowProblem(number, "the kpi cell is empty"))
            continue
        kpi = kpis.get(str(code))
        if kpi is None:
            result.problems.append(RowProblem(number, f"there is no KPI '{code}'"))
            continue
        raw_period = _cell(row, c_period)
        if raw_period is None:
            result.problems.append(RowProblem(number, "the period cell is empty"))
            continue
        text = _period_text(raw_period)
        period = parsed.get(text)
        if period is None:
            try:
                period = periods.parse_period(text, fiscal)
            except periods.PeriodError as exc:
                period = str(exc)
            parsed[text] = period
        if isinstance(period, str):
            result.problems.append(RowProblem(number, period))
            continue
        key = (kpi.code, period.key)
        if key in seen:
            result.problems.append(
                RowProblem(number, f"KPI {kpi.code} {period.key} is already on row {seen[key]}")
            )
            continue
        seen[key] = number
        try:
            actual = _cell(row, c_actual)
            target = _cell(row, c_target)
            flag = _cell(row, c_flag)
            actual_n = None if actual is None else _number(actual, "actual")
            target_n = None if target is None else _number(target, "target")
            flag_n = None if flag is None else _number(flag, "red_flag")
        except ValueError as exc:
            result.problems.append(RowProblem(number, str(exc)))
            continue
        if actual_n is None and target_n is None:
            result.problems.append(RowProblem(number, "the actual is empty"))
            continue
        if actual_n is not None:
            if period.kind != NATIVE[kpi.frequency]:
                result.problems.append(
                    RowProblem(
                        number,
                        f"KPI {kpi.code} is reported {kpi.frequency}, so its period is a "
                        f"{NATIVE[kpi.frequency]}, not {period.key}",
                    )
                )
                continue
            if kpi.scheme.type == "yes_no" and actual_n not in (0, 1):
                result.problems.append(
                    RowProblem(number, f"KPI {kpi.code} is yes / no: its actual is 1 or 0")
                )
                continue
            comment = _cell(row, c_comment)
            result.values.append(
                ValueEntry(kpi.pk, period.key, actual_n, "" if comment is None else str(comment))
            )
        if flag_n is not None and target_n is None:
            result.problems.append(RowProblem(number, "a red_flag needs a target in the same row"))
            continue
        if target_n is not None:
            if period.kind not in TARGET_KINDS[kpi.frequency]:
                result.problems.append(
                    RowProblem(number, f"KPI {kpi.code} cannot have a target for {period.key}")
                )
                continue
            if kpi.direction == "range":
                result.problems.append(
                    RowProblem(
                        number,
                        f"KPI {kpi.code} is scored on a range: "
                        "set its low and high in the scorecard file",
                    )
                )
                continue
            try:
                scoring.check_target(
                    schemes[kpi.scheme.name], kpi.direction, target=target_n, red_flag=flag_n
                )
            except scoring.TargetError as exc:
                result.problems.append(RowProblem(number, str(exc)))
                continue
            pending_targets.append((number, kpi, period.key, target_n, flag_n))
    if pending_targets and not result.problems:
        existing = {
            (t.kpi_id, t.period): t
            for t in Target.objects.filter(kpi_id__in={p[1].pk for p in pending_targets})
        }
        for _, kpi, period_key, target_n, flag_n in pending_targets:
            old = existing.get((kpi.pk, period_key))
            fields = {f: (getattr(old, f) if old else None) for f in Target.FIELDS}
            fields.update(target=target_n, red_flag=flag_n)
            result.targets.append(
                TargetEntry(kpi.pk, period_key, tuple(fields[f] for f in Target.FIELDS))
            )
    if result.problems:
        result.values, result.targets = [], []
    return result


def commit(plan: Plan, *, actor: AbstractBaseUser | None, source_name: str) -> str:
    reason = f"imported from {source_name}"
    with transaction.atomic():
        values = record_values(
            plan.values, actor=actor, source=Source.FILE, source_detail=source_name, reason=reason
        )
        targets = set_targets(plan.targets, actor=actor, source=Source.FILE, reason=reason)
        summary = (
            f"{values.created} values created, {values.changed} changed, "
            f"{values.unchanged} unchanged; {targets.created} targets created, "
            f"{targets.changed} changed, {targets.unchanged} unchanged."
        )
        if values.created or values.changed or targets.created or targets.changed:
            record(actor, "import", f"Imported {source_name}: {summary}", file=source_name)
    return summary
