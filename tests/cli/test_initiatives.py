"""DESIGN.md's initiative rule end to end: `fourfold load`, then `fourfold scores --json`."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run, score_lines

CARD = """
organization: {name: Acme, fiscal_year_start: 1}
people: [{email: cio@acme.example, name: Ada Lovelace}]
units:
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow-revenue
            name: Grow revenue
            kpis:
              - {code: revenue, name: Revenue, targets: {2026-06: {target: 100}},
                 values: {2026-06: 100}}
    initiatives:
      - code: crm-rollout
        name: Roll out the new CRM
        owner: cio@acme.example
        serves: [grow-revenue]
        moves: [revenue]
        start: 2026-01-01
        end: 2026-12-31
        budget: 250000
        milestones:
          - {name: Pilot live, due: 2026-03-31, done: 2026-04-10}
          - {name: All regions, due: 2026-09-30, depends_on: [Pilot live]}
        progress: {2026-03: {complete: 20, spent: 40000}, 2026-06: {complete: 45, spent: 110000}}
      - code: on-schedule
        name: Exactly on schedule
        serves: [grow-revenue]
        start: 2026-01-01
        end: 2026-12-31
        progress: {2026-06: {complete: 49.45054945054945}}
      - code: over-budget
        name: Spends ahead of its work
        serves: [grow-revenue]
        start: 2026-01-01
        end: 2026-12-31
        budget: 1000
        progress: {2026-06: {complete: 60, spent: 710}}
      - code: not-started
        name: No progress yet
        serves: [grow-revenue]
        start: 2026-01-01
        end: 2026-12-31
        progress: {2026-09: {complete: 80}}
"""


def load(fourfold: Run, tmp_path: Path, text: str = CARD) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(text)
    fourfold("load", str(path))
    return path


def test_scores_has_one_line_per_initiative_by_designs_rule(fourfold: Run, tmp_path: Path) -> None:
    load(fourfold, tmp_path)
    rows = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-06", "--json"))
    crm = rows[("initiative", "crm-rollout")]
    # June 30: 180 of 364 days; 45 % done is a ratio of 0.91: amber. 44 % of the budget is
    # spent, within 10 points of the work: no cap.
    assert crm == {
        "unit": "acme",
        "kind": "initiative",
        "code": "crm-rollout",
        "period": "2026-06",
        "actual": 45.0,
        "target": 100 * 180 / 364,
        "score": 5.33,
        "status": "amber",
        "color": "amber",
        "coverage": {"expected": 1, "reported": 1, "overdue": 0},
    }
    assert rows[("initiative", "on-schedule")]["score"] == 8.33
    assert rows[("initiative", "on-schedule")]["status"] == "green"
    # 71 % spent against 60 % done: capped at 6.66, amber, where the schedule alone gives 10.
    capped = rows[("initiative", "over-budget")]
    assert (capped["score"], capped["status"]) == (6.66, "amber")
    late = rows[("initiative", "not-started")]
    assert (late["score"], late["status"], late["actual"]) == (None, None, None)
    assert late["coverage"]["reported"] == 0
    # They do not roll up into the objective they serve: it scores its KPI alone.
    assert rows[("objective", "grow-revenue")]["score"] == 6.67


def test_a_quarter_is_scored_from_the_last_entry_in_it(fourfold: Run, tmp_path: Path) -> None:
    load(fourfold, tmp_path)
    q1 = score_lines(fourfold("scores", "--unit", "acme", "--period", "2026-Q1", "--json"))
    crm = q1[("initiative", "crm-rollout")]
    # March 31: 89 of 364 days expected, 20 % done: a ratio of 0.818, red.
    assert crm["actual"] == 20.0 and crm["status"] == "red"
    assert crm["score"] == round(10 / 3 * (1 + (0.20 / (89 / 364) - 0.85) / 0.10), 2)
    assert q1[("initiative", "on-schedule")]["score"] is None  # its first entry is in June


def test_loading_twice_changes_nothing_and_dump_gives_the_file_back(
    fourfold: Run, tmp_path: Path
) -> None:
    path = load(fourfold, tmp_path)
    again = fourfold("load", str(path))
    assert "Nothing changed." in again.stdout
    dumped = fourfold("dump").stdout
    assert "crm-rollout" in dumped and "depends_on: [Pilot live]" in dumped
    assert "name: Ada Lovelace" in dumped  # the owner of an initiative only, with her name
    (tmp_path / "dumped.yaml").write_text(dumped)
    assert "Nothing changed." in fourfold("load", str(tmp_path / "dumped.yaml")).stdout
    assert fourfold("dump").stdout == dumped


def test_check_reports_every_problem_with_its_place_and_writes_nothing(
    fourfold: Run, tmp_path: Path
) -> None:
    bad = (
        CARD.replace(
            "end: 2026-12-31\n        budget: 250000", "end: 2025-12-31\n        budget: -5"
        )
        .replace("complete: 60", "complete: 160")
        .replace("serves: [grow-revenue]\n        start", "serves: [grow-sales]\n        start", 1)
        .replace("depends_on: [Pilot live]", "depends_on: [All regions]")
        .replace("moves: [revenue]", "moves: [profit]")
        .replace("{2026-09: {complete: 80}}", "{September: {complete: 80}}")
    )
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    done = fourfold("load", "--check", str(path), check=False)
    assert done.returncode != 0
    out = done.stdout + done.stderr
    for expected in [
        "initiative crm-rollout: it ends on 2025-12-31, before it starts on 2026-01-01",
        "initiative over-budget, progress 2026-06: percent complete must be from 0 to 100, not 160",
        "initiative on-schedule: it serves 'grow-sales', which is not an objective",
        "'September' is not a period",
        "initiative crm-rollout: the budget -5 is negative",
        "initiative crm-rollout, milestones: milestone 'All regions' depends on itself",
        "initiative crm-rollout: it moves 'profit', which is not a KPI",
    ]:
        assert expected in out, out
    assert fourfold("scores", "--period", "2026-06", "--json").stdout.count("initiative") == 0
