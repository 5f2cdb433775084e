"""Initiatives' scores per period, as the `"kind": "initiative"` rows of `fourfold scores`.

Apart from the engine on purpose: initiatives do not roll up into the objectives they serve
(DESIGN.md), so nothing of the engine's tree depends on them. Two queries for any number of
units: the initiatives, then the progress entries that stood at the moment asked about.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fourfold.core import initiatives as rules
from fourfold.core import periods
from fourfold.core.schemes import DEFAULT
from fourfold.initiatives.models import Initiative, Progress, ProgressVersion

NAN = float("nan")


@dataclass(frozen=True)
class Entry:
    initiative_id: int
    period: str
    complete: float
    spent: float | None


def entries_at(initiative_ids: Iterable[int], as_of: dt.datetime | None) -> list[Entry]:
    """The progress entries as they stood at `as_of` (now when None)."""
    ids = list(initiative_ids)
    fields = ("initiative_id", "period", "complete", "spent")
    rows = Progress.objects.filter(initiative_id__in=ids)
    if as_of is None:
        return [Entry(*row) for row in rows.values_list(*fields)]
    found = {
        (i, p): Entry(i, p, c, s)
        for i, p, c, s in rows.filter(entered_at__lte=as_of).values_list(*fields)
    }
    older = ProgressVersion.objects.filter(
        initiative_id__in=ids, entered_at__lte=as_of, superseded_at__gt=as_of
    )
    for i, p, c, s in older.values_list(*fields):
        found[(i, p)] = Entry(i, p, c, s)
    return list(found.values())


def _num(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def rows(
    unit_codes: list[str] | None,
    period: str,
    *,
    fiscal_start: int = 1,
    as_of: dt.datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The score rows of the live initiatives of these units (None: every unit) by unit code,
    each unit's in the order of its initiatives."""
    day = periods.parse_period(period, fiscal_start).end
    query = Initiative.objects.live().order_by("unit_id", "order", "start", "code")
    if unit_codes is not None:
        query = query.filter(unit__code__in=unit_codes)
    listed = list(query.values_list("pk", "code", "unit__code", "start", "end", "budget"))
    if not listed:
        return {}
    by_initiative: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries_at([row[0] for row in listed], as_of):
        by_initiative[entry.initiative_id].append(entry)
    complete, spent = [], []
    for pk, *_ in listed:
        entries = by_initiative.get(pk, [])
        keys = [periods.parse_period(e.period, fiscal_start) for e in entries]
        last = rules.latest_entry(keys, day)
        chosen = entries[last] if last is not None else None
        complete.append(NAN if chosen is None else chosen.complete)
        spent.append(NAN if chosen is None or chosen.spent is None else chosen.spent)
    score, status, expected, _ = rules.score_v(
        complete,
        spent,
        [NAN if row[5] is None else row[5] for row in listed],
        [row[3].toordinal() for row in listed],
        [row[4].toordinal() for row in listed],
        day.toordinal(),
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i, (_, code, unit, *_rest) in enumerate(listed):
        named = DEFAULT.statuses[int(status[i])] if status[i] >= 0 else None
        reported = not np.isnan(complete[i])
        out[unit].append(
            {
                "unit": unit,
                "kind": "initiative",
                "code": code,
                "period": periods.parse_period(period, fiscal_start).key,
                "actual": _num(complete[i]),
                "target": None if not reported else _num(float(expected[i]) * 100.0),
                "score": None if math.isnan(score[i]) else round(float(score[i]), 2),
                "status": named.name if named else None,
                "color": named.color if named else None,
                "coverage": {"expected": 1, "reported": int(reported), "overdue": 0},
            }
        )
    return dict(out)
