"""A SQL connector on a real PostgreSQL server: read-only, time-limited, password from ${VAR}."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from fourfold.connectors import services, sources
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.measures.models import Measurement, Source

SERVER = os.environ.get("FOURFOLD_TEST_POSTGRES", "")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SERVER,
        reason="FOURFOLD_TEST_POSTGRES is not set: scripts/test.sh starts a PostgreSQL server "
        "and sets it (postgres://fourfold:fourfold@127.0.0.1:54329)",
    ),
]


@pytest.fixture
def source_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh source database with a table of values; its URL names the password by ${VAR}."""
    import psycopg

    name = f"erp_{uuid.uuid4().hex[:10]}"
    admin = f"{SERVER}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
        conn.execute("CREATE TABLE kpi_values (code text, month date, amount numeric)")
        conn.execute(
            "INSERT INTO kpi_values VALUES ('revenue', '2026-02-01', 650.5), "
            "('revenue', '2026-03-01', 720)"
        )
    parts = urlsplit(SERVER)
    monkeypatch.setenv("FF_TEST_SOURCE_PASSWORD", parts.password or "")
    netloc = f"{parts.username}:${{FF_TEST_SOURCE_PASSWORD}}@{parts.hostname}:{parts.port}"
    try:
        yield urlunsplit((parts.scheme, netloc, f"/{name}", "", ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connector(url: str, query: str) -> Connector:
    return Connector.objects.create(name="pg-erp", kind=Connector.Kind.SQL, url=url, query=query)


def test_it_reads_values_from_postgresql_with_the_password_from_the_environment(
    small: None, source_url: str
) -> None:
    assert "${FF_TEST_SOURCE_PASSWORD}" in source_url
    pg = connector(
        source_url, "SELECT code AS kpi, month AS period, amount AS value FROM kpi_values"
    )
    run = services.run(pg)
    assert run.status == ConnectorRun.Status.SUCCEEDED, run.error
    assert (run.rows_read, run.created, run.changed) == (2, 1, 1)
    february = Measurement.objects.get(kpi__code="revenue", period="2026-02")
    assert (february.value, february.source, february.source_detail) == (
        650.5,
        Source.CONNECTOR,
        "pg-erp",
    )


def test_it_runs_the_query_in_a_read_only_transaction(small: None, source_url: str) -> None:
    pg = connector(
        source_url,
        "WITH gone AS (DELETE FROM kpi_values RETURNING *) "
        "SELECT code AS kpi, month AS period, amount AS value FROM gone",
    )
    run = services.run(pg)
    assert run.status == ConnectorRun.Status.FAILED
    assert "read-only transaction" in run.error
    assert sources.query(source_url, "SELECT count(*) AS n FROM kpi_values").rows == [(2,)]


def test_a_query_that_runs_too_long_is_stopped(source_url: str) -> None:
    with pytest.raises(sources.SourceError, match="took longer than 0.5 seconds"):
        sources.query(source_url, "SELECT pg_sleep(5)", timeout=0.5)


def test_a_failing_query_is_logged_with_its_message_and_writes_nothing(
    small: None, source_url: str
) -> None:
    before = list(Measurement.objects.values_list("kpi_id", "period", "value"))
    run = services.run(connector(source_url, "SELECT kpi, period, value FROM nowhere"))
    assert run.status == ConnectorRun.Status.FAILED
    assert 'relation "nowhere" does not exist' in run.error
    assert list(Measurement.objects.values_list("kpi_id", "period", "value")) == before


def test_a_wrong_password_is_reported_without_showing_it(
    small: None, source_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FF_TEST_SOURCE_PASSWORD", "not-the-password")
    run = services.run(connector(source_url, "SELECT 1"))
    assert run.status == ConnectorRun.Status.FAILED
    assert run.error and "not-the-password" not in run.error
