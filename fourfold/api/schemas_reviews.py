"""What the API reads and writes of reviews, their agendas and decisions, action items and
the commentary of a KPI for a period."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .schemas import Code, In, Name, PeriodKey, Text
from .schemas_initiatives import Day

State = Literal["planned", "open", "closed"]
Status = Literal["open", "done", "cancelled"]


class ReviewOut(Schema):
    id: int
    unit: str
    series: str | None = Field(description="Name of its review series")
    period: str
    title: str
    held_on: dt.date | None
    state: State
    facilitator: str | None = Field(description="E-mail address (or user name)")


class AgendaItemOut(Schema):
    reason: str = Field(
        description="open_action, action_overdue, red, worsened, unlikely, "
        "overdue or initiative_behind"
    )
    kind: str = Field(description="action, objective, kpi or initiative")
    code: str = Field(description="The code of what it is about (an action item's id)")
    period: str
    message: str
    minutes: int = Field(description="The time it is given in the meeting")
    url: str = Field(description="The page of what it is about")


class StoredItemOut(Schema):
    id: int
    reason: str = Field(description="As the agenda's, or `added` by the facilitator")
    kind: str
    code: str
    period: str
    message: str
    minutes: int
    dropped: bool


class DecisionOut(Schema):
    id: int
    review: int
    text: str
    decided_by: str
    why: str
    kpi: str | None


class ReviewDetail(ReviewOut):
    agenda: list[StoredItemOut]
    decisions: list[DecisionOut]


class ReviewIn(In):
    unit: Code
    period: PeriodKey
    held_on: Day
    series: Name | None = Field(None, description="Name of a review series of the unit")
    title: Name | None = None


class DecisionIn(In):
    text: Name
    decided_by: Name
    why: Text = ""
    item: int | None = Field(None, description="Id of the agenda item it is about")


class ActionOut(Schema):
    id: int
    unit: str
    review: int | None
    title: str
    owner: str | None = Field(description="E-mail address (or user name)")
    due_date: dt.date | None
    status: Status
    kpi: str | None
    objective: str | None
    initiative: str | None


class ActionIn(In):
    unit: Code
    title: Name
    owner: Name = Field(description="E-mail address or user name of someone who may see the unit")
    due_date: Day
    description: Text = ""
    review: int | None = None
    kpi: Code | None = None
    objective: Code | None = None
    initiative: Code | None = None


class ActionPatch(In):
    status: Status


COMMENTARY = ("analysis", "cause", "recommendation")


class CommentaryIn(In):
    """At least one of the three with something other than spaces, as the service wants."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "anyOf": [{"required": [f], "properties": {f: {"pattern": r"\S"}}} for f in COMMENTARY]
        },
    )

    analysis: Text = ""
    cause: Text = ""
    recommendation: Text = ""


class CommentaryOut(Schema):
    kpi: str
    period: str
    analysis: str
    cause: str
    recommendation: str
    draft: bool = Field(description="Copied forward from the period before, not written yet")
    author: str | None
