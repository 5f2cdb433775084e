"""Read scores out per unit and period, as the rows of `fourfold scores` and the pages."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from fourfold.core import evaluate
from fourfold.core.numbers import grouped

from .engine import Scores

LEVEL_OF_VIEW = {"month": 0, "ytd": 0, "quarter": 1, "year": 2}
FREQ_LEVEL = {"monthly": 0, "quarterly": 1, "yearly": 2}


class UnknownUnit(LookupError):
    pass


def _num(value: float) -> float | None:
    # No infinity reaches a reader: it is no number JSON can hold or a table can show.
    return float(value) if math.isfinite(value) else None


def _score(value: float) -> float | None:
    # Scores are shown to two decimals, as DESIGN.md's worked examples are.
    return round(float(value), 2) if math.isfinite(value) else None


def applies(frequency: str, view_name: str) -> bool:
    """Whether a KPI of a frequency has a row in a view's periods: its own or coarser ones,
    and year to date for monthly KPIs only."""
    if FREQ_LEVEL[frequency] > LEVEL_OF_VIEW[view_name]:
        return False
    return view_name != "ytd" or frequency == "monthly"


def node_row(
    scores: Scores,
    view: evaluate.View,
    row: int,
    column: int,
    kind: str,
    code: str,
    unit: str,
    period: str,
) -> dict[str, Any]:
    status = int(view.status[row, column])
    scheme = scores.inputs.schemes[int(scores.result.node_scheme[row])]
    named = scheme.statuses[status] if status >= 0 else None
    out: dict[str, Any] = {
        "unit": unit,
        "kind": kind,
        "code": code,
        "period": period,
        "actual": None,
        "target": None,
        "score": _score(view.score[row, column]),
        "status": named.name if named else None,
        "color": named.color if named else None,
        "coverage": {
            "expected": int(view.expected[row, column]),
            "reported": int(view.reported[row, column]),
            "overdue": int(view.overdue[row, column]),
        },
    }
    if kind == "kpi":
        out["actual"] = _num(view.actual[row, column])
        out["target"] = _num(view.target[row, column])
        if scores.index.kpi[row]["direction"] == "range":
            out["low"] = _num(view.low[row, column])
            out["high"] = _num(view.high[row, column])
        # Only present when set, so that rows without a flag keep DESIGN.md's shape.
        flag = int(view.quality[row, column]) if view.quality.size else 0
        if flag:
            out["quality"] = evaluate.QUALITY[flag]
    return out


def unit_rows(scores: Scores, unit: str, period: str) -> Iterator[dict[str, Any]]:
    """The scorecard, then each perspective followed by its objectives and their KPIs."""
    index = scores.index
    if unit not in index.unit_codes:
        raise UnknownUnit(unit)
    card = scores.card_of[unit]
    located = scores.locate(period)
    key = period
    if located is None:
        return
    view_name, column = located
    view = scores.result.views[view_name]
    key = view.keys[column]
    off = scores.result.offsets
    yield node_row(scores, view, off["scorecard"] + card, column, "scorecard", unit, unit, key)
    children = scores.children
    for p in children.get(("scorecard", card), []):
        persp = index.perspective[p]
        yield node_row(
            scores, view, off["perspective"] + p, column, "perspective", persp["code"], unit, key
        )
        for o in children.get(("perspective", p), []):
            obj = index.objective[o]
            yield node_row(
                scores, view, off["objective"] + o, column, "objective", obj["code"], unit, key
            )
            for k in children.get(("objective", o), []):
                kpi = index.kpi[k]
                if not applies(kpi["frequency"], view_name):
                    continue
                yield node_row(scores, view, k, column, "kpi", kpi["code"], unit, key)


def table(rows: list[dict[str, Any]]) -> str:
    """A readable table of score rows, indented by level."""
    indent = {"scorecard": 0, "perspective": 2, "objective": 4, "kpi": 6, "initiative": 2}
    lines = [f"{'node':<44} {'actual':>12} {'target':>12} {'score':>6}  {'status':<16} coverage"]
    for row in rows:
        name = " " * indent[row["kind"]] + f"{row['kind']} {row['code']}"
        cov = row["coverage"]
        coverage = f"{cov['reported']}/{cov['expected']}"
        if cov["overdue"]:
            coverage += f", {cov['overdue']} overdue"
        if row.get("quality"):
            coverage += f" ({row['quality']})"
        lines.append(
            f"{name[:44]:<44} {_fmt(row['actual']):>12} {_fmt(row['target']):>12} "
            f"{_fmt(row['score']):>6}  {(row['status'] or '—'):<16} {coverage}"
        )
    if len(lines) == 1:
        lines.append("(no scores for this period)")
    return "\n".join(lines)


_fmt = grouped
