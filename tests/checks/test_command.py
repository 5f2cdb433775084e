"""`fourfold check` on the command line: one finding per line, --json, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.checks.card import CARD, GAP
from tests.conftest import Run

KEYS = ["rule", "criterion", "severity", "unit", "kind", "code", "period", "message"]


def loaded(fourfold: Run, tmp_path: Path) -> Run:
    card = tmp_path / "smart.yaml"
    card.write_text(CARD)
    fourfold("load", str(card))
    return fourfold


def test_it_prints_one_json_object_per_finding_and_exits_1_on_an_error(
    fourfold: Run, tmp_path: Path
) -> None:
    run = loaded(fourfold, tmp_path)
    done = run("check", "--json", "--today", "2026-03-20", check=False)
    assert done.returncode == 1, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(list(row) == KEYS for row in rows)
    assert {
        "rule": "time_bound.no_target",
        "criterion": "time_bound",
        "severity": "error",
        "unit": "acme",
        "kind": "kpi",
        "code": "gap",
        "period": "2026-02",
        "message": GAP,
    } in rows
    assert {
        "rule": "relevant.unaligned",
        "kind": "objective",
        "code": "south-sell",
        "period": None,
    }.items() <= next(r for r in rows if r["rule"] == "relevant.unaligned").items()
    # test_rules' 15, and 3 of KPI "gone", which is archived there but not in the file.
    assert len(rows) == 18
    assert {r["rule"] for r in rows if r["code"] == "gone"} == {
        "specific.no_owner",
        "time_bound.no_target",
        "time_bound.no_future_target",
    }
    text = run("check", "--today", "2026-03-20", check=False)
    assert text.returncode == 1
    assert len(text.stdout.splitlines()) == 18
    assert "error    time_bound.no_target" in text.stdout
    assert "18 findings: 3 errors, 13 warnings, 2 for information." in text.stderr


def test_warnings_fail_only_with_strict_and_a_clean_unit_passes_both(
    fourfold: Run, tmp_path: Path
) -> None:
    run = loaded(fourfold, tmp_path)
    south = run("check", "--unit", "south", "--json", "--today", "2026-03-20", check=False)
    assert south.returncode == 0
    assert [json.loads(line)["rule"] for line in south.stdout.splitlines()] == [
        "relevant.unaligned"
    ]
    strict = run("check", "--unit", "south", "--strict", "--today", "2026-03-20", check=False)
    assert strict.returncode == 1
    clean = run("check", "--unit", "north", "--strict", "--today", "2026-03-20", check=False)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_today_decides_what_is_due(fourfold: Run, tmp_path: Path) -> None:
    run = loaded(fourfold, tmp_path)
    codes = {
        (row["rule"], row["code"])
        for line in run("check", "--json", "--today", "2026-01-20", check=False).stdout.splitlines()
        if (row := json.loads(line))
    }
    assert ("time_bound.no_target", "untargeted") in codes
    assert ("time_bound.no_target", "gap") not in codes  # February has not begun
    assert ("measurable.overdue", "late") not in codes  # January is not due yet


def test_it_refuses_a_bad_date_or_an_unknown_unit_in_one_sentence(
    fourfold: Run, tmp_path: Path
) -> None:
    bad = fourfold("check", "--today", "2026-13-01", check=False)
    assert bad.returncode == 2
    assert bad.stderr == (
        "fourfold: --today '2026-13-01' is not a date or time such as 2026-03-31\n"
    )
    unknown = fourfold("check", "--unit", "west", check=False)
    assert (unknown.returncode, unknown.stderr) == (2, "fourfold: there is no unit 'west'\n")
