"""Small files that would tie up the server (issue 9, item 3): refused at the limit, quickly,
with one sentence; a file of many wrong rows lists the first hundred and counts the rest."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from fourfold.accounts.models import Role
from fourfold.files import values
from fourfold.files.limits import FILES, UPLOADS, Limits
from fourfold.measures.models import Measurement
from tests.conftest import Run
from tests.web import cards

from .test_import import csv_file, loaded

SHEET = "xl/worksheets/sheet1.xml"


def workbook(*rows: tuple[Any, ...]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(unpacked: int) -> bytes:
    """A real workbook whose first sheet's XML is padded to `unpacked` bytes with blanks
    (a few hundred KB compressed), written in pieces so that the test holds none of it."""
    small = zipfile.ZipFile(io.BytesIO(workbook(("kpi", "period", "actual"))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for member in small.infolist():
            xml = small.read(member)
            if member.filename != SHEET:
                packed.writestr(member, xml)
                continue
            head, tail = xml.split(b"</sheetData>")
            with packed.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head)
                piece = b" " * (1 << 20)
                for _ in range(unpacked >> 20):
                    sheet.write(piece)
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()


@pytest.fixture
def editor(client: Client, db: None) -> Client:
    cards.load_small()
    eddie = User.objects.create_user("eddie")
    Role.objects.create(user=eddie, kind=Role.Kind.EDITOR, unit=None)
    client.force_login(eddie)
    return client


def upload(client: Client, name: str, data: bytes) -> str:
    response = client.post("/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response.content.decode()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_opened(
    editor: Client,
) -> None:
    data = bomb(UPLOADS.unpacked + (2 << 20))
    assert len(data) < 1 << 20
    start = time.perf_counter()
    page = upload(editor, "bomb.xlsx", data)
    assert time.perf_counter() - start < 3
    assert "The file cannot be read: bomb.xlsx unpacks to 50.0 MB, more than the 48.0 MB" in page
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_an_upload_of_more_rows_than_the_limit_is_refused_at_once(editor: Client) -> None:
    text = "kpi,period,actual\n" + "revenue,2026-03,1\n" * (UPLOADS.rows + 1)
    start = time.perf_counter()
    page = upload(editor, "long.csv", text.encode())
    assert time.perf_counter() - start < 3
    assert f"long.csv has more than {UPLOADS.rows:,} rows, the most a file may hold" in page


def test_a_sheet_that_skips_to_a_far_row_is_refused_at_the_limit(db: None) -> None:
    """openpyxl yields an empty row for every row a sheet skips: a cell in row 10^6 would be
    a million of them; the count stops at the limit."""
    small = Limits(bytes=FILES.bytes, unpacked=FILES.unpacked, rows=1000, columns=10, cells=100)
    book = Workbook()
    book.active.append(("kpi", "period", "actual"))  # type: ignore[union-attr]
    book.active.cell(row=1_000_000, column=1, value="revenue")  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(values.ImportFileError, match="far.xlsx has more than 1,000 rows"):
        values.read_bytes(out.getvalue(), "far.xlsx", limits=small)


def test_a_sheet_wider_than_the_limit_is_refused(db: None) -> None:
    small = Limits(bytes=FILES.bytes, unpacked=FILES.unpacked, rows=10, columns=5, cells=100)
    data = workbook(("kpi", "period", "actual"), ("revenue", "2026-01", 1, 2, 3, 4, 5))
    with pytest.raises(values.ImportFileError, match="wide.xlsx: row 2 has more than 5 columns"):
        values.read_bytes(data, "wide.xlsx", limits=small)


def test_a_wide_file_giving_more_values_than_the_limit_is_refused(db: None) -> None:
    small = Limits(bytes=FILES.bytes, unpacked=FILES.unpacked, rows=10, columns=50, cells=20)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    text = "kpi," + ",".join(months) + "\n" + ("revenue," + ",".join("1" * 12) + "\n") * 2
    with pytest.raises(values.ImportFileError, match="more than 20 values and targets"):
        values.read_bytes(text.replace("revenue", "cost", 1).encode(), "w.csv", limits=small)


def test_a_csv_of_a_hundred_thousand_columns_is_refused_by_its_header(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    months = [f"{1000 + i // 12}-{i % 12 + 1:02d}" for i in range(100_000)]
    path = csv_file(tmp_path, "kpi," + ",".join(months) + "\nrevenue" + ",1" * 100_000 + "\n")
    start = time.perf_counter()
    done = fourfold("import", str(path), check=False)
    assert time.perf_counter() - start < 3
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"fourfold: {path.name}: row 1 has more than 2,000 columns, the most a file may have: "
        "split it"
    )


def test_many_wrong_rows_list_the_first_hundred_and_count_the_rest(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    rows = [f"revenue,{1900 + i // 12}-{i % 12 + 1:02d},x\n" for i in range(1200)]
    path = csv_file(tmp_path, "kpi,period,actual\n" + "".join(rows))
    done = fourfold("import", str(path), check=False)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 102
    assert lines[0].endswith("row 2: actual 'x' is not a number")
    assert lines[99].endswith("row 101: actual 'x' is not a number")
    assert lines[100] == f"{path}: … and 1,100 more, not listed"
    assert lines[101].endswith("has 1200 problems; nothing was imported")
