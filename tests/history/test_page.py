"""The History page: who changed what, when, from where and why, with filters and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import record
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from fourfold.strategy.models import Unit
from tests.web import cards
from tests.web.test_scorecard import text_of

pytestmark = pytest.mark.django_db


def timeline_text(response: object) -> str:
    """The page's text after the filters, where the timeline is."""
    text = text_of(response.content)  # type: ignore[attr-defined]
    return text.split(" Filter ", 1)[1]


def test_an_outsider_gets_404_and_a_viewer_403(client: Client, changed: User) -> None:
    client.force_login(User.objects.create_user("stranger"))
    assert client.get("/history/").status_code == 404
    viewer = User.objects.create_user("vic")
    Role.objects.create(user=viewer, kind=Role.Kind.VIEWER, unit=None)
    client.force_login(viewer)
    assert client.get("/history/").status_code == 403
    assert client.get("/history/export.csv").status_code == 403


def test_it_shows_a_replaced_value_with_who_when_where_from_and_why(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    text = text_of(client.get("/history/?kpi=revenue").content)
    assert "Value entered Revenue Acme Corp 2026-02 650 Eve Adams Entered by hand" in text
    assert "Value entered earlier version Revenue Acme Corp 2026-02 600" in text
    assert "by eve late invoice booked" in text


def test_an_editor_sees_only_the_units_they_may_see_and_no_audit_trail(
    client: Client, changed: User
) -> None:
    record(None, "load", "Loaded small.yaml")
    sales_editor = User.objects.create_user("sam")
    Role.objects.create(
        user=sales_editor, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="sales")
    )
    client.force_login(sales_editor)
    text = timeline_text(client.get("/history/"))
    assert "Revenue" not in text and "Loaded small.yaml" not in text
    assert "Nothing matches these filters." in text


def test_an_administrator_sees_the_audit_trail(client: Client, changed: User) -> None:
    record(changed, "load", "Loaded small.yaml")
    client.force_login(User.objects.create_superuser("root"))
    text = timeline_text(client.get("/history/?action=load"))
    assert "Scorecard file loaded Loaded small.yaml Eve Adams" in text
    assert "Revenue" not in text
    everything = timeline_text(client.get("/history/"))
    assert "Loaded small.yaml" in everything and "late invoice booked" in everything


def test_it_filters_by_user_action_and_dates(client: Client, editor: User) -> None:
    client.force_login(editor)
    only_eve = text_of(client.get("/history/?user=eve").content)
    assert "1 entry" in only_eve and "650" in only_eve
    targets = timeline_text(client.get("/history/?action=target&kpi=revenue"))
    assert "Target set" in targets and "Value entered" not in targets
    assert "(red flag 500)" in targets
    past = text_of(client.get("/history/?until=2000-01-01").content)
    assert "Nothing matches these filters." in past


def test_it_explains_a_wrong_date_range(client: Client, editor: User) -> None:
    client.force_login(editor)
    response = client.get("/history/?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 400
    assert "The end date comes before the start date." in text_of(response.content)


def test_the_export_has_the_same_rows_as_csv(client: Client, editor: User) -> None:
    client.force_login(editor)
    response = client.get("/history/export.csv?kpi=revenue&action=value")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    streamed = cast(StreamingHttpResponse, response)
    body = b"".join(cast(Iterator[bytes], streamed.streaming_content)).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted((r["period"], r["value_or_target"], r["replaced"]) for r in rows) == [
        ("2026-01", "1234567.891", ""),
        ("2026-02", "600.0", "yes"),
        ("2026-02", "650.0", ""),
    ]
    old = next(r for r in rows if r["replaced"])
    assert (old["replaced_by"], old["reason"]) == ("eve", "late invoice booked")


@pytest.mark.parametrize("size", [1, 3])
def test_the_page_takes_the_same_queries_however_much_history(
    client: Client, db: None, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    cards.load_sized(2, 2, size, size)
    ed = User.objects.create_user("ed")
    Role.objects.create(user=ed, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="top"))
    kpis = list(KPI.objects.values_list("pk", flat=True))
    record_values(
        [ValueEntry(k, "2026-02", 1.0) for k in kpis], actor=ed, source=Source.API, reason="fix"
    )
    client.force_login(ed)
    # session, user, roles, units, enterable KPIs, units for the filter, count, page, KPI codes;
    # base.html's "Manage" link reuses the roles read for the page
    with django_assert_num_queries(9):
        assert client.get("/history/").status_code == 200


def test_the_main_navigation_offers_history_to_editors_and_not_to_viewers(
    client: Client, editor: User
) -> None:
    client.force_login(editor)
    page = client.get("/history/")
    assert '<a href="/history/" aria-current="page">History</a>' in page.content.decode()
    assert '<a href="/history/"' in client.get("/").content.decode()
    viewer = User.objects.create_user("vic")
    Role.objects.create(user=viewer, kind=Role.Kind.VIEWER, unit=None)
    client.force_login(viewer)
    assert '<a href="/history/"' not in client.get("/").content.decode()


def test_the_export_neutralises_a_reason_that_would_run(client: Client, editor: User) -> None:
    """Issue 9, item 7: a reason that a spreadsheet would run as a formula comes out as text."""
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "2026-02", 700)],
        actor=editor,
        source=Source.MANUAL,
        reason="@SUM(1+2)",
    )
    client.force_login(editor)
    response = cast(StreamingHttpResponse, client.get("/history/export.csv?kpi=revenue"))
    body = b"".join(cast(Iterator[bytes], response.streaming_content)).decode()
    reasons = {r["reason"] for r in csv.DictReader(io.StringIO(body))}
    assert "'@SUM(1+2)" in reasons and "@SUM(1+2)" not in reasons
