from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from fourfold.connectors.models import Connector
from tests.web import cards


@pytest.fixture
def small(db: None) -> None:
    cards.load_small()


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.com", "correct horse")


@pytest.fixture
def source_db(tmp_path: Path) -> Path:
    """A SQLite database as an ERP would have it: its own names for the columns."""
    path = tmp_path / "erp.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kpi_values (code TEXT, month TEXT, amount REAL, note TEXT)")
        conn.executemany(
            "INSERT INTO kpi_values VALUES (?, ?, ?, ?)",
            [("revenue", "2026-02", 650.0, "late invoice"), ("revenue", "2026-03", 720.0, None)],
        )
    conn.close()
    return path


QUERY = "SELECT code AS kpi, month AS period, amount AS value FROM kpi_values ORDER BY month"


@pytest.fixture
def sqlite_connector(small: None, source_db: Path) -> Connector:
    return Connector.objects.create(
        name="erp", kind=Connector.Kind.SQL, url=f"sqlite:///{source_db}", query=QUERY
    )
