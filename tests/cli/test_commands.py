"""Every command works on a fresh database and fails with one sentence, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fourfold.cli import cli
from tests.conftest import Run

INSTALLED = str(Path(sys.executable).with_name("fourfold"))


def test_scores_on_a_fresh_empty_database_prints_nothing_and_succeeds(fourfold: Run) -> None:
    done = fourfold("scores", "--json", "--period", "2026-01")
    assert done.stdout == ""


def test_dump_of_a_fresh_database_is_a_valid_empty_scorecard(fourfold: Run, tmp_path: Path) -> None:
    text = fourfold("dump").stdout
    assert "units: []" in text
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    assert fourfold("load", "--check", str(path)).stdout.strip() == f"{path} is valid."


@pytest.mark.installed
def test_the_installed_command_prints_its_help_naming_every_command(installed: Run) -> None:
    done = installed("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Usage: fourfold [OPTIONS] COMMAND [ARGS]...")
    for name in cli.commands:
        assert f"\n  {name} " in done.stdout, name


@pytest.mark.installed
def test_an_unknown_unit_is_one_sentence(installed: Run) -> None:
    done = installed("scores", "--unit", "nowhere", check=False)
    assert (done.returncode, done.stderr) == (1, "fourfold: there is no unit 'nowhere'\n")


def test_a_bad_period_is_one_sentence(fourfold: Run) -> None:
    done = fourfold("scores", "--period", "2026-13", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("fourfold: '2026-13'")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.installed
def test_a_bad_database_url_is_one_sentence(tmp_path: Path) -> None:
    """Read with the settings, as the process starts: only a new process tells."""
    env = dict(os.environ, FOURFOLD_DATABASE_URL="mysql://nope", FOURFOLD_HOME=str(tmp_path))
    done = subprocess.run([INSTALLED, "scores"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.sqlite
@pytest.mark.installed
def test_the_first_command_creates_a_database_in_a_folder_that_does_not_exist_yet(
    tmp_path: Path,
) -> None:
    path = tmp_path / "not" / "yet" / "fourfold.sqlite3"
    env = dict(os.environ, FOURFOLD_DATABASE_URL=f"sqlite:///{path}", FOURFOLD_HOME=str(tmp_path))
    done = subprocess.run([INSTALLED, "dump"], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert "units: []" in done.stdout
    assert path.stat().st_size > 0


def test_the_demo_scorecard_has_every_kind_of_node_and_overdue_data(fourfold: Run) -> None:
    from fourfold.demo.install import DEMO_FILE

    fourfold("load", str(DEMO_FILE))
    rows = [
        json.loads(line)
        for line in fourfold(
            "scores", "--period", "2026-10", "--today", "2026-11-24", "--json"
        ).stdout.splitlines()
    ]
    kinds = {r["kind"] for r in rows}
    assert kinds == {"scorecard", "perspective", "objective", "kpi", "initiative"}
    assert len({r["unit"] for r in rows}) >= 11
    # Initiatives on track, behind and over budget (capped at amber).
    assert {r["status"] for r in rows if r["kind"] == "initiative"} == {"red", "amber", "green"}
    assert {r["status"] for r in rows if r["kind"] == "kpi"} >= {"red", "amber", "green"}
    assert any(r["coverage"]["overdue"] for r in rows if r["kind"] == "kpi")


@pytest.mark.installed
def test_serve_on_a_port_already_taken_says_so_in_one_sentence(installed: Run) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = installed("serve", "--port", str(port), check=False)
    assert done.returncode == 1
    assert done.stdout == ""  # no address printed for a server that never started
    assert done.stderr == f"fourfold: cannot listen on 127.0.0.1:{port}: Address already in use\n"
