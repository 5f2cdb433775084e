"""`fourfold backup` and `restore`: a consistent snapshot while others write, and a restore
that checks the file first, asks, keeps the replaced database and brings the scores back."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_load import GOOD
from tests.conftest import Run

LOADED = "2 units, 3 KPIs, 3 values, 3 targets"
OTHER_ENGINES = ("`fourfold dump` + `fourfold load`", "`fourfold export` + `fourfold import`")


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgres")


def loaded(fourfold: Run, tmp_path: Path) -> None:
    card = tmp_path / "acme.yaml"
    card.write_text(GOOD)
    fourfold("load", str(card))


def scores(fourfold: Run) -> str:
    """Every scored line of the card in a month and a quarter, judged on a fixed day."""
    return "".join(
        fourfold("scores", "--period", period, "--json", "--today", "2026-12-31").stdout
        for period in ("2026-01", "2026-Q1")
    )


def change_values(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "changes.csv"
    path.write_text("kpi,period,actual,target\nrevenue,2026-01,70000,\norders,2026-01,55,60\n")
    fourfold("import", str(path))


def one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fourfold: "), done.stderr
    return lines[0]


def kept_path(done: subprocess.CompletedProcess[str]) -> Path:
    found = re.search(r"^Kept the database as it was in (.+)\.$", done.stdout, re.MULTILINE)
    assert found, done.stdout
    return Path(found.group(1))


def test_a_restored_backup_gives_back_the_scores_from_before_a_change(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    before = scores(fourfold)
    done = fourfold("backup", "acme.backup")
    assert re.fullmatch(rf"Wrote acme\.backup \([\d.,]+ (bytes|KB|MB)\): {LOADED}\.\n", done.stdout)
    change_values(fourfold, tmp_path)
    assert scores(fourfold) != before

    restored = fourfold("restore", "acme.backup", "--yes")
    assert f"with the backup ({LOADED})" in restored.stdout
    assert f"Restored acme.backup: {LOADED}." in restored.stdout
    assert scores(fourfold) == before


def test_it_refuses_to_overwrite_a_file_unless_forced(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    there = tmp_path / "there.backup"
    there.write_text("my notes")
    sentence = one_sentence(fourfold("backup", str(there), check=False))
    assert sentence == f"fourfold: {there} exists already; choose another name or add --force"
    assert there.read_text() == "my notes"

    fourfold("backup", str(there), "--force")
    assert there.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_backup_into_a_missing_folder_is_one_sentence_and_leaves_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    sentence = one_sentence(fourfold("backup", "no-such-folder/x.backup", check=False))
    assert sentence.startswith("fourfold: cannot write no-such-folder/x.backup:")
    assert not (tmp_path / "no-such-folder").exists()


def sqlite_file(path: Path, *statements: str) -> Path:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path


def test_it_refuses_what_is_not_a_backup_of_this_database_and_changes_nothing(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    loaded(fourfold, tmp_path)
    fourfold("backup", "good.backup")
    good = (tmp_path / "good.backup").read_bytes()
    (tmp_path / "damaged.backup").write_bytes(good[: len(good) // 2])
    (tmp_path / "empty.backup").write_bytes(b"")
    if is_postgres(database_url):
        sqlite_file(tmp_path / "other.backup", "CREATE TABLE t (x)")
        other, foreign = "SQLite", "PostgreSQL"
    else:
        (tmp_path / "other.backup").write_bytes(b"PGDMP\x01\x0f\x00" + bytes(200))
        other, foreign = "PostgreSQL", "SQLite"
        sqlite_file(tmp_path / "stranger.sqlite3", "CREATE TABLE notes (text)")
    before = fourfold("dump").stdout
    change_values(fourfold, tmp_path)
    changed = fourfold("dump").stdout
    assert changed != before

    expected = {
        "missing.backup": "there is no file missing.backup",
        "empty.backup": "empty.backup is empty, not a backup",
        "acme.yaml": "acme.yaml is not a Fourfold backup: neither a SQLite database nor a "
        "PostgreSQL archive of `pg_dump --format=custom`",
        "other.backup": f"other.backup is a backup of a {other} database and this "
        f"installation uses {foreign}",
        "damaged.backup": "damaged.backup",
    }
    if not is_postgres(database_url):
        expected["stranger.sqlite3"] = (
            "stranger.sqlite3 is a SQLite database but not a Fourfold one "
            "(it has no table django_migrations)"
        )
    for name, words in expected.items():
        sentence = one_sentence(fourfold("restore", name, "--yes", check=False))
        assert sentence.startswith(f"fourfold: {words}"), sentence
        if name == "other.backup":
            assert all(way in sentence for way in OTHER_ENGINES)
        if name == "damaged.backup":
            assert "cannot be read" in sentence
    assert fourfold("dump").stdout == changed
    assert not list(tmp_path.rglob("*before-restore*"))


def test_it_refuses_a_backup_from_a_newer_fourfold(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    if is_postgres(database_url):
        pytest.skip("the migrations of a pg_dump archive are not edited in place")
    loaded(fourfold, tmp_path)
    fourfold("backup", "new.backup")
    sqlite_file(
        tmp_path / "new.backup",
        "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('strategy', '9999_from_the_future', '2030-01-01')",
    )
    sentence = one_sentence(fourfold("restore", "new.backup", "--yes", check=False))
    assert "comes from a newer version of Fourfold" in sentence
    assert "strategy.9999_from_the_future" in sentence


def test_the_replaced_database_is_kept_and_restores(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    before = scores(fourfold)
    fourfold("backup", "acme.backup")
    change_values(fourfold, tmp_path)
    changed = scores(fourfold)

    kept = kept_path(fourfold("restore", "acme.backup", "--yes"))
    assert kept.is_file() and ".before-restore-" in kept.name
    assert scores(fourfold) == before
    again = fourfold("restore", str(kept), "--yes")
    assert kept_path(again) != kept
    assert scores(fourfold) == changed


def test_it_wants_yes_when_it_cannot_ask(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    fourfold("backup", "acme.backup")
    change_values(fourfold, tmp_path)
    changed = fourfold("dump").stdout
    done = fourfold("restore", "acme.backup", check=False)  # standard input: not a terminal
    assert f"with the backup ({LOADED})" in done.stdout
    sentence = one_sentence(done)
    assert "standard input is not a terminal: add --yes to confirm" in sentence
    assert fourfold("dump").stdout == changed


def open_writer(database_url: str) -> Any:
    """A connection of another process's kind, inside a write transaction it has not
    committed: a unit added and every target deleted."""
    statements = [
        "INSERT INTO strategy_unit (code, name, \"order\") VALUES ('extra', 'Extra', 0)",
        "DELETE FROM measures_target",
    ]
    if is_postgres(database_url):
        import psycopg

        pg = psycopg.connect(database_url)
        for statement in statements:
            pg.execute(statement)
        return pg
    lite = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    lite.execute("BEGIN IMMEDIATE")
    for statement in statements:
        lite.execute(statement)
    return lite


def test_a_backup_while_another_writes_holds_all_or_none_of_its_changes(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    loaded(fourfold, tmp_path)
    writer = open_writer(database_url)
    try:
        during = fourfold("backup", "during.backup")
        assert during.stdout.endswith(f": {LOADED}.\n")
        if is_postgres(database_url):
            writer.commit()
        else:
            writer.execute("COMMIT")
        # The writer stays open: on SQLite its commit is still in the -wal file only.
        after = fourfold("backup", "after.backup")
        assert after.stdout.endswith(": 3 units, 3 KPIs, 3 values, 0 targets.\n")
    finally:
        writer.close()
    restored = fourfold("restore", "during.backup", "--yes")
    assert f"Restored during.backup: {LOADED}." in restored.stdout


def test_a_backup_from_an_older_fourfold_is_brought_up_to_date(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    if is_postgres(database_url):
        pytest.skip("the migrations of a pg_dump archive are not edited in place")
    loaded(fourfold, tmp_path)
    before = scores(fourfold)
    fourfold("backup", "old.backup")
    # As if taken before the freshness app existed: its tables and migrations are not there.
    sqlite_file(
        tmp_path / "old.backup",
        "PRAGMA foreign_keys=OFF",
        "DROP TABLE freshness_kpiescalation",
        "DROP TABLE freshness_policy",
        "DROP TABLE freshness_sent",
        "DELETE FROM django_migrations WHERE app = 'freshness'",
    )
    change_values(fourfold, tmp_path)

    fourfold("restore", "old.backup", "--yes")
    assert scores(fourfold) == before
    lite = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    tables = {row[0] for row in lite.execute("SELECT name FROM sqlite_master")}
    lite.close()
    assert {"freshness_policy", "freshness_sent"} <= tables


def restore_at_a_terminal(database_url: str, tmp_path: Path, stdin: int) -> Any:
    """`fourfold restore acme.backup` as the installed script runs it, with a terminal as its
    standard input (which only a process of its own can have)."""
    env = dict(os.environ, FOURFOLD_DATABASE_URL=database_url, FOURFOLD_HOME=str(tmp_path))
    env.pop("FOURFOLD_DEBUG", None)
    return subprocess.run(
        [str(Path(sys.executable).with_name("fourfold")), "restore", "acme.backup"],
        stdin=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )


@pytest.mark.installed
def test_it_asks_at_a_terminal_and_no_changes_nothing(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    import pty

    loaded(fourfold, tmp_path)
    fourfold("backup", "acme.backup")
    change_values(fourfold, tmp_path)
    changed = fourfold("dump").stdout
    ours, theirs = pty.openpty()
    os.write(ours, b"n\n")  # typed ahead: the terminal keeps it until the question is asked
    done = restore_at_a_terminal(database_url, tmp_path, theirs)
    os.close(ours)
    os.close(theirs)
    assert "Replace it? [y/N]" in done.stdout
    assert one_sentence(done) == "fourfold: nothing was changed"
    assert fourfold("dump").stdout == changed
