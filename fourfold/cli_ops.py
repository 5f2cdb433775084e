"""The commands that run and keep an installation: the worker, data sources, reminders,
backup and restore (registered on `fourfold.cli`'s group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fourfold.cli import Failure, cli, parse_when, with_django


@cli.command(short_help="Run scheduled data sources, daily reminders, scheduled books and alerts.")
@with_django
def worker() -> None:
    """Run the background worker: scheduled data sources, daily reminders, books and alerts."""
    import time

    from django_q.cluster import Cluster

    from fourfold.alerts.apps import ensure_schedule as ensure_alerts
    from fourfold.freshness.apps import ensure_schedule
    from fourfold.sharing.apps import ensure_schedule as ensure_books

    ensure_schedule()
    ensure_books()
    ensure_alerts()
    # The cluster stops itself on SIGINT (Ctrl+C): it installs its own signal handlers.
    cluster = Cluster()
    click.echo("Fourfold's background worker is running (Ctrl+C stops it).")
    cluster.start()
    while cluster.sentinel is not None and cluster.sentinel.is_alive():
        time.sleep(0.5)
    click.echo("The background worker has stopped.")


@cli.group(short_help="List or run the data sources (SQL and folder connectors).")
def connectors() -> None:
    """Data sources that read values from databases and folders on a schedule."""


@connectors.command(name="list")
@with_django
def connectors_list() -> None:
    """List the data sources with their schedule and last run."""
    from fourfold.connectors.models import Connector

    found = list(Connector.objects.prefetch_related("runs"))
    if not found:
        click.echo("No data source yet: add one on the Data sources page.")
    for connector in found:
        last = next(iter(connector.runs.all()), None)
        outcome = f"last run {last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never"
        click.echo(f"{connector.name}\t{connector.kind}\t{connector.schedule_text()}\t{outcome}")


@connectors.command(name="run")
@click.argument("name", required=False)
@with_django
def connectors_run(name: str | None) -> None:
    """Run the data source NAME (or every enabled one) now, in the foreground.

    \b
    Examples:
      fourfold connectors run
      fourfold connectors run "ERP sales"
    """
    from fourfold.connectors import services
    from fourfold.connectors.models import Connector, ConnectorRun

    if name:
        chosen = list(Connector.objects.filter(name=name))
        if not chosen:
            raise Failure(f"there is no data source '{name}'")
    else:
        chosen = list(Connector.objects.filter(enabled=True))
        if not chosen:
            click.echo("No enabled data source to run.")
            return
    failed = 0
    for connector in chosen:
        run = services.run(connector, trigger=ConnectorRun.Trigger.COMMAND)
        if run.status == ConnectorRun.Status.SUCCEEDED:
            click.echo(
                f"{connector.name}: read {run.rows_read} rows; {run.created} values created, "
                f"{run.changed} changed, {run.unchanged} unchanged."
            )
            continue
        failed += 1
        for reason in run.refused:
            click.echo(f"{connector.name}: {reason}", err=True)
        click.echo(f"fourfold: {connector.name} failed: {run.error}", err=True)
    if failed:
        raise Failure(f"{failed} of {len(chosen)} data sources failed; see the lines above")


@cli.command(short_help="Email the digests of overdue values and action items now.")
@click.option("--dry-run", is_flag=True, help="Print who would get what, and send nothing.")
@click.option("--today", metavar="DATE", help="Judge what is overdue as on this date (2026-04-15).")
@with_django
def remind(dry_run: bool, today: str | None) -> None:
    """Email each contributor one digest of their overdue values; escalate to owners.

    The same digest names the action items each person owns that are due within the
    policy's days or late, and those late long enough to be escalated to them as the
    review's chair or the unit's editor; each action once per kind.

    The mail server is set with FOURFOLD_EMAIL_HOST and the like; without one the digests
    are printed. `fourfold worker` sends them every day.

    \b
    Example:
      fourfold remind --dry-run
    """
    from fourfold.freshness import services

    day = parse_when(today, "--today")
    outcome = services.send(day.date() if day else None, dry_run=dry_run)
    for line in services.describe(outcome, dry_run=dry_run):
        click.echo(line)
    if outcome.failed:
        raise Failure(f"{len(outcome.failed)} digests could not be sent")


@cli.command(short_help="Write a consistent backup of the whole database to a file.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_django
def backup(file: Path, force: bool) -> None:
    """Write a consistent backup of the whole database to FILE, while the application runs.

    The embedded SQLite database is copied with SQLite's online backup API; a PostgreSQL
    database is written by pg_dump in its custom format (the client programs must be
    installed). `fourfold restore FILE` brings it back.

    \b
    Examples:
      fourfold backup fourfold-2026-03-31.sqlite3
      fourfold backup nightly.dump --force
    """
    from fourfold.files import backup as backups

    try:
        written = backups.backup(file, force=force)
    except backups.BackupError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"Wrote {written.path} ({backups.size_text(written.size)}): {written.counts}.")


@cli.command(short_help="Replace the whole database with a backup.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_django
def restore(file: Path, yes: bool) -> None:
    """Replace the whole database with the backup FILE (of `fourfold backup`).

    The database as it was is kept first: an embedded one next to itself as
    NAME.before-restore-TIMESTAMP.sqlite3, a PostgreSQL one in FOURFOLD_HOME as
    NAME.before-restore-TIMESTAMP.dump. A backup from an older Fourfold is brought up to
    date.

    \b
    Examples:
      fourfold restore fourfold-2026-03-31.sqlite3
      fourfold restore nightly.dump --yes
    """
    from fourfold.files import backup as backups

    try:
        checked = backups.check(file)
        now = backups.current_counts()
        click.echo(
            f"Restoring {file} replaces {backups.describe()} (now {now}) with the backup "
            f"({checked.counts})."
        )
        if not yes:
            if not sys.stdin.isatty():
                raise Failure(
                    "restore replaces the whole database, so it asks first, and standard input "
                    "is not a terminal: add --yes to confirm; nothing was changed"
                )
            if not click.confirm("Replace it?", default=False):
                raise Failure("nothing was changed")
        restored = backups.restore(checked)
    except backups.BackupError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"Kept the database as it was in {restored.kept}.")
    click.echo(f"Restored {file}: {restored.counts}.")
