"""What each row of the scorecard's tables prints, prepared in Python: a scorecard has
hundreds of rows, and the template language spends far longer on each tag and include."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from . import breakdown, coarser
from . import forecast as forecast_words
from .templatetags.fourfold import num, score
from .trends import trend_cell

if TYPE_CHECKING:
    from .scorecard import Node


class Snippets:
    """The status and coverage partials, rendered once for each different input on a page
    (a handful of statuses and counts) rather than once for each of hundreds of rows."""

    def __init__(self) -> None:
        self._status_template = get_template("web/_status.html")
        self._coverage_template = get_template("web/_coverage.html")
        self._status: dict[Any, SafeString] = {}
        self._coverage: dict[Any, SafeString] = {}

    def status(self, row: dict[str, Any] | None) -> SafeString:
        # Everything web/_status.html reads of the row.
        key = row and (row.get("status"), row.get("color"), row.get("actual") is not None)
        if key not in self._status:
            self._status[key] = SafeString(self._status_template.render({"row": row}))
        return self._status[key]

    def coverage(self, row: dict[str, Any], what: str = "") -> SafeString:
        cov = row["coverage"]
        key = (cov["expected"], cov["reported"], cov["overdue"], what)
        if key not in self._coverage:
            context = {"row": row, "what": what}
            self._coverage[key] = SafeString(self._coverage_template.render(context))
        return self._coverage[key]


# A KPI's row of the scorecard table (web/_scorecard.html), filled in by `kpi_row`: the
# page has one for each of up to hundreds of KPIs, which the template language would spend
# most of the page's rendering time on. Every text put in is escaped there.
KPI_ROW = """
        <tr class="{classes}">
          <th scope="row" class="kpi__name">
            <a href="{url}">{name}</a>
            {notes}
          </th>
          <td class="num" data-label="Actual">{actual}</td>
          <td class="num" data-label="Target">{target}</td>
          <td class="num variance" data-label="Variance">{variance}</td>
          <td class="uom" data-label="Unit of measure">{uom}</td>
          <td class="trend-cell" data-label="Trend">{trend}</td>
          <td class="num" data-label="Score">{score}</td>
          <td data-label="Status">{status}</td>
          <td class="num" data-label="Reported">{coverage}</td>
          <td class="num forecast-cell" data-label="{forecast_label}">{forecast}</td>
        </tr>"""
HINTS = {"decrease": "lower is better", "range": "best in range"}


def target_text(row: dict[str, Any], direction: str) -> str:
    if direction != "range":
        return num(row["target"])
    if row.get("low") is None and row.get("high") is None:
        return "—"
    return f"{num(row.get('low'))}–{num(row.get('high'))}"


def weight_hint(weight: float) -> str:
    """A weight other than 1, as a hint beside a name; the usual weight goes unsaid."""
    if weight == 1:
        return ""
    return f'<span class="hint hint--weight">{escape(breakdown.weight_text(weight))}</span>'


def forecast_cell(found: Any) -> str:
    """The expected value for the year and, below it, the chance of meeting its target."""
    value, chance = forecast_words.cell(found)
    if not chance:
        return escape(value)
    return (
        f'{escape(value)} <span class="forecast-cell__chance" title="Chance of meeting the '
        f'target">{escape(chance)}<span class="visually-hidden"> chance of meeting the '
        "target</span></span>"
    )


def kpi_row(kpi: Node, snippets: Snippets, period_label: str) -> SafeString:
    row, info = kpi.row, kpi.info
    hints = (
        HINTS.get(info["direction"], ""),
        "" if info["frequency"] == "monthly" or kpi.latest_of else info["frequency"],
    )
    notes = [f'<span class="hint">{escape(hint)}</span>' for hint in hints if hint]
    if info.get("formula"):
        title = escape(f"Calculated: {info['formula']}")
        notes.append(f'<span class="hint" title="{title}">calculated</span>')
    notes.append(weight_hint(kpi.weight))
    if row.get("quality"):
        notes.append(
            '<span class="quality"><span class="quality__mark" aria-hidden="true">⚠</span> '
            f"{escape(row['quality'])}</span>"
        )
    if kpi.red_unacted:
        notes.append(
            '<span class="no-action" title="Red, and no open action item is about it">'
            '<span aria-hidden="true">⚑</span> no action</span>'
        )
    if kpi.latest_of:
        text = coarser.note(info["frequency"], kpi.latest_of.label, period_label)
        notes.append(f'<span class="latest">{escape(text)}</span>')
    variance = "—"
    if kpi.variance:
        variance = (
            f'<span class="variance__amount">{escape(kpi.variance.amount_text)}</span> '
            f'<span class="variance__pct">{escape(kpi.variance.percent_text)}</span>'
        )
    html = KPI_ROW.format(
        classes="kpi kpi--latest" if kpi.latest_of else "kpi",
        url=escape(kpi.url),
        name=escape(kpi.name),
        notes=" ".join(n for n in notes if n),
        actual=escape(num(row["actual"])),
        target=escape(target_text(row, info["direction"])),
        variance=variance,
        uom=escape(info["unit_of_measure"] or "—"),
        trend=trend_cell(kpi.spark, kpi.trend),
        score=escape(score(row["score"])),
        status=snippets.status(row),
        coverage=snippets.coverage(row),
        forecast_label=escape(kpi.forecast_label),
        forecast=forecast_cell(kpi.forecast),
    )
    return mark_safe(html)  # noqa: S308 - every text escaped above
