"""Scores with the definitions as they stood at a moment, and as they were for each period.

A moment's definitions are a timeline per object (fourfold.revisions.snapshot): most have
one segment; a change with `effective_from` starts a new one. Each distinct run of periods
is scored with its own definitions, by the same engine, and the results are put together:
each period's column comes from the run of definitions that applies to it (a period is
scored with the definition in force in its last month). Rows are those of the latest run;
a node that an earlier run has and the latest one lacks is not listed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from fourfold.core import periods
from fourfold.scoring import engine
from fourfold.scoring.live import Live
from fourfold.strategy.models import Organization

from . import snapshot

KINDS = ("kpi", "objective", "perspective", "scorecard")


def compute(
    *,
    today: dt.date | None = None,
    as_of: dt.datetime | None = None,
    unit: str | None = None,
    definitions: snapshot.Snapshot | None = None,
) -> engine.Scores:
    """Scores with the values and targets at `as_of` and the definitions of `definitions`
    (default: those that stood at `as_of`; now when None)."""
    found = definitions if definitions is not None else snapshot.read(as_of)
    today = today or (as_of.date() if as_of else None)
    runs: list[tuple[str | None, engine.Scores]] = []
    months = [None, *found.splits()]
    for month in months:
        if month == months[-1] and as_of is None and definitions is None:
            # The latest definitions are the tables themselves.
            source: object = Live(Organization.get().fiscal_year_start)
        else:
            source = snapshot.Source(found.at(month))
        runs.append((month, engine.compute_with(source, today=today, as_of=as_of, unit=unit)))
    return splice(runs)


def _ids(scores: engine.Scores, kind: str) -> list[int]:
    return [row["id"] for row in getattr(scores.index, kind)]


def _row_map(base: engine.Scores, other: engine.Scores) -> np.ndarray:
    """For each row of `base`'s result, the row of `other`'s that is the same node (-1)."""
    out: list[np.ndarray] = []
    offsets = other.result.offsets
    for kind in KINDS:
        where = {pk: i for i, pk in enumerate(_ids(other, kind))}
        rows = np.array([where.get(pk, -1) for pk in _ids(base, kind)], dtype=np.int64)
        out.append(np.where(rows >= 0, rows + offsets[kind], -1))
    return np.concatenate(out)


def _last_month(key: str, fiscal_start: int) -> str:
    return periods.parse_period(key, fiscal_start).months[-1]


FILL = {"status": -1, "expected": 0, "reported": 0, "overdue": 0, "quality": 0}
ARRAYS = (
    "actual",
    "target",
    "red_flag",
    "low",
    "high",
    "score",
    "status",
    "expected",
    "reported",
    "overdue",
    "quality",
)


def splice(runs: list[tuple[str | None, engine.Scores]]) -> engine.Scores:
    """One Scores whose every period's column comes from the run that applies to it."""
    base = runs[-1][1]
    fs = base.fiscal_start
    for view_name, view in base.result.views.items():
        lasts = [_last_month(key, fs) for key in view.keys]
        for (month, run), (end, _) in zip(runs, runs[1:], strict=False):
            assert end is not None
            columns = [
                c for c, last in enumerate(lasts) if (month is None or last >= month) and last < end
            ]
            if not columns:
                continue
            rows = _row_map(base, run)
            other = run.result.views[view_name]
            where = {key: c for c, key in enumerate(other.keys)}
            for name in ARRAYS:
                mine, theirs = getattr(view, name), getattr(other, name)
                if mine.size == 0:
                    continue
                src = rows[: mine.shape[0]]  # the KPIs' rows for arrays of KPIs only
                ok = (src >= 0) & (src < theirs.shape[0])
                for c in columns:
                    value = np.full(len(src), FILL.get(name, np.nan), dtype=mine.dtype)
                    oc = where.get(view.keys[c])
                    if oc is not None:
                        value[ok] = theirs[src[ok], oc]
                    mine[:, c] = value
    return base
