"""`aligned_to` in the scorecard file: read, checked and written back in its shortest form.

One code or a list, each a code or `{objective: CODE, contributes: true, weight: 2}`; an
objective's own `contributes: true` is the default of the entries that do not say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fourfold.core.alignment import cycle
from fourfold.core.hierarchy import Hierarchy

from .spec import AlignedSpec, Document, Problem, Reader
from .yamlsource import Items, Node

ENTRY_FIELDS = ("objective", "contributes", "weight")


def read(reader: Reader, node: Node, place: str) -> list[AlignedSpec]:
    """The objectives above that this one serves, as the file writes them."""
    contributes = reader.flag(node, "contributes", place)
    value = node.get("aligned_to")
    if value is None:
        if contributes:
            reader.problem(node, "contributes", place, "'contributes' needs 'aligned_to'")
        return []
    if not isinstance(value, Items):
        code = reader.text(node, "aligned_to", place)
        return [AlignedSpec(code, contributes)] if code else []
    out = []
    for index, item in enumerate(value):
        line = value.item_lines[index]
        if isinstance(item, str | int) and not isinstance(item, bool):
            out.append(AlignedSpec(str(item), contributes))
            continue
        if not isinstance(item, Node):
            message = f"aligned_to item {index + 1} must be an objective code or its fields"
            reader.problems.append(Problem(line, place, message))
            continue
        where = f"{place} aligned_to[{index + 1}]"
        reader.only(item, ENTRY_FIELDS, where)
        code = reader.text(item, "objective", where, required=True)
        weight = reader.number(item, "weight", where, minimum=0)
        own = item.get("contributes")
        if own is not None:
            own = reader.flag(item, "contributes", where)
        if code:
            out.append(
                AlignedSpec(
                    code,
                    contributes if own is None else own,
                    None if weight is None else float(weight),
                )
            )
    return out


def check(
    reader: Reader,
    document: Document,
    objective_unit: Mapping[str, str],
    archiving: set[str],
    units: Mapping[str, str | None],
) -> None:
    """Each entry names an objective of a unit above, once; together they make no cycle."""
    tree = Hierarchy(dict(units))
    serves: dict[str, list[str]] = {
        code: list(above) for code, above in reader.known.aligned.items()
    }
    for unit, _, objective in document.objectives():
        place = f"objective {objective.code}"
        seen: set[str] = set()
        for entry in objective.aligned_to:
            code = entry.objective
            target_unit = objective_unit.get(code)
            if code in seen:
                problem = f"it is aligned to '{code}' twice"
            elif target_unit is None:
                problem = f"it is aligned to '{code}', which is not an objective"
            elif code in archiving:
                problem = (
                    f"it is aligned to '{code}', which the file no longer names (loading it "
                    "archives that objective)"
                )
            elif target_unit not in tree.ancestors(unit.code):
                problem = (
                    f"it is aligned to '{code}' of unit {target_unit}, "
                    f"which is not above unit {unit.code}"
                )
            else:
                problem = ""
            seen.add(code)
            if problem:
                reader.problems.append(Problem(objective.line, place, problem))
        serves[objective.code] = sorted(seen)
    found = cycle(serves)
    if found is not None:
        line = next((o.line for _, _, o in document.objectives() if o.code == found[0]), 0)
        reader.problems.append(
            Problem(
                line, f"objective {found[0]}", f"its alignments form a cycle: {' → '.join(found)}"
            )
        )


def dumped(entries: list[tuple[str, bool, float | None]]) -> dict[str, Any]:
    """The shortest `aligned_to` (and `contributes`) that reads back as these entries."""
    if not entries:
        return {}
    flags = {contributes for _, contributes, _ in entries}
    if len(flags) == 1 and all(weight is None for _, _, weight in entries):
        codes = [code for code, _, _ in entries]
        out: dict[str, Any] = {"aligned_to": codes[0] if len(codes) == 1 else codes}
        if flags == {True}:
            out["contributes"] = True
        return out
    items: list[Any] = []
    for code, contributes, weight in entries:
        if not contributes and weight is None:
            items.append(code)
            continue
        item: dict[str, Any] = {"objective": code}
        if contributes:
            item["contributes"] = True
        if weight is not None:
            item["weight"] = int(weight) if float(weight).is_integer() else weight
        items.append(item)
    return {"aligned_to": items}
