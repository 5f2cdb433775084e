"""`fourfold import`: CSV and XLSX values, atomic, every wrong row named by its number."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import Run, query, score_lines

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
                targets: {2026-01: {target: 700, red_flag: 500}, 2026-02: {target: 700}}
              - code: nps
                name: Net promoter score
                frequency: quarterly
                aggregation: last
              - code: iso
                name: ISO certified
                scheme: yes_no
                frequency: yearly
                aggregation: last
"""


def loaded(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text(CARD)
    fourfold("load", str(path))


def csv_file(tmp_path: Path, text: str, name: str = "values.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.installed
def test_it_imports_values_and_targets_from_csv(installed: Run, tmp_path: Path) -> None:
    loaded(installed, tmp_path)
    path = csv_file(
        tmp_path,
        "kpi,period,actual,target,red_flag,comment\n"
        "revenue,2026-01,800,,,\n"
        "revenue,2026-03,650,700,600,late invoices\n"
        "nps,2026-Q1,41,,,\n"
        "iso,2026,1,,,\n",
    )
    done = installed("import", str(path))
    assert "4 values created" in done.stdout and "1 targets created" in done.stdout
    rows = score_lines(installed("scores", "--unit", "acme", "--period", "2026-03", "--json"))
    assert rows[("kpi", "revenue")]["actual"] == 650
    assert rows[("kpi", "revenue")]["target"] == 700
    assert rows[("kpi", "revenue")]["score"] == 5.0


def test_importing_the_same_file_twice_changes_nothing(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    path = csv_file(tmp_path, "kpi,period,actual\nrevenue,2026-01,800\nnps,2026-Q1,41\n")
    fourfold("import", str(path))
    before = fourfold("dump").stdout
    again = fourfold("import", str(path))
    assert "0 values created, 0 changed, 2 unchanged" in again.stdout
    assert fourfold("dump").stdout == before


def test_a_wrong_row_refuses_the_whole_file_and_names_every_wrong_row(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    before = fourfold("dump").stdout
    path = csv_file(
        tmp_path,
        "kpi,period,actual,target,red_flag\n"
        "revenue,2026-01,800,,\n"  # row 2: fine
        "profit,2026-01,5,,\n"  # row 3: no such KPI
        "revenue,2026-13,5,,\n"  # row 4: no such month
        "revenue,2026-02,lots,,\n"  # row 5: not a number
        "nps,2026-02,40,,\n"  # row 6: a month for a quarterly KPI
        "iso,2026,2,,\n"  # row 7: yes / no takes 1 or 0
        "revenue,2026-04,5,100,100\n"  # row 8: red flag equals target
        "revenue,2026-01,801,,\n",  # row 9: repeats row 2
    )
    done = fourfold("import", str(path), check=False)
    assert done.returncode == 1
    err = done.stderr
    assert "Traceback" not in err
    for expected in (
        "row 3: there is no KPI 'profit'",
        "row 4: ",
        "row 5: actual 'lots' is not a number",
        "row 6: KPI nps is reported quarterly",
        "row 7: KPI iso is yes / no",
        "row 8: ",
        "row 9: KPI revenue 2026-01 is already on row 2",
    ):
        assert expected in err, expected
    assert "row 2:" not in err
    assert "nothing was imported" in err
    assert fourfold("dump").stdout == before


def test_it_imports_an_xlsx_workbook_with_real_cells(fourfold: Run, tmp_path: Path) -> None:
    import datetime as dt

    loaded(fourfold, tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["KPI", "Period", "Actual", "Comment"])
    sheet.append(["revenue", dt.datetime(2026, 1, 1), 700, "on target"])  # Excel made it a date
    sheet.append(["nps", "2026-Q1", 38.5, None])
    sheet.append(["iso", 2026, 0, None])
    path = tmp_path / "values.xlsx"
    book.save(path)
    done = fourfold("import", str(path))
    assert "3 values created" in done.stdout
    rows = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-01", "--json"))
    assert rows[("kpi", "revenue")]["status"] == "green"


def test_it_reports_xlsx_rows_by_their_spreadsheet_number(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kpi", "period", "actual"])
    sheet.append(["revenue", "2026-01", 1])
    sheet.append([None, None, None])  # an empty row keeps its number
    sheet.append(["revenue", "2026-02", "n/a"])
    path = tmp_path / "values.xlsx"
    book.save(path)
    done = fourfold("import", str(path), check=False)
    assert "row 4: actual 'n/a' is not a number" in done.stderr


def test_it_refuses_a_file_with_unknown_columns(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    done = fourfold("import", str(csv_file(tmp_path, "code,month,value\n")), check=False)
    assert done.returncode == 1
    assert "column 'code' is not known" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_it_refuses_a_file_that_is_not_a_spreadsheet(fourfold: Run, tmp_path: Path) -> None:
    path = tmp_path / "values.xlsx"
    path.write_text("not a workbook")
    done = fourfold("import", str(path), check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "fourfold: values.xlsx is not a readable XLSX workbook"


def test_it_imports_the_wide_layout_with_a_column_per_period(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    path = csv_file(
        tmp_path,
        "kpi,series,2026-01,2026-02,2026-Q1\n"
        "revenue,actual,800,650,\n"
        "revenue,target,,,2100\n"
        "nps,actual,,,41\n",
    )
    done = fourfold("import", str(path))
    assert "3 values created" in done.stdout and "1 targets created" in done.stdout
    rows = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-02", "--json"))
    assert rows[("kpi", "revenue")]["actual"] == 650


def test_it_names_the_row_and_the_period_column_of_a_wrong_wide_cell(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    path = csv_file(tmp_path, "kpi,2026-01,2026-02\nrevenue,800,lots\nnps,40,\n")
    done = fourfold("import", str(path), check=False)
    assert done.returncode == 1
    assert "row 2, column 2026-02: actual 'lots' is not a number" in done.stderr
    assert "row 3, column 2026-01: KPI nps is reported quarterly" in done.stderr


def test_it_maps_other_headers_and_remembers_the_mapping_of_a_source(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)
    first = csv_file(tmp_path, "Measure,Month,Value,Notes\nrevenue,2026-01,800,x\n", "a.csv")
    refused = fourfold("import", str(first), check=False)
    assert "column 'Measure' is not known" in refused.stderr
    done = fourfold(
        "import",
        str(first),
        "--map",
        "Measure=kpi,Month=period,Value=actual,Notes=-",
        "--source",
        "erp-export",
    )
    assert "1 values created" in done.stdout
    second = csv_file(tmp_path, "Measure,Month,Value,Notes\nrevenue,2026-02,650,y\n", "b.csv")
    again = fourfold("import", str(second), "--source", "erp-export")
    assert "1 values created" in again.stdout


def test_it_refuses_a_mapping_onto_an_unknown_field(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    path = csv_file(tmp_path, "Measure,Month,Value\n")
    done = fourfold("import", str(path), "--map", "Measure=code", check=False)
    assert done.returncode == 1
    assert "'Measure=code' maps to 'code'" in done.stderr


def test_a_file_without_comments_leaves_the_comments_alone(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)
    fourfold("import", str(csv_file(tmp_path, "kpi,period,actual,comment\nrevenue,2026-01,8,x\n")))
    again = fourfold("import", str(csv_file(tmp_path, "kpi,2026-01\nrevenue,8\n", "w.csv")))
    assert "0 values created, 0 changed, 1 unchanged" in again.stdout


def test_a_file_without_red_flags_leaves_the_red_flags_alone(fourfold: Run, tmp_path: Path) -> None:
    loaded(fourfold, tmp_path)  # revenue 2026-01: target 700, red flag 500
    raised = csv_file(tmp_path, "kpi,period,actual,target\nrevenue,2026-01,650,800\n")
    done = fourfold("import", str(raised))
    assert "0 targets created, 1 changed, 0 unchanged" in done.stdout
    row = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-01", "--json"))[
        ("kpi", "revenue")
    ]
    # 650 against 800 with the red flag 500 kept: 10/3 * (1 + 150 / 300) = 5.0; the default
    # red flag of 720 would have scored it 0.
    assert (row["target"], row["score"], row["status"]) == (800, 5.0, "amber")
    again = fourfold("import", str(raised))
    assert "0 targets created, 0 changed, 1 unchanged" in again.stdout


def test_a_red_flag_kept_that_no_longer_fits_the_new_target_is_named(
    fourfold: Run, tmp_path: Path
) -> None:
    loaded(fourfold, tmp_path)  # revenue 2026-01: target 700, red flag 500
    lowered = csv_file(tmp_path, "kpi,period,actual,target\nrevenue,2026-01,450,400\n")
    done = fourfold("import", str(lowered), check=False)
    assert done.returncode == 1
    assert (
        "row 2, column target: KPI revenue keeps its red flag 500 for 2026-01, which the new "
        "target 400 does not allow"
    ) in done.stderr
    assert "add a red_flag column" in done.stderr
    row = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-01", "--json"))[
        ("kpi", "revenue")
    ]
    assert row["target"] == 700 and row["actual"] is None  # nothing was written


def test_values_imported_as_a_user_carry_that_user_as_their_author(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    loaded(fourfold, tmp_path)
    card = tmp_path / "owner.yaml"  # a user known by email: an owner named in a file
    card.write_text(
        CARD.replace("name: Revenue\n", "name: Revenue\n                owner: cfo@acme.example\n")
    )
    fourfold("load", str(card))
    values = csv_file(tmp_path, "kpi,period,actual\nrevenue,2026-01,650\n")
    refused = fourfold("import", str(values), "--as", "nobody@acme.example", check=False)
    assert refused.returncode == 1
    assert refused.stderr == "fourfold: there is no active user 'nobody@acme.example' to act as\n"
    assert query(database_url, "SELECT count(*) FROM measures_measurement") == [(0,)]
    fourfold("import", str(values), "--as", "CFO@acme.example")
    authors = query(
        database_url,
        "SELECT u.email FROM measures_measurement m JOIN auth_user u ON u.id = m.entered_by_id",
    )
    assert authors == [("cfo@acme.example",)]
