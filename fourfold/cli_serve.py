"""`fourfold serve` and `fourfold demo`: the web application served (gunicorn)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from fourfold.cli import Failure, cli, setup, with_django

PROCESSES = click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Application processes (default: two a CPU core, 2 to 8).",
)
THREADS = click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Threads of each process.",
)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every network interface).",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@PROCESSES
@THREADS
@with_django
def serve(host: str, port: int, processes: int | None, threads: int) -> None:
    """Serve the web application (gunicorn: several processes of 4 threads) until Ctrl+C.

    \b
    Example:
      FOURFOLD_ALLOWED_HOSTS=bsc.example.com fourfold serve --host 0.0.0.0 --port 8080
    """
    run_server(host, port, processes, threads)


def run_server(host: str, port: int, processes: int | None = None, threads: int = 4) -> None:
    from fourfold import serving

    try:
        listener = serving.listen(host, port)
    except serving.Failure as exc:
        raise Failure(str(exc)) from exc
    # The port it listens on: with --port 0 the system chose one.
    port = listener.getsockname()[1]
    click.echo(f"Fourfold is at http://{host}:{port}/  (Ctrl+C stops it)")
    serving.serve(listener, processes or serving.default_processes(), threads)


@cli.command(short_help="An example organization in a fresh database, served.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every network interface, to open it from another "
    "machine).",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--no-serve", is_flag=True, help="Create the demo database and stop, without serving it."
)
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create a fresh database holding Northwind Components, an example company, and serve it.

    Northwind has 11 units in three levels, 38 objectives and 44 KPIs, with values for the
    three years that end with last month, this month's first figures, a few values missing
    or overdue, and targets to the end of this fiscal year: made up for the day you run it,
    so Home and every scorecard open on last month's scores. Sign in as demo with the password
    demo (Sofia Lindqvist, the COO, an administrator who owns KPIs).

    The database is demo.sqlite3 in FOURFOLD_HOME (default ~/.fourfold), whatever
    FOURFOLD_DATABASE_URL says; an earlier demo database there is replaced, your own
    database is left alone. `fourfold load fourfold/demo/northwind.yaml` loads the same
    organization, made up for 2026-11-24, into your own database.

    \b
    Examples:
      fourfold demo                     serve it on http://127.0.0.1:8000/
      fourfold demo --port 8080         on another port
      FOURFOLD_ALLOWED_HOSTS=bsc.example.com fourfold demo --host 0.0.0.0
                                        reachable from other machines, by that name
      fourfold demo --no-serve          create it only; `fourfold serve` serves it later
                                        with FOURFOLD_DATABASE_URL=sqlite:///PATH
    """
    from fourfold.paths import home

    path = home() / "demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["FOURFOLD_DATABASE_URL"] = f"sqlite:///{path}"
    setup()
    from django.utils import timezone

    from fourfold.demo import install

    today = timezone.localdate()
    email, password = install.install(today)
    click.echo(f"Demo database: {path} (values to {today.replace(day=1) - dt.timedelta(1):%B %Y})")
    click.echo(f"Sign in as {email} with the password {password}")
    if not no_serve:
        from fourfold.connectors import worker

        # A worker beside the server, so that "Run now" on Data sources runs.
        click.echo(f"A background worker runs beside it (its log: {home() / 'worker.log'})")
        with worker.alongside(home() / "worker.log"):
            run_server(host, port)
