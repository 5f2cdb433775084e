"""Alignment many to many in the scorecard file: read, rolled up, refused, dumped back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.cli.design import GR, card, kpi, objective, perspective, score
from tests.conftest import Run


def _k(code: str, actual: float) -> Any:
    return kpi(code, {"2026-01": actual}, {"2026-01": GR})


def _units(team_aligned: Any, **team: Any) -> list[dict[str, Any]]:
    top = {
        "code": "top",
        "name": "Top",
        "perspectives": [
            perspective("fin", [objective("grow", [_k("g-a", 900)])]),  # 10
            perspective("cust", [objective("serve", [_k("s-a", 500)])]),  # 3.33
        ],
    }
    team_unit = {
        "code": "team",
        "name": "Team",
        "parent": "top",
        "perspectives": [
            perspective(
                "t-fin",
                [objective("t-sell", [_k("t-a", 600)], aligned_to=team_aligned, **team)],  # 5
            )
        ],
    }
    return [top, team_unit]


def _load(fourfold: Run, tmp_path: Path, units: list[dict[str, Any]]) -> Any:
    path = tmp_path / "card.yaml"
    path.write_text(card(units))
    return fourfold("load", str(path), check=False)


def test_a_contributing_objective_rolls_into_each_objective_it_serves_with_its_weight(
    fourfold: Run, tmp_path: Path
) -> None:
    aligned = [
        {"objective": "grow", "contributes": True, "weight": 3},
        {"objective": "serve", "contributes": True},
    ]
    assert _load(fourfold, tmp_path, _units(aligned)).returncode == 0
    rows = score(fourfold, "top", "2026-01")
    # grow: (1·10 + 3·5) / 4; serve: (1·3.33 + 1·5) / 2, the objective's own weight 1.
    assert rows[("objective", "grow")]["score"] == 6.25
    assert rows[("objective", "serve")]["score"] == 4.17
    assert rows[("objective", "grow")]["coverage"] == {"expected": 2, "reported": 2, "overdue": 0}


def test_an_entry_that_only_supports_does_not_count_and_the_single_form_keeps_its_meaning(
    fourfold: Run, tmp_path: Path
) -> None:
    assert _load(fourfold, tmp_path, _units(["grow", "serve"])).returncode == 0
    rows = score(fourfold, "top", "2026-01")
    assert (rows[("objective", "grow")]["score"], rows[("objective", "serve")]["score"]) == (
        10.0,
        3.33,
    )
    assert _load(fourfold, tmp_path, _units("serve", contributes=True)).returncode == 0
    rows = score(fourfold, "top", "2026-01")
    assert (rows[("objective", "grow")]["score"], rows[("objective", "serve")]["score"]) == (
        10.0,
        4.17,
    )


def test_dump_writes_the_shortest_form_that_loads_back_the_same(
    fourfold: Run, tmp_path: Path
) -> None:
    forms = [
        ("grow", {"aligned_to": "grow"}),
        (["grow", "serve"], {"aligned_to": ["grow", "serve"]}),
        (
            ["grow", {"objective": "serve", "contributes": True, "weight": 2}],
            {"aligned_to": ["grow", {"objective": "serve", "contributes": True, "weight": 2}]},
        ),
    ]
    for written, dumped in forms:
        assert _load(fourfold, tmp_path, _units(written)).returncode == 0
        out = yaml.safe_load(fourfold("dump").stdout)
        team = next(u for u in out["units"] if u["code"] == "team")
        found = team["perspectives"][0]["objectives"][0]
        assert {k: v for k, v in found.items() if k in ("aligned_to", "contributes")} == dumped
        again = tmp_path / "again.yaml"
        again.write_text(yaml.safe_dump(out, sort_keys=False))
        assert "nothing changed" in fourfold("load", str(again)).stdout.lower()


def test_it_refuses_bad_alignments_with_the_place_and_writes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    done = _load(fourfold, tmp_path, _units(["grow", "grow", "nothing", {"weight": 1}]))
    assert done.returncode != 0
    assert "objective t-sell: it is aligned to 'grow' twice" in done.stderr
    assert "objective t-sell: it is aligned to 'nothing', which is not an objective" in done.stderr
    assert "'objective' is required" in done.stderr
    assert fourfold("dump").stdout.count("code: team") == 0
