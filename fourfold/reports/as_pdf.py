"""A briefing book as a PDF: one HTML document laid out on A4 pages by WeasyPrint."""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from fourfold.core.numbers import grouped
from fourfold.web.templatetags.fourfold import status_color

from .books import SECTION_NAMES
from .gather import Book, Line

# WeasyPrint tells of every CSS property it does not know; the book's are all known, and
# fontTools reports each font it subsets: neither is news to the person who asked for a book.
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def coverage_text(row: dict[str, Any]) -> str:
    cov = row["coverage"]
    text = f"{cov['reported']}/{cov['expected']}"
    if cov["overdue"]:
        text += f", {cov['overdue']} overdue"
    return text


def forecast_text(made: Any) -> str:
    """'1,234 (62 %)': the expected value for the fiscal year and the chance of meeting its
    target; a dash without a forecast."""
    if made is None or made.forecast is None:
        return "—"
    text = grouped(made.forecast)
    if made.probability is not None:
        text += f" ({made.probability * 100:.0f} %)"
    return text


def row_cells(line: Line) -> dict[str, Any]:
    row = line.row
    return {
        "name": line.name,
        "kind": row["kind"],
        "period": row["period"],
        "depth": line.depth,
        "actual": grouped(row["actual"]),
        "target": grouped(row["target"]),
        "score": score_text(row["score"]),
        "status": row["status"] or "—",
        "color": status_color(row["color"]),
        "coverage": coverage_text(row),
    }


def html(book: Book) -> str:
    """The book as one HTML document, its drawings inline."""
    objectives = [
        {
            "section": s,
            "row": row_cells(Line(s.row, s.name, 0)) if s.row else None,
            "charts": [
                {
                    "chart": c,
                    "svg": mark_safe(c.svg),  # noqa: S308 - kpichart escapes every text
                    "row": row_cells(Line(c.row, c.name, 0)) if c.row else None,
                    "forecast": forecast_text(c.forecast),
                }
                for c in s.charts
            ],
        }
        for s in book.objectives
    ]
    context = {
        "book": book,
        "contents": [SECTION_NAMES[n] for n in book.sections if n != "cover"],
        "year": book.year,
        "has": set(book.sections),
        "lines": [row_cells(line) for line in book.lines],
        "children": [row_cells(line) for line in book.children],
        "map_svg": mark_safe(book.map_svg),  # noqa: S308 - the page's own map template
        "timeline_svg": mark_safe(book.timeline_svg),  # noqa: S308 - gantt escapes its text
        "objectives": objectives,
    }
    return render_to_string("reports/book.html", context)


def write(book: Book) -> bytes:
    """The book as PDF, styled by book.css given to WeasyPrint apart (no <style> in a page)."""
    from weasyprint import CSS, HTML

    style = CSS(string=render_to_string("reports/book.css"))
    pdf: bytes = HTML(string=html(book), base_url=None).write_pdf(stylesheets=[style])
    return pdf
