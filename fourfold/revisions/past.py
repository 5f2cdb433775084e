"""Everything a page, the API or a book reads, as it stood at a moment, for as long as it reads.

`as_it_stood(moment)` opens a transaction, puts the tables back as they stood at `moment`,
lets the caller read them with the usual code, and rolls everything back: the reader sees
the past through the same queries, templates and access policy as the present, so that no
page, endpoint or book keeps a second way of reading the definition.

What is put back:
- every kind of definition kept by version (fourfold/revisions/capture.py: units,
  scorecards, perspectives, objectives, alignments, links, KPIs, schemes, the organization,
  initiatives, milestones and their dependencies): each object changed since the moment gets
  its definition of then (for its latest periods, as the tables hold it now), one created
  since is taken out, one removed since comes back;
- values, targets and the progress of initiatives, from the versions they keep: each row
  entered since the moment is replaced by the one that stood then, or taken out;
- commentary, status notes, action items and values waiting for approval written since the
  moment are taken out; action items closed and values decided since are open and waiting
  again.

The statements are not counted as writes (fourfold/scoring/revision.py): they never commit.
Scores are not cached in a transaction (fourfold/scoring/cache.py), and the engine reads the
moment's scores from the versions (fourfold/revisions/through_time.py), not these rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q

from .capture import NOT_TRACKED, kinds
from .models import Version

CHUNK = 500
BATCH = 5000  # ids in one query: far below SQLite's 32,766 parameters


@contextlib.contextmanager
def as_it_stood(moment: dt.datetime) -> Iterator[None]:
    """Within: the tables as they stood at `moment`; nothing of it is kept afterwards."""
    with transaction.atomic():
        try:
            with _unwatched():
                _definitions(moment)
                _kept_since(moment)
                _written_since(moment)
            yield
        finally:
            transaction.set_rollback(True)


@contextlib.contextmanager
def _unwatched() -> Iterator[None]:
    """Without the revision counter's watch: these statements are rolled back, never a write
    that scores must follow (and the counter's row is not locked while a page is read)."""
    from fourfold.scoring import revision

    wrappers = connection.execute_wrappers
    watching = revision._watch in wrappers
    if watching:
        wrappers.remove(revision._watch)
    try:
        yield
    finally:
        if watching:
            wrappers.append(revision._watch)


def _delete(model: type[models.Model], pks: Iterable[Any]) -> None:
    """Rows out by their key, without the ORM's cascade: what refers to them stays (the
    foreign keys are checked at commit, which never comes)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(model._meta.pk.column))
    found = list(pks)
    with connection.cursor() as cursor:
        for i in range(0, len(found), CHUNK):
            part = found[i : i + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", part)  # noqa: S608


def _definitions(moment: dt.datetime) -> None:
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in (
        Version.objects.filter(recorded_at__gt=moment).values_list("kind", "object_id").distinct()
    ):
        by_kind[kind].add(object_id)
    if not by_kind:
        return
    # How each of them stood: the version of then, in one query (none: it did not exist).
    then_by_kind: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for which in _batches(by_kind):
        stood = Version.objects.filter(which, recorded_at__lte=moment).filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment)
        )
        for kind, object_id, state in stood.values_list("kind", "object_id", "state"):
            if state and state[-1]["fields"] is not None:
                then_by_kind[kind][object_id] = state[-1]["fields"]
    models_by_kind = kinds()
    for kind, ids in by_kind.items():
        model: Any = models_by_kind.get(kind)
        if model is None:
            continue
        then = then_by_kind[kind]
        now = model.objects.in_bulk(list(ids))
        _delete(model, ids)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        rows = []
        for pk, fields in then.items():
            row = now.get(pk) or model()
            row.pk = pk
            for name, value in fields.items():
                if name in by_name and name not in NOT_TRACKED:
                    setattr(row, name, _python(by_name[name], value))
            rows.append(row)
        model.objects.bulk_create(rows, batch_size=CHUNK)


def _batches(by_kind: dict[str, set[int]]) -> Iterator[Q]:
    """(kind, id) lookups in as few queries as the database's parameters allow."""
    parts: list[Q] = []
    size = 0
    for kind, ids in by_kind.items():
        found = sorted(ids)
        for i in range(0, len(found), BATCH):
            part = found[i : i + BATCH]
            if size + len(part) > BATCH and parts:
                yield functools.reduce(operator.or_, parts)
                parts, size = [], 0
            parts.append(Q(kind=kind, object_id__in=part))
            size += len(part)
    if parts:
        yield functools.reduce(operator.or_, parts)


def _python(field: Any, value: Any) -> Any:
    """A value as versions keep it (JSON: dates as text) back as the field holds it."""
    if value is None or field.is_relation:
        return value
    return field.to_python(value)


def _kept() -> list[tuple[Any, Any, str, str]]:
    """Each table kept by version: its versions, when a row was written, what it belongs to."""
    from fourfold.initiatives.models import Progress, ProgressVersion
    from fourfold.measures.models import Measurement, MeasurementVersion, Target, TargetVersion

    return [
        (Measurement, MeasurementVersion, "entered_at", "kpi_id"),
        (Target, TargetVersion, "changed_at", "kpi_id"),
        (Progress, ProgressVersion, "entered_at", "initiative_id"),
    ]


def _kept_since(moment: dt.datetime) -> None:
    """Values, targets and progress: the rows that stood at the moment. The rows written
    since go in one statement each table (which says what it took out); the versions that
    stood then are looked up by the keys taken out only."""
    stamp = connection.ops.adapt_datetimefield_value(moment)
    for model, version, at, owner in _kept():
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(at)} > %s "  # noqa: S608
                f"RETURNING {quote(owner)}, {quote('period')}",
                [stamp],
            )
            replaced = {(row[0], row[1]) for row in cursor.fetchall()}
        if not replaced:
            continue
        shared = [
            f.attname
            for f in version._meta.concrete_fields
            if not f.primary_key and f.attname in {g.attname for g in model._meta.concrete_fields}
        ]
        owners = sorted({key[0] for key in replaced})
        # The latest entered of a key's versions valid then, as the engine reads them
        # (fourfold/scoring/data.py).
        rows: dict[tuple[Any, str], Any] = {}
        for i in range(0, len(owners), BATCH):
            stood = version.objects.filter(
                **{f"{owner}__in": owners[i : i + BATCH], f"{at}__lte": moment},
                superseded_at__gt=moment,
            )
            for values in stood.order_by(at, "pk").values(*shared):
                key_of = (values[owner], values["period"])
                if key_of in replaced:
                    rows[key_of] = model(**values)
        model.objects.bulk_create(list(rows.values()), batch_size=CHUNK)


def _written_since(moment: dt.datetime) -> None:
    """What is kept by date, not by version: commentary, status notes, action items and
    values waiting for approval written since are taken out; action items closed and values
    decided since are open and waiting again."""
    from fourfold.initiatives.models import StatusNote
    from fourfold.intake.models import PendingValue
    from fourfold.reviews.models import ActionItem, Comment

    for model, at in (
        (Comment, "created_at"),
        (StatusNote, "created_at"),
        (ActionItem, "created_at"),
        (PendingValue, "entered_at"),
    ):
        since = model.objects.filter(**{f"{at}__gt": moment})
        _delete(model, since.values_list("pk", flat=True))
    ActionItem.objects.filter(closed_at__gt=moment).update(
        status=ActionItem.Status.OPEN, closed_at=None
    )
    PendingValue.objects.filter(decided_at__gt=moment).update(
        status=PendingValue.Status.PENDING, decided_by=None, decided_at=None, note=""
    )
