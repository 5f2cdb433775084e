"""The unit tree as the pages show it, and the ways around it: up to the ancestors of a unit,
and on to the neighbouring periods. Shared by the scorecard, home and strategy map pages."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.core.hierarchy import Hierarchy
from fourfold.strategy.models import Unit

from . import periods as choose


@dataclass
class UnitNode:
    code: str
    name: str
    parent: str | None
    depth: int = 0


def unit_tree(rows: list[tuple[str, str, str | None]]) -> list[UnitNode]:
    """Units as (code, name, parent code), depth first, children in the order given."""
    nodes = {code: UnitNode(code, name, parent) for code, name, parent in rows}
    out = []
    for code, depth in Hierarchy({code: n.parent for code, n in nodes.items()}).walk():
        nodes[code].depth = depth
        out.append(nodes[code])
    return out


def visible_units(access: Access) -> list[UnitNode]:
    """The units this user may see, as a tree; a unit below a hidden one hangs from the top."""
    rows = Unit.objects.values_list("pk", "code", "name", "parent__code", "parent_id")
    visible = [
        (c, n, p if p_id is not None and access.can_view(p_id) else None)
        for pk, c, n, p, p_id in rows
        if access.can_view(pk)
    ]
    return unit_tree(visible)


def options(units: list[UnitNode], selected: str) -> SafeString:
    """The <option>s of a unit picker, indented under their parents, one selected.

    Built here rather than in a template: an organization may have a thousand units, and a
    page lists them all on every request.
    """
    out = []
    for unit in units:
        chosen = " selected" if unit.code == selected else ""
        indent = "\u00a0\u00a0\u00a0" * unit.depth
        out.append(
            f'<option value="{escape(unit.code)}"{chosen}>{indent}{escape(unit.name)}</option>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - escaped above


def ancestors(unit: UnitNode, by_code: dict[str, UnitNode]) -> list[UnitNode]:
    """The units above one, from the top down, as far as the reader may see them."""
    tree = Hierarchy({code: node.parent for code, node in by_code.items()})
    return [by_code[code] for code in tree.ancestors(unit.code)]


def neighbours(
    keys: list[str], key: str, fiscal_start: int
) -> tuple[choose.Choice | None, choose.Choice | None]:
    """The periods before and after a period among the keys of its view, where there are."""
    if key not in keys:
        return None, None
    at = keys.index(key)

    def choice(i: int) -> choose.Choice | None:
        if not 0 <= i < len(keys):
            return None
        return choose.Choice(keys[i], choose.label(periods.parse_period(keys[i], fiscal_start)))

    return choice(at - 1), choice(at + 1)
