"""The demo goes through the real loader: `fourfold load --check` passes it, and the demo
installed for a day scores every unit in the last complete month, with a few values overdue."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate

from fourfold.cli import cli
from fourfold.demo import generate, install
from fourfold.freshness.services import overdue_values
from fourfold.strategy.models import Unit

from .test_generate import DAYS, month

pytestmark = pytest.mark.django_db


def fourfold(*args: str) -> str:
    """The command line, in process."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_real_checker_passes_the_demo_of_any_day(tmp_path: Path, today: dt.date) -> None:
    path = tmp_path / "northwind.yaml"
    path.write_text(generate.scorecard(today), encoding="utf-8")
    assert fourfold("load", "--check", str(path)) == f"{path} is valid.\n"


def test_the_real_checker_passes_the_example_file() -> None:
    assert fourfold("load", "--check", str(install.DEMO_FILE)).endswith(" is valid.\n")


def test_the_organization_file_loads_on_its_own() -> None:
    path = generate.ORGANIZATION
    assert fourfold("load", "--check", str(path)) == f"{path} is valid.\n"


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_scores_every_unit_in_the_last_complete_month(today: dt.date) -> None:
    assert install.install(today) == ("demo", "demo")
    rows = [
        json.loads(line)
        for line in fourfold("scores", "--today", f"{today}", "--json").splitlines()
    ]
    cards = {row["unit"]: row for row in rows if row["kind"] == "scorecard"}
    assert set(cards) == set(Unit.objects.values_list("code", flat=True))
    assert len(cards) == 11
    assert {row["period"] for row in rows} == {month(today, -1)}
    assert [code for code, row in cards.items() if row["score"] is None] == []
    assert {row["color"] for row in rows if row["kind"] == "kpi"} >= {"red", "amber", "green"}


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_has_values_overdue_and_the_coo_has_some_of_them(today: dt.date) -> None:
    install.install(today)
    overdue = overdue_values(today)
    assert 2 <= len(overdue) <= 20
    coo = authenticate(username="demo", password="demo")
    assert coo is not None and coo.is_superuser
    assert any(coo.pk in (o.owner_id, o.contributor_id) for o in overdue)


def test_installing_the_demo_again_on_the_same_day_changes_nothing() -> None:
    day = DAYS[0]
    install.install(day)
    text = generate.scorecard(day)
    from fourfold.files import load

    result = load.load(text, actor=None, source_name="again.yaml")
    # Only the demo's one change made after loading (fourfold/demo/revisions.py: a KPI's
    # weight from the next fiscal year, through the design service) is put back by its file.
    assert (result.created, result.archived, result.new) == (Counter(), Counter(), set())
    assert result.changed == Counter({"KPIs": 1})
