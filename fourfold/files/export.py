"""`fourfold export`: values and targets to CSV or XLSX, in the layouts `import` reads back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from fourfold.core import periods
from fourfold.measures.models import KPI, KPI_ORDER, Measurement, Target
from fourfold.strategy.models import Organization

from .cells import neutral, printable
from .values import ImportFileError

LAYOUTS = ("long", "wide")
LONG = ("kpi", "period", "actual", "target", "red_flag", "comment")
LEVEL = {"month": 0, "quarter": 1, "year": 2}


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]


def _bounds(first: str | None, last: str | None, fiscal: int) -> tuple[int | None, int | None]:
    ordinal = periods.month_ordinal
    try:
        low = ordinal(periods.parse_period(first, fiscal).first_month) if first else None
        high = ordinal(periods.parse_period(last, fiscal).last_month) if last else None
    except periods.PeriodError as exc:
        raise ImportFileError(str(exc)) from exc
    if low is not None and high is not None and low > high:
        raise ImportFileError(f"the range from {first} to {last} is empty")
    return low, high


def table(
    layout: str = "long",
    *,
    unit_ids: list[int] | None = None,
    first: str | None = None,
    last: str | None = None,
) -> Table:
    """Values and targets (goal and red flag) of the KPIs, in a few queries."""
    if layout not in LAYOUTS:
        raise ImportFileError(f"'{layout}' is not a layout: choose long or wide")
    fiscal = Organization.get().fiscal_year_start
    low, high = _bounds(first, last, fiscal)
    kpis = KPI.objects.filter(archived=False)
    if unit_ids is not None:
        kpis = kpis.in_units(unit_ids)
    order = list(kpis.order_by(*KPI_ORDER).values_list("pk", "code", "direction"))
    ids = [pk for pk, _, _ in order]
    values = {
        (k, p): (v, c)
        for k, p, v, c in Measurement.objects.filter(kpi_id__in=ids).values_list(
            "kpi_id", "period", "value", "comment"
        )
    }
    ranged = {pk for pk, _, direction in order if direction == "range"}
    targets = {
        (k, p): (t, r)
        for k, p, t, r in Target.objects.filter(kpi_id__in=ids, target__isnull=False).values_list(
            "kpi_id", "period", "target", "red_flag"
        )
        if k not in ranged  # a range's band is set in the scorecard file only
    }
    sort_key: dict[str, tuple[int, int] | None] = {}
    for _k, text in {*values, *targets}:
        if text in sort_key:
            continue
        try:
            found = periods.parse_period(text, fiscal)
        except periods.PeriodError:
            sort_key[text] = None  # written under another fiscal year start
            continue
        first_m = periods.month_ordinal(found.first_month)
        last_m = periods.month_ordinal(found.last_month)
        inside = (low is None or first_m >= low) and (high is None or last_m <= high)
        sort_key[text] = (first_m, LEVEL.get(found.kind, 3)) if inside else None
    by_kpi: dict[int, set[str]] = {}
    for k, text in {*values, *targets}:
        if sort_key[text] is not None:
            by_kpi.setdefault(k, set()).add(text)

    def ordered(keys: set[str]) -> list[str]:
        return sorted(keys, key=lambda t: sort_key[t] or (0, 0))

    if layout == "long":
        rows: list[list[Any]] = []
        for pk, code, _ in order:
            for text in ordered(by_kpi.get(pk, set())):
                value, comment = values.get((pk, text), (None, ""))
                target, flag = targets.get((pk, text), (None, None))
                rows.append([code, text, value, target, flag, comment or None])
        return Table(list(LONG), rows)
    columns = ordered({t for keys in by_kpi.values() for t in keys})
    rows = []
    for pk, code, _ in order:
        keys = by_kpi.get(pk, set())
        series: list[tuple[str, dict[tuple[int, str], Any]]] = [
            ("actual", {key: v[0] for key, v in values.items()}),
            ("target", {key: t[0] for key, t in targets.items()}),
            ("red_flag", {key: t[1] for key, t in targets.items()}),
        ]
        for name, source in series:
            cells = [source.get((pk, t)) if t in keys else None for t in columns]
            if any(c is not None for c in cells):
                rows.append([code, name, *cells])
    return Table(["kpi", "series", *columns], rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def to_csv(data: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(data.header)
    for row in data.rows:
        writer.writerow([neutral(_text(c)) if isinstance(c, str) else _text(c) for c in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(data: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")

    def text(value: str) -> Cell:
        # openpyxl would write text that starts with = as a formula: a comment stays text.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    sheet.append(data.header)
    for row in data.rows:
        row = [printable(c) for c in row]
        if any(isinstance(c, str) and c.startswith("=") for c in row):
            row = [text(c) if isinstance(c, str) and c.startswith("=") else c for c in row]
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(data: Table, file_name: str) -> bytes:
    """The table in the format the file name asks for."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix == "csv":
        return to_csv(data)
    if suffix == "xlsx":
        return to_xlsx(data)
    raise ImportFileError(f"{file_name} is neither a .csv nor an .xlsx file")
