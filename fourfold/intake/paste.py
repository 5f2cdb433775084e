"""Cells pasted from a spreadsheet into the entry grid, read the way entry.js reads them.

Three shapes: a column of values in the grid's KPI order; two columns, KPI code and value;
or the long import layout with its header (kpi, period, actual[, comment]), whose rows for
the grid's periods are taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Pasted:
    values: dict[str, str] = field(default_factory=dict)  # KPI code → the cell's text
    comments: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def parse(text: str, codes: Sequence[str], periods: Mapping[str, str]) -> Pasted:
    """Read pasted text for a grid of KPIs `codes`, each with its period `periods[code]`."""
    out = Pasted()
    lines = list(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    while lines and not lines[-1].strip():
        lines.pop()
    if not any(line.strip() for line in lines):
        out.problems.append("nothing was pasted")
        return out
    known = set(codes)
    header = [c.lower().replace(" ", "_") for c in _cells(lines[0])]
    if "kpi" in header and "actual" in header:
        col = {name: i for i, name in enumerate(header)}
        for number, line in enumerate(lines[1:], start=2):
            cells = _cells(line)
            if not any(cells):
                continue

            def at(name: str, cells: list[str] = cells) -> str:
                i = col.get(name)
                return cells[i] if i is not None and i < len(cells) else ""

            code = at("kpi")
            if code not in known:
                out.problems.append(f"line {number}: KPI '{code}' is not in this grid")
                continue
            if "period" in col and at("period") != periods[code]:
                continue  # another period than the grid's
            out.values[code] = at("actual")
            if at("comment"):
                out.comments[code] = at("comment")
        return out
    rows = [_cells(line) for line in lines]
    if all(len(r) >= 2 and r[0] in known for r in rows if any(r)):
        for r in rows:
            if any(r):
                out.values[r[0]] = r[1]
                if len(r) > 2 and r[2]:
                    out.comments[r[0]] = r[2]
        return out
    if all(len(r) == 1 for r in rows):
        if len(rows) > len(codes):
            out.problems.append(
                f"{len(rows)} values were pasted for the {len(codes)} KPIs of this grid"
            )
            return out
        for code, r in zip(codes, rows, strict=False):
            if r[0]:
                out.values[code] = r[0]
        return out
    out.problems.append(
        "paste one column of values in the order of the grid, two columns (KPI code and "
        "value), or rows with a header kpi, period, actual"
    )
    return out
