"""The past scores that a change without `effective_from` moved, kept for the scorecard.

Run in the changing transaction, once its versions are written: the units whose definition
changed are scored with the definitions just before and just after, on the same values and
targets, and every score of a period already ended that differs is kept (period, node, old
→ new) on a Restatement of the unit. New objects restate nothing of their own; changes and
removals are looked at.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from fourfold.core import periods
from fourfold.scoring import engine

from . import snapshot, through_time
from .models import Restatement

# Fields that do not move any score: a change of only these restates nothing.
NOT_SCORED = frozenset(
    {"name", "description", "owner_id", "contributor_id", "unit", "kind", "order", "code"}
)
SCORED_KINDS = frozenset(
    {
        "organization",
        "scheme",
        "unit",
        "scorecard",
        "perspective",
        "objective",
        "alignment",
        "link",
        "kpi",
    }
)
MOVED_KEPT = 200
# Past this many units changed at once (a file load), the whole organization is scored once.
UNITS_ONE_BY_ONE = 10


def _restating(versions: Iterable[Any]) -> list[Any]:
    return [
        v
        for v in versions
        if not v.effective_from
        and v.kind in SCORED_KINDS
        and v.changed != ["created"]
        and set(v.changed) - NOT_SCORED
    ]


def _units_of(versions: list[Any], now: snapshot.Snapshot) -> set[int]:
    """The units whose scorecards hold what the versions changed."""
    objects = {
        kind: {pk: s[-1]["fields"] for pk, s in tl.items()} for kind, tl in now.timelines.items()
    }
    cards = {pk: f["unit_id"] for pk, f in objects.get("scorecard", {}).items() if f}
    persp = {
        pk: cards.get(f["scorecard_id"]) for pk, f in objects.get("perspective", {}).items() if f
    }
    objective = {
        pk: persp.get(f["perspective_id"]) for pk, f in objects.get("objective", {}).items() if f
    }
    kpi = {pk: objective.get(f["objective_id"]) for pk, f in objects.get("kpi", {}).items() if f}
    found: set[int | None] = set()
    for v in versions:
        if v.kind in ("organization", "scheme"):
            return set(cards.values())
        fields = v.state[0]["fields"] or {}
        pk = v.object_id
        if v.kind == "unit":
            found.add(pk)
        elif v.kind == "scorecard":
            found.add(cards.get(pk))
        elif v.kind == "perspective":
            found.add(persp.get(pk))
        elif v.kind == "objective":
            found.add(objective.get(pk))
        elif v.kind == "kpi":
            found.add(kpi.get(pk, objective.get(int(fields.get("objective_id") or 0))))
        elif v.kind == "alignment":
            found.add(objective.get(int(fields.get("parent_id") or 0)))
        elif v.kind == "link":
            found.add(objective.get(int(fields.get("effect_id") or 0)))
    return {u for u in found if u is not None}


def note(written: list[Any], *, actor: Any, reason: str) -> list[Restatement]:
    changed = _restating(written)
    if not changed:
        return []
    moment = written[0].recorded_at
    after = snapshot.read(None)
    before = snapshot.read(moment, before=True)
    units = _units_of(changed, after)
    if not units:
        return []
    code_of = {pk: f["code"] for pk, f in after.at(None).get("unit", {}).items()}
    one_by_one = len(units) <= UNITS_ONE_BY_ONE
    today = timezone.localdate()
    whole: tuple[engine.Scores, engine.Scores] | None = None
    out = []
    for unit in sorted(units):
        code = code_of.get(unit)
        if code is None:
            continue
        if one_by_one:
            pair = (
                through_time.compute(today=today, unit=code, definitions=before),
                through_time.compute(today=today, unit=code, definitions=after),
            )
        else:
            whole = whole or (
                through_time.compute(today=today, definitions=before),
                through_time.compute(today=today, definitions=after),
            )
            pair = whole
        moved = moved_scores(*pair, code, today.isoformat())
        if moved:
            out.append(
                Restatement.objects.create(
                    unit_id=unit,
                    at=moment,
                    actor=actor,
                    reason=reason,
                    moved=moved[:MOVED_KEPT],
                    count=len(moved),
                )
            )
    return out


def _nodes(scores: engine.Scores, unit: str) -> dict[tuple[str, int], tuple[int, str]]:
    """The unit's own nodes, by (kind, id): their row in the results and their code."""
    index = scores.index
    if unit not in index.unit_codes:
        return {}
    card = scores.card_of[unit]
    off = scores.result.offsets
    out = {("scorecard", index.scorecard[card]["id"]): (off["scorecard"] + card, unit)}
    persps = {i for i, p in enumerate(index.perspective) if p["scorecard"] == card}
    for i in persps:
        out[("perspective", index.perspective[i]["id"])] = (
            off["perspective"] + i,
            index.perspective[i]["code"],
        )
    objs = {i for i, o in enumerate(index.objective) if o["perspective"] in persps}
    for i in objs:
        out[("objective", index.objective[i]["id"])] = (
            off["objective"] + i,
            index.objective[i]["code"],
        )
    for i, k in enumerate(index.kpi):
        if k["objective"] in objs:
            out[("kpi", k["id"])] = (i, k["code"])
    return out


def moved_scores(
    before: engine.Scores, after: engine.Scores, unit: str, today: str
) -> list[dict[str, Any]]:
    """Scores of the unit's nodes, in periods ended before today, that differ."""
    old_nodes, new_nodes = _nodes(before, unit), _nodes(after, unit)
    out: list[dict[str, Any]] = []
    for view_name in ("month", "quarter", "year"):
        old_view, new_view = before.result.views[view_name], after.result.views[view_name]
        old_col = {key: c for c, key in enumerate(old_view.keys)}
        for c, key in enumerate(new_view.keys):
            last = periods.parse_period(key, after.fiscal_start).months[-1]
            if last >= today[:7]:
                continue  # not over yet
            oc = old_col.get(key)
            for node, (row, code) in new_nodes.items():
                new = _rounded(new_view.score[row, c])
                old = None
                if oc is not None and node in old_nodes:
                    old = _rounded(old_view.score[old_nodes[node][0], oc])
                if old != new and not (old is None and new is None):
                    out.append(
                        {"period": key, "kind": node[0], "code": code, "old": old, "new": new}
                    )
    return out


def _rounded(value: float) -> float | None:
    return round(float(value), 2) if math.isfinite(value) else None


# The restatements the scorecard lists, newest first.
SHOWN = 3


def recent(unit_code: str) -> list[Restatement]:
    """The latest restatements of a unit's past scores, with who made them, in one query;
    on a page asked `?as_of=`, those made by then."""
    from . import moment

    found = Restatement.objects.filter(unit__code=unit_code).select_related("actor")
    if (at := moment.requested()) is not None:
        found = found.filter(at__lte=at)
    return list(found[:SHOWN])
