"""Shared fixtures: the command line against a fresh database of the backend under test, run in
process with click's runner, or as the installed `fourfold` console script for a few tests."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_django import DjangoDbBlocker

Run = Callable[..., subprocess.CompletedProcess[str]]


def _postgres_base() -> str | None:
    url = os.environ.get("FOURFOLD_DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Django's advice for test suites: a fast hasher, as hashing properly takes ~0.3 s a user.
    The settings themselves keep Django's default (PBKDF2), which the installed command and
    the browser tests go through."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextlib.contextmanager
def django_on(database_url: str) -> Iterator[None]:
    """Django's default database pointed at DATABASE_URL, as a fresh `fourfold` process would
    configure it from FOURFOLD_DATABASE_URL, with the process's caches emptied before and
    after; then the database and connection that were there before (pytest-django's, if any)."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.db import connections

    from fourfold.settings import database

    config = connections.configure_settings({"default": database(database_url)})["default"]
    databases = [settings.DATABASES, connections.settings]
    saved = [d["default"] for d in databases]
    wrapper = connections["default"]
    for d in databases:
        d["default"] = config
    connections["default"] = connections.create_connection("default")

    def forget() -> None:
        # Scores are cached under the largest ids of a database, which two fresh databases
        # may share; content types under the alias.
        for cache in caches.all(initialized_only=True):
            cache.clear()
        ContentType.objects.clear_cache()

    forget()
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = wrapper
        for d, before in zip(databases, saved, strict=True):
            d["default"] = before
        forget()


@contextlib.contextmanager
def _logging_kept() -> Iterator[None]:
    """Each command's `django.setup()` configures logging again, onto the streams of the
    runner; the test's loggers and handlers (pytest's captures) come back afterwards."""
    loggers = [logging.getLogger(name) for name in ("", "django", "django.server")]
    saved = [(lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for lg, (handlers, level, propagate, disabled) in zip(loggers, saved, strict=True):
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate, lg.disabled = propagate, disabled


def _migrate(url: str, blocker: DjangoDbBlocker) -> None:
    from django.core.management import call_command

    with blocker.unblock(), django_on(url), _logging_kept():
        call_command("migrate", verbosity=0, interactive=False)


@pytest.fixture(scope="session")
def _migrated_template(
    tmp_path_factory: pytest.TempPathFactory, django_db_blocker: DjangoDbBlocker
) -> Iterator[str]:
    """One migrated database per test worker, copied for each test instead of migrating again:
    a SQLite file, or a PostgreSQL database used as a template in the PG run."""
    home = tmp_path_factory.mktemp("template")
    base = _postgres_base()
    if base is None:
        path = home / "fourfold.sqlite3"
        _migrate(f"sqlite:///{path}", django_db_blocker)
        yield str(path)
        return
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    _create_database(name)
    try:
        _migrate(f"{base}/{name}", django_db_blocker)
        yield name
    finally:
        _drop_database(name)


def _create_database(name: str, template: str | None = None) -> None:
    import psycopg

    with psycopg.connect(os.environ["FOURFOLD_DATABASE_URL"], autocommit=True) as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        # PostgreSQL 15 copies a template through the WAL by default, block by block; copying
        # its files is faster for a database this small (and the tests' server skips fsync).
        if template and conn.info.server_version >= 150000:
            copy += " STRATEGY = FILE_COPY"
        conn.execute(f'CREATE DATABASE "{name}"{copy}')


def _drop_database(name: str) -> None:
    """Drop a database of the tests. A plain DROP first: it also stops an autovacuum worker
    there, which WITH (FORCE) refuses to terminate for a role that is not a superuser; FORCE
    only for a connection a test left open."""
    import psycopg

    with psycopg.connect(os.environ["FOURFOLD_DATABASE_URL"], autocommit=True) as conn:
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        except psycopg.errors.ObjectInUse:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(tmp_path: Path, template: str, name: str = "fourfold") -> Iterator[str]:
    """The URL of a fresh database with every migration applied and no data, copied from the
    migrated template: a SQLite file, or a new PostgreSQL database in the PG run."""
    base = _postgres_base()
    if base is None:
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    database = f"cli_{uuid.uuid4().hex[:12]}"
    _create_database(database, template)
    try:
        yield f"{base}/{database}"
    finally:
        _drop_database(database)


def _failed(args: tuple[str, ...], done: subprocess.CompletedProcess[str]) -> AssertionError:
    return AssertionError(f"fourfold {' '.join(args)} failed:\n{done.stderr}")


def installed_command_line(database_url: str, home: Path) -> Run:
    """The installed `fourfold` console script on a database, run in a subprocess as a user
    would: for the few tests that prove the script itself, and commands that need a process."""
    env = dict(os.environ, FOURFOLD_DATABASE_URL=database_url, FOURFOLD_HOME=str(home))
    env.pop("FOURFOLD_DEBUG", None)
    exe = Path(sys.executable).with_name("fourfold")

    def run(
        *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(exe), *args],
            input=input,
            capture_output=True,
            text=True,
            env=env,
            cwd=home,
            timeout=300,
        )
        if check and done.returncode != 0:
            raise _failed(args, done)
        return done

    return run


def _text(stream: io.BytesIO) -> str:
    """What a subprocess run with text=True reads: UTF-8 with universal newlines."""
    text = stream.getvalue().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _exit_status(code: object) -> int:
    """The exit status of a process ended by `SystemExit(code)`, as Python sets it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def command_line(
    database_url: str, home: Path, blocker: DjangoDbBlocker, cwd: Path | None = None
) -> Run:
    """The `fourfold` command line on a database, run in this process: `fourfold.cli.main()`
    (its one-sentence errors and exit statuses included) under click's runner, with the
    environment, working folder (HOME unless CWD) and database a `fourfold` process would
    have; returns what `subprocess.run` would, and raises unless it succeeded or `check=False`."""
    from fourfold import cli

    env: Mapping[str, str | None] = {
        "FOURFOLD_DATABASE_URL": database_url,
        "FOURFOLD_HOME": str(home),
        "FOURFOLD_DEBUG": None,
    }
    runner = CliRunner()

    def run(
        *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv, before = sys.argv, os.getcwd()
        with contextlib.ExitStack() as stack:
            out, err, _ = stack.enter_context(runner.isolation(input=input, env=env))
            stack.enter_context(blocker.unblock())
            stack.enter_context(django_on(database_url))
            stack.enter_context(_logging_kept())
            sys.argv = ["fourfold", *args]
            os.chdir(cwd or home)
            try:
                cli.main()
                status = 0
            except SystemExit as exc:
                status = _exit_status(exc.code)
            except BaseException:  # what Python prints for an uncaught exception
                traceback.print_exc()
                status = 1
            finally:
                sys.argv = argv
                os.chdir(before)
                sys.stdout.flush()
                sys.stderr.flush()
        done = subprocess.CompletedProcess(["fourfold", *args], status, _text(out), _text(err))
        if check and status != 0:
            raise _failed(args, done)
        return done

    return run


@pytest.fixture
def database_url(tmp_path: Path, _migrated_template: str) -> Iterator[str]:
    """A fresh database with every migration applied and no data."""
    with fresh_database(tmp_path, _migrated_template) as url:
        yield url


@pytest.fixture
def fourfold(database_url: str, tmp_path: Path, django_db_blocker: DjangoDbBlocker) -> Run:
    """The `fourfold` command line on the fresh database, run in process."""
    return command_line(database_url, tmp_path, django_db_blocker)


@pytest.fixture
def installed(database_url: str, tmp_path: Path) -> Run:
    """The installed `fourfold` console script on the same database, in a subprocess."""
    return installed_command_line(database_url, tmp_path)


def query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a database the command line wrote, read as a DBA would."""
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url) as pg:
        return list(pg.execute(sql).fetchall())


def score_lines(done: subprocess.CompletedProcess[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The JSON lines of `fourfold scores --json`, keyed by (kind, code)."""
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {(row["kind"], row["code"]): row for row in rows}
