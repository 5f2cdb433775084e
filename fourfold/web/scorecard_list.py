"""The list of scorecards: each unit the reader may see, in the unit tree's order, with its
scorecard's score and status and how much of what its objectives expect has come in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse

from fourfold.scoring import engine, readout

from .units import UnitNode


@dataclass
class Line:
    unit: UnitNode
    row: dict[str, Any] | None  # the scorecard's row (readout's), None without a scorecard
    url: str
    map_url: str
    expected: int = 0  # the KPIs and aligned objectives its objectives expect
    reported: int = 0
    overdue: int = 0


def _by_card(scores: engine.Scores, view_name: str, column: int) -> tuple[Any, Any, Any]:
    """Expected, reported and overdue of each scorecard's objectives, added up per scorecard."""
    index = scores.index
    n_cards = len(index.scorecard)
    if not index.objective:
        empty = np.zeros(n_cards, dtype=np.int64)
        return empty, empty, empty
    card_of_perspective = np.array([p["scorecard"] for p in index.perspective], dtype=np.int64)
    perspective = np.array([o["perspective"] for o in index.objective], dtype=np.int64)
    card = card_of_perspective[perspective]
    view = scores.result.views[view_name]
    rows = scores.result.offsets["objective"] + np.arange(len(index.objective))
    counts = (view.expected, view.reported, view.overdue)
    first, second, third = (
        np.bincount(card, weights=c[rows, column], minlength=n_cards).astype(np.int64)
        for c in counts
    )
    return first, second, third


def lines(scores: engine.Scores, units: list[UnitNode], period: str) -> list[Line]:
    """One line for each unit, in the order given (the unit tree's, see units.visible_units)."""
    located = scores.locate(period)
    totals = _by_card(scores, *located) if located is not None else None
    query = urlencode({"period": period})
    out = []
    for unit in units:
        card = scores.card_of.get(unit.code)
        row = next(readout.unit_rows(scores, unit.code, period), None) if card is not None else None
        line = Line(
            unit,
            row,
            f"{reverse('scorecard', args=[unit.code])}?{query}",
            f"{reverse('strategy_map', args=[unit.code])}?{query}",
        )
        if totals is not None and card is not None:
            line.expected, line.reported, line.overdue = (int(t[card]) for t in totals)
        out.append(line)
    return out
