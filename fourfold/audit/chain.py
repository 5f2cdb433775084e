"""The audit log as a hash chain: each entry holds the SHA-256 of the previous entry's hash
and its own canonical content, so that altering or removing an entry breaks the chain at it.

Two writers must not both chain onto the same entry: on PostgreSQL a transaction-scoped
advisory lock serializes appending (the last hash is read after taking it); SQLite runs one
writing transaction at a time anyway (transactions begin IMMEDIATE, see settings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

GENESIS = "0" * 64
# The advisory lock's key: any number that no other part of Fourfold uses.
LOCK = 0x466F7572  # "Four"


def canonical(at: dt.datetime, actor_id: int | None, action: str, summary: str, detail: Any) -> str:
    """The content of an entry as hashed: a fixed text whichever database stored it."""
    return json.dumps(
        {
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor": actor_id,
            "action": action,
            "summary": summary,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def link(previous: str, content: str) -> str:
    return hashlib.sha256((previous + content).encode()).hexdigest()


def append(entry: Any) -> Any:
    """Save a new entry chained onto the last one."""
    if connection.in_atomic_block:
        return _append(entry)
    with transaction.atomic():
        return _append(entry)


def _append(entry: Any) -> Any:
    model = type(entry)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
    previous = model.objects.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
    # As the database will give it back: JSON text read again (tuples become lists).
    entry.detail = json.loads(json.dumps(entry.detail))
    entry.hash = link(
        previous, canonical(entry.at, entry.actor_id, entry.action, entry.summary, entry.detail)
    )
    entry.save()
    return entry


@dataclass
class Broken:
    pk: int
    at: dt.datetime
    action: str


def verify(model: Any) -> tuple[int, Broken | None]:
    """How many entries hold, and the first whose hash does not match the chain."""
    previous = GENESIS
    count = 0
    for pk, at, actor_id, action, summary, detail, stored in _rows(model):
        if stored != link(previous, canonical(at, actor_id, action, summary, detail)):
            return count, Broken(pk, at, action)
        previous = stored
        count += 1
    return count, None


def _rows(model: Any) -> Iterator[tuple[Any, ...]]:
    fields = ("pk", "at", "actor_id", "action", "summary", "detail", "hash")
    yield from model.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000)


def chain_all(model: Any) -> int:
    """Hash every entry in order (the migration that starts the chain)."""
    previous = GENESIS
    n = 0
    for pk, at, actor_id, action, summary, detail, _ in list(_rows(model)):
        previous = link(previous, canonical(at, actor_id, action, summary, detail))
        model.objects.filter(pk=pk).update(hash=previous)
        n += 1
    return n
