"""`fourfold report` refuses bad input in one sentence and leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from tests.conftest import Run, command_line, fresh_database
from tests.web import cards


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory,
    _migrated_template: str,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[Run]:
    folder = tmp_path_factory.mktemp("bad-books")
    with fresh_database(folder, _migrated_template) as url:
        fourfold = command_line(url, folder, django_db_blocker)
        card = folder / "small.yaml"
        card.write_text(cards.SMALL)
        fourfold("load", str(card))
        yield fourfold


def refused(run: Run, *args: str) -> str:
    done = run("report", *args, check=False)
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--unit", "nope", "--period", "2026-01"), "there is no unit 'nope'"),
        (("--unit", "acme", "--period", "2026-13"), "2026-13"),
        (
            ("--unit", "acme", "--period", "1950-01"),
            "there are no scores of unit 'acme' for 1950-01",
        ),
        (
            ("--unit", "acme", "--period", "2026-01", "--section", "appendix"),
            "'appendix' is not a section",
        ),
        (("--unit", "acme", "--period", "2026-01", "--as", "nobody@x.example"), "no active user"),
        (
            ("--unit", "acme", "--period", "2026-01", "--as-of", "soon"),
            "--as-of 'soon' is not a date",
        ),
    ],
)
def test_a_bad_unit_period_section_user_or_moment_is_one_sentence_and_no_file(
    run: Run, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    out = tmp_path / "book.pdf"
    message = refused(run, *args, "-o", str(out))
    assert message.startswith("fourfold: ") and said in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["book.docx", "book", "book.pdf.txt"])
def test_an_output_name_with_an_unknown_extension_is_refused(
    run: Run, tmp_path: Path, name: str
) -> None:
    message = refused(run, "--unit", "acme", "--period", "2026-01", "-o", str(tmp_path / name))
    assert message == (
        f"fourfold: {tmp_path / name} has no extension of a briefing book: "
        "name it .pdf, .xlsx or .pptx"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_path_that_cannot_be_written_leaves_nothing_behind(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    inside = tmp_path / "a-file" / "book.xlsx"
    message = refused(run, "--unit", "acme", "--period", "2026-01", "-o", str(inside))
    assert message == f"fourfold: cannot write {inside}: Not a directory"
    (tmp_path / "taken.xlsx").mkdir()  # the rename onto a folder fails after the writing
    message = refused(
        run, "--unit", "acme", "--period", "2026-01", "-o", str(tmp_path / "taken.xlsx")
    )
    assert message.startswith(f"fourfold: cannot write {tmp_path / 'taken.xlsx'}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "taken.xlsx"]
    assert list((tmp_path / "taken.xlsx").iterdir()) == []


def test_a_failed_book_leaves_the_file_that_was_there_as_it_was(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    run("report", "--unit", "acme", "--period", "2026-01", "-o", str(out))
    before = out.read_bytes()
    refused(run, "--unit", "acme", "--period", "2026-13", "-o", str(out))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
