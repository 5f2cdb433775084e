"""What the API writes: the importer's rules for values and targets, then the shared services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.core import periods
from fourfold.core.entries import KpiFacts
from fourfold.measures import intake, phasing
from fourfold.measures.models import KPI, Scheme, Target
from fourfold.measures.services import ValueEntry, WriteCount
from fourfold.revisions import capture as revisions
from fourfold.strategy.models import Objective, Organization

from .errors import ApiError
from .models import ApiToken
from .schemas import KpiIn, KpiPatch, MeasurementItem, TargetIn


def kpi_facts(codes: Iterable[str]) -> dict[str, KpiFacts]:
    """The live KPIs of these codes, with their schemes, by code."""
    return {f.code: f for f in intake.kpi_facts(codes=list(codes)).values()}


def _period(text: str, fiscal: int) -> periods.Period:
    try:
        return periods.parse_period(text, fiscal)
    except periods.PeriodError as exc:
        raise ValueError(str(exc)) from None


def _who(token: ApiToken) -> str:
    return f"the API token '{token.name}'"


def enter_values(
    items: Sequence[MeasurementItem], token: ApiToken, access: Access, reason: str = ""
) -> intake.Submitted:
    """Record every value or none; each wrong item is reported with its index and reason.

    What only a request can get wrong (an unknown code, a period that is no period, an item
    twice) is found here; the rules of values, access and approval are the intake's.
    """
    fiscal = Organization.get().fiscal_year_start
    kpis = kpi_facts(item.kpi for item in items)
    problems: list[dict[str, Any]] = []
    entries: list[ValueEntry] = []
    at: list[int] = []
    seen: dict[tuple[int, str], int] = {}

    def wrong(index: int, field: str, reason: str) -> None:
        problems.append({"index": index, "field": field, "reason": reason})

    for index, item in enumerate(items):
        kpi = kpis.get(item.kpi)
        if kpi is None or not access.can_view(kpi.unit_id):
            wrong(index, "kpi", f"there is no KPI '{item.kpi}'")
            continue
        try:
            period = _period(item.period, fiscal)
        except ValueError as exc:
            wrong(index, "period", str(exc))
            continue
        key = (kpi.id, period.key)
        if key in seen:
            wrong(index, "period", f"KPI {kpi.code} {period.key} is already item {seen[key]}")
            continue
        seen[key] = index
        entries.append(ValueEntry(kpi.id, period.key, item.actual, item.comment))
        at.append(index)
    for found in intake.check_values(entries, access):
        wrong(at[found.index], found.field, found.message)
    if problems:
        problems.sort(key=lambda p: p["index"])
        n = len(problems)
        raise ApiError(
            422,
            f"{n} of {len(items)} values {'is' if n == 1 else 'are'} wrong, so none was "
            "recorded: fix the items listed in details and send them all again.",
            problems,
        )
    return intake.submit_values(
        entries,
        actor=token.user,
        access=access,
        channel="api",
        detail=token.name,
        reason=reason or f"sent through {_who(token)}",
        checked=True,
    )


def kpi_for_write(code: str, access: Access, *, enter: bool) -> KpiFacts:
    """A live KPI the caller may enter values for (`enter`) or set targets of; else 404/403."""
    kpi = kpi_facts([code]).get(code)
    if kpi is None or not access.can_view(kpi.unit_id):
        raise ApiError(404, f"There is no KPI '{code}' that this token may see.")
    refusal = (
        access.value_refusal(kpi.id, kpi.code, kpi.unit_id)
        if enter
        else access.target_refusal(kpi.code, kpi.unit_id)
    )
    if refusal is not None:  # in the policy's words, as every channel says it
        raise ApiError(403, f"{refusal[0].upper()}{refusal[1:]}.")
    return kpi


def set_target(
    kpi: KpiFacts, period_text: str, data: TargetIn, token: ApiToken, access: Access
) -> tuple[str, WriteCount]:
    """Create or replace one target, checked by the intake's rules as every channel is."""
    fiscal = Organization.get().fiscal_year_start
    try:
        period = _period(period_text, fiscal)
    except ValueError as exc:
        raise ApiError(422, f"{exc}.", [{"field": "period", "reason": str(exc)}]) from None
    fields = tuple(getattr(data, f, None) for f in Target.FIELDS)
    frequency, aggregation, direction = KPI.objects.values_list(
        "frequency", "aggregation", "direction"
    ).get(pk=kpi.id)
    shape = phasing.Shape(kpi.id, kpi.code, frequency, aggregation, direction)
    try:
        entries, _, _ = phasing.plan(shape, period, fields, data.phase or "", fiscal)
    except phasing.PhaseError as exc:
        raise ApiError(
            422, f"The target cannot be set: {exc}.", [{"field": "phase", "reason": str(exc)}]
        ) from None
    try:
        count = intake.submit_targets(
            entries,
            actor=token.user,
            access=access,
            channel="api",
            reason=data.reason or f"set through {_who(token)}",
            token=token.name,
        )
    except intake.Refused as refused:
        problems = [
            {
                "field": p.field,
                "reason": p.message if p.index == 0 else f"{entries[p.index].period}: {p.message}",
            }
            for p in refused.problems
        ]
        raise ApiError(
            422, f"The target cannot be set: {problems[0]['reason']}.", problems
        ) from None
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


def _effective_from(text: str | None) -> str | None:
    """The first month of `effective_from`, or a 422 naming it."""
    if text is None:
        return None
    try:
        found = _period(text, Organization.get().fiscal_year_start)
    except ValueError as exc:
        reason = str(exc)
        raise ApiError(
            422, f"effective_from: {reason}.", [{"field": "effective_from", "reason": reason}]
        ) from None
    return found.months[0]


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
    effective = _effective_from(given.pop("effective_from", None))
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
            with revisions.changes(effective={("kpi", kpi.pk): effective} if effective else {}):
                record(
                    token.user,
                    "api.kpi.update",
                    f"KPI {code} changed through {_who(token)}: {', '.join(sorted(changed))}.",
                    token=token.name,
                    kpi=code,
                    fields=sorted(changed),
                )
    return kpi
