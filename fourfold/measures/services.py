"""Write values and targets in bulk, keeping every superseded version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from .models import Measurement, MeasurementVersion, Target, TargetVersion

CHUNK = 500


@dataclass(frozen=True)
class ValueEntry:
    kpi_id: int
    period: str
    value: float
    comment: str = ""


@dataclass(frozen=True)
class TargetEntry:
    kpi_id: int
    period: str
    fields: tuple[float | None, ...]  # in the order of Target.FIELDS


@dataclass
class WriteCount:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def __add__(self, other: WriteCount) -> WriteCount:
        return WriteCount(
            self.created + other.created,
            self.changed + other.changed,
            self.unchanged + other.unchanged,
        )


def _user_id(actor: AbstractBaseUser | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _existing(
    model: Any, columns: str, kpi_ids: Iterable[int]
) -> dict[tuple[int, str], tuple[Any, ...]]:
    """Current rows for these KPIs keyed by (kpi_id, period), read in a few raw queries."""
    table = model._meta.db_table
    found: dict[tuple[int, str], tuple[Any, ...]] = {}
    ids = sorted(set(kpi_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT kpi_id, period, {columns} FROM {table} WHERE kpi_id IN ({marks})",  # noqa: S608
                chunk,
            )
            for row in cursor.fetchall():
                found[(row[0], row[1])] = row[2:]
    return found


def _insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for a million rows.
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # The driver's own executemany: Django's wrapper copies every row on the way.
            marks = ", ".join(["?"] * len(columns))
            cursor.cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
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
    count = WriteCount()
    with transaction.atomic():
        existing = _existing(
            Measurement,
            "id, value, comment, source, source_detail, entered_by_id, entered_at",
            (e.kpi_id for e in entries),
        )
        new_rows: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        for e in entries:
            old = existing.get((e.kpi_id, e.period))
            if old is None:
                new_rows.append(
                    (e.kpi_id, e.period, e.value, e.comment, source, source_detail, user, stamp)
                )
                count.created += 1
                continue
            pk, value, comment, old_source, old_detail, old_user, old_at = old
            if value == e.value and (comment or "") == e.comment:
                count.unchanged += 1
                continue
            versions.append(
                (e.kpi_id, e.period, value, comment, old_source, old_detail, old_user, old_at)
                + (stamp, user, reason)
            )
            updates.append((e.value, e.comment, source, source_detail, user, stamp, pk))
            count.changed += 1
        columns = ["kpi_id", "period", "value", "comment", "source", "source_detail"]
        _insert(Measurement, [*columns, "entered_by_id", "entered_at"], new_rows)
        _insert(
            MeasurementVersion,
            [
                *columns,
                "entered_by_id",
                "entered_at",
                "superseded_at",
                "superseded_by_id",
                "reason",
            ],
            versions,
        )
        if updates:
            table = Measurement._meta.db_table
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET value = %s, comment = %s, source = %s, "  # noqa: S608
                    "source_detail = %s, entered_by_id = %s, entered_at = %s WHERE id = %s",
                    updates,
                )
    return count


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
    count = WriteCount()
    with transaction.atomic():
        existing = _existing(
            Target,
            "id, " + ", ".join(fields) + ", changed_by_id, changed_at, source, reason",
            (e.kpi_id for e in entries),
        )
        new_rows: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        n = len(fields)
        for e in entries:
            old = existing.get((e.kpi_id, e.period))
            if old is None:
                new_rows.append((e.kpi_id, e.period, *e.fields, user, stamp, source, reason))
                count.created += 1
                continue
            pk, old_fields, rest = old[0], old[1 : n + 1], old[n + 1 :]
            if tuple(old_fields) == e.fields:
                count.unchanged += 1
                continue
            versions.append((e.kpi_id, e.period, *old_fields, *rest, stamp, user, reason))
            updates.append((*e.fields, user, stamp, source, reason, pk))
            count.changed += 1
        base = ["kpi_id", "period", *fields, "changed_by_id", "changed_at", "source", "reason"]
        _insert(Target, base, new_rows)
        _insert(
            TargetVersion,
            [*base, "superseded_at", "superseded_by_id", "superseding_reason"],
            versions,
        )
        if updates:
            table = Target._meta.db_table
            sets = ", ".join(f"{f} = %s" for f in fields)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET {sets}, changed_by_id = %s, changed_at = %s, "  # noqa: S608
                    "source = %s, reason = %s WHERE id = %s",
                    updates,
                )
    return count
