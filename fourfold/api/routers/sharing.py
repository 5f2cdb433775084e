"""Scheduled books and share links: create, change, test-send, remove; make and revoke links.

Who may is the access policy's (`Access.can_schedule_books`, `can_share`: a unit's editors);
the checks and the sending are `fourfold.sharing`'s, as on the pages and the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from fourfold.reports.models import BookTemplate
from fourfold.sharing import links, services
from fourfold.sharing.models import BookSchedule, Delivery, ShareLink

from ..auth import access_of, require_write
from ..common import READ_ERRORS, WRITE_ERRORS, responses, unit_id
from ..errors import ApiError
from ..schemas_sharing import (
    DeliveryOut,
    LinkIn,
    OfUnit,
    ScheduleIn,
    ScheduleList,
    ScheduleOut,
    SchedulePatch,
    ShareLinkList,
    ShareLinkOut,
)

router = Router(tags=["sharing"])
DELETED = {204: None}


def _who(user: Any) -> str:
    return str(user.email or user.get_username())


def _schedule_out(s: BookSchedule) -> dict[str, Any]:
    return {
        "id": s.pk,
        "unit": s.template.unit.code,
        "template": s.template.name,
        "format": s.fmt,
        "when": s.when,
        "cron": s.cron,
        "timezone": s.timezone,
        "every": s.every,
        "subject": s.subject,
        "owner": _who(s.owner),
        "recipients": sorted(_who(p) for p in s.recipients.all()),
        "enabled": s.enabled,
        "next_run": s.next_run,
        "last_period": s.last_period,
    }


def _schedulable(request: HttpRequest, code: str, *, read: bool = False) -> int:
    access = access_of(request)
    pk = unit_id(access, code)
    if not (access.can_see_sharing(pk) if read else access.can_schedule_books(pk)):
        raise ApiError(403, f"This token's user may not schedule the books of unit {code}.")
    return pk


def _schedule(request: HttpRequest, pk: int, *, read: bool = False) -> BookSchedule:
    found = (
        BookSchedule.objects.select_related("template__unit", "owner")
        .prefetch_related("recipients")
        .filter(pk=pk)
        .first()
    )
    access = access_of(request)
    if found is None or not access.can_view(found.template.unit_id):
        raise ApiError(404, f"There is no schedule {pk} that this token may see.")
    _schedulable(request, found.template.unit.code, read=read)
    return found


def _template(unit: int, name: str) -> BookTemplate:
    found = BookTemplate.objects.filter(unit_id=unit, name=name).first()
    if found is None:
        reason = f"there is no book template '{name}' of this unit"
        raise ApiError(
            422, f"{reason[0].upper()}{reason[1:]}.", [{"field": "template", "reason": reason}]
        )
    return found


def _people(names: list[str]) -> list[Any]:
    users = get_user_model().objects.filter(
        Q(username__in=names) | Q(email__in=names), is_active=True
    )
    found = list(users)
    known = {u.get_username() for u in found} | {u.email for u in found}
    unknown = [n for n in names if n not in known]
    if unknown:
        reason = f"there is no active user '{unknown[0]}'"
        raise ApiError(
            422, f"{reason[0].upper()}{reason[1:]}.", [{"field": "recipients", "reason": reason}]
        )
    return found


def _saved(schedule: BookSchedule, people: list[Any], actor: Any) -> BookSchedule:
    try:
        return services.save(schedule, people, actor=actor)
    except services.ScheduleGone as exc:
        raise ApiError(409, str(exc)) from None
    except services.SharingError as exc:
        raise ApiError(422, str(exc), [{"field": "schedule", "reason": str(exc)}]) from None


@router.get(
    "/schedules",
    response=responses(ScheduleList, *READ_ERRORS, 403),
    summary="List the scheduled books of a unit",
    description="Needs a token whose user may schedule the unit's books (its editors).",
)
def list_schedules(request: HttpRequest, filters: Query[OfUnit]) -> Any:
    pk = _schedulable(request, filters.unit, read=True)
    found = (
        BookSchedule.objects.filter(template__unit_id=pk)
        .select_related("template__unit", "owner")
        .prefetch_related("recipients")
    )
    items = [_schedule_out(s) for s in found]
    return {"items": items, "count": len(items)}


@router.post(
    "/schedules",
    response=responses(ScheduleOut, *WRITE_ERRORS, status=201),
    summary="Schedule a book",
    description="Every recipient must be able to see the unit: each gets a copy made with what "
    "they may see. The token's user owns the schedule and is told by e-mail of failed sends. "
    "Needs a read-write token whose user edits the unit.",
)
def create_schedule(request: HttpRequest, data: ScheduleIn) -> Any:
    token = require_write(request)
    pk = _schedulable(request, data.unit)
    schedule = BookSchedule(
        template=_template(pk, data.template),
        fmt=data.format,
        when=data.when,
        cron=data.cron,
        timezone=data.timezone,
        every=data.every,
        subject=data.subject,
        owner=token.user,
        enabled=data.enabled,
    )
    saved = _saved(schedule, _people(data.recipients), token.user)
    return Status(201, _schedule_out(_schedule(request, saved.pk)))


@router.get(
    "/schedules/{schedule}",
    response=responses(ScheduleOut, *READ_ERRORS, 403),
    summary="Read a scheduled book",
)
def get_schedule(request: HttpRequest, schedule: Path[int]) -> Any:
    return _schedule_out(_schedule(request, schedule, read=True))


@router.patch(
    "/schedules/{schedule}",
    response=responses(ScheduleOut, *WRITE_ERRORS, 409),
    summary="Change a scheduled book",
)
def update_schedule(request: HttpRequest, schedule: Path[int], data: SchedulePatch) -> Any:
    token = require_write(request)
    found = _schedule(request, schedule)
    given = data.model_dump(exclude_unset=True)
    if "template" in given:
        found.template = _template(found.template.unit_id, given.pop("template"))
    if "format" in given:
        found.fmt = given.pop("format")
    people = (
        _people(given.pop("recipients")) if "recipients" in given else list(found.recipients.all())
    )
    for field, value in given.items():
        setattr(found, field, value)
    _saved(found, people, token.user)
    return _schedule_out(_schedule(request, schedule))


@router.delete(
    "/schedules/{schedule}",
    response={**DELETED, **responses(None, *WRITE_ERRORS)},
    summary="Remove a scheduled book",
)
def delete_schedule(request: HttpRequest, schedule: Path[int]) -> Any:
    token = require_write(request)
    services.delete(_schedule(request, schedule), actor=token.user)
    return Status(204, None)


@router.post(
    "/schedules/{schedule}/test",
    response=responses(DeliveryOut, *WRITE_ERRORS, 409),
    summary="Send a scheduled book now to its owner only",
    description="The copy is made with the owner's permissions and logged as a test; its "
    "`status` says whether it was sent.",
)
def test_schedule(request: HttpRequest, schedule: Path[int]) -> Any:
    token = require_write(request)
    try:
        (done,) = services.send(_schedule(request, schedule), test=True, actor=token.user)
    except services.ScheduleGone as exc:
        raise ApiError(409, str(exc)) from None
    return _delivery_out(done)


def _delivery_out(d: Delivery) -> dict[str, Any]:
    return {
        "recipient": d.address,
        "period": d.period,
        "status": d.status,
        "test": d.test,
        "at": d.at,
        "size": d.size,
        "error": d.error,
        "alerted": d.alerted,
    }


def _link_out(link: ShareLink, uses: int) -> dict[str, Any]:
    return {
        "id": link.pk,
        "unit": link.unit.code,
        "kind": link.kind,
        "template": link.template.name if link.template else None,
        "format": link.fmt,
        "url": links.address(link),
        "created_by": _who(link.created_by),
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "state": link.state(),
        "uses": uses,
    }


def _shareable(request: HttpRequest, code: str, *, read: bool = False) -> int:
    access = access_of(request)
    pk = unit_id(access, code)
    if not (access.can_see_sharing(pk) if read else access.can_share(pk)):
        raise ApiError(403, f"This token's user may not share unit {code}.")
    return pk


@router.get(
    "/share-links",
    response=responses(ShareLinkList, *READ_ERRORS, 403),
    summary="List the share links of a unit",
    description="Needs a token whose user may share the unit (its editors).",
)
def list_links(request: HttpRequest, filters: Query[OfUnit]) -> Any:
    from django.db.models import Count

    pk = _shareable(request, filters.unit, read=True)
    found = (
        ShareLink.objects.filter(unit_id=pk)
        .select_related("unit", "template", "created_by")
        .annotate(n=Count("uses"))
    )
    items = [_link_out(link, link.n) for link in found]
    return {"items": items, "count": len(items)}


@router.post(
    "/share-links",
    response=responses(ShareLinkOut, *WRITE_ERRORS, status=201),
    summary="Make a share link",
    description="A link to the unit's read-only scorecard, or with `template` to one of its "
    "books, that anyone who has it may open until it expires or is revoked; it shows what the "
    "token's user may see. Needs a read-write token whose user edits the unit.",
)
def create_link(request: HttpRequest, data: LinkIn) -> Any:
    token = require_write(request)
    pk = _shareable(request, data.unit)
    template = _template(pk, data.template) if data.template is not None else None
    unit = access_of(request).unit_or_404(data.unit)
    try:
        link = links.create(
            token.user,
            unit,
            template=template,
            fmt=data.format,
            days=data.expires_days,
            note=data.note,
        )
    except services.SharingError as exc:
        raise ApiError(422, str(exc)) from None
    return Status(201, _link_out(link, 0))


@router.post(
    "/share-links/{link}/revoke",
    response=responses(ShareLinkOut, *WRITE_ERRORS),
    summary="Revoke a share link",
    description="From now on the link shows nothing (410) and says it was revoked.",
)
def revoke_link(request: HttpRequest, link: Path[int]) -> Any:
    token = require_write(request)
    found = (
        ShareLink.objects.select_related("unit", "template", "created_by").filter(pk=link).first()
    )
    if found is None or not access_of(request).can_view(found.unit_id):
        raise ApiError(404, f"There is no share link {link} that this token may see.")
    _shareable(request, found.unit.code)
    links.revoke(found, actor=token.user)
    return _link_out(found, found.uses.count())
