"""Computed scores kept between requests, never served once anything they depend on changed.

`scores(unit=, today=)` returns what `engine.compute(unit=, today=)` returns, from the cache
alias "scores" (see CACHES in fourfold/settings.py), keyed by (fingerprint, today, unit).
A moment in the past (`as_of`) is never cached: the CLI computes it once per process.

The fingerprint
---------------
Scores depend on the organization's fiscal year start, the schemes, the unit tree, the
scorecards, perspectives, objectives, links and KPIs (the definitions) and on the values and
targets. The fingerprint is read in ONE query of scalar subqueries, each the largest primary
key of a table, which SQLite and PostgreSQL read from the end of the key's b-tree (O(log n)):

- Measurement and Target: an inserted value or target raises its table's largest id;
- MeasurementVersion and TargetVersion: a changed value or target first copies the row it
  replaces into history (`record_values` / `set_targets`, the only writers of values and
  targets), raising the largest id there, in the same transaction as the change;
- audit.AuditEntry: every service that changes definitions records an entry in the same
  transaction as the change — fourfold/files/load.py (`load`: one entry whenever anything
  changed, including archiving and link removals), fourfold/editing/services.py (`_save`,
  `set_links`, `move`, `set_archived`, each in `transaction.atomic()`),
  fourfold/api/services.py (`create_kpi`, `update_kpi`, with values and targets through the
  services above), and the imports, approvals and connectors that call `record_values`;
- admin.LogEntry: the Django admin logs every addition, change and deletion, in the same
  transaction for its change form, its list editing and its delete page. Its "delete
  selected" action logs first and deletes after, outside a transaction; for that (and any
  deletion outside a transaction, such as `kpi.delete()` in a shell) a post_delete signal on
  every model scores read records an audit entry once the deleting transaction commits
  (`_deleted`), so that the fingerprint moves after the rows are gone.

Largest ids only grow: both databases never hand out an id twice (SQLite tables of Django's
auto fields are AUTOINCREMENT; PostgreSQL sequences are not rolled back); a deletion lowers a
table's largest id at most, and every deletion above also adds a log or audit entry, so the
fingerprint as a whole is never one seen before. The fingerprint is read BEFORE the scores:
what they read is at least as new as the fingerprint, and a result newer than its key is
never served, because a key stops being current as soon as anything newer is committed.

Within one process, signals on the same models (saves and deletions through the ORM that
bypass the services, as tests do) also bump a counter that is part of the key.

Nothing is cached or served inside a transaction (`connection.in_atomic_block`): its reads
may include its own writes, which a rollback would undo after they were cached (on SQLite a
rolled-back id is handed out again). Requests run in autocommit, so pages are cached.

Callers must treat the Scores as read-only: the same object is handed to every request that
hits (the backend does not copy it; a whole organization's Scores is hundreds of MB).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from fourfold.audit.models import AuditEntry, record
from fourfold.measures.models import (
    KPI,
    Measurement,
    MeasurementVersion,
    Scheme,
    Target,
    TargetVersion,
)
from fourfold.scoring import engine
from fourfold.strategy.models import Link, Objective, Organization, Perspective, Scorecard, Unit

ALIAS = "scores"
# The tables whose largest id is part of the fingerprint (see the module's docstring).
FINGERPRINT_MODELS: tuple[type[models.Model], ...] = (
    Measurement,
    MeasurementVersion,
    Target,
    TargetVersion,
    AuditEntry,
    LogEntry,
)
# Every model whose rows compute() reads.
SCORED_MODELS: tuple[type[models.Model], ...] = (
    Organization,
    Scheme,
    Unit,
    Scorecard,
    Perspective,
    Objective,
    Link,
    KPI,
    Measurement,
    Target,
)

_generation = itertools.count()
_local = [next(_generation)]


class ObjectCache(LocMemCache):
    """Django's local-memory cache without the pickling: values are kept and returned as they
    are (unpickling a whole organization's Scores takes longer than a page's rendering).

    OPTIONS: MAX_ENTRIES and CULL_FREQUENCY as LocMemCache; MIN_SECONDS, how long a compute
    must have taken for its result to be kept (0: always).
    """

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self.min_seconds = float(params.get("OPTIONS", {}).get("MIN_SECONDS", 0))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        this: Any = self  # LocMemCache's own store, which django-stubs does not declare
        with this._lock:
            if this._has_expired(key):
                this._delete(key)
                return default
            value = this._cache[key]
            this._cache.move_to_end(key, last=False)
        return value

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        this: Any = self  # LocMemCache's own store, which django-stubs does not declare
        with this._lock:
            this._set(key, value, timeout)

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        this: Any = self  # LocMemCache's own store, which django-stubs does not declare
        with this._lock:
            if this._has_expired(key):
                this._set(key, value, timeout)
                return True
            return False


def fingerprint() -> tuple[Any, ...]:
    """The largest id of each table in FINGERPRINT_MODELS, in one query."""
    parts = ", ".join(
        f"(SELECT MAX({m._meta.pk.column}) FROM {m._meta.db_table})" for m in FINGERPRINT_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")  # noqa: S608 (table names from the models)
        row = cursor.fetchone()
    return tuple(row)


def scores(*, unit: str | None = None, today: dt.date | None = None) -> engine.Scores:
    """What `engine.compute(unit=unit, today=today)` returns, computed once per state.

    A page asked `?as_of=` (fourfold.revisions.moment) is scored as it stood, not cached."""
    from fourfold.revisions import moment

    if (as_of := moment.requested()) is not None:
        return engine.compute(unit=unit, today=as_of.date(), as_of=as_of)
    today = today or timezone.localdate()
    if connection.in_atomic_block:
        return engine.compute(unit=unit, today=today)
    cache: Any = caches[ALIAS]
    stamp = "-".join("" if part is None else str(part) for part in fingerprint())
    key = f"scores:{stamp}:{_local[0]}:{today.isoformat()}:{unit or ''}"
    found = cache.get(key)
    if isinstance(found, engine.Scores):
        return found
    start = time.process_time()
    result = engine.compute(unit=unit, today=today)
    if time.process_time() - start >= getattr(cache, "min_seconds", 0):
        cache.set(key, result, None)
    return result


def _changed(**kwargs: Any) -> None:
    _local[0] = next(_generation)


def _deleted(**kwargs: Any) -> None:
    """A row scores read was deleted: bump this process's counter and, for a deletion outside
    any transaction but the deletion's own, record an audit entry once it is committed."""
    _changed()
    # QuerySet.delete() and Model.delete() run in transaction.atomic(savepoint=False): one
    # block is theirs; a service's or the admin's delete page adds its own, audited or logged.
    blocks = connection.atomic_blocks
    if len(blocks) > 1:
        return
    block = blocks[0] if blocks else None
    if block is None or getattr(connection, "_fourfold_deleting", None) is not block:
        connection._fourfold_deleting = block  # type: ignore[attr-defined]
        transaction.on_commit(_note_deletion)


def _note_deletion() -> None:
    record(None, "scores.deleted", "Rows that scores read were deleted outside a service.")


for _model in SCORED_MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"scores-cache-save-{_model.__name__}")
    post_delete.connect(
        _deleted, sender=_model, dispatch_uid=f"scores-cache-delete-{_model.__name__}"
    )
