"""Small scorecard files for the page tests, written the way a user writes them."""

from __future__ import annotations

from fourfold.files.load import load

HEADER = """\
organization: {name: Acme Test, fiscal_year_start: 1}
schemes:
  gov:
    type: percent_of_target
    bands: [{status: Met, min: 100, color: green},
            {status: Slightly below, min: 95, color: orange},
            {status: Not met, color: red}]
units:
"""


def kpi(code: str, **extra: str) -> str:
    fields = {
        "name": f"KPI {code}",
        "unit": "EUR",
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
        "scheme": "default",
        "targets": "{2026-01: {target: 700, red_flag: 500}, 2026-02: {target: 700, red_flag: 500}}",
        "values": "{2026-01: 1234567.891, 2026-02: 600}",
        **extra,
    }
    lines = [f"              - code: {code}"]
    lines += [f"                {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def unit(
    code: str, name: str, parent: str | None, perspectives: int, objectives: int, kpis: int
) -> str:
    """A unit whose scorecard has the given numbers of perspectives, objectives and KPIs."""
    text = f"  - code: {code}\n    name: {name}\n"
    if parent:
        text += f"    parent: {parent}\n"
    text += "    perspectives:\n"
    for p in range(perspectives):
        text += f"      - code: p{p}\n        name: Perspective {p}\n        objectives:\n"
        for o in range(objectives):
            text += f"          - code: {code}-o{p}{o}\n            name: Objective {p}.{o}\n"
            text += "            kpis:\n"
            for k in range(kpis):
                text += kpi(f"{code}-k{p}{o}{k}")
    return text


SMALL = (
    HEADER
    + """\
  - code: acme
    name: Acme Corp
    perspectives:
      - code: financial
        name: Financial
        objectives:
          - code: grow
            name: Grow revenue
            kpis:
"""
    + kpi("revenue", name="Revenue")
    + kpi(
        "stock-days",
        name="Days of stock",
        unit="days",
        direction="range",
        aggregation="last",
        targets="{2026-01: {low: 20, high: 30}}",
        values="{2026-01: 25}",
    )
    + kpi(
        "complaints",
        name="Complaints",
        unit="count",
        direction="decrease",
        scheme="gov",
        targets="{2026-01: {target: 100}}",
        values="{2026-01: 103}",
    )
    + kpi("missing", name="Not reported yet", values="{}")
    + """\
  - code: sales
    name: Sales department
    parent: acme
    perspectives: []
"""
)


def load_small() -> None:
    load(SMALL, actor=None, source_name="small.yaml")


def load_sized(perspectives: int, objectives: int, kpis: int, children: int) -> None:
    """A top unit of the given size and as many child units, each as large."""
    text = HEADER + unit("top", "Top", None, perspectives, objectives, kpis)
    for c in range(children):
        text += unit(f"child{c}", f"Child {c}", "top", perspectives, objectives, kpis)
    load(text, actor=None, source_name="sized.yaml")
