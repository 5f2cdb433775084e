"""Write values and targets in bulk, keeping every superseded version."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from fourfold.memory import gc_paused
from fourfold.scoring import revision

from .models import Measurement, MeasurementVersion, Target, TargetVersion

CHUNK = 500
# Up to this many distinct periods, only the existing rows of those periods are read.
PERIODS_FILTERED = 24
# Rows in one INSERT on SQLite (within its limit on parameters).
ROWS_PER_INSERT = 500


class ValueEntry(NamedTuple):
    """A value to record (a named tuple: a million of them are made on a big import)."""

    kpi_id: int
    period: str
    value: float
    comment: str = ""


@dataclass(frozen=True)
class TargetEntry:
    kpi_id: int
    period: str
    fields: tuple[float | None, ...]  # in the order of Target.FIELDS
    phase: str = ""  # how a yearly or quarterly target is spread (fourfold.core.phasing)
    reason: str | None = None  # this entry's own reason, else the write's


@dataclass
class WriteCount:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    # The rows inserted (kpi_id and period first) and the keys of those updated, for keys().
    new_rows: list[tuple[Any, ...]] = field(default_factory=list, repr=False, compare=False)
    updated: list[tuple[int, str]] = field(default_factory=list, repr=False, compare=False)

    def keys(self) -> list[tuple[int, str]]:
        """Each (kpi_id, period) created or changed."""
        return [(row[0], row[1]) for row in self.new_rows] + self.updated

    def __add__(self, other: WriteCount) -> WriteCount:
        return WriteCount(
            self.created + other.created,
            self.changed + other.changed,
            self.unchanged + other.unchanged,
        )


def _moved(new_rows: list[tuple[Any, ...]], updated: list[tuple[int, str]]) -> None:
    """Move the revision counter, in the write's transaction, for the KPIs it changed."""
    if new_rows or updated:
        revision.moved((), keys=[(row[0], row[1]) for row in new_rows] + updated)


def _user_id(actor: AbstractBaseUser | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _existing(
    model: Any, columns: str, entries: Sequence[ValueEntry] | Sequence[TargetEntry]
) -> dict[tuple[int, str], tuple[Any, ...]]:
    """The current rows of these entries' KPIs keyed by (kpi_id, period), read in a few raw
    queries; only those of the entries' periods when they are few (an upsert of one month)."""
    table = model._meta.db_table
    found: dict[tuple[int, str], tuple[Any, ...]] = {}
    ids = sorted({e.kpi_id for e in entries})
    keys = sorted({e.period for e in entries})
    when, when_params = "", []
    if len(keys) <= PERIODS_FILTERED:
        when, when_params = f" AND period IN ({','.join(['%s'] * len(keys))})", keys
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT kpi_id, period, {columns} FROM {table} "  # noqa: S608
                f"WHERE kpi_id IN ({marks}){when}",
                [*chunk, *when_params],
            )
            found.update(((row[0], row[1]), row[2:]) for row in cursor.fetchall())
    return found


def _locked(model: Any, columns: str, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The rows with these ids as they stand now, locked until the transaction ends, where the
    database can (PostgreSQL); else {}. Without the lock, two people changing the same value at
    once both read the same current row, and the one who commits second would put into history
    the value the first replaced, not the first one's: an accepted value lost from history."""
    if not ids or not connection.features.has_select_for_update:
        return {}
    table = model._meta.db_table
    found: dict[int, tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = sorted(ids[start : start + CHUNK])  # in one order: fewer deadlocks
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id, {columns} FROM {table} WHERE id IN ({marks}) "  # noqa: S608
                "ORDER BY id FOR UPDATE",
                chunk,
            )
            found.update((row[0], row[1:]) for row in cursor.fetchall())
    return found


def _still_changing(
    updates: list[tuple[Any, ...]],
    updated: list[tuple[int, str]],
    current: dict[int, tuple[Any, ...]],
    width: int,
) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]], int]:
    """The updates (each its new fields first, its row's id last) and their keys, less those
    whose row `current` (as `_locked` read it) already holds: another writer wrote the same
    fields meanwhile. With how many were left out. The last of the fields compared is a text
    that NULL stands for as ''."""
    if not current:
        return updates, updated, 0

    def same(row: tuple[Any, ...]) -> bool:
        now = current.get(row[-1])
        if now is None:
            return False
        *numbers, text = now[:width]
        return tuple(numbers) == tuple(row[: width - 1]) and (text or "") == row[width - 1]

    keep = [i for i, row in enumerate(updates) if not same(row)]
    return [updates[i] for i in keep], [updated[i] for i in keep], len(updates) - len(keep)


def _insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(columns)
    # The driver's own cursor, its errors turned into Django's (IntegrityError and the like).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for a million rows.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if connection.vendor != "sqlite":
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
            return
        # Many rows per INSERT: half the time of one statement a row for a million rows.
        limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_INSERT, limit // len(columns)))
        one = f"({', '.join(['?'] * len(columns))})"
        full = len(rows) - len(rows) % per
        flat = itertools.chain.from_iterable
        if full:
            cursor.cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * per)}",  # noqa: S608
                [tuple(flat(rows[start : start + per])) for start in range(0, full, per)],
            )
        if full < len(rows):
            many = ", ".join([one] * (len(rows) - full))
            cursor.cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {many}",  # noqa: S608
                tuple(flat(rows[full:])),
            )


def _executemany(cursor: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "sqlite":
        # The driver's own executemany: Django's wrapper copies every row on the way.
        with connection.wrap_database_errors:
            cursor.cursor.executemany(sql.replace("%s", "?"), rows)
    else:
        cursor.executemany(sql, rows)


def _supersede(
    model: Any, version: Any, copied: Sequence[str], ids: list[int], **stamp: Any
) -> None:
    """Copy the rows with these ids into their history table, inside the database, before they
    change: the copied columns keep their names, the `stamp` columns get one value for all."""
    marks = []
    for name in stamp:
        if connection.vendor == "postgresql":
            # A bare parameter in a SELECT list has no type that PostgreSQL could infer.
            marks.append(f"CAST(%s AS {version._meta.get_field(name).db_type(connection)})")
        else:
            marks.append("%s")
    head = (
        f"INSERT INTO {version._meta.db_table} ({', '.join([*copied, *stamp])}) "  # noqa: S608
        f"SELECT {', '.join([*copied, *marks])} FROM {model._meta.db_table} WHERE id IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks_in = ",".join(["%s"] * len(chunk))
            cursor.execute(f"{head}({marks_in})", [*stamp.values(), *chunk])


MEASUREMENT_COPIED = (
    "kpi_id",
    "period",
    "value",
    "comment",
    "source",
    "source_detail",
    "entered_by_id",
    "entered_at",
)


def record_values(
    entries: Sequence[ValueEntry],
    *,
    actor: AbstractBaseUser | None,
    source: str,
    source_detail: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> WriteCount:
    """Create or change values; a changed value's earlier version goes to history."""
    at = at or timezone.now()
    user = _user_id(actor)
    stamp = connection.ops.adapt_datetimefield_value(at)
    detail = source_detail
    with gc_paused(), transaction.atomic(), revision.accounted():
        existing = _existing(Measurement, "id, value, comment", entries)
        new_rows: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        updated: list[tuple[int, str]] = []
        unchanged = 0
        for kpi_id, period, value, comment in entries:
            old = existing.get((kpi_id, period))
            if old is None:
                new_rows.append(
                    (kpi_id, period, value, comment, source, source_detail, user, stamp)
                )
            elif old[1] == value and (old[2] or "") == comment:
                unchanged += 1
            else:
                updates.append((value, comment, source, detail, user, stamp, old[0]))
                updated.append((kpi_id, period))
        # The rows to change as another writer may just have left them.
        current = _locked(Measurement, "value, comment", [row[-1] for row in updates])
        updates, updated, same = _still_changing(updates, updated, current, 2)
        unchanged += same
        if updates:
            _supersede(
                Measurement,
                MeasurementVersion,
                MEASUREMENT_COPIED,
                [row[-1] for row in updates],
                superseded_at=stamp,
                superseded_by_id=user,
                reason=reason,
            )
            table = Measurement._meta.db_table
            with connection.cursor() as cursor:
                _executemany(
                    cursor,
                    f"UPDATE {table} SET value = %s, comment = %s, source = %s, "  # noqa: S608
                    "source_detail = %s, entered_by_id = %s, entered_at = %s WHERE id = %s",
                    updates,
                )
        _insert(Measurement, MEASUREMENT_COPIED, new_rows)
        _moved(new_rows, updated)
    return WriteCount(len(new_rows), len(updates), unchanged, new_rows, updated)


def set_targets(
    entries: Sequence[TargetEntry],
    *,
    actor: AbstractBaseUser | None,
    source: str,
    reason: str = "",
    at: dt.datetime | None = None,
) -> WriteCount:
    """Create or change targets; a changed target's earlier version goes to history."""
    at = at or timezone.now()
    user = _user_id(actor)
    stamp = connection.ops.adapt_datetimefield_value(at)
    fields = Target.FIELDS
    with gc_paused(), transaction.atomic(), revision.accounted():
        existing = _existing(Target, "id, " + ", ".join(fields) + ", phase", entries)
        base = ["kpi_id", "period", *fields, "phase", "changed_by_id", "changed_at", "source"]
        base.append("reason")
        new_rows: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        updated: list[tuple[int, str]] = []
        unchanged = 0
        for e in entries:
            old = existing.get((e.kpi_id, e.period))
            why = reason if e.reason is None else e.reason
            if old is None:
                new_rows.append((e.kpi_id, e.period, *e.fields, e.phase, user, stamp, source, why))
            elif tuple(old[1:-1]) == e.fields and (old[-1] or "") == e.phase:
                unchanged += 1
            else:
                updates.append((*e.fields, e.phase, user, stamp, source, why, old[0]))
                updated.append((e.kpi_id, e.period))
        # The rows to change as another writer may just have left them.
        columns = ", ".join((*fields, "phase"))
        current = _locked(Target, columns, [row[-1] for row in updates])
        updates, updated, same = _still_changing(updates, updated, current, len(fields) + 1)
        unchanged += same
        if updates:
            # Each superseded version with the reason of the entry that replaced it.
            by_reason: dict[str, list[int]] = {}
            for row in updates:
                by_reason.setdefault(row[-2], []).append(row[-1])
            for why, ids in by_reason.items():
                _supersede(
                    Target,
                    TargetVersion,
                    base,
                    ids,
                    superseded_at=stamp,
                    superseded_by_id=user,
                    superseding_reason=why,
                )
            table = Target._meta.db_table
            sets = ", ".join(f"{f} = %s" for f in (*fields, "phase"))
            with connection.cursor() as cursor:
                _executemany(
                    cursor,
                    f"UPDATE {table} SET {sets}, changed_by_id = %s, changed_at = %s, "  # noqa: S608
                    "source = %s, reason = %s WHERE id = %s",
                    updates,
                )
        _insert(Target, base, new_rows)
        _moved(new_rows, updated)
    return WriteCount(len(new_rows), len(updates), unchanged, new_rows, updated)
