"""Backups of a PostgreSQL database with its client programs: pg_dump's custom format,
read back and restored with pg_restore. The programs are found on PATH or under
/usr/lib/postgresql, never older than the server, and get the connection settings (the
password included) through libpq's environment variables, never on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from .backup import (
    BackupError,
    Checked,
    Contents,
    Counts,
    counted_tables,
    database_config,
    describe,
)

TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?:\S+) (\S+) ", re.MULTILINE)
COPY_LINE = re.compile(r"^COPY (?:\S+\.)?\"?([^\s\"]+)\"? \(([^)]*)\) FROM stdin;$")


def contents(path: Path, shown: Path) -> Contents:
    restore = _tool("pg_restore")
    listed = _run([restore, "--list", str(path)], f"{shown} cannot be read by pg_restore")
    tables = set(TOC_TABLE.findall(listed))
    wanted = ["django_migrations", *counted_tables().values()]
    if not set(wanted) <= tables:
        return tables, set(), Counts(0, 0, 0, 0)
    rows: dict[str, int] = dict.fromkeys(wanted, 0)
    applied: set[tuple[str, str]] = set()
    selection = [f"--table={t}" for t in wanted]
    for table, columns, line in _copy_rows(
        [restore, "--data-only", "--file=-", *selection, str(path)], shown
    ):
        rows[table] = rows.get(table, 0) + 1
        if table == "django_migrations":
            fields = dict(zip(columns, line.split("\t"), strict=False))
            applied.add((fields["app"], fields["name"]))
    return tables, applied, Counts(*(rows[t] for t in counted_tables().values()))


def _copy_rows(command: list[str], shown: Path) -> Iterator[tuple[str, list[str], str]]:
    """The data rows of the COPY blocks that pg_restore writes, streamed (a big table's rows
    are never all in memory): (table, its columns, the row's tab-separated text)."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    table: str | None = None
    columns: list[str] = []
    for raw in process.stdout:
        line = raw.rstrip("\n")
        if table is None:
            if found := COPY_LINE.match(line):
                table = found.group(1)
                columns = [c.strip().strip('"') for c in found.group(2).split(",")]
        elif line == "\\.":
            table = None
        else:
            yield table, columns, line
    error = process.stderr.read()
    if process.wait() != 0:
        raise BackupError(f"{shown} cannot be read by pg_restore: {_first_line(error)}")


def _env() -> dict[str, str]:
    """libpq's variables for the configured database: the password never on a command line."""
    config = database_config()
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    for option, value in (config.get("OPTIONS") or {}).items():
        if option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"):
            env[f"PG{option.upper()}"] = str(value)
    return env


def _server_major() -> int:
    from django.db import connection

    connection.ensure_connection()
    return int(getattr(connection, "pg_version", 0)) // 10000


def _version_of(binary: str) -> int:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        return 0
    found = re.search(r"\) (\d+)", out)
    return int(found.group(1)) if found else 0


def _tool(name: str) -> str:
    """pg_dump or pg_restore: the one on PATH, else the newest under /usr/lib/postgresql, as
    long as it is not older than the server."""
    candidates: list[str] = []
    if on_path := shutil.which(name):
        candidates.append(on_path)
    folders = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += [str(p) for p in folders]
    if not candidates:
        raise BackupError(
            f"{name} is not installed (it comes with PostgreSQL's client programs, e.g. the "
            "Debian package postgresql-client); install it, or put it on PATH"
        )
    server = _server_major()
    versions = {c: _version_of(c) for c in candidates}
    for candidate in candidates:
        if versions[candidate] >= server:
            return candidate
    newest = max(versions.values())
    raise BackupError(
        f"{name} is version {newest} and the server is PostgreSQL {server}; install the "
        f"client programs of version {server} or newer"
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else "it failed"
    for prefix in ("pg_dump: ", "pg_restore: ", "error: "):
        line = line.removeprefix(prefix)
    return line


def _run(command: list[str], failure: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=_env())
    if done.returncode != 0:
        raise BackupError(f"{failure}: {_first_line(done.stderr)}")
    return done.stdout


def dump(target: Path) -> None:
    _run(
        [_tool("pg_dump"), "--format=custom", f"--file={target}"],
        f"pg_dump could not back up {describe()}",
    )


def restore(checked: Checked, kept: Path) -> None:
    _drop_tables_the_backup_lacks(checked.tables)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={database_config()['NAME']}",
            str(checked.path),
        ],
        f"pg_restore could not restore {checked.path} ({kept} holds the database as it was)",
    )


def _drop_tables_the_backup_lacks(in_backup: frozenset[str]) -> None:
    """A backup from an older Fourfold lacks the tables of later migrations: those of the
    replaced database (which is kept) are dropped first, since their foreign keys would stop
    pg_restore --clean from dropping the tables they refer to, and the migrations create them
    anew afterwards."""
    from django.db import connection, transaction

    extra = [
        t
        for t in connection.introspection.django_table_names(only_existing=True)
        if t not in in_backup
    ]
    if extra:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, extra))} CASCADE")
