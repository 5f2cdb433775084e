"""`fourfold agenda`: DESIGN.md's JSON lines, exactly, and its one-sentence errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import ACME

Run = Callable[..., Any]


def loaded(fourfold: Run, tmp_path: Path) -> Run:
    card = tmp_path / "acme.yaml"
    card.write_text(ACME)
    fourfold("load", str(card))
    return fourfold


def test_it_prints_designs_json_lines_in_designs_order(fourfold: Run, tmp_path: Path) -> None:
    run = loaded(fourfold, tmp_path)
    done = run("agenda", "--unit", "acme", "--period", "2026-02", "--json", "--today", "2026-04-01")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(list(line) == ["reason", "kind", "code", "period", "message"] for line in lines)
    assert [(x["reason"], x["kind"], x["code"], x["period"]) for x in lines] == [
        ("red", "kpi", "revenue", "2026-02"),
        ("worsened", "objective", "grow", "2026-02"),
        ("worsened", "kpi", "margin", "2026-02"),
        ("overdue", "kpi", "late", "2026-02"),
        ("initiative_behind", "initiative", "crm", "2026-02"),
    ]
    assert "no open action item" in lines[0]["message"]
    assert done.stderr == ""


def test_today_decides_what_is_overdue(fourfold: Run, tmp_path: Path) -> None:
    run = loaded(fourfold, tmp_path)
    early = run(
        "agenda", "--unit", "acme", "--period", "2026-02", "--json", "--today", "2026-03-10"
    )
    assert "overdue" not in [json.loads(line)["reason"] for line in early.stdout.splitlines()]


def test_the_text_form_numbers_and_time_boxes_the_items(fourfold: Run, tmp_path: Path) -> None:
    run = loaded(fourfold, tmp_path)
    done = run("agenda", "--unit", "acme", "--period", "2026-02", "--today", "2026-04-01")
    assert done.stdout.splitlines()[0].startswith("  1. [red, 8 min] KPI Revenue (revenue) is red")
    assert done.stderr.strip() == "5 items, 24 minutes, for the review of Acme Corp for 2026-02."


def test_bad_input_is_one_sentence(fourfold: Run, tmp_path: Path) -> None:
    run = loaded(fourfold, tmp_path)
    for args, words in (
        (("--unit", "nope", "--period", "2026-02"), "there is no unit 'nope'"),
        (("--unit", "acme", "--period", "2026-13"), "2026-13"),
        (("--unit", "acme", "--period", "2026-02", "--today", "soon"), "--today"),
    ):
        done = run("agenda", *args, check=False)
        assert done.returncode != 0 and done.stdout == ""
        assert words in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
