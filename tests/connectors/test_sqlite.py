"""A SQL connector on a SQLite database: all rows or none, logged, read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fourfold.connectors import services
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.measures.models import Measurement, MeasurementVersion, Source

pytestmark = pytest.mark.django_db


def values() -> dict[str, tuple[float, str, str]]:
    return {
        m.period: (m.value, m.source, m.source_detail)
        for m in Measurement.objects.filter(kpi__code="revenue")
    }


def test_it_writes_the_rows_of_a_query_with_the_connector_as_their_source(
    sqlite_connector: Connector,
) -> None:
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.SUCCEEDED, run.error
    assert (run.rows_read, run.created, run.changed, run.unchanged) == (2, 1, 1, 0)
    assert run.finished_at is not None and run.refused == []
    found = values()
    assert found["2026-02"] == (650.0, Source.CONNECTOR, "erp")
    assert found["2026-03"] == (720.0, Source.CONNECTOR, "erp")
    old = MeasurementVersion.objects.get(kpi__code="revenue", period="2026-02")
    assert old.value == 600 and old.reason == "read by data source erp"


def test_running_it_again_changes_nothing(sqlite_connector: Connector) -> None:
    services.run(sqlite_connector)
    again = services.run(sqlite_connector)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert MeasurementVersion.objects.count() == 1


def test_it_refuses_every_wrong_row_and_writes_nothing(
    sqlite_connector: Connector, source_db: Path
) -> None:
    with sqlite3.connect(source_db) as conn:
        conn.execute("INSERT INTO kpi_values VALUES ('no-such-kpi', '2026-03', 1, NULL)")
        conn.execute("INSERT INTO kpi_values VALUES ('revenue', '2026-13', 1, NULL)")
    conn.close()
    before = values()
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert run.error == "2 rows were refused, so nothing was written"
    assert any("there is no KPI 'no-such-kpi'" in r for r in run.refused)
    assert any("2026-13" in r for r in run.refused)
    assert values() == before


def test_a_failing_query_is_logged_with_its_message_and_writes_nothing(
    sqlite_connector: Connector,
) -> None:
    sqlite_connector.query = "SELECT kpi, period, value FROM no_such_table"
    before = values()
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert "no such table: no_such_table" in run.error
    assert values() == before


def test_it_opens_the_source_read_only(sqlite_connector: Connector, source_db: Path) -> None:
    sqlite_connector.query = "DELETE FROM kpi_values"
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert "readonly" in run.error
    with sqlite3.connect(source_db) as conn:
        assert conn.execute("SELECT count(*) FROM kpi_values").fetchone() == (2,)
    conn.close()


def test_it_says_which_columns_the_query_must_return(sqlite_connector: Connector) -> None:
    sqlite_connector.query = "SELECT code, month AS period, amount AS value FROM kpi_values"
    run = services.run(sqlite_connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert run.error.startswith("the query returns a column 'code'")


def test_a_comment_column_is_written_with_the_value(sqlite_connector: Connector) -> None:
    sqlite_connector.query = (
        "SELECT code AS kpi, month AS period, amount AS value, note AS comment FROM kpi_values"
    )
    services.run(sqlite_connector)
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").comment == "late invoice"


def test_the_preview_shows_the_first_rows_and_writes_nothing(
    sqlite_connector: Connector,
) -> None:
    before = values()
    preview = services.preview(sqlite_connector)
    assert preview.columns == ["kpi", "period", "value"]
    assert preview.rows[0] == ("revenue", "2026-02", 650.0)
    assert "a run would write 2 values" in preview.message
    assert values() == before and not ConnectorRun.objects.exists()
