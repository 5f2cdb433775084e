"""A KPI's chart against its targets, drawn as one self-contained SVG from plain data.

The actuals are a line with dots, the targets a dashed line, the target band (red flag to
goal, or a range KPI's low to high) a shaded ribbon, and a forecast's 80 % fan (10th to 90th
percentile, with its median) continues past the last value. Every shape carries its colours
as attributes, so that the drawing needs no style sheet and no script: it goes into a PDF as
it is (the briefing books). Pure, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .gantt import FONT, GRID, INK, MUTED, esc
from .numbers import compact

ACTUAL = "#1f5fa8"
TARGET = "#2e7d32"
BAND = "#c8e6c9"
FAN = "#ffcc80"
FAN_LINE = "#ef6c00"


@dataclass(frozen=True)
class Fan:
    """A forecast's steps past the last value: period keys and their 10/50/90th percentiles."""

    keys: tuple[str, ...]
    p10: tuple[float, ...]
    p50: tuple[float, ...]
    p90: tuple[float, ...]


@dataclass(frozen=True)
class Series:
    """The periods of a chart (keys in order) and, per period, NaN where there is none."""

    keys: tuple[str, ...]
    actual: tuple[float, ...]
    target: tuple[float, ...]
    band_low: tuple[float, ...] = ()
    band_high: tuple[float, ...] = ()
    fan: Fan | None = None


@dataclass(frozen=True)
class Style:
    width: float = 680
    height: float = 230
    left: float = 62
    right: float = 14
    top: float = 30
    bottom: float = 40
    font_size: float = 11


@dataclass
class _Out:
    parts: list[str] = field(default_factory=list)

    def add(self, *text: str) -> None:
        self.parts.extend(text)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if math.isfinite(v)]


def nice_range(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """An axis from below `low` to above `high` in round steps: (first, last, step)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return 0.0, 1.0, 0.25
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(ticks - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    return first, last, step


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the points, broken where a point is missing (None)."""
    out: list[str] = []
    pen_up = True
    for point in points:
        if point is None:
            pen_up = True
            continue
        out.append(f"{'M' if pen_up else 'L'}{_n(point[0])},{_n(point[1])}")
        pen_up = False
    return " ".join(out)


def render(series: Series, title: str, *, unit: str = "", style: Style = Style()) -> str:
    """The SVG of a KPI's chart: `title` above it, `unit` (of measure) beside the axis."""
    fan = series.fan
    keys = list(series.keys) + ([k for k in fan.keys if k not in series.keys] if fan else [])
    slots = {key: i for i, key in enumerate(keys)}
    n = max(len(keys), 1)
    values = _finite(series.actual) + _finite(series.target)
    values += _finite(series.band_low) + _finite(series.band_high)
    if fan:
        values += _finite(fan.p10) + _finite(fan.p90)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    first, last, step = nice_range(low, high)
    inner_w = style.width - style.left - style.right
    inner_h = style.height - style.top - style.bottom
    slot_w = inner_w / n

    def x(i: int) -> float:
        return style.left + slot_w * (i + 0.5)

    def y(value: float) -> float:
        return style.top + inner_h * (1 - (value - first) / (last - first))

    out = _Out()
    out.add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" width="{_n(style.width)}" '
        f'height="{_n(style.height)}" viewBox="0 0 {_n(style.width)} {_n(style.height)}" '
        f'font-family="{esc(FONT)}" font-size="{_n(style.font_size)}" role="img" '
        f'aria-label="{esc(title)}">\n<title>{esc(title)}</title>\n',
        f'<rect x="0" y="0" width="{_n(style.width)}" height="{_n(style.height)}" '
        'fill="#ffffff"/>\n',
        f'<text x="{_n(style.left)}" y="16" font-weight="700" fill="{INK}" font-size="12">'
        f"{esc(title)}</text>\n",
    )
    if unit:
        out.add(
            f'<text x="{_n(style.width - style.right)}" y="16" text-anchor="end" '
            f'fill="{MUTED}">{esc(unit)}</text>\n'
        )
    # Grid lines and the value axis.
    count = round((last - first) / step)
    for t in range(count + 1):
        value = first + t * step
        yy = y(value)
        out.add(
            f'<line x1="{_n(style.left)}" x2="{_n(style.width - style.right)}" y1="{_n(yy)}" '
            f'y2="{_n(yy)}" stroke="{GRID}"/>'
            f'<text x="{_n(style.left - 6)}" y="{_n(yy + 4)}" text-anchor="end" '
            f'fill="{MUTED}">{esc(compact(value))}</text>\n'
        )
    # The period axis: as many labels as fit, counted back from the last period.
    every = max(1, math.ceil(n / max(inner_w / 52, 1)))
    for i, key in enumerate(keys):
        if (n - 1 - i) % every == 0:
            out.add(
                f'<text x="{_n(x(i))}" y="{_n(style.height - style.bottom + 16)}" '
                f'text-anchor="middle" fill="{MUTED}">{esc(key)}</text>\n'
            )
    # The target band, as a ribbon over the periods that have both edges.
    if series.band_low and series.band_high:
        _ribbon(out, series.band_low, series.band_high, x, y, BAND, "0.7", "target band")
    if fan and fan.keys:
        _fan(out, series, fan, slots, x, y)
    target = [(x(i), y(v)) if math.isfinite(v) else None for i, v in enumerate(series.target)]
    out.add(
        f'<path class="kpi-chart__target" d="{_path(target)}" fill="none" stroke="{TARGET}" '
        'stroke-width="1.6" stroke-dasharray="5 3"/>\n'
    )
    actual = [(x(i), y(v)) if math.isfinite(v) else None for i, v in enumerate(series.actual)]
    out.add(
        f'<path class="kpi-chart__actual" d="{_path(actual)}" fill="none" stroke="{ACTUAL}" '
        'stroke-width="2"/>\n'
    )
    for point in actual:
        if point is not None:
            out.add(f'<circle cx="{_n(point[0])}" cy="{_n(point[1])}" r="2.4" fill="{ACTUAL}"/>')
    out.add("\n")
    _legend(out, style, fan is not None and bool(fan.keys), bool(series.band_low))
    if not _finite(series.actual):
        out.add(
            f'<text x="{_n(style.left + inner_w / 2)}" y="{_n(style.top + inner_h / 2)}" '
            f'text-anchor="middle" fill="{MUTED}">No values in these periods.</text>\n'
        )
    out.add("</svg>\n")
    return "".join(out.parts)


def _ribbon(
    out: _Out,
    lows: Sequence[float],
    highs: Sequence[float],
    x: Callable[[int], float],
    y: Callable[[float], float],
    color: str,
    opacity: str,
    name: str,
    offset: int = 0,
) -> None:
    """Shaded areas between two lines, one per run of periods where both are set."""
    fx, fy = x, y
    run: list[int] = []
    for i in [*range(len(lows)), -1]:
        if i >= 0 and math.isfinite(lows[i]) and math.isfinite(highs[i]):
            run.append(i)
            continue
        if run:
            top = [f"{_n(fx(j + offset))},{_n(fy(highs[j]))}" for j in run]
            bottom = [f"{_n(fx(j + offset))},{_n(fy(lows[j]))}" for j in reversed(run)]
            if len(run) == 1:  # one period: a short bar
                j = run[0]
                x0 = fx(j + offset)
                top = [f"{_n(x0 - 4)},{_n(fy(highs[j]))}", f"{_n(x0 + 4)},{_n(fy(highs[j]))}"]
                bottom = [f"{_n(x0 + 4)},{_n(fy(lows[j]))}", f"{_n(x0 - 4)},{_n(fy(lows[j]))}"]
            out.add(
                f'<polygon class="kpi-chart__{name.replace(" ", "-")}" '
                f'points="{" ".join(top + bottom)}" fill="{color}" fill-opacity="{opacity}"/>\n'
            )
        run = []


def _fan(
    out: _Out,
    series: Series,
    fan: Fan,
    slots: dict[str, int],
    fx: Callable[[int], float],
    fy: Callable[[float], float],
) -> None:
    # The fan starts at the last actual, so that it continues the line.
    last = max((i for i, v in enumerate(series.actual) if math.isfinite(v)), default=None)
    where = [slots[k] for k in fan.keys]
    p10, p50, p90 = list(fan.p10), list(fan.p50), list(fan.p90)
    if last is not None and (not where or last < where[0]):
        where.insert(0, last)
        v = series.actual[last]
        p10.insert(0, v)
        p50.insert(0, v)
        p90.insert(0, v)
    top = [f"{_n(fx(i))},{_n(fy(v))}" for i, v in zip(where, p90, strict=True)]
    bottom = [f"{_n(fx(i))},{_n(fy(v))}" for i, v in reversed(list(zip(where, p10, strict=True)))]
    out.add(
        f'<polygon class="kpi-chart__fan" points="{" ".join(top + bottom)}" fill="{FAN}" '
        'fill-opacity="0.6"/>\n'
    )
    middle = [(fx(i), fy(v)) for i, v in zip(where, p50, strict=True)]
    out.add(
        f'<path class="kpi-chart__median" d="{_path(middle)}" fill="none" stroke="{FAN_LINE}" '
        'stroke-width="1.4" stroke-dasharray="2 2"/>\n'
    )


def _legend(out: _Out, style: Style, fan: bool, band: bool) -> None:
    y = style.height - 8
    items = [("line", ACTUAL, "Actual"), ("dash", TARGET, "Target")]
    if band:
        items.append(("box", BAND, "Target band"))
    if fan:
        items.append(("box", FAN, "Forecast (80 %)"))
    x = style.left
    for kind, color, words in items:
        if kind == "box":
            out.add(f'<rect x="{_n(x)}" y="{_n(y - 8)}" width="14" height="9" fill="{color}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            out.add(
                f'<line x1="{_n(x)}" x2="{_n(x + 14)}" y1="{_n(y - 4)}" y2="{_n(y - 4)}" '
                f'stroke="{color}" stroke-width="2"{dash}/>'
            )
        out.add(f'<text x="{_n(x + 19)}" y="{_n(y)}" fill="{INK}">{esc(words)}</text>')
        x += 19 + len(words) * 6.2 + 16
    out.add("\n")
