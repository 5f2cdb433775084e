"""What the API writes: the importer's rules for values and targets, then the shared services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import periods, scoring
from fourfold.files.values import NATIVE, TARGET_KINDS, calculated_problem
from fourfold.measures.models import KPI, Scheme, Source, Target
from fourfold.measures.services import (
    TargetEntry,
    ValueEntry,
    WriteCount,
    record_values,
    set_targets,
)
from fourfold.strategy.models import Objective, Organization

from .errors import ApiError
from .models import ApiToken
from .schemas import KpiIn, KpiPatch, MeasurementItem, TargetIn

KPI_UNIT = "objective__perspective__scorecard__unit_id"


@dataclass(frozen=True)
class KpiFacts:
    """What checking a value or target needs to know of a KPI."""

    id: int
    code: str
    unit_id: int
    frequency: str
    direction: str
    tolerance: float | None
    scheme: scoring.Scheme
    formula: str = ""


def kpi_facts(codes: Iterable[str]) -> dict[str, KpiFacts]:
    """The live KPIs of these codes, with their schemes, in one query."""
    rows = (
        KPI.objects.filter(code__in=set(codes), archived=False)
        .select_related("scheme")
        .values_list(
            "pk",
            "code",
            KPI_UNIT,
            "frequency",
            "direction",
            "tolerance",
            "formula",
            "scheme__name",
            "scheme__type",
            "scheme__statuses",
            "scheme__mins",
        )
    )
    schemes: dict[str, scoring.Scheme] = {}
    out = {}
    for pk, code, unit, freq, direction, tolerance, formula, s_name, s_type, statuses, mins in rows:
        if s_name not in schemes:
            schemes[s_name] = Scheme(
                name=s_name, type=s_type, statuses=statuses, mins=mins
            ).to_core()
        out[code] = KpiFacts(pk, code, unit, freq, direction, tolerance, schemes[s_name], formula)
    return out


def _period(text: str, fiscal: int) -> periods.Period:
    try:
        return periods.parse_period(text, fiscal)
    except periods.PeriodError as exc:
        raise ValueError(str(exc)) from None


def value_problem(kpi: KpiFacts, period: periods.Period, actual: float) -> str | None:
    """Why this value cannot be recorded, as the file importer says it, or None."""
    if kpi.formula:
        return calculated_problem(kpi.code, kpi.formula)
    if period.kind != NATIVE[kpi.frequency]:
        return (
            f"KPI {kpi.code} is reported {kpi.frequency}, so its period is a "
            f"{NATIVE[kpi.frequency]}, not {period.key}"
        )
    if kpi.scheme.type == "yes_no" and actual not in (0, 1):
        return f"KPI {kpi.code} is yes / no: its actual is 1 or 0"
    return None


def _who(token: ApiToken) -> str:
    return f"the API token '{token.name}'"


def enter_values(
    items: Sequence[MeasurementItem], token: ApiToken, access: Access, reason: str = ""
) -> WriteCount:
    """Record every value or none; each wrong item is reported with its index and reason."""
    fiscal = Organization.get().fiscal_year_start
    kpis = kpi_facts(item.kpi for item in items)
    problems: list[dict[str, Any]] = []
    entries: list[ValueEntry] = []
    seen: dict[tuple[int, str], int] = {}

    def wrong(index: int, field: str, reason: str) -> None:
        problems.append({"index": index, "field": field, "reason": reason})

    for index, item in enumerate(items):
        kpi = kpis.get(item.kpi)
        if kpi is None or not access.can_view(kpi.unit_id):
            wrong(index, "kpi", f"there is no KPI '{item.kpi}'")
            continue
        if not access.can_enter(kpi.id, kpi.unit_id):
            wrong(index, "kpi", f"you may not enter values for KPI {kpi.code}")
            continue
        try:
            period = _period(item.period, fiscal)
        except ValueError as exc:
            wrong(index, "period", str(exc))
            continue
        problem = value_problem(kpi, period, item.actual)
        if problem:
            wrong(index, "period" if "period" in problem else "actual", problem)
            continue
        key = (kpi.id, period.key)
        if key in seen:
            wrong(index, "period", f"KPI {kpi.code} {period.key} is already item {seen[key]}")
            continue
        seen[key] = index
        entries.append(ValueEntry(kpi.id, period.key, item.actual, item.comment))
    if problems:
        n = len(problems)
        raise ApiError(
            422,
            f"{n} of {len(items)} values {'is' if n == 1 else 'are'} wrong, so none was "
            "recorded: fix the items listed in details and send them all again.",
            problems,
        )
    with transaction.atomic():
        count = record_values(
            entries,
            actor=token.user,
            source=Source.API,
            source_detail=token.name,
            reason=reason or f"sent through {_who(token)}",
        )
        if count.created or count.changed:
            record(
                token.user,
                "api.values",
                f"{count.created} values created and {count.changed} changed through "
                f"{_who(token)}.",
                token=token.name,
                created=count.created,
                changed=count.changed,
            )
    return count


def kpi_for_write(code: str, access: Access, *, enter: bool) -> KpiFacts:
    """A live KPI the caller may enter values for (`enter`) or edit; else 404 or 403."""
    kpi = kpi_facts([code]).get(code)
    if kpi is None or not access.can_view(kpi.unit_id):
        raise ApiError(404, f"There is no KPI '{code}' that this token may see.")
    allowed = access.can_enter(kpi.id, kpi.unit_id) if enter else access.can_edit(kpi.unit_id)
    if not allowed:
        what = "enter values for" if enter else "change the targets of"
        raise ApiError(403, f"You may see KPI {code} but not {what} it.")
    return kpi


def set_target(
    kpi: KpiFacts, period_text: str, data: TargetIn, token: ApiToken
) -> tuple[str, WriteCount]:
    """Create or replace one target, checked as the importer and the file loader check it."""
    fiscal = Organization.get().fiscal_year_start
    try:
        period = _period(period_text, fiscal)
    except ValueError as exc:
        raise ApiError(422, f"{exc}.", [{"field": "period", "reason": str(exc)}]) from None
    problems: list[dict[str, Any]] = []
    if period.kind not in TARGET_KINDS[kpi.frequency]:
        problems.append(
            {"field": "period", "reason": f"KPI {kpi.code} cannot have a target for {period.key}"}
        )
    is_range = kpi.direction == "range"
    misplaced = ("target", "red_flag") if is_range else ("low", "high")
    for name in misplaced:
        if getattr(data, name) is not None:
            kind = "a range KPI: set low and high" if is_range else "not a range KPI"
            problems.append({"field": name, "reason": f"KPI {kpi.code} is {kind}"})
    if not problems:
        try:
            scoring.check_target(
                kpi.scheme,
                kpi.direction,
                target=data.target,
                red_flag=data.red_flag,
                low=data.low,
                high=data.high,
                tolerance=kpi.tolerance,
            )
        except scoring.TargetError as exc:
            problems.append({"field": None, "reason": str(exc)})
    if problems:
        raise ApiError(422, f"The target cannot be set: {problems[0]['reason']}.", problems)
    fields = tuple(getattr(data, f) for f in Target.FIELDS)
    with transaction.atomic():
        count = set_targets(
            [TargetEntry(kpi.id, period.key, fields)],
            actor=token.user,
            source=Source.API,
            reason=data.reason or f"set through {_who(token)}",
        )
        if count.created or count.changed:
            record(
                token.user,
                "api.target",
                f"Target of {kpi.code} for {period.key} set through {_who(token)}.",
                token=token.name,
                kpi=kpi.code,
                period=period.key,
            )
    return period.key, count


# --- KPIs ------------------------------------------------------------------------------

USER_FIELDS = ("owner", "contributor")
NULLABLE = ("owner", "contributor", "tolerance")


def _users(data: dict[str, Any]) -> dict[str, Any]:
    """Owners and contributors by e-mail address; they must already exist."""
    out: dict[str, Any] = {}
    problems = []
    User = get_user_model()
    for name in USER_FIELDS:
        if name not in data:
            continue
        email = data[name]
        if email is None:
            out[name] = None
            continue
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            problems.append({"field": name, "reason": f"there is no user with the e-mail {email}"})
        out[name] = user
    if problems:
        raise ApiError(422, f"The KPI cannot be saved: {problems[0]['reason']}.", problems)
    return out


def create_kpi(data: KpiIn, token: ApiToken, access: Access) -> KPI:
    objective = (
        Objective.objects.filter(code=data.objective, archived=False)
        .values_list("pk", "perspective__scorecard__unit_id")
        .first()
    )
    if objective is None or not access.can_view(objective[1]):
        raise ApiError(
            422,
            f"There is no objective '{data.objective}' that this token may see.",
            [{"field": "objective", "reason": f"there is no objective '{data.objective}'"}],
        )
    if not access.can_edit(objective[1]):
        raise ApiError(403, "You may see this objective's scorecard but not change it.")
    scheme = Scheme.objects.filter(name=data.scheme).first()
    if scheme is None:
        raise ApiError(
            422,
            f"There is no scoring scheme '{data.scheme}'.",
            [{"field": "scheme", "reason": f"there is no scoring scheme '{data.scheme}'"}],
        )
    if data.direction == "range" and scheme.type == "percent_of_target":
        raise ApiError(
            422,
            "A range KPI cannot use a percent-of-target scheme.",
            [{"field": "scheme", "reason": "a range KPI cannot use a percent-of-target scheme"}],
        )
    if data.tolerance is not None and data.direction != "range":
        raise ApiError(
            422,
            "Only a range KPI has a tolerance.",
            [{"field": "tolerance", "reason": "only a range KPI has a tolerance"}],
        )
    fields = data.model_dump(
        exclude={"objective", "scheme", "owner", "contributor", "unit_of_measure"}
    )
    users = _users(data.model_dump(include=set(USER_FIELDS)))
    if KPI.objects.filter(code=data.code).exists():
        raise ApiError(409, f"There is already a KPI '{data.code}': change it with PATCH.")
    last = KPI.objects.filter(objective_id=objective[0]).aggregate(m=Max("order"))["m"]
    try:
        with transaction.atomic():
            kpi = KPI.objects.create(
                objective_id=objective[0],
                scheme=scheme,
                unit=data.unit_of_measure,
                order=(last or 0) + 1,
                **users,
                **fields,
            )
            record(
                token.user,
                "api.kpi.create",
                f"KPI {kpi.code} created through {_who(token)}.",
                token=token.name,
                kpi=kpi.code,
            )
    except IntegrityError:
        raise ApiError(
            409, f"There is already a KPI '{data.code}': change it with PATCH."
        ) from None
    return kpi


def update_kpi(code: str, data: KpiPatch, token: ApiToken, access: Access) -> KPI:
    kpi = KPI.objects.filter(code=code).select_related("objective__perspective__scorecard").first()
    if kpi is None or not access.can_view(kpi.objective.perspective.scorecard.unit_id):
        raise ApiError(404, f"There is no KPI '{code}' that this token may see.")
    unit = kpi.objective.perspective.scorecard.unit_id
    if not access.can_edit(unit):
        raise ApiError(403, f"You may see KPI {code} but not change it.")
    given = data.model_dump(exclude_unset=True)
    nulls = [k for k, v in given.items() if v is None and k not in NULLABLE]
    if nulls:
        raise ApiError(
            422,
            f"The field {nulls[0]} cannot be null: leave it out to keep it as it is.",
            [{"field": k, "reason": "cannot be null"} for k in nulls],
        )
    if "tolerance" in given and kpi.direction != "range" and given["tolerance"] is not None:
        raise ApiError(
            422,
            "Only a range KPI has a tolerance.",
            [{"field": "tolerance", "reason": f"KPI {code} is not a range KPI"}],
        )
    if (
        "tolerance" in given
        and given["tolerance"] is None
        and Target.objects.filter(kpi=kpi, low=F("high")).exists()
    ):
        raise ApiError(
            422,
            "This KPI has a band whose low and high bounds are equal, so it needs a tolerance.",
            [{"field": "tolerance", "reason": "a band of width 0 needs a tolerance above 0"}],
        )
    users = _users({k: v for k, v in given.items() if k in USER_FIELDS})
    changes = {k: v for k, v in given.items() if k not in USER_FIELDS}
    if "unit_of_measure" in changes:
        changes["unit"] = changes.pop("unit_of_measure")
    changes.update(users)
    changed = [k for k, v in changes.items() if getattr(kpi, k) != v]
    if changed:
        with transaction.atomic():
            for name in changed:
                setattr(kpi, name, changes[name])
            kpi.save(update_fields=changed)
            record(
                token.user,
                "api.kpi.update",
                f"KPI {code} changed through {_who(token)}: {', '.join(sorted(changed))}.",
                token=token.name,
                kpi=code,
                fields=sorted(changed),
            )
    return kpi
