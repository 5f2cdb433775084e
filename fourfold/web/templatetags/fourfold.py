"""Filters that format numbers, statuses and people for the pages."""

from __future__ import annotations

import math
import re

from django import template

from fourfold.accounts import names
from fourfold.core.numbers import compact, grouped

register = template.Library()

# Tuned for contrast on white: a scheme's colour names map here, hex passes through.
COLORS = {
    "red": "#c62828",
    "amber": "#e09a00",
    "orange": "#e8590c",
    "yellow": "#e3c000",
    "green": "#2e7d32",
    "lightgreen": "#66bb6a",
    "blue": "#1565c0",
    "purple": "#6a1b9a",
    "grey": "#757575",
    "gray": "#757575",
    "black": "#212121",
}
NO_STATUS = "#9e9e9e"
HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
NAME = re.compile(r"[a-zA-Z]{3,20}")


def _number(value: object) -> float | None:
    # Templates pass "" for a missing variable: anything but a finite number is "no value".
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@register.filter
def num(value: object) -> str:
    """A number with thousands separators and at most two decimals; a dash when missing."""
    return grouped(_number(value))


@register.filter
def short(value: object) -> str:
    """A number short enough for a sentence: 1.2 M, 3.45 bn; smaller ones as `num`."""
    return compact(_number(value))


@register.filter
def score(value: object) -> str:
    """A score out of 10, always with two decimals so that a column lines up."""
    value = _number(value)
    if value is None:
        return "—"
    return f"{value:.2f}"


@register.filter
def status_color(color: str | None) -> str:
    """A CSS colour for a scheme's colour: a known name, a hex value or a CSS colour name."""
    if not color:
        return NO_STATUS
    color = color.strip()
    if color.lower() in COLORS:
        return COLORS[color.lower()]
    if HEX.fullmatch(color) or NAME.fullmatch(color):
        return color
    return NO_STATUS


@register.filter
def person(user: object, how: str = "") -> str:
    """A person by name, the one way every page names one; `|person:"email"` adds the
    address where it tells two people apart. Empty for nobody: follow with `|default:`."""
    return names.name_and_email(user) if how == "email" else names.name(user)
