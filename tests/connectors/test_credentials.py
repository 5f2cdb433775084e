"""Connection URLs never keep a password: ${VARIABLES} are read when the connector runs."""

from __future__ import annotations

import pytest

from fourfold.connectors import credentials


def test_it_refuses_a_url_with_a_literal_password() -> None:
    with pytest.raises(credentials.CredentialError, match=r"\$\{VARIABLE\}"):
        credentials.check("postgres://reader:s3cret@db.example/erp")


def test_it_refuses_a_password_given_as_a_url_parameter() -> None:
    with pytest.raises(credentials.CredentialError, match="password"):
        credentials.check("postgres://reader@db.example/erp?password=s3cret")


def test_it_accepts_a_password_written_as_an_environment_variable() -> None:
    credentials.check("postgres://reader:${ERP_PASSWORD}@db.example/erp")
    credentials.check("postgres://reader@db.example/erp")


def test_it_resolves_variables_at_run_time_and_quotes_them() -> None:
    url = "postgres://reader:${ERP_PASSWORD}@db.example/erp"
    resolved = credentials.resolve(url, {"ERP_PASSWORD": "p@ss/word"})
    assert resolved == "postgres://reader:p%40ss%2Fword@db.example/erp"


def test_it_names_a_variable_that_is_not_set() -> None:
    with pytest.raises(credentials.CredentialError, match="ERP_PASSWORD is not set"):
        credentials.resolve("postgres://reader:${ERP_PASSWORD}@db/erp", {})


def test_it_refuses_a_relative_sqlite_path_and_other_databases() -> None:
    with pytest.raises(credentials.CredentialError, match="four slashes"):
        credentials.check("sqlite:///erp.sqlite3")
    with pytest.raises(credentials.CredentialError, match="postgres://"):
        credentials.check("mysql://reader@db/erp")
