"""Phased targets through the API: `phase` on a target's PUT writes its parts in one write,
a month set inside a phased year spreads the others again, a phase that cannot apply is a 422."""

from __future__ import annotations

from fourfold.audit.models import AuditEntry
from fourfold.measures.models import Target

from .conftest import Api


def _months(code: str) -> dict[str, tuple[float | None, str]]:
    rows = Target.objects.filter(kpi__code=code, period__startswith="2026-").order_by("period")
    return {t.period: (t.target, t.reason) for t in rows}


def test_a_phased_year_writes_its_months_and_says_its_phase(editor: Api) -> None:
    body = {"target": 1200, "red_flag": 1080, "phase": "even", "reason": "plan"}
    answer = editor.put("targets/revenue/2026", body)
    assert answer.status_code == 201
    assert answer.json()["phase"] == "even" and answer.json()["target"] == 1200
    months = _months("revenue")
    assert len(months) == 12 and set(months.values()) == {(100, "phased from 2026")}
    assert editor.get("targets/revenue/2026-04").json()["phase"] is None
    assert editor.get("targets/revenue/2026-04").json()["reason"] == "phased from 2026"
    assert AuditEntry.objects.filter(action="targets.written", detail__channel="api").count() == 1
    # Sent again, nothing changes: a 200, and no new audit entry.
    assert editor.put("targets/revenue/2026", body).status_code == 200
    assert AuditEntry.objects.filter(action="targets.written", detail__channel="api").count() == 1


def test_a_month_set_inside_a_phased_year_spreads_the_others_again(editor: Api) -> None:
    editor.put("targets/revenue/2026", {"target": 1200, "phase": "even"})
    answer = editor.put("targets/revenue/2026-06", {"target": 200, "reason": "summer sale"})
    assert answer.status_code == 200
    months = _months("revenue")
    assert months["2026-06"] == (200, "summer sale")
    assert months["2026-07"] == (1000 / 11, "phased from 2026")


def test_a_phase_that_cannot_apply_is_refused_and_nothing_is_written(editor: Api) -> None:
    for period, body, words in [
        ("2026", {"target": 1200, "phase": "seasonal"}, "needs two full years of history"),
        ("2026", {"target": 1200, "phase": "linear"}, "and this one sums its periods"),
        ("2026-05", {"target": 100, "phase": "even"}, "so 2026-05 has none"),
    ]:
        answer = editor.put(f"targets/revenue/{period}", body)
        assert answer.status_code == 422, answer.json()
        detail = answer.json()["error"]["details"][0]
        assert detail["field"] == "phase" and words in detail["reason"]
    answer = editor.put("targets/revenue/2026", {"target": 1, "phase": "weekly"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "phase"
    assert not Target.objects.filter(kpi__code="revenue", period="2026").exists()
