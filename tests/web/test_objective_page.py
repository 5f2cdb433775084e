"""The objective page: score over time, KPIs, aligned and linked objectives, actions, comments."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.files.load import load
from fourfold.reviews.models import ActionItem, Comment
from fourfold.scoring import readout
from fourfold.scoring.engine import compute
from fourfold.strategy.models import Alignment, Objective, Unit

from . import cards
from .test_scorecard import text_of

pytestmark = pytest.mark.django_db

URL = "/units/acme/objectives/grow/"

LINKED = (
    cards.HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            description: Sell more to the customers we have.
            drives: [cash]
            kpis:
"""
    + cards.kpi("revenue", name="Revenue")
    + """\
          - code: cash
            name: Strengthen cash
            kpis:
"""
    + cards.kpi("cash-flow", name="Cash flow")
    + """\
      - code: customer
        name: Customer
        objectives:
          - code: delight
            name: Delight customers
            drives: [grow]
            kpis: []
  - code: sales
    name: Sales department
    parent: acme
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: sell-more
            name: Sell more
            aligned_to: grow
            contributes: true
            kpis:
"""
    + cards.kpi("orders", name="Orders")
    + """\
          - code: sell-smarter
            name: Sell smarter
            aligned_to: grow
            kpis: []
"""
)


@pytest.fixture
def linked(db: None) -> None:
    load(LINKED, actor=None, source_name="linked.yaml")


def test_it_shows_the_objective_with_its_score_and_kpis(signed_in: Client, linked: None) -> None:
    response = signed_in.get(URL, {"period": "2026-01"})
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Grow revenue" in text and "Acme Corp" in text and "Financial" in text
    assert "Sell more to the customers we have." in text
    assert "Score 10.00 / 10 Status Green" in text
    assert "Revenue 1,234,567.89 700 EUR 10.00 Green" in text
    assert 'href="/units/acme/kpis/revenue/?period=2026-01"' in response.content.decode()


def test_it_charts_the_score_with_the_status_bands(signed_in: Client, linked: None) -> None:
    html = signed_in.get(URL, {"period": "2026-02"}).content.decode()
    found = re.search(r'<script id="objective-chart" type="application/json">(.*?)</script>', html)
    assert found is not None
    chart = json.loads(found[1])
    assert chart["labels"][-2:] == ["Jan 2026", "Feb 2026"]
    assert chart["scores"][-2:] == [10.0, 5.0]
    assert [b["name"] for b in chart["bands"]] == ["Red", "Amber", "Green"]
    assert chart["current"] == len(chart["labels"]) - 1
    assert "Feb 2026 5.00" in text_of(html.encode())  # the same numbers as a table


def test_it_shows_aligned_objectives_and_whether_they_count(
    signed_in: Client, linked: None
) -> None:
    text = text_of(signed_in.get(URL, {"period": "2026-01"}).content)
    assert "Sell more Sales department 10.00 Green counts in this score, weight 1" in text
    assert "Sell smarter Sales department — No data supports it, does not count" in text


def test_it_shows_what_drives_the_objective_and_what_it_drives(
    signed_in: Client, linked: None
) -> None:
    text = text_of(signed_in.get(URL, {"period": "2026-01"}).content)
    assert "Driven by Delight customers — No data" in text
    assert "Drives Strengthen cash 10.00 Green" in text


def test_it_lists_open_action_items_with_owner_and_due_date(
    signed_in: Client, linked: None, user: User
) -> None:
    grow = Objective.objects.get(code="grow")
    acme = Unit.objects.get(code="acme")
    ActionItem.objects.create(
        unit=acme,
        objective=grow,
        title="Call the top ten customers",
        owner=user,
        due_date=dt.date(2026, 3, 31),
    )
    ActionItem.objects.create(
        unit=acme, objective=grow, title="Done already", status=ActionItem.Status.DONE
    )
    text = text_of(signed_in.get(URL, {"period": "2026-01"}).content)
    assert "Call the top ten customers Owner: Ada Due 2026-03-31" in text
    assert "Done already" not in text


def test_it_adds_a_comment_with_its_author_and_an_audit_entry(
    signed_in: Client, linked: None
) -> None:
    response = signed_in.post(
        URL + "comments/", {"text": "Pricing review next month.", "return_period": "2026-01"}
    )
    made = Comment.objects.get()
    assert response["Location"] == f"{URL}?period=2026-01#comment-{made.pk}"
    assert made.objective is not None and made.objective.code == "grow"
    assert made.author is not None and made.author.get_username() == "ada"
    entry = AuditEntry.objects.get(action="comment.add")
    assert entry.detail["objective"] == "grow"
    text = text_of(signed_in.get(URL, {"period": "2026-01"}).content)
    assert "Ada" in text and "Pricing review next month." in text


def test_it_refuses_an_empty_comment(signed_in: Client, linked: None) -> None:
    response = signed_in.post(URL + "comments/", {"text": "  "})
    assert response.status_code == 400
    assert "Write a comment before adding it." in text_of(response.content)
    assert not Comment.objects.exists()


def test_it_answers_404_to_an_outsider_and_for_an_objective_of_another_unit(
    client: Client, linked: None
) -> None:
    eve = User.objects.create_user("eve", password="x")
    Role.objects.create(user=eve, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="sales"))
    client.force_login(eve)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "comments/", {"text": "x"}).status_code == 404
    assert client.get("/units/sales/objectives/grow/").status_code == 404
    assert client.get("/units/sales/objectives/sell-more/").status_code == 200
    assert not Comment.objects.exists()


def test_it_hides_linked_objectives_of_units_the_reader_cannot_see(
    client: Client, linked: None
) -> None:
    eve = User.objects.create_user("eve", password="x")
    Role.objects.create(user=eve, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="sales"))
    client.force_login(eve)
    text = text_of(client.get("/units/sales/objectives/sell-more/?period=2026-01").content)
    assert "Sell more" in text and "Grow revenue" not in text


def test_it_links_to_the_objective_above_for_a_reader_who_can_see_it(
    signed_in: Client, linked: None
) -> None:
    html = signed_in.get("/units/sales/objectives/sell-more/?period=2026-01").content.decode()
    assert "Serves:" in html and 'href="/units/acme/objectives/grow/?period=2026-01"' in html
    assert "Grow revenue Acme Corp this score counts in it, weight 1" in text_of(html.encode())


@pytest.mark.parametrize("kpis", [1, 8])
def test_it_reads_the_page_in_a_fixed_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, kpis: int
) -> None:
    cards.load_sized(1, 1, kpis, 2)
    top = Objective.objects.get(code="top-o00")
    for child in Objective.objects.exclude(pk=top.pk):
        Alignment.objects.create(child=child, parent=top, contributes=True)
    Comment.objects.create(objective=top, text="Noted")
    ActionItem.objects.create(unit=Unit.objects.get(code="top"), objective=top, title="Act")
    # Session and user (2), roles, units and KPIs (3), the unit (1), the objective (1), the
    # organization (1), the engine's eight (given the organization), KPIs, objectives served
    # and serving, links,
    # comments and actions (6), the initiatives serving it with their milestones,
    # dependencies and progress (4). The navigation reuses the roles read for the page.
    with django_assert_num_queries(26):
        response = signed_in.get("/units/top/objectives/top-o00/?period=2026-01")
    assert response.status_code == 200
    assert response.content.count(b"/units/top/kpis/") == kpis


# An objective with a monthly KPI, a quarterly one and a yearly one.
COARSER = (
    cards.HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: delight
            name: Delight customers
            kpis:
"""
    + cards.kpi(
        "complaints",
        name="Complaints",
        targets="{2026-10: {target: 700, red_flag: 500}}",
        values="{2026-10: 700}",
    )
    + cards.kpi(
        "nps",
        name="Net Promoter Score",
        unit="score",
        frequency="quarterly",
        aggregation="last",
        targets="{2026-Q3: {target: 40, red_flag: 30}}",
        values="{2026-Q3: 45}",
    )
    + cards.kpi(
        "audit",
        name="Customer audit passed",
        unit="score",
        frequency="yearly",
        aggregation="last",
        targets="{2025: {target: 90, red_flag: 80}}",
        values="{2025: 85}",
    )
)
DELIGHT = "/units/acme/objectives/delight/"


@pytest.fixture
def coarser(db: None) -> None:
    load(COARSER, actor=None, source_name="coarser.yaml")


def kpi_rows(html: bytes) -> list[str]:
    """The KPI rows of the objective's KPI table, each as its text."""
    table = html.decode().split('aria-labelledby="kpis-heading"')[1].split("</table>")[0]
    return [text_of(row.encode()).strip() for row in re.findall(r"<tr[ >].*?</tr>", table, re.S)][
        1:
    ]


def test_it_shows_a_quarterly_kpi_in_a_month_with_its_latest_quarter_not_counted(
    signed_in: Client, coarser: None
) -> None:
    response = signed_in.get(DELIGHT, {"period": "2026-10"})
    assert kpi_rows(response.content) == [
        "Complaints 700 700 EUR 6.67 Green —",
        "Net Promoter Score Q3 2026, its latest quarter · not counted in October 2026 "
        "45 40 score 8.33 Green —",
        "Customer audit passed 2025, its latest year · not counted in October 2026 "
        "85 90 score 5.00 Amber —",
    ]
    assert response.content.count(b'<tr class="kpi--latest">') == 2
    assert b"Not shown" not in response.content
    # The month's score is the monthly KPI's alone, as the engine has it.
    assert "Score 6.67 / 10 Status Green Reported 1/1" in text_of(response.content)
    scores = compute(today=timezone.localdate(), unit="acme")
    assert {r["code"] for r in readout.unit_rows(scores, "acme", "2026-10")} == {
        "acme",
        "customer",
        "delight",
        "complaints",
    }


def test_it_shows_a_yearly_kpi_in_a_quarter_with_its_latest_year(
    signed_in: Client, coarser: None
) -> None:
    response = signed_in.get(DELIGHT, {"period": "2026-Q3"})
    rows = kpi_rows(response.content)
    assert rows[1].startswith("Net Promoter Score 45 40 score 8.33 Green")  # counted in Q3
    assert rows[2].startswith(
        "Customer audit passed 2025, its latest year · not counted in Q3 2026 85 90"
    )
    assert response.content.count(b'<tr class="kpi--latest">') == 1
    assert b"Not shown" not in response.content


def test_it_takes_the_quarter_before_while_the_months_quarter_still_runs(
    signed_in: Client, coarser: None
) -> None:
    rows = kpi_rows(signed_in.get(DELIGHT, {"period": "2026-08"}).content)
    assert rows[1] == (
        "Net Promoter Score Q2 2026, its latest quarter · not counted in August 2026 "
        "— — score — No data —"
    )


def test_it_reads_the_page_with_latest_periods_in_the_same_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, coarser: None
) -> None:
    # As the test above counts: the latest periods are read from the scores already there.
    with django_assert_num_queries(26):
        response = signed_in.get(DELIGHT, {"period": "2026-10"})
    assert response.content.count(b'<tr class="kpi--latest">') == 2
