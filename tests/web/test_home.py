"""The home page: the units I can see by status, and what needs my attention."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.intake.mine import mine
from fourfold.intake.models import PendingValue
from fourfold.measures.models import KPI
from fourfold.reviews.models import ActionItem
from fourfold.strategy.models import Unit
from fourfold.web.periods import last_ended_month

from . import cards
from .test_scorecard import text_of

pytestmark = pytest.mark.django_db

ORG = (
    cards.HEADER
    + cards.unit("acme", "Acme Corp", None, 1, 1, 1)
    + cards.unit("sales", "Sales division", "acme", 1, 1, 1)
    + cards.unit("north", "North region", "sales", 1, 1, 1)
    + cards.unit("ops", "Operations division", "acme", 1, 1, 1)
).replace("2026-02: 600", "2026-02: 450")  # red in February: 2.50


@pytest.fixture
def org(db: None) -> None:
    load(ORG, actor=None, source_name="org.yaml")


def test_it_shows_every_unit_with_its_score_and_status_in_words(
    signed_in: Client, org: None
) -> None:
    response = signed_in.get("/?period=2026-02")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "February 2026" in text
    for name in ("Acme Corp", "Sales division", "North region", "Operations division"):
        assert f"{name} 2.50 Red" in text
    html = response.content.decode()
    assert 'href="/units/north/?period=2026-02"' in html
    assert html.count('class="glance-group"') == 2


def test_it_defaults_to_the_last_ended_month(signed_in: Client, org: None) -> None:
    response = signed_in.get("/")
    month = last_ended_month(timezone.localdate())
    assert f'value="{month}" selected' in response.content.decode()


def test_it_converts_a_kind_of_period_and_keeps_a_clean_address(
    signed_in: Client, org: None
) -> None:
    response = signed_in.get("/?period=2026-02&kind=quarter")
    assert response.status_code == 302
    assert response["Location"] == "/?period=2026-Q1"


def test_it_neither_lists_nor_counts_units_the_user_cannot_see(client: Client, org: None) -> None:
    bob = User.objects.create_user("bob", password="x")
    Role.objects.create(user=bob, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="sales"))
    client.force_login(bob)
    text = text_of(client.get("/?period=2026-02").content)
    assert "Sales division" in text and "North region" in text
    assert "Acme Corp" not in text and "Operations division" not in text
    assert "Units (2)" in text


def test_it_lists_my_overdue_values_red_kpis_and_open_action_items(
    signed_in: Client, user: User, org: None
) -> None:
    KPI.objects.filter(code="acme-k000").update(owner=user)
    KPI.objects.filter(code="north-k000").update(contributor=user)
    today = timezone.localdate()
    acme = Unit.objects.get(code="acme")
    ActionItem.objects.create(
        unit=acme, title="Fix pricing", owner=user, due_date=dt.date(2026, 1, 5)
    )
    ActionItem.objects.create(
        unit=acme, title="Hire a buyer", owner=user, due_date=today + dt.timedelta(days=30)
    )
    ActionItem.objects.create(
        unit=acme, title="Done already", owner=user, status=ActionItem.Status.DONE
    )
    ActionItem.objects.create(unit=acme, title="Someone else's", owner=None)
    text = text_of(signed_in.get("/?period=2026-02").content)
    assert "My red KPIs 1 KPI acme-k000 · Acme Corp 2.50 Red" in text
    assert re.search(r"Fix pricing · Acme Corp due 5 Jan 2026 ! Late", text)
    assert "Hire a buyer" in text and "Done already" not in text and "Someone else" not in text
    # March has targets nowhere and values nowhere: KPIs are not expected, nothing is red.
    text = text_of(signed_in.get("/?period=2026-03").content)
    assert "None of the KPIs you own is at its worst status" in text


@pytest.fixture
def april(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Home read on 20 April 2026: March's values are past their 15 days of grace."""
    today = dt.date(2026, 4, 20)
    monkeypatch.setattr(timezone, "localdate", lambda: today)
    return today


def test_it_lists_a_value_overdue_in_any_period_not_only_the_chosen_one(
    signed_in: Client, user: User, org: None, april: dt.date
) -> None:
    KPI.objects.filter(code__in=["acme-k000", "north-k000"]).update(contributor=user)
    # February is reported: the old panel, reading only February, said nothing was overdue.
    text = text_of(signed_in.get("/?period=2026-02").content)
    assert "My overdue values 2 KPI acme-k000 · Acme Corp ! March 2026" in text
    assert "KPI north-k000 · North region ! March 2026" in text
    html = signed_in.get("/?period=2026-02").content.decode()
    assert 'href="/units/acme/entry/?period=2026-03">KPI acme-k000</a>' in html
    # The same count as My KPIs, which reads them the same way.
    assert mine(Access.of(user), april).overdue == 2
    assert "2 with overdue values" in text_of(signed_in.get("/my/kpis/").content)


def test_it_lists_values_waiting_for_my_approval(
    signed_in: Client, user: User, org: None, april: dt.date
) -> None:
    kpi = KPI.objects.get(code="acme-k000")
    KPI.objects.filter(pk=kpi.pk).update(owner=user)
    bob = User.objects.create_user("bob", first_name="Bob", last_name="Ray")
    PendingValue.objects.create(kpi=kpi, period="2026-03", value=650, entered_by=bob)
    other = KPI.objects.get(code="north-k000")  # not mine to approve
    PendingValue.objects.create(kpi=other, period="2026-03", value=9, entered_by=bob)
    response = signed_in.get("/?period=2026-02")
    text = text_of(response.content)
    assert "Waiting for my approval 1 KPI acme-k000 · 2026-03 650 from Bob Ray" in text
    assert "Approve or reject" in text
    assert 'href="/my/kpis/#approve-heading"' in response.content.decode()
    PendingValue.objects.update(status=PendingValue.Status.APPROVED)
    assert "Waiting for my approval" not in text_of(signed_in.get("/?period=2026-02").content)


def test_it_shows_empty_states_when_nothing_needs_me(signed_in: Client, org: None) -> None:
    text = text_of(signed_in.get("/?period=2026-02").content)
    assert "Nothing overdue" in text
    assert "None of the KPIs you own is at its worst status in February 2026" in text
    assert "No open action items are yours" in text


def test_it_explains_how_to_start_when_there_is_no_unit(signed_in: Client) -> None:
    response = signed_in.get("/")
    assert response.status_code == 200
    assert b"fourfold load" in response.content


def test_it_sends_visitors_who_are_not_signed_in_to_the_login_page(client: Client) -> None:
    for url in ("/", "/scorecards/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


SIZES = {"small": (1, 1, 1, 0), "large": (4, 5, 3, 6)}


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_home_page_in_a_fixed_number_of_queries(
    signed_in: Client,
    user: User,
    django_assert_num_queries: DjangoAssertNumQueries,
    size: str,
) -> None:
    cards.load_sized(*SIZES[size])
    KPI.objects.update(owner=user)
    for unit in Unit.objects.all():
        ActionItem.objects.create(unit=unit, title=f"Act on {unit.code}", owner=user)
    # Session and user (2), the user's roles, units and KPIs (3), the unit tree (1), the
    # organization (1), the scores of the whole organization (8: the engine is given the
    # organization the page read); My KPIs' own reading of
    # what I own or report, their values, targets and approval rules, the values waiting
    # for my approval and those I sent (6); the KPIs I own, for the red ones (1); my action
    # items with their units (1); my cascaded KPIs whose target changed above (1); my overdue
    # milestones (1). The header's check for a role reuses the page's roles.
    with django_assert_num_queries(25):
        response = signed_in.get("/?period=2026-02")
    assert response.status_code == 200
    assert response.content.count(b'class="glance') >= (7 if size == "large" else 1)


def test_it_counts_several_overdue_months_from_the_oldest(
    signed_in: Client, user: User, org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 5, 20))
    KPI.objects.filter(code="acme-k000").update(owner=user)
    response = signed_in.get("/?period=2026-02")
    assert "KPI acme-k000 · Acme Corp ! 2 overdue since March 2026" in text_of(response.content)
    assert 'title="March 2026, April 2026"' in response.content.decode()
