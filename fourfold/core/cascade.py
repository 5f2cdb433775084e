"""Cascading a scorecard: the share of a parent's targets each child takes, and the split."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SPLITS = ("equal", "last_year", "copy")
KPI_MODES = ("copy", "share")


class SplitError(ValueError):
    """A split that cannot be made, in one sentence."""


def share(split: str, child: str, children: Sequence[str], last_year: Mapping[str, float]) -> float:
    """The share of the parent's targets that `child` (one of `children`) takes.

    `last_year` holds each child's total of last year; a child without one counts as 0.
    """
    if split == "copy":
        return 1.0
    if split == "equal":
        return 1.0 / max(len(children), 1)
    total = sum(last_year.get(c, 0.0) for c in children)
    if child not in last_year or total <= 0:
        raise SplitError("there is no last-year data to split by")
    return last_year[child] / total


def split_target(fields: Sequence[float | None], portion: float) -> tuple[float | None, ...]:
    """A target's fields (target, red flag, stretch, low, high) times the child's share."""
    return tuple(None if v is None else round(v * portion, 6) for v in fields)
