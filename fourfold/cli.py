"""The `fourfold` command line: one entry point for every task."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """An error for the user: one clear sentence on standard error, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"fourfold: {self.format_message()}", err=True)


def setup() -> None:
    """Configure Django and bring the database up to date, creating it if needed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fourfold.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from fourfold.memory import keep_freed_memory

    keep_freed_memory()

    where = ""
    try:
        django.setup()
        where = _prepare_sqlite_folder()
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
    except ImproperlyConfigured as exc:
        raise Failure(str(exc)) from exc
    except Failure:
        raise
    except Exception as exc:
        if type(exc).__module__.startswith(("django.db", "sqlite3", "psycopg")):
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise Failure(f"cannot open the database{where}: {reason}") from exc
        if isinstance(exc, OSError):
            # FOURFOLD_HOME, or the secret key in it, that cannot be created or read.
            place = f" {exc.filename}" if exc.filename else ""
            raise Failure(f"cannot prepare{place}: {exc.strerror or exc}") from exc
        raise


def _prepare_sqlite_folder() -> str:
    """Create the folder of an embedded database that does not exist yet; return ' PATH' for
    messages about it ('' for PostgreSQL)."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.sqlite3":
        return ""
    name = str(config.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return ""
    folder = Path(name).parent
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Failure(
                f"cannot create the folder {folder} for the database: {exc.strerror or exc}"
            ) from exc
    return f" {name}"


def with_django(func: F) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        setup()
        return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fourfold")
def cli() -> None:
    """Fourfold: an open-source Balanced Scorecard.

    \b
    Try it:     fourfold demo                       (an example organization, served)
    Your own:   fourfold load scorecard.yaml        (see `fourfold load --help`)
                fourfold import values.csv
                fourfold scores --unit acme --period 2026-03
                fourfold serve

    Every command creates and migrates the database the first time. It is the
    SQLite file fourfold.sqlite3 in FOURFOLD_HOME (default ~/.fourfold) unless
    FOURFOLD_DATABASE_URL names another (sqlite:///path/file.sqlite3 or
    postgres://user:pw@host/db). Run `fourfold COMMAND --help` for a command's options.
    """


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise Failure(f"there is no file {path}") from exc
    except UnicodeDecodeError as exc:
        raise Failure(f"{path} is not a UTF-8 text file") from exc
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror}") from exc


AS_USER = click.option(
    "--as",
    "as_user",
    metavar="USER",
    envvar="FOURFOLD_USER",
    help="The Fourfold user (user name or email) the changes are recorded as: the author of "
    "the values and targets, the actor in the history. Default: $FOURFOLD_USER, else nobody.",
)


def acting_user(name: str | None) -> Any:
    """The active user a command acts as, by user name or email; None for nobody."""
    if not name:
        return None
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(Q(username=name) | Q(email__iexact=name))
    found = users.filter(is_active=True).order_by("pk").first()
    if found is None:
        raise Failure(f"there is no active user '{name}' to act as")
    return found


def report_problems(path: Path, problems: list[Any], what: str) -> None:
    """The first problems, one a line, then how many more there are and the verdict."""
    from fourfold.files.limits import listed

    shown, more = listed(problems)
    for problem in shown:
        click.echo(f"{path}: {problem}", err=True)
    if more:
        click.echo(f"{path}: … and {more:,} more, not listed", err=True)
    noun = "problem" if len(problems) == 1 else "problems"
    raise Failure(f"{path} has {len(problems)} {noun}; {what}")


@cli.command(short_help="Create or update the scorecard definition from a YAML file.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Report every problem of the file; write nothing.")
@AS_USER
@with_django
def load(file: Path, check: bool, as_user: str | None) -> None:
    """Create or update the scorecard definition from a YAML FILE.

    The file names the organization, units, perspectives, objectives and KPIs, with their
    targets and, optionally, values. Loading the same file again changes nothing; what the
    file no longer names is archived, never deleted. A file with any problem writes
    nothing, and every problem is reported with its line. A minimal file:

    \b
      organization: {name: Acme, fiscal_year_start: 1}
      units:
        - code: acme
          name: Acme Corp
          perspectives:
            - code: financial
              name: Financial
              objectives:
                - code: grow-revenue
                  name: Grow revenue
                  kpis:
                    - code: revenue
                      name: Revenue
                      targets: {2026-01: {target: 100000, red_flag: 90000}}
                      values: {2026-01: 104000}

    \b
    Examples:
      fourfold load --check acme.yaml
      fourfold load acme.yaml
    """
    from fourfold.files import load as loading

    text = read_text(file)
    actor = acting_user(as_user)
    try:
        if check:
            loading.parse(text)
            click.echo(f"{file} is valid.")
            return
        result = loading.load(text, actor=actor, source_name=file.name)
    except loading.LoadError as exc:
        report_problems(file, exc.problems, "nothing was written")
    click.echo(f"Loaded {file}: {result.summary()}")


@cli.command(short_help="Write the current definition as a scorecard file.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Write to FILE instead of the standard output.",
)
@click.option("--no-values", is_flag=True, help="Leave the measured values out (targets stay).")
@click.option(
    "--as-of",
    metavar="MOMENT|NAME",
    help="Write the definition, initiatives, targets and values as they stood at this date "
    "or time, or as a named revision holds them.",
)
@with_django
def dump(output: Path | None, no_values: bool, as_of: str | None) -> None:
    """Write the current definition, targets and values in the scorecard file format.

    What it writes loads back (`fourfold load`) to the same scores.

    \b
    Examples:
      fourfold dump -o backup.yaml
      fourfold dump --no-values | less
      fourfold dump --as-of "FY27 plan v2" -o plan-v2.yaml
    """
    from fourfold.files.dump import dump as dumping

    if as_of is None:
        text = dumping(values=not no_values)
    else:
        from fourfold.cli_revisions import moment_or_revision
        from fourfold.revisions.past import as_it_stood

        with as_it_stood(moment_or_revision(as_of, "--as-of")):
            text = dumping(values=not no_values)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"cannot write {output}: {exc.strerror or exc}") from exc
        click.echo(f"Wrote {output}.")


@cli.command(name="import", short_help="Import values and targets from a CSV or XLSX file.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Report every wrong row; write nothing.")
@click.option(
    "--map",
    "mapping",
    metavar="HEADER=FIELD,...",
    help="Map the file's headers onto kpi, period, actual, target, red_flag, comment or "
    'series (- ignores a column), e.g. "Measure=kpi,Month=period,Value=actual".',
)
@click.option(
    "--source",
    metavar="NAME",
    help="Where the file comes from: its --map is saved under this name and reused next time.",
)
@AS_USER
@with_django
def import_(
    file: Path, check: bool, mapping: str | None, source: str | None, as_user: str | None
) -> None:
    """Import values (and targets) from a CSV or XLSX FILE.

    One row per value (kpi, period, actual[, target, red_flag, comment]) or one row per KPI
    (kpi[, series], then one column per period such as 2026-01). A CSV file is UTF-8 (or
    UTF-16 with its BOM), separated by commas, semicolons or tabs; a workbook is read from
    its first sheet that has rows. If any row is wrong nothing is written, and every wrong
    row is reported. Importing the same file again changes nothing.

    \b
    Example file:
      kpi,period,actual,target,red_flag,comment
      revenue,2026-01,104000,100000,90000,
      revenue,2026-02,98000,100000,90000,Strike at the port

    \b
    Examples:
      fourfold import --check values.csv
      fourfold import values.xlsx
      fourfold import erp.csv --map "Measure=kpi,Month=period,Value=actual" --source erp
      fourfold import erp-march.csv --source erp
      fourfold import values.csv --as carol@acme.example
    """
    from fourfold.accounts.access import Access
    from fourfold.files import values
    from fourfold.intake import services

    actor = acting_user(as_user)
    try:
        columns = values.parse_mapping(mapping) if mapping else {}
        if source and not mapping:
            columns = services.mapping_of(source)
        rows = values.read(file, columns)
        plan = values.plan(rows, access=Access.trusted(actor))
    except values.ImportFileError as exc:
        raise Failure(str(exc)) from exc
    if plan.problems:
        report_problems(file, plan.problems, "nothing was imported")
    if check:
        click.echo(f"{file} is valid: {plan.summary()}")
        return
    name = f"{source} ({file.name})" if source else file.name
    result = values.commit(plan, actor=actor, channel="import", source_name=name).summary
    if source and mapping:
        services.save_mapping(source, columns, actor=actor)
    click.echo(f"Imported {file}: {result}")


def parse_when(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"{name} {value!r} is not a date or time such as 2026-03-31") from exc
    if len(value) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@cli.command(short_help="Print the scores of a unit's scorecard for a period.")
@click.option("--unit", metavar="CODE", help="Unit code (default: every unit).")
@click.option(
    "--period",
    metavar="KEY",
    help="2026-03, 2026-Q1, 2026 or 2026-03-YTD; FY2026, FY2026-Q1 when the fiscal year "
    "does not start in January (default: last month).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per scored node, per line.")
@click.option(
    "--as-of",
    metavar="DATE",
    help="Score with the definitions, targets and values as they stood at this date "
    "(2026-03-31) or time (2026-03-31T12:00), or in a named revision.",
)
@click.option(
    "--today", metavar="DATE", help="Judge what is due and overdue as on this date (2026-04-15)."
)
@with_django
def scores(
    unit: str | None, period: str | None, as_json: bool, as_of: str | None, today: str | None
) -> None:
    """Print the scores of a unit's scorecard (or every unit's) for a period: each KPI,
    objective, perspective and scorecard with its actual, target, score, status and coverage
    (how many of its parts reported), then the unit's initiatives (actual: percent complete;
    target: the percent planned by the period's last day).

    \b
    Examples:
      fourfold scores --unit acme --period 2026-Q1
      fourfold scores --period 2026-03-YTD --json
      fourfold scores --unit acme --period 2026-03 --as-of 2026-04-01
    """
    from fourfold.cli_revisions import moment_or_revision
    from fourfold.core import periods
    from fourfold.scoring import engine, initiatives, readout
    from fourfold.strategy.models import Organization, Unit

    moment = None if as_of is None else moment_or_revision(as_of, "--as-of")
    day = parse_when(today, "--today")
    fs = Organization.get().fiscal_year_start
    reference = (day or moment or dt.datetime.now()).date()
    if period is None:
        period = periods.month_key(periods.month_of(reference) - 1)
    try:
        key = periods.parse_period(period, fs).key
    except periods.PeriodError as exc:
        raise Failure(str(exc)) from exc
    if unit is not None and not Unit.objects.filter(code=unit).exists():
        raise Failure(f"there is no unit '{unit}'")
    # With --unit, only that unit and the units below it are read and scored.
    result = engine.compute(today=day.date() if day else None, as_of=moment, unit=unit)
    # The units as they stood: those of the moment's definitions, in the order of their ids.
    scored = set(result.index.unit_codes)
    listed = [c for c in Unit.objects.order_by("pk").values_list("code", flat=True) if c in scored]
    codes = [unit] if unit is not None else listed + sorted(scored - set(listed))
    if unit is not None and unit not in result.index.unit_codes:
        raise Failure(f"unit '{unit}' did not exist at {as_of}")
    by_unit = initiatives.rows(None if unit is None else codes, key, fiscal_start=fs, as_of=moment)
    rows = [
        row
        for code in codes
        for row in [*readout.unit_rows(result, code, key), *by_unit.get(code, [])]
    ]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(readout.table(rows))


@cli.command(name="export", short_help="Write values and targets to a CSV or XLSX file.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--layout",
    type=click.Choice(["long", "wide"]),
    default="long",
    show_default=True,
    help="long: one row per value; wide: one row per KPI and one column per period.",
)
@click.option("--unit", metavar="CODE", help="Only the KPIs of this unit's scorecard.")
@click.option("--from", "first", metavar="PERIOD", help="First period, e.g. 2025-01.")
@click.option("--to", "last", metavar="PERIOD", help="Last period, e.g. 2026-12.")
@with_django
def export_(file: Path, layout: str, unit: str | None, first: str | None, last: str | None) -> None:
    """Write values and targets to FILE.csv or FILE.xlsx, in a layout `import` reads back.

    \b
    Examples:
      fourfold export values.xlsx
      fourfold export march.csv --unit sales --from 2026-03 --to 2026-03
      fourfold export grid.xlsx --layout wide --from 2026-01
    """
    from fourfold.files import export, values
    from fourfold.strategy.models import Unit

    unit_ids = None
    if unit is not None:
        found = Unit.objects.filter(code=unit).values_list("pk", flat=True).first()
        if found is None:
            raise Failure(f"there is no unit '{unit}'")
        unit_ids = [found]
    try:
        table = export.table(layout, unit_ids=unit_ids, first=first, last=last)
        content = export.render(table, file.name)
    except values.ImportFileError as exc:
        raise Failure(str(exc)) from exc
    try:
        file.write_bytes(content)
    except OSError as exc:
        raise Failure(f"cannot write {file}: {exc.strerror}") from exc
    click.echo(f"Wrote {len(table.rows)} rows to {file}.")


# The commands that run and keep the installation, in their own module.
from fourfold import (  # noqa: E402, F401
    cli_alerts,
    cli_cascade,
    cli_check,
    cli_ops,
    cli_people,
    cli_reports,
    cli_reviews,
    cli_revisions,
    cli_serve,
    cli_sharing,
)
from fourfold.forecasts import cli as forecast_cli  # noqa: E402, F401


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("fourfold: stopped.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\nfourfold: stopped.", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a sentence, not a traceback
        from django.core.exceptions import ImproperlyConfigured

        from fourfold.env import env_bool

        try:
            debug = env_bool("FOURFOLD_DEBUG", False)  # as the settings read it
        except ImproperlyConfigured:
            debug = False
        if debug:
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(
            f"fourfold: unexpected error: {message} (set FOURFOLD_DEBUG=1 for details)", err=True
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
