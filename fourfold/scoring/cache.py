"""Computed scores kept between requests, never served once anything they depend on changed.

`scores(unit=, today=)` returns what `engine.compute(unit=, today=)` returns, from the cache
alias "scores" (see CACHES in fourfold/settings.py): one entry per unit and day, holding the
scores and the revision (fourfold/scoring/revision.py) they were computed at.

The revision is read first, in one query: what is read afterwards is at least as new. When
the entry holds that revision, it is served. When it holds an earlier one and every write
since changed only values or targets (the revision counter keeps which KPIs each write
changed), the scores are brought up to date by re-scoring those KPIs and the nodes above them
(fourfold/scoring/incremental.py), equal to a full computation; otherwise, or when that
cannot be done, they are computed afresh. A process that missed a change (another process
wrote it) notices it through the counter, which moves in the same transaction as the write.

A moment in the past (`as_of`) is never cached: the CLI computes it once per process.

Nothing is cached or served inside a transaction (`connection.in_atomic_block`): its reads
may include its own writes, which a rollback would undo after they were cached. Requests
run in autocommit, so pages are cached.

The cache is bounded by the memory its entries take (OPTIONS MAX_MB, from the setting
FOURFOLD_SCORES_CACHE_MB): the least recently used entries go first, and scores larger than
the bound are not kept. Callers must treat the Scores as read-only: the same object is
handed to every request that hits (the backend does not copy it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
import time
import zlib
from typing import Any

import numpy as np
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.utils import timezone

from fourfold.core import partial
from fourfold.scoring import engine, incremental, revision
from fourfold.strategy.models import Organization

ALIAS = "scores"
MB = 2**20
# What the Python objects of each KPI's, objective's... index entry take, roughly.
INDEX_ENTRY_BYTES = 1_000


@dataclasses.dataclass(frozen=True)
class Kept:
    number: int  # the revision the scores are at least as new as
    scores: engine.Scores


def footprint(value: Any) -> int:
    """The bytes a kept value holds: its arrays, and its index's entries roughly."""
    if callable(own := getattr(value, "footprint", None)):  # kept rows (scoring/kept.py)
        return int(own())
    scores = value.scores if isinstance(value, Kept) else value
    if not isinstance(scores, engine.Scores):
        return 0
    seen: set[int] = set()
    total = 0
    stack: list[Any] = [scores.inputs, scores.result, scores.basis]
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            total += item.nbytes
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(x for x in item if isinstance(x, np.ndarray))
    index = scores.index
    entries = len(index.kpi) + len(index.objective) + len(index.perspective)
    return total + INDEX_ENTRY_BYTES * (entries + len(index.scorecard))


class ObjectCache(LocMemCache):
    """Django's local-memory cache without the pickling: values are kept and returned as they
    are (unpickling a whole organization's Scores takes longer than a page's rendering).

    OPTIONS: MAX_ENTRIES and CULL_FREQUENCY as LocMemCache; MIN_SECONDS, how long a compute
    must have taken for its result to be kept (0: always); MAX_MB, the memory all entries
    may take together (`footprint`), the least recently used going first (0: no bound).
    """

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.min_seconds = float(options.get("MIN_SECONDS", 0))
        self.max_bytes = int(float(options.get("MAX_MB", 0)) * MB)
        self.sizes: dict[str, int] = {}

    def used_bytes(self) -> int:
        """The footprint of the entries kept."""
        this: Any = self
        with this._lock:
            return sum(self.sizes.get(k, 0) for k in this._cache)

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
        size = footprint(value)
        with this._lock:
            if self.max_bytes and size > self.max_bytes:
                this._delete(key)  # larger than the whole cache: not kept
                return
            self.sizes[key] = size
            this._set(key, value, timeout)
            self._bound(keep=key)

    def _bound(self, *, keep: str) -> None:
        """Forget the least recently used entries until all fit (the lock is held)."""
        this: Any = self
        for gone in [k for k in self.sizes if k not in this._cache]:
            del self.sizes[gone]
        if not self.max_bytes:
            return
        total = sum(self.sizes.values())
        for key in reversed(list(this._cache)):
            if total <= self.max_bytes:
                break
            if key != keep:
                total -= self.sizes.pop(key, 0)
                this._delete(key)

    def take(self, key: str, kept: Kept) -> bool:
        """Remove the entry `kept` when nothing but it refers to its scores (no request is
        reading them), so that the caller may update them where they are; else leave it."""
        key = self.make_and_validate_key(key)
        this: Any = self
        with this._lock:  # no other thread gets the entry meanwhile
            if this._cache.get(key) is not kept or not _alone(kept.scores):
                return False
            this._delete(key)
            return True

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


def _alone(scores: engine.Scores) -> bool:
    """Whether nothing but their one holder refers to the scores, their inputs and the
    numbers of their rows, their result, its views and their arrays (counted as CPython
    counts references: each object's holder, this function's parameter or loop variable,
    and getrefcount's own argument)."""
    if sys.getrefcount(scores) > 3 or not _once(scores.result) or not _once(scores.result.views):
        return False
    if not _once(scores.inputs) or not all(
        _once(getattr(scores.inputs, name)) for name in incremental.NUMBERS
    ):
        return False
    for view in list(scores.result.views.values()):
        # The dictionary, the list, the loop variable and getrefcount's argument.
        if sys.getrefcount(view) > 4:
            return False
        if not all(_once(getattr(view, name)) for name in partial.ARRAYS):
            return False
    return True


def _once(item: Any) -> bool:
    # Its holder, this function's parameter and getrefcount's argument.
    return sys.getrefcount(item) <= 3


def _counted_as_expected() -> bool:
    """Whether this interpreter counts references as `_alone` expects (CPython 3.11 does);
    where it does not, scores are never updated in place."""

    class Box:
        item: object

    box = Box()
    box.item = object()
    alone = _once(box.item)
    other = box.item  # a second holder, as a request reading them would be
    return alone and not _once(box.item) and other is box.item


IN_PLACE = _counted_as_expected()


# One computation or update of an entry at a time: a request that finds its entry being
# brought up to date waits for it rather than computing the same scores again.
_LOCKS = [threading.RLock() for _ in range(64)]


def _lock(key: str) -> threading.RLock:
    return _LOCKS[zlib.crc32(key.encode()) % len(_LOCKS)]


def scores(
    *,
    unit: str | None = None,
    today: dt.date | None = None,
    organization: Organization | None = None,
) -> engine.Scores:
    """What `engine.compute(unit=unit, today=today)` returns, computed once per revision.

    A page asked `?as_of=` (fourfold.revisions.moment) is scored as it stood, not cached.
    `organization`: the row as the caller read it in this request, not read again."""
    from fourfold.revisions import moment

    if (as_of := moment.requested()) is not None:
        return moment.scored(
            unit,
            lambda: engine.compute(
                unit=unit, today=as_of.date(), as_of=as_of, organization=organization
            ),
        )
    today = today or timezone.localdate()
    if connection.in_atomic_block:
        return engine.compute(unit=unit, today=today, organization=organization)
    cache: Any = caches[ALIAS]
    now = revision.current()
    key = f"scores:{today.isoformat()}:{unit or ''}"
    found = cache.get(key)
    if isinstance(found, Kept) and found.number >= now[0]:
        return found.scores
    with _lock(key):
        found = cache.get(key)  # again: another request may have brought it up to date
        if isinstance(found, Kept):
            if found.number >= now[0]:
                return found.scores
            if revision.can_follow(found.number, now):
                changed, keys = revision.changes_since(found.number)
                # Scores no request is reading are updated where they are, not copied.
                alone = IN_PLACE and isinstance(cache, ObjectCache) and cache.take(key, found)
                updated = incremental.update(
                    found.scores,
                    changed,
                    # By KPI and period when every change named its period.
                    keys=keys if changed <= {k for k, _ in keys} else None,
                    in_place=alone,
                )
                if updated is not None:
                    cache.set(key, Kept(now[0], updated), None)
                    return updated
        start = time.process_time()
        result = engine.compute(unit=unit, today=today, organization=organization, revision=now)
        if time.process_time() - start >= getattr(cache, "min_seconds", 0):
            cache.set(key, Kept(now[0], result), None)
        return result
