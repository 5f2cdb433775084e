"""Revisions through the real command line (the suite runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from tests.conftest import Run, command_line, fresh_database, query, score_lines

from .past import scorecard
from .scorecards import C_KPI, card, weight


def execute(database_url: str, sql: str) -> None:
    """A change made behind Fourfold's back, as someone with the database's password could."""
    if database_url.startswith("sqlite"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as c:
            c.execute(sql)
            c.commit()
        return
    import psycopg

    with psycopg.connect(database_url) as pg:
        pg.execute(sql)


def objective(run: Run, period: str, *extra: str) -> float:
    done = run("scores", "--unit", "acme", "--period", period, "--json", *extra)
    return float(score_lines(done)[("objective", "grow")]["score"])


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_scores_a_moment_between_two_loads_with_the_definitions_then(
    fourfold: Run, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("revision", "save", "before")
    moment = json.loads(fourfold("revisions", "--json").stdout)["at"]
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5))))
    assert objective(fourfold, "2026-01") == 5.56
    assert objective(fourfold, "2026-01", "--as-of", moment) == 6.67
    assert objective(fourfold, "2026-01", "--as-of", "before") == 6.67


def test_a_change_effective_from_a_period_keeps_the_earlier_periods_as_they_were(
    fourfold: Run, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5, "2026-02"))))
    assert objective(fourfold, "2026-01") == 6.67
    assert objective(fourfold, "2026-02") == 5.56
    again = fourfold("load", write(tmp_path, "v2.yaml", card(weight(5, "2026-02"))))
    assert "Nothing changed" in again.stdout


def test_a_change_for_every_period_lists_the_past_scores_it_restated(
    fourfold: Run, database_url: str, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5))))
    [(reason, moved)] = query(database_url, "SELECT reason, moved FROM revisions_restatement")
    rows = json.loads(moved) if isinstance(moved, str) else moved
    assert reason == "fourfold load v2.yaml"
    assert {"period": "2026-01", "kind": "objective", "code": "grow", "old": 6.67,
            "new": 5.56} in rows  # fmt: skip
    assert {(r["period"], r["kind"]) for r in rows} >= {("2026-02", "scorecard")}


def test_every_change_is_kept_with_who_when_and_why(
    fourfold: Run, database_url: str, tmp_path: Path
) -> None:
    owner = "                owner: ada@acme.example\n"
    fourfold("load", write(tmp_path, "v1.yaml", card(owner)))
    fourfold(
        "load", write(tmp_path, "v2.yaml", card(owner + weight(5))), "--as", "ada@acme.example"
    )
    rows = query(
        database_url,
        "SELECT v.changed, v.reason, u.username FROM revisions_version v "
        "LEFT JOIN auth_user u ON u.id = v.actor_id WHERE v.kind = 'kpi' ORDER BY v.id",
    )
    kept = [(json.loads(c) if isinstance(c, str) else c, reason, who) for c, reason, who in rows]
    assert kept == [
        (["created"], "fourfold load v1.yaml", None),
        (["created"], "fourfold load v1.yaml", None),
        (["weight"], "fourfold load v2.yaml", "ada@acme.example"),
    ]


def test_named_revisions_are_saved_listed_and_compared(fourfold: Run, tmp_path: Path) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("revision", "save", "FY27 plan v1", "--note", "as proposed")
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5), more="")))
    fourfold("load", write(tmp_path, "v3.yaml", card(weight(5)).replace(
        "              - code: b", C_KPI + "              - code: b")))  # fmt: skip
    fourfold("revision", "save", "FY27 plan v2")
    listed = fourfold("revisions").stdout
    assert "FY27 plan v1  as proposed" in listed and "FY27 plan v2" in listed
    changes = fourfold("diff", "FY27 plan v1", "FY27 plan v2").stdout.splitlines()
    assert "kpi c (acme): added" in changes
    assert "kpi a (acme): weight 1 → 5" in changes
    assert "target c 2026-01 (acme): target — → 700" in changes
    same = fourfold("revision", "save", "FY27 plan v2", check=False)
    assert same.returncode == 1
    assert same.stderr == "fourfold: there is already a revision named 'FY27 plan v2'\n"
    wrong = fourfold("diff", "FY27 plan v1", "someday", check=False)
    assert wrong.returncode == 1 and "'someday' is neither a revision's name" in wrong.stderr


@pytest.fixture
def other(
    tmp_path: Path, _migrated_template: str, django_db_blocker: DjangoDbBlocker
) -> Iterator[Run]:
    with fresh_database(tmp_path, _migrated_template, "other") as url:
        yield command_line(url, tmp_path, django_db_blocker)


def test_a_revision_dumped_loads_into_a_fresh_database_to_the_scores_it_had(
    fourfold: Run, other: Run, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("revision", "save", "v1")
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5))))
    fourfold("dump", "--as-of", "v1", "-o", str(tmp_path / "v1-again.yaml"))
    other("load", str(tmp_path / "v1-again.yaml"))
    for period in ("2026-01", "2026-02", "2026-Q1"):
        then = fourfold("scores", "--as-of", "v1", "--period", period, "--json").stdout
        assert other("scores", "--period", period, "--json").stdout == then
    assert objective(other, "2026-01") == 6.67


def test_a_revision_dumped_holds_its_initiatives_and_their_milestones_of_then(
    fourfold: Run, other: Run, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", scorecard(False)))
    fourfold("revision", "save", "v1")
    fourfold("load", write(tmp_path, "v2.yaml", scorecard(True)))
    fourfold("dump", "--as-of", "v1", "-o", str(tmp_path / "then.yaml"))
    fourfold("dump", "-o", str(tmp_path / "now.yaml"))
    then, now = ((tmp_path / f"{n}.yaml").read_text() for n in ("then", "now"))
    assert "name: Roll out the new CRM\n" in then and "Training" not in then
    assert "Roll out the new CRM everywhere" in now and "Training" in now
    assert "A renamed" not in then and "name: Grow\n" in then
    other("load", str(tmp_path / "then.yaml"))
    assert other("dump").stdout == fourfold("dump", "--as-of", "v1").stdout


def test_audit_verify_names_the_entry_altered_in_the_database(
    fourfold: Run, database_url: str, tmp_path: Path
) -> None:
    fourfold("load", write(tmp_path, "v1.yaml", card()))
    fourfold("load", write(tmp_path, "v2.yaml", card(weight(5))))
    ok = fourfold("audit", "verify")
    [(count,)] = query(database_url, "SELECT COUNT(*) FROM audit_auditentry")
    assert ok.stdout == f"OK: {count} audit entries, chain intact.\n"
    [(second,)] = query(
        database_url, "SELECT id FROM audit_auditentry ORDER BY id LIMIT 1 OFFSET 1"
    )
    execute(database_url, f"UPDATE audit_auditentry SET summary = 'nothing' WHERE id = {second}")
    broken = fourfold("audit", "verify", check=False)
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"fourfold: audit entry {second} (")
    assert "was altered" in broken.stderr
