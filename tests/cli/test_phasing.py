"""Phased targets in the scorecard file: `phase:` writes the parts it implies through the real
command line, explicit parts win, loading twice changes nothing, and dump loads back the same."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.test_hostile_input import snapshot
from tests.conftest import Run, query

# Two full years of sales, with a December twice the other months.
SALES = {f"{y}-{m:02d}": (200 if m == 12 else 100) for y in (2024, 2025) for m in range(1, 13)}


def _file(targets: dict[str, str], *, sales: bool = True) -> str:
    values = "{" + ", ".join(f"{k}: {v}" for k, v in SALES.items()) + "}" if sales else "{}"
    return f"""
organization: {{name: Acme, fiscal_year_start: 1}}
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
              - code: sales
                name: Sales
                frequency: monthly
                aggregation: sum
                targets: {targets.get("sales", "{}")}
                values: {values}
              - code: nps
                name: Net promoter score
                frequency: monthly
                aggregation: average
                targets: {targets.get("nps", "{}")}
              - code: stock
                name: Stock
                frequency: quarterly
                aggregation: last
                direction: decrease
                targets: {targets.get("stock", "{}")}
"""


PHASED = {
    "sales": "{2026: {target: 1560, red_flag: 1300, phase: seasonal}, 2026-03: {target: 150}}",
    "nps": "{2026: {target: 40, red_flag: 30, baseline: 16, phase: linear}, 2026-Q2: {target: 10}}",
    "stock": "{2026: {target: 50, phase: even}}",
}


def _targets(url: str, code: str) -> dict[str, tuple[float | None, float | None, str, str]]:
    rows = query(
        url,
        "SELECT t.period, t.target, t.red_flag, t.reason, t.phase FROM measures_target t "
        f"JOIN measures_kpi k ON k.id = t.kpi_id WHERE k.code = '{code}'",
    )
    return {p: (t, r, why, phase) for p, t, r, why, phase in rows}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_it_writes_the_parts_a_phased_target_implies_and_the_explicit_ones_win(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    fourfold("load", str(_write(tmp_path, "card.yaml", _file(PHASED))))
    sales = _targets(database_url, "sales")
    assert sales["2026"] == (1560, 1300, "loaded from card.yaml", "seasonal")
    assert sales["2026-03"] == (150, None, "loaded from card.yaml", "")
    # December's share is 2/13; the other ten months share what March leaves, 1410.
    assert sales["2026-12"][0] == 1410 * 2 / 12
    assert sales["2026-01"][0] == 1410 / 12
    assert sales["2026-01"][2:] == ("phased from 2026", "")
    assert abs(sum(v[0] for k, v in sales.items() if k.startswith("2026-")) - 1560) < 1e-9  # type: ignore[misc]
    # The red flag is phased by the same rule (March set no red flag: it counts as its share).
    assert sales["2026-01"][1] == (1300 - 1300 / 13) * 1 / 12
    nps = _targets(database_url, "nps")
    # A glide path from the baseline 16 to 40: month i of 12 gets 16 + 24 i / 12.
    assert [nps[f"2026-{m:02d}"][0] for m in (1, 6, 12)] == [18, 28, 40]
    assert nps["2026-12"][1] == 30  # the year-end distance of the red flag
    assert nps["2026-Q2"] == (10, None, "loaded from card.yaml", "")
    stock = _targets(database_url, "stock")
    assert [stock[f"2026-Q{q}"][0] for q in (1, 2, 3, 4)] == [50, 50, 50, 50]


def test_loading_twice_changes_nothing_and_dump_loads_back_the_same(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    path = _write(tmp_path, "card.yaml", _file(PHASED))
    fourfold("load", str(path))
    before = snapshot(database_url)
    assert fourfold("load", str(path)).stdout.strip().endswith("Nothing changed.")
    assert snapshot(database_url) == before
    dumped = fourfold("dump").stdout
    assert "phase: seasonal" in dumped and "2026-01:" not in dumped  # the implied parts are not
    assert "2026-03: {target: 150}" in dumped  # the part set explicitly is
    again = fourfold("load", str(_write(tmp_path, "dumped.yaml", dumped)))
    assert again.stdout.strip().endswith("Nothing changed."), again.stdout
    assert fourfold("dump").stdout == dumped


def _problems(fourfold: Run, tmp_path: Path, bad: dict[str, str], sales: bool) -> list[str]:
    text = _file(bad, sales=sales)
    done = fourfold("load", "--check", str(_write(tmp_path, "bad.yaml", text)), check=False)
    assert done.returncode != 0
    lines = text.splitlines()
    starts = {k: next(i for i, t in enumerate(lines) if f"- code: {k}" in t) for k in bad}
    line_of = {
        k: next(i + 1 for i in range(n, len(lines)) if "targets:" in lines[i])
        for k, n in starts.items()
    }
    # Every refusal names the line of its target and the place: the KPI and the period.
    found = []
    rows = [r for r in done.stderr.splitlines() if "bad.yaml: line" in r]
    assert done.stderr.count("bad.yaml") == len(rows) + 1  # and the summary
    for row in rows:
        match = re.fullmatch(r".*bad\.yaml: line (\d+), (KPI (\S+), target \S+: .*)", row)
        assert match is not None, row
        assert int(match[1]) == line_of[match[3]], row
        found.append(match[2])
    assert fourfold("load", str(tmp_path / "bad.yaml"), check=False).returncode != 0
    return found


def test_check_refuses_a_phase_that_does_not_fit_the_kpi_with_its_place(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    bad = {
        "sales": "{2026: {target: 1200, phase: linear}, 2026-05: {target: 100, phase: even}}",
        "nps": "{2026: {target: 40, phase: seasonal}, 2028: {target: 40, phase: monthly}}",
        "stock": "{2026-Q1: {target: 50, phase: even}}",
    }
    found = _problems(fourfold, tmp_path, bad, sales=True)
    assert len(found) == 5
    for place, message in [
        ("KPI sales, target 2026", "phase 'linear' draws a glide path for a KPI that takes"),
        ("KPI sales, target 2026-05", "this KPI is reported every month, so 2026-05 has none"),
        ("KPI nps, target 2026", "phase 'seasonal' spreads a total, so it needs a KPI that"),
        ("KPI nps, target 2028", "'phase' must be one of even, seasonal, last_year, linear"),
        ("KPI stock, target 2026-Q1", "reported every quarter, so 2026-Q1 has none"),
    ]:
        assert any(r.startswith(f"{place}: ") and message in r for r in found), (place, found)
    assert query(database_url, "SELECT count(*) FROM measures_target") == [(0,)]


def test_check_refuses_a_phase_without_the_history_it_follows_with_its_place(
    fourfold: Run, tmp_path: Path, database_url: str
) -> None:
    bad = {
        "sales": "{2026: {target: 1200, phase: seasonal}, 2025: {target: 1, phase: last_year}}",
        "nps": "{2027: {target: 40, phase: linear}}",
    }
    found = _problems(fourfold, tmp_path, bad, sales=False)
    assert found == [
        "KPI sales, target 2026: phase 'seasonal' needs two full years of history before 2026 "
        "(fiscal years with every month reported), and there is none: use even, or enter "
        "the actuals",
        "KPI sales, target 2025: phase 'last_year' needs a full year of history before 2025 "
        "(fiscal years with every month reported), and there is none: use even, or enter "
        "the actuals",
        "KPI nps, target 2027: phase 'linear' glides from a baseline to the target, and 2027 has "
        "neither a 'baseline' nor an actual before it: give it a baseline",
    ]
    assert query(database_url, "SELECT count(*) FROM measures_target") == [(0,)]
