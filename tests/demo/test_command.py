"""The installed `fourfold demo`, end to end on the real day: its database scores every unit
in last month, the month the pages open on."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fourfold.core import periods

EXE = Path(sys.executable).with_name("fourfold")


@pytest.mark.slow
def test_fourfold_demo_makes_a_database_scored_in_last_month(tmp_path: Path) -> None:
    env = dict(os.environ, FOURFOLD_HOME=str(tmp_path))
    # The demo has a database of its own, whatever this says: only a new process tells.
    elsewhere = tmp_path / "elsewhere.sqlite3"
    env["FOURFOLD_DATABASE_URL"] = f"sqlite:///{elsewhere}"
    today = dt.date.today()  # the real one: TIME_ZONE is UTC, as the command's
    done = subprocess.run(
        [str(EXE), "demo", "--no-serve"], capture_output=True, text=True, env=env, timeout=300
    )
    assert (done.returncode, done.stderr) == (0, "")
    last = periods.month_key(periods.month_ordinal(f"{today:%Y-%m}") - 1)
    label = dt.date.fromisoformat(f"{last}-01").strftime("%B %Y")
    database = tmp_path / "demo.sqlite3"
    assert done.stdout.splitlines() == [
        f"Demo database: {database} (values to {label})",
        "Sign in as demo with the password demo",
    ]
    assert not elsewhere.exists()

    env["FOURFOLD_DATABASE_URL"] = f"sqlite:///{database}"
    scores = subprocess.run(
        [str(EXE), "scores", "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    rows = [json.loads(line) for line in scores.stdout.splitlines()]
    cards = [row for row in rows if row["kind"] == "scorecard"]
    assert len(cards) == 11
    assert [row["unit"] for row in cards if row["period"] != last or row["score"] is None] == []
