"""Scores of a past moment are reproducible: `fourfold scores --as-of` before and after a change."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.utils import timezone

from fourfold.cli import cli
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from tests.web import cards

pytestmark = pytest.mark.django_db


def revenue_score(as_of: str) -> dict[str, object]:
    result = CliRunner().invoke(
        cli, ["scores", "--unit", "acme", "--period", "2026-02", "--json", "--as-of", as_of]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    return next(r for r in rows if r["kind"] == "kpi" and r["code"] == "revenue")


def test_scores_as_of_before_and_after_a_change_differ_accordingly() -> None:
    cards.load_small()
    before = timezone.now()
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "2026-02", 800)], actor=None, source=Source.MANUAL, reason="fix"
    )
    after = timezone.now()
    old, new = revenue_score(before.isoformat()), revenue_score(after.isoformat())
    # G = 700, R = 500: 600 scores 5.0 (amber), 800 scores 8.33 (green).
    assert (old["actual"], old["score"], old["status"]) == (600, 5.0, "amber")
    assert (new["actual"], new["score"], new["status"]) == (800, 8.33, "green")
