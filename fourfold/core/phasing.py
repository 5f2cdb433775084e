"""Phasing: the monthly (or quarterly) targets that a yearly or quarterly target implies.

DESIGN.md, "Targets that are set well": `even`, `seasonal`, `last_year` and `linear`, the
red flag and stretch phased by the same rule. The parts that are set explicitly (in the same
file or form, or earlier by hand) are held; the rule spreads over the others what they leave,
so that the period still holds. With no part held that is exactly DESIGN's formulas.
Pure: plain keys and numbers in, plain numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .entries import FREQUENCY_KIND
from .periods import (
    AGGREGATIONS,
    FloatArray,
    Period,
    aggregate,
    parse_period,
    quarter_of,
    settle,
    year_of,
)

PHASES = ("even", "seasonal", "last_year", "linear")
# The aggregations over time each phase fits.
FITS: dict[str, tuple[str, ...]] = {
    "even": AGGREGATIONS,
    "seasonal": ("sum",),
    "last_year": ("sum",),
    "linear": ("average", "last", "min", "max"),
}
# The fields a phase spreads, in the order of a part's tuple; the baseline stays with the
# phased target itself.
SPREAD = ("target", "red_flag", "stretch", "low", "high")
TOTAL = ("even", "seasonal", "last_year")
AGGREGATION_WORDS = {
    "sum": "sums its periods",
    "average": "takes the average",
    "last": "takes the last value",
    "min": "takes the minimum",
    "max": "takes the maximum",
}

Fields = tuple[float | None, ...]  # one value per name in SPREAD


class PhaseError(ValueError):
    """A phase that cannot be applied here; the message is one sentence without its place."""


def reason(period: str) -> str:
    """The reason the implied parts are written with, which also marks them as not by hand."""
    return f"phased from {period}"


def fit_problem(phase: str, aggregation: str, direction: str = "increase") -> str | None:
    """Why a phase does not fit a KPI of this aggregation (and direction), or None."""
    if phase not in PHASES:
        return f"'phase' must be one of {', '.join(PHASES)}, not '{phase}'"
    if aggregation not in FITS[phase]:
        if phase == "linear":
            return (
                "phase 'linear' draws a glide path for a KPI that takes the average, last value, "
                "minimum or maximum, and this one sums its periods: use even, seasonal or last_year"
            )
        return (
            f"phase '{phase}' spreads a total, so it needs a KPI that sums its periods, and this "
            f"one {AGGREGATION_WORDS.get(aggregation, aggregation)}: use even or linear"
        )
    if phase == "linear" and direction == "range":
        return "phase 'linear' draws a glide path to a target, and a range KPI has a band: use even"
    return None


def parts(period: Period, frequency: str) -> tuple[str, ...]:
    """The periods a phased target is spread over: its months or quarters at the KPI's
    frequency; a period not longer than that frequency cannot be phased."""
    kind = FREQUENCY_KIND.get(frequency)
    if kind == "month" and period.kind in ("quarter", "year"):
        return period.months
    if kind == "quarter" and period.kind == "year":
        return tuple(dict.fromkeys(quarter_of(m, period.fiscal_start) for m in period.months))
    raise PhaseError(
        f"a phase spreads a target over shorter periods, and this KPI is reported every "
        f"{kind or 'period'}, so {period.key} has none: set it without 'phase'"
    )


@dataclass(frozen=True)
class Phased:
    """A phased target: the parts it is spread over and what it implies for those not held."""

    keys: tuple[str, ...]
    implied: dict[str, Fields]
    weights: FloatArray  # each part's share (total phases) or i / n (linear), in key order


def _position(key: str, fiscal: int) -> tuple[str, int]:
    """A month's or quarter's fiscal year and its place in it (0-based)."""
    p = parse_period(key, fiscal)
    year = year_of(p.first_month, fiscal)
    first = parse_period(year, fiscal).months.index(p.first_month)
    return year, first if p.kind == "month" else first // 3


def full_years(
    history: Mapping[str, float], period: Period, frequency: str
) -> list[tuple[str, FloatArray]]:
    """The fiscal years before `period` with every part reported, oldest first, each with its
    values by place in the year."""
    width = 12 if FREQUENCY_KIND[frequency] == "month" else 4
    fiscal = period.fiscal_start
    years: dict[str, FloatArray] = {}
    for key, value in history.items():
        try:
            year, place = _position(key, fiscal)
        except ValueError:
            continue
        if parse_period(year, fiscal).end >= period.start:
            continue
        row = years.setdefault(year, np.full(width, np.nan))
        row[place] = value
    return [(y, row) for y, row in sorted(years.items()) if not np.isnan(row).any()]


def shares(
    phase: str, keys: Sequence[str], period: Period, frequency: str, history: Mapping[str, float]
) -> FloatArray:
    """Each part's share of the period's total under a total phase, adding up to 1."""
    n = len(keys)
    if phase == "even":
        return np.full(n, 1.0 / n)
    every = "month" if FREQUENCY_KIND[frequency] == "month" else "quarter"
    years = [(y, row) for y, row in full_years(history, period, frequency) if row.sum() != 0]
    need = 2 if phase == "seasonal" else 1
    if len(years) < need:
        have = {0: "there is none", 1: "there is only one"}[len(years)]
        wanted = "two full years" if need == 2 else "a full year"
        raise PhaseError(
            f"phase '{phase}' needs {wanted} of history before {period.key} (fiscal years with "
            f"every {every} reported), and {have}: use even, or enter the actuals"
        )
    rows = np.array([row for _, row in (years[-1:] if phase == "last_year" else years)])
    by_place = (rows / rows.sum(axis=1, keepdims=True)).mean(axis=0)
    picked = np.array([by_place[_position(k, period.fiscal_start)[1]] for k in keys])
    if picked.sum() == 0:
        raise PhaseError(
            f"phase '{phase}' follows the history, and the {every}s of {period.key} added up "
            f"to nothing in it: use even"
        )
    result: FloatArray = picked / picked.sum()
    return result


def baseline_of(
    baseline: float | None, history: Mapping[str, float], period: Period
) -> float | None:
    """The glide path's start: the target's baseline, else the last actual before the period."""
    if baseline is not None:
        return baseline
    before = [
        (p.end, v)
        for k, v in history.items()
        if (p := _parsed(k, period.fiscal_start)) is not None and p.end < period.start
    ]
    return max(before, key=lambda kv: kv[0])[1] if before else None


def _parsed(key: str, fiscal: int) -> Period | None:
    try:
        return parse_period(key, fiscal)
    except ValueError:
        return None


def phase(
    name: str,
    aggregation: str,
    period: Period,
    frequency: str,
    given: Mapping[str, float | None],
    *,
    history: Mapping[str, float] | None = None,
    held: Mapping[str, Fields] | None = None,
    direction: str = "increase",
) -> Phased:
    """The parts `given` (target, red flag, stretch, band, baseline of the period) implies,
    spread by the phase `name` around the parts `held` (each a tuple in SPREAD's order)."""
    problem = fit_problem(name, aggregation, direction)
    if problem:
        raise PhaseError(problem)
    keys = parts(period, frequency)
    history = history or {}
    held = {k: v for k, v in (held or {}).items() if k in keys}
    n = len(keys)
    free = [i for i, k in enumerate(keys) if k not in held]
    columns: list[FloatArray | None] = []
    if name in TOTAL:
        weights = shares(name, keys, period, frequency, history)
        for j, field in enumerate(SPREAD):
            total = given.get(field)
            columns.append(
                None
                if total is None
                else _spread_total(total, j, aggregation, keys, weights, held, free)
            )
    else:
        start = baseline_of(given.get("baseline"), history, period)
        if start is None:
            raise PhaseError(
                f"phase 'linear' glides from a baseline to the target, and {period.key} has "
                f"neither a 'baseline' nor an actual before it: give it a baseline"
            )
        weights = np.arange(1, n + 1) / n
        columns = _glide(given, start, keys, held)
    implied = {keys[i]: tuple(None if c is None else float(c[i]) for c in columns) for i in free}
    return Phased(keys, implied, weights)


def _spread_total(
    total: float,
    j: int,
    aggregation: str,
    keys: Sequence[str],
    weights: FloatArray,
    held: Mapping[str, Fields],
    free: Sequence[int],
) -> FloatArray:
    """One field of a total phase: the free parts share what the held ones leave."""
    n = len(keys)
    out = np.full(n, np.nan)
    if not free:
        return out
    own = weights * total if aggregation == "sum" else np.full(n, float(total))
    # A held part without this field counts as what the phase gives it.
    kept = [
        held[k][j] if held[k][j] is not None else own[i] for i, k in enumerate(keys) if k in held
    ]
    if aggregation == "sum":
        left = total - sum(kept)  # type: ignore[arg-type]
        w = weights[list(free)]
        part = w / w.sum() if w.sum() else np.full(len(free), 1.0 / len(free))
        out[list(free)] = settle(left * part)
    elif aggregation == "average":
        out[list(free)] = settle((n * total - sum(kept)) / len(free))  # type: ignore[arg-type]
    else:  # last, min, max: the period holds with each free part at the target itself
        out[list(free)] = total
    return out


def _glide(
    given: Mapping[str, float | None],
    start: float,
    keys: Sequence[str],
    held: Mapping[str, Fields],
) -> list[FloatArray | None]:
    """`linear`: from the baseline (place 0) to the target (place n) through the held parts;
    the red flag and stretch keep the period's distance from the target."""
    target = given.get("target")
    n = len(keys)
    if target is None:
        raise PhaseError("phase 'linear' glides to a target, and none is given")
    places, anchors = [0.0], [start]
    for i, k in enumerate(keys):
        if k in held and held[k][0] is not None:
            places.append(float(i + 1))
            anchors.append(float(held[k][0]))  # type: ignore[arg-type]
    if keys[-1] not in held:
        places.append(float(n))
        anchors.append(float(target))
    order = np.argsort(places, kind="stable")
    path = settle(np.interp(np.arange(1, n + 1), np.array(places)[order], np.array(anchors)[order]))
    columns: list[FloatArray | None] = [path]
    for field in ("red_flag", "stretch"):
        value = given.get(field)
        columns.append(None if value is None else settle(path - (target - value)))
    return [*columns, None, None]  # no band: a range KPI is refused a glide path


def comes_to(parts_: Mapping[str, Fields], keys: Sequence[str], aggregation: str) -> float | None:
    """What the parts' targets come to for the period, by the KPI's aggregation."""
    return aggregate([parts_[k][0] if k in parts_ else None for k in keys], aggregation)
