"""The scorecard tells how every number is made: KPIs reported less often than the period with
their latest period, the parts and weights of each objective's score, and a legend."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fourfold.accounts.access import Access
from fourfold.core import periods
from fourfold.files.load import load
from fourfold.scoring import readout
from fourfold.scoring.engine import compute
from fourfold.strategy.models import Unit
from fourfold.web import coarser
from fourfold.web.breakdown import Explain

from . import cards
from .test_scorecard import kpi_rows, text_of

pytestmark = pytest.mark.django_db

# The test header's schemes, and one that no node uses.
HEADER = cards.HEADER.replace(
    "units:\n",
    "  spare:\n"
    "    type: percent_of_target\n"
    "    bands: [{status: Fine, min: 90, color: green}, {status: Poor, color: red}]\n"
    "units:\n",
)
MONTHLY = "{2026-04: {target: 700, red_flag: 500}}"
EXPLAINED = (
    HEADER
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
        weight="2",
        owner="bob@acme.example",
        scheme="gov",
        targets="{2026-04: {target: 700}}",
        values="{2026-04: 700}",
    )
    + cards.kpi(
        "nps",
        name="Net Promoter Score",
        unit="score",
        frequency="quarterly",
        aggregation="last",
        targets="{2026-Q1: {target: 40, red_flag: 30}}",
        values="{2026-Q1: 45}",
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
    + """\
  - code: sales
    name: Sales department
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: keep-accounts
            name: Keep our key accounts
            aligned_to: delight
            contributes: true
            kpis:
"""
    + cards.kpi("retention", name="Retention", targets=MONTHLY, values="{2026-04: 800}")
)


@pytest.fixture
def explained(db: None) -> None:
    load(EXPLAINED, actor=None, source_name="explained.yaml")


def rows(unit: str, period: str) -> dict[tuple[str, str], dict[str, object]]:
    """The rows of `fourfold scores --json` for a unit and period, by (kind, code)."""
    scores = compute(today=timezone.localdate(), unit=unit)
    return {(r["kind"], r["code"]): r for r in readout.unit_rows(scores, unit, period)}


def test_it_shows_a_quarterly_and_a_yearly_kpi_in_a_month_with_their_latest_periods(
    signed_in: Client, explained: None
) -> None:
    response = signed_in.get("/units/acme/?period=2026-04")
    assert kpi_rows(response.content) == [
        "Complaints",
        "Net Promoter Score",
        "Customer audit passed",
    ]
    text = text_of(response.content)
    # The quarter that ended before April, and its own actual, target, score and status.
    assert (
        "Net Promoter Score Q1 2026, its latest quarter · not counted in April 2026 "
        "45 40 +5 +12.5 % score"
    ) in text
    assert "8.33 Green 1/1" in text
    assert "Customer audit passed 2025, its latest year · not counted in April 2026 85 90" in text
    assert "1 KPI · 2 more with their latest quarter or year, not counted in April 2026" in text
    assert response.content.count(b'<tr class="kpi kpi--latest">') == 2


def test_it_leaves_them_out_of_the_months_roll_up_as_the_engine_does(
    signed_in: Client, explained: None
) -> None:
    found = rows("acme", "2026-04")
    assert ("kpi", "nps") not in found and ("kpi", "audit") not in found
    # Complaints (weight 2) at its goal in the gov scheme, Sales' objective (weight 1) at 8.33.
    assert found[("objective", "delight")]["score"] == 7.22
    text = text_of(signed_in.get("/units/acme/?period=2026-04").content)
    assert "7.22 Green 2/2" in text
    assert "Net Promoter Score 8.33 quarterly: counts in its quarter, not in April 2026" in text
    # In the quarter it counts, and the page shows it as any other KPI.
    assert ("kpi", "nps") in rows("acme", "2026-Q1")
    response = signed_in.get("/units/acme/?period=2026-Q1")
    assert "Net Promoter Score" in kpi_rows(response.content)
    assert b"its latest quarter" not in response.content


def test_it_takes_the_quarter_ending_with_the_month_and_a_year_in_a_quarter(
    signed_in: Client, explained: None
) -> None:
    text = text_of(signed_in.get("/units/acme/?period=2026-03").content)
    assert "Q1 2026, its latest quarter · not counted in March 2026" in text
    text = text_of(signed_in.get("/units/acme/?period=2026-02").content)
    assert "Q4 2025, its latest quarter · not counted in February 2026 — —" in text
    text = text_of(signed_in.get("/units/acme/?period=2026-Q2").content)
    assert "Customer audit passed 2025, its latest year · not counted in Q2 2026" in text


def test_it_shows_the_parts_of_an_objectives_score_with_their_weights_and_shares(
    signed_in: Client, explained: None
) -> None:
    response = signed_in.get("/units/acme/?period=2026-04")
    html = response.content.decode()
    text = text_of(response.content)
    assert '<details class="how">' in html  # closed until opened: works without a script
    assert (
        "Delight customers 7.22 Green 2/2 How the score is made: 1 KPI + 1 aligned objective"
        in text
    )
    assert "Weighted mean of the parts with a score: Complaints" in text
    assert "Complaints 6.67 weight 2 · 67 % of the score" in text
    assert (
        "Sales department: Keep our key accounts aligned objective 8.33 Green "
        "weight 1 · 33 % of the score"
    ) in text
    assert 'href="/units/sales/objectives/keep-accounts/?period=2026-04"' in html
    assert "Complaints weight 2" in text  # the weight beside the KPI's row too


def test_it_names_an_aligned_objective_only_to_those_who_may_view_its_unit(
    client: Client, explained: None
) -> None:
    bob = User.objects.get(email="bob@acme.example")
    access = Access.of(bob)
    acme, sales = Unit.objects.get(code="acme"), Unit.objects.get(code="sales")
    assert access.can_view(acme.pk) and not access.can_view(sales.pk)
    client.force_login(bob)
    response = client.get("/units/acme/?period=2026-04")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Keep our key accounts" not in text and "Sales department" not in text
    assert "1 KPI + 1 aligned objective" in text
    assert "1 aligned objective of units you may not view also count in this score" in text
    # Its share is of the score as computed, with the hidden part's weight.
    assert "Complaints 6.67 weight 2 · 67 % of the score" in text
    assert "7.22 Green 2/2" in text


def test_it_explains_the_schemes_in_use_and_only_those(signed_in: Client, explained: None) -> None:
    response = signed_in.get("/units/acme/?period=2026-04")
    text = text_of(response.content)
    legend = text[text.index("How to read this scorecard") :]
    assert "Scheme gov bands of percent of target Used here by 1 KPI" in legend
    assert "Met KPI 100 % of target or more" in legend
    assert "Slightly below KPI 95 % of target or more" in legend
    assert "Not met KPI below 95 % of target" in legend
    assert re.search(r"Scheme default goal and red flag Used here by 2 KPIs, 2 objectives", legend)
    assert "Green KPI at goal or better; score 6.67 or more" in legend
    assert "Red KPI worse than the red flag; score below 3.33" in legend
    assert "spare" not in legend and "Fine" not in legend
    # The words of the page, and the rule of the KPIs shown with their latest period.
    assert "No data Nothing reported for the period" in legend
    assert "Not scored A value, but no target" in legend
    assert "Latest quarter or year A KPI reported less often than April 2026" in legend
    assert 'href="#legend">What the statuses mean</a>' in response.content.decode()


def test_it_says_how_the_scorecard_and_each_perspective_roll_up(
    signed_in: Client, explained: None
) -> None:
    text = text_of(signed_in.get("/units/acme/?period=2026-04").content)
    assert "Scorecard score 7.22 / 10 Weighted mean of 1 perspective" in text
    assert "Customer Score 7.22 Made of Weighted mean of 1 objective" in text


def test_it_links_objectives_and_kpis_exactly_as_reverse_does(explained: None) -> None:
    scores = compute(today=timezone.localdate(), unit="acme")
    how = Explain(scores, ("month", 0), "acme", "?period=2026-04", set(), {}, {}, "April 2026")
    for unit, code in [("acme", "rev-1.x_y~"), ("a b", "c"), ("acme", "c%d"), ("acme", "é")]:
        for name in ("kpi", "objective"):
            expected = reverse(name, args=[unit, code]) + "?period=2026-04"
            assert how.url(name, unit, code) == expected


@pytest.mark.parametrize(
    ("period", "frequency", "fiscal_start", "latest"),
    [
        ("2026-04", "quarterly", 1, "2026-Q1"),
        ("2026-06", "quarterly", 1, "2026-Q2"),
        ("2026-06", "yearly", 1, "2025"),
        ("2026-12-YTD", "yearly", 1, "2026"),
        ("2026-Q3", "yearly", 1, "2025"),
        # A fiscal year from October: October 2026 opens FY2027, so the last ended are
        # FY2026's fourth quarter (July to September 2026) and FY2026.
        ("2026-10", "quarterly", 10, "FY2026-Q4"),
        ("2026-10", "yearly", 10, "FY2026"),
        ("FY2027-Q1", "yearly", 10, "FY2026"),
    ],
)
def test_it_takes_the_last_period_of_the_kpis_frequency_ended_by_the_periods_end(
    period: str, frequency: str, fiscal_start: int, latest: str
) -> None:
    shown = periods.parse_period(period, fiscal_start)
    assert coarser.latest_key(shown, frequency, fiscal_start) == latest


ROLLUPS = (
    cards.HEADER.replace(
        "units:\n",
        "  met-share:\n"
        "    type: percent_of_target\n"
        "    bands: [{status: All met, min: 100, color: green}, {status: Not met, color: red}]\n"
        "units:\n",
    )
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: process
        name: Process
        objectives:
          - code: safe
            name: Work safely
            rollup: worst
            kpis:
"""
    + cards.kpi("injuries", name="Injuries", targets=MONTHLY, values="{2026-04: 600}")
    + cards.kpi("audits", name="Audits", targets=MONTHLY, values="{2026-04: 800}")
    + """\
          - code: deliver
            name: Deliver on time
            rollup: share_met
            scheme: met-share
            kpis:
"""
    + cards.kpi("on-time", name="On time", targets=MONTHLY, values="{2026-04: 800}")
    + cards.kpi("in-full", name="In full", targets=MONTHLY, values="{2026-04: 600}")
)


def test_it_explains_the_worst_and_share_met_roll_ups(signed_in: Client, db: None) -> None:
    load(ROLLUPS, actor=None, source_name="rollups.yaml")
    response = signed_in.get("/units/acme/?period=2026-04")
    text = text_of(response.content)
    assert (
        "Work safely 5.00 Amber 2/2 How the score is made: 2 KPIs The worst score of the parts:"
        in text
    )
    # Weights do not matter to the worst score: none are shown.
    assert "Injuries 5.00 the worst: this is the score Audits 8.33 Injuries" in text
    assert "The share of the parts at their best status, each counting the same:" in text
    assert "On time 8.33 at its best status In full 5.00 not at its best status" in text
    legend = text[text.index("How to read this scorecard") :]
    assert "Scheme met-share bands of percent of target Used here by 1 objective" in legend
    assert "All met 100 % of its parts at their best status or more" in legend
    assert "Not met below 100 % of its parts at their best status" in legend
    assert "Share met of 2 objectives" not in text  # the perspective takes the mean
    assert "Process Score" in text and "Weighted mean of 2 objectives" in text
