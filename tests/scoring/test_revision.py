"""The revision counter moves with every write of a table scores read, in its transaction."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fourfold.measures.models import KPI, Measurement, Scheme, Target
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets
from fourfold.scoring import engine, revision
from fourfold.strategy.models import (
    Alignment,
    Link,
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)
from tests.scoring.test_incremental import organization

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def test_the_engine_reads_only_the_tables_whose_writes_move_the_counter() -> None:
    organization()
    with CaptureQueriesContext(connection) as queries:
        engine.compute()
        engine.compute(unit="child0")
    read = {name for q in queries.captured_queries for name in TABLE.findall(q["sql"])}
    watched = {m._meta.db_table for m in revision.SCORED_MODELS}
    assert read and read <= watched, read - watched


def objective(code: str) -> Objective:
    return Objective.objects.get(code=code)


# A write of each model the engine reads, as code outside the services might make it.
WRITES: dict[type, Callable[[], object]] = {
    Organization: lambda: Organization.objects.update(fiscal_year_start=4),
    Scheme: lambda: Scheme.objects.create(name="other", type="unscored"),
    Unit: lambda: Unit.objects.filter(code="child1").update(name="Renamed"),
    Scorecard: lambda: Scorecard.objects.filter(unit__code="child1").update(rollup="worst"),
    Perspective: lambda: Perspective.objects.filter(code="p0").update(weight=2.0),
    Objective: lambda: Objective.objects.filter(code="top-o00").update(weight=3.0),
    Alignment: lambda: Alignment.objects.filter(child__code="child0-o00").delete(),
    Link: lambda: Link.objects.bulk_create(
        [Link(cause=objective("top-o01"), effect=objective("top-o00"))]
    ),
    KPI: lambda: KPI.objects.filter(code="top-k000").update(weight=4.0),
    Measurement: lambda: Measurement.objects.filter(kpi__code="top-k000").delete(),
    Target: lambda: Target.objects.filter(kpi__code="top-k000").update(target=1.0),
}


def test_every_write_of_a_model_the_engine_reads_moves_the_counter() -> None:
    organization()
    assert set(WRITES) == set(revision.SCORED_MODELS)
    for model, write in WRITES.items():
        before = revision.current()
        with transaction.atomic():
            write()
            inside = revision.current()
        after = revision.current()
        assert inside == after, model
        assert after[0] > before[0], model
        assert after[1] == after[0], model  # not values alone: scored afresh


def test_a_rolled_back_write_leaves_the_counter_where_it_was() -> None:
    organization()
    before = revision.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        KPI.objects.filter(code="top-k000").update(weight=4.0)
        raise RuntimeError
    assert revision.current() == before


def test_values_and_targets_written_by_the_services_move_it_with_their_kpis() -> None:
    organization()
    kpi = KPI.objects.get(code="child0.sales")
    other = KPI.objects.get(code="top-k000")
    before = revision.current()
    record_values([ValueEntry(kpi.pk, "2026-03", 5.0)], actor=None, source="manual")
    entry = TargetEntry(other.pk, "2026-03", (9.0, None, None, None, None, None))
    set_targets([entry], actor=None, source="manual")
    now = revision.current()
    assert now[0] == before[0] + 2
    assert now[1] == before[1]  # definitions unchanged
    assert revision.can_follow(before[0], now)
    assert revision.changed_since(before[0]) == {kpi.pk, other.pk}
    # Each with the period written, so that only those rows are read again.
    assert revision.changes_since(before[0]) == (
        {kpi.pk, other.pk},
        {(kpi.pk, "2026-03"), (other.pk, "2026-03")},
    )
    # Written again unchanged: nothing to move.
    record_values([ValueEntry(kpi.pk, "2026-03", 5.0)], actor=None, source="manual")
    assert revision.current() == now


def test_a_write_of_very_many_values_is_kept_by_kpi(monkeypatch: pytest.MonkeyPatch) -> None:
    organization()
    kpi = KPI.objects.get(code="child0.sales")
    other = KPI.objects.get(code="top-k000")
    monkeypatch.setattr(revision, "MOST_KEYS", 2)
    before = revision.current()
    months = ("2026-01", "2026-02", "2026-03")
    record_values([ValueEntry(kpi.pk, m, 7.0) for m in months], actor=None, source="file")
    record_values([ValueEntry(other.pk, "2026-03", 8.0)], actor=None, source="manual")
    # The first write's KPI is known with none of its periods: all its rows are read again.
    assert revision.changes_since(before[0]) == ({kpi.pk, other.pk}, {(other.pk, "2026-03")})


def test_a_process_too_far_behind_scores_afresh() -> None:
    assert not revision.can_follow(10, (10 + revision.KEEP, 0))
    assert revision.can_follow(10, (11, 0))
    assert not revision.can_follow(10, (12, 11))  # definitions changed after 10
