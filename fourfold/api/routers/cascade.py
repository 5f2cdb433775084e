"""POST /cascades: create the scorecard of a unit from its parent's, as the page and CLI do."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from fourfold.cascade.services import CascadeError, make, plan
from fourfold.strategy.models import Unit

from ..auth import access_of, require_write
from ..common import WRITE_ERRORS, responses
from ..errors import ApiError
from ..schemas import Code

router = Router(tags=["cascade"])


class CascadeIn(Schema):
    parent: Code = Field(description="Code of the parent unit")
    child: Code = Field(description="Code of one of its child units")
    objectives: list[Code] | None = Field(
        None, description="Codes of the parent's objectives to carry down; none: all"
    )
    kpis: Literal["copy", "share"] = "copy"
    split: Literal["equal", "last_year", "copy"] = "equal"


class CascadeOut(Schema):
    id: int
    parent: str
    child: str
    objectives: list[str] = Field(description="Codes of the child's objectives made")
    kpis: list[str] = Field(description="Codes of the child's KPIs made")
    targets: int


@router.post(
    "/cascades",
    response=responses(CascadeOut, *WRITE_ERRORS, status=201),
    summary="Create the scorecard of a unit from its parent's",
    description="Each chosen objective of the parent becomes an objective `CHILD-code` of the "
    "child aligned to it (contributing), with its KPIs copied (`CHILD-code`, targets split) or "
    "made shares of the parent's KPI (`CHILD.code`, the parent then sums its children). All or "
    "nothing. Needs a read-write token whose user may edit the child unit and see its parent.",
)
def create_cascade(request: HttpRequest, data: CascadeIn) -> Any:
    token = require_write(request)
    access = access_of(request)
    units = {u.code: u for u in Unit.objects.filter(code__in=[data.parent, data.child])}
    for code in (data.parent, data.child):
        if code not in units or not access.can_view(units[code].pk):
            raise ApiError(404, f"There is no unit '{code}' that this token may see.")
    parent, child = units[data.parent], units[data.child]
    if not access.can_cascade(child.pk, parent.pk):
        raise ApiError(403, f"This token's user may not cascade into unit {child.code}.")
    try:
        found = plan(parent, child, objectives=data.objectives, kpis=data.kpis, split=data.split)
        made = make(found, actor=token.user, access=access)
    except CascadeError as exc:
        raise ApiError(422, f"{str(exc).capitalize()}.") from None
    return Status(
        201,
        {
            "id": made.pk,
            "parent": parent.code,
            "child": child.code,
            "objectives": [o.code for o in found.objectives],
            "kpis": [k.code for o in found.objectives for k in o.kpis],
            "targets": found.n_targets,
        },
    )
