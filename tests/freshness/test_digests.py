"""One digest a day per person: their overdue values, and escalations for the KPIs they own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.core import mail

from fourfold.audit.models import AuditEntry
from fourfold.cli import cli
from fourfold.freshness import services
from fourfold.freshness.models import KpiEscalation, Policy, Sent
from fourfold.measures.models import KPI

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def by_recipient(outbox: list[Any]) -> dict[str, Any]:
    return {m.to[0]: m for m in outbox}


def test_it_sends_each_contributor_one_digest_with_all_their_overdue_values(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    services.send(TODAY)
    mails = by_recipient(mailoutbox)
    assert sorted(mails) == ["ada@example.com", "bob@example.com", "olga@example.com"]
    ada = mails["ada@example.com"]
    assert ada.subject == "Fourfold: 3 overdue values to enter"
    assert "Hello Ada," in ada.body
    assert "- Revenue (revenue), Acme Corp, 2026-03: due 2026-03-31, overdue for 5 days" in ada.body
    assert "Complaints (complaints), Acme Corp, 2026-02" in ada.body
    assert "As the owner" not in ada.body
    html = ada.alternatives[0][0]
    assert "<td>Revenue</td>" in html


def test_it_escalates_to_the_owner_after_the_organizations_delay(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    services.send(TODAY)
    olga = by_recipient(mailoutbox)["olga@example.com"]
    assert "As the owner, you are told of 3 values of your KPIs overdue for 14 days" in olga.body
    escalated = olga.body.split("As the owner")[1]
    assert "complaints), Acme Corp, 2026-02" in escalated
    assert "missing), Acme Corp, 2026-01" in escalated
    assert "2026-03" not in escalated  # 5 days overdue: not yet
    # Olga enters stock-days herself (no contributor): reminded, not escalated.
    assert "Days of stock (stock-days), Acme Corp, 2026-02" in olga.body.split("As the owner")[0]


def test_a_kpi_may_escalate_sooner_than_the_organization(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    KpiEscalation.objects.create(kpi=KPI.objects.get(code="revenue"), escalate_after_days=3)
    policy = Policy.get()
    policy.escalate_after_days = 100
    policy.save()
    services.send(TODAY)
    olga = by_recipient(mailoutbox)["olga@example.com"]
    escalated = olga.body.split("As the owner")[1]
    assert "revenue), Acme Corp, 2026-03" in escalated
    assert "complaints" not in escalated


def test_it_does_not_send_the_same_reminder_twice_a_day(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    services.send(TODAY)
    assert len(mailoutbox) == 3
    services.send(TODAY)
    assert len(mailoutbox) == 3
    services.send(TODAY + dt.timedelta(days=1))
    assert len(mailoutbox) == 6
    assert Sent.objects.filter(sent_on=TODAY).count() == 8 + 3


def test_it_records_the_sending_in_the_audit_trail(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    services.send(TODAY)
    entry = AuditEntry.objects.get(action="remind")
    assert entry.summary == "Sent 3 reminder digests naming 11 overdue values"


def test_someone_without_an_email_address_is_reported_not_mailed(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    User.objects.filter(username="bob").update(email="")
    outcome = services.send(TODAY)
    assert len(mailoutbox) == 2
    assert [u.username for u in outcome.no_email] == ["bob"]


def test_a_kpi_without_contributor_or_owner_is_reported(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    KPI.objects.filter(code="missing").update(contributor=None, owner=None)
    lines = services.describe(services.plan(TODAY), dry_run=True)
    assert "nobody to remind for missing 2026-01: the KPI has no contributor or owner" in lines


def test_remind_dry_run_prints_who_would_get_what_and_sends_nothing(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    result = CliRunner().invoke(cli, ["remind", "--dry-run", "--today", "2026-04-20"])
    assert result.exit_code == 0, result.output
    assert "ada <ada@example.com> would get:" in result.output
    assert "  enter revenue 2026-03 (Acme Corp), 5 days overdue" in result.output
    assert "  escalated: missing 2026-01 (Acme Corp), 64 days overdue" in result.output
    assert mailoutbox == [] and not Sent.objects.exists()


def test_remind_sends_the_digests(people: dict[str, User]) -> None:
    result = CliRunner().invoke(cli, ["remind", "--today", "2026-04-20"])
    assert result.exit_code == 0, result.output
    assert "ada <ada@example.com> got:" in result.output
    assert len(mail.outbox) == 3


def test_the_daily_task_sends_nothing_when_reminders_are_off(
    people: dict[str, User], mailoutbox: list[Any]
) -> None:
    from fourfold.freshness.tasks import remind

    Policy.objects.update_or_create(pk=Policy.get().pk, defaults={"enabled": False})
    assert remind() == "reminders are turned off"
    assert mailoutbox == []
