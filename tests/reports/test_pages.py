"""The briefing books' pages: the Report menu of a scorecard, making a book now, and the saved
templates of a unit (save, change, delete, make), for a viewer of the unit."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pptx import Presentation
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.reports.books import SECTIONS
from fourfold.reports.models import BookTemplate
from fourfold.strategy.models import Unit
from tests.web import cards

QUERIES = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ada(db: None, client: Client) -> User:
    cards.load_small()
    user = User.objects.create_user("ada", password="x", first_name="Ada", last_name="Lovelace")
    Role.objects.create(user=user, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="acme"))
    client.force_login(user)
    return user


def test_it_offers_a_report_on_the_scorecard_for_its_period(ada: User, client: Client) -> None:
    page = client.get("/units/acme/?period=2026-01").content.decode()
    assert 'action="/units/acme/books/make/"' in page
    assert 'name="period" value="2026-01"' in page
    assert page.count('name="section"') == len(SECTIONS)
    assert 'href="/units/acme/books/?period=2026-01"' in page


def test_it_makes_a_book_now_with_the_sections_asked_for(ada: User, client: Client) -> None:
    answer = client.get("/units/acme/books/make/?fmt=xlsx&period=2026-01&section=scorecard")
    assert answer.status_code == 200
    assert answer["Content-Type"] == XLSX
    assert answer["Content-Disposition"] == 'attachment; filename="acme-2026-01.xlsx"'
    assert answer["X-Fourfold-Read-At"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Scorecard", "Units below", "About"]
    codes = [row[2] for row in book["Scorecard"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["acme", "financial", "grow", "revenue", "stock-days", "complaints", "missing"]


def test_a_bad_period_or_format_is_said_on_the_page(ada: User, client: Client) -> None:
    for query, said in (
        ("fmt=pdf&period=2026-13", "2026-13"),
        ("fmt=docx&period=2026-01", "&#x27;docx&#x27; is not a format of a briefing book"),
        ("fmt=pdf&period=2026-01&section=appendix", "&#x27;appendix&#x27; is not a section"),
    ):
        answer = client.get(f"/units/acme/books/make/?{query}")
        assert answer.status_code == 400
        assert said in answer.content.decode()


def test_a_saved_book_is_listed_changed_made_and_deleted(ada: User, client: Client) -> None:
    made = client.post(
        "/units/acme/books/",
        {"name": "Board pack", "period": "", "section": ["cover", "scorecard", "objectives"]},
    )
    assert made.status_code == 302
    saved = BookTemplate.objects.get(name="Board pack")
    assert (saved.owner, saved.period) == (ada, "")
    assert saved.sections == ["cover", "scorecard", "objectives"]
    assert AuditEntry.objects.filter(action="book_template.create", actor=ada).exists()
    again = client.post("/units/acme/books/", {"name": "Board pack", "section": ["cover"]})
    assert again.status_code == 400
    assert "already has a book template named" in again.content.decode()
    assert BookTemplate.objects.count() == 1
    listed = client.get("/units/acme/books/").content.decode()
    assert "Board pack" in listed and "Ada Lovelace" in listed and "latest complete" in listed
    form = client.get(f"/units/acme/books/{saved.pk}/")
    assert form.status_code == 200 and 'value="Board pack"' in form.content.decode()
    changed = client.post(
        f"/units/acme/books/{saved.pk}/",
        {"name": "Board pack", "period": "2026-01", "section": ["scorecard", "cover"]},
    )
    assert changed.status_code == 302
    saved.refresh_from_db()
    assert (saved.period, saved.sections) == ("2026-01", ["cover", "scorecard"])
    deck = client.get(f"/units/acme/books/{saved.pk}/make/?fmt=pptx")
    assert deck.status_code == 200
    assert deck["Content-Disposition"] == 'attachment; filename="acme-2026-01.pptx"'
    assert len(Presentation(io.BytesIO(deck.content)).slides) == 2  # the cover, the scorecard
    assert client.post(f"/units/acme/books/{saved.pk}/delete/").status_code == 302
    assert not BookTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="book_template.delete").count() == 1


def test_the_books_page_takes_a_fixed_number_of_queries(
    ada: User, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    unit = Unit.objects.get(code="acme")
    BookTemplate.objects.create(name="One", unit=unit, owner=ada)
    with django_assert_num_queries(QUERIES):
        assert client.get("/units/acme/books/").status_code == 200
    for name in ("Two", "Three", "Four"):
        BookTemplate.objects.create(name=name, unit=unit, owner=ada, period="2026-01")
    with django_assert_num_queries(QUERIES):
        assert client.get("/units/acme/books/").status_code == 200
