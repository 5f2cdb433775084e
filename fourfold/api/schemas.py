"""What the API reads and writes. Input is strict: no `false` for 0, no NaN, no NUL bytes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from fourfold.core import entries, periods

# PostgreSQL cannot store a NUL character, so no text may carry one; a name has a character
# that is neither a space nor a NUL (`\S` alone matches a NUL).
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=5000)]
Name = Annotated[str, StringConstraints(pattern=r"^[^\x00]*[^\x00\s][^\x00]*$", max_length=300)]
Code = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]
# 2026-03, 2026-Q1, 2026, FY2026-Q2, 2026-03-YTD, in DESIGN's years (1900 to 20 years from the
# year the server started); a year to date ends with a month or a quarter. parse_period then
# checks the fiscal form.
YEARS = periods.years_pattern(*periods.year_limits(dt.date.today()))
# A moment for `as_of`: a date or time (ISO 8601), `now`, or a named revision's name; no NUL
# (PostgreSQL refuses one in text).
AsOf = Annotated[str, StringConstraints(pattern=r"^[^\x00]+$", min_length=1, max_length=200)]
PeriodKey = Annotated[
    str,
    StringConstraints(
        pattern=rf"^(?:[Ff][Yy])?(?:{YEARS})(?:-(?:0[1-9]|1[0-2]|[Qq][1-4])(?:-[Yy][Tt][Dd])?)?$",
        max_length=20,
    ),
]
Email = Annotated[str, StringConstraints(pattern=r"^[^\x00\s@]+@[^\x00\s@]+$", max_length=254)]
# DESIGN's limits: a finite number of magnitude at most 10^15, said in the schema as the
# server checks it, so that every number the schema allows is one the server takes.
# The server's own sentence when a number is beyond them, not pydantic's.


def _within_limit(value: float) -> float:
    if not abs(value) <= entries.LIMIT:
        shown = f"{value:.0f}" if abs(value) < 1e300 else f"{value:g}"
        raise PydanticCustomError(
            "limit", "{shown} is out of range: at most 10^15 in magnitude", {"shown": shown}
        )
    return value


Number = Annotated[
    float,
    Field(allow_inf_nan=False),
    AfterValidator(_within_limit),
    WithJsonSchema({"type": "number", "minimum": -entries.LIMIT, "maximum": entries.LIMIT}),
]
# Not negative: said in the schema, checked by the service, which names the field in its sentence.
Amount = Annotated[
    Number, WithJsonSchema({"type": "number", "minimum": 0, "maximum": entries.LIMIT})
]

Direction = Literal["increase", "decrease", "range"]
Frequency = Literal["monthly", "quarterly", "yearly"]
Aggregation = Literal["sum", "average", "last", "min", "max"]
Rollup = Literal["weighted_mean", "worst", "share_met"]
Source = Literal["manual", "file", "api", "connector"]
Phase = Literal["even", "seasonal", "last_year", "linear"]


class In(Schema):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


# --- the strategy, read only ------------------------------------------------------------


class UnitOut(Schema):
    code: str
    name: str
    parent: str | None
    owner: str | None = Field(description="E-mail address of the unit's owner")
    order: int


class ScorecardOut(Schema):
    unit: str
    name: str = Field(description="Name of the unit")
    rollup: Rollup
    scheme: str | None


class PerspectiveOut(Schema):
    unit: str
    code: str
    name: str
    order: int
    weight: float
    rollup: Rollup
    scheme: str | None
    archived: bool


class AlignedOut(Schema):
    objective: str = Field(description="Code of an objective of a unit above")
    contributes: bool = Field(description="Its score rolls up into that objective")
    weight: float | None = Field(description="Its weight there; null: the objective's own")


class ObjectiveOut(Schema):
    code: str
    unit: str
    perspective: str
    name: str
    description: str
    owner: str | None
    order: int
    weight: float
    rollup: Rollup
    scheme: str | None
    aligned_to: list[AlignedOut] = Field(
        description="The objectives of units above that it serves (those the token may see)"
    )
    archived: bool


class LinkOut(Schema):
    cause: str = Field(description="Code of the objective that drives the other")
    effect: str
    cause_unit: str
    effect_unit: str


# --- KPIs ------------------------------------------------------------------------------


class KpiOut(Schema):
    code: str
    unit: str
    objective: str
    name: str
    description: str
    unit_of_measure: str
    owner: str | None
    contributor: str | None
    direction: Direction
    frequency: Frequency
    aggregation: Aggregation
    formula: str
    scheme: str
    weight: float
    kind: Literal["lead", "lag", ""]
    grace_days: int
    tolerance: float | None
    order: int
    archived: bool


class KpiIn(In):
    code: Code
    objective: Code = Field(description="Code of the objective the KPI measures")
    name: Name
    description: Text = ""
    unit_of_measure: Annotated[Text, StringConstraints(max_length=50)] = ""
    owner: Email | None = None
    contributor: Email | None = None
    direction: Direction
    frequency: Frequency
    aggregation: Aggregation
    scheme: Code = Field("default", description="Name of a scoring scheme")
    weight: Annotated[float, Field(gt=0, le=1_000_000)] = 1.0
    kind: Literal["lead", "lag", ""] = ""
    grace_days: Annotated[int, Field(ge=0, le=3660)] = 15
    tolerance: Annotated[float, Field(gt=0, le=1e15)] | None = None


class KpiPatch(In):
    """The fields that may change; direction, frequency and scheme are fixed by the targets."""

    # Fields left out are left alone; only owner, contributor and tolerance may be cleared,
    # so the others accept no null (SkipJsonSchema keeps null out of the OpenAPI description).
    name: Name | SkipJsonSchema[None] = None
    description: Text | SkipJsonSchema[None] = None
    unit_of_measure: Annotated[Text, StringConstraints(max_length=50)] | SkipJsonSchema[None] = None
    owner: Email | None = None
    contributor: Email | None = None
    aggregation: Aggregation | SkipJsonSchema[None] = None
    weight: Annotated[float, Field(gt=0, le=1_000_000)] | SkipJsonSchema[None] = None
    kind: Literal["lead", "lag", ""] | SkipJsonSchema[None] = None
    grace_days: Annotated[int, Field(ge=0, le=3660)] | SkipJsonSchema[None] = None
    tolerance: Annotated[float, Field(gt=0, le=1e15)] | None = None
    archived: bool | SkipJsonSchema[None] = None
    # The period from which this change applies (fourfold.revisions); without it, every one.
    effective_from: PeriodKey | SkipJsonSchema[None] = None


# --- targets and values ----------------------------------------------------------------


class TargetOut(Schema):
    kpi: str
    period: str
    target: float | None
    red_flag: float | None
    stretch: float | None
    low: float | None
    high: float | None
    baseline: float | None
    source: Source
    changed_by: str | None = Field(description="User name of who set it")
    changed_at: dt.datetime
    reason: str
    phase: Phase | None = Field(
        description="How a yearly or quarterly target is spread over the KPI's months or "
        "quarters; those it implies have the reason 'phased from' the period"
    )


_REASON = Field("", description="Why it changed; kept in the history")
_PHASE = Field(
    None,
    description="Spread a yearly or quarterly target over the KPI's months or quarters "
    "(even, seasonal, last_year or linear), writing each with the reason 'phased from' the "
    "period; without it the target has no phase. A month set inside a phased period spreads "
    "the others not set by hand again, so that the period still holds.",
)


class GoalTargetIn(In):
    """The target of an `increase` or `decrease` KPI: a goal, and optionally its red flag."""

    target: Number
    red_flag: Number | None = Field(
        None,
        description="Below the target for an `increase` KPI, above it for a `decrease` one; "
        "without it, the target less 10 % of its size in the bad direction (then a target of 0 "
        "needs one)",
    )
    stretch: Number | None = None
    baseline: Number | None = None
    reason: Annotated[Text, StringConstraints(max_length=500)] = _REASON
    phase: Phase | None = _PHASE


class BandTargetIn(In):
    """The target of a `range` KPI: the band [low, high] where it scores best."""

    low: Number = Field(description="Lower bound of the band")
    high: Number = Field(description="Upper bound of the band, at least the lower one")
    baseline: Number | None = None
    reason: Annotated[Text, StringConstraints(max_length=500)] = _REASON
    phase: Phase | None = _PHASE


def _target_shape(data: Any) -> str:
    """A body that names `low` or `high` is a band; any other is a goal, so that each is
    refused in the words of its own shape ('target' is required), not of both."""
    named = data if isinstance(data, dict) else vars(data) if hasattr(data, "__dict__") else {}
    return BAND if "low" in named or "high" in named else GOAL


# The names of the two shapes, which the API's errors leave out of a field's place.
GOAL, BAND = "goal-target", "band-target"
SHAPES = {GOAL, BAND}
# One of the two shapes, told apart by their required fields (neither takes the other's).
TargetIn = Annotated[
    Annotated[GoalTargetIn, Tag(GOAL)] | Annotated[BandTargetIn, Tag(BAND)],
    Discriminator(_target_shape),
]


class MeasurementOut(Schema):
    kpi: str
    period: str
    actual: float
    comment: str
    source: Source
    source_detail: str
    entered_by: str | None = Field(description="User name of who entered it")
    entered_at: dt.datetime


class MeasurementIn(In):
    actual: Number
    comment: Annotated[Text, StringConstraints(max_length=2000)] = ""
    reason: Annotated[Text, StringConstraints(max_length=500)] = Field(
        "", description="Why it changed; kept in the history"
    )


class MeasurementItem(In):
    kpi: Code
    period: PeriodKey = Field(description="A period of the KPI's frequency: 2026-03, 2026-Q1, 2026")
    actual: Number
    comment: Annotated[Text, StringConstraints(max_length=2000)] = ""


class WriteCounts(Schema):
    created: int
    changed: int
    unchanged: int
    waiting_for_approval: int = Field(0, description="Values held for their KPI owner's approval")


class HeldOut(Schema):
    """A value that waits for the approval of its KPI's owner."""

    kpi: str
    period: str
    actual: float
    comment: str
    status: Literal["waiting for approval"]
    message: str


# --- scores ----------------------------------------------------------------------------


class Coverage(Schema):
    expected: int
    reported: int
    overdue: int


class ScoreRow(Schema):
    """One scored node, exactly as a line of `fourfold scores --json`."""

    unit: str
    kind: Literal["scorecard", "perspective", "objective", "kpi", "initiative"]
    code: str
    period: str
    actual: float | None
    target: float | None
    score: float | None
    status: str | None
    color: str | None
    coverage: Coverage
    low: float | None = Field(None, description="Only for range KPIs")
    high: float | None = Field(None, description="Only for range KPIs")
