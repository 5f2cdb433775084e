"""What is overdue: due at the period's end, overdue after the KPI's grace days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from fourfold.freshness.services import overdue_values
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def keys(today: dt.date = TODAY) -> set[tuple[str, str]]:
    return {(o.kpi_code, o.period) for o in overdue_values(today)}


def test_it_lists_each_missing_value_past_its_grace_period(people: dict[str, User]) -> None:
    assert keys() == {
        ("revenue", "2026-03"),
        ("stock-days", "2026-02"),
        ("stock-days", "2026-03"),
        ("complaints", "2026-02"),
        ("complaints", "2026-03"),
        ("missing", "2026-01"),
        ("missing", "2026-02"),
        ("missing", "2026-03"),
    }


def test_a_value_is_not_overdue_during_its_grace_days(people: dict[str, User]) -> None:
    assert ("revenue", "2026-03") not in keys(dt.date(2026, 4, 15))
    assert ("revenue", "2026-03") in keys(dt.date(2026, 4, 16))
    KPI.objects.filter(code="revenue").update(grace_days=30)
    assert ("revenue", "2026-03") not in keys(dt.date(2026, 4, 20))


def test_it_counts_the_days_overdue(people: dict[str, User]) -> None:
    found = {(o.kpi_code, o.period): o for o in overdue_values(TODAY)}
    march = found[("revenue", "2026-03")]
    assert (march.due, march.overdue_since, march.days_overdue) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 16),
        5,
    )


def test_an_entered_value_is_no_longer_overdue(people: dict[str, User]) -> None:
    revenue = KPI.objects.get(code="revenue")
    record_values([ValueEntry(revenue.pk, "2026-03", 700)], actor=None, source=Source.MANUAL)
    assert ("revenue", "2026-03") not in keys()


def test_a_kpi_with_no_value_and_no_target_is_not_expected(people: dict[str, User]) -> None:
    from fourfold.measures.models import Measurement, Target

    Measurement.objects.filter(kpi__code="revenue").delete()
    Target.objects.filter(kpi__code="revenue").delete()
    assert not any(code == "revenue" for code, _ in keys())


def test_calculated_and_archived_kpis_are_never_asked_for(people: dict[str, User]) -> None:
    KPI.objects.filter(code="revenue").update(formula="complaints * 2")
    KPI.objects.filter(code="missing").update(archived=True)
    assert not any(code in ("revenue", "missing") for code, _ in keys())


def test_periods_older_than_the_look_back_are_left_alone(people: dict[str, User]) -> None:
    from fourfold.freshness.models import Policy

    policy = Policy.get()
    policy.lookback_days = 60
    policy.save()
    assert ("missing", "2026-01") not in keys() and ("missing", "2026-02") in keys()
