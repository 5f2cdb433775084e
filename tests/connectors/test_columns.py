"""A folder's files take the columns the help names, `value` as a query does or `actual` as an
import does, and a wrong header is told in the page's words, not a command-line option's."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.connectors import services
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.measures.models import Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(small: None, tmp_path: Path) -> tuple[Connector, Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    found = Connector.objects.create(name="drop", kind=Connector.Kind.FOLDER, folder=str(folder))
    return found, folder


@pytest.mark.parametrize("column", ["value", "actual", "Value"])
def test_a_file_may_call_its_values_value_or_actual(
    inbox: tuple[Connector, Path], column: str
) -> None:
    connector, folder = inbox
    (folder / "march.csv").write_text(f"kpi,period,{column}\nrevenue,2026-03,710\n")
    run = services.run(connector)
    assert run.status == ConnectorRun.Status.SUCCEEDED, run.error
    assert Measurement.objects.get(kpi__code="revenue", period="2026-03").value == 710


def test_a_wrong_column_is_refused_naming_the_columns_and_no_command_line_option(
    inbox: tuple[Connector, Path],
) -> None:
    connector, folder = inbox
    (folder / "march.csv").write_text("kpi,period,amount,notes\nrevenue,2026-03,710,x\n")
    run = services.run(connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert run.refused == [
        "march.csv: the column 'amount' is not known (nor 'notes'); a file's columns "
        "are kpi, period and value (or actual), and optionally target, red_flag and comment; "
        "or kpi and one column per period"
    ]
    assert "--map" not in " ".join(run.refused)
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_the_test_button_reads_a_file_with_a_value_column(
    client: Client, inbox: tuple[Connector, Path]
) -> None:
    connector, folder = inbox
    (folder / "march.csv").write_text("kpi,period,value\nrevenue,2026-03,710\n")
    (folder / "april.csv").write_text("kpi,period,amount\nrevenue,2026-04,720\n")
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    data = {"name": "drop", "kind": "folder", "folder": str(folder), "every": "daily"}
    data |= {"minutes": "60", "enabled": "on", "action": "test"}
    page = client.post("/sources/drop/edit/", data).content.decode()
    assert "2 files waiting in" in page
    assert "<td>march.csv</td><td>1 values and 0 targets.</td>" in page
    assert "the column &#x27;amount&#x27; is not known" in page
    assert "--map" not in page
    assert connector.runs.count() == 0 and not Measurement.objects.filter(period="2026-03")


def test_the_form_s_help_names_the_columns_a_file_may_have(client: Client, small: None) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    page = client.get("/sources/new/").content.decode()
    assert "the columns kpi, period and value (or actual)" in page
    assert "fourfold import" not in page
