"""How a score on the scorecard is made: the parts an objective rolls up (its KPIs and the
objectives of units below aligned to it), each with its weight and its share of the score.

Read from the engine's own inputs (weights, roll-up methods, alignments), so that what the
page explains is what the engine computed; nothing here scores anything again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from fourfold.core import evaluate
from fourfold.scoring import engine, readout

from . import coarser
from .templatetags.fourfold import num, score

if TYPE_CHECKING:
    from .scorecard import Node

PLAIN = re.compile(r"[A-Za-z0-9._~-]+")  # what an address carries as it is

# Short: an objective has one of these under it; the legend says the rest.
METHODS = {
    "weighted_mean": "Weighted mean of the parts with a score:",
    "worst": "The worst score of the parts:",
    "share_met": "The share of the parts at their best status, each counting the same:",
}


@dataclass
class Part:
    """One thing an objective's score is made of, or a KPI of it that does not count."""

    kind: str  # kpi | objective
    name: str
    url: str
    row: dict[str, Any] | None  # its scored row in the period (readout's), for the status
    weight: float = 1.0
    unit_name: str = ""  # the unit below an aligned objective belongs to
    share: float | None = None  # of the weighted mean, in percent
    counted: bool = True
    note: str = ""  # what it adds, or why it does not count
    position: int = -1  # an aligned objective's position in the engine's index


@dataclass
class Breakdown:
    method: str
    parts: list[Part] = field(default_factory=list)
    hidden: int = 0  # aligned objectives of units the reader may not view

    @property
    def kpis(self) -> int:
        return sum(1 for p in self.parts if p.kind == "kpi" and p.counted)

    @property
    def aligned(self) -> int:
        return sum(1 for p in self.parts if p.kind == "objective") + self.hidden


def contributors(scores: engine.Scores) -> dict[int, list[tuple[int, float]]]:
    """The objectives that roll into each objective's score, by position, with their weight."""
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    inp = scores.inputs
    for child, parent, weight in zip(
        inp.align_child.tolist(), inp.align_parent.tolist(), inp.align_weight.tolist(), strict=True
    ):
        out[parent].append((child, weight))
    return out


def _method(scores: engine.Scores, objective: int) -> str:
    return evaluate.ROLLUPS[int(scores.inputs.obj_rollup[objective])]


def _at_best(scores: engine.Scores, row: int, view: evaluate.View, column: int) -> bool:
    scheme = scores.inputs.schemes[int(scores.result.node_scheme[row])]
    return int(view.status[row, column]) == len(scheme.statuses) - 1


def _share_note(part: Part, at_best: bool) -> str:
    if part.row is None or part.row.get("status") is None:
        return "no status: left out"
    return "at its best status" if at_best else "not at its best status"


def of_objective(
    scores: engine.Scores,
    located: tuple[str, int],
    position: int,
    kpis: list[Part],
    aligned: list[tuple[int, float]],
    viewable: Callable[[str], bool],
    unit_names: dict[str, str],
    url: Callable[[str, str], str],
) -> Breakdown:
    """The parts of one objective's score in the located period.

    `kpis` are the objective's KPI rows as the page shows them (counted or not), `aligned`
    the positions of the objectives that contribute to it, with their weights; those of units
    the reader may not view (`viewable(unit code)` is False) are only counted, never named.
    """
    view_name, column = located
    view = scores.result.views[view_name]
    key = view.keys[column]
    off = scores.result.offsets["objective"]
    method = _method(scores, position)
    out = Breakdown(method, [*kpis])
    hidden_weights = []  # of the hidden parts with a score: the shares are of the score
    for child, weight in aligned:
        found = scores.index.objective[child]
        if not viewable(found["unit"]):
            out.hidden += 1
            if np.isfinite(view.score[off + child, column]):
                hidden_weights.append(weight)
            continue
        row = readout.node_row(
            scores, view, off + child, column, "objective", found["code"], found["unit"], key
        )
        name = unit_names.get(found["unit"], found["unit"])
        part = Part(
            "objective", found["name"], url(found["unit"], found["code"]), row, weight, name
        )
        part.position = child
        if method == "share_met":
            part.note = _share_note(part, _at_best(scores, off + child, view, column))
        out.parts.append(part)
    counted = [p for p in out.parts if p.counted and p.row and p.row.get("score") is not None]
    if method == "weighted_mean":
        total = sum(p.weight for p in counted) + sum(hidden_weights)
        for part in counted:
            part.share = 100 * part.weight / total if total > 0 else None
    elif method == "worst" and counted:
        lowest = min(p.row["score"] for p in counted if p.row)
        for part in counted:
            if part.row and part.row["score"] == lowest:
                part.note = "the worst: this is the score"
    return out


def kpi_part(
    scores: engine.Scores,
    row: dict[str, Any],
    position: int,
    url: str,
    name: str,
    located: tuple[str, int],
    counted: bool,
    note: str = "",
) -> Part:
    """A KPI of the objective as a part: counted, or not (and then `note` says why)."""
    weight = float(scores.inputs.kpi_weight[position])
    part = Part("kpi", name, url, row, weight, counted=counted, note=note)
    scheme = scores.inputs.schemes[int(scores.inputs.kpi_scheme[position])]
    if counted and scheme.type == "unscored":
        part.counted, part.note = False, "unscored: shown, never rolled up"
    view = scores.result.views[located[0]]
    if part.counted and _method_of_kpi(scores, position) == "share_met":
        part.note = _share_note(part, _at_best(scores, position, view, located[1]))
    return part


def _method_of_kpi(scores: engine.Scores, position: int) -> str:
    owner = int(scores.inputs.kpi_objective[position])
    return _method(scores, owner) if owner >= 0 else ""


def weight_text(weight: float) -> str:
    return f"weight {num(weight)}"


def summary(found: Breakdown, period_label: str) -> str:
    """What the score is made of, in a few words: '2 KPIs + 1 aligned objective'."""
    bits = []
    if found.kpis:
        bits.append(f"{found.kpis} KPI{'s' if found.kpis != 1 else ''}")
    if found.aligned:
        bits.append(f"{found.aligned} aligned objective{'s' if found.aligned != 1 else ''}")
    return " + ".join(bits) or f"nothing counts in {period_label}"


def html(
    found: Breakdown, status: Callable[[dict[str, Any] | None], SafeString], period_label: str
) -> SafeString:
    """The expandable breakdown of an objective's score: a <details> that needs no script."""
    items = []
    for part in found.parts:
        # A KPI's row, link and status are right below the objective's: its name will do.
        what = escape(part.name)
        figures = f'<span class="how__score">{escape(score((part.row or {}).get("score")))}</span>'
        if part.kind == "objective":
            name = f"{escape(part.unit_name)}: {what}" if part.unit_name else what
            what = (
                f'<a href="{escape(part.url)}">{name}</a> '
                '<span class="how__kind">aligned objective</span>'
            )
            figures += f" {status(part.row)}"
        weighting = ""
        if part.counted and found.method == "weighted_mean":
            weighting = weight_text(part.weight)
            if part.share is not None:
                weighting += f" · {part.share:.0f} % of the score"
            else:
                weighting += " · no score: left out"
        note = " · ".join(t for t in (weighting, part.note) if t)
        items.append(
            f'<li class="how__part{"" if part.counted else " how__part--out"}">'
            f'<span class="how__what">{what}</span><span class="how__figures">{figures}</span>'
            f'<span class="how__note">{escape(note)}</span></li>'
        )
    if found.hidden:
        items.append(
            '<li class="how__part how__part--hidden"><span class="how__what">'
            f"{found.hidden} aligned objective{'s' if found.hidden != 1 else ''} of units "
            "you may not view also count in this score</span></li>"
        )
    text = (
        '<details class="how"><summary><span class="visually-hidden">How the score is made: '
        f'</span><span class="how__summary">{escape(summary(found, period_label))}</span></summary>'
        f'<p class="how__rule">{escape(METHODS[found.method])}</p>'
        f'<ul class="how__parts">{"".join(items)}</ul></details>'
    )
    return mark_safe(text)  # noqa: S308 - every text escaped above


@dataclass
class Explain:
    """What the breakdowns of a page's objectives read, worked out once for the page."""

    scores: engine.Scores
    located: tuple[str, int]
    unit: str
    query: str  # ?period=..., for the links
    viewable: set[str]  # codes of the units the reader may view
    unit_names: dict[str, str]
    aligned: dict[int, list[tuple[int, float]]]
    period_label: str
    _patterns: dict[str, str] = field(default_factory=dict)

    def url(self, name: str, unit: str, code: str) -> str:
        """The page of an objective or KPI for the period. A page links hundreds: codes that
        reverse() would print as they are go into its address once reversed per page."""
        if not (PLAIN.fullmatch(unit) and PLAIN.fullmatch(code)):
            return reverse(name, args=[unit, code]) + self.query
        if name not in self._patterns:
            self._patterns[name] = reverse(name, args=["UNIT", "CODE"]).replace("%", "%%")
            self._patterns[name] = self._patterns[name].replace("UNIT", "%(unit)s", 1)
            self._patterns[name] = self._patterns[name].replace("CODE", "%(code)s", 1)
        return self._patterns[name] % {"unit": unit, "code": code} + self.query


def explain(tree: list[Node], how: Explain) -> None:
    """Links of every objective and KPI, and what each objective's score is made of."""
    for perspective in tree:
        for objective in perspective.children:
            objective.url = how.url("objective", how.unit, objective.row["code"])
            parts = []
            for kpi in objective.children:
                kpi.url = how.url("kpi", how.unit, kpi.row["code"])
                parts.append(
                    kpi_part(
                        how.scores, kpi.row, kpi.position, kpi.url, kpi.name, how.located, True
                    )
                )
            for kpi in objective.latest:
                kpi.url = how.url("kpi", how.unit, kpi.row["code"])
                what = coarser.WHAT[kpi.info["frequency"]]
                note = f"{kpi.info['frequency']}: counts in its {what}, not in {how.period_label}"
                parts.append(Part("kpi", kpi.name, kpi.url, kpi.row, kpi.weight, counted=False))
                parts[-1].note = note
            objective.how = of_objective(
                how.scores,
                how.located,
                objective.position,
                parts,
                how.aligned.get(objective.position, []),
                how.viewable.__contains__,
                how.unit_names,
                lambda unit, code: how.url("objective", unit, code),
            )
