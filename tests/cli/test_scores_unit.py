"""`fourfold scores --unit` reads and scores only that unit's subtree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.signals import connection_created

from tests.conftest import Run, query, score_lines
from tests.scoring.test_incremental import organization_text

IDS = re.compile(r"kpi_id IN \(([\d,]+)\)")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """The SQL of every statement run on connections opened meanwhile."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    def watch(connection: Any, **kwargs: Any) -> None:
        connection.execute_wrappers.append(record)

    connection_created.connect(watch, dispatch_uid="test-statements")
    yield seen
    connection_created.disconnect(dispatch_uid="test-statements")


def test_scores_of_a_leaf_unit_read_only_its_subtree(
    fourfold: Run, tmp_path: Path, database_url: str, statements: list[str]
) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(organization_text(), encoding="utf-8")
    fourfold("load", str(card))
    whole = score_lines(fourfold("scores", "--period", "2026-01", "--json"))
    statements.clear()
    alone = score_lines(fourfold("scores", "--unit", "child1", "--period", "2026-01", "--json"))
    assert alone == {key: row for key, row in whole.items() if row["unit"] == "child1"}
    read = [s for s in statements if re.search(r"FROM \"?measures_(measurement|target)\b", s)]
    assert len(read) == 2  # the values and the targets, each of the KPIs scored only
    ids = {int(i) for s in read for found in IDS.findall(s) for i in found.split(",")}
    wanted = query(
        database_url,
        "SELECT k.id FROM measures_kpi k JOIN strategy_objective o ON o.id = k.objective_id "
        "JOIN strategy_perspective p ON p.id = o.perspective_id "
        "JOIN strategy_scorecard s ON s.id = p.scorecard_id "
        "JOIN strategy_unit u ON u.id = s.unit_id "
        "WHERE u.code = 'child1' OR k.code = 'top-k000'",  # top-k000: an input of child1-half
    )
    assert ids == {row[0] for row in wanted}
