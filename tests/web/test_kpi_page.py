"""The KPI page: its chart against target with status bands, periods, history, comments."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from decimal import Decimal

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.core import scoring
from fourfold.files.load import load
from fourfold.measures import services
from fourfold.measures.models import KPI
from fourfold.reviews.models import Comment
from fourfold.strategy.models import Unit
from fourfold.web.kpi import WINDOW, nice_range, window, zones

from . import cards
from .test_scorecard import text_of

pytestmark = pytest.mark.django_db

URL = "/units/acme/kpis/revenue/"


@pytest.fixture
def small(db: None) -> None:
    cards.load_small()


def chart_of(html: bytes) -> dict[str, object]:
    found = re.search(
        r'<script id="kpi-chart" type="application/json">(.*?)</script>', html.decode()
    )
    assert found is not None
    data: dict[str, object] = json.loads(found[1])
    return data


def test_it_shows_the_chosen_period_and_the_table_of_periods(
    signed_in: Client, small: None
) -> None:
    response = signed_in.get(URL, {"period": "2026-02"})
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Revenue" in text and "February 2026" in text
    assert "Actual 600 EUR Target 700 red flag 500 Score 5.00 / 10 Status Amber" in text
    assert "February 2026 600 700 500 5.00 Amber — " in text
    assert "January 2026 1,234,567.89 700 500 10.00 Green" in text
    assert 'class="is-current" aria-current="true"' in response.content.decode()


def test_it_draws_actual_and_target_with_the_bands_of_goal_and_red_flag(
    signed_in: Client, small: None
) -> None:
    chart = chart_of(signed_in.get(URL, {"period": "2026-02"}).content)
    assert chart["labels"] == ["Jan 2026", "Feb 2026"]
    assert chart["actual"] == [1234567.891, 600.0]
    assert chart["target"] == [700.0, 700.0]
    bands = chart["bands"]
    assert isinstance(bands, list)
    assert [b["name"] for b in bands] == ["Red", "Amber", "Green"]
    # Stacked from the axis bottom: red up to the red flag, amber to the target, green above.
    base = chart["base"]
    assert isinstance(base, list) and base[0] == chart["min"] == 0
    assert bands[0]["data"][1] == 500 and bands[1]["data"][1] == 200
    assert chart["current"] == 1


def test_it_mirrors_the_bands_for_a_kpi_where_lower_is_better() -> None:
    target, flag = np.array([100.0]), np.array([120.0])
    found = zones(scoring.DEFAULT, "decrease", np.nan, target, flag, target * np.nan, flag * np.nan)
    assert [z.status for z in found] == [2, 1, 0]  # green at the bottom
    assert [z.upper[0] for z in found] == [100.0, 120.0, np.inf]


def test_it_draws_percent_bands_as_boundaries_times_target() -> None:
    scheme = scoring.Scheme(
        "gov",
        "percent_of_target",
        (
            scoring.Status("Not met", "red"),
            scoring.Status("Slightly below", "amber"),
            scoring.Status("Met", "green"),
        ),
        mins=(Decimal("95"), Decimal("100")),
    )
    nan = np.array([np.nan])
    up = zones(scheme, "increase", np.nan, np.array([200.0]), nan, nan, nan)
    assert [z.upper[0] for z in up] == [190.0, 200.0, np.inf]
    down = zones(scheme, "decrease", np.nan, np.array([95.0]), nan, nan, nan)
    assert [z.status for z in down] == [2, 1, 0]
    assert down[0].upper[0] == 95.0 and down[1].upper[0] == pytest.approx(100.0)


def test_it_draws_a_range_with_its_tolerance_on_both_sides() -> None:
    nan = np.array([np.nan])
    found = zones(scoring.DEFAULT, "range", 3.0, nan, nan, np.array([20.0]), np.array([30.0]))
    assert [z.status for z in found] == [0, 1, 2, 1, 0]
    # A score of 20/3 or more lies within a third of the tolerance of the band.
    assert [z.upper[0] for z in found] == [18.0, 19.0, 31.0, 32.0, np.inf]


def test_it_rounds_the_axis_to_round_numbers() -> None:
    assert nice_range(7_802_842, 13_844_506) == (6_000_000.0, 16_000_000.0)
    assert nice_range(0.5, 9.5) == (0.0, 10.0)


def test_it_shows_a_range_kpi_with_its_band(signed_in: Client, small: None) -> None:
    response = signed_in.get("/units/acme/kpis/stock-days/?period=2026-01")
    text = text_of(response.content)
    assert "Target range 20–30" in text
    assert "January 2026 25 20–30 10.00 Green" in text
    chart = chart_of(response.content)
    assert chart["target"] is None and chart["low"] == [20.0] and chart["high"] == [30.0]
    assert len(chart["bands"]) == 5  # type: ignore[arg-type]


def test_it_reads_the_values_from_the_engine_for_a_quarterly_kpi(
    signed_in: Client, small: None
) -> None:
    load(
        cards.HEADER
        + cards.unit("q", "Quarterly", None, 1, 1, 0)
        + cards.kpi(
            "q-kpi",
            frequency="quarterly",
            targets="{2026-Q1: {target: 100, red_flag: 80}}",
            values="{2026-Q1: 90}",
        ).replace("              - code", "              - code", 1),
        actor=None,
        source_name="q.yaml",
    )
    response = signed_in.get("/units/q/kpis/q-kpi/?period=2026-02")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Q1 2026" in text and "Q1 2026 90 100 80 5.00 Amber" in text


def test_it_says_who_entered_each_value_from_where_and_keeps_its_history(
    signed_in: Client, small: None, user: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    entries = [services.ValueEntry(kpi.pk, "2026-02", 650.0)]
    services.record_values(
        entries, actor=user, source="api", source_detail="erp-sync", reason="Late invoices"
    )
    services.set_targets(
        [services.TargetEntry(kpi.pk, "2026-02", (750.0, 500.0, None, None, None, None))],
        actor=user,
        source="manual",
        reason="Budget revised",
    )
    html = signed_in.get(URL, {"period": "2026-02"}).content
    text = text_of(html)
    assert "February 2026 650 750 500" in text
    assert "Ada" in text and "API erp-sync" in text
    assert "2 changes" in text
    assert "replaced the value 600" in text and "“Late invoices”" in text
    assert "replaced the target 700, red flag 500" in text and "“Budget revised”" in text
    assert b'<details class="history">' in html


def test_it_shows_the_definition(signed_in: Client, small: None) -> None:
    text = text_of(signed_in.get("/units/acme/kpis/complaints/?period=2026-01").content)
    assert "Code complaints" in text
    assert "Direction Lower is better" in text
    assert "Frequency Monthly Aggregation over time Sum" in text
    assert "Scoring scheme gov (bands of percent of target) Met Slightly below Not met" in text
    assert "Grace period 15 days after the period ends" in text


def test_it_lists_comments_per_period_and_adds_one_with_an_audit_entry(
    signed_in: Client, small: None
) -> None:
    response = signed_in.post(
        URL + "comments/", {"period": "2026-01", "text": "A one-off order from Globex."}
    )
    made = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?period=2026-01#comment-{made.pk}"
    assert made.kpi is not None and made.kpi.code == "revenue" and made.period == "2026-01"
    assert made.author is not None and made.author.get_username() == "ada"
    assert AuditEntry.objects.filter(action="comment.add").count() == 1
    text = text_of(signed_in.get(URL, {"period": "2026-02"}).content)
    assert "Comments January 2026 Ada" in text and "A one-off order from Globex." in text
    assert "1 comment" in text


def test_it_refuses_an_empty_comment_or_a_period_it_cannot_read(
    signed_in: Client, small: None
) -> None:
    response = signed_in.post(URL + "comments/", {"period": "2026-01", "text": ""})
    assert response.status_code == 400
    assert "Write a comment before adding it." in text_of(response.content)
    response = signed_in.post(URL + "comments/", {"period": "2026-13", "text": "Hello"})
    assert response.status_code == 400
    assert "months run from 01 to 12" in text_of(response.content)
    assert not Comment.objects.exists()


def test_it_needs_the_csrf_token_to_comment(user: User, small: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(URL + "comments/", {"period": "2026-01", "text": "Hello"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_it_answers_404_to_an_outsider_and_for_a_kpi_of_another_unit(
    client: Client, small: None
) -> None:
    outsider = User.objects.create_user("eve", password="x")
    sales = Unit.objects.get(code="sales")
    Role.objects.create(user=outsider, kind=Role.Kind.VIEWER, unit=sales)
    client.force_login(outsider)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "comments/", {"period": "2026-01", "text": "x"}).status_code == 404
    assert client.get("/units/sales/kpis/revenue/").status_code == 404
    assert not Comment.objects.exists()


def test_it_sends_visitors_who_are_not_signed_in_to_the_login_page(
    client: Client, small: None
) -> None:
    assert client.get(URL)["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("months", [3, 36])
def test_it_reads_the_page_in_a_fixed_number_of_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries, months: int
) -> None:
    cards.load_small()
    kpi = KPI.objects.get(code="revenue")
    first = dt.date(2024, 1, 1)
    keys = [
        f"{first.year + (first.month - 1 + i) // 12}-{(first.month - 1 + i) % 12 + 1:02d}"
        for i in range(months)
    ]
    services.record_values(
        [services.ValueEntry(kpi.pk, k, 100.0 + i) for i, k in enumerate(keys)],
        actor=None,
        source="file",
        source_detail="history.csv",
    )
    services.record_values(
        [services.ValueEntry(kpi.pk, k, 200.0 + i) for i, k in enumerate(keys)],
        actor=None,
        source="file",
        source_detail="history.csv",
    )
    for k in keys[:2]:
        Comment.objects.create(kpi=kpi, period=k, text="Noted")
    # Session and user (2), roles, units and KPIs (3), the unit (1), the KPI (1), the
    # organization (1), the engine's eight (given the organization), the values, targets,
    # their two histories and
    # the comments (5), the SMART panel's units, KPI owners and links to fix (3). The
    # navigation reuses the roles read for the page. The forecast of the KPI's year is made
    # once from the page's scores, for the forecast panel and the SMART panel's chance alike;
    # it reads only the kept forecasts to grade (1).
    with django_assert_num_queries(25):
        response = signed_in.get(URL, {"period": "2026-01"})
    assert response.status_code == 200


def test_a_century_of_months_is_shown_a_window_at_a_time_in_the_same_queries(
    signed_in: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Issue 9, item 2: a KPI holding every month DESIGN allows (1900 on) costs the page no
    more queries than one of three months, shows WINDOW periods and reads only their rows;
    "Older periods" pages back through the rest, with a plain link."""
    cards.load_small()
    kpi = KPI.objects.get(code="revenue")
    keys = [f"{1900 + i // 12}-{i % 12 + 1:02d}" for i in range((2026 - 1900) * 12 + 2)]
    for base in (100.0, 200.0):
        services.record_values(
            [services.ValueEntry(kpi.pk, k, base + i) for i, k in enumerate(keys)],
            actor=None,
            source="file",
        )
    Comment.objects.create(kpi=kpi, period="1901-01", text="Long ago")
    with django_assert_num_queries(25) as seen:
        response = signed_in.get(URL, {"period": "2026-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr id="period-') == WINDOW
    assert len(chart_of(response.content)["actual"]) == WINDOW  # type: ignore[arg-type]
    assert "Long ago" not in page
    own = [q["sql"] for q in seen.captured_queries if '"period" IN (' in q["sql"]]
    assert len(own) == 5  # values, targets, their histories, comments: the window's alone
    assert all(sql.count("'") <= 2 * (WINDOW + 1) for sql in own)
    older = re.search(r'rel="prev" href="([^"]+)"', page)
    assert older is not None and "until=2023-02" in older[1]
    back = signed_in.get(html.unescape(older[1]).split("#")[0])
    assert "February 2023" in text_of(back.content) and "March 2023" not in text_of(back.content)
    first = signed_in.get(URL, {"period": "1901-01"})
    assert "Long ago" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_the_window_pages_back_through_each_period_once() -> None:
    span = range(10, 100)  # 90 periods with data
    assert window(span, None, None) == range(64, 100)  # the latest WINDOW of them
    assert window(span, 95, None) == range(64, 100)
    assert window(span, 20, None) == range(10, 20 + WINDOW // 3 + 1)  # around the chosen one
    assert window(span, None, 63) == range(28, 64)
    assert window(span, None, 27) == range(10, 28)  # the oldest: shorter, nothing twice
    assert window(span, None, 500) == range(64, 100) and window(range(0), None, 3) == range(0)
