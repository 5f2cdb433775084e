"""The list of scorecards: every unit one may see, as the unit tree, with score and status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.strategy.models import Unit
from fourfold.web.periods import last_ended_month

from . import cards
from .test_scorecard import SIZES, text_of

pytestmark = pytest.mark.django_db

TREE = (
    cards.HEADER
    + cards.unit("top", "Top", None, 1, 1, 1)
    + cards.unit("north", "North region", "top", 1, 1, 1)
    + cards.unit("north-east", "North-east office", "north", 1, 1, 1)
    + cards.unit("south", "South region", "top", 1, 1, 1)
)


@pytest.fixture
def tree(db: None) -> None:
    load(TREE, actor=None, source_name="tree.yaml")


def test_it_lists_every_scorecard_as_the_unit_tree_with_score_and_status(
    signed_in: Client, tree: None
) -> None:
    response = signed_in.get("/scorecards/?period=2026-02")
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response.content)
    assert "Scorecards (4) February 2026" in text
    # Depth first, each one under its parent, with the score, status and what came in.
    assert (
        "Top 5.00 Amber 1/1 Strategy map of Top "
        "North region 5.00 Amber 1/1 Strategy map of North region "
        "North-east office 5.00 Amber 1/1 Strategy map of North-east office "
        "South region 5.00 Amber 1/1"
    ) in text
    assert '<tr class="unit-tree__row" style="--depth: 2">' in html
    assert '<a href="/units/north-east/?period=2026-02">North-east office</a>' in html
    assert '<a href="/units/north/map/?period=2026-02">Strategy map' in html


def test_it_lists_only_the_units_one_may_view(client: Client, tree: None) -> None:
    bea = User.objects.create_user("bea", password="x")
    Role.objects.create(user=bea, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="north"))
    client.force_login(bea)
    text = text_of(client.get("/scorecards/?period=2026-02").content)
    assert "Scorecards (2)" in text
    assert "North region" in text and "North-east office" in text
    assert "South region" not in text and "Top 5.00" not in text


def test_it_shows_a_month_with_no_data_and_counts_overdue_values(
    signed_in: Client, tree: None
) -> None:
    text = text_of(signed_in.get("/scorecards/?period=2026-03").content)
    assert "Top — No data 0/1 ! 1 overdue" in text


def test_it_turns_a_kind_into_its_period_and_keeps_the_way_to_the_map(
    signed_in: Client, tree: None
) -> None:
    response = signed_in.get("/scorecards/", {"kind": "quarter", "period": "2026-02"})
    assert response["Location"] == "/scorecards/?period=2026-Q1"
    month = last_ended_month(timezone.localdate())
    response = signed_in.get("/scorecards/?show=map")
    assert response["Location"] == f"/units/top/map/?period={month}"


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_list_in_a_fixed_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*SIZES[size])
    # Session and user (2), the user's roles, units and KPIs (3), the unit tree (1), the
    # organization (1), and the scores of the whole organization (8: the engine is given
    # the organization the page read).
    with django_assert_num_queries(15):
        response = signed_in.get("/scorecards/?period=2026-01")
    assert response.status_code == 200
    assert response.content.count(b'class="unit-tree__row') == (4 if size == "large" else 1)
