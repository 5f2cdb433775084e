"""Reviews, their agenda and decisions, action items and the commentary of a KPI for a period.

The rules are the reviews' services (`fourfold.reviews.services`, `.meetings`); who may do
what is the access policy's (`Access.can_run_review`, `can_own_action`, `can_update_action`).
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.reviews import agenda, meetings, services
from fourfold.reviews.models import ActionItem, Comment, Decision, Review, ReviewSeries
from fourfold.strategy.models import Objective, Unit

from ..auth import access_of, require_write
from ..common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Mapped,
    body_unit,
    listing,
    period_key,
    responses,
    unit_id,
)
from ..errors import ApiError
from ..schemas import Code, PeriodKey
from ..schemas_reviews import (
    ActionIn,
    ActionOut,
    ActionPatch,
    AgendaItemOut,
    CommentaryIn,
    CommentaryOut,
    DecisionIn,
    DecisionOut,
    ReviewDetail,
    ReviewIn,
    ReviewOut,
)
from ..schemas_reviews import Status as ActionStatus

router = Router(tags=["reviews"])


def _person(user: Any) -> str | None:
    return None if user is None else str(user.email or user.get_username())


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "series": r.series.name if r.series else None,
        "period": r.period,
        "title": r.title,
        "held_on": r.held_on,
        "state": r.state,
        "facilitator": _person(r.facilitator),
    }


def _decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "review": d.review_id,
        "text": d.text,
        "decided_by": d.decided_by,
        "why": d.why,
        "kpi": d.kpi.code if d.kpi else None,
    }


def _action_out(a: ActionItem) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit": a.unit.code,
        "review": a.review_id,
        "title": a.title,
        "owner": _person(a.owner),
        "due_date": a.due_date,
        "status": a.status,
        "kpi": a.kpi.code if a.kpi else None,
        "objective": a.objective.code if a.objective else None,
        "initiative": a.initiative.code if a.initiative else None,
    }


def _refused(exc: services.ReviewError, field: str) -> ApiError:
    """A 422 naming the field the service named, else `field`."""
    return ApiError(422, str(exc), [{"field": exc.field or field, "reason": str(exc)}])


def _unit_to_run(request: HttpRequest, code: str) -> Unit:
    require_write(request)
    access = access_of(request)
    unit = body_unit(access, code)
    if not access.can_run_review(unit.pk):
        raise ApiError(403, f"You may see unit {unit.code} but not run its reviews.")
    return unit


def _review(access: Access, pk: int) -> Review:
    found = Review.objects.select_related("unit", "series", "facilitator").filter(pk=pk).first()
    if found is None or not access.can_view(found.unit_id):
        raise ApiError(404, f"There is no review {pk} that this token may see.")
    return found


def _running(request: HttpRequest, pk: int) -> Review:
    require_write(request)
    access = access_of(request)
    found = _review(access, pk)
    if not access.can_run_review(found.unit_id, found.facilitator_id):
        raise ApiError(403, f"You may see review {pk} but not run it.")
    return found


# --- reviews and their agenda ------------------------------------------------------------


class ReviewFilter(Schema):
    unit: Code | None = None


@listing(
    router,
    "/reviews",
    list[ReviewOut],
    summary="List the reviews",
    description="The reviews of the units the token's user may see, the latest period "
    "first; `?unit=` keeps one unit's.",
)
def list_reviews(request: HttpRequest, filters: Query[ReviewFilter]) -> Any:
    access = access_of(request)
    rows = access.visible(Review.objects.all(), "unit_id")
    if filters.unit is not None:
        rows = rows.filter(unit_id=unit_id(access, filters.unit))
    rows = rows.select_related("unit", "series", "facilitator").order_by("-period", "-pk")
    return Mapped(rows, _review_out)  # type: ignore[arg-type]


@router.post(
    "/reviews",
    response=responses(ReviewOut, *WRITE_ERRORS, status=201),
    summary="Plan a review",
    description="A review of a unit for a period of its series' cadence (a month, "
    "quarter or year without a series), held on a date; its agenda is generated from "
    "the data. Needs a read-write token whose user runs the unit's reviews.",
)
def create_review(request: HttpRequest, data: ReviewIn) -> Any:
    unit = _unit_to_run(request, data.unit)
    series = None
    if data.series is not None:
        series = ReviewSeries.objects.filter(unit=unit, name=data.series).first()
        if series is None:
            reason = f"unit {unit.code} has no review series '{data.series}'"
            raise ApiError(
                422,
                f"The review cannot be planned: {reason}.",
                [{"field": "series", "reason": reason}],
            )
    try:
        made = meetings.plan_review(
            request.user,
            unit,
            data.period,
            held_on=_day(data.held_on),
            series=series,
            title=data.title or "",
        )
    except services.ReviewError as exc:
        raise _refused(exc, "period") from None
    return Status(201, _review_out(_review(access_of(request), made.pk)))


@router.get(
    "/reviews/{review}",
    response=responses(ReviewDetail, *READ_ERRORS),
    summary="Read a review with its agenda and decisions",
)
def get_review(request: HttpRequest, review: Path[int]) -> Any:
    found = _review(access_of(request), review)
    items = [
        {
            "id": i.pk,
            "reason": i.reason,
            "kind": i.kind,
            "code": i.code,
            "period": i.period,
            "message": i.message,
            "minutes": i.minutes,
            "dropped": i.dropped,
        }
        for i in found.items.order_by("position", "pk")
    ]
    decisions = found.decisions_made.select_related("kpi").order_by("created_at", "pk")
    return {
        **_review_out(found),
        "agenda": items,
        "decisions": [_decision_out(d) for d in decisions],
    }


@router.post(
    "/reviews/{review}/decisions",
    response=responses(DecisionOut, *WRITE_ERRORS, status=201),
    summary="Record a decision of a review",
    description="What was decided, who decided it and why; `item` names the agenda "
    "item (and so the KPI, objective or initiative) it is about.",
)
def add_decision(request: HttpRequest, review: Path[int], data: DecisionIn) -> Any:
    found = _running(request, review)
    item = None
    if data.item is not None:
        item = found.items.filter(pk=data.item).first()
        if item is None:
            raise ApiError(
                422,
                f"Review {review} has no agenda item {data.item}.",
                [{"field": "item", "reason": "no such agenda item"}],
            )
    try:
        made = meetings.record_decision(
            request.user, found, data.text, decided_by=data.decided_by, why=data.why, item=item
        )
    except services.ReviewError as exc:
        raise _refused(exc, "text") from None
    return Status(201, _decision_out(made))


@router.post(
    "/reviews/{review}/close",
    response=responses(ReviewOut, *WRITE_ERRORS, 409),
    summary="Close a review",
    description="409 when it is closed already.",
)
def close_review(request: HttpRequest, review: Path[int]) -> Any:
    found = _running(request, review)
    try:
        meetings.close(request.user, found)
    except services.ReviewError as exc:
        raise ApiError(409, str(exc)) from None
    return _review_out(found)


class AgendaQuery(Schema):
    unit: Code
    period: PeriodKey
    today: str | None = None


@router.get(
    "/agenda",
    response=responses(list[AgendaItemOut], *READ_ERRORS),
    summary="The agenda of a unit's review for a period",
    description="As `fourfold agenda --json`: the items that need discussion, in "
    "DESIGN.md's order (open actions, overdue actions, red, worsened, unlikely, "
    "overdue data, initiatives behind), each with its minutes and the page it is "
    "about; `today` (2026-12-03) judges what is overdue.",
)
def get_agenda(request: HttpRequest, filters: Query[AgendaQuery]) -> Any:
    access = access_of(request)
    unit = Unit.objects.get(pk=unit_id(access, filters.unit))
    day = _day(filters.today) if filters.today else timezone.localdate()
    made = agenda.build(unit, period_key(filters.period), today=day)
    return [
        {**line.item.as_json(), "minutes": line.item.minutes, "url": line.url}
        for line in made.lines
    ]


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        reason = f"'{text}' is not a date such as 2026-12-03"
    else:
        if (limit := periods.day_outside_limits(day, timezone.localdate())) is None:
            return day
        reason = limit
    raise ApiError(422, f"{reason[0].upper()}{reason[1:]}.", [{"field": "date", "reason": reason}])


# --- action items ------------------------------------------------------------------------


class ActionFilter(Schema):
    unit: Code | None = None
    status: ActionStatus | None = None
    mine: bool = False


@listing(
    router,
    "/actions",
    list[ActionOut],
    summary="List the action items",
    description="The action items of the units the token's user may see and those they "
    "own, the earliest due first; `?unit=`, `?status=open` and `?mine=true` narrow it.",
)
def list_actions(request: HttpRequest, filters: Query[ActionFilter]) -> Any:
    access = access_of(request)
    me = request.user.pk
    rows = ActionItem.objects.all()
    if not access.is_admin:
        rows = rows.filter(Q(unit_id__in=access.viewable) | Q(owner_id=me))
    if filters.unit is not None:
        rows = rows.filter(unit_id=unit_id(access, filters.unit))
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.mine:
        rows = rows.filter(owner_id=me)
    rows = rows.select_related("unit", "owner", "kpi", "objective", "initiative")
    return Mapped(rows.order_by("due_date", "pk"), _action_out)  # type: ignore[arg-type]


def _owner(text: str | None) -> Any:
    if text is None:
        return None
    found = get_user_model().objects.filter(Q(email__iexact=text) | Q(username=text))
    person = found.order_by("pk").first()
    if person is None:
        reason = f"there is no person '{text}'"
        raise ApiError(
            422,
            f"The action item cannot be saved: {reason}.",
            [{"field": "owner", "reason": reason}],
        )
    return person


def _of_unit(unit: Unit, model: Any, code: str | None, field: str, path: str) -> Any:
    if code is None:
        return None
    found = model.objects.filter(code=code, **{path: unit}).first()
    if found is None:
        reason = f"unit {unit.code} has no {field} '{code}'"
        raise ApiError(
            422, f"The action item cannot be saved: {reason}.", [{"field": field, "reason": reason}]
        )
    return found


@router.post(
    "/actions",
    response=responses(ActionOut, *WRITE_ERRORS, status=201),
    summary="Add an action item",
    description="ONE owner (an e-mail address or user name of someone who may see the "
    "unit) and a due date are required; `kpi`, `objective` and `initiative` name what "
    "it is meant to move, of the same unit.",
)
def create_action(request: HttpRequest, data: ActionIn) -> Any:
    unit = _unit_to_run(request, data.unit)
    review = None
    if data.review is not None:
        review = Review.objects.filter(pk=data.review, unit=unit).first()
        if review is None:
            raise ApiError(
                422,
                f"Unit {unit.code} has no review {data.review}.",
                [{"field": "review", "reason": "no such review"}],
            )
    try:
        made = services.create_action(
            request.user,
            unit,
            title=data.title,
            owner=_owner(data.owner),
            due_date=_day(data.due_date) if data.due_date else None,
            review=review,
            kpi=_of_unit(unit, KPI, data.kpi, "kpi", "objective__perspective__scorecard__unit"),
            objective=_of_unit(
                unit, Objective, data.objective, "objective", "perspective__scorecard__unit"
            ),
            initiative=_of_unit(unit, Initiative, data.initiative, "initiative", "unit"),
            description=data.description,
        )
    except services.ReviewError as exc:
        raise _refused(exc, "title") from None
    return Status(201, _action_out(made))


@router.patch(
    "/actions/{action}",
    response=responses(ActionOut, *WRITE_ERRORS),
    summary="Change an action item's status",
    description="Its owner, or whoever runs the unit's reviews, marks it done, "
    "cancelled or open again.",
)
def update_action(request: HttpRequest, action: Path[int], data: ActionPatch) -> Any:
    require_write(request)
    access = access_of(request)
    found = ActionItem.objects.select_related("unit", "owner", "kpi", "objective", "initiative")
    item = found.filter(pk=action).first()
    if item is None or not access.can_see_action(item.unit_id, item.owner_id):
        raise ApiError(404, f"There is no action item {action} that this token may see.")
    if not access.can_update_action(item.unit_id, item.owner_id):
        raise ApiError(
            403,
            f"Only its owner or whoever runs the reviews of {item.unit.code} "
            "changes this action item.",
        )
    services.set_action_status(request.user, item, data.status)
    return _action_out(item)


# --- commentary --------------------------------------------------------------------------


def _kpi(access: Access, code: str) -> KPI:
    found = (
        KPI.objects.select_related("objective__perspective__scorecard__unit")
        .filter(code=code)
        .first()
    )
    if found is None or not access.can_view(found.objective.perspective.scorecard.unit_id):
        raise ApiError(404, f"There is no KPI '{code}' that this token may see.")
    return found


def _commentary_out(c: Comment, kpi: KPI) -> dict[str, Any]:
    return {
        "kpi": kpi.code,
        "period": c.period,
        "analysis": c.analysis,
        "cause": c.cause,
        "recommendation": c.recommendation,
        "draft": c.draft,
        "author": _person(c.author),
    }


@router.get(
    "/kpis/{code}/commentary/{period}",
    response=responses(CommentaryOut, *READ_ERRORS),
    summary="Read the commentary of a KPI for a period",
    description="Written in a review, or a draft copied forward from the period "
    "before (`draft: true`).",
)
def get_commentary(request: HttpRequest, code: Path[Code], period: Path[PeriodKey]) -> Any:
    kpi = _kpi(access_of(request), code)
    key = period_key(period)
    found = services.commentary_of(kpi.pk, key)
    if found is None:
        raise ApiError(404, f"KPI {code} has no commentary for {key}.")
    return _commentary_out(found, kpi)


@router.put(
    "/kpis/{code}/commentary/{period}",
    response=responses(CommentaryOut, *WRITE_ERRORS),
    summary="Write the commentary of a KPI for a period",
    description="Analysis, cause and recommendation (at least one); copied forward to "
    "the next period as a draft unless that period's is written. Needs a read-write "
    "token whose user runs the unit's reviews.",
)
def put_commentary(
    request: HttpRequest, code: Path[Code], period: Path[PeriodKey], data: CommentaryIn
) -> Any:
    require_write(request)
    access = access_of(request)
    kpi = _kpi(access, code)
    if not access.can_run_review(kpi.objective.perspective.scorecard.unit_id):
        raise ApiError(403, f"You may see KPI {code} but not write its commentary.")
    try:
        made = services.write_commentary(request.user, kpi, period_key(period), **data.model_dump())
    except services.ReviewError as exc:
        raise _refused(exc, "analysis") from None
    return _commentary_out(made, kpi)
