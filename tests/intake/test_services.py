"""Held values, approval and rejection, saved mappings: every one audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.intake import services
from fourfold.intake.models import ApprovalRule, ImportMapping, PendingValue
from fourfold.measures import intake
from fourfold.measures.models import KPI, Measurement, MeasurementVersion
from fourfold.measures.services import ValueEntry

pytestmark = pytest.mark.django_db


def submit(entries: list[ValueEntry], actor: User) -> intake.Submitted:
    return intake.submit_values(entries, actor=actor, access=Access.of(actor), channel="grid")


def test_a_value_by_someone_else_than_the_owner_waits(people: tuple[User, User, KPI]) -> None:
    olga, carol, kpi = people
    done = submit([ValueEntry(kpi.pk, "2026-03", 720)], carol)
    assert done.written.created == 0 and len(done.held) == 1
    assert not Measurement.objects.filter(kpi=kpi, period="2026-03").exists()
    assert AuditEntry.objects.filter(action="value.submitted", actor=carol).exists()


def test_the_owners_own_value_is_written_at_once(people: tuple[User, User, KPI]) -> None:
    olga, _, kpi = people
    done = submit([ValueEntry(kpi.pk, "2026-03", 720)], olga)
    assert done.written.created == 1 and done.held == []


def test_a_later_entry_replaces_the_same_persons_pending_one(
    people: tuple[User, User, KPI],
) -> None:
    _, carol, kpi = people
    submit([ValueEntry(kpi.pk, "2026-03", 1)], carol)
    submit([ValueEntry(kpi.pk, "2026-03", 2)], carol)
    statuses = list(PendingValue.objects.values_list("value", "status"))
    assert statuses == [(1, "replaced"), (2, "pending")]


def test_approval_writes_the_value_naming_enterer_and_approver(
    people: tuple[User, User, KPI],
) -> None:
    olga, carol, kpi = people
    held = submit([ValueEntry(kpi.pk, "2026-02", 720, "checked")], carol).held[0]
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
    held = submit([ValueEntry(kpi.pk, "2026-03", 9)], carol).held
    services.reject(held[0].pk, approver=olga, note="wrong month")
    pending = PendingValue.objects.get()
    assert (pending.status, pending.note, pending.decided_by) == ("rejected", "wrong month", olga)
    assert not Measurement.objects.filter(kpi=kpi, period="2026-03").exists()
    assert "wrong month" in AuditEntry.objects.get(action="value.rejected").summary


def test_someone_else_cannot_decide(people: tuple[User, User, KPI]) -> None:
    _, carol, kpi = people
    held = submit([ValueEntry(kpi.pk, "2026-03", 9)], carol).held
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


def test_the_same_pending_value_again_changes_nothing(people: tuple[User, User, KPI]) -> None:
    _, carol, kpi = people
    submit([ValueEntry(kpi.pk, "2026-03", 5)], carol)
    again = submit([ValueEntry(kpi.pk, "2026-03", 5)], carol)
    assert again.held == [] and PendingValue.objects.count() == 1


def test_an_administrator_by_role_may_approve(people: tuple[User, User, KPI]) -> None:
    _, carol, kpi = people
    ada = User.objects.create_user("ada")
    Role.objects.create(user=ada, kind=Role.Kind.ADMIN)
    held = submit([ValueEntry(kpi.pk, "2026-03", 9)], carol).held
    services.approve(held[0].pk, approver=ada)
    assert Measurement.objects.get(kpi=kpi, period="2026-03").value == 9


def test_an_editor_of_the_unit_may_not_approve(people: tuple[User, User, KPI]) -> None:
    _, carol, kpi = people
    eddie = User.objects.create_user("eddie")
    Role.objects.create(user=eddie, kind=Role.Kind.EDITOR)
    held = submit([ValueEntry(kpi.pk, "2026-03", 9)], carol).held
    with pytest.raises(services.DecisionError, match="owner or an administrator"):
        services.approve(held[0].pk, approver=eddie)


def test_a_write_sends_one_signal_of_what_changed_once_committed(
    people: tuple[User, User, KPI], django_capture_on_commit_callbacks: Any
) -> None:
    olga, _, kpi = people
    heard: list[intake.Changed] = []

    def listen(sender: Any, changed: intake.Changed, **kwargs: Any) -> None:
        heard.append(changed)

    intake.values_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            submit([ValueEntry(kpi.pk, "2026-03", 1), ValueEntry(kpi.pk, "2026-04", 2)], olga)
            assert heard == []  # not before the transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            submit([ValueEntry(kpi.pk, "2026-03", 1)], olga)  # unchanged: no signal
    finally:
        intake.values_changed.disconnect(listen)
    assert len(heard) == 1
    assert heard[0].kpi_ids == {kpi.pk} and heard[0].periods == {"2026-03", "2026-04"}
    assert (heard[0].channel, heard[0].count.created) == ("grid", 2)


def test_an_approval_sends_the_signal_too(
    people: tuple[User, User, KPI], django_capture_on_commit_callbacks: Any
) -> None:
    olga, carol, kpi = people
    heard: list[str] = []

    def listen(sender: Any, changed: intake.Changed, **kwargs: Any) -> None:
        heard.append(changed.channel)

    intake.values_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            held = submit([ValueEntry(kpi.pk, "2026-03", 9)], carol).held
        assert heard == []  # held: nothing changed yet
        with django_capture_on_commit_callbacks(execute=True):
            services.approve(held[0].pk, approver=olga)
    finally:
        intake.values_changed.disconnect(listen)
    assert heard == ["approval"]


def test_a_wrong_row_writes_nothing_of_the_batch(people: tuple[User, User, KPI]) -> None:
    olga, _, kpi = people
    with pytest.raises(intake.Refused) as refused:
        submit([ValueEntry(kpi.pk, "2026-05", 1), ValueEntry(kpi.pk, "2026-Q2", 2)], olga)
    assert [(p.index, p.field) for p in refused.value.problems] == [(1, "period")]
    assert not Measurement.objects.filter(kpi=kpi, period="2026-05").exists()


def test_one_audit_action_for_values_whatever_the_channel(people: tuple[User, User, KPI]) -> None:
    olga, _, kpi = people
    for i, channel in enumerate(("grid", "api", "import", "connector")):
        intake.submit_values(
            [ValueEntry(kpi.pk, f"2026-0{i + 5}", 1)],
            actor=olga,
            access=Access.of(olga),
            channel=channel,
        )
    entries = AuditEntry.objects.filter(action="values.written").exclude(detail__channel="load")
    assert sorted(e.detail["channel"] for e in entries) == ["api", "connector", "grid", "import"]
