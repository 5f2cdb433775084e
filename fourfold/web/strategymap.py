"""A unit's strategy map for a period: the page, and the same map as a downloadable SVG."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from fourfold.accounts.access import Access, access_for
from fourfold.core import layout
from fourfold.core.periods import PeriodError, parse_period
from fourfold.revisions import moment
from fourfold.scoring import engine, readout
from fourfold.scoring.cache import scores as compute
from fourfold.strategy.models import Alignment, Link, Organization

from . import periods as choose
from .templatetags.fourfold import score, status_color
from .units import ancestors, neighbours, options, visible_units

STYLE = layout.Style()
TITLE_LINE = 15


@dataclass
class Line:
    x: float
    y: float
    text: str


@dataclass
class MapNode:
    """An objective's box, ready to draw: geometry, text lines, status and where it leads."""

    code: str
    name: str
    href: str
    x: float
    y: float
    width: float
    height: float
    lines: list[Line]
    status: str
    color: str
    score: str
    status_y: float
    scored: bool
    status_text: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}: {self.status}, score {self.score}"

    @property
    def ring(self) -> tuple[float, float, float, float]:
        return self.x - 4, self.y - 4, self.width + 8, self.height + 8

    @property
    def dot(self) -> tuple[float, float]:
        return self.x + 15, self.status_y - 4

    @property
    def status_x(self) -> float:
        return self.x + 25

    @property
    def score_x(self) -> float:
        return self.x + self.width - 10


@dataclass
class MapLink:
    cause: str
    effect: str
    cause_name: str
    effect_name: str
    path: str


@dataclass
class StrategyMap:
    width: float
    height: float
    bands: list[layout.Band]
    nodes: list[MapNode] = field(default_factory=list)
    links: list[MapLink] = field(default_factory=list)
    title: str = ""
    titles: list[Line] = field(default_factory=list)
    font_size: float = STYLE.font_size
    title_size: float = STYLE.title_size
    gutter: float = STYLE.margin + STYLE.gutter - 8


def objective_url(unit: str, code: str, period: str) -> str:
    """The objective's page; built by hand while that page's route is not there yet."""
    try:
        url = reverse("objective", args=[unit, code])
    except NoReverseMatch:
        url = f"/units/{unit}/objectives/{code}/"
    return f"{url}?{urlencode({'period': period})}"


def map_url(unit: str, period: str, **extra: str) -> str:
    return f"{reverse('strategy_map', args=[unit])}?{urlencode({'period': period, **extra})}"


def build(
    scores: engine.Scores,
    unit: str,
    period: str,
    links: list[tuple[int, int]],
    title: str = "",
    base: str = "",
) -> StrategyMap:
    """The map of `unit`'s scorecard: its perspectives in order, objectives and their links.

    `links` are (cause id, effect id) of objectives; `base` prefixes the objectives' addresses
    (a site address for a downloaded file, which has no page to be relative to).
    """
    index = scores.index
    if unit not in scores.card_of:
        return StrategyMap(2 * STYLE.margin, 0, [], title=title)
    card = scores.card_of[unit]
    positions = [i for i, p in enumerate(index.perspective) if p["scorecard"] == card]
    band_of = {p: b for b, p in enumerate(positions)}
    objectives = [o for o in index.objective if o["perspective"] in band_of]
    rows = {}
    if unit in index.unit_codes:
        rows = {
            r["code"]: r
            for r in readout.unit_rows(scores, unit, period)
            if r["kind"] == "objective"
        }
    code_of = {o["id"]: o["code"] for o in objectives}
    pairs = [(code_of[c], code_of[e]) for c, e in links if c in code_of and e in code_of]
    placed = layout.layout(
        [
            layout.BandIn(index.perspective[p]["code"], index.perspective[p]["name"])
            for p in positions
        ],
        [layout.NodeIn(o["code"], band_of[o["perspective"]], o["name"]) for o in objectives],
        pairs,
        STYLE,
    )
    names = {o["code"]: o["name"] for o in objectives}
    out = StrategyMap(placed.width, placed.height, placed.bands, title=title)
    for band in placed.bands:
        middle = (band.row_top + band.row_bottom) / 2
        first = middle - (len(band.lines) - 1) * TITLE_LINE / 2 + STYLE.title_size / 3
        out.titles.extend(
            Line(STYLE.margin, first + i * TITLE_LINE, text) for i, text in enumerate(band.lines)
        )
    for box, objective in zip(placed.nodes, objectives, strict=True):
        row: dict[str, Any] = rows.get(box.key, {})
        text_top = box.y + STYLE.pad_y + STYLE.font_size
        lines = [
            Line(box.x + box.width / 2, text_top + i * STYLE.line_height, text)
            for i, text in enumerate(box.lines)
        ]
        if row.get("status"):
            status = str(row["status"]).capitalize()
        elif row.get("score") is not None:
            status = "Not scored"
        else:
            status = "No data"
        out.nodes.append(
            MapNode(
                code=box.key,
                name=objective["name"],
                href=base + objective_url(objective["unit"], box.key, period),
                x=box.x,
                y=box.y,
                width=box.width,
                height=box.height,
                lines=lines,
                status=status,
                color=status_color(row.get("color")),
                score=score(row.get("score")),
                status_y=box.bottom - STYLE.pad_y - 4,
                scored=bool(row.get("status")),
                status_text=layout.wrap(status, box.width - 25 - 10 - 40, 12, 1)[0][0],
            )
        )
    for edge in placed.edges:
        out.links.append(
            MapLink(edge.cause, edge.effect, names[edge.cause], names[edge.effect], edge.path)
        )
    return out


def _ids(scores: engine.Scores, unit: str) -> list[int]:
    card = scores.card_of.get(unit)
    return [
        o["id"]
        for o in scores.index.objective
        if card is not None and scores.index.perspective[o["perspective"]]["scorecard"] == card
    ]


def _links(scores: engine.Scores, unit: str) -> list[tuple[int, int]]:
    ids = _ids(scores, unit)
    found = Link.objects.filter(cause_id__in=ids, effect_id__in=ids).order_by("pk")
    return list(found.values_list("cause_id", "effect_id"))


@dataclass
class Aligned:
    """An alignment beside the map: an objective here and one of a unit above or below."""

    here: str
    other: str
    other_unit: str
    href: str
    contributes: bool
    here_id: int = 0


def alignments(
    scores: engine.Scores, unit: str, period: str, access: Access
) -> tuple[list[Aligned], list[Aligned]]:
    """What the map's objectives serve above, and what serves them below, in one query; the
    objectives of units the reader may not see are left out."""
    ids = set(_ids(scores, unit))
    rows = Alignment.objects.filter(
        Q(child_id__in=ids) | Q(parent_id__in=ids), child__archived=False, parent__archived=False
    ).order_by("order", "pk")
    above: list[Aligned] = []
    below: list[Aligned] = []
    for row in rows.values(
        "child_id",
        "parent_id",
        "child__name",
        "child__code",
        "parent__name",
        "parent__code",
        "contributes",
        cu=F("child__perspective__scorecard__unit_id"),
        cu_code=F("child__perspective__scorecard__unit__code"),
        cu_name=F("child__perspective__scorecard__unit__name"),
        pu=F("parent__perspective__scorecard__unit_id"),
        pu_code=F("parent__perspective__scorecard__unit__code"),
        pu_name=F("parent__perspective__scorecard__unit__name"),
    ):
        serving = row["child_id"] in ids
        if serving:
            other = (row["parent__name"], row["parent__code"], row["pu"], row["pu_code"])
            here, other_unit_name, here_id = row["child__name"], row["pu_name"], row["child_id"]
        else:
            other = (row["child__name"], row["child__code"], row["cu"], row["cu_code"])
            here, other_unit_name, here_id = row["parent__name"], row["cu_name"], row["parent_id"]
        name, code, other_unit, unit_code = other
        if not access.can_view(other_unit):
            continue
        href = objective_url(unit_code, code, period)
        found = Aligned(here, name, other_unit_name, href, row["contributes"], here_id)
        (above if serving else below).append(found)
    # Grouped by the objective here, in the map's order.
    order = {o["id"]: i for i, o in enumerate(scores.index.objective)}
    above.sort(key=lambda a: order.get(a.here_id, len(order)))
    below.sort(key=lambda a: order.get(a.here_id, len(order)))
    return above, below


@require_safe
@login_required
def strategy_map(request: HttpRequest, unit: str) -> HttpResponse:
    """A unit's strategy map for a period; `?format=svg` downloads it."""
    units = visible_units(access_for(request))
    by_code = {u.code: u for u in units}
    if unit not in by_code:
        raise Http404(f"There is no unit with the code '{unit}'.")
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    picked = request.GET.get("unit", "").strip()
    if picked and picked != unit:
        if picked not in by_code:
            raise Http404(f"There is no unit with the code '{picked}'.")
        query = {k: request.GET[k] for k in ("period", "kind") if request.GET.get(k)}
        return redirect(f"{reverse('strategy_map', args=[picked])}?{urlencode(query)}")
    error = None
    try:
        period = choose.requested(
            request.GET.get("period", ""),
            request.GET.get("kind", ""),
            organization.fiscal_year_start,
            today,
        )
    except PeriodError as exc:
        error = str(exc)
        period = parse_period(choose.last_ended_month(today), organization.fiscal_year_start)
    as_svg = request.GET.get("format") == "svg"
    canonical = map_url(unit, period.key, **({"format": "svg"} if as_svg else {}))
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    if error is None and not partial and request.get_full_path() != canonical:
        return redirect(canonical)
    scores = compute(unit=unit, today=today)
    node = by_code[unit]
    title = f"{node.name} — strategy map, {choose.label(period)}"
    base = request.build_absolute_uri("/").rstrip("/") if as_svg else ""
    access = access_for(request)
    smap = build(scores, unit, period.key, _links(scores, unit), title, base)
    if as_svg:
        if error:
            raise Http404(error)
        svg = render_to_string("web/_strategymap_svg.html", {"map": smap, "standalone": True})
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        name = f"{unit}-strategy-map-{period.key}.svg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    keys = scores.result.views[period.kind].keys
    previous, following = neighbours(keys, period.key, period.fiscal_start)
    serves, served_by = alignments(scores, unit, period.key, access)
    context = {
        "organization": organization,
        "unit_options": options(units, node.code),
        "unit": node,
        "ancestors": ancestors(node, by_code),
        "period": period,
        "period_label": choose.label(period),
        "period_choices": choose.choices(list(keys), period),
        "previous": previous,
        "next": following,
        "kinds": choose.KIND_LABELS,
        "map": smap,
        "serves": serves,
        "served_by": served_by,
        "error": error,
        "svg_url": map_url(unit, period.key, format="svg"),
        "scorecard_url": f"{reverse('scorecard', args=[unit])}?{urlencode({'period': period.key})}",
    }
    template = "web/_strategymap.html" if partial else "web/strategymap.html"
    response = render(request, template, context, status=400 if error else 200)
    if partial and error is None:
        push_url(response, canonical)
    patch_vary_headers(response, ("HX-Request",))
    return response
