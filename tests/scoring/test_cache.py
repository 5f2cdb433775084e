"""The scores cache: a repeat request computes nothing, and every way of writing is seen at once.

These tests run outside a test transaction (`transaction=True`), as requests do in production:
inside a transaction nothing is cached (see fourfold/scoring/cache.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.editing import services as editing
from fourfold.files import values as files
from fourfold.files.load import load
from fourfold.intake import services as intake
from fourfold.intake.models import PendingValue
from fourfold.measures.intake import submit_values
from fourfold.measures.models import KPI, Measurement
from fourfold.measures.services import ValueEntry
from fourfold.scoring import cache, engine
from fourfold.strategy.models import Objective, Organization
from tests.web import cards

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/units/acme/?period=2026-02"


@pytest.fixture(autouse=True)
def every_compute_kept(settings: Settings) -> Iterator[None]:
    """Keep even the small test organization's scores, in an empty cache."""
    settings.CACHES = {
        **settings.CACHES,
        "scores": {**settings.CACHES["scores"], "OPTIONS": {"MAX_ENTRIES": 4, "MIN_SECONDS": 0}},
    }
    caches[cache.ALIAS].clear()
    yield
    caches[cache.ALIAS].clear()


@pytest.fixture
def boss() -> User:
    return User.objects.create_superuser("boss", "boss@example.com", "x")


@pytest.fixture
def browser(boss: User) -> Client:
    cards.load_small()
    client = Client()
    client.force_login(boss)
    return client


def text_of(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def fresh(client: Client, url: str = URL) -> str:
    """The page as computed from nothing."""
    caches[cache.ALIAS].clear()
    return text_of(client, url)


def revenue() -> int:
    return KPI.objects.get(code="revenue").pk


def seen_at_once(client: Client, write: Any, url: str = URL) -> None:
    """The page after `write` is the page computed afresh, and not the cached one before."""
    before = text_of(client, url)
    assert text_of(client, url) == before  # served from the cache
    write()
    after = text_of(client, url)
    assert after != before
    assert after == fresh(client, url)


def test_it_computes_a_repeat_request_not_again(
    browser: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # Session and user (2), an administrator's units and KPIs (2), the unit tree (1), the
    # organization (1), the revision (1), the engine's eight (it is given the organization
    # the page read), the owners for the filter (2); the forecast column's unit and the
    # forecasts the worker kept (2, it reads the page's scores); the KPIs an open action is
    # about (1), the unit's restated scores (1).
    with django_assert_num_queries(21):
        first = text_of(browser)
    # The same less the engine's eight.
    with django_assert_num_queries(13):
        assert text_of(browser) == first


def test_it_computes_the_home_page_once(
    browser: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # As tests/web/test_home.py counts them; the attention panel reads My KPIs (6 more).
    with django_assert_num_queries(25):
        first = text_of(browser, "/?period=2026-02")
    with django_assert_num_queries(17):
        assert text_of(browser, "/?period=2026-02") == first


def test_it_returns_what_the_engine_computes(browser: Client) -> None:
    kept = cache.scores(unit="acme")
    assert cache.scores(unit="acme") is kept
    assert kept.index == engine.compute(unit="acme").index
    assert cache.scores() is not kept


def test_it_sees_a_value_entered_on_the_entry_page(browser: Client, boss: User) -> None:
    def enter() -> None:
        entry = ValueEntry(revenue(), "2026-02", 800.0)
        submit_values([entry], actor=boss, access=Access.of(boss), channel="grid")

    seen_at_once(browser, enter)


def test_it_sees_a_value_sent_to_the_api(browser: Client, boss: User) -> None:
    _, secret = ApiToken.issue(boss, "pipeline", "write")

    def send() -> None:
        items = [{"kpi": "revenue", "period": "2026-02", "actual": 650}]
        answer = browser.post(
            "/api/v1/measurements/bulk",
            data=items,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert answer.status_code == 200, answer.content

    seen_at_once(browser, send)


def test_it_sees_an_import(browser: Client, boss: User) -> None:
    def upload() -> None:
        rows = files.read_bytes(b"kpi,period,actual\nrevenue,2026-02,720\n", "values.csv")
        plan = files.plan(rows, access=Access.of(boss))
        files.commit(plan, actor=boss, channel="upload", source_name="values.csv")

    seen_at_once(browser, upload)


def test_it_sees_a_kpi_edited_in_the_editing_pages(browser: Client, boss: User) -> None:
    def edit() -> None:
        kpi = KPI.objects.get(code="revenue")
        data = {
            "code": "revenue",
            "name": "Revenue",
            "unit": "EUR",
            "aggregation": "sum",
            "scheme": "gov",
            "weight": "3",
            "objective": str(Objective.objects.get(code="grow").pk),
        }
        editing.update_kpi(boss, kpi, data)

    seen_at_once(browser, edit)


def test_it_sees_a_changed_file_loaded(browser: Client) -> None:
    changed = cards.SMALL.replace("2026-02: 600", "2026-02: 710")
    seen_at_once(browser, lambda: load(changed, actor=None, source_name="small.yaml"))


def test_it_sees_an_approved_value(browser: Client, boss: User) -> None:
    clerk = User.objects.create_user("clerk", password="x")
    Role.objects.create(user=clerk, kind=Role.Kind.CONTRIBUTOR, unit=None)
    KPI.objects.filter(code="revenue").update(owner=boss)
    intake.set_approval(KPI.objects.get(code="revenue"), True, actor=boss)
    entry = ValueEntry(revenue(), "2026-02", 900.0)
    submit_values([entry], actor=clerk, access=Access.of(clerk), channel="grid")
    assert Measurement.objects.get(kpi_id=revenue(), period="2026-02").value == 600
    pending = PendingValue.objects.get()
    seen_at_once(browser, lambda: intake.approve(pending.pk, approver=boss))


def test_it_sees_an_edit_in_the_admin(browser: Client) -> None:
    organization = Organization.get()

    def change() -> None:
        data = {"name": "Acme Test", "fiscal_year_start": "2"}
        answer = browser.post(f"/admin/strategy/organization/{organization.pk}/change/", data)
        assert answer.status_code == 302, answer.content

    seen_at_once(browser, change, "/units/acme/?period=2026-01")


def test_it_sees_a_change_made_through_the_orm_in_this_process(browser: Client) -> None:
    def archive() -> None:
        KPI.objects.filter(code="revenue").get().delete()

    seen_at_once(browser, archive)
