"""The unit tree: one walk of parents and children for everything that goes up or down it.

Built from each unit's parent, in the order its children are to be shown. A parent that is
not among the units makes its child a root, and a cycle in the data (which the database does
not prevent) ends a walk instead of hanging it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Hierarchy(Generic[K]):
    def __init__(self, parents: Mapping[K, K | None]) -> None:
        self.parents = dict(parents)
        self._children: dict[K | None, list[K]] = {}
        for node, parent in self.parents.items():
            above = parent if parent in self.parents else None
            self._children.setdefault(above, []).append(node)

    @classmethod
    def of(cls, pairs: Iterable[tuple[K, K | None]]) -> Hierarchy[K]:
        return cls(dict(pairs))

    def __contains__(self, node: object) -> bool:
        return node in self.parents

    def __len__(self) -> int:
        return len(self.parents)

    def roots(self) -> list[K]:
        return list(self._children.get(None, []))

    def children(self, node: K) -> list[K]:
        return list(self._children.get(node, []))

    def walk(self, start: K | None = None) -> Iterator[tuple[K, int]]:
        """Every node depth first, parents before children, each with its depth; from `start`
        (with depth 0) or from every root."""
        stack = [(start, 0)] if start is not None else [(r, 0) for r in reversed(self.roots())]
        seen: set[K] = set()
        while stack:
            node, depth = stack.pop()
            if node is None or node in seen or node not in self.parents:
                continue
            seen.add(node)
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(self._children.get(node, [])))

    def subtree(self, node: K) -> set[K]:
        """The node and every node below it."""
        return {found for found, _ in self.walk(node)}

    def ancestors(self, node: K) -> list[K]:
        """The nodes above one, from the top down."""
        out: list[K] = []
        above = self.parents.get(node)
        while above is not None and above in self.parents and above not in out:
            out.append(above)
            above = self.parents[above]
        return out[::-1]

    def depth(self, node: K) -> int:
        return len(self.ancestors(node))

    def depths(self) -> dict[K, int]:
        """Every node's depth (0 at the top), in one walk."""
        found = dict(self.walk())
        # Nodes on a cycle have no root to be walked from: count what is above them.
        for node in self.parents:
            if node not in found:
                found[node] = self.depth(node)
        return found
