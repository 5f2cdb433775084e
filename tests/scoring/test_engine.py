"""The engine's grid of years: a stray period far from the rest costs one year, not thousands."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry, record_values
from fourfold.scoring.engine import compute
from fourfold.scoring.readout import unit_rows
from tests.web import cards

TODAY = dt.date(2026, 3, 15)


def rows(period: str) -> list[dict[str, object]]:
    return list(unit_rows(compute(today=TODAY), "acme", period))


@pytest.mark.django_db
def test_a_value_in_a_far_year_is_scored_and_leaves_this_year_as_it_was() -> None:
    cards.load_small()
    before = rows("2026-02")
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "1026-01", 900.0), ValueEntry(revenue.pk, "9999-12", 800.0)],
        actor=None,
        source="manual",
    )

    scores = compute(today=TODAY)

    # 1026, one empty year for the run of years without data, 2026, one empty year, 9999.
    assert scores.inputs.year_starts is not None
    assert [start // 12 for start in scores.inputs.year_starts] == [1026, 1027, 2026, 2027, 9999]
    assert rows("2026-02") == before
    far = {row["code"]: row for row in rows("1026-01")}
    assert far["revenue"]["actual"] == 900.0
    assert {row["code"]: row for row in rows("9999-12")}["revenue"]["actual"] == 800.0
    assert {row["code"]: row for row in rows("9999")}["revenue"]["actual"] == 800.0


@pytest.mark.django_db
def test_a_period_in_a_year_without_any_data_reads_as_no_data() -> None:
    cards.load_small()
    revenue = KPI.objects.get(code="revenue")
    record_values([ValueEntry(revenue.pk, "1990-01", 900.0)], actor=None, source="manual")

    scores = compute(today=TODAY)

    assert scores.locate("2000-05") is None
    assert scores.locate("1991-Q2") is not None  # the one empty year kept after 1990
    assert scores.locate("2026-Q1") == ("quarter", 2 * 4)  # years 1990, 1991, 2026


@pytest.mark.django_db
def test_one_missing_year_between_two_is_kept_as_itself() -> None:
    cards.load_small()
    revenue = KPI.objects.get(code="revenue")
    record_values([ValueEntry(revenue.pk, "2024-12", 900.0)], actor=None, source="manual")

    scores = compute(today=TODAY)

    assert scores.inputs.year_starts is not None
    assert [start // 12 for start in scores.inputs.year_starts] == [2024, 2025, 2026]
    assert scores.locate("2025-07") == ("month", 12 + 6)


@pytest.mark.django_db
def test_scoring_leaves_the_garbage_collector_on() -> None:
    import gc

    cards.load_small()
    assert gc.isenabled()
    compute(today=TODAY)
    assert gc.isenabled()


@pytest.mark.django_db
def test_a_request_leaves_the_garbage_collector_on(client: object) -> None:
    import gc

    from django.test import Client

    assert isinstance(client, Client)
    cards.load_small()
    client.get("/units/acme/")
    assert gc.isenabled()
