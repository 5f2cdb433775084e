"""KPIs, targets and measurements: read them all, write what a data pipeline needs."""

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Body, BodyEx, P, Path, Query, Router, Status

from fourfold.measures.models import KPI, Measurement, Target

from .. import feasibility, services
from ..auth import access_of, require_write
from ..common import (
    WRITE_ERRORS,
    At,
    Resource,
    Rows,
    detail,
    listing,
    period_key,
    responses,
)
from ..errors import ApiError
from ..feasibility import TargetAnswer
from ..schemas import (
    Code,
    HeldOut,
    KpiIn,
    KpiOut,
    KpiPatch,
    MeasurementIn,
    MeasurementItem,
    MeasurementOut,
    PeriodKey,
    TargetIn,
    TargetOut,
    WriteCounts,
)

router = Router(tags=["measures"])

KPI_UNIT = KPI.UNIT_ID
ROW_UNIT = "kpi__" + KPI_UNIT
BULK_LIMIT = 10_000


class KpiFilter(At):
    unit: Code | None = None
    objective: Code | None = None


class RowFilter(At):
    unit: Code | None = None
    kpi: Code | None = None
    period: PeriodKey | None = None


def _kpis() -> Rows:
    return KPI.objects.order_by("pk").values(
        "code",
        "name",
        "description",
        "direction",
        "frequency",
        "aggregation",
        "formula",
        "weight",
        "kind",
        "grace_days",
        "tolerance",
        "order",
        "archived",
        unit_code=F(f"{KPI_UNIT}__code"),
        objective_code=F("objective__code"),
        unit_of_measure=F("unit"),
        owner_email=F("owner__email"),
        contributor_email=F("contributor__email"),
        scheme_name=F("scheme__name"),
    )


def _kpi_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "unit": row["unit_code"],
        "objective": row["objective_code"],
        "owner": row["owner_email"] or None,
        "contributor": row["contributor_email"] or None,
        "scheme": row["scheme_name"],
    }


KPIS = Resource(
    _kpis, KPI_UNIT, _kpi_out, missing="There is no KPI '{code}' that this token may see."
)


@listing(
    router,
    "/kpis",
    list[KpiOut],
    summary="List the KPIs",
    description="The KPIs of the units the token's user may see, archived ones included; "
    "`?unit=` and `?objective=` narrow it.",
    as_of=True,
)
def list_kpis(request: HttpRequest, filters: Query[KpiFilter]) -> Any:
    return KPIS.page(request, filters.unit, objective__code=filters.objective)


@detail(router, "/kpis/{code}", KpiOut, summary="Read one KPI")
def get_kpi(request: HttpRequest, code: Path[Code], at: Query[At]) -> Any:
    return KPIS.one(request, code=code)


@router.post(
    "/kpis",
    response=responses(KpiOut, *WRITE_ERRORS, 409, status=201),
    summary="Create a KPI",
    description="Needs a read-write token whose user may edit the objective's unit. "
    "Owner and contributor are e-mail addresses of existing users.",
)
def create_kpi(request: HttpRequest, data: KpiIn) -> Any:
    token = require_write(request)
    kpi = services.create_kpi(data, token, access_of(request))
    return Status(201, KPIS.one(request, code=kpi.code))


@router.patch(
    "/kpis/{code}",
    response=responses(KpiOut, *WRITE_ERRORS),
    summary="Change a KPI",
    description="Changes only the fields sent. Direction, frequency and scheme cannot change "
    "here, since the KPI's targets were checked against them.",
)
def update_kpi(request: HttpRequest, code: Path[Code], data: KpiPatch) -> Any:
    token = require_write(request)
    services.update_kpi(code, data, token, access_of(request))
    return KPIS.one(request, code=code)


# --- targets ---------------------------------------------------------------------------


def _targets() -> Rows:
    return Target.objects.order_by("kpi_id", "period").values(
        "period",
        "target",
        "red_flag",
        "stretch",
        "low",
        "high",
        "baseline",
        "source",
        "changed_at",
        "reason",
        "phase",
        kpi_code=F("kpi__code"),
        changed_by_name=F("changed_by__username"),
    )


TARGETS = Resource(
    _targets,
    ROW_UNIT,
    lambda row: {
        **row,
        "kpi": row["kpi_code"],
        "changed_by": row["changed_by_name"],
        "phase": row["phase"] or None,
    },
    missing="KPI {kpi__code} has no target for {period} that this token may see.",
)


@listing(
    router,
    "/targets",
    list[TargetOut],
    summary="List the targets",
    description="Targets of the KPIs the token's user may see, by KPI and period; "
    "`?unit=`, `?kpi=` and `?period=` narrow it.",
    as_of=True,
)
def list_targets(request: HttpRequest, filters: Query[RowFilter]) -> Any:
    return TARGETS.page(request, filters.unit, period=filters.period, kpi__code=filters.kpi)


@detail(
    router,
    "/targets/{kpi}/{period}",
    TargetAnswer,
    summary="Read the target of a KPI for a period",
    description="With its `feasibility`: how demanding it is against the KPI's own history "
    "and its forecast.",
)
def get_target(
    request: HttpRequest, kpi: Path[Code], period: Path[PeriodKey], at: Query[At]
) -> Any:
    return feasibility.added(TARGETS.one(request, kpi__code=kpi, period=period))


@router.put(
    "/targets/{kpi}/{period}",
    response={**responses(TargetAnswer, *WRITE_ERRORS), 201: TargetAnswer},
    summary="Set the target of a KPI for a period",
    description="Creates the target (201) or replaces it (200); the earlier version is kept in "
    "the history with the reason. A range KPI takes `low` and `high`, any other `target` and "
    "optionally `red_flag`, checked as the scorecard file is. With `phase`, a yearly or "
    "quarterly target also writes the months (or quarters) it implies, in the same write. Needs "
    "a read-write token whose user may edit the KPI's unit. The answer has the target's "
    "`feasibility`.",
)
def put_target(
    request: HttpRequest, kpi: Path[Code], period: Path[PeriodKey], data: Body[TargetIn]
) -> Any:
    token = require_write(request)
    facts = services.kpi_for_write(kpi, access_of(request), enter=False)
    key, count = services.set_target(facts, period, data, token, access_of(request))
    created = any(row[1] == key for row in count.new_rows)  # the target itself, not its parts
    answer = feasibility.added(TARGETS.one(request, kpi__code=kpi, period=key))
    return Status(201 if created else 200, answer)


# --- measurements ----------------------------------------------------------------------


def _measurements() -> Rows:
    return Measurement.objects.order_by("kpi_id", "period").values(
        "period",
        "comment",
        "source",
        "source_detail",
        "entered_at",
        actual=F("value"),
        kpi_code=F("kpi__code"),
        entered_by_name=F("entered_by__username"),
    )


MEASUREMENTS = Resource(
    _measurements,
    ROW_UNIT,
    lambda row: {**row, "kpi": row["kpi_code"], "entered_by": row["entered_by_name"]},
    missing="KPI {kpi__code} has no value for {period} that this token may see.",
)


@listing(
    router,
    "/measurements",
    list[MeasurementOut],
    summary="List the measurements",
    description="Actual values of the KPIs the token's user may see, by KPI and period; "
    "`?unit=`, `?kpi=` and `?period=` narrow it.",
    as_of=True,
)
def list_measurements(request: HttpRequest, filters: Query[RowFilter]) -> Any:
    return MEASUREMENTS.page(request, filters.unit, period=filters.period, kpi__code=filters.kpi)


@detail(
    router,
    "/measurements/{kpi}/{period}",
    MeasurementOut,
    summary="Read the value of a KPI for a period",
)
def get_measurement(
    request: HttpRequest, kpi: Path[Code], period: Path[PeriodKey], at: Query[At]
) -> Any:
    return MEASUREMENTS.one(request, kpi__code=kpi, period=period)


@router.put(
    "/measurements/{kpi}/{period}",
    response={**responses(MeasurementOut, *WRITE_ERRORS), 201: MeasurementOut, 202: HeldOut},
    summary="Record the value of a KPI for a period",
    description="Creates the value (201) or changes it (200); the earlier value is kept in the "
    "history. The period must be of the KPI's frequency; a yes / no KPI takes 1 or 0. Needs a "
    "read-write token whose user may enter the KPI's values. A KPI whose values need its owner's "
    "approval answers 202: the value waits for that approval.",
)
def put_measurement(
    request: HttpRequest, kpi: Path[Code], period: Path[PeriodKey], data: MeasurementIn
) -> Any:
    token = require_write(request)
    access = access_of(request)
    services.kpi_for_write(kpi, access, enter=True)
    item = MeasurementItem(kpi=kpi, period=period, actual=data.actual, comment=data.comment)
    try:
        done = services.enter_values([item], token, access, reason=data.reason)
    except ApiError as exc:
        detail = exc.details[0] if exc.details else {"reason": exc.message}
        for d in exc.details:
            d["index"] = None
        raise ApiError(
            422, f"The value cannot be recorded: {detail['reason']}.", exc.details
        ) from None
    if done.waits:
        held = done.waits[0]
        return Status(
            202,
            {
                "kpi": kpi,
                "period": held.period,
                "actual": held.value,
                "comment": held.comment,
                "status": "waiting for approval",
                "message": f"KPI {kpi} needs its owner's approval: the value is recorded once "
                "they approve it.",
            },
        )
    return Status(
        201 if done.written.created else 200,
        MEASUREMENTS.one(request, kpi__code=kpi, period=period_key(period)),
    )


@router.post(
    "/measurements/bulk",
    response=responses(WriteCounts, *WRITE_ERRORS),
    summary="Record many values at once",
    description=f"Up to {BULK_LIMIT:,} values `{{kpi, period, actual, comment?}}`, all or none: "
    "when any item is wrong nothing is written and the answer (422) lists every wrong item "
    "with its index and reason. Sending the same values again changes nothing. Needs a "
    "read-write token whose user may enter every KPI's values. Values of KPIs that need their "
    "owner's approval wait for it: `waiting_for_approval` counts them.",
)
def bulk_measurements(
    request: HttpRequest,
    items: BodyEx[list[MeasurementItem], P(max_length=BULK_LIMIT)],
) -> Any:
    token = require_write(request)
    done = services.enter_values(items, token, access_of(request))
    count = done.written
    return {
        "created": count.created,
        "changed": count.changed,
        "unchanged": count.unchanged,
        "waiting_for_approval": len(done.waits),
    }
