"""Two people changing the same value at once, on PostgreSQL: each accepted value stays in the
history (the load test found one lost under 50 users). Outside a test transaction, as requests
run: each writer is a thread with a connection of its own."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from fourfold.files.load import load
from fourfold.measures.models import KPI, Measurement, MeasurementVersion, Target, TargetVersion
from fourfold.measures.services import TargetEntry, ValueEntry, record_values, set_targets

from .conftest import CARD

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_on_a_lock(deadline: float) -> None:
    """Until another connection of this database waits on a row lock (or fail at deadline)."""
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("the second writer never waited for the first one's lock")


def _one_after_another(first: object, second: object) -> None:
    """`first()` writes and holds its transaction open until `second()` (in another thread)
    waits on its lock; then the first commits and the second goes on."""
    written, release = threading.Event(), threading.Event()
    problems: list[BaseException] = []

    def run(work: object, hold: bool) -> None:
        try:
            with transaction.atomic():
                work()  # type: ignore[operator]
                if hold:
                    written.set()
                    assert release.wait(30)
        except BaseException as exc:  # noqa: BLE001 (reported by the test's thread)
            problems.append(exc)
            written.set()
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=(first, True))
    a.start()
    assert written.wait(30)
    b = threading.Thread(target=run, args=(second, False))
    b.start()
    try:
        _waiting_on_a_lock(time.monotonic() + 30)
    finally:
        release.set()
        a.join(30)
        b.join(30)
    assert not problems, problems


def test_it_keeps_both_values_written_at_once_in_the_history() -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite lets one writer at a time: there is nothing to lock")
    load(CARD, actor=None, source_name="card.yaml")
    revenue = KPI.objects.get(code="revenue").pk
    record_values([ValueEntry(revenue, "2026-01", 100.0)], actor=None, source="manual")

    _one_after_another(
        lambda: record_values([ValueEntry(revenue, "2026-01", 200.0)], actor=None, source="api"),
        lambda: record_values([ValueEntry(revenue, "2026-01", 300.0)], actor=None, source="api"),
    )

    assert Measurement.objects.get(kpi_id=revenue, period="2026-01").value == 300.0
    history = MeasurementVersion.objects.filter(kpi_id=revenue, period="2026-01")
    assert sorted(history.values_list("value", flat=True)) == [100.0, 200.0]


def test_it_keeps_both_targets_set_at_once_in_the_history() -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite lets one writer at a time: there is nothing to lock")
    load(CARD, actor=None, source_name="card.yaml")
    revenue = KPI.objects.get(code="revenue").pk

    def target(value: float) -> TargetEntry:
        return TargetEntry(revenue, "2026-01", (value, None, None, None, None, None))

    set_targets([target(100.0)], actor=None, source="manual")
    _one_after_another(
        lambda: set_targets([target(200.0)], actor=None, source="api"),
        lambda: set_targets([target(300.0)], actor=None, source="api"),
    )

    assert Target.objects.get(kpi_id=revenue, period="2026-01").target == 300.0
    history = TargetVersion.objects.filter(kpi_id=revenue, period="2026-01")
    assert sorted(t or 0.0 for t in history.values_list("target", flat=True)) == [100.0, 200.0]
