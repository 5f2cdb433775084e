"""Briefing books: saved book templates (read, save, change, delete) and books made now.

A book is made with the token's user's rights (`fourfold.reports.books.render`): it holds
only what that user may see. Who may save and change templates is the access policy's
(`Access.can_report`, `can_save_book`, `can_change_book`).
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema, Status

from fourfold.accounts.access import Access
from fourfold.reports import books, services
from fourfold.reports.models import BookTemplate

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
from ..schemas import Code, Name, PeriodKey

router = Router(tags=["reports"])
Section = Literal[
    "cover", "scorecard", "map", "objectives", "commentary", "initiatives", "actions", "quality"
]
Format = Literal["pdf", "xlsx", "pptx"]
FILE = {
    200: {
        "description": "The book as a file (Content-Disposition: attachment), its numbers "
        "read at the moment in the X-Fourfold-Read-At header",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in books.FORMATS.values()
        },
    }
}


class TemplateFilter(Schema):
    unit: Code | None = None


class TemplateIn(Schema):
    unit: Code
    name: Name
    period: PeriodKey | Literal[""] = ""
    sections: list[Section] | None = None


class TemplatePatch(Schema):
    name: Name | None = None
    period: PeriodKey | Literal[""] | None = None
    sections: list[Section] | None = None


class TemplateOut(Schema):
    id: int
    unit: str
    name: str
    period: str
    sections: list[str]
    owner: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class RenderQuery(Schema):
    fmt: Format = "pdf"
    period: PeriodKey | None = None


class BookQuery(Schema):
    unit: Code
    period: PeriodKey
    fmt: Format = "pdf"
    sections: str | None = None  # comma-separated section names


def _out(t: BookTemplate) -> dict[str, Any]:
    owner = t.owner
    return {
        "id": t.pk,
        "unit": t.unit.code,
        "name": t.name,
        "period": t.period,
        "sections": list(t.ordered_sections()),
        "owner": None if owner is None else str(owner.email or owner.get_username()),
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def _found(access: Access, pk: int) -> BookTemplate:
    found = BookTemplate.objects.filter(pk=pk).select_related("unit", "owner").first()
    if found is None or not access.can_report(found.unit_id):
        raise ApiError(404, f"There is no book template {pk} that this token may see.")
    return found


def _to_change(request: HttpRequest, pk: int) -> BookTemplate:
    require_write(request)
    access = access_of(request)
    found = _found(access, pk)
    if not access.can_change_book(found.unit_id, found.owner_id):
        raise ApiError(
            403, "Only whoever saved this book template and the unit's editors may change it."
        )
    return found


def _refused(exc: books.ReportError, field: str) -> ApiError:
    return ApiError(
        422,
        f"{exc.message[:1].upper()}{exc.message[1:]}.",
        [{"field": field, "reason": exc.message}],
    )


def _file(made: books.Rendered) -> HttpResponse:
    from fourfold.reports.views import download

    return download(made)


def _render(request: HttpRequest, spec: books.BookSpec, fmt: str) -> HttpResponse:
    try:
        made = books.render(spec, fmt, user=request.user)
    except books.ReportError as exc:
        raise _refused(exc, "period") from None
    return _file(made)


@listing(
    router,
    "/book-templates",
    list[TemplateOut],
    summary="List the saved book templates",
    description="The briefing books saved for the units the token's user may see; "
    "`?unit=` keeps one unit's.",
)
def list_templates(request: HttpRequest, filters: Query[TemplateFilter]) -> Any:
    access = access_of(request)
    rows = access.visible(BookTemplate.objects.all(), "unit_id")
    if filters.unit is not None:
        rows = rows.filter(unit_id=unit_id(access, filters.unit))
    rows = rows.select_related("unit", "owner").order_by("unit__code", "name", "pk")
    return Mapped(rows, _out)  # type: ignore[arg-type]


@router.get(
    "/book-templates/{pk}",
    response=responses(TemplateOut, *READ_ERRORS),
    summary="Read a saved book template",
)
def get_template(request: HttpRequest, pk: Path[int]) -> Any:
    return _out(_found(access_of(request), pk))


@router.post(
    "/book-templates",
    response=responses(TemplateOut, *WRITE_ERRORS, status=201),
    summary="Save a book template",
    description="A book of `unit` to make again: its `name` (unique in the unit), its "
    "`period` (blank: the latest complete period when it is made) and its `sections` (all "
    "when left out), saved as the token's user's. Needs a read-write token whose user may "
    "see the unit.",
)
def create_template(request: HttpRequest, data: TemplateIn) -> Any:
    require_write(request)
    access = access_of(request)
    unit = body_unit(access, data.unit)
    if not access.can_save_book(unit.pk):
        raise ApiError(403, f"You may not save book templates of unit {unit.code}.")
    try:
        made = services.create_template(request.user, unit, data.model_dump(exclude={"unit"}))
    except books.ReportError as exc:
        raise _refused(exc, "name") from None
    return Status(201, _out(_found(access, made.pk)))


@router.patch(
    "/book-templates/{pk}",
    response=responses(TemplateOut, *WRITE_ERRORS),
    summary="Change a saved book template",
    description="Changes only the fields sent. Needs a read-write token of whoever saved it "
    "or of an editor of its unit.",
)
def update_template(request: HttpRequest, pk: Path[int], data: TemplatePatch) -> Any:
    found = _to_change(request, pk)
    fields = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    try:
        services.update_template(request.user, found, fields)
    except books.ReportError as exc:
        raise _refused(exc, next(iter(fields), "name")) from None
    return _out(_found(access_of(request), pk))


@router.delete(
    "/book-templates/{pk}",
    response={204: None, **responses(None, *WRITE_ERRORS)},
    summary="Delete a saved book template",
)
def delete_template(request: HttpRequest, pk: Path[int]) -> Any:
    services.delete_template(request.user, _to_change(request, pk))
    return Status(204, None)


@router.get(
    "/book-templates/{pk}/render",
    response=responses(None, *READ_ERRORS),
    openapi_extra={"responses": FILE},
    summary="Make a saved book now",
    description="The book of the template as `?fmt=pdf|xlsx|pptx` (default pdf), for its "
    "period or `?period=`, holding what the token's user may see.",
)
def render_template(request: HttpRequest, pk: Path[int], query: Query[RenderQuery]) -> Any:
    found = _found(access_of(request), pk)
    period = period_key(query.period) if query.period else None
    try:
        spec = found.spec(period)
    except books.ReportError as exc:
        raise _refused(exc, "period") from None
    return _render(request, spec, query.fmt)


@router.get(
    "/books",
    response=responses(None, *READ_ERRORS),
    openapi_extra={"responses": FILE},
    summary="Make a unit's briefing book now",
    description="The briefing book of `?unit=` for `?period=` as `?fmt=pdf|xlsx|pptx`, with "
    "`?sections=` (comma-separated: cover, scorecard, map, objectives, commentary, "
    "initiatives, actions, quality; default all), holding what the token's user may see: "
    "the file `fourfold report` writes.",
)
def render_book(request: HttpRequest, query: Query[BookQuery]) -> Any:
    access = access_of(request)
    unit_id(access, query.unit)
    chosen = tuple(s.strip() for s in (query.sections or "").split(",") if s.strip())
    try:
        sections = books.check_sections(chosen) if chosen else books.SECTIONS
    except books.ReportError as exc:
        raise _refused(exc, "sections") from None
    spec = books.BookSpec(query.unit, period_key(query.period), sections)
    return _render(request, spec, query.fmt)
