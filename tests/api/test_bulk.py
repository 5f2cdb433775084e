"""The bulk upsert of values: up to 10,000 at once, all or none, sending again changes nothing."""

from __future__ import annotations

from fourfold.core import periods
from fourfold.measures.models import KPI, Measurement
from tests.web import cards

from .conftest import Api, api_for, person


def test_it_records_ten_thousand_values_and_sending_them_again_changes_nothing(db: None) -> None:
    cards.load_sized(1, 10, 10, 0)  # 100 monthly KPIs with values for 2026-01 and 2026-02
    api = api_for(person("eve", "editor", "top"))
    months = [periods.month_key(periods.month_ordinal("2018-01") + i) for i in range(100)]
    kpis = [f"top-k0{o}{k}" for o in range(10) for k in range(10)]
    items = [
        {"kpi": k, "period": m, "actual": i * 1.5}
        for i, (k, m) in enumerate((k, m) for k in kpis for m in months)
    ]
    assert len(items) == 10_000
    answer = api.post("measurements/bulk", items)
    assert answer.status_code == 200, answer.content[:500]
    # 2026-01 and 2026-02 are among the months and already had values: those changed.
    assert answer.json() == {
        "created": 9_800,
        "changed": 200,
        "unchanged": 0,
        "waiting_for_approval": 0,
    }
    assert Measurement.objects.filter(source="api").count() == 10_000
    again = api.post("measurements/bulk", items)
    assert again.json() == {
        "created": 0,
        "changed": 0,
        "unchanged": 10_000,
        "waiting_for_approval": 0,
    }


def test_it_refuses_more_than_ten_thousand_values(editor: Api) -> None:
    items = [{"kpi": "revenue", "period": "2026-03", "actual": 1}] * 10_001
    answer = editor.post("measurements/bulk", items)
    assert answer.status_code == 422
    assert "10000" in answer.json()["error"]["message"]


def test_it_writes_nothing_and_lists_every_wrong_item(editor: Api, small: None) -> None:
    items = [
        {"kpi": "revenue", "period": "2026-03", "actual": 10},
        {"kpi": "nope", "period": "2026-03", "actual": 1},
        {"kpi": "revenue", "period": "2026-Q1", "actual": 1},
        {"kpi": "revenue", "period": "FY2026", "actual": 1},
        {"kpi": "revenue", "period": "2026-03", "actual": 11},
    ]
    answer = editor.post("measurements/bulk", items)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"].startswith("4 of 5 values are wrong, so none was recorded")
    assert [(d["index"], d["field"]) for d in error["details"]] == [
        (1, "kpi"),
        (2, "period"),
        (3, "period"),
        (4, "period"),
    ]
    assert error["details"][0]["reason"] == "there is no KPI 'nope'"
    assert error["details"][3]["reason"] == "KPI revenue 2026-03 is already item 0"
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_it_reports_type_errors_with_the_index_of_the_item(editor: Api) -> None:
    items = [
        {"kpi": "revenue", "period": "2026-03", "actual": 10},
        {"kpi": "revenue", "period": "2026-04", "actual": True},
    ]
    answer = editor.post("measurements/bulk", items)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {"field": "actual", "index": 1, "reason": "must be a number"}
    ]


def test_it_refuses_values_the_user_may_not_enter(viewer: Api) -> None:
    answer = viewer.post(
        "measurements/bulk", [{"kpi": "revenue", "period": "2026-03", "actual": 1}]
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["reason"] == (
        "you may not enter values of KPI revenue"
    )


def test_it_refuses_a_value_for_a_calculated_kpi(editor: Api, small: None) -> None:
    KPI.objects.filter(code="complaints").update(formula="revenue / 1000")
    items = [
        {"kpi": "revenue", "period": "2026-03", "actual": 10},
        {"kpi": "complaints", "period": "2026-03", "actual": 1},
    ]
    answer = editor.post("measurements/bulk", items)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {
            "index": 1,
            "field": "kpi",
            "reason": "KPI complaints is calculated from its formula (revenue / 1000): "
            "it takes no values, only targets",
        }
    ]
    assert not Measurement.objects.filter(period="2026-03").exists()
    single = editor.put("measurements/complaints/2026-03", {"actual": 1})
    assert single.status_code == 422
    assert "calculated from its formula" in single.json()["error"]["message"] + str(
        single.json()["error"].get("details")
    )
