"""Rows kept between computations, and scores no request reads updated where they are: what
is computed or served is what a computation from nothing gives, after any way of writing.

Outside a test transaction (`transaction=True`), as requests run: inside one, nothing is kept.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import numpy as np
import pytest
from django.core.cache import caches
from django.db import transaction
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from fourfold.measures.models import KPI, Measurement
from fourfold.measures.services import ValueEntry, record_values
from fourfold.scoring import cache, engine, incremental, kept, revision
from tests.scoring.test_incremental import assert_same
from tests.web import cards

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small(settings: Settings) -> Iterator[None]:
    """The small organization, with even its quick computations kept, in an empty cache."""
    settings.CACHES = {
        **settings.CACHES,
        "scores": {**settings.CACHES["scores"], "OPTIONS": {"MAX_ENTRIES": 8, "MIN_SECONDS": 0}},
    }
    caches[cache.ALIAS].clear()
    cards.load_small()
    yield
    caches[cache.ALIAS].clear()


def from_nothing(unit: str | None = None) -> engine.Scores:
    caches[cache.ALIAS].clear()
    return engine.compute(unit=unit)


def rows_kept() -> kept.Rows | None:
    found = caches[cache.ALIAS].get(kept.KEY)
    return found if isinstance(found, kept.Rows) else None


def revenue() -> int:
    return KPI.objects.get(code="revenue").pk


def enter(value: float, period: str = "2026-02") -> None:
    record_values([ValueEntry(revenue(), period, value)], actor=None, source="manual")


def test_the_rows_read_are_kept_and_read_no_more_at_the_same_revision(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = engine.compute()
    rows = rows_kept()
    assert rows is not None
    assert not any(a.flags.writeable for a in (rows.values.kpi_id, *rows.targets.numbers))
    # The organization, the revision and the definitions (6): no value or target read.
    with django_assert_num_queries(8):
        again = engine.compute()
    assert_same(again, first)


def test_a_value_entered_reads_again_only_its_kpi() -> None:
    engine.compute()
    before = rows_kept()
    assert before is not None
    enter(654.0)
    after = engine.compute()
    rows = rows_kept()
    assert rows is not None and rows.number > before.number
    assert rows.codes is before.codes  # followed, not read afresh
    assert_same(after, from_nothing())
    assert 654.0 in after.result.views["month"].actual


def test_rows_written_without_their_kpis_named_are_read_afresh() -> None:
    engine.compute()
    before = rows_kept()
    Measurement.objects.filter(kpi_id=revenue(), period="2026-02").delete()
    after = engine.compute()
    rows = rows_kept()
    assert before is not None and rows is not None and rows.codes is not before.codes
    assert_same(after, from_nothing())


def test_a_unit_asked_for_is_picked_from_the_rows_kept() -> None:
    engine.compute()
    enter(321.0)
    now = revision.current()
    engine.compute(revision=now)  # the rows brought up to date
    assert_same(engine.compute(unit="acme", revision=now), from_nothing("acme"))


def test_nothing_is_kept_inside_a_transaction() -> None:
    with transaction.atomic():
        engine.compute()
        assert rows_kept() is None


def test_this_interpreter_counts_references_as_the_cache_expects() -> None:
    assert cache.IN_PLACE


def test_scores_no_request_reads_are_updated_where_they_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(incremental, "MOST", 1.0)  # re-scored KPI by KPI, however few KPIs
    score = weakref.ref(cache.scores().result.views["month"].score)
    enter(777.0)
    updated = cache.scores()
    assert updated.result.views["month"].score is score()
    assert_same(updated, from_nothing())


def test_scores_a_request_reads_are_left_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "MOST", 1.0)
    held = cache.scores()
    before = held.result.views["month"].actual.copy()
    enter(888.0)
    updated = cache.scores()
    assert updated.result.views["month"].actual is not held.result.views["month"].actual
    np.testing.assert_array_equal(held.result.views["month"].actual, before)
    assert_same(updated, from_nothing())
