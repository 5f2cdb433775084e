"""Reading strategy, KPIs, targets, values and scores: paged, filtered, only what one may see."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from fourfold.scoring import engine, readout
from tests.web import cards

from .conftest import Api, api_for, person


def test_it_lists_units_in_the_order_of_the_tree(admin: Api) -> None:
    answer = admin.get("units")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    assert [(u["code"], u["parent"]) for u in body["items"]] == [
        ("acme", None),
        ("sales", "acme"),
    ]


def test_it_reads_one_unit_and_its_scorecard(admin: Api) -> None:
    assert admin.get("units/sales").json()["name"] == "Sales department"
    card = admin.get("scorecards/acme").json()
    assert card == {"unit": "acme", "name": "Acme Corp", "rollup": "weighted_mean", "scheme": None}


def test_it_pages_with_limit_and_offset(admin: Api) -> None:
    first = admin.get("kpis?limit=2").json()
    rest = admin.get("kpis?limit=2&offset=2").json()
    assert first["count"] == rest["count"] == 4
    codes = [k["code"] for k in first["items"] + rest["items"]]
    assert codes == ["revenue", "stock-days", "complaints", "missing"]


def test_it_refuses_a_limit_above_a_thousand(admin: Api) -> None:
    answer = admin.get("kpis?limit=1001")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "limit"


def test_it_reads_a_kpi_with_its_unit_objective_and_scheme(admin: Api) -> None:
    kpi = admin.get("kpis/complaints").json()
    assert kpi["unit"] == "acme"
    assert kpi["objective"] == "grow"
    assert kpi["scheme"] == "gov"
    assert kpi["direction"] == "decrease"
    assert kpi["unit_of_measure"] == "count"


def test_it_lists_perspectives_objectives_and_links(admin: Api) -> None:
    assert [p["code"] for p in admin.get("perspectives?unit=acme").json()["items"]] == ["financial"]
    assert admin.get("perspectives/acme/financial").json()["name"] == "Financial"
    assert admin.get("perspectives/sales/financial").status_code == 404
    assert admin.get("objectives/grow").json()["perspective"] == "financial"
    assert admin.get("objectives?perspective=financial").json()["count"] == 1
    assert admin.get("links").json() == {"items": [], "count": 0}


def test_it_filters_values_by_kpi_and_period(admin: Api) -> None:
    body = admin.get("measurements?kpi=revenue").json()
    assert [(m["period"], m["actual"]) for m in body["items"]] == [
        ("2026-01", 1234567.891),
        ("2026-02", 600.0),
    ]
    one = admin.get("measurements?period=2026-02&unit=acme").json()
    assert [(m["kpi"], m["period"]) for m in one["items"]] == [("revenue", "2026-02")]
    assert admin.get("measurements/revenue/2026-02").json()["source"] == "file"


def test_it_filters_targets_and_reads_a_range(admin: Api) -> None:
    target = admin.get("targets/stock-days/2026-01").json()
    assert (target["low"], target["high"], target["target"]) == (20.0, 30.0, None)
    assert admin.get("targets?kpi=revenue").json()["count"] == 2


def test_it_refuses_a_period_filter_that_is_no_period(admin: Api) -> None:
    answer = admin.get("measurements?period=2026-13")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["reason"].startswith("is not a period")
    answer = admin.get("measurements?period=FY2026")
    assert answer.status_code == 422
    assert "the fiscal year starts in January" in answer.json()["error"]["message"]


def test_an_outsider_sees_only_their_own_units(outsider: Api) -> None:
    assert [u["code"] for u in outsider.get("units").json()["items"]] == ["sales"]
    assert outsider.get("kpis").json() == {"items": [], "count": 0}
    for path in (
        "units/acme",
        "kpis/revenue",
        "scorecards/acme",
        "kpis?unit=acme",
        "measurements/revenue/2026-01",
        "targets/revenue/2026-01",
        "scores?unit=acme",
    ):
        answer = outsider.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"


def test_a_kpi_contributor_sees_the_unit_of_their_kpi(small: None) -> None:
    from fourfold.measures.models import KPI

    carl = person("carl")
    KPI.objects.filter(code="revenue").update(contributor=carl)
    carl_api = api_for(carl)
    assert [u["code"] for u in carl_api.get("units").json()["items"]] == ["acme"]


def test_scores_are_the_rows_of_the_command_line(admin: Api) -> None:
    answer = admin.get("scores?unit=acme&period=2026-01")
    assert answer.status_code == 200
    rows = answer.json()
    expected = list(readout.unit_rows(engine.compute(unit="acme"), "acme", "2026-01"))
    assert rows == expected
    assert [r["kind"] for r in rows][:3] == ["scorecard", "perspective", "objective"]
    range_row = next(r for r in rows if r["code"] == "stock-days")
    assert set(range_row) - set(rows[0]) == {"low", "high"}
    assert "low" not in next(r for r in rows if r["code"] == "revenue")


def test_scores_need_a_unit(admin: Api) -> None:
    answer = admin.get("scores")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {"field": "unit", "index": None, "reason": "is required"}
    ]


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(
    "path", ["units", "kpis", "measurements", "targets", "objectives", "perspectives"]
)
def test_lists_take_the_same_queries_for_10_and_100_kpis(
    db: None, django_assert_num_queries: DjangoAssertNumQueries, size: str, path: str
) -> None:
    cards.load_sized(*({"small": (1, 1, 10, 0), "large": (1, 10, 10, 0)}[size]))
    caller = api_for(person("vic", "viewer", None))
    caller.get("units")  # the first use of a token records it; later ones within a minute don't
    # Whether the caller's address is locked out (1), the token and its user (1), the user's
    # roles, units and KPIs (3), then the count and the page (2); objectives read their
    # alignments for the page in one more.
    with django_assert_num_queries(8 if path == "objectives" else 7):
        answer = caller.get(f"{path}?limit=1000")
    assert answer.status_code == 200
    if path in ("kpis", "measurements", "targets"):
        per_kpi = 1 if path == "kpis" else 2
        assert answer.json()["count"] == per_kpi * (10 if size == "small" else 100)


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_filtered_list_adds_one_query_for_the_unit(
    db: None, django_assert_num_queries: DjangoAssertNumQueries, size: str
) -> None:
    cards.load_sized(*({"small": (1, 1, 10, 0), "large": (1, 10, 10, 0)}[size]))
    caller = api_for(person("vic", "viewer", None))
    caller.get("units")
    # As above, and the unit's lookup (1) and the organization's fiscal year (1).
    with django_assert_num_queries(9):
        answer = caller.get("measurements?unit=top&period=2026-01&limit=1000")
    assert answer.json()["count"] == (10 if size == "small" else 100)
