"""Units, scorecards, perspectives, objectives and links: the strategy, read only."""

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Path, Query, Router

from fourfold.accounts.access import Access
from fourfold.core.hierarchy import Hierarchy
from fourfold.strategy.models import Alignment, Link, Objective, Perspective, Scorecard, Unit

from ..auth import access_of
from ..common import At, Resource, Rows, detail, listing, unit_id
from ..schemas import Code, LinkOut, ObjectiveOut, PerspectiveOut, ScorecardOut, UnitOut

router = Router(tags=["strategy"])


class UnitFilter(At):
    unit: Code | None = None
    parent: Code | None = None


class ByUnit(At):
    unit: Code | None = None


class ObjectiveFilter(At):
    unit: Code | None = None
    perspective: Code | None = None


def _units() -> Rows:
    return Unit.objects.order_by("order", "code").values(
        "code", "name", "order", parent_code=F("parent__code"), owner_email=F("owner__email")
    )


UNITS = Resource(
    _units,
    "pk",
    lambda row: {**row, "parent": row["parent_code"], "owner": row["owner_email"] or None},
    missing="There is no unit '{unit}' that this token may see.",
)


@listing(
    router,
    "/units",
    list[UnitOut],
    summary="List the units",
    description="The units the token's user may see, in the order of the organization tree; "
    "`?unit=` keeps one unit and the units below it, `?parent=` the children of one unit.",
    as_of=True,
)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    access = access_of(request)
    parent = filters.parent
    parent_id = None if parent is None else unit_id(access, parent)
    below = None
    if filters.unit is not None:
        tree = Hierarchy.of(Unit.objects.values_list("pk", "parent_id"))
        below = sorted(tree.subtree(unit_id(access, filters.unit)))
    return UNITS.page(request, parent_id=parent_id, pk__in=below)


@detail(router, "/units/{code}", UnitOut, summary="Read one unit")
def get_unit(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    return UNITS.one(request, unit=code)


def _scorecards() -> Rows:
    return Scorecard.objects.order_by("unit__order", "unit__code").values(
        "rollup",
        unit_code=F("unit__code"),
        unit_name=F("unit__name"),
        scheme_name=F("scheme__name"),
    )


SCORECARDS = Resource(
    _scorecards,
    "unit_id",
    lambda row: {
        "unit": row["unit_code"],
        "name": row["unit_name"],
        "rollup": row["rollup"],
        "scheme": row["scheme_name"],
    },
    missing="The unit '{unit}' has no scorecard yet.",
)


@listing(
    router,
    "/scorecards",
    list[ScorecardOut],
    summary="List the scorecards",
    description="One scorecard per unit the token's user may see; `?unit=` keeps one.",
    as_of=True,
)
def list_scorecards(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    return SCORECARDS.page(request, filters.unit)


@detail(router, "/scorecards/{unit}", ScorecardOut, summary="Read the scorecard of a unit")
def get_scorecard(request: HttpRequest, unit: Path[Code], at: Query[At]) -> Any:
    return SCORECARDS.one(request, unit=unit)


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


PERSPECTIVES = Resource(
    _perspectives,
    "scorecard__unit_id",
    lambda row: {**row, "scheme": row["scheme_name"]},
    missing="The unit '{unit}' has no perspective '{code}'.",
)


@listing(
    router,
    "/perspectives",
    list[PerspectiveOut],
    summary="List the perspectives",
    description="The perspectives of the scorecards the token's user may see; `?unit=` keeps "
    "one unit's. Perspective codes are unique within a unit.",
    as_of=True,
)
def list_perspectives(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    return PERSPECTIVES.page(request, filters.unit)


@detail(
    router, "/perspectives/{unit}/{code}", PerspectiveOut, summary="Read one perspective of a unit"
)
def get_perspective(request: HttpRequest, unit: Path[Code], code: Path[Code], at: Query[At]) -> Any:
    return PERSPECTIVES.one(request, unit=unit, code=code)


def _objectives() -> Rows:
    return Objective.objects.order_by("pk").values(
        "code",
        "name",
        "description",
        "order",
        "weight",
        "rollup",
        "archived",
        unit=F("perspective__scorecard__unit__code"),
        perspective_code=F("perspective__code"),
        owner_email=F("owner__email"),
        scheme_name=F("scheme__name"),
        objective_id=F("pk"),
        unit_id=F("perspective__scorecard__unit_id"),
    )


def _objective_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "perspective": row["perspective_code"],
        "owner": row["owner_email"] or None,
        "scheme": row["scheme_name"],
        "aligned_to": [],
    }


def _alignments(access: Access, rows: list[dict[str, Any]]) -> None:
    """Each objective's alignments, as far as the policy's `aligned_parent` shows them: the API
    names objectives by code, so one shown by its name alone (or not at all) is left out."""
    at = {row["objective_id"]: row for row in rows}
    found = Alignment.objects.filter(child_id__in=list(at)).order_by("child_id", "order", "pk")
    for child, code, name, unit, contributes, weight in found.values_list(
        "child_id",
        "parent__code",
        "parent__name",
        "parent__perspective__scorecard__unit_id",
        "contributes",
        "weight",
    ):
        row = at[child]
        shown = access.aligned_parent(name, code, unit, "", "", below=row["unit_id"])
        if shown is not None and shown.code:
            entry = {"objective": code, "contributes": contributes, "weight": weight}
            row["aligned_to"].append(entry)


OBJECTIVE_UNIT = "perspective__scorecard__unit_id"
OBJECTIVES = Resource(
    _objectives,
    OBJECTIVE_UNIT,
    _objective_out,
    missing="There is no objective '{code}' that this token may see.",
    fill=_alignments,
)


@listing(
    router,
    "/objectives",
    list[ObjectiveOut],
    summary="List the objectives",
    description="The objectives the token's user may see; `?unit=` and `?perspective=` "
    "(a perspective code, with or without a unit) narrow it.",
    as_of=True,
)
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilter]) -> Any:
    return OBJECTIVES.page(request, filters.unit, perspective__code=filters.perspective)


@detail(router, "/objectives/{code}", ObjectiveOut, summary="Read one objective")
def get_objective(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    return OBJECTIVES.one(request, code=code)


def _links() -> Rows:
    return Link.objects.order_by("pk").values(
        cause_code=F("cause__code"),
        effect_code=F("effect__code"),
        cause_unit=F("cause__perspective__scorecard__unit__code"),
        effect_unit=F("effect__perspective__scorecard__unit__code"),
    )


LINKS = Resource(
    _links,
    "cause__" + OBJECTIVE_UNIT,
    lambda row: {**row, "cause": row["cause_code"], "effect": row["effect_code"]},
    also=("effect__" + OBJECTIVE_UNIT,),
)


@listing(
    router,
    "/links",
    list[LinkOut],
    summary="List the cause-effect links",
    description="The links of the strategy map between objectives the token's user may see; "
    "`?unit=` keeps the links whose cause is in that unit.",
    as_of=True,
)
def list_links(request: HttpRequest, filters: Query[ByUnit]) -> Any:
    return LINKS.page(request, filters.unit)
