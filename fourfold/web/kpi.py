"""The page of one KPI: its chart against target, every period's value with its history,
comments per period and the definition."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import numpy as np
import numpy.typing as npt
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from fourfold.accounts.access import Access, access_for
from fourfold.checks import views as checks
from fourfold.core import evaluate, periods
from fourfold.core import scoring as core_scoring
from fourfold.core.entries import FREQUENCY_KIND
from fourfold.measures.models import (
    KPI,
    Measurement,
    MeasurementVersion,
    Target,
    TargetVersion,
)
from fourfold.reviews.models import Comment
from fourfold.reviews.services import add_comment
from fourfold.revisions import moment
from fourfold.scoring import cache, engine
from fourfold.strategy.models import Organization, Unit

from . import editlinks, kpi_forecast, kpi_history
from . import objective as objective_page
from . import periods as choose
from .templatetags.fourfold import status_color

F = npt.NDArray[np.float64]
VIEW_OF = FREQUENCY_KIND
BAND_OPACITY = 0.13
RECENT = 12  # periods shown before the table folds
# Periods on the page at once: the chart and the table show this window of a KPI's history and
# page through the rest, so that what the page reads does not grow with the history.
WINDOW = 36


@dataclass
class PeriodRow:
    key: str
    label: str
    actual: float | None
    target: float | None
    red_flag: float | None
    low: float | None
    high: float | None
    score: float | None
    status: str | None
    color: str | None
    measurement: Measurement | None = None
    target_row: Target | None = None
    changes: list[kpi_history.Change] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    current: bool = False

    @property
    def history(self) -> SafeString:
        """The items of the period's History cell."""
        return kpi_history.as_html(self.changes)


@dataclass
class Zone:
    """A band of values that scores one status, per period; open edges are infinite."""

    status: int
    lower: F
    upper: F


@dataclass
class Page:
    unit: Unit
    kpi: KPI
    period: periods.Period
    period_label: str
    current: PeriodRow | None
    rows: list[PeriodRow]
    chart: dict[str, Any]
    comments: list[tuple[str, list[Comment]]]
    statuses: list[dict[str, str]]
    previous: choose.Choice | None
    next: choose.Choice | None
    # The windows of periods before and after the one shown, as the key of their newest period.
    older_window: choose.Choice | None = None
    newer_window: choose.Choice | None = None

    @property
    def recent(self) -> list[PeriodRow]:
        return self.rows[:RECENT]

    @property
    def older(self) -> list[PeriodRow]:
        """Periods before the recent ones: folded away so that a long history stays short."""
        return self.rows[RECENT:]

    @property
    def current_is_older(self) -> bool:
        return any(r.current for r in self.older)


def zones(
    scheme: core_scoring.Scheme,
    direction: str,
    tolerance: float,
    target: F,
    red_flag: F,
    low: F,
    high: F,
) -> list[Zone]:
    """The value bands of each status per period, bottom first, as the scheme scores them."""
    n = len(scheme.statuses)
    if scheme.type in ("yes_no", "unscored") or n < 2:
        return []
    inf = np.full(target.shape, np.inf)
    ups = list(range(1, n))
    if direction == "range":
        valid = np.isfinite(low) & np.isfinite(high) & (low <= high)
        width = np.full(target.shape, tolerance) if math.isfinite(tolerance) else high - low
        # A score of 10·i/N or more (status i) lies within width·(1 − i/N) of the band.
        below = [low - width * (1 - i / n) for i in ups]
        above = [high + width * (1 - i / n) for i in reversed(ups)]
        edges = [-inf, *below, *above, inf]
        order = [*range(n), *range(n - 2, -1, -1)]
    elif scheme.type == "goal_red_flag":
        valid = np.isfinite(target) & np.isfinite(red_flag) & (target != red_flag)
        # The score is 10/3·(1 + (A − R)/(G − R)): status i begins where it reaches 10·i/N.
        bounds = [red_flag + (target - red_flag) * (3 * i / n - 1) for i in ups]
        edges, order = _ordered(bounds, inf, n, direction == "decrease")
    else:
        mins = [float(m) / 100 for m in scheme.mins]
        valid = np.isfinite(target) & (target > 0)
        if direction == "decrease":
            bounds = [target / m if m > 0 else inf for m in mins]
        else:
            bounds = [target * m for m in mins]
        edges, order = _ordered(bounds, inf, n, direction == "decrease")
    nan = np.full(target.shape, np.nan)
    return [
        Zone(status, np.where(valid, edges[i], nan), np.where(valid, edges[i + 1], nan))
        for i, status in enumerate(order)
    ]


def _ordered(bounds: list[F], inf: F, n: int, falling: bool) -> tuple[list[F], list[int]]:
    """Edges bottom first for boundaries of statuses 1..N−1, which fall when lower is better."""
    if falling:
        return [-inf, *reversed(bounds), inf], list(range(n - 1, -1, -1))
    return [-inf, *bounds, inf], list(range(n))


def nice_range(lo: float, hi: float) -> tuple[float, float]:
    """An axis from a round number below `lo` to one above `hi`, with a little room."""
    span = hi - lo or abs(hi) * 0.2 or 1.0
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    bottom = math.floor((lo - span * 0.04) / step) * step
    top = math.ceil((hi + span * 0.04) / step) * step
    if lo >= 0 > bottom:  # a quantity that cannot fall below 0 keeps its axis at 0
        bottom = 0.0
    return float(bottom), float(top)


def _values(array: F) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in array.tolist()]


def chart(
    scores: engine.Scores,
    kpi: KPI,
    row: int,
    columns: range,
    current: int | None,
) -> dict[str, Any]:
    """What charts.js draws: actual, target and the status bands, with the axis range."""
    view = scores.result.views[VIEW_OF[kpi.frequency]]
    cols = np.arange(columns.start, columns.stop)
    actual, target = view.actual[row, cols], view.target[row, cols]
    red_flag, low, high = view.red_flag[row, cols], view.low[row, cols], view.high[row, cols]
    scheme = scores.inputs.schemes[int(scores.inputs.kpi_scheme[row])]
    tolerance = float(scores.inputs.kpi_tolerance[row])
    found = zones(scheme, kpi.direction, tolerance, target, red_flag, low, high)
    ranged = kpi.direction == "range"
    seen = [actual, low, high] if ranged else [actual, target]
    seen += [z.lower for z in found] + [z.upper for z in found]
    finite = np.concatenate([a[np.isfinite(a)] for a in seen]) if seen else np.array([])
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    y_min, y_max = nice_range(lo, hi)
    has_band = ~np.isnan(found[0].lower) if found else np.zeros(len(cols), dtype=bool)
    bands = []
    for zone in found:
        top = np.clip(zone.upper, y_min, y_max)
        bottom = np.clip(zone.lower, y_min, y_max)
        status = scheme.statuses[zone.status]
        bands.append(
            {
                "name": status.name.capitalize(),
                "color": status_color(status.color),
                "data": _values(np.where(has_band, np.maximum(top - bottom, 0), np.nan)),
            }
        )
    fs = scores.fiscal_start
    return {
        "kind": "kpi",
        "labels": [objective_page.short_label(view.keys[c], fs) for c in cols.tolist()],
        "actual": _values(actual),
        "target": None if ranged else _values(target),
        "low": _values(low) if ranged else None,
        "high": _values(high) if ranged else None,
        "base": _values(np.where(has_band, y_min, np.nan)),
        "bands": bands,
        "opacity": BAND_OPACITY,
        "min": y_min,
        "max": y_max,
        "current": None if current is None else current - columns.start,
        "unit": kpi.unit,
    }


def _span(view: evaluate.View, row: int) -> range:
    """The columns from the first to the last period with a value or a target."""
    present = (
        np.isfinite(view.actual[row]) | np.isfinite(view.target[row]) | np.isfinite(view.low[row])
    )
    found = np.flatnonzero(present)
    if found.size == 0:
        return range(0)
    return range(int(found[0]), int(found[-1]) + 1)


def window(span: range, column: int | None, until: int | None) -> range:
    """The columns of the span the page shows: at most WINDOW of them, ending at `until` when
    given, else at the span's end, unless the chosen period (`column`) lies before, in which
    case the window ends a little after it. The oldest window may be shorter: paging back
    shows each period once."""
    if not span:
        return span
    if until is None:
        until = span.stop - 1
        if column is not None and column <= until - WINDOW:
            until = column + WINDOW // 3
    until = min(max(until, span.start), span.stop - 1)
    return range(max(span.start, until - WINDOW + 1), until + 1)


def build(
    scores: engine.Scores,
    unit: Unit,
    kpi: KPI,
    period: periods.Period,
    today: dt.date,
    until: str = "",
) -> Page:
    """Everything the KPI page shows, in a fixed number of queries whatever its history: a
    window of its periods (ending at the period `until`, by default at its latest), whose
    rows alone are read."""
    view = scores.result.views[VIEW_OF[kpi.frequency]]
    row = next(i for i, k in enumerate(scores.index.kpi) if k["id"] == kpi.pk)
    scheme = scores.inputs.schemes[int(scores.inputs.kpi_scheme[row])]
    span = _span(view, row)
    located = scores.locate(period.key)
    column = located[1] if located is not None else None
    if column is not None and span and not span.start <= column < span.stop:
        # The chosen period lies outside the data: show it on the chart all the same.
        span = range(min(span.start, column), max(span.stop, column + 1))
    keys = list(view.keys)
    end = keys.index(until) if until in keys else None
    columns = window(span, column, end)
    shown = [keys[c] for c in columns]
    measurements = {
        m.period: m for m in kpi.measurements.filter(period__in=shown).select_related("entered_by")
    }
    targets = {
        t.period: t for t in kpi.targets.filter(period__in=shown).select_related("changed_by")
    }
    changes = kpi_history.changes(
        list(
            MeasurementVersion.objects.filter(kpi=kpi, period__in=shown).select_related(
                "entered_by", "superseded_by"
            )
        ),
        list(
            TargetVersion.objects.filter(kpi=kpi, period__in=shown).select_related(
                "changed_by", "superseded_by"
            )
        ),
    )
    comments: dict[str, list[Comment]] = defaultdict(list)
    # The comments of the periods shown, and those on no period.
    for comment in Comment.objects.filter(kpi=kpi, period__in=[*shown, ""]).select_related(
        "author"
    ):
        comments[comment.period].append(comment)
    rows: list[PeriodRow] = []
    for c in columns:
        key = view.keys[c]
        status = int(view.status[row, c])
        named = scheme.statuses[status] if status >= 0 else None
        rows.append(
            PeriodRow(
                key=key,
                label=choose.label(periods.parse_period(key, scores.fiscal_start)),
                actual=_values(view.actual[row, c : c + 1])[0],
                target=_values(view.target[row, c : c + 1])[0],
                red_flag=_values(view.red_flag[row, c : c + 1])[0],
                low=_values(view.low[row, c : c + 1])[0],
                high=_values(view.high[row, c : c + 1])[0],
                score=_values(np.round(view.score[row, c : c + 1], 2))[0],
                status=named.name if named else None,
                color=named.color if named else None,
                measurement=measurements.get(key),
                target_row=targets.get(key),
                changes=changes.get(key, []),
                comments=comments.get(key, []),
                current=c == column,
            )
        )
    current = next((r for r in rows if r.current), None)
    labels = {r.key: r.label for r in rows}
    grouped = [
        (labels.get(key) or (key or "No period"), found)
        for key, found in sorted(comments.items(), reverse=True)
    ]
    previous, following = objective_page.neighbours(keys, period)

    def newest(c: int) -> choose.Choice:
        return choose.Choice(
            keys[c], choose.label(periods.parse_period(keys[c], period.fiscal_start))
        )

    older = newest(columns.start - 1) if columns and columns.start > span.start else None
    newer = (
        newest(min(columns.stop - 1 + WINDOW, span.stop - 1))
        if columns and columns.stop < span.stop
        else None
    )
    return Page(
        unit=unit,
        kpi=kpi,
        period=period,
        period_label=choose.label(period),
        current=current,
        rows=list(reversed(rows)),
        chart=chart(scores, kpi, row, columns, column),
        comments=grouped,
        statuses=[
            {"status": s.name.capitalize(), "color": status_color(s.color)}
            for s in reversed(scheme.statuses)
        ],
        previous=previous,
        next=following,
        older_window=older,
        newer_window=newer,
    )


def _kpi_or_404(access: Access, unit_code: str, code: str) -> tuple[Unit, KPI]:
    unit = access.unit_or_404(unit_code)
    kpi = get_object_or_404(
        KPI.objects.select_related("objective__perspective", "owner", "contributor", "scheme"),
        objective__perspective__scorecard__unit=unit,
        archived=False,
        code=code,
    )
    return unit, kpi


def _render(
    request: HttpRequest,
    unit: Unit,
    kpi: KPI,
    key: str,
    form: objective_page.PeriodCommentForm | None = None,
) -> HttpResponse:
    organization = Organization.get()
    today = moment.today()  # the day of ?as_of= when asked
    period, error = objective_page.requested_period(key, organization, today)
    kind = VIEW_OF[kpi.frequency]
    period = periods.parse_period(choose.in_kind(period, kind), period.fiscal_start)
    until = request.GET.get("until", "") if request.method == "GET" else ""
    scores = cache.scores(unit=unit.code, today=today, organization=organization)
    page = build(scores, unit, kpi, period, today, until)
    choices = [(r.key, r.label) for r in page.rows] or [(period.key, page.period_label)]
    if form is None:
        form = objective_page.PeriodCommentForm(initial={"period": period.key})
    form.period_choices(choices)
    # One forecast of the fiscal year, for the outlook panel and the SMART panel's chance.
    outlook = kpi_forecast.outlook(scores, unit.code, kpi, today)
    found = outlook.found if outlook is not None else None
    chances = {kpi.pk: found.probability} if found is not None else None
    context = {
        "organization": organization,
        "page": page,
        "form": form,
        "error": error,
        "links": editlinks.for_kpi(access_for(request), unit, kpi, period),
        "smart": checks.kpi_panel(access_for(request), unit.code, kpi.code, scores, chances),
        "outlook": outlook,
    }
    status = 400 if error or form.is_bound else 200
    return render(request, "web/kpi.html", context, status=status)


@require_safe
@login_required
def page(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    """A KPI over time: chart, periods with who entered what, history, comments, definition."""
    found_unit, kpi = _kpi_or_404(access_for(request), unit, code)
    return _render(request, found_unit, kpi, request.GET.get("period", ""))


@require_POST
@login_required
def comment(request: HttpRequest, unit: str, code: str) -> HttpResponse:
    """Anyone who can view the KPI may comment on one of its periods."""
    found_unit, kpi = _kpi_or_404(access_for(request), unit, code)
    fiscal_start = Organization.get().fiscal_year_start
    form = objective_page.PeriodCommentForm(request.POST, fiscal_start=fiscal_start)
    if not form.is_valid():
        return _render(request, found_unit, kpi, request.POST.get("period", ""), form)
    key = form.cleaned_data["period"]
    made = add_comment(
        request.user, form.cleaned_data["text"], unit=found_unit, kpi=kpi, period=key
    )
    url = reverse("kpi", args=[found_unit.code, kpi.code])
    return redirect(f"{url}?{urlencode({'period': key})}#comment-{made.pk}")
