"""The scorecard of one unit for one period, shaped for its page: a tree of scored rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode

from django.utils.safestring import SafeString

from fourfold.core import evaluate, periods
from fourfold.measures.models import KPI
from fourfold.scoring import engine, readout
from fourfold.strategy.models import Objective

from . import breakdown, coarser, legend
from . import periods as choose
from . import scorecard_rows as rows
from .templatetags.fourfold import score
from .trends import SPARK_PERIODS, Spark, Trend, Variance, spark, trend, variance
from .units import UnitNode, ancestors, neighbours, options

FILTERS = ("status", "owner", "perspective")
NO_STATUS = "none"


@dataclass
class Node:
    """A scored row (readout's dict) with the name and details the page shows beside it."""

    name: str
    row: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    # KPIs reported less often than the period (a quarterly KPI in a month): shown with
    # their latest period, never counted in this one's roll-up (see fourfold.web.coarser).
    latest: list[Node] = field(default_factory=list)
    position: int = -1  # the objective's or KPI's position in the engine's index
    weight: float = 1.0
    latest_of: coarser.Latest | None = None  # for a KPI of `latest`: its period
    how: breakdown.Breakdown | None = None  # for an objective: what its score is made of
    owner: str = ""  # user name of the owner
    spark: Spark | None = None
    trend: Trend | None = None
    variance: Variance | None = None
    # What the row prints, prepared once in Python (see `_dress`): a scorecard has hundreds
    # of rows, and a template spends far longer on each tag and include than Python does.
    url: str = ""
    score_text: str = ""
    status_html: SafeString = SafeString("")
    coverage_html: SafeString = SafeString("")
    rule_text: str = ""  # a perspective's: how its score is made
    how_html: SafeString = SafeString("")  # an objective's breakdown, see breakdown.html
    html: SafeString = SafeString("")  # a KPI's whole table row, see KPI_ROW
    forecast: Any = None  # a KPI's forecast for the fiscal year (fourfold.web.forecast)
    # A KPI at its scheme's worst status in the period with no open action item about it.
    red_unacted: bool = False
    forecast_label: str = "Forecast"


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the scorecard to, from the page's GET parameters."""

    status: str = ""
    owner: str = ""
    perspective: str = ""

    @classmethod
    def of(cls, query: Mapping[str, str]) -> Filters:
        return cls(*(str(query.get(name, "")).strip()[:150] for name in FILTERS))

    def query(self) -> dict[str, str]:
        """The filters in use, in a fixed order, for a canonical address."""
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}

    @property
    def active(self) -> bool:
        return bool(self.query())


@dataclass(frozen=True)
class Forecasts:
    """The forecast column's: each KPI's forecast (by id) for one fiscal year."""

    label: str
    found: Mapping[int, Any]


@dataclass
class Option:
    value: str
    label: str


@dataclass
class ChildUnit:
    unit: UnitNode
    row: dict[str, Any] | None
    score_text: str = ""
    status_html: SafeString = SafeString("")


@dataclass
class Coverage:
    expected: int = 0
    reported: int = 0
    overdue: int = 0


@dataclass
class Page:
    unit: UnitNode
    period: periods.Period
    period_label: str
    card: dict[str, Any] | None
    perspectives: list[Node]
    measures: Coverage
    ancestors: list[UnitNode]
    children: list[ChildUnit]
    previous: choose.Choice | None
    next: choose.Choice | None
    period_choices: list[choose.Choice]
    filters: Filters = field(default_factory=Filters)
    status_options: list[Option] = field(default_factory=list)
    owner_options: list[Option] = field(default_factory=list)
    perspective_options: list[Option] = field(default_factory=list)
    kpis_total: int = 0
    kpis_shown: int = 0
    latest_shown: int = 0  # KPIs shown with their latest quarter or year, not counted here
    latest_what: str = ""  # "quarter", "year" or "quarter or year"
    compare_label: str = "the period before"
    unit_options: SafeString = SafeString("")  # the unit picker's, see units.options
    schemes: list[legend.Entry] = field(default_factory=list)  # the legend
    card_rule: str = ""  # how the scorecard's score is made
    forecast_year: str = ""  # the fiscal year of the forecast column

    @property
    def filter_suffix(self) -> str:
        """The filters in use, to append to a link that keeps them."""
        query = self.filters.query()
        return "&" + urlencode(query) if query else ""


def _compared(view_name: str, keys: list[str], column: int, fiscal_start: int) -> tuple[int, str]:
    """The column a period is compared with, and how to name it."""
    if view_name == "ytd":
        return column - 12, "the same period last year"
    if column < 1:
        return -1, "the period before"
    return column - 1, choose.label(periods.parse_period(keys[column - 1], fiscal_start))


def _kpi_extras(
    node: Node,
    view: evaluate.View,
    view_name: str,
    row: int,
    column: int,
    compared: tuple[int, str],
) -> None:
    """The sparkline, the move since `compared` (a column and its name) and the variance."""
    direction = node.info["direction"]
    first = max(0, column - SPARK_PERIODS + 1)
    actual = view.actual[row, first : column + 1].tolist()
    target = view.target[row, first : column + 1].tolist() if direction != "range" else []
    what = {"month": "months", "quarter": "quarters", "year": "years", "ytd": "months"}[view_name]
    node.spark = spark(actual, target, what)
    before, compared_to = compared
    if before >= 0:
        node.trend = trend(
            direction,
            (view.actual[row, column], view.low[row, column], view.high[row, column]),
            (view.actual[row, before], view.low[row, before], view.high[row, before]),
            compared_to,
        )
    node.variance = variance(node.row, direction)


def _tree(
    scores: engine.Scores, unit: str, period: periods.Period
) -> tuple[dict[str, Any] | None, list[Node]]:
    index, inputs = scores.index, scores.inputs
    kpis = {k["code"]: (i, k) for i, k in enumerate(index.kpi)}
    objectives = {o["code"]: i for i, o in enumerate(index.objective)}
    card_pos = scores.card_of[unit]
    perspectives = {
        p["code"]: (i, p) for i, p in enumerate(index.perspective) if p["scorecard"] == card_pos
    }
    located = scores.locate(period.key)
    compared = (-1, "")
    if located is not None:
        view_name, column = located
        keys = scores.result.views[view_name].keys
        compared = _compared(view_name, keys, column, scores.fiscal_start)
    card: dict[str, Any] | None = None
    tree: list[Node] = []
    unshown: dict[int, list[dict[str, Any]]] = {}  # each objective's KPIs the rows leave out
    for row in readout.unit_rows(scores, unit, period.key):
        kind = row["kind"]
        if kind == "scorecard":
            card = row
        elif kind == "perspective":
            at, found = perspectives[row["code"]]
            weight = float(inputs.persp_weight[at])
            tree.append(Node(found["name"], row, position=at, weight=weight))
        elif kind == "objective":
            at = objectives[row["code"]]
            unshown[at] = [index.kpi[k] for k in scores.children.get(("objective", at), [])]
            weight = float(inputs.obj_weight[at])
            tree[-1].children.append(
                Node(index.objective[at]["name"], row, position=at, weight=weight)
            )
        else:
            at, kpi = kpis[row["code"]]
            objective = tree[-1].children[-1]
            node = Node(kpi["name"], row, kpi, position=at, weight=float(inputs.kpi_weight[at]))
            if located is not None:
                view_name, column = located
                view = scores.result.views[view_name]
                _kpi_extras(node, view, view_name, at, column, compared)
            objective.children.append(node)
            unshown[objective.position].remove(kpi)
    for perspective in tree:
        for objective in perspective.children:
            objective.latest = [
                _latest(scores, kpis[k["code"]][0], period, unit)
                for k in unshown[objective.position]
            ]
    return card, tree


def _latest(scores: engine.Scores, at: int, period: periods.Period, unit: str) -> Node:
    """A KPI reported less often than the period, in its latest period of its own."""
    kpi = scores.index.kpi[at]
    found = coarser.latest(scores, at, period, unit)
    weight = float(scores.inputs.kpi_weight[at])
    node = Node(kpi["name"], found.row, kpi, position=at, weight=weight, latest_of=found)
    if found.column >= 0:
        keys = scores.result.views[found.view_name].keys
        compared = _compared(found.view_name, keys, found.column, scores.fiscal_start)
        view = scores.result.views[found.view_name]
        _kpi_extras(node, view, found.view_name, at, found.column, compared)
    return node


def acted_on(unit: str) -> set[int]:
    """The KPIs of the unit that an open action item is about."""
    from fourfold.reviews.models import ActionItem

    query = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN, unit__code=unit, kpi_id__isnull=False
    )
    return set(query.values_list("kpi_id", flat=True))


def owners(unit: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, code) of the unit's objectives and KPIs → their owner's (user name, name)."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    columns = ("code", "owner__username", "owner__first_name", "owner__last_name")
    for kind, model, where in (
        ("objective", Objective, "perspective__scorecard__unit__code"),
        ("kpi", KPI, "objective__perspective__scorecard__unit__code"),
    ):
        found = model.objects.filter(**{where: unit, "archived": False, "owner__isnull": False})
        for code, username, first, last in found.values_list(*columns):
            out[(kind, code)] = (username, f"{first} {last}".strip() or username)
    return out


def _status_value(row: dict[str, Any]) -> str:
    return str(row["status"]).lower() if row.get("status") else NO_STATUS


def _options(
    tree: list[Node], named: dict[tuple[str, str], tuple[str, str]]
) -> tuple[list[Option], list[Option], list[Option]]:
    statuses: dict[str, str] = {}
    for perspective in tree:
        for objective in perspective.children:
            for node in [objective, *objective.children, *objective.latest]:
                value = _status_value(node.row)
                label = str(node.row["status"]).capitalize() if node.row.get("status") else None
                statuses.setdefault(value, label or "No data or not scored")
    people = sorted(set(named.values()), key=lambda v: (v[1].lower(), v[0]))
    return (
        [Option(v, label) for v, label in statuses.items() if v != NO_STATUS]
        + ([Option(NO_STATUS, statuses[NO_STATUS])] if NO_STATUS in statuses else []),
        [Option(username, name) for username, name in people],
        [Option(p.row["code"], p.name) for p in tree],
    )


def _filter(tree: list[Node], filters: Filters) -> list[Node]:
    """The perspectives, objectives and KPIs that the filters keep."""

    def status_ok(node: Node) -> bool:
        return not filters.status or _status_value(node.row) == filters.status.lower()

    out: list[Node] = []
    for perspective in tree:
        if filters.perspective and perspective.row["code"] != filters.perspective:
            continue
        kept: list[Node] = []
        for objective in perspective.children:
            owned = not filters.owner or objective.owner == filters.owner

            def ok(kpi: Node, owned: bool = owned) -> bool:
                return status_ok(kpi) and (owned or kpi.owner == filters.owner)

            kpis = [k for k in objective.children if ok(k)]
            latest = [k for k in objective.latest if ok(k)]
            if kpis or latest or (owned and status_ok(objective)):
                kept.append(replace(objective, children=kpis, latest=latest))
        if kept or not (filters.status or filters.owner):
            out.append(replace(perspective, children=kept))
    return out


def _dress(tree: list[Node], children: list[ChildUnit], period_label: str) -> None:
    """Prepare what each objective, KPI and unit below prints, as plain (or safe) strings."""
    snippets = rows.Snippets()
    for child in children:
        child.score_text = score(child.row["score"] if child.row else None)
        child.status_html = snippets.status(child.row)
    for perspective in tree:
        for objective in perspective.children:
            row = objective.row
            objective.score_text = score(row["score"])
            objective.status_html = snippets.status(row)
            objective.coverage_html = snippets.coverage(row, "KPIs and aligned objectives")
            if objective.how is not None:
                objective.how_html = breakdown.html(objective.how, snippets.status, period_label)
            for kpi in [*objective.children, *objective.latest]:
                kpi.html = rows.kpi_row(kpi, snippets, period_label)


def build(
    scores: engine.Scores,
    units: list[UnitNode],
    unit: UnitNode,
    period: periods.Period,
    filters: Filters | None = None,
    named: dict[tuple[str, str], tuple[str, str]] | None = None,
    forecasts: Forecasts | None = None,
    acted: set[int] | None = None,
) -> Page:
    """Everything the scorecard page shows, read from scores computed for the unit's subtree.

    `named` gives the owners of objectives and KPIs (see `owners`), for the owner filter;
    `forecasts` the fiscal year's forecast of each KPI by id, for the forecast column;
    `acted` the KPIs an open action item is about (see `acted_on`): a red KPI not among them
    is marked.
    """
    filters = filters or Filters()
    named = named or {}
    keys = scores.result.views[period.kind].keys
    card: dict[str, Any] | None = None
    tree: list[Node] = []
    if unit.code in scores.index.unit_codes:
        card, tree = _tree(scores, unit.code, period)
    located = scores.locate(period.key)
    if acted is not None and located is not None:
        status = scores.result.views[located[0]].status
        for perspective in tree:
            for objective in perspective.children:
                for kpi in objective.children:
                    worst = int(status[kpi.position, located[1]]) == 0
                    kpi.red_unacted = worst and kpi.info["id"] not in acted
    for perspective in tree:
        perspective.rule_text = _rule(
            scores, "perspective", perspective.position, len(perspective.children)
        )
        for objective in perspective.children:
            objective.owner = named.get(("objective", objective.row["code"]), ("", ""))[0]
            for kpi in [*objective.children, *objective.latest]:
                kpi.owner = named.get(("kpi", kpi.row["code"]), ("", ""))[0]
                if forecasts is not None:
                    kpi.forecast = forecasts.found.get(kpi.info["id"])
                    kpi.forecast_label = f"Forecast {forecasts.label}"
    # What the objectives expect: their KPIs and the objectives aligned to them from below.
    measures = Coverage()
    for perspective in tree:
        for objective in perspective.children:
            cov = objective.row["coverage"]
            measures.expected += cov["expected"]
            measures.reported += cov["reported"]
            measures.overdue += cov["overdue"]
    by_code = {u.code: u for u in units}
    children = []
    for child in (u for u in units if u.parent == unit.code):
        row = None
        if child.code in scores.index.unit_codes:
            row = next(readout.unit_rows(scores, child.code, period.key), None)
        children.append(ChildUnit(child, row))
    previous, following = neighbours(keys, period.key, period.fiscal_start)
    statuses, people, sections = _options(tree, named)
    total = sum(len(o.children) for p in tree for o in p.children)
    period_label = choose.label(period)
    compared_to = "the period before"
    if located is not None:
        compared_to = _compared(located[0], keys, located[1], period.fiscal_start)[1]
        query = f"?period={quote(period.key, safe='/')}"  # as the template's urlencode filter
        # `units` are the units the reader may view (units.visible_units: Access.can_view).
        viewable = set(by_code)
        names = {u.code: u.name for u in units}
        aligned = breakdown.contributors(scores)
        explain = breakdown.Explain(
            scores, located, unit.code, query, viewable, names, aligned, period_label
        )
        breakdown.explain(tree, explain)
    shown_tree = _filter(tree, filters) if filters.active else tree
    _dress(shown_tree, children, period_label)
    return Page(
        unit=unit,
        period=period,
        period_label=period_label,
        card=card,
        perspectives=shown_tree,
        measures=measures,
        ancestors=ancestors(unit, by_code),
        children=children,
        previous=previous,
        next=following,
        period_choices=choose.choices(list(keys), period),
        filters=filters,
        status_options=statuses,
        owner_options=people,
        perspective_options=sections,
        kpis_total=total,
        kpis_shown=sum(len(o.children) for p in shown_tree for o in p.children),
        latest_shown=sum(len(o.latest) for p in shown_tree for o in p.children),
        latest_what=_latest_what(shown_tree),
        compare_label=compared_to,
        unit_options=options(units, unit.code),
        schemes=legend.entries(scores, _legend_nodes(scores, card, shown_tree, children)),
        card_rule=_rule(scores, "scorecard", scores.card_of.get(unit.code, -1), len(tree)),
        forecast_year=forecasts.label if forecasts is not None else "",
    )


ROLLUP_WORDS = {"weighted_mean": "Weighted mean", "worst": "Worst", "share_met": "Share met"}
OF_WHAT = {"scorecard": ("perspective", "perspectives"), "perspective": ("objective", "objectives")}


def _rule(scores: engine.Scores, kind: str, position: int, n: int) -> str:
    """How a perspective's or the scorecard's score is made: 'Weighted mean of 3 objectives'."""
    if position < 0:
        return ""
    inputs = scores.inputs
    method = inputs.card_rollup if kind == "scorecard" else inputs.persp_rollup
    one, many = OF_WHAT[kind]
    return (
        f"{ROLLUP_WORDS[evaluate.ROLLUPS[int(method[position])]]} of {n} {one if n == 1 else many}"
    )


def _latest_what(tree: list[Node]) -> str:
    kinds = {coarser.WHAT[k.info["frequency"]] for p in tree for o in p.children for k in o.latest}
    return " or ".join(sorted(kinds))


def _legend_nodes(
    scores: engine.Scores, card: dict[str, Any] | None, tree: list[Node], children: list[ChildUnit]
) -> list[tuple[str, int]]:
    """(kind, row) of every scored node the page shows, for the legend of their schemes."""
    off = scores.result.offsets
    out: list[tuple[str, int]] = []
    if card is not None:
        out.append(("scorecard", off["scorecard"] + scores.card_of[card["unit"]]))
    for perspective in tree:
        out.append(("perspective", off["perspective"] + perspective.position))
        for objective in perspective.children:
            out.append(("objective", off["objective"] + objective.position))
            out += [("kpi", k.position) for k in [*objective.children, *objective.latest]]
            if objective.how:
                for part in objective.how.parts:
                    if part.kind == "objective":
                        out.append(("objective", off["objective"] + part.position))
    for child in children:
        if child.row is not None:
            out.append(("scorecard", off["scorecard"] + scores.card_of[child.unit.code]))
    return out
