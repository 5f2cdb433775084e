"""The legend of a scorecard: each scoring scheme in use on the page, its statuses with their
colours and what puts a KPI or a roll-up in each, in the reader's words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from fourfold.core import evaluate
from fourfold.core.schemes import Scheme, show
from fourfold.scoring import engine

TYPES = {
    "goal_red_flag": "goal and red flag",
    "percent_of_target": "bands of percent of target",
    "yes_no": "yes or no",
    "unscored": "not scored",
}
KINDS = {
    "kpi": ("KPI", "KPIs"),
    "objective": ("objective", "objectives"),
    "perspective": ("perspective", "perspectives"),
    "scorecard": ("scorecard", "scorecards"),
}
# What a KPI's actual must be for each of goal / red flag's three statuses, worst first.
GOAL_RED_FLAG = ("worse than the red flag", "from the red flag to the goal", "at goal or better")


@dataclass
class Line:
    status: str
    color: str
    rule: str


@dataclass
class Entry:
    name: str
    type_text: str
    used_by: str
    lines: list[Line] = field(default_factory=list)
    note: str = ""


def _score_bands(n: int) -> list[str]:
    """Status i of n read from a score: equal bands of the 0–10 scale, worst first."""
    edges = [f"{10 * i / n:.2f}" for i in range(1, n)]
    if n == 1:
        return ["any score"]
    return [f"score below {edges[0]}"] + [f"score {edge} or more" for edge in edges]


def _percent_bands(scheme: Scheme, of: str) -> list[str]:
    mins = [show(m) for m in scheme.mins]
    return [f"below {mins[0]} % {of}"] + [f"{m} % {of} or more" for m in mins]


def _rules(scheme: Scheme, uses: set[str]) -> list[str]:
    """The rule of each status, worst first, for the uses ('kpi', 'share', 'score') seen."""
    n = len(scheme.statuses)
    by_use: list[list[str]] = []
    if "kpi" in uses:
        if scheme.type == "goal_red_flag":
            by_use.append([f"KPI {rule}" for rule in GOAL_RED_FLAG])
        elif scheme.type == "percent_of_target":
            by_use.append([f"KPI {r}" for r in _percent_bands(scheme, "of target")])
        elif scheme.type == "yes_no":
            by_use.append(["KPI not done (scores 0)", "KPI done (scores 10)"])
    if "share" in uses and scheme.type == "percent_of_target":
        by_use.append(_percent_bands(scheme, "of its parts at their best status"))
    if "score" in uses or ("range" in uses and not by_use):
        by_use.append(_score_bands(n))
    return ["; ".join(rules) for rules in zip(*by_use, strict=True)] if by_use else [""] * n


def entries(scores: engine.Scores, nodes: Iterable[tuple[str, int]]) -> list[Entry]:
    """The schemes of the given nodes ((kind, row in the views)), in the order first met.

    Two schemes alike in every way (the stored `default` and the engine's own for nodes that
    name none) are one entry.
    """
    by_index: dict[int, Counter[str]] = {}
    uses_of_index: dict[int, set[str]] = {}
    inp = scores.inputs
    # Each row's roll-up method, numbered as the views' rows are (KPIs have none).
    rollup = np.concatenate(
        [np.zeros(scores.result.n_kpis, dtype=np.int64), inp.obj_rollup, inp.persp_rollup]
        + [inp.card_rollup]
    )
    node_scheme = scores.result.node_scheme.tolist()
    rollups = rollup.tolist()
    kpis = scores.index.kpi
    for kind, row in nodes:
        index = node_scheme[row]
        by_index.setdefault(index, Counter())[kind] += 1
        use = "range" if kind == "kpi" and kpis[row]["direction"] == "range" else "kpi"
        if kind != "kpi":
            use = "share" if evaluate.ROLLUPS[rollups[row]] == "share_met" else "score"
        uses_of_index.setdefault(index, set()).add(use)
    used: dict[Scheme, Counter[str]] = {}
    uses: dict[Scheme, set[str]] = {}
    for index, counts in by_index.items():
        scheme = inp.schemes[index]
        used[scheme] = used.get(scheme, Counter()) + counts
        uses[scheme] = uses.get(scheme, set()) | uses_of_index[index]
    out = []
    for scheme, counts in used.items():
        parts = []
        for kind, (one, many) in KINDS.items():
            if counts[kind]:
                parts.append(f"{counts[kind]} {one if counts[kind] == 1 else many}")
        entry = Entry(scheme.name, TYPES.get(scheme.type, scheme.type), ", ".join(parts))
        rules = _rules(scheme, uses[scheme])
        # Best first, as a reader scans them.
        for status, rule in reversed(list(zip(scheme.statuses, rules, strict=True))):
            entry.lines.append(Line(status.name, status.color, rule))
        if scheme.type == "unscored":
            entry.note = "Shown with their values, never scored and never rolled up."
        elif "range" in uses[scheme]:
            best = scheme.statuses[-1].name if scheme.statuses else ""
            entry.note = (
                f"A KPI with a target range is {best} inside it; outside, its score falls to 0 "
                "at its tolerance and the status is read from the score in equal bands."
            )
        out.append(entry)
    return out
