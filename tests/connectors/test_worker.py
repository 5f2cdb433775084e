"""A real background worker shows itself through its heartbeat, and the demo's way of running
one beside the server starts it and stops it cleanly."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from fourfold.connectors import worker

pytestmark = pytest.mark.slow


def heartbeat_due(database: Path) -> str | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT next_run FROM django_q_schedule WHERE func = ?", (worker.HEARTBEAT,)
        ).fetchone()
    conn.close()
    return None if row is None else str(row[0])


def test_a_worker_started_alongside_beats_at_once_and_stops_on_leaving(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file itself")
    monkeypatch.setenv("FOURFOLD_DATABASE_URL", database_url)
    monkeypatch.setenv("FOURFOLD_HOME", str(tmp_path))
    database = Path(database_url.removeprefix("sqlite:///"))
    log = tmp_path / "worker.log"
    assert heartbeat_due(database) is None
    with worker.alongside(log) as child:
        deadline = time.monotonic() + 60
        while heartbeat_due(database) is None and time.monotonic() < deadline:
            assert child.poll() is None, log.read_text()
            time.sleep(0.25)
        assert heartbeat_due(database) is not None, log.read_text()
    assert child.returncode == 0, log.read_text()
    assert "The background worker has stopped." in log.read_text()
