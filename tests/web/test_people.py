"""People: who owns what, how much of it is red or overdue, and one page per person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.files.dump import dump
from fourfold.files.load import LoadError, load
from fourfold.reviews.models import ActionItem
from fourfold.strategy.models import Unit

from . import cards
from .test_scorecard import text_of

pytestmark = pytest.mark.django_db

PEOPLE = """\
people:
  - {email: priya@acme.example, name: Priya Raman}
  - {email: tom@acme.example, name: Tomás de la Cruz}
"""

ORG = (
    cards.HEADER.replace("schemes:", PEOPLE + "schemes:")
    + cards.unit("acme", "Acme Corp", None, 1, 1, 1)
    + cards.unit("sales", "Sales division", "acme", 1, 1, 2)
    + cards.unit("ops", "Operations division", "acme", 1, 1, 1)
)
# Sales' objective and its first KPI belong to Priya (red in February: 600 against 700 / 500
# is amber, 450 is red); Operations' KPI to Tom; Acme's objective and KPI to nobody.
ORG = (
    ORG.replace(
        "            name: Objective 0.0\n            kpis:\n              - code: sales-k000\n",
        "            name: Objective 0.0\n            owner: priya@acme.example\n"
        "            kpis:\n              - code: sales-k000\n"
        "                owner: priya@acme.example\n",
    )
    .replace(
        "              - code: ops-k000\n",
        "              - code: ops-k000\n                owner: tom@acme.example\n",
    )
    .replace("2026-02: 600", "2026-02: 450")
    .replace(
        "  - code: ops\n    name: Operations division\n",
        "  - code: ops\n    name: Operations division\n"
        "    initiatives:\n"
        "      - code: lean\n"
        "        name: Lean assembly\n"
        "        owner: tom@acme.example\n"
        "        start: 2026-01-01\n"
        "        end: 2026-12-31\n"
        "        milestones: [{name: Pilot cell, due: 2026-01-31}]\n"
        "        progress: {2026-02: {complete: 5}}\n",
    )
)


@pytest.fixture
def org(db: None) -> None:
    load(ORG, actor=None, source_name="org.yaml")


def test_the_file_gives_people_their_names_and_dump_writes_them_back(org: None) -> None:
    priya = User.objects.get(email="priya@acme.example")
    assert (priya.first_name, priya.last_name) == ("Priya", "Raman")
    tom = User.objects.get(email="tom@acme.example")
    assert tom.get_full_name() == "Tomás de la Cruz"
    text = dump()
    assert "- {email: priya@acme.example, name: Priya Raman}" in text
    assert load(text, actor=None, source_name="again.yaml").nothing_changed


def test_a_person_listed_twice_or_without_a_name_is_refused_with_the_place(db: None) -> None:
    bad = cards.HEADER.replace(
        "schemes:",
        "people:\n  - {email: a@acme.example, name: Ann}\n  - {email: a@acme.example, name: Ann}\n"
        "  - {email: b@acme.example}\nschemes:",
    ) + cards.unit("acme", "Acme Corp", None, 1, 1, 1)
    with pytest.raises(LoadError) as refused:
        load(bad, actor=None, source_name="bad.yaml")
    text = "\n".join(str(p) for p in refused.value.problems)
    assert "people[2]: a@acme.example is listed twice" in text
    assert "people[3]" in text and "'name'" in text
    assert not User.objects.exists()


def test_it_lists_each_owner_with_what_they_own_red_first(signed_in: Client, org: None) -> None:
    text = text_of(signed_in.get("/people/?period=2026-02").content)
    assert "People (2)" in text
    # Priya owns a red objective and a red KPI; Tom a red KPI and a red initiative with an
    # overdue milestone: Tom comes first.
    table = text.split("Who owns what")[1]
    assert table.index("Tomás de la Cruz") < table.index("Priya Raman")
    assert "Priya Raman priya@acme.example 1 1 0 0 2 0" in text
    assert "Tomás de la Cruz tom@acme.example 0 1 1 0 2 ! 1" in text


def test_it_says_who_owns_what_is_red_and_what_nobody_owns(signed_in: Client, org: None) -> None:
    text = text_of(signed_in.get("/people/?period=2026-02").content)
    assert "Objective Objective 0.0 Sales division 2.50 Red Priya Raman" in text
    assert "KPI KPI sales-k000 Sales division 2.50 Red Priya Raman" in text
    assert "KPI KPI acme-k000 Acme Corp 2.50 Red ! Nobody owns it" in text
    # 5 % done of the 58 / 364 planned by February's end: far behind schedule.
    assert "Initiative Lean assembly Operations division 0.00 Red Tomás de la Cruz" in text


def test_a_unit_narrows_it_to_the_unit_and_the_units_below(signed_in: Client, org: None) -> None:
    text = text_of(signed_in.get("/people/?period=2026-02&unit=ops").content)
    assert "People (1)" in text and "Tomás de la Cruz" in text
    assert "Priya Raman" not in text and "acme-k000" not in text


def test_a_reader_sees_only_what_is_in_their_units(client: Client, org: None) -> None:
    bob = User.objects.create_user("bob", password="x")
    Role.objects.create(user=bob, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="ops"))
    client.force_login(bob)
    text = text_of(client.get("/people/?period=2026-02").content)
    assert "Tomás de la Cruz" in text and "Priya Raman" not in text
    priya = User.objects.get(email="priya@acme.example")
    assert client.get(f"/people/{priya.pk}/").status_code == 404
    assert client.get("/people/?unit=sales").status_code == 404


def test_a_person_page_lists_objectives_kpis_and_open_actions(
    signed_in: Client, org: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    priya = User.objects.get(email="priya@acme.example")
    sales = Unit.objects.get(code="sales")
    ActionItem.objects.create(
        unit=sales, title="Call the ten largest accounts", owner=priya, due_date=dt.date(2026, 1, 5)
    )
    ActionItem.objects.create(
        unit=sales, title="Done already", owner=priya, status=ActionItem.Status.DONE
    )
    # Session and user (2), the reader's roles, the unit tree and KPIs' units (3), the person
    # (1), the organization (1), the scores (9); the objectives, KPIs and action items they
    # own (3), and the initiatives (1: they own none).
    with django_assert_num_queries(20):
        response = signed_in.get(f"/people/{priya.pk}/?period=2026-02")
    text = text_of(response.content)
    assert (
        "Owns 1 objective, 1 KPI, no initiatives and 1 open action item: 2 red, 1 overdue." in text
    )
    assert "Call the ten largest accounts Sales division 5 Jan 2026 ! late" in text
    assert "Done already" not in text
    assert "KPI sales-k000 Sales division 2.50 Red" in text and "sales-k001" not in text


def test_the_people_page_reads_a_fixed_number_of_queries(
    signed_in: Client, org: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # As a person's page, with the units of the picker instead of the person, and then the
    # owners of what they own, at once; the initiatives, their overdue milestones, and their
    # progress for the scores (4).
    with django_assert_num_queries(23):
        signed_in.get("/people/?period=2026-02")
    more = ORG.replace("owner: tom@acme.example", "owner: ann@acme.example")
    load(more + cards.unit("more", "More", "acme", 2, 3, 4), actor=None, source_name="more.yaml")
    with django_assert_num_queries(23):
        text = text_of(signed_in.get("/people/?period=2026-02").content)
    assert "People (2)" in text and "ann@acme.example 0 1 1 0 2 ! 1" in text
