"""Backups of the whole database, and restores from them.

SQLite goes through its online backup API (never a file copy: in WAL mode the -wal file holds
the recent writes), PostgreSQL through pg_dump's custom format and pg_restore (`backup_pg`).
Both take a consistent snapshot while the application keeps writing. Every refusal is a
`BackupError` of one sentence, raised before anything is changed.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Engine = Literal["sqlite", "postgresql"]
ENGINE_NAMES: dict[Engine, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SQLITE_HEADER = b"SQLite format 3\x00"
PG_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, in one sentence; nothing was changed."""


@dataclass(frozen=True)
class Counts:
    units: int
    kpis: int
    values: int
    targets: int

    def __str__(self) -> str:
        def n(count: int, one: str, many: str) -> str:
            return f"{count:,} {one if count == 1 else many}"

        return ", ".join(
            [
                n(self.units, "unit", "units"),
                n(self.kpis, "KPI", "KPIs"),
                n(self.values, "value", "values"),
                n(self.targets, "target", "targets"),
            ]
        )


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    counts: Counts


@dataclass(frozen=True)
class Checked:
    """A backup file found fit to restore into the configured database."""

    path: Path
    counts: Counts
    tables: frozenset[str]


@dataclass(frozen=True)
class Restored:
    counts: Counts
    kept: Path


def counted_tables() -> dict[str, str]:
    """The tables counted, by the name `Counts` gives them."""
    from fourfold.measures.models import KPI, Measurement, Target
    from fourfold.strategy.models import Unit

    models: dict[str, Any] = {"units": Unit, "kpis": KPI, "values": Measurement, "targets": Target}
    return {name: model._meta.db_table for name, model in models.items()}


def database_config() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def engine() -> Engine:
    return "sqlite" if database_config()["ENGINE"].endswith("sqlite3") else "postgresql"


def describe() -> str:
    """The configured database, for messages."""
    config = database_config()
    if engine() == "sqlite":
        return f"the SQLite database {config['NAME']}"
    return f"the PostgreSQL database {config['NAME']} on {config.get('HOST') or 'localhost'}"


def current_counts() -> Counts:
    from django.db import connection

    quote = connection.ops.quote_name
    parts = ", ".join(f"(SELECT count(*) FROM {quote(t)})" for t in counted_tables().values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        row = cursor.fetchone()
    return Counts(*row)


def size_text(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


# --- backup -------------------------------------------------------------------------------


def backup(path: Path, *, force: bool = False) -> Written:
    """Write a consistent snapshot of the configured database to `path`, through a temporary
    file next to it that is renamed at the end: a failed backup leaves no half file."""
    from . import backup_pg  # which imports this module

    if path.is_dir():
        raise BackupError(f"{path} is a folder; name the backup file to write")
    if path.exists() and not force:
        raise BackupError(f"{path} exists already; choose another name or add --force")
    kind = engine()
    if kind == "sqlite" and path.exists() and _same_file(path, _sqlite_path()):
        raise BackupError(f"{path} is the database itself; write the backup to another file")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        if kind == "sqlite":
            source = _sqlite_path()
            _sqlite_copy(source, temporary, journal="DELETE", failure=f"cannot back up {source}")
        else:
            backup_pg.dump(temporary)
        counts = _inspect(temporary, kind, shown=path)[1]
        if path.exists() and not force:
            raise BackupError(f"{path} was created meanwhile; choose another name or add --force")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return Written(path, path.stat().st_size, counts)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _sqlite_path() -> Path:
    return Path(str(database_config()["NAME"]))


def _sqlite_copy(source: Path, target: Path, *, journal: str, failure: str) -> None:
    """Copy one SQLite database into another with the online backup API, in one step: a
    consistent read snapshot of `source` (writers go on meanwhile in WAL mode), written into
    `target` in one write transaction (its readers see it all or not at all). The copy then
    keeps the journal mode given: DELETE for a backup (one self-contained file), WAL for the
    live database."""
    try:
        src = sqlite3.connect(source, timeout=20)
        try:
            dst = sqlite3.connect(target, timeout=20)
            try:
                src.backup(dst)
                dst.execute(f"PRAGMA journal_mode={journal}")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{failure}: {exc}") from exc


# --- checking a backup file ---------------------------------------------------------------


def check(path: Path) -> Checked:
    """Refuse, in one sentence, a file that is not a Fourfold backup of this engine."""
    kind = engine()
    found = _kind_of(path)
    if found != kind:
        raise BackupError(
            f"{path} is a backup of a {ENGINE_NAMES[found]} database and this installation "
            f"uses {ENGINE_NAMES[kind]}, and a backup restores only into its own engine: "
            "`fourfold dump` + `fourfold load` (definition, targets and values) or "
            "`fourfold export` + `fourfold import` (values and targets) move a scorecard "
            "between engines"
        )
    if kind == "sqlite" and _same_file(path, _sqlite_path()):
        raise BackupError(f"{path} is the database itself, not a backup of it")
    tables, counts = _inspect(path, kind, shown=path)
    return Checked(path, counts, frozenset(tables))


def _kind_of(path: Path) -> Engine:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError as exc:
        raise BackupError(f"there is no file {path}") from exc
    except IsADirectoryError as exc:
        raise BackupError(f"{path} is a folder, not a backup file") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise BackupError(f"{path} is empty, not a backup")
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PG_HEADER):
        return "postgresql"
    raise BackupError(
        f"{path} is not a Fourfold backup: neither a SQLite database nor a PostgreSQL "
        "archive of `pg_dump --format=custom`"
    )


def _inspect(path: Path, kind: Engine, shown: Path) -> tuple[set[str], Counts]:
    """The tables and counts of a backup file, once it is known to be a Fourfold database that
    this version of Fourfold can bring up to date."""
    from . import backup_pg

    tables, migrations, counts = (
        _sqlite_contents(path, shown) if kind == "sqlite" else backup_pg.contents(path, shown)
    )
    needed = ["django_migrations", *counted_tables().values()]
    missing = [t for t in needed if t not in tables]
    if missing:
        raise BackupError(
            f"{shown} is a {ENGINE_NAMES[kind]} database but not a Fourfold one "
            f"(it has no table {missing[0]})"
        )
    _refuse_newer(migrations, shown)
    return tables, counts


def _refuse_newer(applied: set[tuple[str, str]], shown: Path) -> None:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for app, name in sorted(applied):
        if app in loader.migrated_apps and (app, name) not in known:
            raise BackupError(
                f"{shown} comes from a newer version of Fourfold (its database has the "
                f"migration {app}.{name}, which this version does not know); upgrade "
                "Fourfold, then restore it"
            )


Contents = tuple[set[str], set[tuple[str, str]], Counts]


def _sqlite_contents(path: Path, shown: Path) -> Contents:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "django_migrations" not in tables or not set(counted_tables().values()) <= tables:
                return tables, set(), Counts(0, 0, 0, 0)
            applied = set(db.execute("SELECT app, name FROM django_migrations"))
            numbers = [
                db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in counted_tables().values()
            ]
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{shown} cannot be read as a SQLite database: {exc}") from exc
    return tables, applied, Counts(*numbers)


# --- restore ------------------------------------------------------------------------------


def restore(checked: Checked) -> Restored:
    """Replace the configured database with a checked backup, after keeping it as it was
    (nothing is lost), then bring the restored database up to this version's migrations."""
    from django.core.management import call_command
    from django.db import connections

    from . import backup_pg

    kept = _keep_current()
    connections.close_all()
    if engine() == "sqlite":
        live = _sqlite_path()
        _sqlite_copy(
            checked.path, live, journal="WAL", failure=f"cannot restore {checked.path} into {live}"
        )
    else:
        backup_pg.restore(checked, kept)
    connections.close_all()
    call_command("migrate", verbosity=0, interactive=False)
    return Restored(current_counts(), kept)


def _keep_current() -> Path:
    if engine() == "sqlite":
        live = _sqlite_path()
        kept = _free(live.parent, f"{live.stem}.before-restore-{_stamp()}", ".sqlite3")
        try:
            _sqlite_copy(live, kept, journal="DELETE", failure=f"cannot back up {live}")
        except BackupError:
            kept.unlink(missing_ok=True)
            raise
        return kept
    from fourfold.paths import home

    name = str(database_config()["NAME"])
    kept = _free(home(), f"{name}.before-restore-{_stamp()}", ".dump")
    return backup(kept).path


def _free(folder: Path, stem: str, suffix: str) -> Path:
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path
