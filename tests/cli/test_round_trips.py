"""Round trips through the real command line: what `dump` and `export` write loads and imports
back to the same scores, and loading or importing the same file again changes nothing — not a
row, not a history version, not an audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytest_django import DjangoDbBlocker

from fourfold.demo.install import DEMO_FILE
from tests.cli.test_hostile_input import snapshot
from tests.cli.test_load import GOOD
from tests.conftest import Run, command_line, fresh_database

PERIODS = ("2024-02", "2025", "2026-Q3", "2026-06-YTD", "2026-10")


@pytest.fixture
def other(
    tmp_path: Path, _migrated_template: str, django_db_blocker: DjangoDbBlocker
) -> Iterator[Run]:
    """The command line on a second fresh database, as `fourfold` is on the first."""
    with fresh_database(tmp_path, _migrated_template, "other") as url:
        yield command_line(url, tmp_path, django_db_blocker)


def all_scores(run: Run) -> dict[str, str]:
    """`scores --json` of every unit, for several kinds of period."""
    return {
        period: run("scores", "--json", "--period", period, "--today", "2026-11-24").stdout
        for period in PERIODS
    }


def test_the_demo_dumps_and_loads_back_to_the_same_scores_and_the_same_dump(
    fourfold: Run, other: Run, tmp_path: Path, database_url: str
) -> None:
    fourfold("load", str(DEMO_FILE))
    before = snapshot(database_url)
    again = fourfold("load", str(DEMO_FILE))
    assert again.stdout.strip().endswith("Nothing changed.")
    assert snapshot(database_url) == before  # not a row, a version or an audit entry more

    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    fourfold("dump", "-o", str(first))
    fourfold("dump", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()

    other("load", str(first))
    scores = all_scores(fourfold)
    assert all(len(lines.splitlines()) > 100 for lines in scores.values())
    assert all_scores(other) == scores
    assert other("dump").stdout == first.read_text()


@pytest.mark.parametrize(
    ("name", "layout"),
    [("long.csv", "long"), ("wide.csv", "wide"), ("long.xlsx", "long"), ("wide.xlsx", "wide")],
)
def test_importing_a_changed_file_twice_changes_nothing_the_second_time(
    fourfold: Run, tmp_path: Path, database_url: str, name: str, layout: str
) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(GOOD)
    fourfold("load", str(path))
    exported = tmp_path / name
    fourfold("export", str(exported), "--layout", layout)
    # Change every value and target in the file, so that the first import writes history.
    if name.endswith(".csv"):
        text = exported.read_text()
        exported.write_text(
            text.replace("104000", "105000").replace("100000", "101000").replace(",40", ",41")
        )
    else:
        book = load_workbook(exported)
        sheet = book.active
        assert sheet is not None
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.value = cell.value + 1
        book.save(exported)
    first = fourfold("import", str(exported)).stdout
    assert " 0 changed, " not in first.split(";")[0]  # some value changed
    after_first = snapshot(database_url)
    second = fourfold("import", str(exported)).stdout
    assert "0 values created, 0 changed" in second
    assert "0 targets created, 0 changed" in second
    assert snapshot(database_url) == after_first


def test_comments_that_look_like_formulas_or_hold_line_breaks_survive_export_and_import(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(GOOD)
    fourfold("load", str(path))
    values = tmp_path / "comments.csv"
    values.write_text(
        "kpi,period,actual,comment\n"
        'revenue,2026-02,1,"=A1*2"\n'
        'revenue,2026-03,2,"two\nlines, ""quoted"""\n'
        "revenue,2026-04,3,a\u2028b\n",
        encoding="utf-8",
    )
    fourfold("import", str(values))
    before = snapshot(database_url)
    for name in ("out.xlsx", "out.csv"):
        fourfold("export", str(tmp_path / name))
        done = fourfold("import", str(tmp_path / name))
        assert "0 values created, 0 changed" in done.stdout, (name, done.stdout)
    assert snapshot(database_url) == before


def test_a_dump_with_archived_objectives_loads_into_a_fresh_database(
    fourfold: Run, other: Run, tmp_path: Path
) -> None:
    """An objective archived while others still drive it or are aligned to it (here by a file
    of its unit alone): the dump leaves those links out, as the archived objective is not in
    it, and loads into a fresh database with the same scores."""
    linked = GOOD.replace(
        "aligned_to: grow-revenue", "aligned_to: grow-revenue\n            drives: [grow-revenue]"
    )
    path = tmp_path / "acme.yaml"
    path.write_text(linked)
    fourfold("load", str(path))
    top = linked[: linked.index("  - code: sales")]
    start = top.index("          - code: grow-revenue")
    end = top.index("      - code: customer")
    only_top = top[:start] + top[end:]
    only_top = only_top.replace("drives: [grow-revenue]", "drives: []")
    (tmp_path / "top.yaml").write_text(only_top)
    done = fourfold("load", str(tmp_path / "top.yaml"))
    assert "archived 1 KPIs, 1 links removed, 1 objectives" in done.stdout

    dumped = tmp_path / "dump.yaml"
    fourfold("dump", "-o", str(dumped))
    assert "grow-revenue" not in dumped.read_text()
    other("load", str(dumped))
    for period in ("2026-01", "2026-Q1", "2026"):
        args = ("scores", "--json", "--period", period)
        assert other(*args).stdout == fourfold(*args).stdout


def test_an_empty_database_exports_files_that_import_back(fourfold: Run, tmp_path: Path) -> None:
    """The wide layout of no value at all is a header `kpi, series` without periods."""
    for name in ("wide.csv", "wide.xlsx"):
        fourfold("export", str(tmp_path / name), "--layout", "wide")
        done = fourfold("import", str(tmp_path / name))
        assert "0 values created" in done.stdout
