"""How one demo KPI's targets and values are made up (story.yaml), for a window of periods."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .window import Slot

Entry = dict[str, int | float]
Value = int | float | dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Note:
    at: int
    comment: str
    factor: float = 1.0
    month: int | None = None  # moved to the nearest period with this month (or quarter)
    quarter: int | None = None


@dataclass(kw_only=True)
class Recipe:
    """One KPI's entry in story.yaml; the fields are described at the top of that file."""

    goal: list[float] | None = None
    goal_by_quarter: list[float] | None = None
    goal_season: bool = False
    band: list[list[float]] | None = None
    red: float | None = None
    red_rel: float | None = None
    stretch_rel: float | None = None
    baseline: float | None = None
    round_targets: int | None = None
    level: list[list[float]] = field(default_factory=list)
    season: str | None = None
    noise: float = 0.0
    noise_rel: float = 0.0
    decimals: int = 1
    lo: float | None = None
    hi: float | None = None
    monotone: bool = False
    start: int | None = None
    manual: dict[int, float] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    month_to_date: bool = False
    notes: list[Note] = field(default_factory=list)
    phase: str | None = None

    @classmethod
    def read(cls, entry: dict[str, Any]) -> Recipe:
        notes = [Note(**note) for note in entry.get("notes", [])]
        return cls(**{**entry, "notes": notes})


def rounded(x: float, decimals: int) -> int | float:
    return int(round(x, decimals)) if decimals <= 0 else round(x, decimals)


def interpolate(points: list[list[float]], t: float) -> float:
    if t <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return points[-1][1]


class Kpi:
    """A KPI's definition (from organization.yaml) with its recipe, over a window's slots."""

    def __init__(
        self, definition: dict[str, Any], recipe: Recipe, seasons: dict[str, list[float]]
    ) -> None:
        self.code: str = definition["code"]
        self.frequency: str = definition.get("frequency", "monthly")
        self.direction: str = definition.get("direction", "increase")
        self.aggregation: str = definition.get("aggregation", "sum")
        self.scored = definition.get("scheme", "default") not in ("yes_no", "unscored")
        self.calculated = bool(definition.get("formula"))
        self.recipe = recipe
        self.season = seasons[recipe.season] if recipe.season else None

    def targets(self, slots: list[Slot]) -> dict[str, Entry]:
        r = self.recipe
        if not self.scored:
            return {}
        decimals = r.decimals if r.round_targets is None else r.round_targets
        sign = 1 if self.direction == "increase" else -1
        out: dict[str, Entry] = {}
        for slot in slots:
            year = slot.fiscal_year + 3  # the lists start with fiscal year -3
            if r.band is not None:
                low, high = r.band[year]
                out[slot.key] = {"low": low, "high": high}
                continue
            if r.goal_by_quarter is not None:
                raw = r.goal_by_quarter[year * 4 + slot.number - 1]
            else:
                assert r.goal is not None, f"{self.code} has neither goal nor band"
                raw = r.goal[year]
            if r.goal_season and self.season is not None:
                raw *= self.season[slot.number - 1]
            goal = rounded(raw, decimals)
            entry: Entry = {"target": goal}
            distance = r.red if r.red is not None else (r.red_rel or 0.0) * abs(goal)
            if distance:
                entry["red_flag"] = rounded(goal - sign * distance, decimals)
            if r.stretch_rel:
                entry["stretch"] = rounded(goal + sign * r.stretch_rel * abs(goal), decimals)
            if r.baseline is not None:
                entry["baseline"] = r.baseline
            out[slot.key] = entry
        return out

    def values(self, slots: list[Slot], seed: str, *, month_so_far: bool) -> dict[str, Value]:
        """The values up to the last complete period (offset 0), and the current month's so far
        for a KPI fed daily when `month_so_far`; none for a calculated KPI."""
        r = self.recipe
        if self.calculated:
            return {}
        last = 1 if r.month_to_date and month_so_far else 0
        notes = self._placed_notes(slots)
        out: dict[str, Value] = {}
        previous: float | None = None
        for slot in slots:
            if slot.offset > last or (r.start is not None and slot.offset < r.start):
                continue
            if slot.offset in r.manual:
                value = float(r.manual[slot.offset])
            else:
                draw = random.Random(f"{seed}:{self.code}:{slot.key}")
                shock_rel, shock_abs = draw.gauss(0, 1), draw.gauss(0, 1)
                value = interpolate(r.level, slot.t)
                value *= self.season[slot.number - 1] if self.season else 1.0
                value = value * (1 + r.noise_rel * shock_rel) + r.noise * shock_abs
                value *= notes[slot.key].factor if slot.key in notes else 1.0
                value = max(value, r.lo) if r.lo is not None else value
                value = min(value, r.hi) if r.hi is not None else value
                value = max(value, previous) if r.monotone and previous is not None else value
            previous = value
            if slot.offset in r.missing:
                continue
            actual = rounded(value, r.decimals)
            note = notes.get(slot.key)
            out[slot.key] = {"actual": actual, "comment": note.comment} if note else actual
        return out

    def _placed_notes(self, slots: list[Slot]) -> dict[str, Note]:
        """Each note on its period: `at`, or the nearest period of its month (quarter)."""
        past = [s for s in slots if s.offset <= 0]
        placed = {}
        for note in self.recipe.notes:
            number = note.month or note.quarter
            fits = [s for s in past if number is None or s.number == number]
            slot = min(fits, key=lambda s: (abs(s.offset - note.at), s.offset))
            placed[slot.key] = note
        return placed

    def notes_keys(self, slots: list[Slot]) -> set[str]:
        return set(self._placed_notes(slots))
