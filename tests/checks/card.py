"""A small organization with one KPI or objective for each SMART rule, and good ones beside
them, as on 2026-03-20 (fiscal years are calendar years).

The KPIs start in April 2025: with 11 months of history, no KPI has a forecast ("insufficient
history"), so that `achievable.unlikely` finds only what a test gives it the history for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

TODAY = dt.date(2026, 3, 20)
YEAR_2025 = [f"2025-{m:02d}" for m in range(4, 13)]  # from April on
YEAR_2026 = [f"2026-{m:02d}" for m in range(1, 13)]
DONE = [*YEAR_2025, "2026-01", "2026-02"]  # every month due by TODAY


def flow(entries: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"


def kpi(
    code: str,
    *,
    targets: dict[str, float] | None = None,
    values: dict[str, float] | None = None,
    owner: str = "kim@acme.example",
    unit: str = "EUR",
    description: str = "What it counts, and how.",
    **extra: str,
) -> str:
    """A monthly KPI that sums its months; by default a good one: owned, described, every
    month from April 2025 to 2026 targeted at 110 and every month due reported at 100."""
    targets = dict.fromkeys([*YEAR_2025, *YEAR_2026], 110) if targets is None else targets
    values = dict.fromkeys(DONE, 100) if values is None else values
    fields: dict[str, str] = {
        "name": f"KPI {code}",
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
        **extra,
    }
    if owner:
        fields["owner"] = owner
    if unit:
        fields["unit"] = unit
    if description:
        fields["description"] = description
    if targets:
        fields["targets"] = flow({k: f"{{target: {v}}}" for k, v in targets.items()})
    if values:
        fields["values"] = flow(values)
    lines = [f"              - code: {code}"] + [
        f"                {k}: {v}" for k, v in fields.items()
    ]
    return "\n".join(lines) + "\n"


def months(value: float, keys: list[str]) -> dict[str, float]:
    return dict.fromkeys(keys, value)


CARD = (
    """\
organization: {name: Acme, fiscal_year_start: 1}
units:
  - code: acme
    name: Acme
    owner: boss@acme.example
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: profit
            name: Be profitable
            owner: boss@acme.example
            drives: [happy]
            kpis:
"""
    + kpi("good")
    + kpi("bare", owner="", unit="", description="")
    + kpi(
        "flat",
        targets=months(100, [*YEAR_2025, *YEAR_2026]),
        values=months(150, YEAR_2025) | months(100, ["2026-01", "2026-02"]),
    )
    + kpi("late", values={m: 100 for m in DONE if m != "2026-01"})
    + kpi("silent", values={})
    + kpi("untargeted", targets=months(110, YEAR_2025))
    + kpi("gap", targets={m: 110 for m in [*YEAR_2025, *YEAR_2026] if m != "2026-02"})
    + kpi("idle", owner="", scheme="unscored", targets={}, values={})
    + kpi("gone", owner="", targets={}, values={})
    + kpi("total", values={}, formula="good + late", targets=months(220, YEAR_2026))
    + kpi("milestone", unit="", scheme="yes_no", targets={}, values={"2026-01": 0, "2026-02": 1})
    + """\
          - code: empty
            name: An objective without KPIs
      - code: customer
        name: Customer
        objectives:
          - code: happy
            name: Happy customers
            owner: boss@acme.example
            kpis:
"""
    + kpi("orders", values={}, formula="sum_children(orders)", targets=months(100, YEAR_2026))
    + """\
  - code: north
    name: North
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: north-sell
            name: Sell in the north
            owner: north@acme.example
            aligned_to: happy
            contributes: true
            kpis:
"""
    + kpi("north.orders", targets=months(60, [*YEAR_2025, *YEAR_2026]), values=months(50, DONE))
    + """\
  - code: south
    name: South
    parent: acme
    perspectives:
      - code: customer
        name: Customer
        objectives:
          - code: south-sell
            name: Sell in the south
            owner: south@acme.example
            kpis:
"""
    + kpi("south.orders", targets=months(50, [*YEAR_2025, *YEAR_2026]), values=months(40, DONE))
)


def load_card() -> None:
    from fourfold.files.load import load
    from fourfold.measures.models import KPI

    load(CARD, actor=None, source_name="smart.yaml")
    KPI.objects.filter(code="gone").update(archived=True)


GAP = "KPI gap has no target for 2026-02: add a target for 2026-02 on the Targets page."
