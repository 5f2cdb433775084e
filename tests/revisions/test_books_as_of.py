"""`fourfold report --as-of` the moment a book was made makes the same book, after a KPI's
definition and an initiative (its name, budget, milestones, progress) changed: the same text
in the PDF, the same cells in the XLSX. Through the command line, on the backend under test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pytest_django import DjangoDbBlocker

from tests.conftest import Run, command_line, fresh_database
from tests.reports.test_report_command import flat, pdf_text

from .past import scorecard

BOOK = ("report", "--unit", "acme", "--period", "2026-02")


@pytest.fixture(scope="module")
def books(
    tmp_path_factory: pytest.TempPathFactory,
    _migrated_template: str,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[tuple[Path, Run, str]]:
    """The books of version 1 (PDF, XLSX) and the moment they were read; then version 2."""
    folder = tmp_path_factory.mktemp("books_as_of")
    with fresh_database(folder, _migrated_template) as url:
        run = command_line(url, folder, django_db_blocker)
        (folder / "v1.yaml").write_text(scorecard(False))
        (folder / "v2.yaml").write_text(scorecard(True))
        run("load", str(folder / "v1.yaml"))
        said = run(*BOOK, "-o", str(folder / "first.pdf")).stdout
        read_at = re.search(r"numbers as read at (\S+)\)", said).group(1)  # type: ignore[union-attr]
        run(*BOOK, "-o", str(folder / "first.xlsx"), "--as-of", read_at)
        run("load", str(folder / "v2.yaml"))
        yield folder, run, read_at


def cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in book.worksheets]


def test_the_pdf_as_of_the_first_books_moment_has_the_same_text(
    books: tuple[Path, Run, str],
) -> None:
    folder, run, read_at = books
    run(*BOOK, "-o", str(folder / "now.pdf"))
    run(*BOOK, "-o", str(folder / "again.pdf"), "--as-of", read_at)
    first, now, again = (flat(pdf_text(folder / f"{n}.pdf")) for n in ("first", "now", "again"))
    assert "Roll out the new CRM" in first and "A renamed" not in first
    assert "Roll out the new CRM everywhere" in now and "A renamed" in now
    assert again == first


def test_the_xlsx_as_of_the_first_books_moment_has_the_same_cells(
    books: tuple[Path, Run, str],
) -> None:
    folder, run, read_at = books
    run(*BOOK, "-o", str(folder / "now.xlsx"))
    run(*BOOK, "-o", str(folder / "again.xlsx"), "--as-of", read_at)
    first, now, again = (cells(folder / f"{n}.xlsx") for n in ("first", "now", "again"))
    assert again == first
    assert now != first
    shown = str(now)
    assert "A renamed" in shown and "A renamed" not in str(first)
