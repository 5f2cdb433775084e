"""Units, scorecards, perspectives, objectives and links: the strategy, read only."""

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from fourfold.strategy.models import Link, Objective, Perspective, Scorecard, Unit

from ..auth import access_of
from ..common import READ_ERRORS, Mapped, Page, Rows, in_unit, responses, unit_id, visible
from ..errors import ApiError
from ..schemas import Code, LinkOut, ObjectiveOut, PerspectiveOut, ScorecardOut, UnitOut

router = Router(tags=["strategy"])


class UnitFilter(Schema):
    parent: Code | None = None


class ByUnit(Schema):
    unit: Code | None = None


class ObjectiveFilter(Schema):
    unit: Code | None = None
    perspective: Code | None = None


def _units() -> Rows:
    return Unit.objects.order_by("order", "code").values(
        "code", "name", "order", parent_code=F("parent__code"), owner_email=F("owner__email")
    )


def _unit_out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "parent": row["parent_code"], "owner": row["owner_email"] or None}


@router.get(
    "/units",
    response=responses(list[UnitOut], *READ_ERRORS),
    summary="List the units",
    description="The units the token's user may see, in the order of the organization tree; "
    "`?parent=` keeps the children of one unit.",
)
@paginate(Page)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    access = access_of(request)
    rows = visible(_units(), access, "pk")
    if filters.parent is not None:
        rows = rows.filter(parent_id=unit_id(access, filters.parent))
    return Mapped(rows, _unit_out)


@router.get(
    "/units/{code}",
    response=responses(UnitOut, *READ_ERRORS),
    summary="Read one unit",
)
def get_unit(request: HttpRequest, code: Path[Code]) -> Any:
    pk = unit_id(access_of(request), code)
    return _unit_out(_units().get(pk=pk))


def _scorecards() -> Rows:
    return Scorecard.objects.order_by("unit__order", "unit__code").values(
        "rollup",
        unit_code=F("unit__code"),
        unit_name=F("unit__name"),
        scheme_name=F("scheme__name"),
    )


def _scorecard_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": row["unit_code"],
        "name": row["unit_name"],
        "rollup": row["rollup"],
        "scheme": row["scheme_name"],
    }


@router.get(
    "/scorecards",
    response=responses(list[ScorecardOut], *READ_ERRORS),
    summary="List the scorecards",
    description="One scorecard per unit the token's user may see; `?unit=` keeps one.",
)
@paginate(Page)
def list_scorecards(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    rows = in_unit(_scorecards(), access_of(request), filters.unit, "unit_id")
    return Mapped(rows, _scorecard_out)


@router.get(
    "/scorecards/{unit}",
    response=responses(ScorecardOut, *READ_ERRORS),
    summary="Read the scorecard of a unit",
)
def get_scorecard(request: HttpRequest, unit: Path[Code]) -> Any:
    pk = unit_id(access_of(request), unit)
    row = _scorecards().filter(unit_id=pk).first()
    if row is None:
        raise ApiError(404, f"The unit '{unit}' has no scorecard yet.")
    return _scorecard_out(row)


def _perspectives() -> Rows:
    return Perspective.objects.order_by(
        "scorecard__unit__order", "scorecard__unit__code", "order", "pk"
    ).values(
        "code",
        "name",
        "order",
        "weight",
        "rollup",
        "archived",
        unit=F("scorecard__unit__code"),
        scheme_name=F("scheme__name"),
    )


def _perspective_out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "scheme": row["scheme_name"]}


@router.get(
    "/perspectives",
    response=responses(list[PerspectiveOut], *READ_ERRORS),
    summary="List the perspectives",
    description="The perspectives of the scorecards the token's user may see; `?unit=` keeps "
    "one unit's. Perspective codes are unique within a unit.",
)
@paginate(Page)
def list_perspectives(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    rows = in_unit(_perspectives(), access_of(request), filters.unit, "scorecard__unit_id")
    return Mapped(rows, _perspective_out)


@router.get(
    "/perspectives/{unit}/{code}",
    response=responses(PerspectiveOut, *READ_ERRORS),
    summary="Read one perspective of a unit",
)
def get_perspective(request: HttpRequest, unit: Path[Code], code: Path[Code]) -> Any:
    pk = unit_id(access_of(request), unit)
    row = _perspectives().filter(scorecard__unit_id=pk, code=code).first()
    if row is None:
        raise ApiError(404, f"The unit '{unit}' has no perspective '{code}'.")
    return _perspective_out(row)


def _objectives() -> Rows:
    return Objective.objects.order_by("pk").values(
        "code",
        "name",
        "description",
        "order",
        "weight",
        "rollup",
        "contributes",
        "archived",
        unit=F("perspective__scorecard__unit__code"),
        perspective_code=F("perspective__code"),
        owner_email=F("owner__email"),
        scheme_name=F("scheme__name"),
        aligned_code=F("aligned_to__code"),
    )


def _objective_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "perspective": row["perspective_code"],
        "owner": row["owner_email"] or None,
        "scheme": row["scheme_name"],
        "aligned_to": row["aligned_code"],
    }


OBJECTIVE_UNIT = "perspective__scorecard__unit_id"


@router.get(
    "/objectives",
    response=responses(list[ObjectiveOut], *READ_ERRORS),
    summary="List the objectives",
    description="The objectives the token's user may see; `?unit=` and `?perspective=` "
    "(a perspective code, with or without a unit) narrow it.",
)
@paginate(Page)
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilter]) -> Any:
    rows = in_unit(_objectives(), access_of(request), filters.unit, OBJECTIVE_UNIT)
    if filters.perspective is not None:
        rows = rows.filter(perspective__code=filters.perspective)
    return Mapped(rows, _objective_out)


@router.get(
    "/objectives/{code}",
    response=responses(ObjectiveOut, *READ_ERRORS),
    summary="Read one objective",
)
def get_objective(request: HttpRequest, code: Path[Code]) -> Any:
    row = visible(_objectives(), access_of(request), OBJECTIVE_UNIT).filter(code=code).first()
    if row is None:
        raise ApiError(404, f"There is no objective '{code}' that this token may see.")
    return _objective_out(row)


@router.get(
    "/links",
    response=responses(list[LinkOut], *READ_ERRORS),
    summary="List the cause-effect links",
    description="The links of the strategy map between objectives the token's user may see; "
    "`?unit=` keeps the links whose cause is in that unit.",
)
@paginate(Page)
def list_links(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    access = access_of(request)
    rows = Link.objects.order_by("pk").values(
        cause_code=F("cause__code"),
        effect_code=F("effect__code"),
        cause_unit=F("cause__perspective__scorecard__unit__code"),
        effect_unit=F("effect__perspective__scorecard__unit__code"),
    )
    rows = in_unit(rows, access, filters.unit, "cause__" + OBJECTIVE_UNIT)
    rows = visible(rows, access, "effect__" + OBJECTIVE_UNIT)
    return Mapped(rows, lambda r: {**r, "cause": r["cause_code"], "effect": r["effect_code"]})
