"""Shared fixtures: the real command line against a fresh database of the backend under test."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


def _postgres_base() -> str | None:
    url = os.environ.get("FOURFOLD_DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Django's advice for test suites: a fast hasher, as hashing properly takes ~0.3 s a user.
    The settings themselves keep Django's default (PBKDF2), which the CLI tests go through."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _migrate(url: str, home: Path) -> None:
    env = dict(os.environ, FOURFOLD_DATABASE_URL=url, FOURFOLD_HOME=str(home))
    env.pop("FOURFOLD_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--settings=fourfold.settings", "-v0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=300,
    )
    assert done.returncode == 0, f"migrate failed:\n{done.stderr}"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per test worker, copied for each test instead of migrating again:
    a SQLite file, or a PostgreSQL database used as a template in the PG run."""
    home = tmp_path_factory.mktemp("template")
    base = _postgres_base()
    if base is None:
        path = home / "fourfold.sqlite3"
        _migrate(f"sqlite:///{path}", home)
        yield str(path)
        return
    import psycopg

    name = f"tpl_{uuid.uuid4().hex[:12]}"
    admin = os.environ["FOURFOLD_DATABASE_URL"]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        _migrate(f"{base}/{name}", home)
        yield name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
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
    import psycopg

    database = f"cli_{uuid.uuid4().hex[:12]}"
    admin = os.environ["FOURFOLD_DATABASE_URL"]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    try:
        yield f"{base}/{database}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def command_line(database_url: str, home: Path) -> Run:
    """The installed `fourfold` command line on a database, run in a subprocess as a user would."""
    env = dict(os.environ, FOURFOLD_DATABASE_URL=database_url, FOURFOLD_HOME=str(home))
    env.pop("FOURFOLD_DEBUG", None)
    exe = Path(sys.executable).with_name("fourfold")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(exe), *args], capture_output=True, text=True, env=env, cwd=home, timeout=300
        )
        if check and done.returncode != 0:
            raise AssertionError(f"fourfold {' '.join(args)} failed:\n{done.stderr}")
        return done

    return run


@pytest.fixture
def database_url(tmp_path: Path, _migrated_template: str) -> Iterator[str]:
    """A fresh database with every migration applied and no data."""
    with fresh_database(tmp_path, _migrated_template) as url:
        yield url


@pytest.fixture
def fourfold(database_url: str, tmp_path: Path) -> Run:
    """Run the installed `fourfold` command line in a subprocess, as a user would."""
    return command_line(database_url, tmp_path)


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
