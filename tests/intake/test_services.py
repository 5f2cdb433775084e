"""Held values, approval and rejection, saved mappings: every one audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.audit.models import AuditEntry
from fourfold.intake import services
from fourfold.intake.models import ApprovalRule, ImportMapping, PendingValue
from fourfold.measures.models import KPI, Measurement, MeasurementVersion, Source
from fourfold.measures.services import ValueEntry
from tests.web import cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> tuple[User, User, KPI]:
    cards.load_small()
    olga = User.objects.create_user("olga")
    carol = User.objects.create_user("carol")
    kpi = KPI.objects.get(code="revenue")
    kpi.owner, kpi.contributor = olga, carol
    kpi.save(update_fields=["owner", "contributor"])
    services.set_approval(kpi, True, actor=olga)
    return olga, carol, kpi


def test_a_value_by_someone_else_than_the_owner_waits(people: tuple[User, User, KPI]) -> None:
    olga, carol, kpi = people
    done = services.submit([ValueEntry(kpi.pk, "2026-03", 720)], actor=carol, source=Source.MANUAL)
    assert done.written.created == 0 and len(done.held) == 1
    assert not Measurement.objects.filter(kpi=kpi, period="2026-03").exists()
    assert AuditEntry.objects.filter(action="value.submitted", actor=carol).exists()


def test_the_owners_own_value_is_written_at_once(people: tuple[User, User, KPI]) -> None:
    olga, _, kpi = people
    done = services.submit([ValueEntry(kpi.pk, "2026-03", 720)], actor=olga, source="manual")
    assert done.written.created == 1 and done.held == []


def test_a_later_entry_replaces_the_same_persons_pending_one(
    people: tuple[User, User, KPI],
) -> None:
    _, carol, kpi = people
    services.submit([ValueEntry(kpi.pk, "2026-03", 1)], actor=carol, source="manual")
    services.submit([ValueEntry(kpi.pk, "2026-03", 2)], actor=carol, source="manual")
    statuses = list(PendingValue.objects.values_list("value", "status"))
    assert statuses == [(1, "replaced"), (2, "pending")]


def test_approval_writes_the_value_naming_enterer_and_approver(
    people: tuple[User, User, KPI],
) -> None:
    olga, carol, kpi = people
    held = services.submit(
        [ValueEntry(kpi.pk, "2026-02", 720, "checked")], actor=carol, source="manual"
    ).held[0]
    services.approve(held.pk, approver=olga)
    value = Measurement.objects.get(kpi=kpi, period="2026-02")
    assert (value.value, value.comment, value.entered_by) == (720, "checked", olga)
    assert "entered by carol" in value.source_detail and "approved by olga" in value.source_detail
    version = MeasurementVersion.objects.get(kpi=kpi, period="2026-02")
    assert version.value == 600 and "entered by carol" in version.reason
    entry = AuditEntry.objects.get(action="value.approved")
    assert entry.actor == olga and entry.detail["entered_by"] == "carol"


def test_rejection_writes_nothing_and_keeps_the_reason(people: tuple[User, User, KPI]) -> None:
    olga, carol, kpi = people
    held = services.submit([ValueEntry(kpi.pk, "2026-03", 9)], actor=carol, source="manual").held
    services.reject(held[0].pk, approver=olga, note="wrong month")
    pending = PendingValue.objects.get()
    assert (pending.status, pending.note, pending.decided_by) == ("rejected", "wrong month", olga)
    assert not Measurement.objects.filter(kpi=kpi, period="2026-03").exists()
    assert "wrong month" in AuditEntry.objects.get(action="value.rejected").summary


def test_someone_else_cannot_decide(people: tuple[User, User, KPI]) -> None:
    _, carol, kpi = people
    held = services.submit([ValueEntry(kpi.pk, "2026-03", 9)], actor=carol, source="manual").held
    with pytest.raises(services.DecisionError):
        services.approve(held[0].pk, approver=carol)


def test_a_mapping_is_saved_per_source_and_audited_once(db: None) -> None:
    services.save_mapping("erp", {"measure": "kpi"}, actor=None)
    services.save_mapping("erp", {"measure": "kpi"}, actor=None)
    assert services.mapping_of("erp") == {"measure": "kpi"}
    assert ImportMapping.objects.get().as_text() == "measure=kpi"
    assert AuditEntry.objects.filter(action="import.mapping").count() == 1
    assert services.mapping_of("other") == {}


def test_approval_rules_are_audited(people: tuple[User, User, KPI]) -> None:
    olga, _, kpi = people
    services.set_approval(kpi, False, actor=olga)
    assert not ApprovalRule.objects.exists()
    assert AuditEntry.objects.filter(action="approval.set").count() == 2
