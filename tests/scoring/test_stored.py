"""The rows kept in a file for the first computation of a process (fourfold/scoring/stored.py):
a process that starts with the file computes exactly what one reading every row computes,
after any edits since the file was written, and a file it cannot be sure of is not used.

A new process is the scores cache emptied: the rows kept in memory are gone, the file stays.
Outside a test transaction (`transaction=True`), as requests run: inside one, nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from fourfold.measures.models import KPI
from fourfold.scoring import cache, engine, kept, revision, stored
from fourfold.scoring.models import Revision
from tests.scoring.test_incremental import TODAY, Edit, apply, assert_same, edits, organization

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small(settings: Settings, tmp_path: Path) -> Iterator[None]:
    """Files of rows however few, in a folder of the test's, and quick computations kept."""
    settings.ROWS_FILE_DIR = tmp_path
    settings.ROWS_FILE_MIN_ROWS = 0
    settings.CACHES = {
        **settings.CACHES,
        "scores": {**settings.CACHES["scores"], "OPTIONS": {"MAX_ENTRIES": 8, "MIN_SECONDS": 0}},
    }
    caches[cache.ALIAS].clear()
    yield
    caches[cache.ALIAS].clear()


def new_process() -> engine.Scores:
    caches[cache.ALIAS].clear()
    return engine.compute(today=TODAY)


def every_row_read() -> engine.Scores:
    with transaction.atomic():  # nothing kept, no file read
        return engine.compute(today=TODAY)


def rows_kept() -> kept.Rows:
    found = caches[cache.ALIAS].get(kept.KEY)
    assert isinstance(found, kept.Rows)
    return found


def file_revision() -> int:
    where = stored.path()
    assert where is not None
    return int(stored.header(where)[0]["revision"])


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(edits, min_size=1, max_size=3))
def test_a_new_process_from_the_file_equals_one_reading_every_row(
    batches: list[list[Edit]],
) -> None:
    if not KPI.objects.exists():
        organization()
    kpis = list(KPI.objects.filter(formula="").order_by("code"))
    new_process()  # the file written, or followed from
    for batch in batches:
        written_at = file_revision()
        _, keys = apply(kpis, batch)
        scores = new_process()
        assert_same(scores, every_row_read())
        rows = rows_kept()
        assert rows.number == revision.current()[0]
        if keys is not None:  # values and targets written by the services: followed
            assert rows.saved == written_at
        else:  # rows deleted by a statement: read afresh, and the file written again
            assert rows.saved == rows.number == file_revision()


@pytest.mark.parametrize("harm", ["altered", "cut short", "empty", "another file"])
def test_a_file_cut_short_or_altered_is_not_used_and_is_written_again(harm: str) -> None:
    organization()
    first = new_process()
    where = stored.path()
    assert where is not None and where.exists()
    content = where.read_bytes()
    altered = content
    if harm == "altered":  # the last value's last byte (its sign and exponent)
        found, start = stored.header(where)
        _, length, offset = found["arrays"][2]
        at = start + offset + 8 * length - 1
        altered = content[:at] + bytes([content[at] ^ 0x40]) + content[at + 1 :]
    harmed = {
        "altered": altered,
        "cut short": content[: len(content) - 100],
        "empty": b"",
        "another file": b"PK\x03\x04" + content[4:],
    }[harm]
    where.write_bytes(harmed)
    assert stored.load(revision.current()) is None
    assert not where.exists() or harm == "empty"
    assert_same(new_process(), first)
    assert rows_kept().saved == file_revision() == revision.current()[0]  # written again
    assert stored.load(revision.current()) is not None


def test_a_file_of_another_history_at_the_same_revision_is_not_used() -> None:
    organization()
    new_process()
    # Another database, or a backup restored, that counted up to the same number.
    Revision.objects.filter(pk=1).update(mark=revision.marked()[2] + 1)
    assert stored.load(revision.current()) is None
    new_process()
    assert rows_kept().saved == revision.current()[0]  # read afresh and written again


def test_at_most_a_few_files_are_kept(tmp_path: Path) -> None:
    for i in range(stored.MAX_FILES + 2):
        (tmp_path / f"rows-{i:016x}.bin").write_bytes(b"old")
    organization()
    new_process()
    assert len(list(tmp_path.glob("rows-*.bin"))) == stored.MAX_FILES
    assert stored.path() in list(tmp_path.glob("rows-*.bin"))


def test_a_folder_that_cannot_be_written_leaves_the_rows_read_each_time(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "a file").write_text("not a folder")
    settings.ROWS_FILE_DIR = tmp_path / "a file" / "cache"
    organization()
    assert_same(new_process(), every_row_read())
    assert rows_kept().saved == -1


def test_rows_followed_far_from_their_file_are_written_to_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    organization()
    new_process()
    written_at = file_revision()
    kpi = KPI.objects.filter(formula="").order_by("code")[0]
    apply([kpi], [(0, "2026-02", "value", 12.5)])
    new_process()
    assert rows_kept().saved == written_at  # one KPI read again: the file is kept as it is
    monkeypatch.setattr(kept, "RESAVE_KPIS", 1)
    apply([kpi], [(0, "2026-03", "value", 13.5)])
    new_process()
    assert rows_kept().saved == file_revision() == revision.current()[0] > written_at
    assert_same(new_process(), every_row_read())


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(edits, min_size=1, max_size=3))
def test_a_units_rows_picked_from_the_file_equal_its_rows_read(batches: list[list[Edit]]) -> None:
    """A unit's page in a new process takes its KPIs' rows from the file, those written
    since read again: the same scores as reading them all."""
    if not KPI.objects.exists():
        organization()
    kpis = list(KPI.objects.filter(formula="").order_by("code"))
    new_process()  # the file written
    for batch in batches:
        apply(kpis, batch)
        for unit in ("child0", "top"):
            caches[cache.ALIAS].clear()
            with transaction.atomic():  # nothing kept, no file read
                want = engine.compute(today=TODAY, unit=unit)
            assert_same(cache.scores(unit=unit, today=TODAY), want)


def test_a_unit_takes_its_rows_from_the_file_checked_once() -> None:
    organization()
    new_process()
    ids = list(KPI.objects.filter(code__startswith="child0.").values_list("pk", flat=True))
    now = revision.current()
    first = kept._some_from_file(ids, now)
    assert first is not None
    codes, values, targets = first
    assert set(values.kpi_id.tolist()) <= set(ids) and len(values.kpi_id)
    again, once_more = stored.load(now), stored.load(now)
    assert again is not None and once_more is not None
    assert again[2].kpi_id is once_more[2].kpi_id  # the same mapping, not checked again
    where = stored.path()
    assert where is not None
    where.write_bytes(where.read_bytes()[:-100])  # changed in place: checked again, not used
    assert kept._some_from_file(ids, now) is None


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(edits, min_size=1, max_size=3), weights=st.lists(st.integers(1, 5)))
def test_rows_are_followed_across_a_change_of_definitions(
    batches: list[list[Edit]], weights: list[int]
) -> None:
    """A definition changed (a KPI's weight) moves no row: the rows kept are followed, not read
    again, and the scores equal those computed from every row; a write of rows outside the
    storage writers is read afresh."""
    if not KPI.objects.exists():
        organization()
    kpis = list(KPI.objects.filter(formula="").order_by("code"))
    new_process()
    for i, batch in enumerate(batches):
        before = rows_kept()
        kpi = kpis[i % len(kpis)]
        kpi.weight = weights[i % len(weights)] if weights else 2
        kpi.save(update_fields=["weight"])
        now = revision.current()
        assert now[1] == now[0]  # a change of definitions
        _, keys = apply(kpis, batch)
        assert_same(engine.compute(today=TODAY), every_row_read())
        rows = rows_kept()
        assert rows.number == revision.current()[0]
        if keys is not None:  # followed from the rows kept, across the change of definitions
            assert rows.saved == before.saved and rows.behind >= before.behind
        else:  # rows deleted by a statement: read afresh, and the file written again
            assert rows.saved == rows.number
