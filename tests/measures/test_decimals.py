"""One decimal mark per file (issue 9, item 10): decided by the file's first number that shows
it, a cell written the other way refused, and the rule said in the upload's preview."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from fourfold.accounts.access import Access
from fourfold.files import values
from fourfold.files.decimals import COMMA, POINT, Decimals, decide, shown

pytestmark = pytest.mark.usefixtures("acme")


def plan(text: str, name: str = "v.csv") -> values.Plan:
    return values.plan(values.read_bytes(text.encode(), name), access=Access.trusted())


def numbers(found: values.Plan) -> list[float]:
    return [v.value for v in found.values]


def test_a_number_shows_its_decimal_mark_only_when_it_cannot_be_read_the_other_way() -> None:
    assert [shown(t) for t in ("12.5", "0,5", "1,234.5", "1.234,5", "1234,567")] == [
        POINT, COMMA, POINT, COMMA, COMMA,
    ]  # fmt: skip
    assert [shown(t) for t in ("1,234", "1.234", "1 234", "12", "1.234.567")] == [None] * 5
    assert decide([(2, 700), (3, "1,234"), (4, "1,23"), (5, "3.5")]) == Decimals(COMMA, 4, "1,23")


def test_a_file_with_a_decimal_comma_reads_every_cell_with_it() -> None:
    """The issue's file: "1,234" and "1,23" in one CSV were read 1234 and 1.23."""
    found = plan('kpi,period,actual\nrevenue,2026-01,"1,23"\nrevenue,2026-02,"1,234"\n')
    assert not found.problems
    assert numbers(found) == [1.23, 1.234]
    assert found.decimals.describe() == (
        "Numbers are read with a decimal comma; points or spaces only between thousands, "
        "as row 2 writes '1,23'."
    )


def test_a_cell_written_the_other_way_is_refused_naming_the_cell_that_decided() -> None:
    found = plan('kpi,period,actual\nrevenue,2026-01,12.5\nrevenue,2026-02,"48,1"\n')
    assert [str(p) for p in found.problems] == [
        "row 3: actual '48,1' is written with a decimal comma, but this file writes decimals "
        "with a decimal point (row 2 writes '12.5')"
    ]


def test_without_a_telling_number_the_point_is_the_default_and_commas_group_thousands() -> None:
    found = plan('kpi,period,actual\nrevenue,2026-01,"1,234"\nrevenue,2026-02,121 500\n')
    assert numbers(found) == [1234, 121500]
    assert "(the default: no number of the file shows its decimal mark)" in (
        found.decimals.describe()
    )


def test_a_workbooks_text_cells_follow_the_rule_and_its_numbers_stay_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["kpi", "period", "actual"],
        ["revenue", "2026-01", 12.5],
        ["revenue", "2026-02", "48,1"],
    ):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    rows = values.read_bytes(out.getvalue(), "v.xlsx")
    found = values.plan(rows, access=Access.trusted())
    assert numbers(found) == [12.5, 48.1]  # the number cell says nothing of the text's mark
    assert found.decimals == Decimals(COMMA, 3, "48,1")


def test_the_upload_preview_says_which_rule_was_used(client: Client) -> None:
    user = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    upload = SimpleUploadedFile("v.csv", b'kpi,period,actual\nrevenue,2026-03,"7,5"\n')
    page = client.post("/import/", {"file": upload}).content.decode()
    assert (
        "Numbers are read with a decimal comma" in page and "row 2 writes &#x27;7,5&#x27;" in page
    )
