"""`fourfold agenda`: the agenda of a unit's review for a period (registered on
`fourfold.cli`'s group)."""

from __future__ import annotations

import json

import click

from fourfold.cli import Failure, cli, parse_when, with_django


@cli.command(short_help="Print the agenda of a unit's review for a period.")
@click.option("--unit", metavar="CODE", required=True, help="Unit code.")
@click.option(
    "--period", metavar="KEY", required=True, help="The review's period: 2026-11, 2026-Q4, 2026."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per agenda item, per line.")
@click.option(
    "--today", metavar="DATE", help="Judge what is overdue and late as on this date (2026-12-03)."
)
@with_django
def agenda(unit: str, period: str, as_json: bool, today: str | None) -> None:
    """Print the items a review of a unit for a period needs to discuss, in this order: open
    action items, overdue action items, red KPIs and objectives, those worse than the period
    before, KPIs unlikely to meet the fiscal year's target, overdue data, initiatives behind.

    \b
    Examples:
      fourfold agenda --unit northwind --period 2026-10
      fourfold agenda --unit northwind --period 2026-Q3 --json --today 2026-10-20
    """
    from django.utils import timezone

    from fourfold.core import periods
    from fourfold.reviews.agenda import build
    from fourfold.strategy.models import Unit

    moment = parse_when(today, "--today")
    day = moment.date() if moment else timezone.localdate()
    found = Unit.objects.filter(code=unit).first()
    if found is None:
        raise Failure(f"there is no unit '{unit}'")
    try:
        made = build(found, period, today=day)
    except periods.PeriodError as exc:
        raise Failure(str(exc)) from exc
    if as_json:
        for item in made.items:
            click.echo(json.dumps(item.as_json(), ensure_ascii=False))
        return
    for n, item in enumerate(made.items, 1):
        click.echo(f"{n:>3}. [{item.reason}, {item.minutes} min] {item.message}")
    count = len(made.items)
    click.echo(
        f"{count} item{'s' if count != 1 else ''}, {made.minutes} minutes, for the review of "
        f"{found.name} for {made.period}."
        if count
        else f"Nothing needs discussion in the review of {found.name} for {made.period}.",
        err=True,
    )
