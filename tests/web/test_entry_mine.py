"""My KPIs: what a person owns or reports, what is due or overdue, and what waits for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.intake import mine
from fourfold.intake.models import ApprovalRule, PendingValue
from fourfold.measures.models import KPI, Measurement

from . import cards
from .entry_helpers import contributor_of, owner_of, person, text_of, with_role

pytestmark = pytest.mark.django_db


def test_it_lists_a_contributors_kpi_with_its_last_value_and_overdue_months(
    client: Client,
) -> None:
    cards.load_small()
    client.force_login(contributor_of("revenue"))
    text = text_of(client.get("/my/kpis/").content)
    assert "Revenue monthly contributor Acme Corp 600 2026-02" in text
    assert "Overdue:" in text
    assert "Complaints" not in text
    assert 'href="/units/acme/entry/?period=2026-03"' in client.get("/my/kpis/").content.decode()


def test_it_tells_due_from_overdue_by_the_kpis_grace_days(db: None) -> None:
    cards.load_small()
    carol = contributor_of("revenue")
    KPI.objects.filter(code="revenue").update(grace_days=15)
    page = mine.mine(Access.of(carol), dt.date(2026, 3, 10))
    revenue = page.kpis[0]
    assert [m.label for m in revenue.due] == []  # February was reported
    page = mine.mine(Access.of(carol), dt.date(2026, 4, 10))
    revenue = page.kpis[0]
    assert [m.label for m in revenue.due] == ["March 2026"]
    page = mine.mine(Access.of(carol), dt.date(2026, 4, 20))
    revenue = page.kpis[0]
    assert [m.label for m in revenue.overdue] == ["March 2026"] and revenue.due == []


def test_it_expects_nothing_before_a_kpis_first_value_or_target(db: None) -> None:
    cards.load_small()
    carol = contributor_of("revenue")
    page = mine.mine(Access.of(carol), dt.date(2026, 2, 5))
    assert page.kpis[0].overdue == [] and [m.key for m in page.kpis[0].due] == []


def test_it_lists_every_kpi_of_the_units_an_editor_edits_apart_from_their_own(
    client: Client,
) -> None:
    cards.load_small()
    eddie = with_role(Role.Kind.EDITOR, "acme", "eddie")
    contributor_of("revenue", "eddie")
    client.force_login(eddie)
    text = text_of(client.get("/my/kpis/").content)
    yours, others = text.split("Other KPIs you may enter")
    assert "The KPIs you own or report: 1 in all" in yours and "Revenue" in yours
    for name in ("Days of stock", "Complaints", "Not reported yet"):
        assert name in others and name not in yours
    assert "Revenue" not in others


def test_a_contributor_of_a_unit_finds_its_kpis_to_enter(client: Client) -> None:
    cards.load_small()
    client.force_login(with_role(Role.Kind.CONTRIBUTOR, "acme", "cora"))
    text = text_of(client.get("/my/kpis/").content)
    assert "No KPIs are yours yet" in text
    others = text.split("Other KPIs you may enter")[1]
    assert "Revenue monthly unit contributor" in others


def test_an_administrator_of_a_large_organization_gets_a_unit_picker_not_every_kpi(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards.load_small()
    monkeypatch.setattr(mine, "OTHERS_LISTED", 2)
    client.force_login(with_role(Role.Kind.ADMIN, None, "ada"))
    page = client.get("/my/kpis/").content.decode()
    text = text_of(page.encode())
    assert "you may enter the values of more than 2 other KPIs" in text
    assert "Complaints" not in text
    assert '<option value="acme">Acme Corp</option>' in page
    picked = client.get("/units/", {"unit": "acme", "to": "entry"})
    assert picked.status_code == 302 and picked["Location"] == "/units/acme/entry/"


def test_home_and_my_kpis_count_the_same_overdue_values(client: Client) -> None:
    cards.load_small()
    carol = contributor_of("revenue")
    with_role(Role.Kind.EDITOR, "acme", "eddie")
    Role.objects.create(user=carol, kind=Role.Kind.EDITOR, unit=None)
    client.force_login(carol)
    mine_text = text_of(client.get("/my/kpis/").content)
    home_text = text_of(client.get("/", {"period": "2026-03"}).content)
    assert "The KPIs you own or report: 1 in all, 1 with overdue values" in mine_text
    assert "My overdue values 1" in home_text


def test_it_says_so_when_nothing_is_yours(signed_in: Client) -> None:
    cards.load_small()
    text = text_of(signed_in.get("/my/kpis/").content)
    assert "No KPIs are yours yet" in text
    assert "Other KPIs you may enter" not in text  # a viewer enters nothing


def test_an_owner_can_require_approval_and_turn_it_off(client: Client) -> None:
    cards.load_small()
    client.force_login(owner_of("revenue"))
    kpi = KPI.objects.get(code="revenue")
    response = client.post(f"/my/kpis/{kpi.pk}/approval/", {"required": "1"})
    assert response.status_code == 302
    assert ApprovalRule.objects.filter(kpi=kpi).exists()
    assert "Approval required — turn off" in text_of(client.get("/my/kpis/").content)
    client.post(f"/my/kpis/{kpi.pk}/approval/", {"required": "0"})
    assert not ApprovalRule.objects.filter(kpi=kpi).exists()


def test_only_the_owner_may_require_approval(client: Client) -> None:
    cards.load_small()
    client.force_login(contributor_of("revenue"))
    kpi = KPI.objects.get(code="revenue")
    assert client.post(f"/my/kpis/{kpi.pk}/approval/", {"required": "1"}).status_code == 403
    assert not ApprovalRule.objects.exists()


def test_an_owner_approves_a_value_entered_by_a_contributor(client: Client) -> None:
    cards.load_small()
    olga = owner_of("revenue")
    carol = contributor_of("revenue")
    ApprovalRule.objects.create(kpi=KPI.objects.get(code="revenue"), set_by=olga)
    field = f"value_{KPI.objects.get(code='revenue').pk}"
    client.force_login(carol)
    client.post("/units/acme/entry/?period=2026-02", {"action": "save", field: "777"})
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 600
    assert "777 waits for approval" in text_of(
        client.get("/units/acme/entry/?period=2026-02").content
    )
    assert "Your values waiting for approval" in text_of(client.get("/my/kpis/").content)

    client.force_login(olga)
    page = text_of(client.get("/my/kpis/").content)
    assert "Waiting for your approval Revenue 2026-02 777" in page
    pending = PendingValue.objects.get()
    assert client.post(f"/my/pending/{pending.pk}/approve/").status_code == 302
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 777
    assert client.post(f"/my/pending/{pending.pk}/approve/").status_code == 404  # done once


def test_nobody_but_the_owner_decides_on_a_pending_value(client: Client) -> None:
    cards.load_small()
    olga = owner_of("revenue")
    ApprovalRule.objects.create(kpi=KPI.objects.get(code="revenue"), set_by=olga)
    pending = PendingValue.objects.create(
        kpi=KPI.objects.get(code="revenue"), period="2026-03", value=5, entered_by=person("carl")
    )
    client.force_login(with_role(Role.Kind.EDITOR, "acme", "eddie"))
    assert client.post(f"/my/pending/{pending.pk}/approve/").status_code == 403
    assert client.post(f"/my/pending/{pending.pk}/reject/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == PendingValue.Status.PENDING


def test_my_kpis_take_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    cards.load_sized(perspectives=1, objectives=1, kpis=1, children=0)
    client.force_login(with_role(Role.Kind.EDITOR, "top", "eddie"))
    with django_assert_num_queries(QUERIES):
        assert client.get("/my/kpis/").status_code == 200
    cards.load_sized(perspectives=4, objectives=3, kpis=4, children=3)
    kpi = KPI.objects.get(code="top-k000")
    ApprovalRule.objects.create(kpi=kpi)
    PendingValue.objects.create(kpi=kpi, period="2026-03", value=5, entered_by=person("carl"))
    with django_assert_num_queries(QUERIES):
        assert client.get("/my/kpis/").status_code == 200


QUERIES = 12  # your KPIs, then at most OTHERS_LISTED + 1 others: two queries, bounded


def test_an_owner_rejects_a_value_with_a_reason(client: Client) -> None:
    cards.load_small()
    olga = owner_of("revenue")
    kpi = KPI.objects.get(code="revenue")
    carl = person("carl")
    pending = PendingValue.objects.create(kpi=kpi, period="2026-03", value=5, entered_by=carl)
    client.force_login(olga)
    assert client.post(f"/my/pending/{pending.pk}/delete/").status_code == 404
    response = client.post(f"/my/pending/{pending.pk}/reject/", {"note": "typo"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.note) == (PendingValue.Status.REJECTED, "typo")
    assert "Rejected revenue 2026-03" in text_of(client.get("/my/kpis/").content)
