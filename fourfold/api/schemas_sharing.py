"""What the API of scheduled books and share links reads and writes (strict, as schemas.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints
from pydantic.json_schema import SkipJsonSchema

from fourfold.sharing import links, services
from fourfold.sharing.models import DEFAULT_SUBJECT

from .schemas import Code, In, Name

Format = Literal["pdf", "xlsx", "pptx"]
Short = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
Person = Annotated[str, StringConstraints(pattern=r"^[^\x00\s]+$", max_length=254)]
People = Annotated[list[Person], Field(min_length=1, max_length=services.MAX_RECIPIENTS)]


class UnitFilter(Schema):
    unit: Code


class ScheduleIn(In):
    unit: Code = Field(description="Code of the unit whose book is sent")
    template: Name = Field(description="Name of one of the unit's book templates")
    format: Format = "pdf"
    when: Literal["cron", "complete"] = Field(
        "cron", description="On a timetable, or when each period's data is complete"
    )
    cron: Short = Field("", description="Five fields: minute hour day month weekday")
    timezone: Short = Field("UTC", description="The timetable's zone, e.g. Europe/Paris")
    every: Literal["month", "quarter", "year"] = Field(
        "month", description="For `complete`: the kind of period awaited"
    )
    subject: Short = Field(DEFAULT_SUBJECT, description="{period}, {unit}, {organization}")
    recipients: People = Field(description="User names or e-mail addresses")
    enabled: bool = True


class SchedulePatch(In):
    """Fields left out are left alone."""

    template: Name | SkipJsonSchema[None] = None
    format: Format | SkipJsonSchema[None] = None
    when: Literal["cron", "complete"] | SkipJsonSchema[None] = None
    cron: Short | SkipJsonSchema[None] = None
    timezone: Short | SkipJsonSchema[None] = None
    every: Literal["month", "quarter", "year"] | SkipJsonSchema[None] = None
    subject: Short | SkipJsonSchema[None] = None
    recipients: People | SkipJsonSchema[None] = None
    enabled: bool | SkipJsonSchema[None] = None


class ScheduleOut(Schema):
    id: int
    unit: str
    template: str
    format: str
    when: str
    cron: str
    timezone: str
    every: str
    subject: str
    owner: str
    recipients: list[str]
    enabled: bool
    next_run: dt.datetime | None
    last_period: str


class DeliveryOut(Schema):
    recipient: str
    period: str
    status: Literal["sent", "failed"]
    test: bool
    at: dt.datetime
    size: int
    error: str
    alerted: bool


class ScheduleList(Schema):
    items: list[ScheduleOut]
    count: int


class LinkIn(In):
    unit: Code
    template: Name | None = Field(None, description="A book template's name; none: scorecard")
    format: Format = "pdf"
    expires_days: int = Field(links.DEFAULT_DAYS, ge=1, le=links.MAX_DAYS)
    note: Short = ""


class ShareLinkOut(Schema):
    id: int
    unit: str
    kind: Literal["book", "scorecard"]
    template: str | None
    format: str
    url: str = Field(description="The address to give; absolute when FOURFOLD_BASE_URL is set")
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    state: Literal["active", "expired", "revoked"]
    uses: int


class LinkList(Schema):
    items: list[ShareLinkOut]
    count: int
