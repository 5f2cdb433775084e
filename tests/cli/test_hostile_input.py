"""Hostile input through the real command line: every refusal is one sentence (or one line per
problem, then one sentence) on standard error, a non-zero exit status, never a traceback, and
the database is left exactly as it was — every table, history and audit trail included."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook
from pytest_django import DjangoDbBlocker

from tests.cli.test_load import GOOD
from tests.conftest import Run, command_line

Snapshot = dict[str, tuple[int, str]]


def snapshot(url: str) -> Snapshot:
    """Every table of the database: its row count and a digest of its rows."""
    if url.startswith("sqlite"):
        import sqlite3

        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            names = [
                n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            tables = {n: conn.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            names = [
                n
                for (n,) in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                ).fetchall()
            ]
            tables = {n: conn.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    # The scores cache's revision counter moves with every write statement to a table scores
    # read, one that rewrites what was there too: it tells other processes to look again, it
    # holds no data of the organization.
    return {
        name: (len(rows), hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest())
        for name, rows in tables.items()
        if name != "scoring_revision"
    }


def refused(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The checks every refusal passes; returns standard error for more."""
    err = done.stderr
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("fourfold: "), err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    return err


@pytest.fixture
def loaded(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(GOOD)
    fourfold("load", str(path))


def workbook(
    path: Path, *rows: Sequence[object], merge: str = "", first_sheet_empty: bool = False
) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if first_sheet_empty:
        sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


# Values files


def test_it_refuses_every_unreadable_values_file_in_one_sentence_and_writes_nothing(
    fourfold: Run, tmp_path: Path, loaded: None, database_url: str
) -> None:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.csv").write_bytes(
        "kpi,period,actual,comment\nrevenue,2026-01,5,Caf\u00e9\n".encode("latin-1")
    )
    (tmp_path / "utf16-no-bom.csv").write_bytes(
        "kpi,period,actual\nrevenue,2026-01,5\n".encode("utf-16-le")
    )
    (tmp_path / "binary.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "wide.csv").write_text("kpi,series\nrevenue,actual\n")
    header = ["kpi", "period", "actual"]
    workbook(tmp_path / "no-rows.xlsx")
    # openpyxl, like several libraries, writes formulas without computing their results.
    workbook(tmp_path / "formula.xlsx", header, ["revenue", "2026-01", "=100+4"])
    workbook(
        tmp_path / "merged.xlsx",
        header,
        ["revenue", "2026-01", 5],
        [None, "2026-02", 6],
        merge="A2:A3",
    )
    cases = {
        "missing.csv": "there is no file",
        "folder.csv": "folder.csv: Is a directory",
        "empty.csv": "empty.csv is empty: the first row must name the columns",
        "binary.csv": "binary.csv is not UTF-8 text: row 2 has the byte 0x80",
        "latin1.csv": "latin1.csv is not UTF-8 text: row 2 has the byte 0xe9",
        "utf16-no-bom.csv": "row 1 holds a NUL byte",
        "binary.xlsx": "binary.xlsx is not a readable XLSX workbook",
        "no-rows.xlsx": "no-rows.xlsx is empty",
        "formula.xlsx": "cell C2 holds a formula whose result was never saved",
        "merged.xlsx": "cells A2:A3 are merged",
        "wide.csv": "row 2 names a KPI, but no column is a period",
        "values.ods": "values.ods is neither a .csv nor an .xlsx file",
    }
    (tmp_path / "values.ods").write_bytes(b"x")
    before = snapshot(database_url)
    for name, reason in cases.items():
        err = refused(fourfold("import", str(tmp_path / name), check=False), reason)
        assert len(err.strip().splitlines()) == 1, err
    assert snapshot(database_url) == before


def test_a_mapping_that_names_a_header_twice_is_one_sentence(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Measure,Month,Value\nrevenue,2026-01,5\n")
    done = fourfold("import", str(path), "--map", "Measure=kpi,Measure=period", check=False)
    assert done.stderr == "fourfold: the header 'Measure' is mapped twice\n"


def test_periods_that_are_no_periods_name_their_rows(
    fourfold: Run, tmp_path: Path, loaded: None, database_url: str
) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        "kpi,period,actual\n"
        "revenue,2026-01,5\n"
        "revenue,2026-Q5,5\n"
        "revenue,FY2026,5\n"
        "revenue,March,5\n"
    )
    before = snapshot(database_url)
    err = refused(fourfold("import", str(path), check=False), "3 problems; nothing was imported")
    assert "row 3: '2026-Q5' is not a period: quarters run from Q1 to Q4" in err
    assert "row 4: 'FY2026' is not a period: the fiscal year starts in January" in err
    assert "row 5: 'March' is not a period" in err
    assert snapshot(database_url) == before


def test_it_reads_the_csv_files_spreadsheets_write(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    """A BOM, UTF-16 "Unicode text" with tabs, semicolons with decimal commas, quoted cells
    with line breaks and U+2028, dates as periods and a first sheet left empty."""
    files = {
        "bom.csv": codecs.BOM_UTF8 + b"kpi,period,actual\nrevenue,2026-01,101\n",
        "unicode.csv": "kpi\tperiod\tactual\r\nrevenue\t2026-02\t102\r\n".encode("utf-16"),
        "semicolons.csv": b"kpi;period;actual\nrevenue;2026-03;103,5\n",
        "quoted.csv": (
            'kpi,period,actual,comment\nrevenue,2026-04,104,"two\nlines, ""quoted"""\n'
            'revenue,2026-05,105,"a\u2028b"\n'
        ).encode(),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    header = ["kpi", "period", "actual"]
    workbook(tmp_path / "dates.xlsx", header, ["revenue", dt.datetime(2026, 6, 1), 106])
    workbook(
        tmp_path / "second-sheet.xlsx", header, ["orders", "2026-02", 7], first_sheet_empty=True
    )
    for name in [*files, "dates.xlsx", "second-sheet.xlsx"]:
        done = fourfold("import", str(tmp_path / name), check=False)
        assert done.returncode == 0, f"{name}: {done.stderr}"
    rows = fourfold("export", str(tmp_path / "out.csv"), "--from", "2026-01", "--to", "2026-06")
    assert rows.returncode == 0
    text = (tmp_path / "out.csv").read_text()
    for expected in (
        "revenue,2026-01,101",
        "revenue,2026-02,102",
        "revenue,2026-03,103.5",
        'revenue,2026-04,104,,,"two\nlines, ""quoted"""',
        "revenue,2026-05,105,,,a\u2028b",
        "revenue,2026-06,106",
        "orders,2026-02,7",
    ):
        assert expected in text, expected


# Scorecard files


def test_it_refuses_every_unreadable_scorecard_file_in_one_sentence(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "binary.yaml").write_bytes(bytes(range(256)))
    (tmp_path / "latin1.yaml").write_bytes("organization: {name: Caf\u00e9}\n".encode("latin-1"))
    (tmp_path / "broken.yaml").write_text("units: [\n  - {code: a\n")
    cases = {
        "missing.yaml": "there is no file",
        "folder.yaml": "Is a directory",
        "binary.yaml": "binary.yaml is not a UTF-8 text file",
        "latin1.yaml": "latin1.yaml is not a UTF-8 text file",
    }
    before = snapshot(database_url)
    for name, reason in cases.items():
        err = refused(fourfold("load", str(tmp_path / name), check=False), reason)
        assert len(err.strip().splitlines()) == 1, err
    refused(fourfold("load", str(tmp_path / "broken.yaml"), check=False), "not valid YAML")
    assert snapshot(database_url) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1, the file: it is empty; expected 'organization' and 'units'"),
        ("# nothing yet\n", "line 1, the file: it is empty"),
        ("- acme\n- sales\n", "line 1, the file: it holds a list; expected 'organization'"),
        ("units: acme\n", "line 1, the file: 'units' must be a list, got 'acme'"),
    ],
)
def test_a_file_of_the_wrong_shape_says_what_it_holds(
    fourfold: Run, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    err = refused(fourfold("load", "--check", str(path), check=False), "nothing was written")
    assert f"{path}: {message}" in err


WRONG = """\
organization: {name: Acme, fiscal_year_start: 1, colour: red}
units:
  - code: acme
    name: Acme
    parent: sub
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow
            drives: shrink
            kpis:
              - code: revenue
                name: Revenue
                targets: [100, 90]
                values: {2026-13: 1, 2026-Q5: 2, FY2026: 3, 2026: 4, 2026-01: lots}
          - code: steady
            name: Steady
            aligned_to: nothing
            kpis:
              - code: revenue
                name: Revenue again
                weight: heavy
                frequency: [monthly]
                targets: {2026-01: 100}
  - code: sub
    name: Sub
    parent: acme
    perspectives: {}
"""


def test_every_problem_of_a_malformed_file_is_named_with_its_line(
    fourfold: Run, tmp_path: Path, loaded: None, database_url: str
) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(WRONG)
    before = snapshot(database_url)
    err = refused(fourfold("load", str(path), check=False), "nothing was written")
    lines = [line.removeprefix(f"{path}: ") for line in err.splitlines()[:-1]]
    assert lines == [
        "line 1, organization: unknown field 'colour' (known: name, fiscal_year_start)",
        "line 3, unit acme: its parents form a cycle",
        "line 12, objective grow: 'drives' must be a list, got 'shrink'",
        "line 16, KPI revenue: 'targets' must map periods to targets, such as "
        "{2026-01: {target: 100, red_flag: 90}}; got a list",
        "line 17, KPI revenue, value 2026-13: '2026-13' is not a period: months run from 01 to 12",
        "line 17, KPI revenue, value 2026-Q5: '2026-Q5' is not a period: "
        "quarters run from Q1 to Q4",
        "line 17, KPI revenue, value FY2026: 'FY2026' is not a period: the fiscal year starts "
        "in January, so write the year without FY, like '2026'",
        "line 17, KPI revenue, value 2026: a year does not fit here (month expected)",
        "line 17, KPI revenue, value 2026-01: '2026-01' must be a number, got 'lots'",
        "line 18, objective steady: it is aligned to 'nothing', which is not an objective",
        "line 22, KPI revenue: the code is already used on line 14",
        "line 24, KPI revenue: 'weight' must be a number, got 'heavy'",
        "line 25, KPI revenue: 'frequency' must be text, got a list",
        "line 26, KPI revenue, target 2026-01: a target is a mapping such as "
        "{target: 100, red_flag: 90} or {low: 20, high: 30}, got 100",
        "line 27, unit sub: its parents form a cycle",
        "line 30, unit sub: 'perspectives' must be a list, got a mapping",
    ]
    assert err.splitlines()[-1] == f"fourfold: {path} has 16 problems; nothing was written"
    assert snapshot(database_url) == before


def test_objectives_may_drive_each_other_in_a_loop(fourfold: Run, tmp_path: Path) -> None:
    """Cause and effect may feed back (delight drives grow-revenue and back): it loads."""
    path = tmp_path / "loop.yaml"
    path.write_text(GOOD.replace("drives: []", "drives: [delight]"))
    assert "2 links" in fourfold("load", str(path)).stdout


def test_it_refuses_links_to_an_objective_the_file_archives(
    fourfold: Run, tmp_path: Path, loaded: None, database_url: str
) -> None:
    start = GOOD.index("          - code: grow-revenue")
    end = GOOD.index("      - code: customer")
    path = tmp_path / "less.yaml"
    path.write_text(GOOD[:start] + GOOD[end:])
    before = snapshot(database_url)
    err = refused(fourfold("load", str(path), check=False), "2 problems")
    assert (
        "objective delight: it drives 'grow-revenue', which the file no longer names "
        "(loading it archives that objective)" in err
    )
    assert "objective sell-more: it is aligned to 'grow-revenue', which the file no longer" in err
    assert snapshot(database_url) == before


def test_a_key_written_twice_is_refused_with_its_line(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(GOOD.replace("    name: Acme Corp\n", "    name: Acme Corp\n    name: Acme\n"))
    err = refused(fourfold("load", "--check", str(path), check=False))
    assert "line 6" in err and "'name'" in err


# The command line itself


def test_scores_refuse_an_empty_unit_and_a_fiscal_year_in_a_calendar_year(fourfold: Run) -> None:
    done = fourfold("scores", "--unit", "", check=False)
    assert (done.returncode, done.stderr) == (1, "fourfold: there is no unit ''\n")
    done = fourfold("scores", "--period", "FY2026", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("fourfold: 'FY2026' is not a period: the fiscal year starts")
    assert len(done.stderr.splitlines()) == 1


def test_dump_to_a_place_it_cannot_write_is_one_sentence(fourfold: Run, tmp_path: Path) -> None:
    done = fourfold("dump", "-o", str(tmp_path / "nowhere" / "x.yaml"), check=False)
    assert done.returncode == 1
    assert (
        done.stderr
        == f"fourfold: cannot write {tmp_path}/nowhere/x.yaml: No such file or directory\n"
    )


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).with_name("fourfold"))
    full = dict(os.environ, **env)
    full.pop("FOURFOLD_DEBUG", None)
    return subprocess.run([exe, *args], env=full, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "sqlite:///{tmp}/file.txt/db.sqlite3",
            "fourfold: cannot create the folder {tmp}/file.txt",
        ),
        ("sqlite:///{tmp}/file.txt", "fourfold: cannot open the database {tmp}/file.txt: "),
        ("postgres://nobody:secret@127.0.0.1:9/none", "fourfold: cannot open the database: "),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_sentence(
    tmp_path: Path, django_db_blocker: DjangoDbBlocker, url: str, message: str
) -> None:
    (tmp_path / "file.txt").write_text("not a database\n")
    url = url.replace("{tmp}", str(tmp_path))
    done = command_line(url, tmp_path, django_db_blocker)("dump", check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(message.replace("{tmp}", str(tmp_path))), done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.installed
def test_a_database_url_that_is_no_url_is_one_sentence(tmp_path: Path) -> None:
    """Read with the settings, as the process starts: only a new process tells."""
    done = run_with({"FOURFOLD_DATABASE_URL": "garbage", "FOURFOLD_HOME": str(tmp_path)}, "dump")
    assert done.returncode == 1
    message = "fourfold: FOURFOLD_DATABASE_URL 'garbage' is not a database URL"
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.installed
def test_a_closed_pipe_ends_the_command_quietly(
    fourfold: Run, database_url: str, tmp_path: Path
) -> None:
    """`fourfold scores --json | head -1`: the reader goes away; no traceback, no message."""
    exe = str(Path(sys.executable).with_name("fourfold"))
    env = dict(os.environ, FOURFOLD_DATABASE_URL=database_url, FOURFOLD_HOME=str(tmp_path))
    process = subprocess.Popen(
        [exe, "dump"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before it writes anything: its first write meets a closed pipe
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert err == ""


def test_ctrl_c_in_the_middle_of_a_load_leaves_the_database_as_it_was(
    fourfold: Run, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fourfold.measures import intake

    fourfold("dump")  # the database as a first command leaves it
    before = snapshot(database_url)
    path = tmp_path / "acme.yaml"
    path.write_text(GOOD)

    def ctrl_c(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # Once units, objectives and targets are in, as the loader hands the values to the intake.
    monkeypatch.setattr(intake, "submit_values", ctrl_c)
    done = fourfold("load", str(path), check=False)
    assert done.returncode == 130
    assert done.stderr.strip() == "fourfold: stopped."
    assert snapshot(database_url) == before


@pytest.mark.installed
def test_ctrl_c_stops_a_real_command_with_one_sentence(database_url: str, tmp_path: Path) -> None:
    exe = str(Path(sys.executable).with_name("fourfold"))
    env = dict(os.environ, FOURFOLD_DATABASE_URL=database_url, FOURFOLD_HOME=str(tmp_path))
    env.pop("FOURFOLD_DEBUG", None)
    # As from a terminal: Ctrl+C at its default. (A pytest-xdist worker ignores SIGINT, and a
    # child inherits that: Python then never turns the signal into KeyboardInterrupt.)
    process = subprocess.Popen(
        [exe, "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()  # "Fourfold is at http://127.0.0.1:PORT/ ..."
    url = line.split()[3]
    assert not url.endswith(":0/"), line  # the port the system chose, not 0
    # Ctrl+C on a server that answers: its first page served, then the interrupt.
    with urllib.request.urlopen(url + "accounts/login/", timeout=60) as answer:
        assert answer.status == 200
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"still running 120 s after Ctrl+C:\n{out!r}\n{err!r}") from None
    assert (process.returncode, err.strip()) == (130, b"fourfold: stopped.")
