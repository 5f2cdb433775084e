"""Alerts: what the caller follows (GET, POST, PATCH, DELETE /alerts/subscriptions) and the
channels of units (GET, POST /alerts/channels), through the same services as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from pydantic import WithJsonSchema

from fourfold.alerts import services
from fourfold.alerts.models import Channel, Subscription
from fourfold.strategy.models import Unit

from ..auth import access_of, require_write
from ..common import READ_ERRORS, WRITE_ERRORS, responses
from ..errors import ApiError
from ..schemas import Code

router = Router(tags=["alerts"])

Condition = Literal[
    "red",
    "worse",
    "above",
    "below",
    "unlikely",
    "overdue",
    "action_due",
    "action_late",
    "initiative_behind",
    "comment",
]
Frequency = Literal["instant", "daily", "weekly"]
Kind = Literal["kpi", "objective", "initiative", "unit"]


class SubscriptionOut(Schema):
    id: int
    kind: Kind
    code: str = Field(description="Code of the KPI, objective, initiative or unit followed")
    unit: str
    conditions: list[Condition]
    periods: int = Field(description="Periods in a row a condition must hold before it is told")
    above: float | None
    below: float | None
    probability: float
    frequency: Frequency
    channel: int | None = Field(description="The channel it goes to; null: by email")


class SubscriptionIn(Schema):
    kind: Kind
    code: Code
    conditions: list[Condition] | None = Field(
        None, min_length=1, description="Default: the kind's usual ones"
    )
    periods: int = Field(1, ge=1, le=12, strict=True)
    above: float | None = None
    below: float | None = None
    probability: float = Field(0.3, gt=0, lt=1)
    frequency: Frequency = "instant"
    channel: int | None = None


class SubscriptionPatch(Schema):
    conditions: list[Condition] | None = Field(None, min_length=1)
    periods: int | None = Field(None, ge=1, le=12, strict=True)
    above: float | None = None
    below: float | None = None
    probability: float | None = Field(None, gt=0, lt=1)
    frequency: Frequency | None = None
    channel: int | None = None


class ChannelOut(Schema):
    id: int
    unit: str
    name: str
    kind: Literal["slack", "teams", "webhook"]
    url: str = Field(description="Shown without its secret path")
    secret: str | None = Field(
        None, description="The signing secret, in the answer of the POST only; then never again"
    )


# What the service takes, said in the schema and checked by the service, which names the field
# in its sentence: a name with something other than spaces, an http(s) URL with a host.
ChannelName = Annotated[
    str,
    Field(max_length=100),
    WithJsonSchema({"type": "string", "pattern": r"^[^\x00]*[^\x00\s][^\x00]*$", "maxLength": 100}),
]
WebhookUrl = Annotated[
    str,
    Field(max_length=1000),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
            r"(?:[/?#][^\x00\s]*)?$",
            "maxLength": 1000,
            "description": "http:// or https://, with a host",
        }
    ),
]


class ChannelIn(Schema):
    unit: Code
    name: ChannelName
    kind: Literal["slack", "teams", "webhook"]
    url: WebhookUrl


def _out(sub: Subscription) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "kind": sub.kind,
        "code": services.subject_of(sub).code,
        "unit": sub.unit.code,
        "conditions": sub.conditions,
        "periods": sub.periods,
        "above": sub.above,
        "below": sub.below,
        "probability": sub.probability,
        "frequency": sub.frequency,
        "channel": sub.channel_id,
    }


def _mine(request: HttpRequest) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user_id=int(request.user.pk or 0)).select_related(
        "unit", "kpi", "objective", "initiative"
    )


def _invalid(exc: services.AlertError) -> ApiError:
    return ApiError(422, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")


@router.get(
    "/alerts/subscriptions",
    response=responses(list[SubscriptionOut], *READ_ERRORS),
    summary="What the caller follows",
)
def list_subscriptions(request: HttpRequest) -> Any:
    return [_out(s) for s in _mine(request).order_by("kind", "pk")]


@router.post(
    "/alerts/subscriptions",
    response=responses(SubscriptionOut, *WRITE_ERRORS, status=201),
    summary="Follow a KPI, objective, initiative or unit",
    description="The caller hears of what they may see only. Following the same thing again "
    "answers the subscription there is. Needs a read-write token.",
)
def follow(request: HttpRequest, data: SubscriptionIn) -> Any:
    token = require_write(request)
    access = access_of(request)
    try:
        subject = services.subject(access, data.kind, data.code)
    except Http404:
        raise ApiError(
            404, f"There is no {data.kind} '{data.code}' that this token may see."
        ) from None
    fields = data.dict(exclude={"kind", "code"}, exclude_none=True)
    try:
        sub = services.follow(token.user, access, subject, **fields)
    except services.AlertError as exc:
        raise _invalid(exc) from None
    return Status(201, _out(sub))


def _own(request: HttpRequest, pk: int) -> Subscription:
    sub = _mine(request).filter(pk=pk).first()
    if sub is None:
        raise ApiError(404, f"The caller follows nothing with the id {pk}.")
    return sub


@router.patch(
    "/alerts/subscriptions/{pk}",
    response=responses(SubscriptionOut, *WRITE_ERRORS),
    summary="Change what a subscription hears about, how often and where",
)
def change(request: HttpRequest, pk: Path[int], data: SubscriptionPatch) -> Any:
    token = require_write(request)
    sub = _own(request, pk)
    # A null threshold or channel clears it; any other null field is left as it is.
    fields = {
        name: value
        for name, value in data.dict(exclude_unset=True).items()
        if value is not None or name in ("above", "below", "channel")
    }
    try:
        services.change(token.user, access_of(request), sub, **fields)
    except services.AlertError as exc:
        raise _invalid(exc) from None
    return _out(sub)


@router.delete(
    "/alerts/subscriptions/{pk}",
    response={204: None, **responses(None, *WRITE_ERRORS)},
    summary="Stop following",
)
def unfollow(request: HttpRequest, pk: Path[int]) -> Any:
    token = require_write(request)
    services.unfollow(token.user, access_of(request), _own(request, pk))
    return Status(204, None)


def _channel_out(c: Channel, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": c.pk,
        "unit": c.unit.code,
        "name": c.name,
        "kind": c.kind,
        "url": c.shown_url,
        "secret": secret,
    }


@router.get(
    "/alerts/channels",
    response=responses(list[ChannelOut], *READ_ERRORS),
    summary="The alert channels the caller may send to (administrators: all)",
)
def list_channels(request: HttpRequest) -> Any:
    access = access_of(request)
    found = Channel.objects.select_related("unit").order_by("unit__code", "name")
    return [_channel_out(c) for c in found if access.is_admin or access.can_use_channel(c.unit_id)]


@router.post(
    "/alerts/channels",
    response=responses(ChannelOut, *WRITE_ERRORS, status=201),
    summary="Make a Slack, Teams or signed webhook channel for a unit",
    description="Administrators only. The URL must be http(s). A `webhook` channel's answer "
    "holds its signing secret, shown this once.",
)
def make_channel(request: HttpRequest, data: ChannelIn) -> Any:
    token = require_write(request)
    access = access_of(request)
    if not access.can_manage_alert_channels():
        raise ApiError(403, "Only administrators make alert channels.")
    unit = Unit.objects.filter(code=data.unit).first()
    if unit is None:
        raise ApiError(404, f"There is no unit '{data.unit}'.")
    try:
        made, secret = services.make_channel(
            token.user, access, unit, name=data.name, kind=data.kind, url=data.url
        )
    except services.AlertError as exc:
        raise _invalid(exc) from None
    return Status(201, _channel_out(made, secret or None))
