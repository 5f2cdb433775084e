"""Values entered by people: written at once, or held for the KPI owner's approval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.audit.models import record
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry, WriteCount, record_values

from .models import ApprovalRule, ImportMapping, PendingValue


class DecisionError(Exception):
    """A pending value that this user cannot approve or reject (any more)."""


@dataclass
class Submitted:
    written: WriteCount
    held: list[PendingValue]


def held_kpis(kpi_ids: set[int], actor: Any) -> set[int]:
    """Those of the KPIs whose values by this user wait for approval (not their owner's)."""
    if not kpi_ids:
        return set()
    user = actor.pk if actor is not None and actor.is_authenticated else None
    rules = ApprovalRule.objects.filter(kpi_id__in=kpi_ids).values_list("kpi_id", "kpi__owner_id")
    return {kpi for kpi, owner in rules if owner is not None and owner != user}


def submit(
    entries: Sequence[ValueEntry],
    *,
    actor: Any,
    source: str,
    source_detail: str = "",
    reason: str = "",
) -> Submitted:
    """Write the values this user may write at once; hold the others for approval."""
    held_ids = held_kpis({e.kpi_id for e in entries}, actor)
    direct = [e for e in entries if e.kpi_id not in held_ids]
    later = [e for e in entries if e.kpi_id in held_ids]
    with transaction.atomic():
        written = record_values(
            direct, actor=actor, source=source, source_detail=source_detail, reason=reason
        )
        held: list[PendingValue] = []
        if later:
            # An entry replaces the same person's earlier pending one for that KPI and period.
            PendingValue.objects.filter(
                status=PendingValue.Status.PENDING,
                kpi_id__in={e.kpi_id for e in later},
                period__in={e.period for e in later},
            ).filter(entered_by=actor).update(status=PendingValue.Status.REPLACED)
            now = timezone.now()
            held = PendingValue.objects.bulk_create(
                PendingValue(
                    kpi_id=e.kpi_id,
                    period=e.period,
                    value=e.value,
                    comment=e.comment,
                    source=source,
                    source_detail=source_detail,
                    entered_by=actor,
                    entered_at=now,
                )
                for e in later
            )
            codes = dict(KPI.objects.filter(pk__in=held_ids).values_list("pk", "code"))
            record(
                actor,
                "value.submitted",
                f"{len(held)} values wait for approval: "
                + ", ".join(f"{codes[e.kpi_id]} {e.period} = {e.value:g}" for e in later[:20]),
                values=[[codes[e.kpi_id], e.period, e.value] for e in later],
            )
    return Submitted(written, held)


def pending_for(pk: int, approver: Any) -> PendingValue:
    found = (
        PendingValue.objects.select_related("kpi", "entered_by")
        .filter(pk=pk, status=PendingValue.Status.PENDING)
        .first()
    )
    if found is None:
        raise DecisionError("this value is no longer waiting for approval")
    if not (approver.is_superuser or found.kpi.owner_id == approver.pk):
        raise DecisionError("only the KPI's owner may approve or reject its values")
    return found


def approve(pk: int, *, approver: Any) -> PendingValue:
    """Write the held value, with the approver as actor and the enterer named as its author."""
    with transaction.atomic():
        pending = pending_for(pk, approver)
        enterer = pending.entered_by.get_username() if pending.entered_by else "an unknown user"
        when = f"{timezone.localtime(pending.entered_at):%Y-%m-%d %H:%M}"
        detail = f"entered by {enterer} on {when}, approved by {approver.get_username()}"
        if pending.source_detail:
            detail = f"{pending.source_detail}; {detail}"
        record_values(
            [ValueEntry(pending.kpi_id, pending.period, pending.value, pending.comment)],
            actor=approver,
            source=pending.source,
            source_detail=detail[:300],
            reason=f"approved; {detail}",
        )
        pending.status = PendingValue.Status.APPROVED
        pending.decided_by = approver
        pending.decided_at = timezone.now()
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            approver,
            "value.approved",
            f"Approved {pending.kpi.code} {pending.period} = {pending.value:g} "
            f"entered by {enterer}",
            kpi=pending.kpi.code,
            period=pending.period,
            value=pending.value,
            entered_by=enterer,
        )
    return pending


def reject(pk: int, *, approver: Any, note: str = "") -> PendingValue:
    with transaction.atomic():
        pending = pending_for(pk, approver)
        enterer = pending.entered_by.get_username() if pending.entered_by else "an unknown user"
        pending.status = PendingValue.Status.REJECTED
        pending.decided_by = approver
        pending.decided_at = timezone.now()
        pending.note = note
        pending.save(update_fields=["status", "decided_by", "decided_at", "note"])
        record(
            approver,
            "value.rejected",
            f"Rejected {pending.kpi.code} {pending.period} = {pending.value:g} entered by {enterer}"
            + (f": {note}" if note else ""),
            kpi=pending.kpi.code,
            period=pending.period,
            value=pending.value,
            entered_by=enterer,
        )
    return pending


def set_approval(kpi: KPI, required: bool, *, actor: Any) -> None:
    """Require (or stop requiring) approval of the values others enter for this KPI."""
    with transaction.atomic():
        if required:
            _, created = ApprovalRule.objects.get_or_create(kpi=kpi, defaults={"set_by": actor})
        else:
            created = bool(ApprovalRule.objects.filter(kpi=kpi).delete()[0])
        if created:
            state = "requires" if required else "no longer requires"
            record(actor, "approval.set", f"KPI {kpi.code} {state} approval", kpi=kpi.code)


def mapping_of(source: str) -> dict[str, str]:
    found = ImportMapping.objects.filter(source=source).first()
    return dict(found.columns) if found else {}


def save_mapping(source: str, columns: Mapping[str, str], *, actor: Any) -> None:
    user = actor if actor is not None and actor.is_authenticated else None
    current = ImportMapping.objects.filter(source=source).first()
    if current is not None and current.columns == dict(columns):
        return
    ImportMapping.objects.update_or_create(
        source=source,
        defaults={"columns": dict(columns), "changed_by": user, "changed_at": timezone.now()},
    )
    record(actor, "import.mapping", f"Saved the column mapping of {source}", columns=columns)
