"""What every operation shares: paging, the documented errors, and the caller's unit filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from fourfold.accounts.access import Access

from .errors import ApiError, Error

# Querysets of rows as dicts, from .values().
Rows = QuerySet[Any, Any]

READ_ERRORS = (401, 404, 422, 500)
WRITE_ERRORS = (400, 401, 403, 404, 413, 422, 500)


def responses(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The answer on success and an Error for each failure the operation documents."""
    return {status: ok, **dict.fromkeys(errors, Error)}


class Page(LimitOffsetPagination):
    """`?limit=` (1 to 1000, default 100) and `?offset=`; the answer has `items` and `count`."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000, description="How many items, at most 1000")
        offset: int = Field(0, ge=0, le=1_000_000_000, description="How many items to skip")


def visible(queryset: Rows, access: Access, unit_field: str) -> Rows:
    """Only the rows of units the caller may see."""
    if access.is_admin:
        return queryset
    return queryset.filter(**{f"{unit_field}__in": access.viewable})


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


class Mapped:
    """A queryset that the paginator slices and counts, each row mapped to the output."""

    def __init__(self, rows: Rows, out: Callable[[Any], dict[str, Any]]) -> None:
        self.rows = rows
        self.out = out

    def all(self) -> Mapped:
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.out(r) for r in self.rows[window]]
