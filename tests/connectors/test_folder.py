"""A folder connector: each dropped file is imported whole or not at all, then moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from fourfold.connectors import services
from fourfold.connectors.models import Connector, ConnectorRun
from fourfold.measures.models import Measurement, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(small: None, tmp_path: Path) -> tuple[Connector, Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    found = Connector.objects.create(name="drop", kind=Connector.Kind.FOLDER, folder=str(folder))
    return found, folder


def test_it_imports_a_dropped_file_and_moves_it_to_done(inbox: tuple[Connector, Path]) -> None:
    connector, folder = inbox
    (folder / "march.csv").write_text("kpi,period,actual\nrevenue,2026-03,710\n")
    run = services.run(connector)
    assert run.status == ConnectorRun.Status.SUCCEEDED, run.error
    assert run.created == 1 and run.files[0]["outcome"] == "done"
    value = Measurement.objects.get(kpi__code="revenue", period="2026-03")
    assert (value.value, value.source, value.source_detail) == (710, Source.CONNECTOR, "drop")
    assert not (folder / "march.csv").exists()
    assert [p.name.endswith("-march.csv") for p in (folder / "done").iterdir()] == [True]


def test_a_wrong_file_goes_to_failed_with_its_reasons_and_writes_nothing(
    inbox: tuple[Connector, Path],
) -> None:
    connector, folder = inbox
    (folder / "bad.csv").write_text(
        "kpi,period,actual\nrevenue,2026-03,710\nnope,2026-03,1\nrevenue,2026-04,lots\n"
    )
    run = services.run(connector)
    assert run.status == ConnectorRun.Status.FAILED
    assert run.error.startswith("1 of 1 file was refused and moved to failed/")
    assert run.refused == [
        "bad.csv: row 3: there is no KPI 'nope'",
        "bad.csv: row 4: actual 'lots' is not a number",
    ]
    assert not Measurement.objects.filter(period="2026-03").exists()
    failed = sorted(p.name for p in (folder / "failed").iterdir())
    assert failed[0].endswith("-bad.csv") and failed[1].endswith("-bad.csv.errors.txt")
    assert "there is no KPI 'nope'" in (folder / "failed" / failed[1]).read_text()


def test_good_files_are_imported_even_when_another_is_refused(
    inbox: tuple[Connector, Path],
) -> None:
    connector, folder = inbox
    (folder / "a.csv").write_text("kpi,period,actual\nrevenue,2026-03,710\n")
    (folder / "b.csv").write_text("kpi,period\nrevenue,2026-04\n")
    (folder / "notes.md").write_text("not a values file")
    run = services.run(connector)
    assert [f["outcome"] for f in run.files] == ["done", "failed"]
    assert Measurement.objects.filter(kpi__code="revenue", period="2026-03").exists()
    assert (folder / "notes.md").exists()


def test_a_missing_folder_fails_the_run_with_its_name(small: None, tmp_path: Path) -> None:
    gone = Connector.objects.create(
        name="gone", kind=Connector.Kind.FOLDER, folder=str(tmp_path / "gone")
    )
    run = services.run(gone)
    assert run.status == ConnectorRun.Status.FAILED
    assert run.error == f"there is no folder {tmp_path / 'gone'}"


def test_values_of_a_kpi_that_needs_approval_wait_and_the_run_counts_them(
    inbox: tuple[Connector, Path],
) -> None:
    from django.contrib.auth.models import User

    from fourfold.intake import services as intake
    from fourfold.intake.models import PendingValue
    from fourfold.measures.models import KPI

    connector, folder = inbox
    olga = User.objects.create_user("olga")
    KPI.objects.filter(code="revenue").update(owner=olga)
    intake.set_approval(KPI.objects.get(code="revenue"), True, actor=olga)
    (folder / "march.csv").write_text("kpi,period,actual\nrevenue,2026-03,710\n")
    run = services.run(connector)
    assert run.status == ConnectorRun.Status.SUCCEEDED, run.error
    assert (run.created, run.waiting) == (0, 1)
    assert run.files[0]["message"].endswith("1 waiting for approval")
    assert PendingValue.objects.get().value == 710
    assert not Measurement.objects.filter(kpi__code="revenue", period="2026-03").exists()
    (folder / "again.csv").write_text("kpi,period,actual\nrevenue,2026-03,710\n")
    again = services.run(connector)  # the same value again: still one waiting, not two
    assert again.waiting == 1 and PendingValue.objects.count() == 1
