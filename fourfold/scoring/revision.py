"""The one revision counter, moved in the same transaction as every write scores depend on.

Scores are a function of the rows of SCORED_MODELS. The counter (`scoring.Revision`, one
row) moves with every write of them, two ways, so that no writer can forget it:

- the storage writers of values and targets (`record_values`, `set_targets` in
  fourfold/measures/services.py) call `moved(keys=...)` with the (KPI, period) of the values
  or targets they created or changed (they delete none): the change is kept
  (`scoring.ScoreChange`, by KPI alone for very large writes), so that a process holding the
  scores of an earlier revision reads again only those rows and re-scores only those KPIs
  (fourfold/scoring/cache.py);
- every other statement that writes one of those tables (a definition saved by a form, the
  loader, the API, the admin, a bulk update, a deletion, a restore; a value written through
  the ORM) is seen by a database execute wrapper on every connection, which moves the counter
  right after the statement, in its transaction, and marks the revision as a change of
  definitions: scores are then computed afresh. Only a statement that writes values or
  targets marks it `unfollowed` too: the rows kept (fourfold/scoring/kept.py) are then read
  afresh; across any other change of definitions they are followed (`rows_can_follow`).

`current()` is what a reader asks first; what it reads afterwards is at least that new.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import secrets
import time
from collections.abc import Callable, Collection, Iterator
from functools import cache
from typing import Any

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

from fourfold.measures.models import KPI, Measurement, Scheme, Target
from fourfold.strategy.models import (
    Alignment,
    Link,
    Objective,
    Organization,
    Perspective,
    Scorecard,
    Unit,
)

from .models import Revision, ScoreChange

# Every model whose rows the scoring engine reads (a test holds the engine to these tables).
SCORED_MODELS: tuple[type[models.Model], ...] = (
    Organization,
    Scheme,
    Unit,
    Scorecard,
    Perspective,
    Objective,
    Alignment,
    Link,
    KPI,
    Measurement,
    Target,
)
# Changes kept for processes that hold older scores; one further back is scored afresh.
KEEP = 10_000
PRUNE_EVERY = 100
# A write of more KPIs than this is scored afresh rather than KPI by KPI.
MOST_KPIS = 20_000
# A write of more values and targets than this is kept by KPI, not by KPI and period.
MOST_KEYS = 50_000

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_migrating = [False]
# Inside a storage writer: its own writes of values and targets are moved by it, with the KPIs.
_accounted: contextvars.ContextVar[bool] = contextvars.ContextVar("accounted", default=False)


@cache
def _tables() -> frozenset[str]:
    return frozenset(m._meta.db_table for m in SCORED_MODELS)


@cache
def _data_tables() -> frozenset[str]:
    return frozenset(m._meta.db_table for m in (Measurement, Target))


def _revision_table() -> str:
    return Revision._meta.db_table


def current(connection: Any = None) -> tuple[int, int]:
    """The revision number and the number of the last change of definitions, in one query."""
    connection = connection or _default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number, definitions FROM {_revision_table()} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def changed_since(number: int, connection: Any = None) -> set[int]:
    """The KPIs whose values or targets changed after revision `number`."""
    connection = connection or _default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT kpi_id FROM {ScoreChange._meta.db_table} "  # noqa: S608
            "WHERE revision > %s",
            [number],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def changes_since(number: int, connection: Any = None) -> tuple[set[int], set[tuple[int, str]]]:
    """The KPIs whose values or targets changed after revision `number`, and the (KPI,
    period) of each value or target changed, when every change of those KPIs names its
    period (else the KPIs is all that is known)."""
    connection = connection or _default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT kpi_id, period FROM {ScoreChange._meta.db_table} "  # noqa: S608
            "WHERE revision > %s",
            [number],
        )
        found = [(int(row[0]), str(row[1])) for row in cursor.fetchall()]
    kpis = {kpi for kpi, _ in found}
    whole = {kpi for kpi, period in found if not period}
    return kpis, {(kpi, period) for kpi, period in found if kpi not in whole}


def can_follow(base: int, now: tuple[int, int]) -> bool:
    """Whether the changes from revision `base` to `now` are all kept, and all of values or
    targets of known KPIs (else scores are computed afresh)."""
    return now[1] <= base and _kept_since(base, now[0])


def _kept_since(base: int, number: int) -> bool:
    """Whether the changes from revision `base` to `number` are still kept (not pruned)."""
    return base <= number and number - base <= KEEP - PRUNE_EVERY


def rows_can_follow(base: int, now: tuple[int, int]) -> bool:
    """Whether the values and targets of revision `base` can be followed to `now` by reading
    again those of the KPIs written since (`changed_since`): no write of them since that was
    not followed, whatever else changed (a change of definitions moves no row)."""
    if can_follow(base, now):
        return True
    if not _kept_since(base, now[0]):
        return False
    with _default().cursor() as cursor:
        cursor.execute(f"SELECT unfollowed FROM {_revision_table()} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row is not None and int(row[0]) <= base


def moved(
    kpi_ids: Collection[int],
    connection: Any = None,
    *,
    keys: Collection[tuple[int, str]] | None = None,
) -> int:
    """Move the counter for a write of these KPIs' values or targets (or of those `keys`,
    (KPI id, period), named when there are not too many of them); the new number."""
    connection = connection or _default()
    ids = sorted(set(kpi_ids) | ({k for k, _ in keys} if keys is not None else set()))
    if len(ids) > MOST_KPIS:
        return _move(connection, definitions=True, unfollowed=True)
    mark = _mark()
    number = _move(connection, definitions=False, mark=mark)
    table = ScoreChange._meta.db_table
    if keys is not None and len(keys) <= MOST_KEYS and set(kpi_ids) <= {k for k, _ in keys}:
        rows = [(number, k, p, mark) for k, p in sorted(set(keys))]
    else:
        rows = [(number, k, "", mark) for k in ids]
    with connection.cursor() as cursor:
        if rows:
            cursor.executemany(
                f"INSERT INTO {table} (revision, kpi_id, period, mark) "  # noqa: S608
                "VALUES (%s, %s, %s, %s)",
                rows,
            )
        if number % PRUNE_EVERY == 0:
            cursor.execute(f"DELETE FROM {table} WHERE revision <= %s", [number - KEEP])  # noqa: S608
    return number


def _mark() -> int:
    """A random mark of a revision (not 0: the mark of revisions made before marks)."""
    return secrets.randbelow(2**62) + 1


def _move(
    connection: Any, *, definitions: bool, mark: int | None = None, unfollowed: bool = False
) -> int:
    mark = mark or _mark()
    also = ", definitions = number + 1, definitions_mark = %s" if definitions else ""
    also += ", unfollowed = number + 1" if unfollowed else ""
    sql = (
        f"UPDATE {_revision_table()} SET number = number + 1{also}, mark = %s "  # noqa: S608
        "WHERE id = 1 RETURNING number"
    )
    with connection.cursor() as cursor:
        params = [mark, mark] if definitions else [mark]
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            # The row went with every other (a flush of all tables): start again beyond any
            # number this or another process may hold, so that none is seen twice.
            start = time.time_ns() // 1000
            cursor.execute(
                f"INSERT INTO {_revision_table()} "  # noqa: S608
                "(id, number, definitions, mark, definitions_mark, unfollowed) "
                "VALUES (1, %s, %s, 0, 0, %s) ON CONFLICT (id) DO NOTHING",
                [start, start, start],
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return int(row[0])


def marked(connection: Any = None) -> tuple[int, int, int]:
    """The revision number, the number of the last change of definitions and the mark of
    the revision, in one query."""
    return _marks(connection)[:3]


def _marks(connection: Any = None) -> tuple[int, int, int, int]:
    connection = connection or _default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number, definitions, mark, definitions_mark "  # noqa: S608
            f"FROM {_revision_table()} WHERE id = 1"
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else (0, 0, 0, 0)


def in_history(number: int, mark: int, connection: Any = None) -> bool:
    """Whether the revision `number` of this database's history has this mark: the revision
    it is at, its last change of definitions, or a write of values or targets whose change
    is kept."""
    if mark == 0:
        return False
    now, definitions, now_mark, definitions_mark = _marks(connection)
    if number == now:
        return mark == now_mark
    if number == definitions:
        return mark == definitions_mark
    connection = connection or _default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {ScoreChange._meta.db_table} "  # noqa: S608
            "WHERE revision = %s AND mark = %s LIMIT 1",
            [number, mark],
        )
        return cursor.fetchone() is not None


@contextlib.contextmanager
def accounted() -> Iterator[None]:
    """The storage writers' own writes of values and targets, moved by them with the KPIs."""
    token = _accounted.set(True)
    try:
        yield
    finally:
        _accounted.reset(token)


def _written(sql: str) -> str | None:
    """The table a statement writes, "*" for a TRUNCATE, None for a read."""
    head = sql.lstrip()[:9].upper()
    if head.startswith("TRUNCATE"):
        return "*"
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
        return None
    found = _WRITE.match(sql)
    return found.group(1) if found else None


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if not _migrating[0]:
        table = _written(sql)
        rows = table == "*" or (table in _data_tables() and not _accounted.get())
        if rows or table in _tables() - _data_tables():
            _move(context["connection"], definitions=True, unfollowed=rows)
    return result


def _installed(connection: Any, **kwargs: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _default() -> Any:
    from django.db import connection

    return connection


def _pause(**kwargs: Any) -> None:
    _migrating[0] = True


def _resume(**kwargs: Any) -> None:
    _migrating[0] = False


def install() -> None:
    """Watch every connection, and this process's already open ones (at start-up: none)."""
    from django.db import connections

    connection_created.connect(_installed, dispatch_uid="fourfold-revision")
    pre_migrate.connect(_pause, dispatch_uid="fourfold-revision-pause")
    post_migrate.connect(_resume, dispatch_uid="fourfold-revision-resume")
    for connection in connections.all(initialized_only=True):
        _installed(connection)
