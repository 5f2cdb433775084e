"""Edit, Targets and Enter values on the KPI and objective pages, for those who may, and the
pages' query counts with them shown."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective, Unit

from . import cards

pytestmark = pytest.mark.django_db

KPI_URL = "/units/acme/kpis/revenue/?period=2026-02"
OBJECTIVE_URL = "/units/acme/objectives/grow/?period=2026-Q1"


def links(html: bytes) -> list[tuple[str, str]]:
    found = re.search(r'<p class="edit-links">(.*?)</p>', html.decode())
    if found is None:
        return []
    return re.findall(r'<a class="button[^"]*" href="([^"]*)">([^<]*)<', found[1])


def someone(kind: str | None, unit: str | None = "acme") -> Client:
    user = User.objects.create_user(f"u-{kind}", password="x")
    if kind is not None:
        where = Unit.objects.get(code=unit) if unit else None
        Role.objects.create(user=user, kind=kind, unit=where)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def small(db: None) -> KPI:
    cards.load_small()
    return KPI.objects.get(code="revenue")


def test_an_editor_edits_sets_targets_and_enters_values_from_the_kpi_page(small: KPI) -> None:
    assert links(someone("editor").get(KPI_URL).content) == [
        (f"/units/acme/design/kpis/{small.pk}/", "Edit"),
        (f"/units/acme/design/kpis/{small.pk}/targets/", "Targets"),
        ("/units/acme/entry/?period=2026-02", "Enter values"),
    ]


def test_a_contributor_only_enters_values_and_a_viewer_gets_no_link(small: KPI) -> None:
    assert links(someone("contributor").get(KPI_URL).content) == [
        ("/units/acme/entry/?period=2026-02", "Enter values")
    ]
    assert links(someone("viewer").get(KPI_URL).content) == []


def test_the_owner_of_a_kpi_enters_its_values_from_its_page(small: KPI) -> None:
    client = someone(None)
    KPI.objects.filter(pk=small.pk).update(owner=client.session["_auth_user_id"])
    assert [label for _, label in links(client.get(KPI_URL).content)] == ["Enter values"]


def test_a_quarter_opens_the_entry_grid_at_its_last_month(small: KPI) -> None:
    objective = Objective.objects.get(code="grow")
    assert links(someone("editor").get(OBJECTIVE_URL).content) == [
        (f"/units/acme/design/objectives/{objective.pk}/", "Edit"),
        ("/units/acme/entry/?period=2026-03", "Enter values"),
    ]
    assert links(someone("viewer").get(OBJECTIVE_URL).content) == []


def test_the_links_name_what_they_change_for_a_screen_reader(small: KPI) -> None:
    html = someone("editor").get(KPI_URL).content.decode()
    assert 'Targets<span class="visually-hidden"> of Revenue</span>' in html


# The KPI page's forecast is made from the page's own scores; its panel reads the kept
# forecasts to grade. As tests/web/test_kpi_page.py and test_objective_page.py count them.
@pytest.mark.parametrize(("url", "queries"), [(KPI_URL, 25), (OBJECTIVE_URL, 26)])
def test_an_editors_page_reads_as_many_queries_as_a_viewers(
    small: KPI, django_assert_num_queries: DjangoAssertNumQueries, url: str, queries: int
) -> None:
    viewer, editor = someone("viewer"), someone("editor")
    viewer.get(url), editor.get(url)  # the same caches filled for both
    # An objective's page reads what it serves above and what serves it below (one more).
    with django_assert_num_queries(queries):
        assert viewer.get(url).status_code == 200
    with django_assert_num_queries(queries):
        assert editor.get(url).status_code == 200
