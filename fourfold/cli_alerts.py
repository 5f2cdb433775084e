"""`fourfold alerts`: judge the alerts people follow and send them (registered on `cli`)."""

from __future__ import annotations

import click

from fourfold.cli import Failure, cli, parse_when, with_django


@cli.group(short_help="Judge and send the alerts people follow.")
def alerts() -> None:
    """Alerts on what people follow: KPIs, objectives, initiatives and units."""


@alerts.command(name="run")
@click.option("--dry-run", is_flag=True, help="Print what would be sent, and send nothing.")
@click.option("--today", metavar="DATE", help="Judge as on this date (2026-04-15).")
@with_django
def alerts_run(dry_run: bool, today: str | None) -> None:
    """Judge every alert now, then send what is due: alerts at once, today's digests (the
    week's on Mondays) and the retries whose time has come. `fourfold worker` does this on
    its own schedule.

    \b
    Example:
      fourfold alerts run --dry-run
    """
    from fourfold.alerts import run

    day = parse_when(today, "--today")
    outcome = run.run(day.date() if day else None, dry_run=dry_run)
    for line in run.describe(outcome, dry_run=dry_run):
        click.echo(line)
    failed = [d for d in outcome.deliveries if d.status in ("failed", "retrying")]
    if failed and not dry_run:
        raise Failure(f"{len(failed)} of {len(outcome.deliveries)} messages could not be sent yet")
