"""`fourfold cascade`: create the scorecard of a unit from its parent's."""

from __future__ import annotations

import click

from fourfold.cli import Failure, cli, parse_when, with_django


@cli.command(short_help="Create the scorecard of a unit from its parent's.")
@click.argument("parent")
@click.argument("child")
@click.option(
    "--objectives",
    metavar="A,B",
    help="Codes of the parent's objectives to carry down, separated by commas (default: all).",
)
@click.option(
    "--kpis",
    type=click.Choice(["copy", "share"]),
    default="copy",
    show_default=True,
    help="Copy each KPI, or make it a share of the parent's KPI, which then sums its children.",
)
@click.option(
    "--split",
    type=click.Choice(["equal", "last_year", "copy"]),
    default="equal",
    show_default=True,
    help="The child's targets: the parent's split equally among its children, by last year's "
    "shares of the children, or copied unchanged.",
)
@click.option("--today", metavar="DATE", help="Read 'last year' as on this date (2026-04-15).")
@with_django
def cascade(
    parent: str, child: str, objectives: str | None, kpis: str, split: str, today: str | None
) -> None:
    """Carry PARENT's objectives down into its child unit CHILD: each becomes an objective
    CHILD-code aligned to it (contributing), with its KPIs and their targets."""
    from fourfold.accounts.access import Access
    from fourfold.cascade.services import CascadeError, make, plan
    from fourfold.strategy.models import Unit

    units = {u.code: u for u in Unit.objects.filter(code__in=[parent, child])}
    for code in (parent, child):
        if code not in units:
            raise Failure(f"there is no unit '{code}'")
    day = parse_when(today, "--today")
    codes = [c.strip() for c in objectives.split(",") if c.strip()] if objectives else None
    try:
        found = plan(
            units[parent],
            units[child],
            objectives=codes,
            kpis=kpis,
            split=split,
            today=day.date() if day else None,
        )
        made = make(found, actor=None, access=Access.trusted())
    except CascadeError as exc:
        raise Failure(str(exc)) from None
    n_kpis = sum(len(o.kpis) for o in found.objectives)
    click.echo(
        f"Cascaded {len(found.objectives)} objectives and {n_kpis} KPIs of {parent} into "
        f"{child} ({found.n_targets} targets, split {split}); cascade {made.pk}."
    )
