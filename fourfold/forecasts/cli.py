"""`fourfold forecast`: each KPI's forecast for a period (registered on `fourfold.cli`'s group)."""

from __future__ import annotations

import json
from typing import Any

import click

from fourfold.cli import Failure, cli, parse_when, with_django
from fourfold.core.numbers import grouped


@cli.command(short_help="Forecast each KPI of a unit for a period, with an 80 % interval.")
@click.option("--unit", metavar="CODE", required=True, help="Unit code.")
@click.option(
    "--period",
    metavar="KEY",
    help="2026, 2026-Q4, 2026-11 or 2026-11-YTD; FY2026... when the fiscal year does not "
    "start in January (default: the current fiscal year).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per KPI, per line.")
@click.option("--today", metavar="DATE", help="Forecast as on this date (default: today).")
@with_django
def forecast(unit: str, period: str | None, as_json: bool, today: str | None) -> None:
    """Forecast the value of each KPI of a unit over a whole period: the months already
    reported keep their values, the others are forecast from the history before them, with
    an 80 % interval (10th to 90th percentile) and the probability of meeting the target.

    \b
    Examples:
      fourfold forecast --unit acme --period 2026
      fourfold forecast --unit acme --period 2026-Q4 --json
    """
    from django.utils import timezone

    from fourfold.core import periods
    from fourfold.strategy.models import Unit

    from . import services

    moment = parse_when(today, "--today")
    day = moment.date() if moment else timezone.localdate()
    key = period if period is not None else services.current_year(day)
    if not Unit.objects.filter(code=unit).exists():
        raise Failure(f"there is no unit '{unit}'")
    try:
        found = services.forecast(None, key, today=day, unit=unit, fan=False)
    except periods.PeriodError as exc:
        raise Failure(str(exc)) from exc
    rows = [f.as_json() for f in found.values()]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(table(rows))


def _short(value: float | None) -> str:
    """Whole numbers from a thousand up: a forecast's cents mean nothing."""
    return grouped(round(value) if value is not None and abs(value) >= 1000 else value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def table(rows: list[dict[str, Any]]) -> str:
    """A readable table of forecast rows."""
    lines = [
        f"{'kpi':<28} {'so far':>12} {'forecast':>12} {'80 % interval':>27} "
        f"{'target':>12} {'chance':>6}  method"
    ]
    for row in rows:
        band = "—" if row["low"] is None else f"{grouped(row['low'])} – {grouped(row['high'])}"
        lines.append(
            f"{row['code'][:28]:<28} {_short(row['actual_to_date']):>12} "
            f"{_short(row['forecast']):>12} {band:>27} {_short(row['target']):>12} "
            f"{_pct(row['probability']):>6}  {row['method']} ({row['points']} points)"
        )
    if len(lines) == 1:
        lines.append("(no KPI of this unit is reported for this period)")
    return "\n".join(lines)
