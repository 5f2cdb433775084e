"""What the API reads and writes of initiatives, milestones, progress and status notes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from .schemas import YEARS, Amount, Code, Email, In, Name, PeriodKey, Text

# A day written 2026-03-31; the services check that it is one (2026-02-30 is refused), which the
# schema says with its format.
Day = Annotated[
    str,
    # In DESIGN's years, as periods are (a review held in 0877 has no period to be of).
    StringConstraints(
        pattern=rf"^(?:{YEARS})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", max_length=10
    ),
    Field(description="A date, 2026-03-31", json_schema_extra={"format": "date"}),
]
# 0 to 100: said in the schema, checked by the service, which names the field in its sentence.
Percent = Annotated[
    float,
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
Codes = Annotated[list[Code], Field(max_length=1000)]
People = Annotated[list[Email], Field(max_length=1000)]
Names = Annotated[list[Name], Field(max_length=1000)]


class MilestoneOut(Schema):
    id: int
    name: str
    due: dt.date
    done: dt.date | None
    owner: str | None = Field(description="E-mail address (or user name) of its owner")
    depends_on: list[str] = Field(description="Names of the milestones that finish before it")
    order: int


class InitiativeOut(Schema):
    code: str
    unit: str
    name: str
    description: str
    owner: str | None = Field(description="E-mail address (or user name) of its owner")
    collaborators: list[str]
    serves: list[str] = Field(description="Codes of the objectives it serves, of any unit")
    moves: list[str] = Field(description="Codes of the KPIs it is meant to move")
    start: dt.date
    end: dt.date
    budget: float | None
    archived: bool
    milestones: list[MilestoneOut]


class InitiativeIn(In):
    code: Code
    unit: Code = Field(description="Code of the unit the initiative belongs to")
    name: Name
    description: Text = ""
    owner: Email | None = None
    collaborators: People = []
    serves: Codes = []
    moves: Codes = []
    start: Day
    end: Day
    budget: Amount | None = None


class InitiativePatch(In):
    """Fields left out are left alone; only owner and budget may be cleared with null."""

    name: Name | SkipJsonSchema[None] = None
    description: Text | SkipJsonSchema[None] = None
    owner: Email | None = None
    collaborators: People | SkipJsonSchema[None] = None
    serves: Codes | SkipJsonSchema[None] = None
    moves: Codes | SkipJsonSchema[None] = None
    start: Day | SkipJsonSchema[None] = None
    end: Day | SkipJsonSchema[None] = None
    budget: Amount | None = None
    archived: bool | SkipJsonSchema[None] = None


class MilestoneIn(In):
    name: Name
    due: Day
    done: Day | None = None
    owner: Email | None = None
    depends_on: Names = []


class MilestonePatch(In):
    """Fields left out are left alone. Its initiative's owner may set `done` alone."""

    name: Name | SkipJsonSchema[None] = None
    due: Day | SkipJsonSchema[None] = None
    done: Day | None = None
    owner: Email | None = None
    depends_on: Names | SkipJsonSchema[None] = None


class ProgressOut(Schema):
    initiative: str
    period: str
    complete: float = Field(description="Percent of the work done, 0 to 100")
    spent: float | None
    comment: str
    entered_by: str | None
    entered_at: dt.datetime


class ProgressIn(In):
    complete: Percent = Field(description="Percent of the work done, 0 to 100")
    spent: Amount | None = None
    comment: Text = ""


class NoteOut(Schema):
    id: int
    initiative: str
    period: str
    date: dt.date
    text: str
    author: str | None


class NoteIn(In):
    text: Annotated[str, StringConstraints(pattern=r"^[^\x00]*[^\x00\s][^\x00]*$", max_length=5000)]
    period: PeriodKey | None = None
    date: Day | None = None
