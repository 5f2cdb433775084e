"""What goes into a briefing book, read once from the database for one reader.

`book(...)` returns plain data (`Book`) that each writer (PDF, XLSX, PPTX) lays out. The
numbers come from the scoring engine as they stood at the moment of reading, the same rows
as `fourfold scores --json`; the strategy map and the initiatives' timeline are the pages'
own drawings; a KPI's chart is `fourfold.core.kpichart`'s.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.template.loader import render_to_string

from fourfold.accounts import names
from fourfold.accounts.access import Access
from fourfold.core import gantt, kpichart, periods
from fourfold.core.numbers import grouped
from fourfold.forecasts import services as forecasts
from fourfold.initiatives import standing
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI, Measurement, MeasurementVersion
from fourfold.reviews.models import ActionItem, Comment
from fourfold.scoring import engine, initiatives, readout
from fourfold.strategy.models import Organization, Unit
from fourfold.web import periods as choose
from fourfold.web import strategymap

from .books import ReportError

HISTORY = 24  # periods of each KPI's chart
NOTES = 60  # comments of each kind, at most
VIEW_OF = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
STEP = {"monthly": 1, "quarterly": 3, "yearly": 12}
INDENT = {"scorecard": 0, "perspective": 1, "objective": 2, "kpi": 3, "initiative": 1}


@dataclass
class Line:
    """A row of the scorecard: `row` is `scores --json`'s object, `name` the node's name."""

    row: dict[str, Any]
    name: str
    depth: int


@dataclass
class Chart:
    """A KPI of an objective: its row in the period (None when it reports less often), the
    periods of its chart, the SVG, and its forecast for the fiscal year."""

    code: str
    name: str
    measure: str
    frequency: str
    row: dict[str, Any] | None
    series: kpichart.Series
    svg: str
    forecast: forecasts.Forecast | None = None


@dataclass
class Section:
    """An objective's section: its row and the charts of its KPIs."""

    code: str
    name: str
    perspective: str
    owner: str
    row: dict[str, Any] | None
    charts: list[Chart] = field(default_factory=list)
    serves: list[str] = field(default_factory=list)  # names of objectives above it serves


@dataclass
class Note:
    on: str  # what it is about: "KPI Revenue", "objective Grow revenue", the unit
    period: str
    text: str
    author: str
    when: dt.datetime


@dataclass
class Action:
    title: str
    on: str
    owner: str
    due: dt.date | None
    late: bool


@dataclass
class Project:
    code: str
    name: str
    owner: str
    start: dt.date
    end: dt.date
    complete: float | None
    expected: float | None
    status: str
    color: str
    score: float | None


@dataclass
class Quality:
    kind: str  # overdue | stale | restated | calculation
    code: str
    name: str
    message: str


@dataclass
class Book:
    organization: str
    unit_code: str
    unit_name: str
    period: str
    period_label: str
    read_at: dt.datetime
    sections: tuple[str, ...]
    year: str = ""  # the fiscal year of the forecasts
    lines: list[Line] = field(default_factory=list)
    children: list[Line] = field(default_factory=list)  # the units below, that one may see
    map_svg: str = ""
    objectives: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    timeline_svg: str = ""
    actions: list[Action] = field(default_factory=list)
    quality: list[Quality] = field(default_factory=list)

    @property
    def read_text(self) -> str:
        """'24 Nov 2026, 09:30 UTC': the moment on the cover."""
        return f"{gantt.date_text(self.read_at.date())}, {self.read_at:%H:%M} {self.read_at:%Z}"


def book(
    unit: str, period: str, sections: tuple[str, ...], read_at: dt.datetime, access: Access
) -> Book:
    """The book of `unit` for `period` as `access` may see it, its numbers as at `read_at`."""
    node = Unit.objects.filter(code=unit).first()
    if node is None or not access.can_view(node.pk):
        raise ReportError(f"there is no unit '{unit}'")
    organization = Organization.get()
    fs = organization.fiscal_year_start
    try:
        parsed = periods.parse_period(period, fs)
    except periods.PeriodError as exc:
        raise ReportError(str(exc)) from exc
    today = dt.date.fromordinal(read_at.astimezone(dt.UTC).toordinal())
    scores = engine.compute(today=today, as_of=read_at, unit=unit)
    if scores.locate(parsed.key) is None:
        raise ReportError(f"there are no scores of unit '{unit}' for {parsed.key}")
    out = Book(
        organization.name,
        node.code,
        node.name,
        parsed.key,
        choose.label(parsed),
        read_at,
        sections,
        periods.year_of(parsed.last_month, fs),
    )
    out.lines = _lines(scores, node, parsed.key, fs, read_at)
    out.children = _children(scores, node, parsed.key, access)
    if "map" in sections:
        links = strategymap._links(scores, unit)
        drawn = strategymap.build(scores, unit, parsed.key, links, f"{node.name} — strategy map")
        out.map_svg = render_to_string("web/_strategymap_svg.html", {"map": drawn})
    if "objectives" in sections or "quality" in sections:
        out.objectives = _sections(scores, node, parsed, today, read_at, access)
    if "commentary" in sections:
        out.notes = _notes(node, parsed, read_at)
    if "initiatives" in sections:
        out.projects, out.timeline_svg = _projects(node, parsed, today, access)
    if "actions" in sections:
        out.actions = _actions(node, today, read_at)
    if "quality" in sections:
        out.quality = _quality(out, scores, parsed, read_at)
    return out


def _lines(
    scores: engine.Scores, node: Unit, key: str, fs: int, read_at: dt.datetime
) -> list[Line]:
    index = scores.index
    card = scores.card_of[node.code]
    named: dict[tuple[str, str], str] = {("scorecard", node.code): node.name}
    persps = {i for i, p in enumerate(index.perspective) if p["scorecard"] == card}
    for i in persps:
        named[("perspective", index.perspective[i]["code"])] = index.perspective[i]["name"]
    objectives = {i for i, o in enumerate(index.objective) if o["perspective"] in persps}
    for i in objectives:
        named[("objective", index.objective[i]["code"])] = index.objective[i]["name"]
    for k in index.kpi:
        if k["objective"] in objectives:
            named[("kpi", k["code"])] = k["name"]
    rows = list(readout.unit_rows(scores, node.code, key))
    projects = initiatives.rows([node.code], key, fiscal_start=fs, as_of=read_at)
    rows += projects.get(node.code, [])
    if projects:
        for code, name in Initiative.objects.filter(
            code__in=[r["code"] for r in projects.get(node.code, [])]
        ).values_list("code", "name"):
            named[("initiative", code)] = name
    return [Line(r, named.get((r["kind"], r["code"]), r["code"]), INDENT[r["kind"]]) for r in rows]


def _children(scores: engine.Scores, node: Unit, key: str, access: Access) -> list[Line]:
    below = Unit.objects.filter(parent=node).order_by("order", "code")
    out = []
    for child in below:
        if not access.can_view(child.pk) or child.code not in scores.card_of:
            continue
        row = next(iter(readout.unit_rows(scores, child.code, key)), None)
        if row is not None:
            out.append(Line(row, child.name, 0))
    return out


def _sections(
    scores: engine.Scores,
    node: Unit,
    parsed: periods.Period,
    today: dt.date,
    read_at: dt.datetime,
    access: Access,
) -> list[Section]:
    index = scores.index
    card = scores.card_of[node.code]
    rows = {
        (r["kind"], r["code"]): r
        for r in readout.unit_rows(scores, node.code, parsed.key)
        if r["kind"] in ("objective", "kpi")
    }
    year = periods.year_of(parsed.last_month, parsed.fiscal_start)
    try:
        ahead = forecasts.forecast(None, year, today=today, as_of=read_at, unit=node.code)
    except periods.PeriodError:
        ahead = {}
    owner_names = {
        o.code: names.name(o.owner) for o in node_objectives(node).select_related("owner")
    }
    serves = _serves(node, access)
    out: list[Section] = []
    children = scores.children
    for p in children.get(("scorecard", card), []):
        perspective = index.perspective[p]["name"]
        for o in children.get(("perspective", p), []):
            objective = index.objective[o]
            section = Section(
                objective["code"],
                objective["name"],
                perspective,
                owner_names.get(objective["code"], ""),
                rows.get(("objective", objective["code"])),
                serves=serves.get(objective["id"], []),
            )
            for k in children.get(("objective", o), []):
                section.charts.append(_chart(scores, k, parsed, rows, ahead))
            out.append(section)
    return out


def node_objectives(node: Unit) -> Any:
    from fourfold.strategy.models import Objective

    return Objective.objects.filter(perspective__scorecard__unit=node, archived=False)


def _serves(node: Unit, access: Access) -> dict[int, list[str]]:
    """The objectives above that each objective serves, named only when one may see them."""
    from fourfold.strategy.models import Alignment

    out: dict[int, list[str]] = {}
    found = Alignment.objects.filter(
        child__perspective__scorecard__unit=node, parent__archived=False
    ).values_list("child_id", "parent__name", "parent__perspective__scorecard__unit_id")
    for child, name, unit_id in found:
        if access.can_view(unit_id):
            out.setdefault(child, []).append(name)
    return out


def _chart(
    scores: engine.Scores,
    k: int,
    parsed: periods.Period,
    rows: dict[tuple[str, str], dict[str, Any]],
    ahead: dict[int, forecasts.Forecast],
) -> Chart:
    kpi = scores.index.kpi[k]
    frequency = kpi["frequency"]
    view = scores.result.views[VIEW_OF[frequency]]
    # The chart ends with the KPI's last period that has ended with the book's: a quarterly
    # KPI in October's book ends with Q3, and its row is Q3's.
    key = _in_frequency(parsed, frequency)
    located = scores.locate(key)
    last = located[1] if located is not None else len(view.keys) - 1
    if periods.parse_period(key, parsed.fiscal_start).end > parsed.end and last > 0:
        last -= 1
    row = rows.get(("kpi", kpi["code"]))
    if row is None and 0 <= last < len(view.keys):
        unit = scores.index.objective[kpi["objective"]]["unit"]
        row = readout.node_row(scores, view, k, last, "kpi", kpi["code"], unit, view.keys[last])
    first = max(0, last - HISTORY + 1)
    keys = tuple(view.keys[first : last + 1])

    def numbers(matrix: np.ndarray) -> tuple[float, ...]:
        return tuple(float(v) for v in matrix[k, first : last + 1])

    if kpi["direction"] == "range":
        low, high = numbers(view.low), numbers(view.high)
    else:  # the band from the red flag to the goal; NaN where either is missing
        flag, goal = view.red_flag[k, first : last + 1], view.target[k, first : last + 1]
        low = tuple(float(v) for v in np.minimum(flag, goal))
        high = tuple(float(v) for v in np.maximum(flag, goal))
    made = ahead.get(kpi["id"])
    fan = None
    if made is not None and made.fan:
        fan = kpichart.Fan(
            tuple(p.period for p in made.fan),
            tuple(p.p10 for p in made.fan),
            tuple(p.p50 for p in made.fan),
            tuple(p.p90 for p in made.fan),
        )
    series = kpichart.Series(keys, numbers(view.actual), numbers(view.target), low, high, fan)
    measure = kpi["unit_of_measure"] or ""
    svg = kpichart.render(series, kpi["name"], unit=measure)
    return Chart(
        kpi["code"],
        kpi["name"],
        measure,
        frequency,
        row,
        series,
        svg,
        made if made is not None and not made.insufficient else None,
    )


def _in_frequency(parsed: periods.Period, frequency: str) -> str:
    kind = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}[frequency]
    return choose.in_kind(parsed, kind)


def note_periods(parsed: periods.Period) -> set[str]:
    """The periods whose commentary a book holds: its own and its months, the quarter and
    year that hold it, and the last quarter and year that had ended with it."""
    fs = parsed.fiscal_start
    keys = {parsed.key, *parsed.months}
    for month in (
        parsed.last_month,
        periods.month_key(periods.month_ordinal(parsed.months[0]) - 1),
    ):
        keys |= {periods.quarter_of(month, fs), periods.year_of(month, fs)}
    return keys


def _notes(node: Unit, parsed: periods.Period, read_at: dt.datetime) -> list[Note]:
    """Comments on the unit, its objectives and KPIs, and the comments entered with the
    values, for the book's periods; newest first."""
    keys = note_periods(parsed)
    found = (
        Comment.objects.filter(unit=node, period__in=keys, created_at__lte=read_at)
        .select_related("author", "kpi", "objective")
        .order_by("-created_at", "-pk")[:NOTES]
    )
    out = []
    for c in found:
        on = (
            f"KPI {c.kpi.name}"
            if c.kpi
            else f"Objective {c.objective.name}"
            if c.objective
            else node.name
        )
        out.append(Note(on, c.period, c.text, names.name(c.author), c.created_at))
    values = (
        Measurement.objects.filter(
            **{f"kpi__{KPI.UNIT_ID}": node.pk},
            kpi__archived=False,
            period__in=keys,
            entered_at__lte=read_at,
        )
        .exclude(comment="")
        .select_related("kpi", "entered_by")
        .order_by("-period", "kpi__order", "kpi__code")[:NOTES]
    )
    for m in values:
        author = names.name(m.entered_by)
        out.append(
            Note(
                f"KPI {m.kpi.name}, value {grouped(m.value)}",
                m.period,
                m.comment,
                author,
                m.entered_at,
            )
        )
    out.sort(key=lambda n: (n.period, n.when), reverse=True)
    return out


def _projects(
    node: Unit, parsed: periods.Period, today: dt.date, access: Access
) -> tuple[list[Project], str]:
    month = periods.parse_period(parsed.last_month, parsed.fiscal_start)
    rows = access.initiatives().live().filter(unit=node).order_by("order", "start", "code")
    loaded = standing.load(rows)
    found = standing.lines(loaded, month, parsed.fiscal_start, today)
    projects = [
        Project(
            line.initiative.code,
            line.initiative.name,
            names.name(line.initiative.owner),
            line.initiative.start,
            line.initiative.end,
            line.standing.complete,
            line.standing.expected,
            line.standing.status_name,
            line.standing.color,
            line.standing.score,
        )
        for line in found
    ]
    svg = gantt.render(
        standing.timeline_rows(found, {}),
        today,
        f"{node.name} — initiatives",
        fiscal_start=parsed.fiscal_start,
        legend=standing.legend(),
        id_prefix=f"book-gantt-{node.code}",
    )
    return projects, svg


def _actions(node: Unit, today: dt.date, read_at: dt.datetime) -> list[Action]:
    found = ActionItem.objects.filter(
        unit=node, status=ActionItem.Status.OPEN, created_at__lte=read_at
    ).select_related("owner", "kpi", "objective")
    out = []
    for a in found:
        on = a.kpi.name if a.kpi else a.objective.name if a.objective else ""
        out.append(Action(a.title, on, names.name(a.owner), a.due_date, a.is_late(today)))
    return out


def _quality(
    book: Book, scores: engine.Scores, parsed: periods.Period, read_at: dt.datetime
) -> list[Quality]:
    """Overdue values in the charts' periods, KPIs whose last value is old, values changed
    after they were first entered, and calculations that could not be made."""
    out: list[Quality] = []
    ids: dict[str, str] = {}
    for section in book.objectives:
        for chart in section.charts:
            ids[chart.code] = chart.name
            row = chart.row or {}
            if row.get("coverage", {}).get("overdue"):
                out.append(
                    Quality(
                        "overdue", chart.code, chart.name, f"the value for {book.period} is overdue"
                    )
                )
            if row.get("quality"):
                out.append(Quality("calculation", chart.code, chart.name, str(row["quality"])))
            actual = chart.series.actual
            reported = [i for i, v in enumerate(actual) if math.isfinite(v)]
            if not reported:
                out.append(
                    Quality("stale", chart.code, chart.name, "no value in the charted periods")
                )
            elif len(actual) - 1 - reported[-1] >= 2:
                out.append(
                    Quality(
                        "stale",
                        chart.code,
                        chart.name,
                        f"the last value is for {chart.series.keys[reported[-1]]}",
                    )
                )
    changed = (
        MeasurementVersion.objects.filter(kpi__code__in=list(ids), superseded_at__lte=read_at)
        .values_list("kpi__code", "period")
        .order_by("kpi__code", "period")
    )
    restated: dict[str, list[str]] = {}
    for code, key in changed:
        if key not in restated.setdefault(code, []):
            restated[code].append(key)
    for code, keys in restated.items():
        recent = keys[-6:]
        more = f" and {len(keys) - len(recent)} earlier" if len(keys) > len(recent) else ""
        out.append(
            Quality(
                "restated",
                code,
                ids[code],
                f"values changed after they were first entered: {', '.join(recent)}{more}",
            )
        )
    return out
