"""`fourfold report` on the Northwind demo: the top unit's book as PDF, XLSX and PPTX, a
division's book for a viewer of that division only, and the same book again `--as-of`.

The demo is loaded once for the module (its database outlives each test), and each file is
made once and read by the tests that need it: WeasyPrint takes seconds per book.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pptx import Presentation
from pytest_django import DjangoDbBlocker

from fourfold.demo.install import DEMO_FILE
from tests.conftest import Run, command_line, django_on, fresh_database

PERIOD = "2026-10"
DIVISION = "manufacturing"
DIVISION_UNITS = {"manufacturing", "machining", "assembly", "quality"}


class Demo:
    def __init__(self, run: Run, folder: Path, url: str, blocker: DjangoDbBlocker) -> None:
        self.run, self.folder, self.url, self.blocker = run, folder, url, blocker
        self.made: dict[str, tuple[Path, str]] = {}

    def book(self, name: str, *args: str) -> tuple[Path, str]:
        """The file `fourfold report ARGS -o NAME` wrote, and what it said; made once."""
        if name not in self.made:
            out = self.folder / name
            done = self.run("report", *args, "-o", str(out))
            self.made[name] = (out, done.stdout)
        return self.made[name]

    def names(self) -> dict[str, set[str]]:
        """The names of units, objectives and KPIs, inside the division and outside it."""
        from fourfold.measures.models import KPI
        from fourfold.strategy.models import Objective, Unit

        inside: set[str] = set()
        outside: set[str] = set()
        with self.blocker.unblock(), django_on(self.url):
            for name, code in Unit.objects.values_list("name", "code"):
                (inside if code in DIVISION_UNITS else outside).add(name)
            for model, unit in (
                (Objective, "perspective__scorecard__unit__code"),
                (KPI, "objective__perspective__scorecard__unit__code"),
            ):
                for name, code in model.objects.values_list("name", unit):
                    (inside if code in DIVISION_UNITS else outside).add(name)
        # The organization is named on every cover; names found on both sides say nothing.
        return {"inside": inside, "outside": outside - inside - {"Northwind Components"}}


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
    _migrated_template: str,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("books")
    with fresh_database(folder, _migrated_template) as url:
        run = command_line(url, folder, django_db_blocker)
        run("load", str(DEMO_FILE))
        made = Demo(run, folder, url, django_db_blocker)
        from django.contrib.auth.models import User

        from fourfold.accounts.models import Role
        from fourfold.strategy.models import Unit

        with django_db_blocker.unblock(), django_on(url):
            lea = User.objects.get(email="lea.martin@northwind.example")
            Role.objects.create(
                user=lea, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code=DIVISION)
            )
        yield made


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def flat(text: str) -> str:
    """Words as a reader follows them, whatever the lines and columns they were laid out in."""
    return re.sub(r"\s+", " ", text)


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


def sheet_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return " ".join(
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    )


def test_the_top_units_book_is_a_pdf_of_every_section(demo: Demo) -> None:
    path, said = demo.book("northwind.pdf", "--unit", "northwind", "--period", PERIOD)
    assert path.read_bytes().startswith(b"%PDF")
    assert pages(path) >= 10
    text = flat(pdf_text(path))
    read_at = re.search(r"numbers as read at (\S+)\)", said).group(1)  # type: ignore[union-attr]
    for words in (
        "Northwind Components",
        "Briefing book · October 2026",
        "Numbers as read",
        f"--as-of {read_at[:19]}",
        "Contents",
        "Scorecard",
        "Units below",
        "Manufacturing Division",
        "Strategy map",
        "Grow revenue profitably",
        "EBIT margin",
        "Forecast 2026",
        "Commentary",
        "Initiatives",
        "Cut energy use by 15 %",
        "Open action items",
        "Data quality",
        "Page 1 of",
    ):
        assert words in text, words
    # Every objective has its section, headed by its name, with its KPIs' charts.
    assert text.count("Target band") >= 10


def test_the_xlsx_scorecard_sheet_holds_exactly_the_scores_of_scores_json(demo: Demo) -> None:
    path, _ = demo.book("northwind.xlsx", "--unit", "northwind", "--period", PERIOD)
    done = demo.run("scores", "--unit", "northwind", "--period", PERIOD, "--json")
    expected = [json.loads(line) for line in done.stdout.splitlines()]
    sheet = openpyxl.load_workbook(path)["Scorecard"]
    head, *rows = list(sheet.iter_rows(values_only=True))
    got = [dict(zip(head, row, strict=True)) for row in rows]
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        for key in ("unit", "kind", "code", "period", "status", "color"):
            assert mine[key] == theirs[key], (key, mine, theirs)
        for key in ("actual", "target", "score"):  # a cell keeps 15 significant digits
            want = None if theirs[key] is None else pytest.approx(theirs[key], rel=1e-14)
            assert mine[key] == want, (key, mine, theirs)
        for key, value in theirs["coverage"].items():
            assert mine[f"coverage_{key}"] == value
        assert isinstance(mine["name"], str) and mine["name"]
    numbers = [r["score"] for r in got if r["score"] is not None]
    # Numbers as numbers (a whole score such as 10 reads back as an int), never as text.
    assert numbers and all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers)
    # Statuses are coloured, and each objective has its sheet of series.
    status = head.index("status") + 1
    assert sheet.cell(row=2, column=status).fill.fgColor.rgb not in (None, "00000000")
    assert "Grow revenue profitably" in openpyxl.load_workbook(path).sheetnames


def test_the_pptx_holds_native_charts_not_pictures(demo: Demo) -> None:
    path, _ = demo.book("northwind.pptx", "--unit", "northwind", "--period", PERIOD)
    deck = Presentation(str(path))
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    charts = [s for s in shapes if s.has_chart]
    assert len(charts) >= 10
    assert not [s for s in shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    first = charts[0].chart
    assert [s.name for s in first.plots[0].series][:2] == ["Actual", "Target"]
    assert any(s.has_table for s in shapes)
    titles = " ".join(s.text_frame.text for s in shapes if s.has_text_frame)
    assert "Briefing book · October 2026" in titles


def test_a_viewer_of_one_division_reads_nothing_outside_it(demo: Demo) -> None:
    args = ("--unit", DIVISION, "--period", PERIOD, "--as", "lea.martin@northwind.example")
    pdf, _ = demo.book("division.pdf", *args)
    xlsx, _ = demo.book("division.xlsx", *args)
    names = demo.names()
    assert len(names["outside"]) > 40  # the check below has something to find
    for text in (flat(pdf_text(pdf)), sheet_text(xlsx)):
        assert "Manufacturing Division" in text and "Machining" in text
        leaked = sorted(n for n in names["outside"] if n in text)
        assert not leaked, leaked
    refused = demo.run(
        "report",
        "--unit",
        "northwind",
        "--period",
        PERIOD,
        "-o",
        str(demo.folder / "top.pdf"),
        "--as",
        "lea.martin@northwind.example",
        check=False,
    )
    assert refused.returncode != 0
    assert refused.stderr.strip() == "fourfold: there is no unit 'northwind'"
    assert not (demo.folder / "top.pdf").exists()


def _scorecard(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)["Scorecard"].iter_rows(values_only=True))


def test_as_of_the_moment_on_its_cover_a_book_comes_out_the_same(demo: Demo) -> None:
    path, said = demo.book("northwind.xlsx", "--unit", "northwind", "--period", PERIOD)
    read_at = re.search(r"numbers as read at (\S+)\)", said).group(1)  # type: ignore[union-attr]
    values = demo.folder / "later.csv"
    values.write_text("kpi,period,actual\nrevenue,2026-10,1\n")
    demo.run("import", str(values))
    now = demo.folder / "now.xlsx"
    again = demo.folder / "again.xlsx"
    demo.run("report", "--unit", "northwind", "--period", PERIOD, "-o", str(now))
    demo.run(
        "report", "--unit", "northwind", "--period", PERIOD, "-o", str(again), "--as-of", read_at
    )
    assert _scorecard(again) == _scorecard(path)
    assert _scorecard(now) != _scorecard(path)
