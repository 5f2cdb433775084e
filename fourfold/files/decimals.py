"""The decimal mark of a values file, decided once for the whole file.

People write `12.5` or `12,5`, and `1,234` is one thousand two hundred and thirty-four in one
convention and one point two three four in the other. A file is read with ONE convention:
the one its first number written unambiguously shows (`12.5`, `1,234.5`, `0,5`, `1.234,5`),
else the decimal point. A cell that writes its decimals the other way is refused, naming the
cell that decided; the upload's preview says which rule was used and why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

POINT, COMMA = ".", ","
# One separator between groups of three digits only: 1,234 or 1.234.567 — read either way.
_GROUPED = {
    COMMA: re.compile(r"[-+]?\d{1,3}(?:,\d{3})+"),
    POINT: re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+"),
}
NAMES = {POINT: "a decimal point", COMMA: "a decimal comma"}


def _plain(text: str) -> str:
    return text.replace(" ", "").replace("\u00a0", "")


def shown(text: str) -> str | None:
    """The decimal mark a number written as text shows unambiguously, or None."""
    text = _plain(text)
    point, comma = text.rfind("."), text.rfind(",")
    if point < 0 and comma < 0:
        return None
    if point >= 0 and comma >= 0:
        return POINT if point > comma else COMMA
    mark = POINT if point >= 0 else COMMA
    return None if _GROUPED[mark].fullmatch(text) else mark


@dataclass(frozen=True)
class Decimals:
    """The file's decimal mark, and the cell that decided it (None: by default)."""

    mark: str = POINT
    row: int | None = None
    example: str = ""

    def describe(self) -> str:
        other = "commas" if self.mark == POINT else "points"
        rule = f"Numbers are read with {NAMES[self.mark]}; {other} or spaces only between thousands"
        if self.row is None:
            return rule + " (the default: no number of the file shows its decimal mark)."
        return rule + f", as row {self.row} writes '{self.example}'."

    def number(self, value: Any, name: str) -> float:
        """A cell as a finite number, read with this file's decimal mark."""
        if isinstance(value, bool):
            raise ValueError(f"{name} must be a number, not {value}")
        if isinstance(value, int | float):
            result = float(value)
        else:
            text = _plain(str(value))
            found = shown(text)
            if found is not None and found != self.mark:
                raise ValueError(self._other_way(name, value))
            if self.mark == COMMA:
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
            try:
                result = float(text)
            except ValueError:
                raise ValueError(f"{name} '{value}' is not a number") from None
        if not math.isfinite(result):
            raise ValueError(f"{name} '{value}' is not a finite number")
        return result

    def _other_way(self, name: str, value: Any) -> str:
        why = f"row {self.row} writes '{self.example}'" if self.row else "the default"
        return (
            f"{name} '{value}' is written with {NAMES[COMMA if self.mark == POINT else POINT]}, "
            f"but this file writes decimals with {NAMES[self.mark]} ({why})"
        )


def decide(cells: Iterable[tuple[int, Any]]) -> Decimals:
    """The decimal mark of the first number written as text that shows one, in file order."""
    for row, value in cells:
        if isinstance(value, str) and ("," in value or "." in value):
            mark = shown(value)
            if mark is not None:
                return Decimals(mark, row, value.strip())
    return Decimals()
