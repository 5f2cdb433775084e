"""`fourfold load` and `dump`: idempotent, atomic, every problem named with its place."""

from __future__ import annotations

from pathlib import Path

from pytest_django import DjangoDbBlocker

from tests.conftest import Run, command_line, fresh_database, score_lines

GOOD = """
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: acme
    name: Acme Corp
    owner: ceo@acme.example
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow-revenue
            name: Grow revenue
            owner: cfo@acme.example
            drives: []
            kpis:
              - code: revenue
                name: Revenue
                unit: EUR
                direction: increase
                frequency: monthly
                aggregation: sum
                weight: 2
                targets: {2026-01: {target: 100000, red_flag: 90000}}
                values: {2026-01: 104000}
      - code: customer
        name: Customer
        objectives:
          - code: delight
            name: Delight customers
            drives: [grow-revenue]
            kpis:
              - code: stock-days
                name: Days of stock
                unit: days
                direction: range
                frequency: quarterly
                aggregation: last
                targets: {2026-Q1: {low: 20, high: 30}}
                values: {2026-Q1: 27}
  - code: sales
    name: Sales department
    parent: acme
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: sell-more
            name: Sell more
            aligned_to: grow-revenue
            contributes: true
            kpis:
              - code: orders
                name: Orders
                frequency: monthly
                aggregation: sum
                targets: {2026-01: {target: 50}}
                values: {2026-01: {actual: 40, comment: January was slow}}
"""

BAD = """
organization: {name: Acme, fiscal_year_start: 13}
units:
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow-revenue
            name: Grow revenue
            drives: [no-such-objective]
            kpis:
              - code: revenue
                name: Revenue
                direction: upward
                targets: {2026-01: {target: 100, red_flag: 100}}
                values: {2026-13: 5}
              - code: cost
                name: Cost
                direction: decrease
                targets: {2026-01: {target: 100, red_flag: 90}, 2026-02: {target: 0}}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def table_counts(fourfold: Run) -> str:
    """Everything the database holds, as the dump shows it."""
    return fourfold("dump").stdout


def test_it_loads_a_file_and_reports_what_it_created(fourfold: Run, tmp_path: Path) -> None:
    done = fourfold("load", str(write(tmp_path, "acme.yaml", GOOD)))
    assert "created" in done.stdout and "3 KPIs" in done.stdout and "2 units" in done.stdout


def test_loading_the_same_file_twice_changes_nothing(fourfold: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "acme.yaml", GOOD)
    fourfold("load", str(path))
    before = table_counts(fourfold)
    again = fourfold("load", str(path))
    assert "Nothing changed." in again.stdout
    assert table_counts(fourfold) == before


def test_check_reports_every_problem_with_its_line_and_writes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    path = write(tmp_path, "bad.yaml", BAD)
    done = fourfold("load", "--check", str(path), check=False)
    assert done.returncode == 1
    err = done.stderr
    assert "Traceback" not in err
    assert "line 2, organization: 'fiscal_year_start' must be a month number from 1 to 12" in err
    assert "drives 'no-such-objective', which is not an objective" in err
    assert "line 16, KPI revenue: 'direction' must be one of increase, decrease, range" in err
    assert "KPI revenue, target 2026-01" in err and "red flag" in err
    assert "KPI revenue, value 2026-13" in err
    assert "KPI cost, target 2026-01" in err and "must be above the target" in err
    assert "KPI cost, target 2026-02" in err and "0" in err
    assert err.strip().splitlines()[-1].startswith("fourfold: ")
    assert "nothing was written" in err


def test_a_bad_file_leaves_the_database_exactly_as_it_was(fourfold: Run, tmp_path: Path) -> None:
    fourfold("load", str(write(tmp_path, "acme.yaml", GOOD)))
    before = table_counts(fourfold)
    bad = GOOD.replace("values: {2026-01: 104000}", "values: {2026-01: lots}")
    bad = bad.replace("name: Sales department", "name: Sales and marketing")
    done = fourfold("load", str(write(tmp_path, "bad.yaml", bad)), check=False)
    assert done.returncode == 1
    assert "KPI revenue, value 2026-01: 'value 2026-01'" not in done.stderr
    assert "is not" in done.stderr or "must be a number" in done.stderr
    assert table_counts(fourfold) == before


def test_a_new_frequency_that_leaves_stored_data_unfit_is_refused(
    fourfold: Run, tmp_path: Path
) -> None:
    fourfold("load", str(write(tmp_path, "acme.yaml", GOOD)))
    before = table_counts(fourfold)
    # revenue holds a value and a target for January: a quarterly KPI can keep neither.
    quarterly = GOOD.replace(
        "                frequency: monthly\n"
        "                aggregation: sum\n                weight: 2\n"
        "                targets: {2026-01: {target: 100000, red_flag: 90000}}\n"
        "                values: {2026-01: 104000}\n",
        "                frequency: quarterly\n                aggregation: sum\n"
        "                weight: 2\n",
    )
    assert quarterly != GOOD
    done = fourfold("load", str(write(tmp_path, "quarterly.yaml", quarterly)), check=False)
    assert done.returncode == 1
    assert (
        "KPI revenue: its target for 2026-01 in the database no longer fits: it is for a month, "
        "which a quarterly KPI cannot have; give it a new target for 2026-01 in the file"
    ) in done.stderr
    assert (
        "KPI revenue: it has values by month, which a quarterly KPI cannot keep: archive it "
        "and add a KPI with a new code instead"
    ) in done.stderr
    assert table_counts(fourfold) == before


def test_it_refuses_a_file_that_is_not_yaml(fourfold: Run, tmp_path: Path) -> None:
    done = fourfold("load", str(write(tmp_path, "x.yaml", "units: [\n  - {code: a")), check=False)
    assert done.returncode == 1
    assert "x.yaml: line 2, column 3: this is not valid YAML (" in done.stderr
    assert "line 0" not in done.stderr and "Traceback" not in done.stderr


def test_it_says_so_when_the_file_does_not_exist(fourfold: Run, tmp_path: Path) -> None:
    done = fourfold("load", "missing.yaml", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "fourfold: there is no file missing.yaml"


def test_a_dumped_file_loads_back_to_the_same_scores(
    fourfold: Run, tmp_path: Path, _migrated_template: str, django_db_blocker: DjangoDbBlocker
) -> None:
    fourfold("load", str(write(tmp_path, "acme.yaml", GOOD)))
    first = {
        p: fourfold("scores", "--period", p, "--json").stdout
        for p in ("2026-01", "2026-Q1", "2026")
    }
    dumped = write(tmp_path, "dumped.yaml", fourfold("dump").stdout)
    # Loading the dump into the same database changes nothing ...
    assert "Nothing changed." in fourfold("load", str(dumped)).stdout
    # ... and into a fresh database it gives the same scores.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with fresh_database(fresh, _migrated_template) as url:
        other = command_line(url, fresh, django_db_blocker)
        other("load", str(dumped))
        for period, expected in first.items():
            again = other("scores", "--period", period, "--json")
            assert score_lines(again) == score_lines_text(expected)


def score_lines_text(text: str) -> dict[tuple[str, str], dict[str, object]]:
    import json

    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {(r["kind"], r["code"]): r for r in rows}


def test_an_aligned_objective_contributes_to_its_parent(fourfold: Run, tmp_path: Path) -> None:
    fourfold("load", str(write(tmp_path, "acme.yaml", GOOD)))
    rows = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-01", "--json"))
    grow = rows[("objective", "grow-revenue")]
    # revenue (weight 2) 104000 vs 100000/90000 scores 8.0; orders 40 vs 50 (red flag 45) 0.
    assert grow["coverage"]["expected"] == 2
    assert grow["score"] == 5.33
    sales = score_lines(fourfold("scores", "--unit", "sales", "--period", "2026-01", "--json"))
    assert sales[("kpi", "orders")]["status"] == "red"
    assert sales[("kpi", "orders")]["score"] == 0.0
