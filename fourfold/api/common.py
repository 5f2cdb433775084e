"""What every operation shares: paging, the documented errors, and the caller's unit filter."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.strategy.models import Organization, Unit

from .auth import access_of
from .errors import ApiError, Error
from .schemas import AsOf

# Querysets of rows as dicts, from .values().
Rows = QuerySet[Any, Any]
Out = Callable[[dict[str, Any]], dict[str, Any]]
# Adds to a page of rows what their query cannot hold (a list per row), in one more query.
Fill = Callable[[Access, list[dict[str, Any]]], None]
View = TypeVar("View", bound=Callable[..., Any])

READ_ERRORS = (401, 404, 422, 429, 500)
WRITE_ERRORS = (400, 401, 403, 404, 413, 415, 422, 429, 500)


def responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The answer on success and an Error for each failure the operation documents."""
    return {status: ok, **dict.fromkeys(errors, Error)}


AS_OF = (
    "A date or time (ISO 8601: 2026-03-31 means its end), `now`, or a named revision: the "
    "answer as it stood then, with the definitions, initiatives, targets and values of that "
    "moment; what did not exist then is a 404."
)
AS_OF_NOTE = (
    " With `?as_of=` (a date, a time or a named revision), as it stood then: the "
    "definitions, initiatives, targets and values of that moment; what did not exist then is "
    "a 404."
)


class At(Schema):
    """`?as_of=` of a read (taken by `at_moment`, which runs the read as it stood)."""

    as_of: AsOf | None = Field(None, description=AS_OF)


def listing(
    router: Router,
    path: str,
    response: Any,
    summary: str,
    description: str,
    *,
    as_of: bool = False,
) -> Callable[[View], View]:
    """A paged GET of many rows (`?limit=`, `?offset=`) that documents the read errors; with
    `as_of`, read as it stood at `?as_of=` when asked (its filters declare `At`'s field)."""

    def decorate(view: View) -> View:
        operation = router.get(
            path,
            response=responses(response, *READ_ERRORS),
            summary=summary,
            description=description + (AS_OF_NOTE if as_of else ""),
        )
        paged = paginate(Page)(view)
        return operation(at_moment(paged) if as_of else paged)  # type: ignore[no-any-return]

    return decorate


def detail(
    router: Router,
    path: str,
    response: Any,
    summary: str,
    description: str = "",
    errors: tuple[int, ...] = READ_ERRORS,
) -> Callable[[View], View]:
    """A GET of one row, as it stood at `?as_of=` when asked (the view takes `At`), that
    documents the read errors."""

    def decorate(view: View) -> View:
        operation = router.get(
            path,
            response=responses(response, *errors),
            summary=summary,
            description=(description + AS_OF_NOTE).strip(),
        )
        return operation(at_moment(view))

    return decorate


def at_moment(view: View) -> View:
    """The read as it stood at `?as_of=` (fourfold.revisions.past): every query of the view,
    and of the paginator around it, finds the tables as they stood; a 404 says of when."""

    @functools.wraps(view)
    def read(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        text = request.GET.get("as_of")
        if text is None:
            return view(request, *args, **kwargs)
        moment = as_of_moment(text)
        assert moment is not None
        request.read_as_of = True  # type: ignore[attr-defined]  # (fourfold.revisions.moment)
        try:
            with _as_it_stood(moment):
                return view(request, *args, **kwargs)
        except ApiError as exc:
            if exc.status != 404:
                raise
            message = exc.message
            said = message if message[1:2].isupper() else message[0].lower() + message[1:]
            raise ApiError(404, f"As of {text}, {said}", exc.details) from None

    return read  # type: ignore[return-value]


def _as_it_stood(moment: dt.datetime) -> Any:
    from fourfold.revisions import past

    return past.as_it_stood(moment)


class Page(LimitOffsetPagination):
    """`?limit=` (1 to 1000, default 100) and `?offset=`; the answer has `items` and `count`."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000, description="How many items, at most 1000")
        offset: int = Field(0, ge=0, le=1_000_000_000, description="How many items to skip")


def visible(queryset: Rows, access: Access, unit_field: str) -> Rows:
    """Only the rows of units the caller may see."""
    return access.visible(queryset, unit_field)


def in_unit(queryset: Rows, access: Access, unit: str | None, unit_field: str) -> Rows:
    """Rows of the caller's units, of one unit when asked; an unknown or hidden unit is a 404."""
    if unit is None:
        return visible(queryset, access, unit_field)
    return queryset.filter(**{unit_field: unit_id(access, unit)})


def unit_id(access: Access, code: str) -> int:
    """The id of a unit the caller may see; any other code is a 404."""
    try:
        found = access.unit_or_404(code)
    except Http404:
        raise ApiError(404, f"There is no unit '{code}' that this token may see.") from None
    return found.pk


def body_unit(access: Access, code: str) -> Unit:
    """A unit named in a request's body that the caller may see; any other code is a 422 that
    names the field (the request was understood, its `unit` is not one)."""
    try:
        return access.unit_or_404(code)
    except Http404:
        raise ApiError(
            422,
            f"There is no unit '{code}' that this token may see.",
            [{"field": "unit", "reason": f"there is no unit '{code}'"}],
        ) from None


def period_key(text: str) -> str:
    """The key of a period in any form the files take (2026-03, FY2026-Q1...); else a 422."""
    try:
        return periods.parse_period(text, Organization.get().fiscal_year_start).key
    except periods.PeriodError as exc:
        raise ApiError(422, f"{exc}.", [{"field": "period", "reason": str(exc)}]) from None


def as_of_moment(text: str | None) -> dt.datetime | None:
    """The moment `?as_of=` stands for (a date, a time, `now` or a named revision); a 422
    when it is none of them."""
    if text is None:
        return None
    from fourfold.revisions import named

    try:
        return named.resolve(text, "as_of")[1]
    except named.Unknown as exc:
        reason = str(exc)
        raise ApiError(
            422, f"{reason[0].upper()}{reason[1:]}.", [{"field": "as_of", "reason": reason}]
        ) from None


@dataclass(frozen=True)
class Resource:
    """One kind of row the API reads: its query, the field that names its unit, its output,
    and what a 404 says when one row is not found (a template of the lookups asked for).

    `also` names more unit fields whose units the caller must see too (a link's effect);
    `fill` completes a page of output rows (an objective's alignments)."""

    query: Callable[[], Rows]
    unit_field: str
    out: Callable[..., dict[str, Any]]
    missing: str = ""
    also: tuple[str, ...] = ()
    fill: Fill | None = None

    def rows(
        self, request: HttpRequest, unit: str | None = None, period: str | None = None, **where: Any
    ) -> Rows:
        """The caller's rows, of one unit when asked (an unknown or hidden unit is a 404), of
        one period when asked (a wrong one is a 422), then narrowed by the lookups not None."""
        access = access_of(request)
        rows = in_unit(self.query(), access, unit, self.unit_field)
        for field in self.also:
            rows = visible(rows, access, field)
        if period is not None:
            where["period"] = period_key(period)
        return rows.filter(**{k: v for k, v in where.items() if v is not None})

    def page(self, request: HttpRequest, unit: str | None = None, **where: Any) -> Mapped:
        """The rows for the paginator, each mapped to the output."""
        return Mapped(self.rows(request, unit, **where), self.out, self._filler(request))

    def one(self, request: HttpRequest, **where: Any) -> dict[str, Any]:
        """The one row of these lookups as the output; none is a 404 that says `missing`."""
        row = self.rows(request, **where).first()
        if row is None:
            raise ApiError(404, self.missing.format(**where))
        out = [self.out(row)]
        self._filler(request)(out)
        return out[0]

    def _filler(self, request: HttpRequest) -> Callable[[list[dict[str, Any]]], None]:
        fill = self.fill
        if fill is None:
            return lambda rows: None
        access = access_of(request)
        return lambda rows: fill(access, rows)


class Mapped:
    """A queryset that the paginator slices and counts, each row mapped to the output."""

    def __init__(
        self, rows: Rows, out: Out, fill: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> None:
        self.rows = rows
        self.out = out
        self.fill = fill

    def all(self) -> Mapped:
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        out = [self.out(r) for r in self.rows[window]]
        if self.fill is not None:
            self.fill(out)
        return out
