"""Trends of a KPI on the scorecard: a sparkline drawn on the server, the move since the
period before judged by the KPI's direction, and the variance from target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from .templatetags.fourfold import num

SPARK_PERIODS = 12
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 84.0, 22.0, 2.0
# A move smaller than this share of the earlier value reads as flat.
FLAT = 0.005


@dataclass
class Spark:
    """A sparkline as SVG path data, drawn on the server so that it needs no script."""

    actual: str
    target: str
    last: tuple[float, float] | None
    label: str
    width: float = SPARK_WIDTH
    height: float = SPARK_HEIGHT


@dataclass
class Trend:
    """The move since the period before: its arrow, whether it is good, and in words."""

    arrow: str  # up | down | flat
    good: bool | None  # None when the move is flat
    text: str


@dataclass
class Variance:
    """Actual less target, and that as a percentage of the target (or where a range's value is)."""

    amount: float
    percent: float | None
    text: str = ""  # for a range: in it, or above / below it

    @property
    def amount_text(self) -> str:
        return ("+" if self.amount > 0 else "") + num(self.amount)

    @property
    def percent_text(self) -> str:
        if self.percent is None:
            return self.text
        return f"{'+' if self.percent > 0 else ''}{self.percent:,.1f} %"


def _path(points: list[tuple[float, float] | None]) -> str:
    """SVG path data through the points; a missing point breaks the line."""
    out: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        out.append(f"{'L' if pen_down else 'M'}{point[0]:.1f} {point[1]:.1f}")
        pen_down = True
    return " ".join(out)


def spark(actual: list[float], target: list[float], what: str) -> Spark | None:
    """A sparkline of up to 12 actuals (and their targets), right-aligned, missing as gaps."""
    values = [v for v in [*actual, *target] if math.isfinite(v)]
    if not any(math.isfinite(v) for v in actual):
        return None
    low, high = min(values), max(values)
    span = high - low or abs(high) or 1.0
    low, high = low - span * 0.05, high + span * 0.05
    inner_w = SPARK_WIDTH - 2 * SPARK_PAD
    inner_h = SPARK_HEIGHT - 2 * SPARK_PAD
    shift = SPARK_PERIODS - len(actual)

    def points(series: list[float]) -> list[tuple[float, float] | None]:
        return [
            (
                SPARK_PAD + (shift + i) * inner_w / (SPARK_PERIODS - 1),
                SPARK_PAD + inner_h * (high - v) / (high - low),
            )
            if math.isfinite(v)
            else None
            for i, v in enumerate(series)
        ]

    drawn = points(actual)
    last = next((p for p in reversed(drawn) if p is not None), None)
    shown = [v for v in actual if math.isfinite(v)]
    many = len(actual)
    label = f"Actual over the last {many} {what if many > 1 else what.rstrip('s')}: "
    label += f"from {num(shown[0])} to {num(shown[-1])}" if len(shown) > 1 else num(shown[0])
    return Spark(_path(drawn), _path(points(target)), last, label)


def _spark_svg(line: Spark) -> str:
    label = escape(line.label)
    target = f'<path class="spark__target" d="{line.target}"/>' if line.target else ""
    last = ""
    if line.last:
        x, y = line.last
        last = f'<circle class="spark__last" cx="{x}" cy="{y}" r="2"/>'
    return (
        f'<svg class="spark" viewBox="0 0 {line.width} {line.height}" width="{line.width}" '
        f'height="{line.height}" role="img" aria-label="{label}"><title>{label}</title>{target}'
        f'<path class="spark__actual" d="{line.actual}"/>{last}</svg>'
    )


ARROWS = {"up": "▲", "down": "▼"}


def _trend_mark(move: Trend) -> str:
    judged = " trend--good" if move.good else (" trend--bad" if move.good is False else "")
    text = escape(move.text)
    return (
        f'<span class="trend trend--{escape(move.arrow)}{judged}" title="{text}">'
        f'<span aria-hidden="true">{ARROWS.get(move.arrow, "→")}</span>'
        f'<span class="visually-hidden">{text}</span></span>'
    )


def trend_cell(line: Spark | None, move: Trend | None) -> SafeString:
    """The trend cell of a KPI's row: its sparkline and its arrow (with the move in words),
    or a dash. Built here rather than in a template, as a scorecard has hundreds of them;
    the path data and coordinates are numbers, the words are escaped."""
    if line is None and move is None:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 - a constant
    html = (_spark_svg(line) if line else "") + (_trend_mark(move) if move else "")
    return mark_safe(html)  # noqa: S308 - escaped above


def _distance(value: float, low: float, high: float) -> float:
    return max(low - value, value - high, 0.0)


def trend(
    direction: str,
    now: tuple[float, float, float],
    before: tuple[float, float, float],
    compared_to: str,
) -> Trend | None:
    """The move from `before` to `now`, each (actual, low, high), judged by the direction."""
    a, b = float(now[0]), float(before[0])
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    change = a - b
    flat = abs(change) <= FLAT * abs(b) if b else change == 0
    arrow = "flat" if flat else ("up" if change > 0 else "down")
    good: bool | None = None
    if not flat:
        if direction == "range":
            if all(math.isfinite(x) for x in (*now[1:], *before[1:])):
                closer = _distance(a, *now[1:]) - _distance(b, *before[1:])
                good = None if closer == 0 else bool(closer < 0)
        else:
            good = bool((change > 0) == (direction == "increase"))
    words = {"up": "Up", "down": "Down", "flat": "Flat"}[arrow]
    if not flat and b:
        words += f" {abs(change) / abs(b) * 100:.1f} %"
    elif not flat:
        words += f" {num(abs(change))}"
    words += f" on {compared_to}"
    if good is not None:
        words += ", better" if good else ", worse"
    return Trend(arrow, good, words)


def variance(row: dict[str, Any], direction: str) -> Variance | None:
    actual = row.get("actual")
    if actual is None:
        return None
    if direction == "range":
        low, high = row.get("low"), row.get("high")
        if low is None or high is None:
            return None
        if actual > high:
            return Variance(actual - high, None, "above the range")
        if actual < low:
            return Variance(actual - low, None, "below the range")
        return Variance(0.0, None, "in the range")
    target = row.get("target")
    if target is None:
        return None
    percent = (actual - target) / abs(target) * 100 if target else None
    return Variance(actual - target, percent)
