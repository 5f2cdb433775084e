"""Text in a CSV cell that a spreadsheet would not run as a formula (DESIGN's rule).

A cell that would start with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
`'` in front, as spreadsheets themselves mark text; numbers stay numbers. Every CSV Fourfold
writes (`fourfold export`, a unit's download, the history) goes through `neutral`, and the
importer reads such a cell back as it was written (`restored`), so that a file exported and
imported again changes nothing.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """The value as a CSV cell may hold it: text that a spreadsheet would run, prefixed."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def printable(value: Any) -> Any:
    """Text as a worksheet may hold it: the control characters XML 1.0 has no place for (text
    pasted or sent through the API may hold them) dropped; anything else as it is."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def restored(value: Any) -> Any:
    """A cell as `neutral` was given it: the `'` before a formula's first character dropped."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in TRIGGERS and value[1:]:
        return value[1:]
    return value
