"""Generate the Northwind Components demo scorecard, ``fourfold/demo/northwind.yaml``.

Run ``python -m fourfold.demo.generate``. The output is deterministic (fixed seed): values
from 2024-01 to 2026-10 (quarters to 2026-Q3, years to 2025), targets to the end of 2026.
The document is checked against the loader's rules before it is written.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

SEED = 20261124
OUTPUT = Path(__file__).with_name("northwind.yaml")
FIRST_YEAR = 2024
VALUE_END = {"monthly": "2026-10", "quarterly": "2026-Q3", "yearly": "2025"}
TARGET_END = {"monthly": "2026-12", "quarterly": "2026-Q4", "yearly": "2026"}
RANDOM_GAPS = 7  # past values left out at random, as in any real data set
WIDTH = 100
VALUES_WIDTH = 112  # a half-year of percentages per line

# The cast: one address per person, reused across the scorecards.
CEO = "helena.brandt@northwind.example"  # Chief Executive Officer
CFO = "marcus.feld@northwind.example"  # CFO, head of Corporate Services
COO = "sofia.lindqvist@northwind.example"  # COO, head of the Manufacturing division
CCO = "daniel.okafor@northwind.example"  # Chief Commercial Officer
CHRO = "priya.raman@northwind.example"  # Head of People & Culture
CTO = "miriam.adler@northwind.example"  # Head of Engineering
CIO = "kenji.sato@northwind.example"  # Head of IT & Data, feeds most system figures
MACHINING = "tomas.reyes@northwind.example"
ASSEMBLY = "anna.kowalski@northwind.example"
QUALITY = "jonas.berg@northwind.example"
SALES = "lea.martin@northwind.example"
SERVICE = "ravi.menon@northwind.example"
CONTROLLER = "elena.rossi@northwind.example"  # Financial controller, head of Finance

PERSPECTIVES = {
    "financial": "Financial",
    "customer": "Customer",
    "internal": "Internal Process",
    "learning": "Learning & Growth",
}

SCHEMES: dict[str, Any] = {
    "gov": {  # "service levels"
        "type": "percent_of_target",
        "bands": [
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Slightly below", "min": 95, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
    "four-level": {
        "type": "percent_of_target",
        "bands": [
            {"status": "Exceeded", "min": 105, "color": "blue"},
            {"status": "Met", "min": 100, "color": "green"},
            {"status": "Nearly met", "min": 95, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
    "met-share": {  # for share_met roll-ups: percent of children at their best status
        "type": "percent_of_target",
        "bands": [
            {"status": "All met", "min": 100, "color": "green"},
            {"status": "Mostly met", "min": 75, "color": "amber"},
            {"status": "Not met", "color": "red"},
        ],
    },
}


def _norm(factors: tuple[float, ...]) -> tuple[float, ...]:
    mean = sum(factors) / len(factors)
    return tuple(f / mean for f in factors)


# Seasonal profiles, one factor per month (or quarter), mean 1.
SHIPMENTS = _norm((0.93, 0.98, 1.08, 1.02, 1.04, 1.06, 0.98, 0.72, 1.05, 1.08, 1.06, 0.90))
MARGIN = _norm((0.97, 0.99, 1.04, 1.0, 1.01, 1.03, 0.99, 0.88, 1.03, 1.05, 1.04, 0.94))
OVERHEAD = _norm((1.02, 1.01, 0.97, 0.99, 0.98, 0.97, 1.01, 1.12, 0.97, 0.96, 0.97, 1.04))
UNIT_COST = _norm((1.0, 1.0, 0.99, 1.0, 1.0, 0.99, 1.01, 1.08, 1.0, 0.99, 0.99, 1.04))
HEATING = _norm((1.12, 1.10, 1.04, 0.98, 0.94, 0.92, 0.90, 0.88, 0.94, 1.00, 1.06, 1.12))
FLU = _norm((1.22, 1.18, 1.05, 0.95, 0.88, 0.85, 0.85, 0.80, 0.92, 1.02, 1.12, 1.20))
TRAINING = _norm((1.0, 1.1, 1.2, 1.1, 1.0, 0.9, 0.7, 0.4, 1.1, 1.2, 1.3, 1.0))
DELIVERY = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.995, 0.985, 1.0, 1.0, 1.0, 0.99)
YEAR_END = (1.0,) * 11 + (1.4,)  # closing December takes longer
CASH = _norm((0.6, 1.0, 1.1, 1.3))  # quarterly: inventory build in Q1, collections in Q4

Level = tuple[tuple[float, float], ...]  # (years since 2024-01-01, underlying level)


@dataclass(kw_only=True)
class Kpi:
    """A KPI's definition plus the recipe for its targets and its invented history."""

    code: str
    name: str
    description: str
    unit: str
    owner: str
    contributor: str
    direction: str
    frequency: str = "monthly"
    aggregation: str = "average"
    scheme: str = "default"
    weight: int = 1
    type: str = "lag"
    grace_days: int | None = None
    tolerance: float | None = None
    goal: dict[int, float] | tuple[float, ...] | None = None  # by year, or per target period
    goal_season: bool = False  # targets follow the seasonal profile
    formula: str | None = None  # a calculated KPI: no values of its own
    band: dict[int, tuple[float, float]] | None = None  # range KPIs, by year
    red: float | None = None  # red flag as a distance from the target
    red_rel: float | None = None  # ... or as a fraction of the target
    stretch_rel: float | None = None
    baseline: float | None = None
    tdec: int | None = None  # decimals of targets (negative: round to thousands, ...)
    level: Level = ()
    season: tuple[float, ...] | None = None
    noise: float = 0.0
    noise_rel: float = 0.0
    dec: int = 1
    lo: float | None = None
    hi: float | None = None
    monotone: bool = False
    start: str | None = None
    manual: dict[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    notes: dict[str, tuple[float, str]] = field(default_factory=dict)  # factor, comment

    @property
    def scored(self) -> bool:
        return self.scheme not in ("yes_no", "unscored")


@dataclass(kw_only=True)
class Objective:
    code: str
    name: str
    description: str
    owner: str
    perspective: str
    kpis: list[Kpi]
    drives: tuple[str, ...] = ()
    aligned_to: str | None = None
    contributes: bool = True
    weight: int = 1
    rollup: str | None = None
    scheme: str | None = None


@dataclass(kw_only=True)
class Unit:
    code: str
    name: str
    owner: str
    parent: str | None
    objectives: list[Objective]


# The organization, written as data tables: hand-aligned, so the formatter leaves them be.
# fmt: off
def company() -> Unit:
    fin, cus, inn, lrn = "financial", "customer", "internal", "learning"
    objectives = [
        Objective(
            code="grow-revenue", name="Grow revenue profitably", perspective=fin, owner=CEO,
            weight=2, drives=("strengthen-cash",),
            description="Grow sales faster than the market in industrial and e-mobility drives.",
            kpis=[Kpi(
                code="revenue", name="Revenue", unit="EUR", owner=CFO, contributor=CONTROLLER,
                direction="increase", aggregation="sum", weight=2,
                description="Net invoiced sales, all plants, after rebates.",
                goal={2024: 132.0e6 / 12, 2025: 141.5e6 / 12, 2026: 152.0e6 / 12},
                goal_season=True, red_rel=0.07, stretch_rel=0.05, tdec=-3,
                level=((0, 11.05e6), (1, 11.55e6), (2, 12.0e6), (2.5, 12.05e6), (2.8, 12.3e6)),
                season=SHIPMENTS, noise_rel=0.03, dec=0,
                notes={
                    "2024-08": (1.0, "Planned summer shutdown, weeks 32 to 34."),
                    "2026-06": (0.94, "Two e-mobility programmes pushed to Q4 by the customer "
                                      "(start of production delayed); about EUR 0.7 M moved."),
                })],
        ),
        Objective(
            code="improve-margin", name="Improve operating margin", perspective=fin, owner=CFO,
            weight=2, drives=("strengthen-cash",),
            description="Protect the margin against input costs through price and productivity.",
            kpis=[
                Kpi(code="ebit-margin", name="EBIT margin", unit="%", owner=CFO,
                    contributor=CONTROLLER, direction="increase", weight=2,
                    description="Operating result as a share of revenue, management accounts.",
                    goal={2024: 8.0, 2025: 8.5, 2026: 9.0}, red=1.5,
                    level=((0, 8.1), (1, 8.7), (1.9, 9.2), (2.3, 8.0), (2.8, 7.7)),
                    season=MARGIN, noise=0.35,
                    notes={"2026-04": (1.0, "Steel surcharges up 9 % since January; our price "
                                            "increase only takes effect in July.")}),
                Kpi(code="revenue-per-employee", name="Revenue per employee", unit="EUR k",
                    owner=CFO, contributor=CONTROLLER, direction="increase", aggregation="sum",
                    description="Revenue over month-end headcount, in thousands of euros: "
                    "calculated, never entered; a quarter or year divides its revenue by "
                    "the headcount at its end.",
                    formula="revenue / hr-headcount / 1000",
                    goal={2024: 13.4, 2025: 13.9, 2026: 14.4}, goal_season=True,
                    season=SHIPMENTS, red_rel=0.07, tdec=1),
                Kpi(code="steel-price-index", name="Steel price index", unit="index",
                    owner=COO, contributor=CONTROLLER, direction="increase", scheme="unscored",
                    type="lead", description="Purchase price index of flat and bar steel, "
                    "2021 = 100. Shown for context, not scored.",
                    level=((0, 132), (0.5, 126), (1, 121), (1.5, 124), (2, 129), (2.4, 141),
                           (2.8, 144)), noise=1.2),
            ],
        ),
        Objective(
            code="strengthen-cash", name="Strengthen cash generation", perspective=fin,
            owner=CFO, description="Turn profit into cash to fund the e-mobility investments.",
            kpis=[Kpi(
                code="free-cash-flow", name="Free cash flow", unit="EUR", owner=CFO,
                contributor=CONTROLLER, direction="increase", frequency="quarterly",
                aggregation="sum", grace_days=30,
                description="Operating cash flow less capital expenditure.",
                goal={2024: 3.0e6, 2025: 3.4e6, 2026: 3.9e6}, goal_season=True, red_rel=0.35,
                tdec=-4, level=((0, 3.1e6), (1, 3.6e6), (2, 3.85e6), (2.7, 3.95e6)),
                season=CASH, noise_rel=0.12, dec=0)],
        ),
        Objective(
            code="delight-customers", name="Delight our customers", perspective=cus, owner=CCO,
            drives=("grow-revenue",),
            description="Be the supplier customers recommend and keep buying from.",
            kpis=[Kpi(
                code="nps", name="Net Promoter Score", unit="score", owner=CCO,
                contributor=SERVICE, direction="increase", frequency="quarterly",
                description="Quarterly survey of buyers and engineers at active customers.",
                goal={2024: 35, 2025: 38, 2026: 40}, red=8, stretch_rel=0.15, baseline=31,
                tdec=0, level=((0, 33), (1, 38.5), (2, 41), (2.6, 39.5)), noise=2.0, dec=0,
                missing=("2026-Q3",))],
        ),
        Objective(
            code="deliver-reliably", name="Deliver on time, in full", perspective=cus,
            owner=COO, drives=("delight-customers",),
            description="Ship every order complete on the date confirmed to the customer.",
            kpis=[Kpi(
                code="otif", name="On-time in-full deliveries", unit="%", owner=COO,
                contributor=CIO, direction="increase", scheme="gov", weight=2,
                description="Order lines shipped complete on the confirmed date, from the ERP.",
                goal={2024: 95.0, 2025: 95.5, 2026: 96.0},
                level=((0, 94.3), (1, 95.7), (2, 96.3), (2.35, 95.2), (2.55, 94.0), (2.8, 96.4)),
                season=DELIVERY, noise=0.6, hi=99.8,
                notes={"2026-07": (0.985, "Bearing supplier on allocation: 14 orders shipped "
                                          "partial; a second source was qualified in August.")})],
        ),
        Objective(
            code="win-emobility", name="Win in e-mobility", perspective=cus, owner=CCO,
            drives=("grow-revenue",),
            description="Become a preferred supplier of drive components for electric vehicles.",
            kpis=[Kpi(
                code="emobility-share", name="E-mobility share of revenue", unit="%",
                owner=CCO, contributor=CONTROLLER, direction="increase", frequency="quarterly",
                scheme="four-level", description="Revenue from e-mobility customers and parts.",
                goal={2024: 12.0, 2025: 16.0, 2026: 20.0}, baseline=9.0,
                level=((0, 10.5), (1, 15.3), (2, 19.9), (2.7, 22.6)), noise=0.5)],
        ),
        Objective(
            code="lean-operations", name="Run lean, efficient operations", perspective=inn,
            owner=COO, drives=("deliver-reliably", "improve-margin"),
            description="Make more good parts with the same machines and people.",
            kpis=[Kpi(
                code="oee", name="Overall equipment effectiveness", unit="%", owner=COO,
                contributor=CIO, direction="increase",
                description="Availability x performance x quality, bottleneck lines.",
                goal={2024: 72.0, 2025: 74.0, 2026: 76.0}, red=5, stretch_rel=0.04,
                level=((0, 70.6), (1, 73.8), (2, 75.8), (2.8, 77.2)), noise=1.0)],
        ),
        Objective(
            code="right-first-time", name="Right first time quality", perspective=inn,
            owner=QUALITY, drives=("delight-customers", "improve-margin"),
            description="Prevent defects instead of finding them at the customer.",
            kpis=[Kpi(
                code="ppm", name="Customer defect rate", unit="ppm", owner=QUALITY,
                contributor=SERVICE, direction="decrease",
                description="Parts rejected by customers per million parts shipped.",
                goal={2024: 50, 2025: 40, 2026: 30}, red=25, tdec=0,
                level=((0, 58), (1, 44), (2, 35), (2.8, 31)), noise_rel=0.12, dec=0)],
        ),
        Objective(
            code="accelerate-innovation", name="Accelerate new product introduction",
            perspective=inn, owner=CTO, drives=("win-emobility",),
            description="Bring new products to market faster, e-mobility first.",
            kpis=[Kpi(
                code="vitality-index", name="Vitality index", unit="%", owner=CTO,
                contributor=CONTROLLER, direction="increase", frequency="yearly",
                aggregation="last", grace_days=45,
                description="Share of revenue from products launched in the last three years.",
                goal={2024: 18.0, 2025: 20.0, 2026: 22.0}, baseline=16.5,
                manual={"2024": 17.2, "2025": 20.6})],
        ),
        Objective(
            code="safe-sustainable", name="Operate safely and sustainably", perspective=inn,
            owner=COO, rollup="share_met", scheme="met-share", drives=("lean-operations",),
            description="Nobody gets hurt, and every kWh counts.",
            kpis=[
                Kpi(code="ltifr", name="Lost-time injury frequency rate",
                    unit="per million hours", owner=COO, contributor=CHRO,
                    direction="decrease", aggregation="last",
                    description="Lost-time injuries per million hours worked, rolling 12 months.",
                    goal={2024: 3.0, 2025: 2.5, 2026: 2.0}, red=1.5,
                    level=((0, 3.6), (0.5, 3.3), (1, 2.9), (1.5, 2.5), (2, 2.1), (2.8, 1.75)),
                    noise=0.07, lo=0.0,
                    notes={"2025-03": (1.12, "Hand injury at an assembly press, 6 days lost; "
                                             "two-hand controls retrofitted on all presses.")}),
                Kpi(code="iso-50001", name="ISO 50001 certification achieved", unit="yes/no",
                    owner=COO, contributor=QUALITY, direction="increase",
                    frequency="quarterly", aggregation="last", scheme="yes_no",
                    description="Energy management system certified (milestone of the 2025 "
                    "energy programme).", start="2025-Q1", dec=0,
                    manual={"2025-Q1": 0, "2025-Q2": 0, "2025-Q3": 1, "2025-Q4": 1,
                            "2026-Q1": 1, "2026-Q2": 1, "2026-Q3": 1},
                    notes={"2025-Q2": (1.0, "Stage 1 audit passed with two minor findings on "
                                            "sub-metering."),
                           "2025-Q3": (1.0, "Certificate issued after the stage 2 audit on "
                                            "18 September 2025.")}),
            ],
        ),
        Objective(
            code="build-skills", name="Build critical skills", perspective=lrn, owner=CHRO,
            drives=("lean-operations", "right-first-time", "accelerate-innovation"),
            description="Multi-skilled operators, programmers and engineers for the new products.",
            kpis=[Kpi(
                code="training-hours", name="Training hours per employee", unit="hours",
                owner=CHRO, contributor=CIO, direction="increase", aggregation="sum",
                type="lead", description="Hours of recorded training divided by headcount.",
                goal={2024: 2.0, 2025: 2.2, 2026: 2.5}, goal_season=True,
                level=((0, 1.9), (1, 2.3), (2, 2.55), (2.8, 2.6)), season=TRAINING,
                noise_rel=0.1,
                notes={"2026-10": (1.45, "Includes the shop-floor courses moved from "
                                         "September, when MC-07 was down.")})],
        ),
        Objective(
            code="engaged-people", name="Engaged, committed people", perspective=lrn,
            owner=CHRO, drives=("lean-operations", "safe-sustainable"),
            description="A workplace people choose to stay in and recommend.",
            kpis=[Kpi(
                code="engagement", name="Employee engagement index", unit="score", owner=CEO,
                contributor=CHRO, direction="increase", frequency="yearly", aggregation="last",
                type="lead", grace_days=60,
                description="Annual employee survey, engagement index out of 100.",
                goal={2024: 70.0, 2025: 72.0, 2026: 74.0}, red=6, baseline=66.0,
                manual={"2024": 68.0, "2025": 72.4})],
        ),
        Objective(
            code="digital-shopfloor", name="Digitalise the shop floor", perspective=lrn,
            owner=CIO, drives=("lean-operations", "right-first-time"),
            description="Connect every machine to the MES and run on live data.",
            kpis=[Kpi(
                code="machines-connected", name="Machines connected to the MES", unit="%",
                owner=CIO, contributor=MACHINING, direction="increase", frequency="quarterly",
                aggregation="max", type="lead",
                description="Share of production machines sending live data to the MES.",
                goal=(20, 25, 30, 35, 45, 52, 58, 65, 70, 75, 80, 85), baseline=12.0,
                level=((0, 18), (1, 40), (2, 67), (2.6, 79)), noise=1.0, monotone=True,
                hi=100.0)],
        ),
    ]
    return Unit(code="northwind", name="Northwind Components", owner=CEO, parent=None,
                objectives=objectives)


def manufacturing() -> list[Unit]:
    division = Unit(code="manufacturing", name="Manufacturing Division", owner=COO,
                    parent="northwind", objectives=[
        Objective(
            code="mfg-cut-conversion-cost", name="Lower conversion cost", perspective="financial",
            owner=COO, aligned_to="improve-margin",
            description="Cost per standard hour down through productivity and energy.",
            kpis=[Kpi(
                code="mfg-conversion-cost", name="Conversion cost per standard hour",
                unit="EUR", owner=COO, contributor=CONTROLLER, direction="decrease",
                description="Labour, energy and overhead of the plants per standard hour.",
                goal={2024: 48.0, 2025: 47.0, 2026: 46.5}, red=2.5,
                level=((0, 48.6), (1, 46.9), (2, 46.5), (2.35, 47.6), (2.8, 48.1)),
                season=UNIT_COST, noise=0.45, dec=2)],
        ),
        Objective(
            code="mfg-schedule", name="Keep the production schedule", perspective="customer",
            owner=COO, aligned_to="deliver-reliably",
            description="Finish every production order in the week it was planned.",
            kpis=[Kpi(
                code="mfg-schedule-adherence", name="Schedule adherence", unit="%", owner=COO,
                contributor=CIO, direction="increase", scheme="gov",
                description="Production orders completed in their planned week.",
                goal={2024: 92.0, 2025: 93.0, 2026: 94.0},
                level=((0, 91.4), (1, 93.4), (2, 94.5), (2.35, 93.6), (2.8, 93.0)),
                noise=0.8, hi=99.5)],
        ),
        Objective(
            code="mfg-zero-defects", name="Zero defects", perspective="internal",
            owner=COO, aligned_to="right-first-time", drives=("mfg-cut-conversion-cost",),
            description="Stop defects at the station where they arise.",
            kpis=[Kpi(
                code="mfg-scrap-rate", name="Scrap rate", unit="%", owner=COO,
                contributor=QUALITY, direction="decrease",
                description="Scrapped material value as a share of material consumed.",
                goal={2024: 2.5, 2025: 2.2, 2026: 2.0},
                level=((0, 2.7), (1, 2.25), (2, 1.95), (2.8, 1.85)), noise=0.1, dec=2)],
        ),
        Objective(
            code="mfg-lean-flow", name="Shorten lead time", perspective="internal", owner=COO,
            aligned_to="lean-operations", drives=("mfg-schedule", "mfg-cut-conversion-cost"),
            description="Flow instead of queues: less work in progress, shorter lead time.",
            kpis=[Kpi(
                code="mfg-lead-time", name="Manufacturing lead time", unit="days", owner=COO,
                contributor=CIO, direction="decrease",
                description="Calendar days from order release to goods receipt in the store.",
                goal={2024: 12.0, 2025: 11.0, 2026: 10.0}, red=3,
                level=((0, 12.8), (1, 11.2), (2, 9.9), (2.8, 9.6)), noise=0.4)],
        ),
        Objective(
            code="mfg-safe-green", name="Safe and energy-efficient plants",
            perspective="internal", owner=COO, aligned_to="safe-sustainable", rollup="worst",
            drives=("mfg-lean-flow",),
            description="Report every near miss; use less energy per hour produced.",
            kpis=[
                Kpi(code="mfg-near-misses", name="Near misses reported", unit="count",
                    owner=COO, contributor=CHRO, direction="increase", aggregation="sum",
                    type="lead", description="Near-miss reports filed on the shop floor.",
                    goal={2024: 40, 2025: 45, 2026: 50}, goal_season=True, tdec=0,
                    level=((0, 36), (1, 47), (2, 52), (2.8, 55)), season=SHIPMENTS,
                    noise_rel=0.1, dec=0),
                Kpi(code="mfg-energy-intensity", name="Energy intensity",
                    unit="kWh per standard hour", owner=COO, contributor=MACHINING,
                    direction="decrease",
                    description="Electricity and gas of the plants per standard hour produced.",
                    goal={2024: 14.0, 2025: 13.5, 2026: 13.0}, goal_season=True, red_rel=0.08,
                    level=((0, 14.3), (1, 13.6), (2, 12.9), (2.8, 12.7)), season=HEATING,
                    noise_rel=0.025, missing=("2026-10",)),
            ],
        ),
    ])
    machining = Unit(code="machining", name="Machining", owner=MACHINING,
                     parent="manufacturing", objectives=[
        Objective(
            code="mach-availability", name="Raise machine effectiveness",
            perspective="internal", owner=MACHINING, aligned_to="mfg-lean-flow",
            description="More good parts per machine hour on the CNC centres.",
            kpis=[Kpi(
                code="mach-oee", name="OEE machining", unit="%", owner=MACHINING,
                contributor=CIO, direction="increase",
                description="Overall equipment effectiveness of the CNC machining centres.",
                goal={2024: 70.0, 2025: 72.0, 2026: 74.0}, red=5,
                level=((0, 69.0), (1, 72.5), (2, 73.2), (2.35, 70.8), (2.8, 69.6)),
                noise=1.2)],
        ),
        Objective(
            code="mach-reliable-equipment", name="Reliable equipment", perspective="internal",
            owner=MACHINING, aligned_to="mfg-schedule", drives=("mach-availability",),
            description="Preventive maintenance that keeps machines out of breakdown.",
            kpis=[Kpi(
                code="mach-downtime", name="Unplanned downtime", unit="hours",
                owner=MACHINING, contributor=CIO, direction="decrease", aggregation="sum",
                description="Machine hours lost to breakdowns, all machining centres.",
                goal={2024: 45, 2025: 40, 2026: 35}, red_rel=0.5, tdec=0,
                level=((0, 48), (1, 39), (2, 36), (2.35, 50), (2.8, 57)), noise_rel=0.14,
                dec=0,
                notes={"2026-05": (1.7, "Spindle bearing failure on machining centre MC-07: "
                                        "four days down waiting for parts."),
                       "2026-09": (1.4, "MC-07 spindle failed again; a replacement machine is "
                                        "in the 2027 capex request.")})],
        ),
    ])
    assembly = Unit(code="assembly", name="Assembly & Test", owner=ASSEMBLY,
                    parent="manufacturing", objectives=[
        Objective(
            code="asm-right-first-time", name="Assemble right first time",
            perspective="internal", owner=ASSEMBLY, aligned_to="mfg-zero-defects",
            drives=("asm-flow",),
            description="Every unit passes the end-of-line test at the first attempt.",
            kpis=[Kpi(
                code="asm-first-pass-yield", name="First-pass yield", unit="%",
                owner=ASSEMBLY, contributor=QUALITY, direction="increase",
                scheme="four-level",
                description="Units passing the end-of-line test without rework.",
                goal={2024: 97.5, 2025: 98.0, 2026: 98.5},
                level=((0, 97.1), (1, 98.1), (2, 98.6), (2.8, 98.7)), noise=0.3, hi=99.9)],
        ),
        Objective(
            code="asm-flow", name="Smooth flow through assembly", perspective="internal",
            owner=ASSEMBLY, aligned_to="mfg-lean-flow",
            description="Enough work in progress to keep the lines busy, never more.",
            kpis=[Kpi(
                code="asm-wip-days", name="Work in progress", unit="days", owner=ASSEMBLY,
                contributor=CIO, direction="range", tolerance=1.0,
                description="Work in progress in front of the assembly lines, in days of "
                "demand. Too little starves the lines, too much hides problems.",
                band={2024: (2.0, 3.5), 2025: (2.0, 3.2), 2026: (1.8, 3.0)},
                level=((0, 3.5), (1, 3.0), (2, 2.6), (2.8, 2.8)), noise=0.3, lo=0.5)],
        ),
    ])
    quality = Unit(code="quality", name="Quality Assurance", owner=QUALITY,
                   parent="manufacturing", objectives=[
        Objective(
            code="qa-reduce-copq", name="Cut the cost of poor quality",
            perspective="financial", owner=QUALITY, aligned_to="mfg-cut-conversion-cost",
            description="Less scrap, rework, sorting and warranty.",
            kpis=[Kpi(
                code="qa-copq", name="Cost of poor quality", unit="EUR", owner=QUALITY,
                contributor=CONTROLLER, direction="decrease", aggregation="sum",
                description="Scrap, rework, sorting, warranty and goodwill costs.",
                goal={2024: 180000, 2025: 165000, 2026: 150000}, red_rel=0.25, tdec=-3,
                level=((0, 188e3), (1, 167e3), (2, 149e3), (2.35, 158e3), (2.8, 146e3)),
                noise_rel=0.1, dec=0)],
        ),
        Objective(
            code="qa-fast-8d", name="Solve customer complaints fast", perspective="customer",
            owner=QUALITY, aligned_to="mfg-zero-defects", drives=("qa-reduce-copq",),
            description="Contain within a day, close the 8D report within the month.",
            kpis=[Kpi(
                code="qa-complaint-closure", name="8D closure time", unit="days",
                owner=QUALITY, contributor=SERVICE, direction="decrease", scheme="gov",
                description="Average days from complaint to closed 8D report.",
                goal={2024: 30.0, 2025: 28.0, 2026: 25.0},
                level=((0, 33), (1, 28.3), (2, 24.8), (2.8, 23.5)), noise=0.9)],
        ),
    ])
    return [division, machining, assembly, quality]


def commercial() -> list[Unit]:
    division = Unit(code="commercial", name="Commercial Division", owner=CCO,
                    parent="northwind", objectives=[
        Objective(
            code="com-grow-sales", name="Build a healthy pipeline", perspective="financial",
            owner=CCO, aligned_to="grow-revenue",
            description="Enough qualified opportunities to make next year's budget.",
            kpis=[Kpi(
                code="com-pipeline-coverage", name="Pipeline coverage", unit="ratio",
                owner=CCO, contributor=SALES, direction="range", aggregation="last",
                type="lead",
                description="Weighted pipeline divided by the next twelve months' sales gap.",
                band={2024: (2.5, 4.0), 2025: (2.5, 4.0), 2026: (2.8, 4.0)},
                level=((0, 2.8), (1, 3.3), (2, 3.1), (2.4, 2.6), (2.8, 2.3)), noise=0.18,
                notes={"2026-10": (1.0, "Two large e-mobility RFQs lost on price; pipeline "
                                        "rebuild plan due in the Q4 review.")})],
        ),
        Objective(
            code="com-keep-key-accounts", name="Keep our key accounts", perspective="customer",
            owner=CCO, aligned_to="delight-customers", drives=("com-grow-sales",),
            description="Grow with the thirty accounts that make up 70 % of revenue.",
            kpis=[Kpi(
                code="com-key-account-retention", name="Key account retention", unit="%",
                owner=CCO, contributor=CONTROLLER, direction="increase", frequency="yearly",
                aggregation="last", grace_days=30,
                description="Key accounts of last year still buying this year.",
                goal={2024: 94.0, 2025: 95.0, 2026: 95.5}, red=3,
                manual={"2024": 95.1, "2025": 93.8},
                notes={"2025": (1.0, "Lost Ferrobau Hydraulik after its takeover; the new "
                                     "owner consolidated its supplier base.")})],
        ),
        Objective(
            code="com-win-emobility", name="Win e-mobility accounts", perspective="customer",
            owner=CCO, aligned_to="win-emobility", drives=("com-grow-sales",),
            description="Open doors at e-axle and battery-system makers.",
            kpis=[Kpi(
                code="com-new-accounts", name="New accounts won", unit="count", owner=CCO,
                contributor=SALES, direction="increase", frequency="quarterly",
                aggregation="sum", scheme="four-level",
                description="Customers placing their first serial order.",
                goal={2024: 6, 2025: 7, 2026: 8}, tdec=0,
                level=((0, 5.2), (1, 7.4), (2, 8.6), (2.6, 7.2)), noise_rel=0.18, dec=0,
                lo=0.0)],
        ),
    ])
    sales = Unit(code="sales", name="Sales", owner=SALES, parent="commercial", objectives=[
        Objective(
            code="sales-fast-quotes", name="Quote faster than competitors",
            perspective="internal", owner=SALES, aligned_to="com-grow-sales",
            drives=("sales-win-more",),
            description="A priced, engineered quote within days, not weeks.",
            kpis=[Kpi(
                code="sales-quote-turnaround", name="Quote turnaround time", unit="days",
                owner=SALES, contributor=CIO, direction="decrease", scheme="gov",
                type="lead", description="Working days from RFQ received to quote sent.",
                goal={2024: 5.0, 2025: 4.5, 2026: 4.0},
                level=((0, 5.4), (1, 4.4), (2, 3.85), (2.8, 3.8)), noise=0.15)],
        ),
        Objective(
            code="sales-win-more", name="Win more of what we quote", perspective="customer",
            owner=SALES, aligned_to="com-win-emobility",
            description="Qualify early, quote what we can win.",
            kpis=[Kpi(
                code="sales-win-rate", name="Quote win rate", unit="%", owner=SALES,
                contributor=CONTROLLER, direction="increase", frequency="quarterly",
                type="lead", description="Quotes won as a share of quotes decided.",
                goal={2024: 28.0, 2025: 30.0, 2026: 32.0}, red=5,
                level=((0, 27), (1, 30.5), (2, 31.5), (2.6, 29.0)), noise=1.3)],
        ),
    ])
    service = Unit(code="customer-service", name="Customer Service", owner=SERVICE,
                   parent="commercial", objectives=[
        Objective(
            code="svc-fast-response", name="Answer fast", perspective="internal",
            owner=SERVICE, aligned_to="com-keep-key-accounts", contributes=False,
            drives=("svc-happy-customers",),
            description="A named person answers every request the same working day.",
            kpis=[Kpi(
                code="svc-first-response", name="First response time", unit="hours",
                owner=SERVICE, contributor=CIO, direction="decrease", scheme="gov",
                type="lead", description="Business hours from ticket opened to first answer.",
                goal={2024: 8.0, 2025: 6.0, 2026: 4.0},
                level=((0, 8.4), (1, 5.8), (2, 4.05), (2.8, 3.8)), noise_rel=0.07)],
        ),
        Objective(
            code="svc-happy-customers", name="Satisfied service customers",
            perspective="customer", owner=SERVICE, aligned_to="com-keep-key-accounts",
            description="Customers rate each closed ticket.",
            kpis=[Kpi(
                code="svc-csat", name="Service satisfaction (CSAT)", unit="%", owner=SERVICE,
                contributor=CIO, direction="increase",
                description="Share of ticket ratings of 4 or 5 stars.",
                goal={2024: 85.0, 2025: 86.0, 2026: 88.0},
                level=((0, 84.6), (1, 86.9), (2, 88.5), (2.8, 89.3)), noise=0.7, hi=100.0,
                missing=("2026-10",))],
        ),
    ])
    return [division, sales, service]


def corporate() -> list[Unit]:
    division = Unit(code="corporate-services", name="Corporate Services", owner=CFO,
                    parent="northwind", objectives=[
        Objective(
            code="corp-efficient-services", name="Lean overheads", perspective="financial",
            owner=CFO, aligned_to="improve-margin",
            description="Support functions grow slower than revenue.",
            kpis=[Kpi(
                code="corp-sga-ratio", name="SG&A ratio", unit="%", owner=CFO,
                contributor=CONTROLLER, direction="decrease",
                description="Selling, general and administrative cost as a share of revenue.",
                goal={2024: 14.0, 2025: 13.5, 2026: 13.0}, red=1.0,
                level=((0, 14.2), (1, 13.5), (2, 13.0), (2.8, 12.9)), season=OVERHEAD,
                noise=0.2)],
        ),
        Objective(
            code="corp-steer-cash", name="Collect cash on time", perspective="financial",
            owner=CFO, aligned_to="strengthen-cash",
            description="Invoice right, collect on the due date.",
            kpis=[Kpi(
                code="corp-dso", name="Days sales outstanding", unit="days", owner=CFO,
                contributor=CONTROLLER, direction="decrease",
                description="Trade receivables divided by sales per day, three-month basis.",
                goal={2024: 55.0, 2025: 52.0, 2026: 50.0},
                level=((0, 57.5), (1, 53.2), (2, 49.8), (2.8, 48.3)), noise=1.2)],
        ),
        Objective(
            code="corp-reliable-it", name="Reliable business systems", perspective="learning",
            owner=CIO, aligned_to="digital-shopfloor", contributes=False,
            drives=("corp-efficient-services",),
            description="ERP and MES are there whenever the plants run.",
            kpis=[Kpi(
                code="corp-erp-availability", name="ERP availability", unit="%", owner=CFO,
                contributor=CIO, direction="increase", scheme="gov",
                description="Share of scheduled hours the ERP was available to users.",
                goal={2024: 99.5, 2025: 99.5, 2026: 99.5},
                level=((0, 99.75), (2.8, 99.8)), noise=0.1, hi=100.0, dec=2,
                manual={"2025-02": 98.7},
                notes={"2025-02": (1.0, "ERP upgrade overran its maintenance window by "
                                        "nine hours.")})],
        ),
        Objective(
            code="corp-talent", name="Attract and keep talent", perspective="learning",
            owner=CHRO, aligned_to="build-skills", drives=("corp-efficient-services",),
            description="Fill critical roles quickly with the right people.",
            kpis=[Kpi(
                code="corp-time-to-hire", name="Time to hire", unit="days", owner=CHRO,
                contributor=CIO, direction="decrease", type="lead",
                description="Days from approved requisition to signed contract.",
                goal={2024: 45, 2025: 42, 2026: 40}, red=8, tdec=0,
                level=((0, 47), (1, 41.5), (2, 43), (2.4, 49), (2.8, 52)), noise=2.0, dec=0,
                notes={"2026-08": (1.0, "CNC programmer and maintenance technician roles open "
                                        "over 120 days; agency engaged from September.")})],
        ),
    ])
    finance = Unit(code="finance", name="Finance & Controlling", owner=CONTROLLER,
                   parent="corporate-services", objectives=[
        Objective(
            code="fin-liquidity", name="Secure liquidity", perspective="financial",
            owner=CONTROLLER, aligned_to="corp-steer-cash",
            description="Always enough headroom, and forecasts the bank can rely on.",
            kpis=[
                Kpi(code="fin-liquidity-headroom", name="Liquidity headroom", unit="EUR",
                    owner=CFO, contributor=CONTROLLER, direction="increase",
                    aggregation="min",
                    description="Cash plus undrawn committed facilities at month end.",
                    goal={2024: 25.0e6, 2025: 27.0e6, 2026: 28.0e6}, red_rel=0.2, tdec=-5,
                    level=((0, 27.0e6), (1, 29.5e6), (2, 28.6e6), (2.8, 27.4e6)),
                    noise_rel=0.04, dec=0),
                Kpi(code="fin-forecast-bias", name="Sales forecast bias", unit="%",
                    owner=CONTROLLER, contributor=CIO, direction="range",
                    frequency="quarterly", tolerance=3.0,
                    description="Actual sales versus the forecast made one quarter ahead; "
                    "both over- and under-forecasting cost money.",
                    band={2024: (-2.0, 2.0), 2025: (-2.0, 2.0), 2026: (-2.0, 2.0)},
                    level=((0, 0.8), (2.8, 0.3)), noise=1.4, manual={"2024-Q4": 3.8},
                    notes={"2024-Q4": (1.0, "Year-end pull-ins by two OEM customers were not "
                                            "in the forecast.")}),
            ],
        ),
        Objective(
            code="fin-fast-close", name="Close the books fast", perspective="internal",
            owner=CONTROLLER, aligned_to="corp-efficient-services", contributes=False,
            drives=("fin-liquidity",),
            description="Management figures on the table in the first week.",
            kpis=[Kpi(
                code="fin-close-days", name="Days to close", unit="days", owner=CONTROLLER,
                contributor=CONTROLLER, direction="decrease", aggregation="max",
                grace_days=10, description="Working days from month end to the closed books.",
                goal={2024: 6, 2025: 5, 2026: 4}, red=2, tdec=0,
                level=((0, 6.3), (1, 5.0), (2, 4.2), (2.8, 4.0)), season=YEAR_END,
                noise=0.45, dec=0, lo=2.0)],
        ),
    ])
    people = Unit(code="people", name="People & Culture", owner=CHRO,
                  parent="corporate-services", objectives=[
        Objective(
            code="hr-healthy-workforce", name="A healthy workforce", perspective="learning",
            owner=CHRO, aligned_to="corp-talent",
            description="Prevention and return-to-work programmes in every plant.",
            kpis=[
                Kpi(code="hr-absence-rate", name="Sickness absence rate", unit="%",
                    owner=CHRO, contributor=CIO, direction="decrease",
                    description="Hours lost to sickness as a share of scheduled hours.",
                    goal={2024: 4.5, 2025: 4.3, 2026: 4.0}, red=1.0,
                    level=((0, 4.7), (1, 4.3), (2, 4.1), (2.8, 4.2)), season=FLU,
                    noise=0.2, missing=("2026-10",)),
                Kpi(code="hr-headcount", name="Headcount", unit="people", owner=CHRO,
                    contributor=CIO, direction="increase", aggregation="last",
                    scheme="unscored", description="Employees at month end, all sites. "
                    "Shown for context, not scored.",
                    level=((0, 812), (1, 836), (2, 861), (2.8, 874)), noise=2.5, dec=0),
            ],
        ),
    ])
    return [division, finance, people]


# fmt: on


# --- periods and numbers -----------------------------------------------------------------


class Period(NamedTuple):
    key: str
    year: int
    slot: int  # month - 1, quarter - 1, or 0
    t: float  # midpoint, in years since the start of FIRST_YEAR


def periods(frequency: str, last: str) -> list[Period]:
    out: list[Period] = []
    for year in range(FIRST_YEAR, int(last[:4]) + 1):
        if frequency == "monthly":
            out += [
                Period(f"{year}-{m:02d}", year, m - 1, year - FIRST_YEAR + (m - 0.5) / 12)
                for m in range(1, 13)
            ]
        elif frequency == "quarterly":
            out += [
                Period(f"{year}-Q{q}", year, q - 1, year - FIRST_YEAR + (q - 0.5) / 4)
                for q in range(1, 5)
            ]
        else:
            out.append(Period(str(year), year, 0, year - FIRST_YEAR + 0.5))
    return [p for p in out if p.key <= last]


def rnd(x: float, decimals: int) -> int | float:
    return int(round(x, decimals)) if decimals <= 0 else round(x, decimals)


def interp(points: Level, t: float) -> float:
    if t <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in zip(points, points[1:], strict=False):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return points[-1][1]


def make_targets(k: Kpi) -> dict[str, dict[str, int | float]]:
    if not k.scored:
        return {}
    tdec = k.dec if k.tdec is None else k.tdec
    out: dict[str, dict[str, int | float]] = {}
    for i, p in enumerate(periods(k.frequency, TARGET_END[k.frequency])):
        if k.band is not None:
            low, high = k.band[p.year]
            out[p.key] = {"low": low, "high": high}
            continue
        assert k.goal is not None, k.code
        raw = k.goal[i] if isinstance(k.goal, tuple) else k.goal[p.year]
        if k.goal_season and k.season is not None:
            raw *= k.season[p.slot]
        goal = rnd(raw, tdec)
        sign = 1 if k.direction == "increase" else -1
        entry: dict[str, int | float] = {"target": goal}
        distance = k.red if k.red is not None else (k.red_rel or 0.0) * abs(goal)
        if distance:
            entry["red_flag"] = rnd(goal - sign * distance, tdec)
        if k.stretch_rel:
            entry["stretch"] = rnd(goal + sign * k.stretch_rel * abs(goal), tdec)
        if k.baseline is not None:
            entry["baseline"] = k.baseline
        out[p.key] = entry
    return out


def make_values(k: Kpi, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    previous: float | None = None
    for p in periods(k.frequency, VALUE_END[k.frequency]):
        # Draw for every period, so that editing one KPI leaves the others' noise alone.
        shock_rel, shock_abs = rng.gauss(0, 1), rng.gauss(0, 1)
        if k.start is not None and p.key < k.start:
            continue
        if p.key in k.manual:
            value: float = k.manual[p.key]
        else:
            value = interp(k.level, p.t) * (k.season[p.slot] if k.season else 1.0)
            value = value * (1 + k.noise_rel * shock_rel) + k.noise * shock_abs
            value *= k.notes[p.key][0] if p.key in k.notes else 1.0
            if k.lo is not None:
                value = max(value, k.lo)
            if k.hi is not None:
                value = min(value, k.hi)
            if k.monotone and previous is not None:
                value = max(value, previous)
        previous = value
        if p.key in k.missing:
            continue
        actual = rnd(value, k.dec)
        out[p.key] = (
            {"actual": actual, "comment": k.notes[p.key][1]} if p.key in k.notes else actual
        )
    return out


def all_units() -> list[Unit]:
    return [company(), *manufacturing(), *commercial(), *corporate()]


def build() -> dict[str, Any]:
    """The whole scorecard document, as plain data in the order it is written."""
    rng = random.Random(SEED)
    units = all_units()
    kpi_dicts: list[tuple[Kpi, dict[str, Any]]] = []
    unit_docs = []
    for unit in units:
        perspectives = []
        for pcode, pname in PERSPECTIVES.items():
            objectives = []
            for o in (o for o in unit.objectives if o.perspective == pcode):
                od: dict[str, Any] = {
                    "code": o.code,
                    "name": o.name,
                    "description": o.description,
                    "owner": o.owner,
                }
                if o.weight != 1:
                    od["weight"] = o.weight
                if o.rollup:
                    od["rollup"] = o.rollup
                if o.scheme:
                    od["scheme"] = o.scheme
                if o.aligned_to:
                    od["aligned_to"] = o.aligned_to
                    od["contributes"] = o.contributes
                if o.drives:
                    od["drives"] = list(o.drives)
                od["kpis"] = []
                for k in o.kpis:
                    kd = kpi_doc(k, rng)
                    kpi_dicts.append((k, kd))
                    od["kpis"].append(kd)
                objectives.append(od)
            if objectives:
                perspectives.append({"code": pcode, "name": pname, "objectives": objectives})
        ud: dict[str, Any] = {"code": unit.code, "name": unit.name}
        if unit.parent:
            ud["parent"] = unit.parent
        ud["owner"] = unit.owner
        ud["perspectives"] = perspectives
        unit_docs.append(ud)
    # A handful of past months that were never reported.
    gaps = [
        (kd, key)
        for k, kd in kpi_dicts
        if k.frequency == "monthly"
        for key in kd.get("values", {})
        if "2024-02" <= key <= "2026-08" and key not in k.notes
    ]
    for kd, key in rng.sample(gaps, RANDOM_GAPS):
        del kd["values"][key]
    return {
        "organization": {"name": "Northwind Components", "fiscal_year_start": 1},
        "schemes": SCHEMES,
        "units": unit_docs,
    }


def kpi_doc(k: Kpi, rng: random.Random) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": k.code,
        "name": k.name,
        "description": k.description,
        "unit": k.unit,
        "owner": k.owner,
        "contributor": k.contributor,
        "type": k.type,
        "direction": k.direction,
        "frequency": k.frequency,
        "aggregation": k.aggregation,
        "scheme": k.scheme,
    }
    if k.weight != 1:
        d["weight"] = k.weight
    if k.grace_days is not None:
        d["grace_days"] = k.grace_days
    if k.tolerance is not None:
        d["tolerance"] = k.tolerance
    if k.formula:
        d["formula"] = k.formula
    targets = make_targets(k)
    if targets:
        d["targets"] = targets
    if not k.formula:
        d["values"] = make_values(k, rng)
    return d


# --- writing YAML --------------------------------------------------------------------------

HEADER = f"""\
# Northwind Components: the Fourfold demo organization.
# Generated by `python -m fourfold.demo.generate` (seed {SEED}); edit the generator, not this.
# Values 2024-01 .. 2026-10 (quarters to 2026-Q3, years to 2025); targets to the end of 2026.
# Schemes: gov = service levels (percent of target, 3 statuses); four-level = percent of
# target with 4 statuses; met-share = share of children met, for share_met roll-ups.
"""

_FLOW_UNSAFE = re.compile(r"[,\[\]{}#:&*!|>'\"%@`]")


def plain(v: object) -> str:
    """A scalar as YAML writes it in block context (quoted only where needed)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    text = yaml.safe_dump(v, allow_unicode=True, width=1_000_000)
    return text.removesuffix("\n...\n").removesuffix("\n")


def flow(v: object) -> str:
    """A value in flow style; comments are always quoted, which reads better."""
    if isinstance(v, dict):
        pairs = [f"{flow(k)}: {quote(x) if k == 'comment' else flow(x)}" for k, x in v.items()]
        return "{" + ", ".join(pairs) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    if isinstance(v, str) and _FLOW_UNSAFE.search(v):
        return quote(v)
    return plain(v)


def quote(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def fold(line: str, start: int, pad: str, width: int) -> list[str]:
    """Break a line inside the text scalar that begins at ``start``; YAML folds it back."""
    lines: list[str] = []
    while len(line) > width:
        cut = line.rfind(" ", start, width + 1)
        while cut > start and line[cut + 1] in "-#&*!|>'\"%@`?:{[":
            cut = line.rfind(" ", start, cut)
        if cut <= start:
            break
        lines.append(line[:cut])
        line, start = pad + line[cut + 1 :], len(pad)
    return [*lines, line]


def is_scalar(v: object) -> bool:
    return not isinstance(v, dict | list)


def emit(d: dict[str, Any], indent: int, out: list[str], lead: str | None = None) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(d.items()):
        prefix = (lead if i == 0 and lead is not None else pad) + plain(key) + ":"
        if key == "values" and isinstance(value, dict):
            emit_values(value, prefix, indent + 2, out)
        elif isinstance(value, dict):
            line = f"{prefix} {flow(value)}"
            if all(is_scalar(v) for v in value.values()) and len(line) <= WIDTH:
                out.append(line)
            else:
                out.append(prefix)
                emit(value, indent + 2, out)
        elif isinstance(value, list) and all(is_scalar(v) for v in value):
            out.append(f"{prefix} {flow(value)}")
        elif isinstance(value, list):
            out.append(prefix)
            for item in value:
                flat = all(is_scalar(v) for v in item.values())
                if flat and indent + 4 + len(flow(item)) <= WIDTH:
                    out.append(f"{pad}  - {flow(item)}")
                else:
                    emit(item, indent + 4, out, f"{pad}  - ")
        else:
            out += fold(f"{prefix} {plain(value)}", len(prefix) + 1, pad + "  ", WIDTH)


def emit_values(values: dict[str, Any], prefix: str, indent: int, out: list[str]) -> None:
    """A flow mapping, a half-year or a year per line, each commented value on its own line."""
    texts = [f"{flow(key)}: {flow(v)}" for key, v in values.items()]
    one_line = f"{prefix} {{{', '.join(texts)}}}"
    if len(one_line) <= WIDTH or not texts:
        out.append(one_line)
        return
    # Chunks are quarters (of a monthly KPI) or years; a commented value stands alone.
    chunks: list[tuple[str, list[str], bool]] = []
    for (key, v), text in zip(values.items(), texts, strict=True):
        monthly = len(key) == 7 and key[5] != "Q"
        group = key[:4] + (f"-Q{(int(key[5:]) + 2) // 3}" if monthly else "")
        if isinstance(v, dict):
            chunks.append((group, [text], True))
        elif chunks and chunks[-1][0] == group and not chunks[-1][2]:
            chunks[-1][1].append(text)
        else:
            chunks.append((group, [text], False))
    lines: list[list[str]] = []
    for i, (group, parts, alone) in enumerate(chunks):
        before = chunks[i - 1] if i else None
        joinable = before is not None and not alone and not before[2] and before[0][:4] == group[:4]
        if joinable and indent + 3 + len(", ".join(lines[-1] + parts)) <= VALUES_WIDTH:
            lines[-1] += parts
        else:
            lines.append(list(parts))
    out.append(prefix)
    pad = " " * indent
    for i, parts in enumerate(lines):
        opener = "{" if i == 0 else " "
        closer = "}" if i == len(lines) - 1 else ","
        line = f"{pad}{opener}{', '.join(parts)}{closer}"
        out += fold(line, line.find('"'), pad + "   ", VALUES_WIDTH) if '"' in line else [line]


def render(doc: dict[str, Any]) -> str:
    out: list[str] = []
    emit(doc, 0, out)
    return HEADER + "\n".join(out) + "\n"


# --- checks ----------------------------------------------------------------------------------

PERIOD_FORMS = {
    "monthly": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^\d{4}-Q[1-4]$"),
    "yearly": re.compile(r"^\d{4}$"),
}
ENUMS = {
    "direction": {"increase", "decrease", "range"},
    "frequency": set(PERIOD_FORMS),
    "aggregation": {"sum", "average", "last", "min", "max"},
    "type": {"lead", "lag"},
}
EMAIL = re.compile(r"^[a-z]+\.[a-z]+@northwind\.example$")


def is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def check(doc: dict[str, Any]) -> list[str]:
    """Every way the document could break the loader's rules, as readable problems."""
    problems: list[str] = []
    if doc.get("organization", {}).get("fiscal_year_start") != 1:
        problems.append("organization: fiscal_year_start must be 1")
    schemes = doc.get("schemes", {})
    for name, scheme in schemes.items():
        mins = [b.get("min") for b in scheme["bands"]]
        if (
            scheme["type"] != "percent_of_target"
            or mins[-1] is not None
            or mins[:-1] != sorted(mins[:-1], reverse=True)
        ):
            problems.append(f"scheme {name}: bands must go best first, the last without a min")
    units: dict[str, dict[str, Any]] = {}
    objective_unit: dict[str, str] = {}
    codes: Counter[str] = Counter()
    for u in doc["units"]:
        where = f"unit {u['code']}"
        if u["code"] in units:
            problems.append(f"{where}: duplicate unit code")
        if u.get("parent") is not None and u["parent"] not in units:
            problems.append(f"{where}: parent {u['parent']} is not defined before it")
        if not EMAIL.match(u["owner"]):
            problems.append(f"{where}: owner {u['owner']} is not a Northwind address")
        units[u["code"]] = u
        pcodes = [p["code"] for p in u["perspectives"]]
        if len(set(pcodes)) != len(pcodes) or not set(pcodes) <= set(PERSPECTIVES):
            problems.append(f"{where}: perspectives {pcodes} repeat or are unknown")
        for o in objectives_of(u):
            codes[o["code"]] += 1
            objective_unit[o["code"]] = u["code"]
            codes.update(k["code"] for k in o["kpis"])
    problems += [f"code {c} is used {n} times" for c, n in codes.items() if n > 1]
    for u in doc["units"]:
        parent = u.get("parent")
        for o in objectives_of(u):
            where = f"objective {o['code']}"
            if not EMAIL.match(o["owner"]):
                problems.append(f"{where}: owner {o['owner']} is not a Northwind address")
            for target in o.get("drives", []):
                if objective_unit.get(target) != u["code"] or target == o["code"]:
                    problems.append(
                        f"{where}: drives {target}, not another objective of {u['code']}"
                    )
            if "aligned_to" in o and (
                parent is None or objective_unit.get(o["aligned_to"]) != parent
            ):
                problems.append(
                    f"{where}: aligned_to {o['aligned_to']} is not an objective "
                    f"of the parent unit {parent}"
                )
            if "contributes" in o and not isinstance(o["contributes"], bool):
                problems.append(f"{where}: contributes must be true or false")
            if o.get("rollup", "weighted_mean") not in {"weighted_mean", "worst", "share_met"}:
                problems.append(f"{where}: unknown rollup {o['rollup']}")
            if "scheme" in o and o["scheme"] not in schemes:
                problems.append(f"{where}: unknown scheme {o['scheme']}")
            if not o["kpis"]:
                problems.append(f"{where}: has no KPIs")
            for k in o["kpis"]:
                problems += check_kpi(k, schemes)
    return problems


def objectives_of(unit: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for p in unit["perspectives"] for o in p["objectives"]]


def check_kpi(k: dict[str, Any], schemes: dict[str, Any]) -> list[str]:
    where = f"KPI {k['code']}"
    problems = [
        f"{where}: {key} {k.get(key)!r} is not one of {sorted(allowed)}"
        for key, allowed in ENUMS.items()
        if k.get(key) not in allowed
    ]
    if problems:
        return problems
    problems += [
        f"{where}: {key} {k[key]} is not a Northwind address"
        for key in ("owner", "contributor")
        if not EMAIL.match(k[key])
    ]
    scheme, direction, frequency = k["scheme"], k["direction"], k["frequency"]
    if scheme not in {"default", "yes_no", "unscored", *schemes}:
        problems.append(f"{where}: unknown scheme {scheme}")
    if not isinstance(k.get("grace_days", 15), int) or k.get("grace_days", 15) < 0:
        problems.append(f"{where}: grace_days must be a whole number of days")
    if "tolerance" in k and (direction != "range" or not k["tolerance"] > 0):
        problems.append(f"{where}: tolerance is for range KPIs and must be positive")
    if direction == "range" and scheme != "default":
        problems.append(f"{where}: a range KPI scores with the default scheme")
    targets, values = k.get("targets", {}), k.get("values", {})
    for key in [*targets, *values]:
        if not isinstance(key, str) or not PERIOD_FORMS[frequency].match(key):
            problems.append(f"{where}: period {key!r} is not a {frequency} period")
            return problems
    for key, v in values.items():
        actual = v["actual"] if isinstance(v, dict) else v
        if isinstance(v, dict) and (set(v) != {"actual", "comment"} or not v["comment"]):
            problems.append(f"{where} {key}: a commented value is {{actual, comment}}")
        if not is_number(actual):
            problems.append(f"{where} {key}: the actual {actual!r} is not a number")
        elif scheme == "yes_no" and actual not in (0, 1):
            problems.append(f"{where} {key}: a yes/no value is 1 or 0")
        if key > VALUE_END[frequency]:
            problems.append(f"{where} {key}: a value for a period that has not ended")
    if scheme in ("yes_no", "unscored"):
        if targets:
            problems.append(f"{where}: {scheme} KPIs take no targets")
        return problems
    problems += [f"{where} {key}: a value without a target" for key in values if key not in targets]
    if TARGET_END[frequency] not in targets:
        problems.append(f"{where}: no target for {TARGET_END[frequency]}")
    for key, t in targets.items():
        problems += [f"{where} {key}: {p}" for p in check_target(t, direction, scheme, schemes)]
    return problems


def check_target(
    t: dict[str, Any], direction: str, scheme: str, schemes: dict[str, Any]
) -> list[str]:
    if direction == "range":
        if set(t) != {"low", "high"} or not all(is_number(v) for v in t.values()):
            return ["a range target is {low, high}"]
        return ["low is above high"] if t["low"] > t["high"] else []
    if (
        not set(t) <= {"target", "red_flag", "stretch", "baseline"}
        or "target" not in t
        or not all(is_number(v) for v in t.values())
    ):
        return ["a target is {target, red_flag, stretch, baseline} with numbers"]
    goal, sign = t["target"], (1 if direction == "increase" else -1)
    problems = []
    if "red_flag" in t and (t["red_flag"] == goal or sign * (goal - t["red_flag"]) < 0):
        problems.append(f"red flag {t['red_flag']} is not on the bad side of target {goal}")
    if "stretch" in t and sign * (t["stretch"] - goal) <= 0:
        problems.append(f"stretch {t['stretch']} is not beyond target {goal}")
    if goal == 0 and "red_flag" not in t:
        problems.append("a target of 0 needs a red flag")
    if goal == 0 and scheme in schemes:
        problems.append("a target of 0 has no percent of target")
    if direction == "decrease" and goal <= 0:
        problems.append("a decrease KPI needs a positive target")
    return problems


# --- summary -------------------------------------------------------------------------------


def summary(doc: dict[str, Any]) -> list[str]:
    kpis = [k for u in doc["units"] for o in objectives_of(u) for k in o["kpis"]]
    objectives = [o for u in doc["units"] for o in objectives_of(u)]
    values = [v for k in kpis for v in k.get("values", {}).values()]
    late = [
        k["code"]
        for k in kpis
        if "formula" not in k and VALUE_END[k["frequency"]] not in k["values"]
    ]

    def tally(key: str) -> str:
        return ", ".join(f"{n} {name}" for name, n in Counter(k[key] for k in kpis).items())

    return [
        f"units       {len(doc['units'])}",
        f"objectives  {len(objectives)} ({sum('aligned_to' in o for o in objectives)} aligned)",
        f"KPIs        {len(kpis)}",
        f"  direction    {tally('direction')}",
        f"  frequency    {tally('frequency')}",
        f"  aggregation  {tally('aggregation')}",
        f"  scheme       {tally('scheme')}",
        f"  calculated   {sum('formula' in k for k in kpis)}",
        f"values      {len(values)} ({sum(isinstance(v, dict) for v in values)} with comments)",
        f"targets     {sum(len(k.get('targets', {})) for k in kpis)}",
        f"latest period missing: {', '.join(late)}",
    ]


def coverage_problems(doc: dict[str, Any]) -> list[str]:
    """The demo must show every kind of KPI the product knows, and use every scheme."""
    objectives = [o for u in doc["units"] for o in objectives_of(u)]
    kpis = [k for o in objectives for k in o["kpis"]]
    wanted = {**ENUMS, "scheme": {"default", "yes_no", "unscored"}}
    problems = [
        f"no KPI has {key} {value}"
        for key, allowed in wanted.items()
        for value in sorted(allowed)
        if not any(k[key] == value for k in kpis)
    ]
    used = {node.get("scheme") for node in [*objectives, *kpis]}
    return problems + [
        f"scheme {name} is never used" for name in doc["schemes"] if name not in used
    ]


def main() -> None:
    doc = build()
    text = render(doc)
    loaded = yaml.safe_load(text)
    problems = [] if loaded == doc else ["the written YAML does not read back the same"]
    problems += check(loaded) + coverage_problems(loaded)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text.encode()):,} bytes)")
    print("\n".join(summary(loaded)))


if __name__ == "__main__":
    main()
