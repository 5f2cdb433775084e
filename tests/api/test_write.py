"""Writing values, targets and KPIs: the importer's rules, the user's rights, history and audit."""

from __future__ import annotations

import pytest

from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI, Measurement, MeasurementVersion, Target, TargetVersion

from .conftest import Api, api_for, person


def test_it_records_a_value_then_changes_it_keeping_the_first(editor: Api) -> None:
    created = editor.put("measurements/revenue/2026-03", {"actual": 710, "comment": "March"})
    assert created.status_code == 201
    assert created.json()["actual"] == 710.0
    row = Measurement.objects.get(kpi__code="revenue", period="2026-03")
    assert row.entered_by is not None
    assert (row.source, row.source_detail, row.entered_by.username) == ("api", "pipeline", "eve")
    changed = editor.put("measurements/revenue/2026-03", {"actual": 720, "reason": "late invoice"})
    assert changed.status_code == 200
    old = MeasurementVersion.objects.get(kpi__code="revenue", period="2026-03")
    assert (old.value, old.reason) == (710.0, "late invoice")
    assert AuditEntry.objects.filter(action="values.written", detail__channel="api").count() == 2


def test_it_records_nothing_and_says_so_when_a_value_is_sent_again(editor: Api) -> None:
    assert editor.put("measurements/revenue/2026-02", {"actual": 600}).status_code == 200
    assert not MeasurementVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="values.written", detail__channel="api").exists()


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"actual": False}, "actual", "must be a number"),
        ({"actual": "12"}, "actual", "must be a number"),
        ({"actual": 1, "comment": "a\x00b"}, "comment", "not allowed"),
        ({"actual": 1, "source": "x"}, "source", "is not a field"),
        ({}, "actual", "is required"),
    ],
)
def test_it_refuses_loose_values(
    editor: Api, body: dict[str, object], field: str, reason: str
) -> None:
    answer = editor.put("measurements/revenue/2026-03", body)
    assert answer.status_code == 422
    detail = answer.json()["error"]["details"][0]
    assert detail["field"] == field
    assert reason in detail["reason"]


def test_it_refuses_nan_and_infinity(editor: Api) -> None:
    for raw in ('{"actual": NaN}', '{"actual": Infinity}', '{"actual": 1e999}'):
        answer = editor.put("measurements/revenue/2026-03", raw=raw)
        assert answer.status_code == 422, raw
        assert answer.json()["error"]["details"][0]["reason"] == "must be a finite number"


def test_it_refuses_a_period_of_another_frequency(editor: Api) -> None:
    answer = editor.put("measurements/revenue/2026-Q1", {"actual": 1})
    assert answer.status_code == 422
    assert answer.json()["error"]["message"] == (
        "The value cannot be recorded: KPI revenue is reported monthly, so its period is a "
        "month, not 2026-Q1."
    )


def test_a_viewer_may_not_enter_values_and_an_outsider_finds_no_kpi(
    viewer: Api, outsider: Api
) -> None:
    assert viewer.put("measurements/revenue/2026-03", {"actual": 1}).status_code == 403
    assert outsider.put("measurements/revenue/2026-03", {"actual": 1}).status_code == 404
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_a_kpi_contributor_may_enter_its_values_but_not_its_targets(small: None) -> None:
    carl = person("carl")
    KPI.objects.filter(code="revenue").update(contributor=carl)
    api = api_for(carl)
    assert api.put("measurements/revenue/2026-03", {"actual": 1}).status_code == 201
    # Contributing to one KPI shows its unit, but gives no right to the unit's other KPIs.
    assert api.put("measurements/complaints/2026-03", {"actual": 1}).status_code == 403
    assert api.put("targets/revenue/2026-03", {"target": 700}).status_code == 403


def test_it_sets_a_target_and_keeps_the_earlier_one(editor: Api) -> None:
    answer = editor.put("targets/revenue/2026-01", {"target": 800, "red_flag": 600, "reason": "up"})
    assert answer.status_code == 200
    assert (answer.json()["target"], answer.json()["source"]) == (800.0, "api")
    old = TargetVersion.objects.get(kpi__code="revenue", period="2026-01")
    assert (old.target, old.red_flag, old.superseding_reason) == (700.0, 500.0, "up")
    created = editor.put("targets/revenue/2026-Q2", {"target": 2100})
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("kpi", "period", "body", "reason"),
    [
        ("revenue", "2026-03", {"target": 700, "red_flag": 700}, "cannot equal the target"),
        ("revenue", "2026-03", {"target": 700, "red_flag": 800}, "must be below the target"),
        ("revenue", "2026-03", {"target": 0}, "a target of 0 needs a red flag"),
        ("revenue", "2026-03", {"low": 1, "high": 2}, "is not a range KPI"),
        ("stock-days", "2026-03", {"low": 30, "high": 20}, "is above the high bound"),
        ("stock-days", "2026-03", {"target": 5}, "is a range KPI"),
        ("complaints", "2026-03", {"target": 0}, "has no percent"),
    ],
)
def test_it_checks_targets_as_the_scorecard_file_does(
    editor: Api, kpi: str, period: str, body: dict[str, float], reason: str
) -> None:
    answer = editor.put(f"targets/{kpi}/{period}", body)
    assert answer.status_code == 422
    assert reason in answer.json()["error"]["message"]
    assert not Target.objects.filter(period="2026-03").exists()


def test_a_viewer_may_not_set_targets(viewer: Api) -> None:
    answer = viewer.put("targets/revenue/2026-03", {"target": 1})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


NEW_KPI = {
    "code": "margin",
    "objective": "grow",
    "name": "Gross margin",
    "unit_of_measure": "%",
    "direction": "increase",
    "frequency": "quarterly",
    "aggregation": "average",
    "owner": "eve@example.com",
}


def test_an_editor_creates_a_kpi(editor: Api) -> None:
    answer = editor.post("kpis", NEW_KPI)
    assert answer.status_code == 201
    body = answer.json()
    assert (body["unit"], body["owner"], body["scheme"], body["order"]) == (
        "acme",
        "eve@example.com",
        "default",
        4,
    )
    assert AuditEntry.objects.filter(action="api.kpi.create").exists()
    assert editor.post("kpis", NEW_KPI).status_code == 409


def test_it_refuses_a_kpi_for_an_unknown_owner_or_objective(editor: Api) -> None:
    answer = editor.post("kpis", {**NEW_KPI, "owner": "nobody@example.com"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "owner"
    answer = editor.post("kpis", {**NEW_KPI, "objective": "nope"})
    assert answer.json()["error"]["details"][0]["field"] == "objective"


def test_a_viewer_may_not_create_a_kpi(viewer: Api) -> None:
    assert viewer.post("kpis", NEW_KPI).status_code == 403


def test_an_editor_changes_some_fields_of_a_kpi(editor: Api) -> None:
    answer = editor.patch("kpis/revenue", {"name": "Net revenue", "grace_days": 5})
    assert answer.status_code == 200
    kpi = KPI.objects.get(code="revenue")
    assert (kpi.name, kpi.grace_days, kpi.direction) == ("Net revenue", 5, "increase")


def test_it_refuses_to_change_the_direction_of_a_kpi(editor: Api) -> None:
    answer = editor.patch("kpis/revenue", {"direction": "decrease"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "direction"
    answer = editor.patch("kpis/revenue", {"name": None})
    assert answer.status_code == 422


@pytest.mark.parametrize("name", ["\x00", "a\x00", " \x00 "])
def test_a_name_of_one_nul_is_refused_by_the_schema(editor: Api, name: str) -> None:
    """`\\S` matches a NUL too: a name's pattern once let one through, to a server error on
    PostgreSQL (the fuzzer's review series)."""
    review = {"unit": "acme", "period": "2026-03", "held_on": "2026-04-08", "series": name}
    answer = editor.post("reviews", review)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"] == [
        {"field": "series", "index": None, "reason": "contains characters that are not allowed"}
    ]
