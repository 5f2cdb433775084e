"""A briefing book as a slide deck: a cover, the scorecard as tables, a slide per objective
with its KPIs as native charts (editable in PowerPoint, to paste into a board deck), then
the initiatives, open action items and data-quality notes."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from fourfold.core import kpichart
from fourfold.core.numbers import grouped
from fourfold.web.templatetags.fourfold import status_color

from .as_pdf import coverage_text, score_text
from .gather import Book, Chart, Section

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
ROWS_PER_SLIDE = 14
CHARTS_PER_SLIDE = 4
INK = RGBColor(0x17, 0x20, 0x2B)
MUTED = RGBColor(0x5B, 0x68, 0x76)


def rgb(css: str) -> RGBColor | None:
    if css.startswith("#") and len(css) == 7:
        return RGBColor.from_string(css[1:].upper())
    return None


def _text(
    slide: Any,
    text: str,
    x: int,
    y: int,
    w: int,
    h: int,
    size: int,
    bold: bool = False,
    color: RGBColor = INK,
) -> None:
    frame = slide.shapes.add_textbox(x, y, w, h).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def _slide(deck: Any, title: str, kicker: str = "") -> Any:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    if kicker:
        _text(
            slide,
            kicker.upper(),
            MARGIN,
            Inches(0.25),
            WIDTH - 2 * MARGIN,
            Inches(0.3),
            10,
            color=MUTED,
        )
    _text(slide, title, MARGIN, Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.6), 24, bold=True)
    return slide


def _table(
    slide: Any,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    colors: Sequence[str | None] = (),
    status_column: int = -1,
    widths: Sequence[float] = (),
) -> None:
    top = Inches(1.2)
    height = Inches(0.32) * (len(rows) + 1)
    shape = slide.shapes.add_table(
        len(rows) + 1, len(head), MARGIN, top, WIDTH - 2 * MARGIN, height
    )
    table = shape.table
    total = sum(widths) if widths else 0
    for i, name in enumerate(head):
        if widths:
            table.columns[i].width = Emu(int((WIDTH - 2 * MARGIN) * widths[i] / total))
        cell = table.cell(0, i)
        cell.text = name
        cell.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
            if c == status_column and r - 1 < len(colors):
                color = rgb(status_color(colors[r - 1]))
                if color is not None:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = color


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def cover(deck: Any, book: Book) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, book.organization, MARGIN, Inches(2.0), Inches(12), Inches(0.5), 18, color=MUTED)
    _text(slide, book.unit_name, MARGIN, Inches(2.5), Inches(12), Inches(1), 40, bold=True)
    _text(
        slide,
        f"Briefing book · {book.period_label}",
        MARGIN,
        Inches(3.5),
        Inches(12),
        Inches(0.6),
        22,
    )
    _text(
        slide,
        f"Numbers as read on {book.read_text}",
        MARGIN,
        Inches(4.3),
        Inches(12),
        Inches(0.5),
        14,
        color=MUTED,
    )
    if book.lines:
        card = book.lines[0].row
        _text(
            slide,
            f"Scorecard {card['status'] or '—'} · score {score_text(card['score'])}",
            MARGIN,
            Inches(5.0),
            Inches(12),
            Inches(0.5),
            18,
            bold=True,
        )


def scorecard(deck: Any, book: Book) -> None:
    lines = book.lines
    pages = _chunks(lines, ROWS_PER_SLIDE)
    for n, page in enumerate(pages, start=1):
        more = f" ({n} of {len(pages)})" if len(pages) > 1 else ""
        slide = _slide(deck, f"Scorecard{more}", book.period_label)
        rows = [
            [
                "   " * line.depth + line.name,
                grouped(line.row["actual"]),
                grouped(line.row["target"]),
                score_text(line.row["score"]),
                line.row["status"] or "—",
                coverage_text(line.row),
            ]
            for line in page
        ]
        _table(
            slide,
            ["Name", "Actual", "Target", "Score", "Status", "Coverage"],
            rows,
            [line.row["color"] for line in page],
            4,
            (6, 1.6, 1.6, 1, 1.5, 1.6),
        )


def _values(values: Sequence[float]) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values]


def chart_data(series: kpichart.Series) -> Any:
    """Actual, target and, where there is one, the forecast's median and 80 % interval."""
    fan = series.fan
    keys = list(series.keys) + ([k for k in fan.keys if k not in series.keys] if fan else [])
    pad = [None] * (len(keys) - len(series.keys))
    data: Any = CategoryChartData()
    data.categories = keys
    data.add_series("Actual", _values(series.actual) + pad)
    data.add_series("Target", _values(series.target) + pad)
    if fan and fan.keys:
        at = {k: i for i, k in enumerate(fan.keys)}

        def along(values: tuple[float, ...]) -> list[float | None]:
            return [float(values[at[k]]) if k in at else None for k in keys]

        data.add_series("Forecast", along(fan.p50))
        data.add_series("Forecast low (10 %)", along(fan.p10))
        data.add_series("Forecast high (90 %)", along(fan.p90))
    return data


def _chart(slide: Any, chart: Chart, x: int, y: int, w: int, h: int) -> None:
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, w, h, chart_data(chart.series))
    made = frame.chart
    made.has_title = True
    title = chart.name + (f" ({chart.measure})" if chart.measure else "")
    made.chart_title.text_frame.text = title
    made.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    made.has_legend = True
    made.legend.position = XL_LEGEND_POSITION.BOTTOM
    made.legend.include_in_layout = False
    made.legend.font.size = Pt(9)
    made.category_axis.tick_labels.font.size = Pt(8)
    made.value_axis.tick_labels.font.size = Pt(8)
    colors = [kpichart.ACTUAL, kpichart.TARGET, kpichart.FAN_LINE, kpichart.FAN, kpichart.FAN]
    for plot_series, css in zip(made.plots[0].series, colors, strict=False):
        color = rgb(css)
        if color is not None:
            plot_series.format.line.color.rgb = color
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = color
        plot_series.smooth = False


def objective(deck: Any, book: Book, section: Section) -> None:
    row = section.row or {}
    status = (
        f"{row.get('status') or '—'} · score {score_text(row.get('score'))}"
        if section.row
        else f"No score for {book.period_label}"
    )
    pages = _chunks(section.charts, CHARTS_PER_SLIDE)
    for n, page in enumerate(pages, start=1):
        more = f" ({n} of {len(pages)})" if len(pages) > 1 else ""
        slide = _slide(deck, section.name + more, section.perspective)
        owner = f" · owner {section.owner}" if section.owner else ""
        _text(slide, status + owner, MARGIN, Inches(1.0), Inches(12), Inches(0.4), 14, color=MUTED)
        if not page:
            _text(
                slide,
                "This objective has no KPI of its own.",
                MARGIN,
                Inches(2),
                Inches(12),
                Inches(0.5),
                14,
                color=MUTED,
            )
            continue
        cols = 1 if len(page) == 1 else 2
        rows = math.ceil(len(page) / cols)
        w = (WIDTH - 2 * MARGIN - Inches(0.3) * (cols - 1)) // cols
        h = (HEIGHT - Inches(1.6) - MARGIN - Inches(0.2) * (rows - 1)) // rows
        for i, chart in enumerate(page):
            x = MARGIN + (i % cols) * (w + Inches(0.3))
            y = Inches(1.5) + (i // cols) * (h + Inches(0.2))
            _chart(slide, chart, x, y, w, h)


def listings(deck: Any, book: Book) -> None:
    if "initiatives" in book.sections and book.projects:
        for page in _chunks(book.projects, ROWS_PER_SLIDE):
            slide = _slide(deck, "Initiatives", book.period_label)
            rows = [
                [
                    p.name,
                    p.owner or "—",
                    f"{p.start:%d %b %Y}",
                    f"{p.end:%d %b %Y}",
                    "—" if p.complete is None else f"{p.complete:.0f} %",
                    "—" if p.expected is None else f"{p.expected:.0f} %",
                    p.status,
                ]
                for p in page
            ]
            _table(
                slide,
                ["Initiative", "Owner", "Start", "End", "Complete", "Planned", "Status"],
                rows,
                [p.color for p in page],
                6,
                (5, 2.5, 1.5, 1.5, 1.2, 1.2, 1.8),
            )
    if "actions" in book.sections and book.actions:
        for page in _chunks(book.actions, ROWS_PER_SLIDE):
            slide = _slide(deck, "Open action items", book.period_label)
            rows = [
                [
                    a.title,
                    a.on or "—",
                    a.owner or "—",
                    (f"{a.due:%d %b %Y}" if a.due else "—") + (" (late)" if a.late else ""),
                ]
                for a in page
            ]
            _table(slide, ["Action", "About", "Owner", "Due"], rows, widths=(6, 3, 2.5, 2))
    if "quality" in book.sections and book.quality:
        for page in _chunks(book.quality, ROWS_PER_SLIDE):
            slide = _slide(deck, "Data quality", book.period_label)
            rows = [[q.name, q.kind, q.message] for q in page]
            _table(slide, ["KPI", "Note", "Detail"], rows, widths=(4, 1.5, 7))


def write(book: Book) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    if "cover" in book.sections:
        cover(deck, book)
    if "scorecard" in book.sections:
        scorecard(deck, book)
    if "objectives" in book.sections:
        for section in book.objectives:
            objective(deck, book, section)
    listings(deck, book)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
