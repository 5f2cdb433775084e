"""A calculated KPI defined on the Design form: checked as the scorecard file checks it,
saved with an audit entry, scored from its inputs, shown as calculated where people read it."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.files.load import LoadError, load
from fourfold.measures.calculated import formula_problems
from fourfold.measures.models import KPI
from fourfold.scoring import engine, readout
from fourfold.strategy.models import Objective, Unit
from tests.web import cards

from .conftest import PASSWORD, client_of, person

NEW = "/units/acme/design/kpis/new/"
TODAY = dt.date(2026, 3, 15)


def edit_url(code: str) -> str:
    return f"/units/acme/design/kpis/{KPI.objects.get(code=code).pk}/"


def kpi_data(code: str, formula: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"KPI {code}",
        "objective": Objective.objects.get(code="grow").pk,
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
        "scheme": "default",
        "weight": "1",
        "grace_days": "15",
        "formula": formula,
        **extra,
    }


def current(client: Client, code: str) -> dict[str, Any]:
    """What the edit form holds for a KPI now, as a browser would send it back."""
    form = client.get(edit_url(code)).context["form"]
    return {k: v for k, v in form.initial.items() if v is not None}


def refused(response: Any) -> str:
    """The message shown next to the formula field of a refused form."""
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved." in page
    assert 'id="id_formula_error"' in page
    return html.unescape(page.split('id="id_formula_error">')[1].split("</p>")[0])


def actual(code: str, period: str) -> float | None:
    scores = engine.compute(unit="acme", today=TODAY)
    row = next(r for r in readout.unit_rows(scores, "acme", period) if r["code"] == code)
    value = row["actual"]
    return None if value is None else float(value)


# -- adding and changing ---------------------------------------------------------------------


def test_an_editor_adds_a_calculated_kpi_through_the_form_with_csrf_on(
    acme: Unit, editor: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="eve", password=PASSWORD)
    page = client.get(NEW)
    assert page.status_code == 200
    assert 'name="formula"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    data = kpi_data("revenue-k", "revenue / 1000", csrfmiddlewaretoken=token)
    assert (
        client.post(NEW, {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}).status_code
        == 403
    )
    response = client.post(NEW, data)
    assert response.status_code == 302
    kpi = KPI.objects.get(code="revenue-k")
    assert kpi.formula == "revenue / 1000"
    entry = AuditEntry.objects.get(action="kpi.create", detail__after__code="revenue-k")
    assert entry.detail["after"]["formula"] == "revenue / 1000"


def test_its_scores_are_computed_from_its_inputs_a_quarter_from_their_sums(
    acme: Unit, editor: User
) -> None:
    client_of(editor).post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    assert actual("revenue-k", "2026-01") == pytest.approx(1234.567891)
    assert actual("revenue-k", "2026-02") == pytest.approx(0.6)
    assert actual("revenue-k", "2026-Q1") == pytest.approx((1234567.891 + 600) / 1000)


def test_a_plain_kpi_without_values_becomes_calculated_and_the_audit_keeps_both_formulas(
    acme: Unit, editor: User
) -> None:
    client = client_of(editor)
    data = current(client, "missing")
    assert data["formula"] == ""
    assert client.post(edit_url("missing"), {**data, "formula": "revenue * 2"}).status_code == 302
    assert KPI.objects.get(code="missing").formula == "revenue * 2"
    assert actual("missing", "2026-02") == pytest.approx(1200)
    client.post(edit_url("missing"), {**current(client, "missing"), "formula": "revenue * 3"})
    entry = AuditEntry.objects.filter(action="kpi.update").latest("pk")
    assert entry.detail["before"] == {"formula": "revenue * 2"}
    assert entry.detail["after"] == {"formula": "revenue * 3"}


def test_removing_the_formula_makes_the_kpi_plain_again(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    response = client.post(edit_url("revenue-k"), {**current(client, "revenue-k"), "formula": ""})
    assert response.status_code == 302
    assert KPI.objects.get(code="revenue-k").formula == ""
    assert actual("revenue-k", "2026-01") is None
    entry = AuditEntry.objects.filter(action="kpi.update").latest("pk")
    assert (entry.detail["before"], entry.detail["after"]) == (
        {"formula": "revenue / 1000"},
        {"formula": ""},
    )
    admin = person("ada", Role.Kind.ADMIN)
    grid = client_of(admin).get("/units/acme/entry/?period=2026-02").content.decode()
    assert 'data-code="revenue-k"' in grid


def test_other_fields_of_a_calculated_kpi_change_without_its_formula_checked_again(
    acme: Unit, editor: User
) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    KPI.objects.filter(code="revenue").update(archived=True)  # its input, archived since
    data = {**current(client, "revenue-k"), "name": "Revenue in thousands"}
    assert client.post(edit_url("revenue-k"), data).status_code == 302
    assert KPI.objects.get(code="revenue-k").name == "Revenue in thousands"


# -- refusals, in the loader's words ---------------------------------------------------------


def test_a_syntax_error_is_refused_with_its_column_and_the_form_keeps_the_text(
    acme: Unit, editor: User
) -> None:
    response = client_of(editor).post(NEW, kpi_data("margin", "(revenue - 100 / revenue"))
    assert refused(response) == (
        "Column 25: expected ')' to close the '(' at column 1, found the end of the formula"
    )
    assert 'value="(revenue - 100 / revenue"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not KPI.objects.filter(code="margin").exists()


def test_an_unknown_code_is_refused_with_a_suggestion(acme: Unit, editor: User) -> None:
    response = client_of(editor).post(NEW, kpi_data("margin", "revenu / 2"))
    assert refused(response) == "Column 1: unknown KPI code 'revenu'; did you mean 'revenue'?"


def test_a_subtraction_without_spaces_is_explained(acme: Unit, editor: User) -> None:
    response = client_of(editor).post(NEW, kpi_data("margin", "revenue-complaints"))
    assert refused(response) == (
        "Column 1: unknown KPI code 'revenue-complaints'; "
        "to subtract, put spaces around '-': revenue - complaints"
    )


def test_a_kpi_that_uses_itself_is_refused(acme: Unit, editor: User) -> None:
    response = client_of(editor).post(NEW, kpi_data("growth", "prev(growth) + revenue"))
    assert refused(response) == "Its inputs form a cycle: growth → growth"


def test_a_cycle_through_another_kpi_is_refused_and_named(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    assert client.post(NEW, kpi_data("doubled", "missing * 2")).status_code == 302
    data = {**current(client, "missing"), "formula": "doubled / 2"}
    response = client.post(edit_url("missing"), data)
    assert refused(response) == "Its inputs form a cycle: missing → doubled → missing"
    assert KPI.objects.get(code="missing").formula == ""


def test_an_input_coarser_than_the_kpi_is_refused(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("yearly-plan", "", frequency="yearly"))
    response = client.post(NEW, kpi_data("margin", "revenue - [yearly-plan]"))
    assert refused(response) == (
        "Column 11: its input 'yearly-plan' is yearly, coarser than this monthly KPI"
    )


def test_a_roll_up_without_child_kpis_is_refused(acme: Unit, editor: User) -> None:
    response = client_of(editor).post(NEW, kpi_data("orders", "sum_children(orders)"))
    assert refused(response) == (
        "Column 1: no direct child unit of unit acme has a KPI coded '<child unit>.orders' "
        "(its child units: sales; e.g. 'sales.orders')"
    )


def test_a_kpi_that_holds_values_cannot_become_calculated(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    response = client.post(edit_url("revenue"), {**current(client, "revenue"), "formula": "2"})
    assert refused(response) == (
        "This KPI holds 2 measured values (2026-01 to 2026-02) and a calculated KPI takes none: "
        "its values are computed from the formula. To calculate it, archive this KPI (its "
        "values stay in its history) and add a calculated KPI with a new code"
    )
    assert KPI.objects.get(code="revenue").formula == ""
    assert not AuditEntry.objects.filter(action="kpi.update").exists()


def test_the_file_loader_and_the_form_say_the_same(acme: Unit) -> None:
    """One check for both: the loader's message for a file, the form's for one KPI."""
    problems = formula_problems(
        "revenu * 2", code="x", unit="acme", frequency="monthly", access=Access.trusted()
    )
    assert problems == ["column 1: unknown KPI code 'revenu'; did you mean 'revenue'?"]
    with pytest.raises(LoadError) as refused_file:
        load(
            cards.HEADER
            + "  - code: acme\n    name: Acme Corp\n    perspectives:\n"
            + "      - code: financial\n        name: Financial\n        objectives:\n"
            + "          - code: grow\n            name: Grow revenue\n            kpis:\n"
            + cards.kpi("x", formula="revenu * 2", values="{}"),
            actor=None,
            source_name="x.yaml",
        )
    assert "formula of KPI x, column 1: unknown KPI code 'revenu'; did you mean 'revenue'?" in [
        f"{p.place}: {p.message}" for p in refused_file.value.problems
    ]


def test_a_kpi_that_a_formula_takes_as_an_input_keeps_its_code(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    response = client.post(edit_url("revenue"), {**current(client, "revenue"), "code": "sales"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "the formula of KPI revenue-k uses the code 'revenue': change the formula first, or it "
        "would lose its input"
    ]
    assert KPI.objects.filter(code="revenue").exists()


def test_a_kpi_that_a_formula_takes_as_an_input_cannot_be_archived(
    acme: Unit, editor: User
) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    revenue = KPI.objects.get(code="revenue")
    response = client.post(f"/units/acme/design/kpis/{revenue.pk}/archive/", {"archived": "1"})
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert shown[-1] == "The formula of KPI revenue-k takes revenue as an input: change it first."
    revenue.refresh_from_db()
    assert not revenue.archived
    KPI.objects.filter(code="revenue-k").update(archived=True)
    client.post(f"/units/acme/design/kpis/{revenue.pk}/archive/", {"archived": "1"})
    revenue.refresh_from_db()
    assert revenue.archived  # once nothing live takes it, it goes


# -- who may ---------------------------------------------------------------------------------


def test_an_editor_of_another_unit_is_told_the_kpi_does_not_exist(acme: Unit) -> None:
    sales_editor = client_of(person("sam", Role.Kind.EDITOR, "sales"))
    url = edit_url("missing")
    assert sales_editor.get(url).status_code == 404
    assert sales_editor.post(url, kpi_data("missing", "revenue * 2")).status_code == 404
    assert sales_editor.post(NEW, kpi_data("x", "revenue * 2")).status_code == 404
    assert KPI.objects.get(code="missing").formula == ""


def test_a_viewer_cannot_add_a_formula_by_posting(viewer: User) -> None:
    client = client_of(viewer)
    assert client.post(edit_url("missing"), kpi_data("missing", "revenue * 2")).status_code == 403
    assert client.post(NEW, kpi_data("x", "revenue * 2")).status_code == 403
    assert KPI.objects.get(code="missing").formula == ""
    assert not KPI.objects.filter(code="x").exists()


# -- where it shows --------------------------------------------------------------------------


def test_the_kpi_page_and_the_scorecard_say_it_is_calculated(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    page = client.get("/units/acme/kpis/revenue-k/?period=2026-01").content.decode()
    assert "calculated from <code>revenue / 1000</code>" in page
    assert '<td data-label="Source">Calculated</td>' in page
    design = client.get("/units/acme/design/").content.decode()
    assert "calculated from <code>revenue / 1000</code>" in design
    card = client.get("/units/acme/?period=2026-01").content.decode()
    assert 'title="Calculated: revenue / 1000"' in card


def test_the_entry_grid_does_not_offer_a_calculated_kpi(acme: Unit, editor: User) -> None:
    client = client_of(editor)
    client.post(NEW, kpi_data("revenue-k", "revenue / 1000"))
    grid = client.get("/units/acme/entry/?period=2026-02").content.decode()
    assert 'data-code="revenue"' in grid
    assert 'data-code="revenue-k"' not in grid


SIZES = {"small": (1, 1, 1, 0), "large": (4, 4, 5, 3)}


@pytest.mark.parametrize("size", SIZES)
def test_the_kpi_form_reads_in_a_fixed_number_of_queries(
    db: None, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*SIZES[size])
    eve = person("eve", Role.Kind.EDITOR, "top")
    KPI.objects.filter(code="top-k000").update(formula="[top-k001] * 2", owner=eve, contributor=eve)
    client = client_of(eve)
    url = f"/units/top/design/kpis/{KPI.objects.get(code='top-k000').pk}/"
    # Session and user (2); roles, unit tree and their KPIs (3); the unit (1); the KPI with
    # its scheme, owner and contributor (1); the unit's objectives (1); scheme names (1);
    # people for the owner fields (1).
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
