"""A write of values that PostgreSQL ends to break a deadlock (40P01) is run again
(fourfold/retry.py), so both it and the other transaction are kept, each with its history; an
error that is no deadlock, or a write inside an outer transaction, is not run again.

The intake locks the rows it changes in one order (by id), so two of its writes wait for each
other rather than deadlock; the other party here is another program's transaction on the same
table (a DBA's script, another tool) that takes the same rows in the other order: it holds
stock days, the writer locks revenue and waits for stock days, then it asks for revenue. The
writer's deadlock check (after PostgreSQL's default `deadlock_timeout`, 1 s) finds the cycle
first, as the other's is set far later, so PostgreSQL ends the writer's transaction.
PostgreSQL only: SQLite writes one transaction at a time."""

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
LOCK = "FOR UPDATE"  # the statement that locks the rows a write changes
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
    """One person's write of revenue and stock days through the intake, in a thread of its
    own; `attempts` counts its transactions (each locks the rows it changes first)."""

    name: str
    ids: list[int]
    value: float
    nested: bool = False
    lock_timeout: str = ""
    pid: int = 0
    attempts: int = 0
    errors: list[str] = field(default_factory=list)
    outcome: Submitted | BaseException | None = None
    started: threading.Event = field(default_factory=threading.Event)

    def watch(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if LOCK in sql:
            self.attempts += 1
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            self.errors.append(getattr(exc.__cause__, "sqlstate", "") or repr(exc))
            raise

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
                if self.lock_timeout:
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, false)", [self.lock_timeout]
                    )
            user = User.objects.get(username=self.name)
            entries = [ValueEntry(pk, "2026-01", self.value) for pk in self.ids]
            self.started.set()
            with connection.execute_wrapper(self.watch):
                if self.nested:
                    with transaction.atomic():
                        self.outcome = write(entries, user)
                else:
                    self.outcome = write(entries, user)
        except BaseException as exc:  # what the person would be told, kept for the test
            self.outcome = exc
        finally:
            self.started.set()
            connections.close_all()


def write(entries: list[ValueEntry], user: User) -> Submitted:
    return submit_values(entries, actor=user, access=Access.of(user), channel="api")


def waiting(other: psycopg.Connection[Any], pid: int) -> None:
    """Until the backend PID waits for a lock (PostgreSQL's own view of it), at most 10 s."""
    for _ in range(2000):
        row = other.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()
        if row and row[0] == "Lock":
            return
        threading.Event().wait(0.005)
    raise AssertionError(f"backend {pid} never waited for a lock")


def crossed(database_url: str, ids: dict[str, int], writer: Writer) -> None:
    """The writer against another transaction that locks stock days, then revenue: each ends
    up asking for the row the other holds. The other commits as soon as it has both."""
    table = Measurement._meta.db_table
    revenue, stock = ids["revenue"], ids["stock-days"]
    lock = f"SELECT 1 FROM {table} WHERE kpi_id = %s AND period = '2026-01' FOR UPDATE"  # noqa: S608
    with psycopg.connect(database_url) as other, psycopg.connect(database_url) as look:
        look.autocommit = True
        other.execute("SET deadlock_timeout = '60s'")  # the writer's check comes first
        other.execute(lock, [stock])
        thread = threading.Thread(target=writer.run)
        thread.start()
        assert writer.started.wait(timeout=10)
        waiting(look, writer.pid)  # it holds revenue and waits for stock days
        other.execute(lock, [revenue])  # granted once the writer's transaction ends
        other.commit()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the writer is still waiting"


def stored(ids: dict[str, int]) -> dict[str, tuple[float, str, list[float]]]:
    """Each KPI's value of January, who entered it, and its earlier values, oldest first."""
    out = {}
    for code, pk in ids.items():
        now = Measurement.objects.select_related("entered_by").get(kpi_id=pk, period="2026-01")
        history = MeasurementVersion.objects.filter(kpi_id=pk, period="2026-01")
        earlier = list(history.order_by("superseded_at", "pk").values_list("value", flat=True))
        out[code] = (now.value, now.entered_by.username if now.entered_by else "", earlier)
    return out


def test_a_write_ended_by_a_deadlock_is_run_again_and_kept_with_its_history(
    card: dict[str, int], database_url: str
) -> None:
    writer = Writer("ann", [card["revenue"], card["stock-days"]], 1.0)
    crossed(database_url, card, writer)
    # PostgreSQL ended the writer's first transaction, once; the person was not told.
    assert writer.errors == [DEADLOCK]
    assert writer.attempts == 2
    assert isinstance(writer.outcome, Submitted)
    assert writer.outcome.written.changed == 2
    # Written once, with the card's values as its history.
    assert stored(card) == {code: (1.0, "ann", [before]) for code, before in BEFORE.items()}


def test_a_deadlock_inside_an_outer_transaction_is_not_run_again(
    card: dict[str, int], database_url: str
) -> None:
    writer = Writer("bob", [card["revenue"], card["stock-days"]], 2.0, nested=True)
    crossed(database_url, card, writer)
    assert writer.errors == [DEADLOCK]
    assert writer.attempts == 1
    assert isinstance(writer.outcome, OperationalError)
    # Rolled back whole: the card's values as they were, no history.
    assert stored(card) == {code: (before, "", []) for code, before in BEFORE.items()}


def test_an_error_other_than_a_deadlock_is_not_run_again(
    card: dict[str, int], database_url: str
) -> None:
    """A row locked by someone else longer than the writer will wait: no deadlock, not retried."""
    writer = Writer("cid", [card["revenue"]], 3.0, lock_timeout="50ms")
    table = Measurement._meta.db_table
    with psycopg.connect(database_url) as other:
        other.execute(f"SELECT 1 FROM {table} WHERE kpi_id = %s FOR UPDATE", [card["revenue"]])  # noqa: S608
        thread = threading.Thread(target=writer.run)
        thread.start()
        thread.join(timeout=30)
    assert writer.errors == [LOCK_NOT_AVAILABLE]
    assert isinstance(writer.outcome, OperationalError)
    assert writer.attempts == 1
    assert stored(card)["revenue"] == (BEFORE["revenue"], "", [])
