"""`fourfold export`: values and targets in both layouts, and an export re-imports as no change."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fourfold.files.cells import neutral, restored
from tests.conftest import Run

CARD = """
organization: {name: Acme}
units:
  - code: acme
    name: Acme
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow
            kpis:
              - code: revenue
                name: Revenue
                targets: {2026-01: {target: 700, red_flag: 500}, 2026-Q1: {target: 2100}}
                values: {2025-12: 640.5, 2026-01: {actual: 800, comment: "late, invoices"}}
              - code: nps
                name: Net promoter score
                frequency: quarterly
                aggregation: last
                values: {2026-Q1: 41}
              - code: stock
                name: Days of stock
                direction: range
                aggregation: last
                targets: {2026-01: {low: 20, high: 30}}
                values: {2026-01: 25}
  - code: sales
    name: Sales
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: win
            name: Win
            kpis:
              - code: deals
                name: Deals
                values: {2026-02: 12}
"""


@pytest.fixture
def loaded(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text(CARD)
    fourfold("load", str(path))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.reader(f))


def test_it_exports_values_and_targets_one_row_per_value(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    out = tmp_path / "values.csv"
    done = fourfold("export", str(out))
    assert f"to {out}" in done.stdout
    rows = read_csv(out)
    assert rows[0] == ["kpi", "period", "actual", "target", "red_flag", "comment"]
    assert ["revenue", "2026-01", "800", "700", "500", "late, invoices"] in rows
    assert ["revenue", "2026-Q1", "", "2100", "", ""] in rows
    assert ["revenue", "2025-12", "640.5", "", "", ""] in rows
    assert ["stock", "2026-01", "25", "", "", ""] in rows  # a range's band stays in the file
    assert ["deals", "2026-02", "12", "", "", ""] in rows


def test_it_exports_one_column_per_period(fourfold: Run, tmp_path: Path, loaded: None) -> None:
    out = tmp_path / "wide.csv"
    fourfold("export", str(out), "--layout", "wide")
    rows = read_csv(out)
    header = rows[0]
    assert header[:2] == ["kpi", "series"]
    assert header.index("2025-12") < header.index("2026-01") < header.index("2026-Q1")
    revenue = {r[1]: r for r in rows if r[0] == "revenue"}
    assert revenue["actual"][header.index("2026-01")] == "800"
    assert revenue["target"][header.index("2026-Q1")] == "2100"
    assert revenue["red_flag"][header.index("2026-01")] == "500"


def test_it_limits_an_export_to_a_unit_and_a_range_of_periods(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    out = tmp_path / "some.csv"
    fourfold("export", str(out), "--unit", "acme", "--from", "2026-01", "--to", "2026-03")
    codes = {(r[0], r[1]) for r in read_csv(out)[1:]}
    assert ("revenue", "2026-01") in codes and ("nps", "2026-Q1") in codes
    assert ("revenue", "2025-12") not in codes
    assert all(code != "deals" for code, _ in codes)


@pytest.mark.parametrize(
    ("name", "layout"),
    [("a.csv", "long"), ("b.csv", "wide"), ("c.xlsx", "long"), ("d.xlsx", "wide")],
)
def test_an_export_imported_again_changes_nothing(
    fourfold: Run, tmp_path: Path, loaded: None, name: str, layout: str
) -> None:
    before = fourfold("dump").stdout
    out = tmp_path / name
    fourfold("export", str(out), "--layout", layout)
    again = fourfold("import", str(out))
    assert "0 values created, 0 changed" in again.stdout
    assert "0 targets created, 0 changed" in again.stdout
    assert fourfold("dump").stdout == before


def test_it_writes_real_numbers_into_a_workbook(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    out = tmp_path / "values.xlsx"
    fourfold("export", str(out))
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("revenue", "2026-01", 800, 700, 500, "late, invoices") in rows


def test_it_refuses_an_unknown_unit_or_format_in_one_sentence(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    done = fourfold("export", str(tmp_path / "x.csv"), "--unit", "nowhere", check=False)
    assert done.returncode == 1 and done.stderr.strip() == "fourfold: there is no unit 'nowhere'"
    done = fourfold("export", str(tmp_path / "x.json"), check=False)
    assert done.stderr.strip() == "fourfold: x.json is neither a .csv nor an .xlsx file"
    done = fourfold("export", str(tmp_path / "x.csv"), "--from", "2026-13", check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr


# Issue 9, item 7: what a user wrote comes out of every CSV unable to run as a formula.
PAYLOADS = ["=1+2", "+1+2", "@SUM(1+2)", "\t=1+2", "\r=1+2", "=cmd|' /C calc'!A0", "-2 late"]


def test_it_neutralises_comments_that_a_spreadsheet_would_run(
    fourfold: Run, tmp_path: Path, loaded: None
) -> None:
    rows = "".join(
        f'revenue,2025-{m + 1:02d},-{m}.5,,,"{text}"\n' for m, text in enumerate(PAYLOADS)
    )
    fourfold(
        "import",
        str(write(tmp_path, "in.csv", "kpi,period,actual,target,red_flag,comment\n" + rows)),
    )
    before = fourfold("dump").stdout
    out = tmp_path / "out.csv"
    fourfold("export", str(out), "--unit", "acme")
    exported = {r[1]: r for r in read_csv(out)}
    for m, text in enumerate(PAYLOADS):
        row = exported[f"2025-{m + 1:02d}"]
        assert row[5] == "'" + text.strip(), text  # the importer strips a cell's blanks
        assert row[2] == f"-{m}.5"  # numbers stay numbers
    again = fourfold("import", str(out))
    assert "0 values created, 0 changed" in again.stdout
    assert fourfold("dump").stdout == before


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, newline="")
    return path


def test_a_cell_starting_with_a_tab_or_a_carriage_return_is_neutralised_too() -> None:
    for text in PAYLOADS:
        assert neutral(text) == "'" + text and restored(neutral(text)) == text
    assert neutral("Strike at the port") == "Strike at the port"
    assert neutral(-1500.0) == -1500.0 and neutral("'quoted'") == "'quoted'"
    assert restored("'quoted'") == "'quoted'"
