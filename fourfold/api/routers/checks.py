"""The SMART check of a unit's scorecard, as `fourfold check --json` prints it."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from fourfold.checks.gather import check
from fourfold.scoring import cache

from ..auth import access_of
from ..common import READ_ERRORS, responses, unit_id
from ..schemas import Code

router = Router(tags=["checks"])


class CheckFilter(Schema):
    unit: Code


class FindingRow(Schema):
    """One finding, exactly as a line of `fourfold check --json`."""

    rule: str
    criterion: str
    severity: Literal["error", "warning", "info"]
    unit: str
    kind: Literal["kpi", "objective", "initiative"]
    code: str
    period: str | None
    message: str


@router.get(
    "/checks",
    response=responses(list[FindingRow], *READ_ERRORS),
    summary="Check a unit's scorecard against the SMART criteria",
    description="One row per finding for `?unit=` and the units below it that the token may "
    "see, worst first, with exactly the fields of `fourfold check --json`: the rule's id, its "
    "criterion and severity (error, warning, info), the unit, the kind and code of the KPI or "
    "objective, the period (or null) and a message that says the fix.",
)
def list_checks(request: HttpRequest, filters: Query[CheckFilter]) -> Any:
    access = access_of(request)
    unit_id(access, filters.unit)
    today = timezone.localdate()
    report = check(
        today=today, unit=filters.unit, scores=cache.scores(unit=filters.unit, today=today)
    )
    return [f.as_json() for f in report.seen_by(access.can_view).findings]
