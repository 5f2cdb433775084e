"""`?as_of=` on the pages, the restated note, and the Revisions and diff pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.revisions import named
from fourfold.strategy.models import Unit
from tests.web.test_scorecard import text_of

from .scorecards import card, weight

pytestmark = pytest.mark.django_db

SALES = """  - code: sales
    name: Sales
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: win
            name: Win
            kpis:
              - code: s
                name: S
{s_weight}                targets: {{2026-01: {{target: 700, red_flag: 500}}}}
                values: {{2026-01: 650}}
"""


@pytest.fixture
def changed() -> None:
    """KPI a's weight 1 → 5 and S's 1 → 2, each for every period, with a revision between."""
    load(card(more=SALES.format(s_weight="")), actor=None, source_name="v1.yaml")
    named.save("before")
    load(card(weight(5), more=SALES.format(s_weight=weight(2))), actor=None, source_name="v2.yaml")


@pytest.fixture
def admin(client: Client) -> User:
    user = User.objects.create_superuser("root", "root@acme.example", "x")
    client.force_login(user)
    return user


def test_a_page_as_it_stood_says_so_and_links_back_to_now(
    client: Client, changed: None, admin: User
) -> None:
    now = client.get("/units/acme/?period=2026-01")
    assert "As it stood on" not in now.content.decode()
    then = client.get("/units/acme/?period=2026-01&as_of=before")
    assert then.status_code == 200
    html = then.content.decode()
    assert 'class="as-of-banner"' in html
    assert '<a href="/units/acme/?period=2026-01" data-now>Back to now</a>' in html
    assert "(before)" in text_of(then.content)
    # The objective as it was scored before the change: 6.67, not 5.56.
    assert "6.67" in text_of(then.content) and "5.56" not in text_of(then.content)
    assert "5.56" in text_of(now.content)


def test_a_page_that_redirects_keeps_the_moment_and_a_wrong_one_is_refused(
    client: Client, changed: None, admin: User
) -> None:
    moved = client.get("/units/acme/?as_of=before")
    assert moved.status_code == 302
    assert "as_of=before" in moved["Location"]
    wrong = client.get("/units/acme/?as_of=someday")
    assert wrong.status_code == 400
    assert wrong.content.decode() == (
        "The as_of 'someday' is neither a revision's name nor a date or time such as 2026-03-31."
    )


def test_the_scorecard_lists_the_past_scores_a_change_restated(
    client: Client, changed: None, admin: User
) -> None:
    text = text_of(client.get("/units/acme/?period=2026-01").content)
    assert "Restated: 6 past scores moved" in text
    assert "fourfold load v2.yaml" in text
    assert "2026-01 objective grow 6.67 5.56" in text


def test_the_revisions_page_lists_the_named_ones_in_fixed_queries(
    client: Client, changed: None, admin: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/revisions/")
    with django_assert_num_queries(6):
        text = text_of(client.get("/revisions/").content)
    assert "before" in text
    assert "kpi" in text and "fourfold load v2.yaml" in text


def test_a_diff_shows_a_viewer_only_the_changes_of_their_units(
    client: Client, changed: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    viewer = User.objects.create_user("vic")
    Role.objects.create(user=viewer, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="sales"))
    client.force_login(viewer)
    client.get("/revisions/diff/?a=before&b=now")
    with django_assert_num_queries(15):
        text = text_of(client.get("/revisions/diff/?a=before&b=now").content)
    assert "1 change" in text
    assert "sales kpi s weight — 1 2" in text
    assert "kpi a" not in text
    stranger = User.objects.create_user("nobody")
    client.force_login(stranger)
    assert client.get("/revisions/diff/?a=before&b=now").status_code == 404
