"""A synthetic organization of any size: a scorecard file and a values CSV, made fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

PERSPECTIVES = (
    ("financial", "Financial"),
    ("customer", "Customer"),
    ("process", "Internal Process"),
    ("learning", "Learning & Growth"),
)
DIRECTIONS = ("increase", "decrease", "range")
AGGREGATIONS = ("sum", "average", "last", "min", "max")
UNITS_OF_MEASURE = ("EUR", "%", "days", "count", "h", "score")
# The page benchmark wants one department of about this many KPIs.
BIG_UNIT_KPIS = 200
KPIS_PER_OBJECTIVE = 5
PERCENT_SCHEME = "gov"
SCHEMES_YAML = """\
schemes:
  gov:
    type: percent_of_target
    bands: [{status: Met, min: 100, color: green},
            {status: Slightly below, min: 95, color: amber},
            {status: Not met, color: red}]
"""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass
class Unit:
    code: str
    name: str
    parent: int | None  # index in the list of units
    level: int  # 0 company, 1 division, 2 department, 3 team


@dataclass
class Organization:
    """What was generated, for the report and for choosing the pages to time."""

    units: list[Unit]
    first_month: str
    last_month: str
    objectives: int = 0
    kpis: int = 0
    monthly_kpis: int = 0
    quarterly_kpis: int = 0
    links: int = 0
    aligned: int = 0
    targets: int = 0  # yearly, in the scorecard file
    period_targets: int = 0  # monthly or quarterly, in targets.csv
    values: int = 0
    kpis_per_unit: list[int] = field(default_factory=list)

    @property
    def top_unit(self) -> str:
        return self.units[0].code

    @property
    def big_unit(self) -> tuple[str, int]:
        """The unit whose KPI count is closest to BIG_UNIT_KPIS, and that count."""
        best = min(range(len(self.units)), key=lambda i: abs(self.kpis_per_unit[i] - BIG_UNIT_KPIS))
        return self.units[best].code, self.kpis_per_unit[best]


def last_complete_month(today: dt.date) -> int:
    """The month ordinal (year * 12 + month - 1) of the last month that has ended."""
    return today.year * 12 + today.month - 2


def month_text(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def unit_tree(n: int) -> list[Unit]:
    """One company, about n^(1/3) divisions, departments of about ten teams, then teams."""
    units = [Unit("co", "Company", None, 0)]
    n_div = min(n - 1, max(1, round(n ** (1 / 3))))
    rest = n - 1 - n_div
    n_dep = min(rest, max(n_div, round(rest / 10)))
    n_team = rest - n_dep
    for d in range(n_div):
        units.append(Unit(f"d{d + 1:02d}", f"Division {d + 1}", 0, 1))
    for p in range(n_dep):
        div = 1 + p % n_div
        code = f"{units[div].code}p{p // n_div + 1:02d}"
        units.append(Unit(code, f"Department {code}", div, 2))
    first_dep = 1 + n_div
    for t in range(n_team):
        dep = first_dep + t % n_dep
        code = f"{units[dep].code}t{t // n_dep + 1:02d}"
        units.append(Unit(code, f"Team {code}", dep, 3))
    return units


def spread_kpis(units: list[Unit], n_kpis: int) -> list[int]:
    """KPIs per unit: one department gets about 200, the rest follow the unit's level."""
    counts = [0] * len(units)
    big = next((i for i, u in enumerate(units) if u.level == 2), 0)
    counts[big] = min(BIG_UNIT_KPIS, n_kpis // 4) if len(units) > 1 else n_kpis
    rest = n_kpis - counts[big]
    weight = np.array([(3.0, 2.0, 1.5, 1.0)[u.level] for u in units])
    weight[big] = 0.0
    if rest and weight.sum() > 0:
        share = weight / weight.sum() * rest
        floor = np.floor(share).astype(np.int64)
        # The largest remainders take the KPIs that flooring left over.
        for i in np.argsort(floor - share, kind="stable")[: rest - int(floor.sum())]:
            floor[i] += 1
        for i, k in enumerate(floor.tolist()):
            counts[i] += k
    return counts


@dataclass
class KpiArrays:
    """One row per KPI, in file order."""

    code: list[str]
    unit: Ints
    direction: Ints
    quarterly: npt.NDArray[np.bool_]
    aggregation: Ints
    percent: npt.NDArray[np.bool_]
    level: Floats
    drift: Floats
    weight: Ints


def kpi_arrays(units: list[Unit], counts: list[int], rng: np.random.Generator) -> KpiArrays:
    n = sum(counts)
    unit = np.repeat(np.arange(len(units)), counts)
    direction = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    ranged = direction == 2
    aggregation = rng.choice(5, size=n, p=[0.4, 0.3, 0.15, 0.075, 0.075])
    aggregation[ranged] = 1  # a band makes sense for an average, not for a sum
    percent = (rng.random(n) < 0.15) & ~ranged
    codes = []
    seen: dict[int, int] = {}
    for u in unit.tolist():
        seen[u] = seen.get(u, 0) + 1
        codes.append(f"{units[u].code}-k{seen[u]}")  # a code the API accepts
    return KpiArrays(
        code=codes,
        unit=unit,
        direction=direction,
        quarterly=rng.random(n) < 0.05,
        aggregation=aggregation,
        percent=percent,
        level=np.round(10 ** rng.uniform(1, 5, size=n), 2),
        drift=rng.normal(0.05, 0.1, size=n),
        weight=rng.choice(np.array([1, 1, 1, 2]), size=n),
    )


@dataclass
class Grid:
    """The periods of one frequency: their keys and their place in time (0 to 1)."""

    quarterly: bool
    keys: list[str]
    t: Floats


def grids(first: int, last: int) -> list[Grid]:
    months = np.arange(first, last + 1)
    quarter_starts = months[(months % 3 == 0) & (months + 2 <= last)]
    span = max(len(months), 1)
    return [
        Grid(False, [month_text(m) for m in months.tolist()], (months - first) / span),
        Grid(
            True,
            [f"{q // 12:04d}-Q{q % 12 // 3 + 1}" for q in quarter_starts.tolist()],
            (quarter_starts - first) / span,
        ),
    ]


def _write_rows(out: TextIO, codes: list[str], rows: Ints, keys: list[str], cells: Any) -> None:
    """One line per KPI and period: the KPI's code, the period and the row's cells."""
    for i, row in enumerate(rows.tolist()):
        prefix = codes[row] + ","
        out.write("".join(f"{prefix}{key},{c}\n" for key, c in zip(keys, cells[i], strict=True)))


def write_values(path: Path, k: KpiArrays, first: int, last: int, rng: np.random.Generator) -> int:
    """Every value of every KPI from the first to the last month; returns the row count."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("kpi,period,actual\n")
        for grid in grids(first, last):
            rows_k = np.flatnonzero(k.quarterly == grid.quarterly)
            if len(rows_k) == 0 or len(grid.keys) == 0:
                continue
            scale = 3.0 if grid.quarterly else 1.0
            trend = 1 + k.drift[rows_k, None] * grid.t[None, :]
            season = 0.04 * np.sin(2 * np.pi * (np.arange(len(grid.keys)) % 12) / 12)
            noise = rng.normal(0, 0.08, size=(len(rows_k), len(grid.keys)))
            values = np.round(k.level[rows_k, None] * scale * (trend + season + noise), 2)
            _write_rows(out, k.code, rows_k, grid.keys, values.astype(str))
            rows += values.size
    return rows


def write_period_targets(
    path: Path, k: KpiArrays, first: int, last: int, rng: np.random.Generator
) -> int:
    """A target (and mostly a red flag) for every month or quarter of every KPI but ranges.

    The rows have no actual, which the import reads as targets only; a CSV cannot set the
    bands of range KPIs, so those keep their yearly targets from the scorecard file.
    """
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("kpi,period,actual,target,red_flag\n")
        for grid in grids(first, last):
            rows_k = np.flatnonzero((k.quarterly == grid.quarterly) & (k.direction != 2))
            if len(rows_k) == 0 or len(grid.keys) == 0:
                continue
            shape = (len(rows_k), len(grid.keys))
            scale = 3.0 if grid.quarterly else 1.0
            increase = (k.direction[rows_k] == 0)[:, None]
            ambition = np.where(
                increase, rng.uniform(0.97, 1.06, shape), rng.uniform(0.94, 1.03, shape)
            )
            level = k.level[rows_k, None] * scale * (1 + k.drift[rows_k, None] * grid.t[None, :])
            target = np.round(level * ambition, 2)
            gap = target * rng.uniform(0.05, 0.15, shape)
            flag = np.round(np.where(increase, target - gap, target + gap), 2)
            # Percent-of-target KPIs take no red flag; some others use the default one.
            no_flag = k.percent[rows_k][:, None] | (rng.random(shape) < 0.3)
            cells = np.char.add(
                np.char.add(",", target.astype(str)),
                np.where(no_flag, ",", np.char.add(",", flag.astype(str))),
            )
            _write_rows(out, k.code, rows_k, grid.keys, cells)
            rows += target.size
    return rows


def _target_line(
    k: KpiArrays, i: int, years: list[int], first: int, n_months: int, rng: np.random.Generator
) -> str:
    """The yearly targets of one KPI as a flow mapping, scaled to its aggregation."""
    per_year = 4 if k.quarterly[i] else 12
    slot = 3.0 if k.quarterly[i] else 1.0
    agg = AGGREGATIONS[int(k.aggregation[i])]
    factor = {"sum": per_year, "min": 0.92, "max": 1.08}.get(agg, 1.0)
    parts = []
    for year in years:
        t = (year * 12 + 6 - first) / max(n_months, 1)
        level = k.level[i] * slot * (1 + k.drift[i] * t) * factor
        if k.direction[i] == 2:
            low, high = level * 0.96, level * 1.04
            parts.append(f"'{year}': {{low: {low:.2f}, high: {high:.2f}}}")
            continue
        ambition = rng.uniform(0.97, 1.06) if k.direction[i] == 0 else rng.uniform(0.94, 1.03)
        target = round(level * ambition, 2)
        if k.percent[i] or rng.random() < 0.3:
            parts.append(f"'{year}': {{target: {target:.2f}}}")  # default red flag
            continue
        gap = rng.uniform(0.05, 0.15) * target
        flag = target - gap if k.direction[i] == 0 else target + gap
        parts.append(f"'{year}': {{target: {target:.2f}, red_flag: {flag:.2f}}}")
    return "{" + ", ".join(parts) + "}"


def _write_kpi(out: TextIO, k: KpiArrays, i: int, targets: str, pad: str) -> None:
    out.write(f"{pad}- code: {k.code[i]}\n")
    out.write(f"{pad}  name: Measure {k.code[i]}\n")
    out.write(f"{pad}  unit: '{UNITS_OF_MEASURE[i % len(UNITS_OF_MEASURE)]}'\n")
    out.write(f"{pad}  direction: {DIRECTIONS[int(k.direction[i])]}\n")
    out.write(f"{pad}  frequency: {'quarterly' if k.quarterly[i] else 'monthly'}\n")
    out.write(f"{pad}  aggregation: {AGGREGATIONS[int(k.aggregation[i])]}\n")
    if k.percent[i]:
        out.write(f"{pad}  scheme: {PERCENT_SCHEME}\n")
    if k.weight[i] != 1:
        out.write(f"{pad}  weight: {int(k.weight[i])}\n")
    out.write(f"{pad}  targets: {targets}\n")


def generate(
    folder: Path,
    *,
    n_units: int,
    n_kpis: int,
    years: int,
    today: dt.date,
    period_targets: bool = False,
    seed: int = 4,
) -> tuple[Organization, Path, Path]:
    """Write scorecard.yaml and values.csv, and with period_targets targets.csv, in the folder."""
    rng = np.random.default_rng(seed)
    last = last_complete_month(today)
    first = last - 12 * years + 1
    units = unit_tree(n_units)
    counts = spread_kpis(units, n_kpis)
    k = kpi_arrays(units, counts, rng)
    org = Organization(units, month_text(first), month_text(last), kpis_per_unit=counts)
    org.kpis = len(k.code)
    org.quarterly_kpis = int(k.quarterly.sum())
    org.monthly_kpis = org.kpis - org.quarterly_kpis
    target_years = list(range(first // 12, last // 12 + 1))
    n_months = last - first + 1

    # Objectives per unit, each in a perspective: objective j of a unit sits in perspective j % 4.
    n_obj = [max(1, round(c / KPIS_PER_OBJECTIVE)) for c in counts]
    by_perspective: list[list[list[str]]] = [
        [[f"{u.code}.o{j + 1}" for j in range(n_obj[i]) if j % 4 == p] for p in range(4)]
        for i, u in enumerate(units)
    ]
    yaml_path = folder / "scorecard.yaml"
    start = 0
    with yaml_path.open("w", encoding="utf-8") as out:
        out.write("organization: {name: Benchmark Org, fiscal_year_start: 1}\n")
        out.write(SCHEMES_YAML)
        out.write("units:\n")
        for ui, unit in enumerate(units):
            out.write(f"  - code: {unit.code}\n    name: {unit.name}\n")
            if unit.parent is not None:
                out.write(f"    parent: {units[unit.parent].code}\n")
            out.write("    perspectives:\n")
            mine = list(range(start, start + counts[ui]))
            start += counts[ui]
            for p, (p_code, p_name) in enumerate(PERSPECTIVES):
                out.write(f"      - code: {p_code}\n        name: {p_name}\n")
                codes = by_perspective[ui][p]
                if not codes:
                    out.write("        objectives: []\n")
                    continue
                out.write("        objectives:\n")
                for code in codes:
                    j = int(code.rsplit(".o", 1)[1]) - 1
                    org.objectives += 1
                    out.write(f"          - code: {code}\n            name: Objective {code}\n")
                    out.write(f"            owner: owner{j % 40}@bench.example\n")
                    roll = rng.random()
                    if roll < 0.05:
                        out.write("            rollup: worst\n")
                    elif roll < 0.1:
                        out.write("            rollup: share_met\n")
                    # Causes sit one perspective below their effects, as on a strategy map.
                    if p > 0 and by_perspective[ui][p - 1] and rng.random() < 0.6:
                        effect = by_perspective[ui][p - 1][
                            int(rng.integers(len(by_perspective[ui][p - 1])))
                        ]
                        out.write(f"            drives: [{effect}]\n")
                        org.links += 1
                    above = by_perspective[unit.parent][p] if unit.parent is not None else []
                    if above and j < 4:
                        goal = above[int(rng.integers(len(above)))]
                        out.write(
                            f"            aligned_to: {goal}\n            contributes: true\n"
                        )
                        org.aligned += 1
                    kpis = [i for n, i in enumerate(mine) if n % n_obj[ui] == j]
                    if not kpis:
                        continue
                    out.write("            kpis:\n")
                    for i in kpis:
                        line = _target_line(k, i, target_years, first, n_months, rng)
                        _write_kpi(out, k, i, line, " " * 14)
                        org.targets += len(target_years)
    csv_path = folder / "values.csv"
    org.values = write_values(csv_path, k, first, last, rng)
    if period_targets:
        org.period_targets = write_period_targets(folder / "targets.csv", k, first, last, rng)
    return org, yaml_path, csv_path
