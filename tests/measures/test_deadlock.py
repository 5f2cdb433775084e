"""Two people write values of the same two KPIs at once, in opposite orders, and PostgreSQL
really deadlocks them (40P01): the write it ended is run again (fourfold/retry.py), so both are
kept, each with its history; an error that is no deadlock, or a write inside an outer
transaction, is not run again. PostgreSQL only: SQLite writes one transaction at a time."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, OperationalError, connection, connections, transaction
from pytest_django import DjangoDbBlocker

from fourfold.accounts.access import Access
from fourfold.measures.intake import Submitted, submit_values
from fourfold.measures.models import KPI, Measurement, MeasurementVersion
from fourfold.measures.services import ValueEntry
from tests.conftest import django_on
from tests.web import cards

pytestmark = pytest.mark.skipif(
    not os.environ.get("FOURFOLD_DATABASE_URL", "").startswith("postgres"),
    reason="a deadlock needs two writers at once: PostgreSQL (FOURFOLD_DATABASE_URL) only",
)

DEADLOCK, LOCK_NOT_AVAILABLE = "40P01", "55P03"
UPDATE = f"UPDATE {Measurement._meta.db_table} "
HISTORY = f"INSERT INTO {MeasurementVersion._meta.db_table} "
# Revenue and stock days of January, as the small card has them.
BEFORE = {"revenue": 1234567.891, "stock-days": 25.0}


@pytest.fixture
def card(database_url: str, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, int]]:
    """A fresh database of its own (the writers' transactions must commit for the other to see
    them) with the small card; the ids of its revenue and stock-days KPIs."""
    with django_db_blocker.unblock(), django_on(database_url):
        cards.load_small()
        for name in ("ann", "bob", "cid"):
            User.objects.create_superuser(name, f"{name}@example.com", "x")
        yield dict(KPI.objects.filter(code__in=BEFORE).values_list("code", "pk"))


@dataclass
class Writer:
    """One person's write of revenue and stock days in a thread of its own: its UPDATE of the
    values runs a row at a time, and waits after its first row until the other writer has
    locked its own first row, so that each then asks for the row the other holds. Run again,
    it starts copying the values to history once the other has committed: one that starts
    while the other still holds the rows copies the values from before it (a race of its own,
    not the retry's)."""

    name: str
    order: list[int]
    value: float
    meet: threading.Barrier
    nested: bool = False
    attempts: int = 0
    errors: list[str] = field(default_factory=list)
    outcome: Submitted | BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    other: Writer | None = None

    def pace(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        try:
            if sql.startswith(HISTORY) and self.errors and self.other is not None:
                assert self.other.done.wait(timeout=10), "the other writer never finished"
            if not (many and sql.startswith(UPDATE)):
                return execute(sql, params, many, context)
            self.attempts += 1
            if self.attempts > 1 or len(params) < 2:
                return execute(sql, params, many, context)
            execute(sql, params[:1], many, context)
            self.meet.wait(timeout=10)
            return execute(sql, params[1:], many, context)
        except DatabaseError as exc:
            self.errors.append(getattr(exc.__cause__, "sqlstate", "") or repr(exc))
            raise

    def run(self, lock_timeout: str = "") -> None:
        try:
            detected_soon()
            if lock_timeout:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
            user = User.objects.get(username=self.name)
            entries = [ValueEntry(pk, "2026-01", self.value) for pk in self.order]
            with connection.execute_wrapper(self.pace):
                if self.nested:
                    with transaction.atomic():
                        self.outcome = write(entries, user)
                else:
                    self.outcome = write(entries, user)
        except BaseException as exc:  # what the person would be told, kept for the test
            self.outcome = exc
        finally:
            connections.close_all()
            self.done.set()


def write(entries: list[ValueEntry], user: User) -> Submitted:
    return submit_values(entries, actor=user, access=Access.of(user), channel="api")


def detected_soon() -> None:
    """PostgreSQL looks for a deadlock after a lock waited `deadlock_timeout` (1 s unless set):
    20 ms here where the role may set it (scripts/test.sh grants it), to keep the test short."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_parameter_privilege('deadlock_timeout', 'SET')")
        if cursor.fetchone()[0]:
            cursor.execute("SET deadlock_timeout = '20ms'")


def both(ids: dict[str, int], *, nested: bool = False) -> tuple[Writer, Writer]:
    meet = threading.Barrier(2)
    revenue, stock = ids["revenue"], ids["stock-days"]
    ann = Writer("ann", [revenue, stock], 1.0, meet, nested)
    bob = Writer("bob", [stock, revenue], 2.0, meet, nested)
    ann.other, bob.other = bob, ann
    threads = [threading.Thread(target=w.run) for w in (ann, bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer is still waiting"
    return ann, bob


def stored(ids: dict[str, int]) -> dict[str, tuple[float, str, list[float]]]:
    """Each KPI's value of January, who entered it, and its earlier values, oldest first."""
    out = {}
    for code, pk in ids.items():
        now = Measurement.objects.select_related("entered_by").get(kpi_id=pk, period="2026-01")
        history = MeasurementVersion.objects.filter(kpi_id=pk, period="2026-01")
        earlier = list(history.order_by("superseded_at", "pk").values_list("value", flat=True))
        out[code] = (now.value, now.entered_by.username if now.entered_by else "", earlier)
    return out


def test_a_write_ended_by_a_deadlock_is_run_again_and_both_are_kept(
    card: dict[str, int],
) -> None:
    ann, bob = both(card)
    # PostgreSQL ended one of them (either may be chosen), once; nobody was told.
    assert sorted([ann.errors, bob.errors]) == [[], [DEADLOCK]], (ann.errors, bob.errors)
    assert isinstance(ann.outcome, Submitted) and isinstance(bob.outcome, Submitted)
    assert ann.outcome.written.changed == bob.outcome.written.changed == 2
    ended, kept = (ann, bob) if ann.errors else (bob, ann)
    assert (ended.attempts, kept.attempts) == (2, 1)
    # The one run again wrote last; the other's values are its history, after the card's.
    assert stored(card) == {
        code: (ended.value, ended.name, [before, kept.value]) for code, before in BEFORE.items()
    }


def test_a_deadlock_inside_an_outer_transaction_is_not_run_again(card: dict[str, int]) -> None:
    ann, bob = both(card, nested=True)
    ended, kept = (ann, bob) if ann.errors else (bob, ann)
    assert (ended.errors, kept.errors) == ([DEADLOCK], [])
    assert isinstance(ended.outcome, OperationalError)
    assert isinstance(kept.outcome, Submitted)
    assert (ended.attempts, kept.attempts) == (1, 1)
    kept_only = {code: (kept.value, kept.name, [before]) for code, before in BEFORE.items()}
    assert stored(card) == kept_only


def test_an_error_other_than_a_deadlock_is_not_run_again(
    card: dict[str, int], database_url: str
) -> None:
    """A row locked by someone else longer than the writer will wait: no deadlock, not retried."""
    writer = Writer("cid", [card["revenue"]], 3.0, threading.Barrier(1))
    table = Measurement._meta.db_table
    with psycopg.connect(database_url) as other:
        other.execute(f"SELECT 1 FROM {table} WHERE kpi_id = %s FOR UPDATE", [card["revenue"]])  # noqa: S608
        thread = threading.Thread(target=writer.run, kwargs={"lock_timeout": "50ms"})
        thread.start()
        thread.join(timeout=30)
    assert writer.errors == [LOCK_NOT_AVAILABLE]
    assert isinstance(writer.outcome, OperationalError)
    assert writer.attempts == 1
    assert stored(card)["revenue"] == (BEFORE["revenue"], "", [])
