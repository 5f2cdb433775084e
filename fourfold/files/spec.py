"""Read a scorecard file into plain specs, collecting every problem with its place."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fourfold.core import scoring
from fourfold.core.entries import FREQUENCY_KIND as FREQUENCY_KIND
from fourfold.core.entries import TARGET_FIELDS as TARGET_FIELDS
from fourfold.core.entries import TARGET_KINDS as TARGET_KINDS

from .yamlsource import Items, Node

T = TypeVar("T")

ROLLUPS = ("weighted_mean", "worst", "share_met")
DIRECTIONS = ("increase", "decrease", "range")
FREQUENCIES = ("monthly", "quarterly", "yearly")
KINDS = ("lead", "lag")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A Django user name (letters, digits and @.+-_), for people without an email address.
USERNAME = re.compile(r"^[\w.+-]{1,150}$")


@dataclass
class Problem:
    line: int
    place: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # the file as a whole
            return f"{self.place}: {self.message}"
        return f"line {self.line}, {self.place}: {self.message}"


@dataclass
class KpiSpec:
    code: str
    name: str
    objective: str
    line: int
    description: str = ""
    unit: str = ""
    owner: str | None = None
    contributor: str | None = None
    direction: str = "increase"
    frequency: str = "monthly"
    aggregation: str = "sum"
    scheme: str = "default"
    weight: float = 1.0
    kind: str = ""
    grace_days: int = 15
    tolerance: float | None = None
    order: int = 0
    formula: str = ""  # a calculated KPI's formula (fourfold.core.formulas)
    formula_line: int = 0
    targets: dict[str, dict[str, float | None]] = field(default_factory=dict)
    phases: dict[str, str] = field(default_factory=dict)  # a phased target's period -> phase
    target_lines: dict[str, int] = field(default_factory=dict)
    values: dict[str, tuple[float, str]] = field(default_factory=dict)
    # The period from which a change of the KPI applies (fourfold.revisions); None: every one.
    effective_from: str | None = None


@dataclass
class AlignedSpec:
    """One objective above that an objective serves (`aligned_to` entry)."""

    objective: str
    contributes: bool = False
    weight: float | None = None  # None: the objective's own weight


@dataclass
class ObjectiveSpec:
    code: str
    name: str
    line: int
    description: str = ""
    owner: str | None = None
    rollup: str = "weighted_mean"
    scheme: str | None = None
    weight: float = 1.0
    drives: list[str] = field(default_factory=list)
    aligned_to: list[AlignedSpec] = field(default_factory=list)
    order: int = 0
    kpis: list[KpiSpec] = field(default_factory=list)
    effective_from: str | None = None


@dataclass
class PerspectiveSpec:
    code: str
    name: str
    line: int
    weight: float = 1.0
    rollup: str = "weighted_mean"
    scheme: str | None = None
    order: int = 0
    objectives: list[ObjectiveSpec] = field(default_factory=list)


@dataclass
class MilestoneSpec:
    name: str
    due: dt.date
    line: int
    done: dt.date | None = None
    owner: str | None = None
    depends_on: list[str] = field(default_factory=list)
    order: int = 0


@dataclass
class InitiativeSpec:
    code: str
    name: str
    line: int
    start: dt.date
    end: dt.date
    description: str = ""
    owner: str | None = None
    collaborators: list[str] = field(default_factory=list)
    serves: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    budget: float | None = None
    archived: bool = False
    order: int = 0
    milestones: list[MilestoneSpec] = field(default_factory=list)
    # period -> (percent complete, amount spent)
    progress: dict[str, tuple[float, float | None]] = field(default_factory=dict)


@dataclass
class UnitSpec:
    code: str
    name: str
    line: int
    parent: str | None = None
    owner: str | None = None
    rollup: str = "weighted_mean"
    scheme: str | None = None
    order: int = 0
    perspectives: list[PerspectiveSpec] = field(default_factory=list)
    # None when the unit says no `initiatives:` (loading then leaves its initiatives alone).
    initiatives: list[InitiativeSpec] | None = None
    effective_from: str | None = None


@dataclass
class Document:
    organization: dict[str, Any] | None
    schemes: dict[str, scoring.Scheme]
    units: list[UnitSpec]
    # The names of the people the file names (by email address or user name): "Priya Raman".
    people: dict[str, str] = field(default_factory=dict)

    def objectives(self) -> Iterable[tuple[UnitSpec, PerspectiveSpec, ObjectiveSpec]]:
        for unit in self.units:
            for perspective in unit.perspectives:
                for objective in perspective.objectives:
                    yield unit, perspective, objective

    def initiatives(self) -> Iterable[tuple[UnitSpec, InitiativeSpec]]:
        for unit in self.units:
            for initiative in unit.initiatives or ():
                yield unit, initiative

    def kpis(self) -> Iterable[tuple[UnitSpec, ObjectiveSpec, KpiSpec]]:
        for unit, _, objective in self.objectives():
            for kpi in objective.kpis:
                yield unit, objective, kpi


@dataclass
class KnownKpi:
    """What a formula needs to know of a KPI that is already in the database."""

    unit: str
    frequency: str
    formula: str = ""
    archived: bool = False


@dataclass
class Known:
    """What the database already holds, for references the file does not define itself."""

    fiscal_year_start: int = 1
    schemes: dict[str, scoring.Scheme] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)  # code -> parent code
    objectives: dict[str, str] = field(default_factory=dict)  # code -> unit code
    aligned: dict[str, list[str]] = field(default_factory=dict)  # code -> codes it serves
    kpis: set[str] = field(default_factory=set)
    kpi_facts: dict[str, KnownKpi] = field(default_factory=dict)
    # KPIs the author may not see (the access policy's answer): a formula may not name them,
    # and no message names them; the command line's loader is trusted and hides none.
    hidden: frozenset[str] = frozenset()


class Reader:
    def __init__(self, known: Known) -> None:
        self.known = known
        self.problems: list[Problem] = []

    # -- small typed accessors -------------------------------------------------------------

    def problem(self, node: Node | Items | None, key: str | None, place: str, msg: str) -> None:
        line = 0
        if isinstance(node, Node):
            line = node.line_of(key) if key else node.line
        elif isinstance(node, Items):
            line = node.line
        self.problems.append(Problem(line, place, msg))

    def mapping(self, value: Any, parent: Node | Items, key: str | None, place: str) -> Node | None:
        if isinstance(value, Node):
            return value
        self.problem(parent, key, place, f"expected a mapping of fields, got {_show(value)}")
        return None

    def items(self, node: Node, key: str, place: str) -> Items:
        value = node.get(key)
        if value is None:
            return _empty_items(node.line_of(key))
        if isinstance(value, Items):
            return value
        self.problem(node, key, place, f"'{key}' must be a list, got {_show(value)}")
        return _empty_items(node.line_of(key))

    def only(self, node: Node, allowed: Iterable[str], place: str) -> None:
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                self.problem(
                    node, key, place, f"unknown field '{key}' (known: {', '.join(allowed)})"
                )

    def text(self, node: Node, key: str, place: str, *, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node, None, place, f"'{key}' is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(node, key, place, f"'{key}' must be text, got {_show(value)}")
            return None
        return str(value)

    def code(self, node: Node, key: str, place: str) -> str | None:
        value = self.text(node, key, place, required=True)
        if value is not None and not CODE.match(value):
            self.problem(
                node,
                key,
                place,
                f"'{value}' is not a valid code: use letters, digits, '-', '_' or '.'",
            )
            return None
        return value

    def number(self, node: Node, key: str, place: str, *, minimum: float | None = None) -> Any:
        value = node.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(node, key, place, f"'{key}' must be a number, got {_show(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(node, key, place, f"'{key}' must be at least {minimum:g}, got {value}")
            return None
        return value

    def choice(self, node: Node, key: str, options: Iterable[str], place: str, default: str) -> str:
        value = self.text(node, key, place)
        options = tuple(options)
        if value is None:
            return default
        if value not in options:
            self.problem(
                node, key, place, f"'{key}' must be one of {', '.join(options)}, not '{value}'"
            )
            return default
        return value

    def email(self, node: Node, key: str, place: str) -> str | None:
        """A person: their email address, or the user name of someone who has none."""
        value = self.text(node, key, place)
        if not value:
            return None
        if EMAIL.match(value):
            return value.lower()
        if "@" not in value and USERNAME.match(value):
            return value
        self.problem(
            node,
            key,
            place,
            f"'{key}' must be an email address (or the user name of someone who has none), "
            f"not '{value}'",
        )
        return None

    def flag(self, node: Node, key: str, place: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.problem(node, key, place, f"'{key}' must be true or false, got {_show(value)}")
            return False
        return value

    def each(self, items: Items, place: str, read: Callable[[Node, str, int], T | None]) -> list[T]:
        out = []
        for index, value in enumerate(items):
            where = f"{place}[{index + 1}]"
            if not isinstance(value, Node):
                self.problems.append(
                    Problem(items.item_lines[index], where, f"expected fields, got {_show(value)}")
                )
                continue
            item = read(value, where, index)
            if item is not None:
                out.append(item)
        return out


def _empty_items(line: int) -> Items:
    items = Items()
    items.line = line
    items.item_lines = []
    return items


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Node):
        return "a mapping"
    if isinstance(value, Items):
        return "a list"
    return repr(value)
