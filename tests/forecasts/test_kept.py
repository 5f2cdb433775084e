"""Forecasts kept as they were made, remade after values change, graded when the actual is in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_q.conf import Conf

from fourfold.accounts.access import Access
from fourfold.files.load import load
from fourfold.forecasts import grading, services
from fourfold.forecasts.models import MadeForecast
from fourfold.measures import intake
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry

from .scorecard import document, seasonal

JULY = dt.date(2026, 7, 10)


@pytest.fixture
def root(db: None) -> User:
    load(document(), actor=None, source_name="acme.yaml")
    return User.objects.create_superuser("root", "root@example.com", "x")


def enter(actor: User, entries: list[ValueEntry]) -> None:
    intake.submit_values(entries, actor=actor, access=Access.of(actor), channel="grid")


def test_a_value_entered_through_the_intake_remakes_and_keeps_that_kpis_forecasts(
    root: User, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Conf, "SYNC", True)  # the worker's task runs here, as it would there
    sales = KPI.objects.get(code="sales")
    with django_capture_on_commit_callbacks(execute=True):
        enter(root, [ValueEntry(sales.pk, "2026-07", 1_400)])
    kept = list(MadeForecast.objects.all())
    assert {row.kpi_id for row in kept} == {sales.pk}
    year = services.current_year(timezone.localdate())
    row = next(r for r in kept if r.period == year)
    now = services.forecast([sales.pk], year)[sales.pk]
    assert (row.forecast, row.low, row.high) == (now.forecast, now.low, now.high)
    assert row.method == now.method and row.target == now.target


def test_forecasts_are_never_overwritten(root: User) -> None:
    assert grading.make_and_keep(None, today=JULY) > 0
    first = MadeForecast.objects.count()
    grading.make_and_keep(None, today=JULY)
    assert MadeForecast.objects.count() == 2 * first
    # Only real forecasts are kept: not a period already reported nor too little history.
    assert not MadeForecast.objects.filter(kpi__code="new-kpi").exists()
    assert set(MadeForecast.objects.values_list("period", flat=True)) == {"2026", "2026-Q3"}


def test_kept_forecasts_are_graded_once_the_period_is_reported(root: User) -> None:
    sales = KPI.objects.get(code="sales")
    grading.make_and_keep([sales.pk], today=JULY)
    assert grading.reliability([sales.pk]).overall.forecasts == 0  # nothing to grade yet
    rest = {m: v for m, v in seasonal("2023-01", 48).items() if m >= "2026-07"}
    enter(root, [ValueEntry(sales.pk, m, v) for m, v in rest.items()])
    found = grading.reliability([sales.pk])
    year_total = sum(v for m, v in seasonal("2023-01", 48).items() if m >= "2026")
    assert [g.period for g in found.graded] == ["2026", "2026-Q3"]
    assert found.graded[0].actual == pytest.approx(year_total)
    assert found.graded[1].actual == pytest.approx(
        sum(v for m, v in rest.items() if m <= "2026-09")
    )
    grade = found.per_kpi[sales.pk]
    assert grade.forecasts == 2 and found.overall == grade
    assert grade.coverage == sum(g.low <= g.actual <= g.high for g in found.graded) / 2
    # Only the year has a target (13,000): one probability to score.
    year = found.graded[0]
    assert grade.with_probability == 1 and year.met is (year.actual >= 13_000)
    assert year.probability is not None
    assert grade.brier == pytest.approx((year.probability - year.met) ** 2)


def test_the_check_reads_a_kept_forecast_while_its_basis_holds_and_makes_one_when_not(
    root: User,
) -> None:
    sales = KPI.objects.get(code="sales")
    year = services.current_year(JULY)
    made = services.forecast([sales.pk], year, today=JULY, fan=False)[sales.pk]
    grading.make_and_keep([sales.pk], today=JULY)
    # A kept row with other figures but the same basis is what the check reads.
    MadeForecast.objects.filter(kpi=sales, period=year).update(probability=0.123)
    assert services.year_probabilities([sales.pk], today=JULY) == {sales.pk: 0.123}
    kept = services.current([sales.pk], year, today=JULY)[sales.pk]
    assert kept.as_json() == {**made.as_json(), "probability": 0.123}
    # A new value changes the case's basis: the kept row is stale, the forecast is made again.
    enter(root, [ValueEntry(sales.pk, "2026-07", 1_400)])
    again = services.year_probabilities([sales.pk], today=JULY)[sales.pk]
    assert again == services.forecast([sales.pk], year, today=JULY)[sales.pk].probability
    assert again != 0.123
