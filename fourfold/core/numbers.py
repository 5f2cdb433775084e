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
