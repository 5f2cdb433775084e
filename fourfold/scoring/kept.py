"""The rows of values and targets, kept between computations of this process.

Reading every value and target row is most of a whole organization's computation (1.16 M
values and as many targets: about 1.6 s of CPU in the database driver alone, building its
Python objects, before any scoring). The rows change little between two computations, so
`rows(kpi_ids, as_of=, revision=)` keeps the arrays it read of every KPI (`Rows`, an entry of
the scores cache, bounded with the scores by FOURFOLD_SCORES_CACHE_MB) with the revision they
are at least as new as (fourfold/scoring/revision.py, read by the caller before anything
else). Later:

- at the same revision, the kept arrays are served (the KPIs asked for picked from them);
- when every write of values or targets since was accounted KPI by KPI (`rows_can_follow`:
  whatever definitions changed meanwhile, as they move no row), only those KPIs' rows are
  read again and put in place of theirs, as incremental scores do;
- else (a write of rows not accounted KPI by KPI, too old) the rows are read afresh.

The first computation of a process takes the rows from the file a process wrote before
(fourfold/scoring/stored.py), when it holds this database's rows at a revision that can be
followed so, rather than reading them all; rows read all are written to that file, and so
are rows followed far from it (RESAVE_KPIS KPIs read again, or RESAVE_REVISIONS writes).

A few KPIs (one unit's page) are read by their ids instead, unless the rows are kept at the
very revision. Nothing is kept or served inside a transaction or as of a past moment.
The arrays kept are read-only: whoever needs to change one copies it (as `data.place` does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

import numpy as np
from django.core.cache import caches
from django.db import connection

from fourfold.core.evaluate import Ints

from . import data, revision, stored

ALIAS = "scores"  # fourfold.scoring.cache.ALIAS, the cache these rows share the bound of
KEY = "rows:"
# Fewer KPIs than this are read by their ids when the rows are not kept at the very revision.
BY_ID = 2_000
# Rows followed this far from the revision of their file are written to it again.
RESAVE_KPIS = 1_000
RESAVE_REVISIONS = 1_000


@dataclasses.dataclass(frozen=True)
class Rows:
    number: int  # the revision these rows are at least as new as
    codes: data.Codes
    values: data.Read
    targets: data.Read
    saved: int = -1  # the revision of the file of rows these were read from or written to
    behind: int = 0  # the KPIs read again since (at most)

    def footprint(self) -> int:
        """The bytes its arrays hold, as the scores cache counts them."""
        arrays = [self.values.kpi_id, self.values.period, *self.values.numbers]
        arrays += [self.targets.kpi_id, self.targets.period, *self.targets.numbers]
        return sum(a.nbytes for a in arrays)


def rows(
    kpi_ids: Collection[int] | None,
    *,
    as_of: dt.datetime | None,
    revision_now: tuple[int, int] | None,
) -> tuple[data.Codes, data.Read, data.Read]:
    """The period codes, values and targets of these KPIs (None: all), as they stand (or
    stood `as_of`); `revision_now` is the counter read before anything else (None: unknown)."""
    if as_of is not None or connection.in_atomic_block:
        return _read(kpi_ids, as_of)
    if revision_now is None:
        if kpi_ids is not None:
            return _read(kpi_ids, None)
        revision_now = revision.current()
    cache = caches[ALIAS]
    found = cache.get(KEY)
    kept = found if isinstance(found, Rows) else None
    if kept is None or kept.number != revision_now[0]:
        if kpi_ids is not None and len(kpi_ids) < BY_ID:
            return _some_from_file(kpi_ids, revision_now) or _read(kpi_ids, None)
        kept = _follow(kept, revision_now) if kept is not None else _from_file(revision_now)
        if kept is None:
            codes = data.Codes()
            values, targets = data.read(codes)
            kept = _saved(Rows(revision_now[0], codes, _frozen(values), _frozen(targets)))
        elif kept.behind >= RESAVE_KPIS or kept.number - kept.saved >= RESAVE_REVISIONS:
            kept = _saved(kept)
        cache.set(KEY, kept, None)
    if kpi_ids is None:
        return kept.codes, kept.values, kept.targets
    return kept.codes, _pick(kept.values, kpi_ids), _pick(kept.targets, kpi_ids)


def _read(
    kpi_ids: Collection[int] | None, as_of: dt.datetime | None
) -> tuple[data.Codes, data.Read, data.Read]:
    codes = data.Codes()
    only = "" if kpi_ids is None else data.only_kpis(kpi_ids)
    values, targets = data.read(codes, only=only, as_of=as_of)
    return codes, values, targets


def _from_file(now: tuple[int, int]) -> Rows | None:
    """The rows of the file, followed to `now`, or None when it is not there or not sure."""
    found = stored.load(now)
    if found is None:
        return None
    number, codes, values, targets = found  # read-only: mapped from the file
    return _follow(Rows(number, codes, values, targets, saved=number), now)


def _some_from_file(
    kpi_ids: Collection[int], now: tuple[int, int]
) -> tuple[data.Codes, data.Read, data.Read] | None:
    """The rows of these KPIs from the file, those written since read again; None when there
    is no file to be sure of. Picking them from the mapped file is cheaper than reading them by
    id (7 ms against 35 ms for the 43,000 rows of the benchmark's 200-KPI unit)."""
    found = stored.load(now)
    if found is None:
        return None
    number, codes, values, targets = found
    asked = set(kpi_ids)
    changed = {k for k in revision.changed_since(number) if k in asked}
    _, values, targets = _reread(codes, _pick(values, asked), _pick(targets, asked), changed)
    return codes, values, targets


def _reread(
    codes: data.Codes, values: data.Read, targets: data.Read, changed: Collection[int]
) -> tuple[int, data.Read, data.Read]:
    """How many KPIs changed, and the rows with theirs read again in place of theirs."""
    ids = np.array(sorted(changed), dtype=np.int64)
    if len(ids) == 0:
        return 0, values, targets
    new_values, new_targets = data.read(codes, only=data.only_kpis(ids.tolist()))
    return len(ids), _replaced(values, ids, new_values), _replaced(targets, ids, new_targets)


def _saved(kept: Rows) -> Rows:
    if stored.save(kept.number, kept.codes, kept.values, kept.targets):
        return dataclasses.replace(kept, saved=kept.number, behind=0)
    return kept


def _follow(kept: Rows, now: tuple[int, int]) -> Rows | None:
    """The kept rows with those of the KPIs changed since read again; None when the writes
    since cannot be followed so."""
    if not revision.rows_can_follow(kept.number, now):
        return None
    changed = revision.changed_since(kept.number)
    n, values, targets = _reread(kept.codes, kept.values, kept.targets, changed)
    if n == 0:
        return dataclasses.replace(kept, number=now[0])
    return Rows(now[0], kept.codes, _frozen(values), _frozen(targets), kept.saved, kept.behind + n)


def _replaced(old: data.Read, changed: Ints, new: data.Read) -> data.Read:
    """The old rows but those of the changed KPIs, then the new rows (of those KPIs)."""
    keep = ~np.isin(old.kpi_id, changed)
    return data.Read(
        np.concatenate([old.kpi_id[keep], new.kpi_id]),
        np.concatenate([old.period[keep], new.period]),
        [np.concatenate([o[keep], n]) for o, n in zip(old.numbers, new.numbers, strict=True)],
    )


def _pick(read: data.Read, kpi_ids: Collection[int]) -> data.Read:
    ids = np.fromiter(kpi_ids, dtype=np.int64, count=len(kpi_ids))
    top = int(max(read.kpi_id.max(initial=0), ids.max(initial=0))) + 1
    wanted = np.zeros(top, dtype=bool)
    wanted[ids[ids >= 0]] = True
    mask = wanted[np.clip(read.kpi_id, 0, top - 1)] & (read.kpi_id >= 0)
    if mask.all():
        return read
    return data.Read(read.kpi_id[mask], read.period[mask], [n[mask] for n in read.numbers])


def _frozen(read: data.Read) -> data.Read:
    for array in (read.kpi_id, read.period, *read.numbers):
        array.flags.writeable = False
    return read
