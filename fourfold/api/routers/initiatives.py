"""Initiatives, their milestones, progress and status notes: read and write them all.

The checks are the scorecard file's (`fourfold.initiatives.services`); who may do what is the
access policy's (`Access.can_see_initiative`, `can_edit_initiatives`, `can_enter_progress`).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from fourfold.accounts.access import Access
from fourfold.editing.checks import Invalid
from fourfold.initiatives import services
from fourfold.initiatives.models import Initiative, Milestone, Progress, StatusNote

from ..auth import access_of, require_write
from ..common import (
    WRITE_ERRORS,
    At,
    Mapped,
    body_unit,
    detail,
    listing,
    period_key,
    responses,
    unit_id,
)
from ..errors import ApiError
from ..schemas import Code, PeriodKey
from ..schemas_initiatives import (
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    NoteIn,
    NoteOut,
    ProgressIn,
    ProgressOut,
)

router = Router(tags=["initiatives"])
DELETED = {204: None}


class InitiativeFilter(At):
    unit: Code | None = None
    objective: Code | None = None


def _person(user: Any) -> str | None:
    return None if user is None else str(user.email or user.get_username())


def _milestone_out(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "due": m.due,
        "done": m.done,
        "owner": _person(m.owner),
        "depends_on": sorted(d.name for d in m.depends_on.all()),
        "order": m.order,
    }


def _out(i: Initiative) -> dict[str, Any]:
    return {
        "code": i.code,
        "unit": i.unit.code,
        "name": i.name,
        "description": i.description,
        "owner": _person(i.owner),
        "collaborators": sorted(p for u in i.collaborators.all() if (p := _person(u))),
        "serves": sorted(o.code for o in i.serves.all()),
        "moves": sorted(k.code for k in i.moves.all()),
        "start": i.start,
        "end": i.end,
        "budget": i.budget,
        "archived": i.archived,
        "milestones": [_milestone_out(m) for m in i.milestones.all()],
    }


def _found(access: Access, code: str) -> Initiative:
    found = Initiative.objects.filter(code=code).with_parts().first()
    if found is None or not access.can_see_initiative(found.unit_id, found.owner_id):
        raise ApiError(404, f"There is no initiative '{code}' that this token may see.")
    return found


def _to_change(request: HttpRequest, code: str, *, progress: bool = False) -> Initiative:
    """The initiative, for a caller who may change it (its design, or only its progress)."""
    require_write(request)
    access = access_of(request)
    found = _found(access, code)
    if progress and not access.can_enter_progress(found.unit_id, found.owner_id):
        raise ApiError(
            403, f"Only its owner or an editor of its unit may enter the progress of {code}."
        )
    if not progress and not access.can_edit_initiatives(found.unit_id):
        raise ApiError(403, f"You may see initiative {code} but not change it.")
    return found


def _invalid(what: str, exc: Invalid) -> ApiError:
    details = [{"field": f, "reason": m} for f, ms in exc.errors.items() for m in ms]
    return ApiError(422, f"The {what} cannot be saved: {details[0]['reason']}.", details)


def _visible_codes(access: Access, data: dict[str, Any]) -> None:
    """Objectives and KPIs of units hidden from the caller are, to them, not there."""
    for name, rows, what in (
        ("serves", access.objectives(), "an objective"),
        ("moves", access.kpis(), "a KPI"),
    ):
        codes = data.get(name)
        if not codes:
            continue
        known = set(rows.filter(code__in=codes).values_list("code", flat=True))
        wrong = [c for c in codes if c not in known]
        if wrong:
            reason = f"it {name} '{wrong[0]}', which is not {what}"
            details = [{"field": name, "reason": reason}]
            raise ApiError(422, f"The initiative cannot be saved: {reason}.", details)


# --- initiatives -------------------------------------------------------------------------


@listing(
    router,
    "/initiatives",
    list[InitiativeOut],
    summary="List the initiatives",
    description="The initiatives the token's user may see (of the units they see, and those "
    "they own), archived ones included, with their milestones; `?unit=` keeps one unit's, "
    "`?objective=` those that serve an objective.",
    as_of=True,
)
def list_initiatives(request: HttpRequest, filters: Query[InitiativeFilter]) -> Any:
    access = access_of(request)
    rows = access.initiatives().order_by("unit__order", "unit__code", "order", "code")
    if filters.unit is not None:
        rows = rows.filter(unit_id=unit_id(access, filters.unit))
    if filters.objective is not None:
        rows = rows.filter(serves__code=filters.objective)
    return Mapped(rows.with_parts(), _out)  # type: ignore[arg-type]


@detail(
    router,
    "/initiatives/{code}",
    InitiativeOut,
    summary="Read one initiative",
    errors=(401, 404, 422, 500),
)
def get_initiative(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    return _out(_found(access_of(request), code))


@router.post(
    "/initiatives",
    response=responses(InitiativeOut, *WRITE_ERRORS, 409, status=201),
    summary="Create an initiative",
    description="Needs a read-write token whose user may edit the unit. It ends on or after it "
    "starts; the budget is not negative; what it serves and moves are codes of objectives "
    "(of any unit) and KPIs the token's user may see.",
)
def create_initiative(request: HttpRequest, data: InitiativeIn) -> Any:
    require_write(request)
    access = access_of(request)
    unit = body_unit(access, data.unit)
    if not access.can_edit_initiatives(unit.pk):
        raise ApiError(403, f"You may see unit {unit.code} but not add initiatives to it.")
    fields = data.model_dump()
    if Initiative.objects.filter(code=data.code).exists():
        raise ApiError(409, f"There is already an initiative '{data.code}': change it with PATCH.")
    _visible_codes(access, fields)
    try:
        made = services.create_initiative(request.user, unit, fields)
    except Invalid as exc:
        raise _invalid("initiative", exc) from None
    return Status(201, _out(_found(access, made.code)))


@router.patch(
    "/initiatives/{code}",
    response=responses(InitiativeOut, *WRITE_ERRORS),
    summary="Change an initiative",
    description="Changes only the fields sent, with the checks of a new one. Needs a "
    "read-write token whose user may edit its unit.",
)
def update_initiative(request: HttpRequest, code: Path[Code], data: InitiativePatch) -> Any:
    found = _to_change(request, code)
    fields = data.model_dump(exclude_unset=True)
    _visible_codes(access_of(request), fields)
    try:
        services.update_initiative(request.user, found, fields)
    except Invalid as exc:
        raise _invalid("initiative", exc) from None
    return _out(_found(access_of(request), code))


@router.delete(
    "/initiatives/{code}",
    response={**DELETED, **responses(None, *WRITE_ERRORS)},
    summary="Delete an initiative",
    description="Deletes it with its milestones, progress and notes (the audit log keeps what "
    "it was). To keep it out of sight but on record, PATCH `archived: true` instead.",
)
def delete_initiative(request: HttpRequest, code: Path[Code]) -> Any:
    services.delete_initiative(request.user, _to_change(request, code))
    return Status(204, None)


# --- milestones ----------------------------------------------------------------------------


def _milestone(initiative: Initiative, pk: int) -> Milestone:
    found = next((m for m in initiative.milestones.all() if m.pk == pk), None)
    if found is None:
        raise ApiError(404, f"Initiative {initiative.code} has no milestone {pk}.")
    return found


@router.post(
    "/initiatives/{code}/milestones",
    response=responses(MilestoneOut, *WRITE_ERRORS, status=201),
    summary="Add a milestone to an initiative",
    description="Its name is unique in the initiative; `depends_on` names milestones that "
    "finish before it starts, never itself nor in a circle. Needs a read-write token whose "
    "user may edit the initiative's unit.",
)
def add_milestone(request: HttpRequest, code: Path[Code], data: MilestoneIn) -> Any:
    found = _to_change(request, code)
    try:
        made = services.save_milestone(request.user, found, data.model_dump())
    except Invalid as exc:
        raise _invalid("milestone", exc) from None
    return Status(201, _milestone_out(made))


@router.patch(
    "/initiatives/{code}/milestones/{milestone}",
    response=responses(MilestoneOut, *WRITE_ERRORS),
    summary="Change a milestone, or mark it done",
    description="Changes only the fields sent. Sending `done` alone (a date, or null) is "
    "entering progress: the initiative's owner may do it, as may an editor of its unit.",
)
def update_milestone(
    request: HttpRequest, code: Path[Code], milestone: Path[int], data: MilestonePatch
) -> Any:
    fields = data.model_dump(exclude_unset=True)
    found = _to_change(request, code, progress=set(fields) <= {"done"})
    try:
        saved = services.save_milestone(request.user, found, fields, _milestone(found, milestone))
    except Invalid as exc:
        raise _invalid("milestone", exc) from None
    return _milestone_out(saved)


@router.delete(
    "/initiatives/{code}/milestones/{milestone}",
    response={**DELETED, **responses(None, *WRITE_ERRORS)},
    summary="Delete a milestone",
)
def delete_milestone(request: HttpRequest, code: Path[Code], milestone: Path[int]) -> Any:
    found = _to_change(request, code)
    services.delete_milestone(request.user, _milestone(found, milestone))
    return Status(204, None)


# --- progress ------------------------------------------------------------------------------


def _progress_out(p: Progress, code: str) -> dict[str, Any]:
    return {
        "initiative": code,
        "period": p.period,
        "complete": p.complete,
        "spent": p.spent,
        "comment": p.comment,
        "entered_by": None if p.entered_by is None else p.entered_by.get_username(),
        "entered_at": p.entered_at,
    }


@listing(
    router,
    "/initiatives/{code}/progress",
    list[ProgressOut],
    summary="List the progress of an initiative",
    description="One entry per period (month, quarter or year): percent complete and amount "
    "spent. Earlier versions of an entry are kept in the history.",
    as_of=True,
)
def list_progress(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    found = _found(access_of(request), code)
    rows = Progress.objects.filter(initiative=found).select_related("entered_by")
    return Mapped(rows.order_by("period"), lambda p: _progress_out(p, code))  # type: ignore[arg-type]


@router.put(
    "/initiatives/{code}/progress/{period}",
    response={**responses(ProgressOut, *WRITE_ERRORS), 201: ProgressOut},
    summary="Enter the progress of an initiative for a period",
    description="Creates the entry (201) or changes it (200), keeping the earlier one in the "
    "history. Percent complete is from 0 to 100; the amount spent is not negative. Needs a "
    "read-write token whose user owns the initiative or may edit its unit.",
)
def put_progress(
    request: HttpRequest, code: Path[Code], period: Path[PeriodKey], data: ProgressIn
) -> Any:
    found = _to_change(request, code, progress=True)
    entry = services.ProgressEntry(period, data.complete, data.spent, data.comment)
    try:
        written = services.enter_progress(request.user, found, [entry], reason="API")
    except Invalid as exc:
        details = [
            {"field": f.rsplit(".", 1)[-1], "reason": m} for f, ms in exc.errors.items() for m in ms
        ]
        raise ApiError(
            422, f"The progress cannot be saved: {details[0]['reason']}.", details
        ) from None
    saved = Progress.objects.select_related("entered_by").get(
        initiative=found, period=period_key(period)
    )
    return Status(201 if written.created else 200, _progress_out(saved, code))


@router.delete(
    "/initiatives/{code}/progress/{period}",
    response={**DELETED, **responses(None, *WRITE_ERRORS)},
    summary="Remove the progress of an initiative for a period",
    description="The entry stays in the history, as removed.",
)
def delete_progress(request: HttpRequest, code: Path[Code], period: Path[PeriodKey]) -> Any:
    found = _to_change(request, code, progress=True)
    if not services.remove_progress(request.user, found, period_key(period)):
        raise ApiError(404, f"Initiative {code} has no progress for {period}.")
    return Status(204, None)


# --- status notes --------------------------------------------------------------------------


def _note_out(n: StatusNote, code: str) -> dict[str, Any]:
    author = None if n.author is None else n.author.get_username()
    return {"id": n.pk, "initiative": code, "period": n.period, "date": n.date, "text": n.text} | {
        "author": author
    }


@listing(
    router,
    "/initiatives/{code}/notes",
    list[NoteOut],
    summary="List the status notes of an initiative",
    description="Newest first.",
    as_of=True,
)
def list_notes(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    found = _found(access_of(request), code)
    rows = StatusNote.objects.filter(initiative=found).select_related("author")
    return Mapped(rows, lambda n: _note_out(n, code))  # type: ignore[arg-type]


@router.post(
    "/initiatives/{code}/notes",
    response=responses(NoteOut, *WRITE_ERRORS, status=201),
    summary="Add a status note to an initiative",
    description="Needs a read-write token whose user owns the initiative or may edit its unit.",
)
def add_note(request: HttpRequest, code: Path[Code], data: NoteIn) -> Any:
    found = _to_change(request, code, progress=True)
    try:
        day = dt.date.fromisoformat(data.date) if data.date else None
    except ValueError:
        reason = f"'{data.date}' is not a date"
        details = [{"field": "date", "reason": reason}]
        raise ApiError(422, f"The note cannot be saved: {reason}.", details) from None
    try:
        note = services.add_note(request.user, found, data.text, period=data.period or "", on=day)
    except Invalid as exc:
        raise _invalid("note", exc) from None
    note.author = request.user if request.user.is_authenticated else None
    return Status(201, _note_out(note, code))
