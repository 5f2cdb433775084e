"""The entry grid: the KPIs a person may enter for a period, checked as typed, saved at once."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI, Measurement, Source

from . import cards
from .entry_helpers import contributor_of, history, person, text_of, with_role

pytestmark = pytest.mark.django_db

GRID = "/units/acme/entry/?period=2026-02"


@pytest.fixture
def carol(client: Client) -> Client:
    cards.load_small()
    client.force_login(contributor_of("revenue"))
    return client


def revenue_field(name: str = "value") -> str:
    return f"{name}_{KPI.objects.get(code='revenue').pk}"


def test_it_shows_a_contributor_their_kpi_with_value_target_and_score(carol: Client) -> None:
    text = text_of(carol.get(GRID).content)
    assert "Revenue February 2026 · EUR 600 700 5.00 Amber" in text
    assert "Complaints" not in text  # not hers to enter


def test_it_shows_a_unit_editor_every_kpi_of_the_unit(client: Client) -> None:
    cards.load_small()
    client.force_login(with_role(Role.Kind.EDITOR, "acme", "eddie"))
    text = text_of(client.get(GRID).content)
    for name in ("Revenue", "Days of stock", "Complaints", "Not reported yet"):
        assert name in text


def test_it_gives_a_quarterly_kpi_its_quarter_in_a_month_grid(client: Client) -> None:
    cards.load_small()
    KPI.objects.filter(code="complaints").update(frequency="quarterly")
    client.force_login(with_role(Role.Kind.EDITOR, "acme", "eddie"))
    assert "Complaints Q1 2026" in text_of(client.get(GRID).content)


def test_it_answers_404_to_an_outsider_everywhere(client: Client) -> None:
    cards.load_small()
    client.force_login(person("otto"))
    assert client.get(GRID).status_code == 404
    assert client.post(GRID, {"action": "save"}).status_code == 404
    assert client.post("/units/acme/entry/validate/?period=2026-02", {"kpi": 1}).status_code == 404
    assert client.get("/units/acme/export/?format=csv").status_code == 404


def test_it_answers_403_to_a_viewer_who_saves(signed_in: Client) -> None:
    cards.load_small()
    assert signed_in.get(GRID).status_code == 200
    assert "nothing here you may enter" in text_of(signed_in.get(GRID).content)
    assert signed_in.post(GRID, {"action": "save"}).status_code == 403
    kpi = KPI.objects.get(code="revenue").pk
    response = signed_in.post(
        "/units/acme/entry/validate/?period=2026-02", {"kpi": kpi, f"value_{kpi}": "1"}
    )
    assert response.status_code == 403


def test_it_sends_visitors_who_are_not_signed_in_to_the_login_page(client: Client) -> None:
    for url in (GRID, "/my/kpis/", "/import/"):
        assert client.get(url)["Location"].startswith("/accounts/login/?next=")


def test_it_saves_a_value_as_entered_by_hand_and_audits_it(carol: Client) -> None:
    response = carol.post(
        GRID, {"action": "save", revenue_field(): "812.5", revenue_field("comment"): "late"}
    )
    assert response.status_code == 302 and response["Location"] == GRID
    saved = Measurement.objects.get(kpi__code="revenue", period="2026-02")
    assert (saved.value, saved.comment, saved.source) == (812.5, "late", Source.MANUAL)
    assert saved.entered_by is not None and saved.entered_by.username == "carol"
    assert AuditEntry.objects.filter(
        action="values.written", detail__channel="grid", actor__username="carol"
    ).exists()
    page = text_of(carol.get(GRID).content)
    assert "Saved 1 value." in page
    assert "Revenue February 2026 · EUR 812.5 700 8.54 Green" in page


def test_it_shows_the_new_score_and_status_after_an_htmx_save(carol: Client) -> None:
    response = carol.post(
        GRID, {"action": "save", revenue_field(): "800"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = text_of(response.content)
    assert "<html" not in response.content.decode()
    assert "Saved 1 value." in text
    assert "800 700 8.33 Green" in text and "Saved" in text


def test_it_refuses_text_and_saves_nothing(carol: Client) -> None:
    response = carol.post(GRID, {"action": "save", revenue_field(): "lots"})
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Nothing was saved" in text and "“lots” is not a number" in text
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 600


def test_it_reads_thousands_separators_and_decimal_commas(carol: Client) -> None:
    carol.post(GRID, {"action": "save", revenue_field(): "1,234.5"})
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 1234.5
    carol.post(GRID, {"action": "save", revenue_field(): "12,5"})
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 12.5


def test_it_refuses_a_comment_without_a_value(carol: Client) -> None:
    response = carol.post(GRID, {"action": "save", revenue_field("comment"): "why"})
    assert "A comment needs a value" in text_of(response.content)


def test_it_asks_to_confirm_a_value_far_outside_the_history(carol: Client) -> None:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    history("revenue", months, [600, 620, 640, 610, 650, 630, 600, 660, 640, 620, 610, 630])
    response = carol.post(GRID, {"action": "save", revenue_field(): "60000"})
    text = text_of(response.content)
    assert "60,000 is far from this KPI's last" in text and "Yes, this value is right" in text
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 600
    confirmed = carol.post(
        GRID, {"action": "save", revenue_field(): "60000", revenue_field("confirm"): "on"}
    )
    assert confirmed.status_code == 302
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 60000


def test_the_validate_endpoint_answers_with_the_fields_message(carol: Client) -> None:
    kpi = KPI.objects.get(code="revenue").pk
    url = "/units/acme/entry/validate/?period=2026-02"
    bad = carol.post(url, {"kpi": kpi, f"value_{kpi}": "abc"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "“abc” is not a number" in bad.content.decode()
    good = carol.post(url, {"kpi": kpi, f"value_{kpi}": "700"}, headers={"HX-Request": "true"})
    assert good.content.decode().strip() == ""


def test_the_validate_endpoint_refuses_a_kpi_that_is_not_the_users(carol: Client) -> None:
    other = KPI.objects.get(code="complaints").pk
    url = "/units/acme/entry/validate/?period=2026-02"
    assert carol.post(url, {"kpi": other, f"value_{other}": "1"}).status_code == 403


def test_a_paste_fills_the_grid_without_javascript_and_saves_nothing(client: Client) -> None:
    cards.load_small()
    client.force_login(with_role(Role.Kind.EDITOR, "acme", "eddie"))
    response = client.post(GRID, {"action": "paste", "paste": "revenue\t812\ncomplaints\t99\n"})
    html = response.content.decode()
    assert "2 values filled in from the paste" in text_of(response.content)
    assert 'value="812"' in html and 'value="99"' in html
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 600


def test_a_paste_that_cannot_be_read_says_why(carol: Client) -> None:
    response = carol.post(GRID, {"action": "paste", "paste": "1\n2\n3\n"})
    assert "3 values were pasted for the 1 KPIs of this grid" in text_of(response.content)


def test_it_explains_a_period_it_cannot_read(carol: Client) -> None:
    response = carol.get("/units/acme/entry/?period=2026-13")
    assert response.status_code == 400
    assert "months run from 01 to 12" in text_of(response.content)


def test_it_downloads_the_units_values(carol: Client) -> None:
    response = carol.get("/units/acme/export/?format=csv&layout=long")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acme-values-long.csv"'
    assert b"revenue,2026-02,600,700,500," in response.content
    xlsx = carol.get("/units/acme/export/?format=xlsx&layout=wide")
    assert xlsx.content[:2] == b"PK"
    assert carol.get("/units/acme/export/?format=pdf").status_code == 400


def test_the_units_download_neutralises_a_comment_that_would_run(carol: Client) -> None:
    """Issue 9, item 7: the same rule as `fourfold export`, by the same function."""
    from fourfold.measures.models import Measurement

    Measurement.objects.filter(kpi__code="revenue", period="2026-02").update(
        comment="=cmd|' /C calc'!A0"
    )
    response = carol.get("/units/acme/export/?format=csv&layout=long")
    assert b"revenue,2026-02,600,700,500,'=cmd|' /C calc'!A0\n" in response.content


def test_the_grid_takes_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    cards.load_sized(perspectives=1, objectives=1, kpis=1, children=0)
    editor = with_role(Role.Kind.EDITOR, "top", "eddie")
    client.force_login(editor)
    with django_assert_num_queries(QUERIES):
        assert client.get("/units/top/entry/?period=2026-02").status_code == 200
    cards.load_sized(perspectives=4, objectives=3, kpis=4, children=3)
    with django_assert_num_queries(QUERIES):
        assert client.get("/units/top/entry/?period=2026-02").status_code == 200


QUERIES = 20
