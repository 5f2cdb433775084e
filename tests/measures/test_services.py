"""record_values and set_targets: many rows at once, every superseded version in history."""

from __future__ import annotations

import gc

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError

from fourfold.core import periods
from fourfold.measures import services
from fourfold.measures.models import KPI, Measurement, MeasurementVersion, Target, TargetVersion
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets

pytestmark = pytest.mark.usefixtures("acme")


def months(n: int) -> list[str]:
    return [periods.month_key(2000 * 12 + i) for i in range(n)]


def test_it_records_more_values_than_one_insert_holds_and_counts_them() -> None:
    revenue, cost = KPI.objects.get(code="revenue"), KPI.objects.get(code="cost")
    n = services.ROWS_PER_INSERT * 2 + 7  # two full inserts and a short one
    keys = months(n)
    entries = [ValueEntry(revenue.pk, key, float(i), f"note {i}") for i, key in enumerate(keys)]
    entries.append(ValueEntry(cost.pk, "2026-01", 5.5))

    count = record_values(entries, actor=None, source="file", source_detail="big.csv")

    assert (count.created, count.changed, count.unchanged) == (n + 1, 0, 0)
    stored = {
        (m.kpi_id, m.period): (m.value, m.comment, m.source, m.source_detail)
        for m in Measurement.objects.all()
    }
    assert stored == {
        (e.kpi_id, e.period): (e.value, e.comment, "file", "big.csv") for e in entries
    }


def test_it_keeps_every_changed_value_in_history_and_leaves_the_same_ones_alone() -> None:
    revenue = KPI.objects.get(code="revenue")
    ann = User.objects.create_user("ann")
    bob = User.objects.create_user("bob")
    keys = months(services.CHUNK + 3)  # the superseded rows are copied in chunks
    record_values(
        [ValueEntry(revenue.pk, key, 1.0, "first") for key in keys],
        actor=ann,
        source="manual",
        source_detail="",
    )
    first = {m.period: m.entered_at for m in Measurement.objects.all()}
    changed = keys[1:]
    entries = [ValueEntry(revenue.pk, keys[0], 1.0, "first")]
    entries += [ValueEntry(revenue.pk, key, 2.0, "second") for key in changed]

    count = record_values(entries, actor=bob, source="api", source_detail="tok", reason="fix")

    assert (count.created, count.changed, count.unchanged) == (0, len(changed), 1)
    now = {m.period: m for m in Measurement.objects.all()}
    assert now[keys[0]].value == 1.0 and now[keys[0]].entered_by == ann
    assert all(now[key].value == 2.0 and now[key].entered_by == bob for key in changed)
    versions = {v.period: v for v in MeasurementVersion.objects.all()}
    assert sorted(versions) == sorted(changed)
    for key in changed:
        old = versions[key]
        assert (old.value, old.comment, old.source, old.entered_by, old.reason) == (
            1.0,
            "first",
            "manual",
            ann,
            "fix",
        )
        assert old.entered_at == first[key]
        assert old.superseded_at == now[key].entered_at
        assert old.superseded_by == bob


def test_it_keeps_every_changed_target_in_history() -> None:
    revenue = KPI.objects.get(code="revenue")
    set_targets(
        [TargetEntry(revenue.pk, "2026-01", (700.0, 500.0, None, None, None, None))],
        actor=None,
        source="file",
        reason="plan",
    )
    count = set_targets(
        [
            TargetEntry(revenue.pk, "2026-01", (750.0, 500.0, None, None, None, None)),
            TargetEntry(revenue.pk, "2026-02", (750.0, None, None, None, None, None)),
        ],
        actor=None,
        source="manual",
        reason="raised",
    )

    assert (count.created, count.changed, count.unchanged) == (1, 1, 0)
    assert Target.objects.get(period="2026-01").target == 750.0
    (old,) = TargetVersion.objects.all()
    assert (old.period, old.target, old.red_flag, old.source, old.reason) == (
        "2026-01",
        700.0,
        500.0,
        "file",
        "plan",
    )
    assert old.superseding_reason == "raised"


def test_it_writes_nothing_when_a_value_comes_twice() -> None:
    revenue = KPI.objects.get(code="revenue")
    entries = [ValueEntry(revenue.pk, key, 1.0) for key in months(20)]
    entries.append(ValueEntry(revenue.pk, entries[3].period, 9.0))

    with pytest.raises(IntegrityError):
        record_values(entries, actor=None, source="file")

    assert not Measurement.objects.exists()


def test_it_collects_garbage_again_after_a_write() -> None:
    revenue = KPI.objects.get(code="revenue")
    record_values([ValueEntry(revenue.pk, k, 1.0) for k in months(3)], actor=None, source="file")
    assert gc.isenabled()
