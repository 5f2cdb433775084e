"""The editing pages: who may open them, what a form shows when refused, and their queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI, Target
from fourfold.strategy.models import Objective, Unit
from tests.web import cards

from .conftest import client_of, person

PAGES = [
    "/units/acme/design/",
    "/units/acme/design/perspectives/new/",
    "/units/acme/design/objectives/new/",
    "/units/acme/design/kpis/new/",
    "/units/acme/design/unit/",
    "/units/acme/design/units/new/",
]


@pytest.mark.parametrize("url", PAGES)
def test_an_editor_opens_every_design_page(editor: User, url: str) -> None:
    assert client_of(editor).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_a_viewer_is_refused_with_403(viewer: User, url: str) -> None:
    assert client_of(viewer).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_an_outsider_is_told_the_unit_does_not_exist(outsider: User, url: str) -> None:
    assert client_of(outsider).get(url).status_code == 404


@pytest.mark.parametrize("url", [*PAGES, "/manage/", "/manage/users/", "/accounts/password/"])
def test_anonymous_people_are_sent_to_sign_in(acme: Unit, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_editor_of_a_unit_below_cannot_edit_the_unit_above(acme: Unit) -> None:
    sales_editor = person("sam", Role.Kind.EDITOR, "sales")
    client = client_of(sales_editor)
    assert client.get("/units/sales/design/").status_code == 200
    assert client.get("/units/acme/design/").status_code == 404


def test_a_viewer_cannot_change_anything_by_posting(viewer: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    client = client_of(viewer)
    assert client.post(f"/units/acme/design/kpis/{kpi.pk}/archive/").status_code == 403
    assert client.post(f"/units/acme/design/kpis/{kpi.pk}/move/", {"step": "up"}).status_code == 403
    assert not KPI.objects.get(pk=kpi.pk).archived


def test_an_item_of_another_unit_is_not_found(acme: Unit, editor: User) -> None:
    sales_editor = person("sam", Role.Kind.EDITOR, "sales")
    kpi = KPI.objects.get(code="revenue")
    assert client_of(sales_editor).get(f"/units/sales/design/kpis/{kpi.pk}/").status_code == 404


def test_it_adds_an_objective_and_goes_back_to_the_design(acme: Unit, editor: User) -> None:
    perspective = acme.scorecard.perspectives.get()
    data = {"code": "cut-costs", "name": "Cut costs", "perspective": perspective.pk}
    response = client_of(editor).post(
        "/units/acme/design/objectives/new/", {**data, "weight": "1", "rollup": "weighted_mean"}
    )
    objective = Objective.objects.get(code="cut-costs")
    assert response.status_code == 302
    assert response["Location"] == f"/units/acme/design/#objective-{objective.pk}"


def test_a_refused_kpi_form_shows_the_message_next_to_the_field(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    client = client_of(editor)
    form = client.get(f"/units/acme/design/kpis/{kpi.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    response = client.post(f"/units/acme/design/kpis/{kpi.pk}/", {**data, "code": "bad code"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert 'id="id_code_error"' in html
    assert "&#x27;bad code&#x27; is not a valid code" in html
    assert 'aria-invalid="true"' in html
    assert KPI.objects.get(pk=kpi.pk).code == "revenue"


def test_a_refused_choice_is_explained_in_the_loaders_words(acme: Unit, editor: User) -> None:
    data = {"code": "x", "name": "X", "objective": Objective.objects.get().pk}
    data |= {"direction": "up", "frequency": "monthly", "aggregation": "sum", "scheme": "default"}
    response = client_of(editor).post("/units/acme/design/kpis/new/", {**data, "grace_days": 15})
    assert response.context["form"].errors["direction"] == [
        "'direction' must be one of increase, decrease, range, not 'up'"
    ]


def test_moving_with_htmx_returns_only_the_design(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="missing")
    response = client_of(editor).post(
        f"/units/acme/design/kpis/{kpi.pk}/move/", {"step": "up"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="design"')
    assert html.index("Not reported yet") < html.index("Complaints")


def test_moving_without_javascript_redirects_to_the_item(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="missing")
    response = client_of(editor).post(f"/units/acme/design/kpis/{kpi.pk}/move/", {"step": "up"})
    assert response["Location"] == f"/units/acme/design/#kpi-{kpi.pk}"


def test_an_archived_kpi_leaves_the_design_for_the_archived_section(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="missing")
    client = client_of(editor)
    client.post(f"/units/acme/design/kpis/{kpi.pk}/archive/", {"archived": "1"})
    page = client.get("/units/acme/design/")
    archived = page.context["page"].archived_kpis
    assert [k.code for k in archived] == ["missing"]
    assert f'id="kpi-{kpi.pk}"' not in page.content.decode()
    client.post(f"/units/acme/design/kpis/{kpi.pk}/archive/", {"archived": "0"})
    assert not KPI.objects.get(pk=kpi.pk).archived


def test_a_target_refused_shows_its_reason_and_writes_nothing(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    url = f"/units/acme/design/kpis/{kpi.pk}/targets/"
    data = {"form": "one", "one-period": "2026-06", "one-target": "700", "one-red_flag": "700"}
    response = client_of(editor).post(url, data)
    assert response.status_code == 400
    assert "The red flag cannot equal the target (both 700)" in response.content.decode()
    assert not Target.objects.filter(kpi=kpi, period="2026-06").exists()


def test_a_whole_year_of_targets_is_set_from_the_page(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    url = f"/units/acme/design/kpis/{kpi.pk}/targets/"
    data = {"form": "year", "year-year": "2027", "year-mode": "spread", "year-target": "1200"}
    response = client_of(editor).post(url, data)
    assert response.status_code == 302
    assert set(
        Target.objects.filter(kpi=kpi, period__startswith="2027").values_list("target", flat=True)
    ) == {100}


def test_the_users_pages_are_for_administrators_only(editor: User, admin: User) -> None:
    for url in ("/manage/users/", "/manage/users/new/", f"/manage/users/{admin.pk}/"):
        assert client_of(editor).get(url).status_code == 403
        assert client_of(admin).get(url).status_code == 200
    response = client_of(editor).post(f"/manage/users/{editor.pk}/roles/", {"kind": "admin"})
    assert response.status_code == 403
    assert not Role.objects.filter(user=editor, kind="admin").exists()


def test_the_manage_link_shows_to_editors_and_administrators_only(
    editor: User, viewer: User, admin: User
) -> None:
    link = b'href="/manage/"'
    assert link in client_of(editor).get("/units/acme/design/").content
    assert link in client_of(admin).get("/manage/").content
    assert link not in client_of(viewer).get("/accounts/password/").content
    assert b"/manage/users/" not in client_of(editor).get("/manage/").content
    assert client_of(viewer).get("/manage/").status_code == 403


def test_an_administrator_creates_a_user_and_makes_them_a_viewer(admin: User) -> None:
    client = client_of(admin)
    data = {"username": "bob", "email": "bob@acme.example", "password": "tide pool gravel"}
    response = client.post("/manage/users/new/", data)
    bob = User.objects.get(username="bob")
    assert response["Location"] == f"/manage/users/{bob.pk}/"
    response = client.post(f"/manage/users/{bob.pk}/roles/", {"kind": "viewer", "unit": "sales"})
    assert response.status_code == 302
    assert Role.objects.get(user=bob).unit == Unit.objects.get(code="sales")
    assert AuditEntry.objects.filter(action="role.grant", actor=admin).exists()


def test_a_weak_initial_password_is_refused_on_the_form(admin: User) -> None:
    data = {"username": "bob", "password": "password"}
    response = client_of(admin).post("/manage/users/new/", data)
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()


def test_people_change_their_own_password(viewer: User) -> None:
    client = client_of(viewer)
    data = {
        "old_password": "correct horse battery",
        "new_password1": "a brand new secret",
        "new_password2": "a brand new secret",
    }
    response = client.post("/accounts/password/", data)
    assert response["Location"] == "/accounts/password/done/"
    viewer.refresh_from_db()
    assert viewer.check_password("a brand new secret")


SIZES = {"small": (1, 1, 1, 0), "large": (4, 4, 5, 3)}


@pytest.mark.parametrize("size", SIZES)
def test_the_design_page_reads_in_a_fixed_number_of_queries(
    db: None, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*SIZES[size])
    client = client_of(person("eve", Role.Kind.EDITOR, "top"))
    # Session and user (2); the user's roles, the unit tree and their KPIs (3); the unit (1);
    # then all units, perspectives, objectives, KPIs, links and alignments, one query each (6).
    with django_assert_num_queries(12):
        response = client.get("/units/top/design/")
    assert response.status_code == 200
    assert response.content.count(b"design-row--kpi") == (80 if size == "large" else 1)


@pytest.mark.parametrize("users", [1, 30])
def test_the_users_page_reads_in_a_fixed_number_of_queries(
    admin: User, django_assert_num_queries: DjangoAssertNumQueries, users: int
) -> None:
    for i in range(users):
        person(f"user{i}", Role.Kind.VIEWER, "sales")
    client = client_of(admin)
    # Session and user (2); roles and units for the rights (2); users, and their roles (2).
    with django_assert_num_queries(6):
        response = client.get("/manage/users/")
    assert response.content.count(b"<tr") == users + 2  # with the administrator and the head
