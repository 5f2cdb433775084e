"""Setting targets from the web: checked as the loader checks them, kept in history, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.audit.models import AuditEntry
from fourfold.editing import services, targets
from fourfold.editing.checks import Invalid
from fourfold.measures.models import KPI, Target, TargetVersion
from fourfold.strategy.models import Objective, Unit

TARGETS_PAGE = {"action": "targets.written", "detail__channel": "targets page"}


def refused(call: Any, *args: Any) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.errors


def target_of(kpi: KPI, period: str) -> tuple[float | None, float | None]:
    row = Target.objects.get(kpi=kpi, period=period)
    return row.target, row.red_flag


def test_it_sets_a_new_target_without_a_reason(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    count = targets.set_target(editor, kpi, {"period": "2026-03", "target": 800, "red_flag": 600})
    assert count.created == 1
    assert target_of(kpi, "2026-03") == (800, 600)
    entry = AuditEntry.objects.get(**TARGETS_PAGE)
    assert entry.detail["after"]["2026-03"]["target"] == 800
    assert entry.detail["before"] == {}


def test_it_needs_a_reason_to_change_a_target_and_then_keeps_the_old_one(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    data = {"period": "2026-01", "target": 750, "red_flag": 500}
    assert refused(targets.set_target, editor, kpi, data) == {
        "reason": ["a reason is needed, since this changes the target of 2026-01"]
    }
    assert target_of(kpi, "2026-01") == (700, 500)
    targets.set_target(editor, kpi, {**data, "reason": "budget revised"})
    assert target_of(kpi, "2026-01") == (750, 500)
    old = TargetVersion.objects.get(kpi=kpi, period="2026-01")
    assert (old.target, old.superseding_reason, old.superseded_by) == (
        700,
        "budget revised",
        editor,
    )
    entry = AuditEntry.objects.get(**TARGETS_PAGE)
    assert entry.detail["before"]["2026-01"]["target"] == 700
    assert entry.detail["reason"] == "budget revised"


def test_it_refuses_a_red_flag_on_the_wrong_side_next_to_the_red_flag_field(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    errors = refused(
        targets.set_target, editor, kpi, {"period": "2026-05", "target": 700, "red_flag": 900}
    )
    assert errors == {
        "red_flag": [
            "for a KPI where higher is better the red flag must be below the target "
            "(got red flag 900 for target 700)"
        ]
    }
    assert not Target.objects.filter(kpi=kpi, period="2026-05").exists()


def test_it_refuses_a_period_the_kpis_frequency_does_not_take(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    kpi.frequency = "quarterly"
    errors = refused(targets.set_target, editor, kpi, {"period": "2026-03", "target": 1})
    assert errors == {"period": ["a month does not fit here (quarter or year expected)"]}
    errors = refused(targets.set_target, editor, kpi, {"period": "March", "target": 1})
    assert errors["period"][0].startswith("'March' is not a period")


def test_a_range_kpi_takes_a_band(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="stock-days")
    assert refused(
        targets.set_target, editor, kpi, {"period": "2026-02", "low": 30, "high": 20}
    ) == {"low": ["the low bound 30 is above the high bound 20"]}
    targets.set_target(editor, kpi, {"period": "2026-02", "low": 18, "high": 28})
    row = Target.objects.get(kpi=kpi, period="2026-02")
    assert (row.low, row.high, row.target) == (18, 28, None)


def test_it_sets_the_same_target_for_every_month_of_a_year(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    data = {"year": "2027", "mode": "same", "target": 900, "red_flag": 700}
    assert targets.set_year_targets(editor, kpi, data).created == 12
    rows = Target.objects.filter(kpi=kpi, period__startswith="2027-")
    assert sorted(rows.values_list("period", flat=True))[::11] == ["2027-01", "2027-12"]
    assert set(rows.values_list("target", "red_flag")) == {(900, 700)}
    assert AuditEntry.objects.filter(**TARGETS_PAGE).count() == 1


def test_it_spreads_an_annual_total_over_four_quarters(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    kpi.frequency = "quarterly"
    targets.set_year_targets(editor, kpi, {"year": "2027", "mode": "spread", "target": 1000})
    rows = dict(
        Target.objects.filter(kpi=kpi)
        .exclude(period__startswith="2026")
        .values_list("period", "target")
    )
    assert rows == {"2027-Q1": 250, "2027-Q2": 250, "2027-Q3": 250, "2027-Q4": 250}


def test_it_spreads_only_a_kpi_that_sums_its_periods(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    kpi.aggregation = "average"
    errors = refused(
        targets.set_year_targets, editor, kpi, {"year": "2027", "mode": "spread", "target": 12}
    )
    assert errors == {
        "mode": [
            "an annual total can only be spread over a KPI that sums its periods "
            "(this one takes the average)"
        ]
    }


def test_a_ramp_moves_the_red_flag_with_the_target(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    kpi.frequency = "quarterly"
    data = {"year": "2027", "mode": "ramp", "target": 100, "target_end": 400, "red_flag": 80}
    targets.set_year_targets(editor, kpi, data)
    rows = Target.objects.filter(kpi=kpi, period__startswith="2027").order_by("period")
    assert list(rows.values_list("target", "red_flag")) == [
        (100, 80),
        (200, 180),
        (300, 280),
        (400, 380),
    ]


def test_a_refused_period_in_a_year_writes_nothing(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    data = {"year": "2027", "mode": "ramp", "target": 0, "target_end": 110}
    errors = refused(targets.set_year_targets, editor, kpi, data)
    assert errors == {
        "target": ["2027-01: a target of 0 needs a red flag, since 10 % of 0 leaves no room"]
    }
    assert not Target.objects.filter(kpi=kpi, period__startswith="2027").exists()
    assert not AuditEntry.objects.filter(**TARGETS_PAGE).exists()


def test_a_fiscal_year_has_its_own_months(acme: Unit, editor: User) -> None:
    from fourfold.strategy.models import Organization

    Organization.objects.update(fiscal_year_start=10)
    kpi = KPI.objects.get(code="revenue")
    targets.set_year_targets(editor, kpi, {"year": "FY2027", "mode": "same", "target": 5})
    periods = sorted(Target.objects.filter(kpi=kpi, target=5).values_list("period", flat=True))
    assert (periods[0], periods[-1], len(periods)) == ("2026-10", "2027-09", 12)


def test_setting_the_same_targets_again_changes_nothing(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    count = targets.set_target(editor, kpi, {"period": "2026-01", "target": 700, "red_flag": 500})
    assert (count.created, count.changed, count.unchanged) == (0, 0, 0)
    assert not AuditEntry.objects.filter(**TARGETS_PAGE).exists()


def test_a_new_kpi_can_be_given_targets(acme: Unit, editor: User) -> None:
    grow = Objective.objects.get(code="grow")
    data = {"code": "new", "name": "New", "objective": grow.pk, "direction": "decrease"}
    kpi = services.create_kpi(editor, acme, data)
    targets.set_target(editor, kpi, {"period": "2026", "target": 10, "red_flag": 12})
    assert target_of(kpi, "2026") == (10, 12)
