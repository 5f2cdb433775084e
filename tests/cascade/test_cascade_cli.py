"""`fourfold cascade` end to end: the child's scorecard, its targets, and bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Run, score_lines

CARD = """\
organization: {name: Acme}
units:
  - code: top
    name: Top
    perspectives:
      - code: fin
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
              - code: revenue
                name: Revenue
                targets: {2026-01: {target: 1000, red_flag: 800}}
                values: {2026-01: 1000}
          - code: keep
            name: Keep customers
            kpis:
              - code: clients
                name: Clients
                targets: {2026-01: {target: 60, red_flag: 50}}
  - code: north
    name: North
    parent: top
    perspectives: []
  - code: south
    name: South
    parent: top
    perspectives: []
  - code: east
    name: East
    parent: north
    perspectives: []
"""


@pytest.fixture
def loaded(fourfold: Run, tmp_path: Path) -> Run:
    path = tmp_path / "card.yaml"
    path.write_text(CARD)
    fourfold("load", str(path))
    return fourfold


def _objectives(fourfold: Run, unit: str) -> list[dict[str, Any]]:
    out = yaml.safe_load(fourfold("dump").stdout)
    found = next(u for u in out["units"] if u["code"] == unit)
    return [o for p in found.get("perspectives", []) for o in p["objectives"]]


def test_it_cascades_a_scorecard_that_rolls_into_the_parents(loaded: Run, tmp_path: Path) -> None:
    done = loaded("cascade", "top", "north", "--objectives", "grow")
    assert (
        "Cascaded 1 objectives and 1 KPIs of top into north (1 targets, split equal)" in done.stdout
    )
    [carried] = _objectives(loaded, "north")
    assert carried["code"] == "north-grow" and carried["name"] == "Grow revenue"
    assert (carried["aligned_to"], carried["contributes"]) == ("grow", True)
    [kpi] = carried["kpis"]
    assert kpi["code"] == "north-revenue"
    # Two children: the target is split equally.
    assert kpi["targets"] == {"2026-01": {"target": 500, "red_flag": 400}}
    values = tmp_path / "values.csv"
    values.write_text("kpi,period,actual\nnorth-revenue,2026-01,400\n")
    loaded("import", str(values))
    below = score_lines(loaded("scores", "--unit", "north", "--period", "2026-01", "--json"))
    assert below[("objective", "north-grow")]["score"] == 3.33  # at its red flag
    rows = score_lines(loaded("scores", "--unit", "top", "--period", "2026-01", "--json"))
    # grow: its KPI at goal (6.67) and north-grow (3.33), weight 1 each.
    assert rows[("objective", "grow")]["score"] == 5.0


def test_it_copies_targets_unchanged_or_shares_a_kpi_that_sums_its_children(loaded: Run) -> None:
    loaded("cascade", "top", "south", "--objectives", "keep", "--split", "copy", "--kpis", "share")
    kpi = _objectives(loaded, "south")[0]["kpis"][0]
    assert kpi["code"] == "south.clients"
    assert kpi["targets"] == {"2026-01": {"target": 60, "red_flag": 50}}
    above = next(k for o in _objectives(loaded, "top") for k in o["kpis"] if k["code"] == "clients")
    assert above["formula"] == "sum_children(clients)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("top", "east"), "unit east is not a child of unit top"),
        (
            ("top", "north", "--objectives", "grow,nothing"),
            "objective 'nothing' is not an objective of unit top",
        ),
        (
            ("top", "north", "--split", "last_year"),
            "KPI revenue: there is no last-year data to split by",
        ),
        (("top", "nowhere"), "there is no unit 'nowhere'"),
        (
            ("top", "north", "--objectives", "grow", "--kpis", "share"),
            "KPI revenue cannot become the sum of its children",
        ),
    ],
)
def test_it_refuses_bad_input_in_one_sentence_and_writes_nothing(
    loaded: Run, args: tuple[str, ...], message: str
) -> None:
    before = loaded("dump").stdout
    done = loaded("cascade", *args, check=False)
    assert done.returncode != 0
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert loaded("dump").stdout == before


def test_it_refuses_a_cascade_into_a_unit_that_already_has_the_codes(loaded: Run) -> None:
    loaded("cascade", "top", "north", "--objectives", "grow")
    done = loaded("cascade", "top", "north", check=False)
    assert done.returncode != 0
    assert (
        "unit north already has objective 'north-grow': a cascade into unit north would make "
        "it again" in done.stderr
    )
    assert [o["code"] for o in _objectives(loaded, "north")] == ["north-grow"]
