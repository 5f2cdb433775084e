"""A transaction that PostgreSQL ended to break a deadlock is tried again.

Two writers that lock the same rows in another order (values of the same KPIs, each insert
holding a key lock on its KPI) may deadlock; PostgreSQL then aborts one of them with
"deadlock detected", and its own advice is to run that transaction again. Only a transaction of
our own can be run again: inside someone else's atomic block the error goes up as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction

T = TypeVar("T")
DEADLOCK = "40P01"
TRIES = 3


def _deadlock(exc: BaseException) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == DEADLOCK or getattr(cause, "pgcode", None) == (
        DEADLOCK
    )


def atomically(work: Callable[[], T]) -> T:
    """`work()` in a transaction of its own, run again (at most three times in all) when
    PostgreSQL broke a deadlock by ending it; in an outer transaction, run once."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, TRIES + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if attempt == TRIES or not _deadlock(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
