"""How a number is written for a person: one place, for pages, messages and files."""

from __future__ import annotations

import math

DASH = "—"


def grouped(value: float | None) -> str:
    """Thousands separators and at most two decimals (1,234.5); a dash when there is none."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return DASH
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


SCALES = ((1e12, "T"), (1e9, "bn"), (1e6, "M"))


def compact(value: float | None) -> str:
    """A number short enough for a sentence: 1.2 M, 3.45 bn; below a million as `grouped`."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return DASH
    for scale, name in SCALES:
        if abs(value) >= scale:
            shown = f"{value / scale:.3g}"
            return (
                f"{shown}\u00a0{name}"
                if "e" not in shown
                else f"{grouped(value / scale)}\u00a0{name}"
            )
    return grouped(value)
