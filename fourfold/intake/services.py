"""Values entered by people: written at once, or held for the KPI owner's approval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.measures import intake
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry

from .models import ApprovalRule, ImportMapping, PendingValue


class DecisionError(Exception):
    """A pending value that this user cannot approve or reject (any more)."""


def pending_for(pk: int, approver: Any, access: Access | None = None) -> PendingValue:
    """The pending value, if this user may decide on it (the access policy says who)."""
    access = access or Access.of(approver)
    found = (
        PendingValue.objects.select_related("kpi", "entered_by")
        .filter(pk=pk, status=PendingValue.Status.PENDING)
        .first()
    )
    if found is None:
        raise DecisionError("this value is no longer waiting for approval")
    if not access.can_approve(found.kpi.owner_id):
        raise DecisionError(
            "only the KPI's owner or an administrator may approve or reject its values"
        )
    return found


def approve(pk: int, *, approver: Any, access: Access | None = None) -> PendingValue:
    """Write the held value, with the approver as actor and the enterer named as its author."""
    with transaction.atomic():
        pending = pending_for(pk, approver, access)
        enterer = pending.entered_by.get_username() if pending.entered_by else "an unknown user"
        when = f"{timezone.localtime(pending.entered_at):%Y-%m-%d %H:%M}"
        detail = f"entered by {enterer} on {when}, approved by {approver.get_username()}"
        if pending.source_detail:
            detail = f"{pending.source_detail}; {detail}"
        try:
            intake.submit_values(
                [ValueEntry(pending.kpi_id, pending.period, pending.value, pending.comment)],
                actor=approver,
                access=Access.trusted(approver),  # checked when entered, decided just now
                channel=intake.APPROVAL,
                source=pending.source,
                detail=detail,
                reason=f"approved; {detail}",
            )
        except intake.Refused as refused:  # the KPI changed since: archived, calculated...
            raise DecisionError(
                f"this value can no longer be recorded: {refused.problems[0].message}"
            ) from refused
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


def reject(pk: int, *, approver: Any, note: str = "", access: Access | None = None) -> PendingValue:
    with transaction.atomic():
        pending = pending_for(pk, approver, access)
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
