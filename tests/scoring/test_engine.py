"""The engine: its grid of years (a stray period far from the rest costs one year, not
thousands), its reading of the rows in chunks, and the garbage collector."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry, record_values
from fourfold.scoring import data
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
def test_rows_read_in_many_chunks_score_as_rows_read_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cards.load_sized(perspectives=2, objectives=2, kpis=3, children=2)
    kpis = list(KPI.objects.order_by("pk"))
    record_values(
        [
            ValueEntry(kpi.pk, f"2025-{month:02}", float(10 * i + month))
            for i, kpi in enumerate(kpis)
            for month in range(1, 13)
        ],
        actor=None,
        source="manual",
    )
    whole = compute(today=TODAY)

    monkeypatch.setattr(data, "CHUNK", 5)
    chunked = compute(today=TODAY)

    assert len(whole.inputs.value) >= 12 * len(kpis) > 5  # many chunks of 5
    for name in ("value_kpi", "value_slot", "value", "target_kpi", "target_slot", "target"):
        assert np.array_equal(
            getattr(chunked.inputs, name), getattr(whole.inputs, name), equal_nan=True
        )
    for view, scored in whole.result.views.items():
        assert np.array_equal(chunked.result.views[view].score, scored.score, equal_nan=True)


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
