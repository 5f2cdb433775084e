"""Scoring one unit's subtree reads only its rows, and scores them as the whole organization
does."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.files.load import load
from fourfold.scoring import engine, live
from fourfold.scoring.readout import unit_rows
from tests.web import cards

TODAY = dt.date(2026, 3, 15)
UNITS = ("top", "child0", "child1")


def organization() -> None:
    """A top unit and two children; a child's formula reads a KPI of the top unit (outside
    its subtree), and the top unit's formula sums the children's KPIs."""
    text = cards.HEADER + cards.unit("top", "Top", None, 1, 1, 2)
    text = text.replace(
        "              - code: top-k001\n",
        "              - code: top-total\n"
        "                name: Total of the children\n"
        "                formula: sum_children(sales)\n"
        "              - code: top-k001\n",
    )
    for c in range(2):
        text += cards.unit(f"child{c}", f"Child {c}", "top", 1, 1, 1)
        text += cards.kpi(f"child{c}.sales", name="Sales")
        text += (
            f"              - code: child{c}-half\n"
            "                name: Half the top's first KPI\n"
            "                formula: top-k000 / 2\n"
        )
    load(text, actor=None, source_name="subtree.yaml")


def every_row(scores: engine.Scores, unit: str) -> list[dict[str, object]]:
    return [row for key in ("2026-01", "2026-Q1", "2026") for row in unit_rows(scores, unit, key)]


@pytest.mark.django_db
@pytest.mark.parametrize("most", [live.MAX_SUBTREE_IN_SQL, 0], ids=["in SQL", "in Python"])
def test_a_subtree_is_scored_as_the_whole_organization_scores_it(
    monkeypatch: pytest.MonkeyPatch, most: int
) -> None:
    organization()
    # 0: every subtree is too large for SQL, and is read whole and kept in Python instead.
    monkeypatch.setattr(live, "MAX_SUBTREE_IN_SQL", most)
    whole = engine.compute(today=TODAY)
    for unit in UNITS:
        alone = engine.compute(unit=unit, today=TODAY)
        assert every_row(alone, unit) == every_row(whole, unit)
    child = engine.compute(unit="child0", today=TODAY)
    assert child.index.unit_codes == ["child0"]
    half = {row["code"]: row for row in unit_rows(child, "child0", "2026-01")}["child0-half"]
    assert half["actual"] == pytest.approx(1234567.891 / 2)
    total = {row["code"]: row for row in every_row(whole, "top")}["top-total"]
    assert total["actual"] is not None


@pytest.mark.django_db
def test_a_subtree_reads_only_its_own_definition_rows() -> None:
    organization()
    rows = live.definition_rows({engine_unit("child1")}, n_units=3)
    assert len(rows.cards) == 1
    assert {k[2] for k in rows.kpis} == {"child1-k000", "child1.sales", "child1-half"}


def engine_unit(code: str) -> int:
    from fourfold.strategy.models import Unit

    return Unit.objects.get(code=code).pk
