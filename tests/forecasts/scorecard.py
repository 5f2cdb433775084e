"""A small scorecard with KPIs of every shape a forecast meets, as a scorecard file."""

from __future__ import annotations

import math
from typing import Any

from tests.cli.design import card, kpi, objective, perspective

TODAY = "2026-07-10"


def months(first: str, count: int) -> list[str]:
    year, month = int(first[:4]), int(first[5:]) - 1
    return [
        f"{(year * 12 + month + i) // 12}-{(year * 12 + month + i) % 12 + 1:02d}"
        for i in range(count)
    ]


def seasonal(first: str, count: int, base: float = 1000.0) -> dict[str, float]:
    """Monthly values with a trend and a season, the same every run."""
    return {
        m: round(base + 10 * i + 100 * math.sin(2 * math.pi * i / 12) + 7 * ((i * 7) % 5), 2)
        for i, m in enumerate(months(first, count))
    }


def kpis() -> list[Any]:
    history = seasonal("2023-01", 42)  # 2023-01 .. 2026-06
    return [
        # Six months of 2026 reported, a yearly target: a forecast with an interval.
        kpi("sales", history, {"2026": {"target": 13_000}}, aggregation="sum"),
        # Monthly targets only: the year's target is their sum.
        kpi(
            "orders",
            history,
            {m: {"target": 1_100} for m in months("2026-01", 12)},
            aggregation="sum",
        ),
        # Lower is better, averaged.
        kpi(
            "lead-time",
            {m: 20 + (i % 4) for i, m in enumerate(months("2024-07", 24))},
            {"2026": {"target": 30}},
            direction="decrease",
            aggregation="average",
        ),
        # Five values: too little history.
        kpi("new-kpi", dict.fromkeys(months("2026-02", 5), 5.0), {"2026": {"target": 40}}),
        # Every month of 2025 reported.
        kpi("done", seasonal("2024-01", 24), {"2025": {"target": 12_000}}),
        # Constant, with a gap, and negative.
        kpi("flat", {m: 3.0 for m in months("2024-01", 30) if m != "2025-05"}, {}),
        kpi("loss", {m: -50.0 - i for i, m in enumerate(months("2024-01", 30))}, {}),
        # Quarterly, with a band.
        kpi(
            "stock-days",
            {f"{y}-Q{q}": 25 + q for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)},
            {"2026": {"low": 20, "high": 35}},
            frequency="quarterly",
            aggregation="last",
            direction="range",
        ),
    ]


def document() -> str:
    units = [
        {
            "code": "acme",
            "name": "Acme",
            "perspectives": [perspective("financial", [objective("grow", kpis())])],
        },
        {
            "code": "sales-dept",
            "name": "Sales",
            "parent": "acme",
            "perspectives": [
                perspective(
                    "financial",
                    [objective("sell", [kpi("deals", seasonal("2024-01", 30), {})])],
                )
            ],
        },
    ]
    return card(units)
