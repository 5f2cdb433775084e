"""Alignment between objectives: which objectives serve which, and the cycles that are refused."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def cycle(serves: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle of alignments (`a` serves `b` serves ... serves `a`) as its path, or None.

    Aligning only to objectives of units above makes a cycle impossible while the unit tree
    stands; a unit moved in the tree could still close one, so every write checks.
    """
    done: set[K] = set()
    for start in serves:
        if start in done:
            continue
        path: list[K] = []
        on_path: set[K] = set()
        stack: list[tuple[K, bool]] = [(start, True)]
        while stack:
            node, entering = stack.pop()
            if not entering:
                on_path.discard(node)
                path.pop()
                done.add(node)
                continue
            if node in on_path:
                return [*path[path.index(node) :], node]
            if node in done:
                continue
            path.append(node)
            on_path.add(node)
            stack.append((node, False))
            stack.extend((above, True) for above in serves.get(node, ()))
    return None
