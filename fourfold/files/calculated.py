"""Check the formulas of a scorecard file against every KPI it and the database define."""

from __future__ import annotations

import difflib
from collections import defaultdict

from fourfold.core import formulas

from .spec import FREQUENCIES, Document, KpiSpec, Problem, Reader


def check(reader: Reader, document: Document) -> None:
    """Inputs exist, are not coarser than the KPI, roll-ups find child KPIs, and no cycle."""
    facts: dict[str, tuple[str, str, str]] = {  # code -> unit, frequency, formula
        code: (kpi.unit, kpi.frequency, kpi.formula)
        for code, kpi in reader.known.kpi_facts.items()
        if not kpi.archived
    }
    in_file: dict[str, KpiSpec] = {}
    for owner, _, kpi in document.kpis():
        facts[kpi.code] = (owner.code, kpi.frequency, kpi.formula)
        in_file[kpi.code] = kpi
    parents = dict(reader.known.units) | {u.code: u.parent for u in document.units}
    children: dict[str, list[str]] = defaultdict(list)
    for code, parent in sorted(parents.items()):
        if parent is not None:
            children[parent].append(code)

    hidden = reader.known.hidden
    named = {c: f for c, f in facts.items() if c not in hidden}  # what a file's formula may name
    graph: dict[str, list[str]] = {}
    for code, (unit, frequency, formula) in facts.items():
        if not formula:
            continue
        spec = in_file.get(code)
        try:
            tree = formulas.parse(formula)
        except formulas.FormulaError:
            continue  # a file's own is reported where it is read
        inputs: list[str] = []
        for leaf in formulas.leaves(tree):
            if leaf.kind == "num":
                continue
            names = [leaf.code]
            problem = None
            # The file's own formulas may name only what their author sees; the database's
            # are checked against everything, so that a cycle through a hidden KPI is found.
            seen = named if spec is not None else facts
            if leaf.kind in formulas.CHILDREN:
                names = [f"{c}.{leaf.code}" for c in children[unit] if f"{c}.{leaf.code}" in seen]
                if not names:
                    problem = _no_children(unit, children[unit], leaf.code)
            elif leaf.code not in seen:
                problem = _unknown(leaf.code, seen)
            else:
                problem = _coarser(leaf.code, facts[leaf.code][1], frequency)
            for name in names if leaf.kind in formulas.CHILDREN else []:
                problem = problem or _coarser(name, facts[name][1], frequency)
            if problem and spec is not None:
                place = f"formula of KPI {code}, column {leaf.column}"
                reader.problems.append(Problem(spec.formula_line, place, problem))
            inputs += [n for n in names if n in facts]
        graph[code] = inputs

    for ring in formulas.cycles(graph):
        start = next((c for c in ring if c in in_file), None)
        if start is None:
            continue  # a cycle of the database alone: not this file's to report
        at = ring.index(start)
        path = [*ring[at:-1], *ring[:at], start]
        path = [c if c not in hidden else "(a KPI you may not see)" for c in path]
        reader.problems.append(
            Problem(
                in_file[start].formula_line,
                f"formula of KPI {start}",
                "its inputs form a cycle: " + " → ".join(path),
            )
        )


def _unknown(code: str, facts: dict[str, tuple[str, str, str]]) -> str:
    message = f"unknown KPI code '{code}'"
    parts = [p for p in code.split("-") if p]
    if len(parts) > 1 and all(p in facts for p in parts):
        return message + f"; to subtract, put spaces around '-': {' - '.join(parts)}"
    close = difflib.get_close_matches(code, list(facts), n=1)
    return message + (f"; did you mean '{close[0]}'?" if close else "")


def _coarser(code: str, input_frequency: str, frequency: str) -> str | None:
    if FREQUENCIES.index(input_frequency) <= FREQUENCIES.index(frequency):
        return None
    return f"its input '{code}' is {input_frequency}, coarser than this {frequency} KPI"


def _no_children(unit: str, kids: list[str], name: str) -> str:
    if not kids:
        return f"unit {unit} has no child units to roll '{name}' up from"
    return (
        f"no direct child unit of unit {unit} has a KPI coded '<child unit>.{name}' "
        f"(its child units: {', '.join(kids)}; e.g. '{kids[0]}.{name}')"
    )
