"""The import's checks in bulk give exactly the plan that the row-by-row checks give."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.access import Access
from fourfold.files import values
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry, record_values

pytestmark = pytest.mark.usefixtures("acme")

LONG = (
    "kpi,period,actual,target,red_flag,comment\n"
    "revenue,2026-01,800,700,500,\n"
    "revenue, 2026-02 ,-1.5e3,,, late\n"
    "revenue,2026-03,,750,,\n"
    "cost,2026-01,12,10,15,checked\n"
    " , ,,,,\n"  # a blank row is skipped
    "nps,2026-Q1,41,,,\n"
    "nps,2026-Q2,,45,30,\n"
    "iso,2026,1,,,\n"
    "iso,2025,0,,,\n"
    "stock,2026-01,25,,,\n"
    "margin,2026-01,,20,10,\n"
    "margin,2026-Q1,,20,,\n"
)
WIDE = (
    "kpi,series,2026-01,2026-02,2026-03\n"
    "revenue,actual,800,650,\n"
    "revenue,target,700,700,750\n"
    "revenue,red_flag,500,,\n"
    "cost,,12,13,14\n"
)
WRONG = [
    "revenue,2026-01,1 234,,,\n",  # thousands: read carefully, and right
    'revenue,2026-01,"1,5",,,\n',  # a decimal comma
    "revenue,2026-01,abc,,,\n",
    "revenue,2026-01,nan,,,\n",
    "revenue,2026-01,1e999,,,\n",
    "nobody,2026-01,1,,,\n",
    "revenue,,1,,,\n",
    ",2026-01,1,,,\n",
    "revenue,2026-13,1,,,\n",
    "revenue,2026-Q1,1,,,\n",
    "nps,2026-01,1,,,\n",
    "iso,2026,2,,,\n",
    "margin,2026-01,3,,,\n",
    "stock,2026-01,,30,,\n",
    "revenue,2026-01,,,400,\n",
    "revenue,2026-01,,,,note\n",
    "revenue,2026-02,800,,400,\n",
    "revenue,2026-01,800,0,,\n",
    "iso,2026-Q1,,1,,\n",
    "revenue,2026-01,1,,,\nrevenue,2026-01,2,,,\n",
    "revenue,2026-01,1,,,\nrevenue,2026-1,2,,,\n",
    "revenue,1899-12,1,,,\n",  # DESIGN's limits: years from 1900
    "revenue,2999-01,,5,,\n",  # to 20 years from now
]


def both_ways(
    text: str, monkeypatch: pytest.MonkeyPatch, access: Access | None = None
) -> values.Plan:
    """The plan in bulk, after checking that it equals the plan made row by row."""
    rows = values.read_bytes(text.encode(), "file.csv")
    access = access or Access.trusted()
    fast = values.plan(rows, access=access)
    with monkeypatch.context() as patch:
        patch.setattr(values, "_parse_in_bulk", lambda rows, kpis, fiscal: None)
        slow = values.plan(rows, access=access)
    assert fast.values == slow.values
    assert fast.targets == slow.targets
    assert fast.problems == slow.problems
    assert list(fast.kpis.items()) == list(slow.kpis.items())
    return fast


def test_a_long_file_gives_the_same_plan_in_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = both_ways(LONG, monkeypatch)
    assert not plan.problems
    assert len(plan.values) == 7 and len(plan.targets) == 6
    assert ValueEntry(KPI.objects.get(code="revenue").pk, "2026-02", -1500.0, "late") in plan.values


def test_a_wide_file_gives_the_same_plan_in_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = both_ways(WIDE, monkeypatch)
    assert not plan.problems
    assert len(plan.values) == 5 and len(plan.targets) == 3


def test_a_file_without_comments_keeps_the_comments_written_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    revenue = KPI.objects.get(code="revenue")
    record_values([ValueEntry(revenue.pk, "2026-01", 1.0, "checked")], actor=None, source="file")
    plan = both_ways("kpi,period,actual\nrevenue,2026-01,2\nrevenue,2026-02,3\n", monkeypatch)
    assert plan.values == [
        ValueEntry(revenue.pk, "2026-01", 2.0, "checked"),
        ValueEntry(revenue.pk, "2026-02", 3.0, ""),
    ]


@pytest.mark.parametrize("rows", WRONG)
def test_a_file_with_an_unusual_row_is_checked_row_by_row(
    rows: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "kpi,period,actual,target,red_flag,comment\n" + LONG.split("\n", 1)[1] + rows
    both_ways(text, monkeypatch)


def test_a_refusal_is_worded_for_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    carol = User.objects.create_user("carol")
    revenue = KPI.objects.get(code="revenue")
    revenue.contributor = carol
    revenue.save(update_fields=["contributor"])
    text = "kpi,period,actual\nrevenue,2026-01,1\ncost,2026-01,2\nrevenue,2026-02,3\n"
    plan = both_ways(text, monkeypatch, Access.of(carol))
    assert [str(p) for p in plan.problems] == ["row 3: you may not enter values of KPI cost"]


def test_a_target_needs_an_editor_of_the_scorecard(monkeypatch: pytest.MonkeyPatch) -> None:
    carol = User.objects.create_user("carol")
    KPI.objects.filter(code="revenue").update(owner=carol)
    plan = both_ways(
        "kpi,period,actual,target\nrevenue,2026-01,1,2\n", monkeypatch, Access.of(carol)
    )
    assert [str(p) for p in plan.problems] == [
        "row 2: only an editor of its scorecard may set the targets of KPI revenue"
    ]


def test_one_wrong_row_among_thousands_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    months = [f"{1900 + i // 12}-{i % 12 + 1:02d}" for i in range(1500)]
    lines = [
        f"{kpi},{month},{i}.5" for kpi in ("revenue", "cost") for i, month in enumerate(months)
    ]
    lines[1234] = "revenue,2002-11,12x"
    plan = both_ways("kpi,period,actual\n" + "\n".join(lines) + "\n", monkeypatch)
    assert [str(p) for p in plan.problems] == ["row 1236: actual '12x' is not a number"]
