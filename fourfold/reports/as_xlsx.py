"""A briefing book as a workbook: the `Scorecard` sheet (the columns of `fourfold scores
--json`, coverage flattened, with the names), one sheet per objective with its KPIs' series,
then the initiatives, open action items, data-quality notes and what the book is."""

from __future__ import annotations

import io
import math
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from fourfold.files.cells import neutral, printable
from fourfold.web.templatetags.fourfold import status_color

from .gather import Book, Section

SCORE_COLUMNS = (
    "unit",
    "kind",
    "code",
    "name",
    "period",
    "actual",
    "target",
    "score",
    "status",
    "color",
    "coverage_expected",
    "coverage_reported",
    "coverage_overdue",
    "low",
    "high",
    "quality",
)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E9EEF3")
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\]")


# Text a user wrote that a spreadsheet would take for a formula (DESIGN.md, Periods).
def safe(text: Any) -> Any:
    """Text a user wrote, made inert (DESIGN's rule for formulas) and fit for a worksheet."""
    return neutral(printable(text))


def number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def fill(color: str | None) -> PatternFill | None:
    """A light fill of a status's colour (a hex colour) for a cell, None without one."""
    css = status_color(color)
    if not css.startswith("#") or len(css) != 7:
        return None
    r, g, b = (int(css[i : i + 2], 16) for i in (1, 3, 5))
    # Mixed with white, so that the cell's text stays readable.
    light = "".join(f"{round(c + (255 - c) * 0.55):02X}" for c in (r, g, b))
    return PatternFill("solid", fgColor=light)


def _head(sheet: Worksheet, names: tuple[str, ...] | list[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _widths(sheet: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width


def scorecard(sheet: Worksheet, book: Book) -> None:
    _head(sheet, SCORE_COLUMNS)
    status_at = SCORE_COLUMNS.index("status") + 1
    for line in book.lines:
        row = line.row
        cov = row["coverage"]
        sheet.append(
            [
                row["unit"],
                row["kind"],
                row["code"],
                safe(line.name),
                row["period"],
                number(row["actual"]),
                number(row["target"]),
                number(row["score"]),
                row["status"],
                row["color"],
                cov["expected"],
                cov["reported"],
                cov["overdue"],
                number(row.get("low")),
                number(row.get("high")),
                row.get("quality"),
            ]
        )
        colored = fill(row["color"])
        if colored is not None:
            sheet.cell(row=sheet.max_row, column=status_at).fill = colored
        sheet.cell(row=sheet.max_row, column=4).alignment = Alignment(indent=line.depth)
        if row["kind"] in ("scorecard", "perspective"):
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
    _widths(sheet, {"A": 14, "B": 11, "C": 26, "D": 44, "E": 10, "I": 14})


def sheet_name(name: str, taken: set[str]) -> str:
    """A sheet's name from an objective's: at most 31 characters, none that Excel refuses,
    unique in the workbook."""
    base = _NOT_IN_NAME.sub(" ", printable(name)).strip().strip("'") or "Objective"
    candidate = base[:31]
    n = 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def objective(sheet: Worksheet, book: Book, section: Section) -> None:
    """The objective's standing, its KPIs' rows, then one row per period with each KPI's
    actual, target and target band."""
    sheet.append([safe(section.name)])
    sheet["A1"].font = Font(bold=True, size=13)
    row = section.row or {}
    sheet.append(["Perspective", safe(section.perspective)])
    sheet.append(["Owner", safe(section.owner) or None])
    sheet.append(["Period", book.period])
    sheet.append(["Score", number(row.get("score"))])
    sheet.append(["Status", row.get("status")])
    colored = fill(row.get("color"))
    if colored is not None:
        sheet.cell(row=sheet.max_row, column=2).fill = colored
    sheet.append([])
    _head(sheet, ["KPI", "code", "unit of measure", "actual", "target", "score", "status"])
    sheet.freeze_panes = None
    for chart in section.charts:
        kpi = chart.row or {}
        sheet.append(
            [
                safe(chart.name),
                chart.code,
                safe(chart.measure) or None,
                number(kpi.get("actual")),
                number(kpi.get("target")),
                number(kpi.get("score")),
                kpi.get("status"),
            ]
        )
        colored = fill(kpi.get("color"))
        if colored is not None:
            sheet.cell(row=sheet.max_row, column=7).fill = colored
    if not section.charts:
        return
    sheet.append([])
    head = ["period"]
    for chart in section.charts:
        head += [f"{chart.code} actual", f"{chart.code} target"]
        head += [f"{chart.code} band low", f"{chart.code} band high"]
    _head(sheet, head)
    keys: list[str] = sorted({k for c in section.charts for k in c.series.keys})
    for key in keys:
        out: list[Any] = [key]
        for chart in section.charts:
            series = chart.series
            if key in series.keys:
                i = series.keys.index(key)
                out += [
                    number(series.actual[i]),
                    number(series.target[i]),
                    number(series.band_low[i]) if series.band_low else None,
                    number(series.band_high[i]) if series.band_high else None,
                ]
            else:
                out += [None] * 4
        sheet.append(out)
    _widths(sheet, {"A": 30, "B": 22, "C": 16})


def others(book: Book, wb: Workbook) -> None:
    if "scorecard" in book.sections and book.children:
        sheet = wb.create_sheet("Units below")
        _head(
            sheet,
            [
                "unit",
                "name",
                "score",
                "status",
                "coverage_expected",
                "coverage_reported",
                "coverage_overdue",
            ],
        )
        for line in book.children:
            cov = line.row["coverage"]
            sheet.append(
                [
                    line.row["unit"],
                    safe(line.name),
                    number(line.row["score"]),
                    line.row["status"],
                    cov["expected"],
                    cov["reported"],
                    cov["overdue"],
                ]
            )
            colored = fill(line.row["color"])
            if colored is not None:
                sheet.cell(row=sheet.max_row, column=4).fill = colored
        _widths(sheet, {"A": 20, "B": 36, "D": 14})
    if "initiatives" in book.sections:
        sheet = wb.create_sheet("Initiatives")
        head = ["code", "name", "owner", "start", "end", "complete", "planned", "score", "status"]
        _head(sheet, head)
        for p in book.projects:
            sheet.append(
                [
                    p.code,
                    safe(p.name),
                    safe(p.owner) or None,
                    p.start,
                    p.end,
                    number(p.complete),
                    number(p.expected),
                    number(p.score),
                    p.status,
                ]
            )
        _widths(sheet, {"A": 22, "B": 40, "C": 22, "D": 12, "E": 12})
    if "actions" in book.sections:
        sheet = wb.create_sheet("Actions")
        _head(sheet, ["action", "about", "owner", "due", "late"])
        for a in book.actions:
            sheet.append([safe(a.title), safe(a.on) or None, safe(a.owner) or None, a.due, a.late])
        _widths(sheet, {"A": 50, "B": 30, "C": 22, "D": 12})
    if "quality" in book.sections:
        sheet = wb.create_sheet("Data quality")
        _head(sheet, ["code", "KPI", "note", "message"])
        for q in book.quality:
            sheet.append([q.code, safe(q.name), q.kind, safe(q.message)])
        _widths(sheet, {"A": 22, "B": 36, "C": 12, "D": 60})
    if "commentary" in book.sections:
        sheet = wb.create_sheet("Commentary")
        _head(sheet, ["about", "period", "author", "when", "text"])
        for n in book.notes:
            sheet.append(
                [
                    safe(n.on),
                    n.period,
                    safe(n.author) or None,
                    n.when.replace(tzinfo=None),
                    safe(n.text),
                ]
            )
        _widths(sheet, {"A": 36, "C": 22, "D": 18, "E": 80})
    about = wb.create_sheet("About")
    for pair in (
        ("Organization", safe(book.organization)),
        ("Unit", safe(book.unit_name)),
        ("Unit code", book.unit_code),
        ("Period", book.period),
        ("Numbers as read", book.read_at.isoformat()),
    ):
        about.append(list(pair))
    _widths(about, {"A": 18, "B": 40})


def write(book: Book) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Scorecard"
    scorecard(sheet, book)  # the sheet DESIGN.md names is there whatever the sections
    if "objectives" in book.sections:
        taken = {
            "scorecard",
            "units below",
            "initiatives",
            "actions",
            "data quality",
            "commentary",
            "about",
        }
        for section in book.objectives:
            objective(wb.create_sheet(sheet_name(section.name, taken)), book, section)
    others(book, wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
