"""Read rows from a source database, read-only and with a time limit."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import credentials

TIMEOUT_SECONDS = 60
MAX_ROWS = 200_000


class SourceError(Exception):
    """The source cannot be read: connection refused, bad query, timeout."""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def query(url: str, sql: str, *, limit: int = MAX_ROWS, timeout: float = TIMEOUT_SECONDS) -> Result:
    """Run `sql` on the database at `url` (with ${VARIABLES} resolved) and read its rows."""
    credentials.check(url)
    if not sql.strip():
        raise SourceError("the query is empty")
    resolved = credentials.resolve(url)
    try:
        if urlsplit(url).scheme == "sqlite":
            result = _sqlite(resolved, sql, limit, timeout)
        else:
            result = _postgres(resolved, sql, limit, timeout)
    except SourceError:
        raise
    except Exception as exc:  # each driver raises its own family for one cause
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(credentials.redact(message, url)) from exc
    if len(result.rows) > limit:
        raise SourceError(f"the query returned more than {limit:,} rows")
    return result


def sqlite_path(url: str) -> Path:
    """The file of a sqlite:/// URL: sqlite:////srv/erp.sqlite3 is /srv/erp.sqlite3."""
    return Path(unquote(url.removeprefix("sqlite:///").split("?", 1)[0]))


def _sqlite(url: str, sql: str, limit: int, timeout: float) -> Result:
    path = sqlite_path(url)
    if not path.is_file():
        raise SourceError(f"there is no SQLite database at {path}")
    # mode=ro: the connector can never write to the source, whatever the query says.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    deadline = time.monotonic() + timeout
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(limit + 1)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise SourceError(f"the query took longer than {timeout:g} seconds") from exc
        raise
    finally:
        conn.close()
    return Result(columns, rows)


def _postgres(url: str, sql: str, limit: int, timeout: float) -> Result:
    import psycopg

    # A READ ONLY transaction with a statement timeout, always ended by a rollback.
    with (
        psycopg.connect(url, connect_timeout=10, autocommit=True) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute("BEGIN READ ONLY")
        try:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", (str(int(timeout * 1000)),)
            )
            try:
                cursor.execute(sql.encode())  # the user's query, sent as it is written
            except psycopg.errors.QueryCanceled as exc:
                raise SourceError(f"the query took longer than {timeout:g} seconds") from exc
            if cursor.description is None:
                raise SourceError("the query returns no rows: it must be a SELECT")
            columns = [d.name for d in cursor.description]
            rows = [tuple(r) for r in cursor.fetchmany(limit + 1)]
        finally:
            with contextlib.suppress(psycopg.Error):
                cursor.execute("ROLLBACK")
    return Result(columns, rows)
