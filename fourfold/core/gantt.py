"""A timeline (Gantt) of initiatives, drawn as one self-contained SVG from plain data.

Bars run from start to end, coloured by status, their completed share filled in; milestones
are diamonds (done, to do, overdue), finish-to-start dependencies are arrows between them, a
line marks today, and the axis names months and (fiscal) quarters. Every shape carries its
own colours as attributes, so the drawing needs no style sheet and no script: it prints, and
goes into a PDF as it is. Pure, no Django.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .layout import text_width, wrap
from .periods import MONTH_NAMES, quarter_of, year_of

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
INK = "#17202b"
MUTED = "#5b6876"
GRID = "#e3e8ee"
GRID_STRONG = "#c5ced8"
TODAY = "#1565c0"
OVERDUE = "#c62828"
DONE = "#37474f"
NO_STATUS = "#9e9e9e"
# Characters XML 1.0 cannot hold at all: a name that carries one would break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Milestone:
    """A point on a row: `key` is unique in the chart; `depends_on` lists the keys of the
    milestones that must finish first (finish to start)."""

    key: str
    name: str
    due: dt.date
    done: dt.date | None = None
    depends_on: tuple[str, ...] = ()

    @property
    def when(self) -> dt.date:
        """Where the diamond stands: the day it was done, or else the day it is due."""
        return self.done or self.due

    def overdue(self, today: dt.date) -> bool:
        return self.done is None and self.due < today


@dataclass(frozen=True)
class Row:
    """One line of the chart: a label, a bar when it has dates, and its milestones.

    `complete` is a percentage; `color` a CSS colour (a scheme's status colour, resolved);
    `status` the words for it."""

    key: str
    label: str
    start: dt.date | None = None
    end: dt.date | None = None
    complete: float | None = None
    status: str = ""
    color: str = NO_STATUS
    scored: bool = True
    href: str = ""
    note: str = ""
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True)
class Style:
    """The measures of the chart, in SVG pixels."""

    width: float = 1120
    label_width: float = 250
    right: float = 58  # room for the percentage after a bar that ends at the right edge
    header: float = 60
    row_height: float = 30
    bar_height: float = 14
    diamond: float = 6.5
    font_size: float = 13
    small: float = 11
    legend: float = 34


@dataclass
class _Frame:
    first: dt.date
    last: dt.date  # exclusive: the first day after the chart
    left: float
    scale: float  # pixels per day

    def x(self, day: dt.date) -> float:
        return self.left + (day - self.first).days * self.scale


@dataclass
class _Out:
    parts: list[str] = field(default_factory=list)

    def add(self, *text: str) -> None:
        self.parts.extend(text)


def esc(text: object) -> str:
    """Text made safe for an XML text node or a quoted attribute."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _quarter_label(day: dt.date, fiscal_start: int) -> str:
    year, quarter = quarter_of(_month_key(day), fiscal_start).split("-")
    return f"{quarter} {year}"


def date_text(day: dt.date) -> str:
    """'1 Jul 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _percent(value: float) -> str:
    return f"{value:.0f} %"


def window(rows: Sequence[Row], today: dt.date | None) -> tuple[dt.date, dt.date]:
    """Whole months from the earliest date of the chart to the latest (today included)."""
    days: list[dt.date] = [today] if today is not None else []
    for row in rows:
        days.extend(d for d in (row.start, row.end) if d is not None)
        for m in row.milestones:
            days.extend(d for d in (m.due, m.done) if d is not None)
    if not days:
        return _month_start(dt.date.today()), _next_month(dt.date.today())
    return _month_start(min(days)), _next_month(max(days))


def render(
    rows: Sequence[Row],
    today: dt.date | None,
    title: str,
    *,
    fiscal_start: int = 1,
    style: Style = Style(),
    legend: Iterable[tuple[str, str]] = (),
    describe: str = "",
    id_prefix: str = "gantt",
) -> str:
    """The SVG of the timeline; `legend` lists (status, colour) pairs to explain the bars."""
    first, last = window(rows, today)
    left = style.label_width
    span = max((last - first).days, 1)
    frame = _Frame(first, last, left, (style.width - left - style.right) / span)
    top = style.header
    height = top + max(len(rows), 1) * style.row_height + style.legend
    out = _Out()
    ids = f"{id_prefix}-title {id_prefix}-desc"
    out.add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{_n(style.width)}" '
        f'height="{_n(height)}" viewBox="0 0 {_n(style.width)} {_n(height)}" '
        f'font-family="{esc(FONT)}" font-size="{_n(style.font_size)}" '
        f'role="group" aria-labelledby="{ids}">\n',
        f'<title id="{id_prefix}-title">{esc(title)}</title>\n',
        f'<desc id="{id_prefix}-desc">{esc(_description(rows, today, first, last, describe))}'
        "</desc>\n",
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{MUTED}"/></marker>'
        f'<marker id="{id_prefix}-clash" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{OVERDUE}"/></marker></defs>\n',
        f'<rect x="0" y="0" width="{_n(style.width)}" height="{_n(height)}" fill="#ffffff"/>\n',
    )
    _stripes(out, rows, style)
    _axis(out, frame, style, fiscal_start, top + len(rows) * style.row_height)
    positions = {
        m.key: (frame.x(m.when), top + i * style.row_height + style.row_height / 2, m)
        for i, row in enumerate(rows)
        for m in row.milestones
    }
    _arrows(out, rows, positions, style, id_prefix)
    out.add('<g class="gantt__rows">\n')
    for i, row in enumerate(rows):
        _row(out, row, frame, style, top + i * style.row_height, today)
    out.add("</g>\n")
    if not rows:
        out.add(
            f'<text x="{_n(style.width / 2)}" y="{_n(top + style.row_height / 2 + 4)}" '
            f'text-anchor="middle" fill="{MUTED}">No initiatives to show.</text>\n'
        )
    if today is not None and first <= today < last:
        x = frame.x(today) + frame.scale / 2
        bottom = top + max(len(rows), 1) * style.row_height
        out.add(
            f'<g class="gantt__today"><line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top - 14)}" '
            f'y2="{_n(bottom)}" stroke="{TODAY}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<rect x="{_n(x - 22)}" y="{_n(top - 16)}" width="44" height="14" rx="7" '
            f'fill="{TODAY}"/><text x="{_n(x)}" y="{_n(top - 5.5)}" text-anchor="middle" '
            f'font-size="10" fill="#ffffff" font-weight="700">Today</text>'
            f"<title>Today, {esc(date_text(today))}</title></g>\n"
        )
    _legend(out, style, height - style.legend, legend)
    out.add("</svg>\n")
    return "".join(out.parts)


def _description(
    rows: Sequence[Row], today: dt.date | None, first: dt.date, last: dt.date, extra: str
) -> str:
    bars = sum(1 for r in rows if r.start and r.end)
    to_do = [m for r in rows for m in r.milestones if m.done is None]
    words = [
        f"{bars} {'bar' if bars == 1 else 'bars'} from {MONTH_NAMES[first.month - 1]} "
        f"{first.year} to {MONTH_NAMES[(last.month - 2) % 12]} "
        f"{last.year if last.month > 1 else last.year - 1}."
    ]
    milestones = sum(len(r.milestones) for r in rows)
    if milestones:
        words.append(f"{milestones - len(to_do)} of {milestones} milestones done.")
    if today is not None:
        late = sum(1 for m in to_do if m.overdue(today))
        if late:
            words.append(f"{late} overdue.")
        words.append(f"Today is {date_text(today)}.")
    if extra:
        words.append(extra)
    return " ".join(words)


def _stripes(out: _Out, rows: Sequence[Row], style: Style) -> None:
    out.add('<g class="gantt__stripes">')
    for i in range(1, len(rows), 2):
        y = style.header + i * style.row_height
        out.add(
            f'<rect x="0" y="{_n(y)}" width="{_n(style.width)}" '
            f'height="{_n(style.row_height)}" fill="#f6f8fa"/>'
        )
    bottom = style.header + max(len(rows), 1) * style.row_height
    out.add(
        f'<line x1="0" x2="{_n(style.width)}" y1="{_n(style.header)}" '
        f'y2="{_n(style.header)}" stroke="{GRID_STRONG}"/>'
        f'<line x1="{_n(style.label_width - 8)}" x2="{_n(style.label_width - 8)}" y1="0" '
        f'y2="{_n(bottom)}" stroke="{GRID_STRONG}"/>'
        f'<line x1="0" x2="{_n(style.width)}" y1="{_n(bottom)}" y2="{_n(bottom)}" '
        f'stroke="{GRID_STRONG}"/></g>\n'
    )


def _axis(out: _Out, frame: _Frame, style: Style, fiscal_start: int, bottom: float) -> None:
    """Month lines and labels below, quarter (or fiscal year) labels above them."""
    month_px = 30.44 * frame.scale
    quarter_px = 3 * month_px
    out.add(f'<g class="gantt__axis" font-size="{_n(style.small)}" fill="{MUTED}">')
    month = frame.first
    upper_y, lower_y = style.header - 42, style.header - 24
    group_start = frame.first
    group_name = ""
    while month < frame.last:
        following = _next_month(month)
        x0, x1 = frame.x(month), frame.x(following)
        name = (
            _quarter_label(month, fiscal_start)
            if quarter_px >= 56
            else year_of(_month_key(month), fiscal_start)
        )
        starts_group = name != group_name
        if starts_group:
            if group_name:
                _group_label(out, frame, group_start, month, group_name, upper_y)
            group_start, group_name = month, name
        strong = starts_group and month != frame.first
        if month != frame.first:
            y0 = upper_y - 12 if strong else lower_y - 12
            out.add(
                f'<line x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(y0)}" '
                f'y2="{_n(bottom)}" stroke="{GRID_STRONG if strong else GRID}"/>'
            )
        if month_px >= 30:
            label = MONTH_NAMES[month.month - 1][:3]
        elif month_px >= 11:
            label = MONTH_NAMES[month.month - 1][0]
        else:
            label = ""
        if label:
            out.add(
                f'<text x="{_n((x0 + x1) / 2)}" y="{_n(lower_y)}" text-anchor="middle">'
                f"{label}</text>"
            )
        month = following
    if group_name:
        _group_label(out, frame, group_start, frame.last, group_name, upper_y)
    out.add("</g>\n")


def _group_label(
    out: _Out, frame: _Frame, start: dt.date, end: dt.date, name: str, y: float
) -> None:
    x0, x1 = frame.x(start), frame.x(end)
    if text_width(name, 11) + 6 > x1 - x0:
        return  # a sliver of a quarter at either edge: its neighbours say where we are
    out.add(f'<text x="{_n(x0 + 5)}" y="{_n(y)}" font-weight="700" fill="{INK}">{esc(name)}</text>')


def _row(out: _Out, row: Row, frame: _Frame, style: Style, y: float, today: dt.date | None) -> None:
    middle = y + style.row_height / 2
    room = style.label_width - 34
    label = wrap(row.label, room, style.font_size * 1.1, 1)[0][0]  # bold is wider
    summary = [row.label]
    if row.status:
        summary.append(row.status)
    if row.complete is not None:
        summary.append(f"{_percent(row.complete)} complete")
    if row.start and row.end:
        summary.append(f"{date_text(row.start)} to {date_text(row.end)}")
    if row.note:
        summary.append(row.note)
    out.add(f'<g class="gantt__row" data-key="{esc(row.key)}">')
    text = f'<text x="12" y="{_n(middle + 4.5)}" fill="{INK}" font-weight="600">{esc(label)}</text>'
    if row.href:
        out.add(f'<a href="{esc(row.href)}">{text}</a>')
    else:
        out.add(text)
    out.add(f"<title>{esc(', '.join(summary))}</title>")
    if row.start and row.end and row.end >= row.start:
        _bar(out, row, frame, style, middle)
    for m in row.milestones:
        _diamond(out, m, frame.x(m.when), middle, style.diamond, today)
    out.add("</g>\n")


def _bar(out: _Out, row: Row, frame: _Frame, style: Style, middle: float) -> None:
    assert row.start is not None and row.end is not None
    x0 = frame.x(row.start)
    x1 = frame.x(row.end + dt.timedelta(days=1))
    top = middle - style.bar_height / 2
    w = max(x1 - x0, 2.0)
    dash = "" if row.scored else ' stroke-dasharray="4 2"'
    out.add(
        f'<rect class="gantt__bar" x="{_n(x0)}" y="{_n(top)}" width="{_n(w)}" '
        f'height="{_n(style.bar_height)}" rx="3" fill="{esc(row.color)}" fill-opacity="0.24" '
        f'stroke="{esc(row.color)}" stroke-width="1.2"{dash}/>'
    )
    if row.complete is not None:
        share = min(max(row.complete, 0.0), 100.0) / 100
        if share > 0:
            out.add(
                f'<rect class="gantt__done" x="{_n(x0)}" y="{_n(top)}" '
                f'width="{_n(w * share)}" height="{_n(style.bar_height)}" rx="3" '
                f'fill="{esc(row.color)}"/>'
            )
        out.add(
            f'<text x="{_n(x0 + w + 5)}" y="{_n(middle + 4)}" font-size="{_n(style.small)}" '
            f'fill="{INK}">{_percent(row.complete)}</text>'
        )


def _diamond(out: _Out, m: Milestone, x: float, y: float, r: float, today: dt.date | None) -> None:
    if m.done is not None:
        fill, stroke, state = INK, INK, f"done {date_text(m.done)}"
    elif today is not None and m.overdue(today):
        fill, stroke, state = OVERDUE, "#7f1010", f"overdue since {date_text(m.due)}"
    else:
        fill, stroke, state = "#ffffff", DONE, f"due {date_text(m.due)}"
    kind = "done" if m.done else ("overdue" if today and m.overdue(today) else "due")
    out.add(
        f'<path class="gantt__milestone gantt__milestone--{kind}" data-key="{esc(m.key)}" '
        f'd="{_diamond_path(x, y, r)}" fill="{fill}" stroke="{stroke}" stroke-width="1.5">'
        f"<title>{esc(m.name)}: {state}</title></path>"
    )


def _arrows(
    out: _Out,
    rows: Sequence[Row],
    positions: dict[str, tuple[float, float, Milestone]],
    style: Style,
    id_prefix: str,
) -> None:
    """Finish-to-start arrows, from each milestone a later one depends on; red when the later
    one stands before the one it waits for."""
    r = style.diamond
    out.add(f'<g class="gantt__links" fill="none" stroke-width="1.3" stroke="{MUTED}">')
    for row in rows:
        for m in row.milestones:
            for before in m.depends_on:
                if before not in positions or before == m.key:
                    continue
                px, py, first = positions[before]
                sx, sy, _ = positions[m.key]
                clash = m.when < first.when
                if py == sy and sx - px >= 2 * r + 6:
                    lift = py - style.row_height / 2 + 4
                    path = f"M{_n(px)},{_n(py - r)} V{_n(lift)} H{_n(sx)} V{_n(sy - r - 1)}"
                elif sx - px >= 2 * r + 10:
                    path = f"M{_n(px + r)},{_n(py)} H{_n(px + r + 5)} V{_n(sy)} H{_n(sx - r - 1)}"
                else:
                    turn = sy - style.row_height / 2 if sy > py else sy + style.row_height / 2
                    path = (
                        f"M{_n(px + r)},{_n(py)} H{_n(px + r + 6)} V{_n(turn)} "
                        f"H{_n(sx - r - 8)} V{_n(sy)} H{_n(sx - r - 1)}"
                    )
                words = f"{m.name} waits for {first.name}"
                if clash:
                    words += f", yet stands before it ({date_text(m.when)})"
                colour = f' stroke="{OVERDUE}" stroke-dasharray="4 2"' if clash else ""
                marker = "clash" if clash else "arrow"
                out.add(
                    f'<path class="gantt__link" d="{path}"{colour} '
                    f'marker-end="url(#{id_prefix}-{marker})"><title>{esc(words)}</title></path>'
                )
    out.add("</g>\n")


def _diamond_path(x: float, y: float, r: float) -> str:
    return f"M{_n(x)},{_n(y - r)} L{_n(x + r)},{_n(y)} L{_n(x)},{_n(y + r)} L{_n(x - r)},{_n(y)} Z"


def _legend(out: _Out, style: Style, y: float, statuses: Iterable[tuple[str, str]]) -> None:
    """What the colours and shapes mean, inside the drawing so that a printout keeps it."""
    middle = y + style.legend / 2 + 2
    x = 12.0
    out.add(f'<g class="gantt__legend" font-size="{_n(style.small)}" fill="{INK}">')

    def item(shape: str, words: str) -> None:
        nonlocal x
        out.add(shape, f'<text x="{_n(x + 16)}" y="{_n(middle + 4)}">{esc(words)}</text>')
        x += 16 + text_width(words, style.small) + 14

    for status, colour in statuses:
        item(
            f'<rect x="{_n(x)}" y="{_n(middle - 5)}" width="12" height="10" rx="2" '
            f'fill="{esc(colour)}"/>',
            status,
        )
    for fill, stroke, words in (
        (INK, INK, "Milestone done"),
        ("#ffffff", DONE, "Milestone to do"),
        (OVERDUE, OVERDUE, "Overdue"),
    ):
        path = _diamond_path(x + 6, middle, 5.5)
        item(f'<path d="{path}" fill="{fill}" stroke="{stroke}" stroke-width="1.3"/>', words)
    item(
        f'<line x1="{_n(x + 6)}" x2="{_n(x + 6)}" y1="{_n(middle - 7)}" y2="{_n(middle + 7)}" '
        f'stroke="{TODAY}" stroke-width="1.5" stroke-dasharray="4 3"/>',
        "Today",
    )
    out.add("</g>\n")
