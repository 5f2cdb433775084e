"""A formula names only the KPIs its author may see (issue 9, item 1): a calculated KPI shows
its inputs' figures to whoever sees it, so naming one outside one's units would read it."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.access import Access
from fourfold.accounts.models import Role
from fourfold.files.load import load
from fourfold.measures.calculated import formula_problems
from fourfold.measures.models import KPI
from fourfold.strategy.models import Objective
from tests.web import cards

from .conftest import client_of, person

NEW = "/units/sales/design/kpis/new/"


def objective(code: str, name: str) -> str:
    return (
        "    perspectives:\n      - code: financial\n        name: Financial\n"
        f"        objectives:\n          - code: {code}\n            name: {name}\n"
        "            kpis:\n"
    )


TREE = (
    cards.HEADER
    + "  - code: acme\n    name: Acme Corp\n"
    + objective("grow", "Grow revenue")
    + cards.kpi("revenue", name="Revenue")
    + "  - code: sales\n    name: Sales\n    parent: acme\n"
    + objective("sell", "Sell more")
    + cards.kpi("orders", name="Orders")
    + "  - code: hr\n    name: People\n    parent: acme\n"
    + objective("keep", "Keep people")
    + cards.kpi("hr-headcount", name="Headcount")
)


@pytest.fixture
def seller(db: None) -> User:
    """An editor of the sales unit only: acme above and hr beside it are not theirs."""
    load(TREE, actor=None, source_name="tree.yaml")
    return person("sam", Role.Kind.EDITOR, "sales")


def kpi_data(code: str, formula: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"KPI {code}",
        "objective": Objective.objects.get(code="sell").pk,
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
        "scheme": "default",
        "weight": "1",
        "grace_days": "15",
        "formula": formula,
    }


def calculated(code: str, formula: str) -> str:
    """A calculated KPI of the file: a formula, and neither values nor targets."""
    lines = cards.kpi(code, formula=formula, values="", targets="").splitlines(keepends=True)
    return "".join(line for line in lines if not line.rstrip().endswith(":"))


def refusal(response: Any) -> str:
    assert response.status_code == 400
    page = response.content.decode()
    return html.unescape(page.split('id="id_formula_error">')[1].split("</p>")[0])


@pytest.mark.parametrize("formula", ["revenue", "hr-headcount", "orders + revenue"])
def test_it_refuses_a_formula_naming_a_kpi_outside_the_authors_units(
    seller: User, formula: str
) -> None:
    response = client_of(seller).post(NEW, kpi_data("peek", formula))
    name = formula.split()[-1]
    column = formula.index(name) + 1
    assert refusal(response) == f"Column {column}: unknown KPI code '{name}'"
    assert not KPI.objects.filter(code="peek").exists()


def test_its_suggestion_offers_only_kpis_the_author_may_see(seller: User) -> None:
    response = client_of(seller).post(NEW, kpi_data("peek", "revenu"))
    assert refusal(response) == "Column 1: unknown KPI code 'revenu'"
    response = client_of(seller).post(NEW, kpi_data("peek", "order * 2"))
    assert refusal(response) == "Column 1: unknown KPI code 'order'; did you mean 'orders'?"


def test_it_accepts_a_formula_of_kpis_the_author_may_see(seller: User) -> None:
    response = client_of(seller).post(NEW, kpi_data("double", "orders * 2"))
    assert response.status_code == 302
    assert KPI.objects.get(code="double").formula == "orders * 2"


def test_a_cycle_through_a_hidden_kpi_is_found_without_naming_it(seller: User) -> None:
    """The administrator made sales' echo take hr's mix, and hr's mix take sales' double:
    a formula of double on echo closes a ring through a KPI the seller may not see."""
    sales = TREE.index("  - code: hr")
    more = calculated("double", "orders * 2") + calculated("echo", "hr-mix")
    mix = calculated("hr-mix", "double + 1")
    load(TREE[:sales] + more + TREE[sales:] + mix, actor=None, source_name="tree.yaml")
    problems = formula_problems(
        "echo * 2",
        code="double",
        unit="sales",
        frequency="monthly",
        access=Access.of(seller),
        kpi_id=KPI.objects.get(code="double").pk,
    )
    assert problems == ["its inputs form a cycle: double → echo → (a KPI you may not see) → double"]


def test_the_trusted_loader_may_name_any_kpi(seller: User) -> None:
    """`fourfold load` is run by whoever holds the database: it sees every unit."""
    problems = formula_problems(
        "revenue + hr-headcount",
        code="x",
        unit="sales",
        frequency="monthly",
        access=Access.trusted(),
    )
    assert problems == []
