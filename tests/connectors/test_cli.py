"""`fourfold connectors run` runs in the foreground; `fourfold worker` stops on Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fourfold.cli import cli
from fourfold.connectors.models import Connector, ConnectorRun

pytestmark = pytest.mark.django_db


def test_connectors_run_runs_a_data_source_now(sqlite_connector: Connector) -> None:
    result = CliRunner().invoke(cli, ["connectors", "run", "erp"])
    assert result.exit_code == 0, result.output
    assert "erp: read 2 rows; 1 values created, 1 changed, 0 unchanged." in result.output
    assert ConnectorRun.objects.get().trigger == ConnectorRun.Trigger.COMMAND


def test_connectors_run_reports_each_refused_row_and_fails(
    sqlite_connector: Connector,
) -> None:
    sqlite_connector.query = "SELECT 'nope' AS kpi, '2026-03' AS period, 1 AS value"
    sqlite_connector.save()
    result = CliRunner().invoke(cli, ["connectors", "run"])
    assert result.exit_code == 1
    assert "erp: row 1: there is no KPI 'nope'" in result.output
    assert "1 of 1 data sources failed" in result.output


def test_connectors_run_names_an_unknown_data_source(db: None) -> None:
    result = CliRunner().invoke(cli, ["connectors", "run", "nope"])
    assert result.exit_code == 1 and "there is no data source 'nope'" in result.output


@pytest.mark.slow
@pytest.mark.installed
def test_the_worker_starts_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        FOURFOLD_DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
        FOURFOLD_HOME=str(tmp_path),
        FOURFOLD_WORKERS="1",
    )
    exe = Path(sys.executable).with_name("fourfold")
    worker = subprocess.Popen(
        [str(exe), "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert worker.stdout is not None
        assert "background worker is running" in worker.stdout.readline()
        time.sleep(3)
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "The background worker has stopped." in output
