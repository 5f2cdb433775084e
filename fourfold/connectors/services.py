"""Run connectors: read rows, check them like `fourfold import`, write all or nothing, log it."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from fourfold.accounts.access import Access
from fourfold.audit.models import record
from fourfold.files import values

from . import sources
from .models import Connector, ConnectorRun

TASK = "fourfold.connectors.tasks.run_connector"
FILE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
PREVIEW_ROWS = 10
# A run still "running" after this long died with its worker: it no longer blocks new runs.
STALE_AFTER = dt.timedelta(minutes=15)
COLUMN_NAMES = {"kpi": "kpi", "period": "period", "value": "actual", "actual": "actual"}
OPTIONAL_COLUMNS = {"comment": "comment"}
# A folder's files may call the values `value`, as a query does, or `actual`, as an import does.
FILE_COLUMNS = {"value": "actual"}


class ConnectorError(Exception):
    """A run that cannot go on: the message says why, in the user's words."""


@dataclass
class Preview:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    message: str = ""
    problems: list[str] | None = None


# Schedules ----------------------------------------------------------------------------------

SCHEDULE_TYPES: dict[str, str] = {
    Connector.Every.MINUTES: Schedule.MINUTES,
    Connector.Every.HOURLY: Schedule.HOURLY,
    Connector.Every.DAILY: Schedule.DAILY,
}


def sync_schedule(connector: Connector) -> None:
    """Keep the connector's django-q2 schedule in step with its settings."""
    kind = SCHEDULE_TYPES.get(connector.every)
    if kind is None or not connector.enabled:
        if connector.schedule_id is not None:
            Schedule.objects.filter(pk=connector.schedule_id).delete()
            connector.schedule = None
            connector.save(update_fields=["schedule"])
        return
    schedule = connector.schedule or Schedule(func=TASK, repeats=-1)
    minutes = connector.minutes if kind == Schedule.MINUTES else None
    if schedule.pk is None or (schedule.schedule_type, schedule.minutes) != (kind, minutes):
        schedule.next_run = timezone.now()
    schedule.name = f"Connector {connector.name}"
    schedule.args = repr(connector.pk)
    schedule.schedule_type = kind
    schedule.minutes = minutes
    schedule.save()
    if connector.schedule_id != schedule.pk:
        connector.schedule = schedule
        connector.save(update_fields=["schedule"])


def save(connector: Connector, *, actor: AbstractBaseUser | None) -> Connector:
    """Save a connector (already validated by its form) with its schedule and an audit entry."""
    created = connector.pk is None
    with transaction.atomic():
        connector.changed_at = timezone.now()
        connector.save()
        sync_schedule(connector)
        verb = "Added" if created else "Changed"
        record(
            actor,
            "connector",
            f"{verb} the data source {connector.name} ({connector.schedule_text().lower()})",
            connector=connector.name,
        )
    return connector


def delete(connector: Connector, *, actor: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        if connector.schedule_id is not None:
            Schedule.objects.filter(pk=connector.schedule_id).delete()
        name = connector.name
        connector.delete()
        record(actor, "connector", f"Removed the data source {name}", connector=name)


# Reading --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _rows(result: sources.Result) -> values.Rows:
    """The query's rows as the cells of a values file, so that the same checks apply."""
    columns: dict[str, int] = {}
    for i, raw in enumerate(result.columns):
        name = str(raw).strip().lower()
        target = COLUMN_NAMES.get(name) or OPTIONAL_COLUMNS.get(name)
        if target is None:
            raise ConnectorError(
                f"the query returns a column '{raw}': it must return the columns kpi, period "
                "and value (and optionally comment)"
            )
        if target in columns:
            raise ConnectorError(f"the query returns the column '{raw}' twice")
        columns[target] = i
    missing = [c for c in ("kpi", "period", "actual") if c not in columns]
    if missing:
        names = ", ".join("value" if c == "actual" else c for c in missing)
        raise ConnectorError(
            f"the query must return the columns kpi, period and value (missing: {names})"
        )
    comment = columns.get("comment")
    cells = [
        values.Cell(
            number,
            "",
            _plain(row[columns["kpi"]]),
            _plain(row[columns["period"]]),
            _plain(row[columns["actual"]]),
            comment=None if comment is None else _plain(row[comment]),
        )
        for number, row in enumerate(result.rows, start=1)
    ]
    return values.Rows("long", cells, comment is not None, False, list(result.columns))


def preview(connector: Connector) -> Preview:
    """What a run would read, without writing anything: the first rows and their problems."""
    if connector.kind == Connector.Kind.FOLDER:
        return _preview_folder(connector)
    try:
        result = sources.query(connector.url, connector.query)
    except (sources.SourceError, ValueError) as exc:
        raise ConnectorError(str(exc)) from exc
    rows = _rows(result)
    plan = _plan(rows)
    problems = [str(p) for p in plan.problems]
    message = f"The query returned {len(result.rows):,} rows; " + (
        f"{len(problems)} would be refused, so a run would write nothing."
        if problems
        else f"a run would write {len(plan.values):,} values."
    )
    return Preview(result.columns, result.rows[:PREVIEW_ROWS], message, problems)


def _folder(connector: Connector) -> Path:
    folder = Path(connector.folder).expanduser()
    if not folder.is_dir():
        raise ConnectorError(f"there is no folder {folder}")
    return folder


def _read_file(path: Path) -> values.Rows:
    """A file dropped in the folder, with the columns an SQL query returns (`value` as well
    as `actual`), and a refusal that names them rather than a command-line option."""
    try:
        return values.read(path, FILE_COLUMNS)
    except values.UnknownColumns as exc:
        others = f" (nor {', '.join(repr(h) for h in exc.headers[1:])})" if exc.headers[1:] else ""
        raise values.ImportFileError(
            f"the column '{exc.headers[0]}' is not known{others}; a file's columns are kpi, "
            "period and value (or actual), and optionally target, red_flag and "
            "comment; or kpi and one column per period"
        ) from exc


def _waiting(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith((".", "~$"))
    )


def _preview_folder(connector: Connector) -> Preview:
    folder = _folder(connector)
    rows: list[tuple[Any, ...]] = []
    for path in _waiting(folder)[:PREVIEW_ROWS]:
        try:
            plan = _plan(_read_file(path))
            outcome = f"{len(plan.problems)} rows refused" if plan.problems else plan.summary()
        except values.ImportFileError as exc:
            outcome = str(exc)
        rows.append((path.name, outcome))
    count = len(_waiting(folder))
    message = f"{count} file{'s' if count != 1 else ''} waiting in {folder}."
    return Preview(["file", "would import"], rows, message)


# Running --------------------------------------------------------------------------------------


def _busy(connector: Connector, entry: ConnectorRun | None) -> bool:
    since = timezone.now() - STALE_AFTER
    running = connector.runs.filter(status=ConnectorRun.Status.RUNNING, started_at__gte=since)
    if entry is not None:
        running = running.exclude(pk=entry.pk)
    return running.exists()


def run(
    connector: Connector,
    *,
    trigger: str = ConnectorRun.Trigger.SCHEDULE,
    actor: AbstractBaseUser | None = None,
    entry: ConnectorRun | None = None,
) -> ConnectorRun:
    """Run a connector now, in this process, and return its logged run.

    `entry` is the run that `enqueue` logged as waiting for the worker, if any.
    """
    user: Any = actor if actor is not None and actor.is_authenticated else None
    if entry is None:
        entry = ConnectorRun(connector=connector, trigger=trigger, triggered_by=user)
    if _busy(connector, entry):
        entry.status = ConnectorRun.Status.FAILED
        entry.finished_at = timezone.now()
        entry.error = "another run of this data source was still going: this one did not start"
        entry.save()
        return entry
    entry.status = ConnectorRun.Status.RUNNING
    entry.started_at = timezone.now()
    entry.save()
    try:
        if connector.kind == Connector.Kind.FOLDER:
            _run_folder(connector, entry, user)
        else:
            _run_sql(connector, entry, user)
    except (ConnectorError, sources.SourceError, ValueError) as exc:
        entry.status = ConnectorRun.Status.FAILED
        entry.error = str(exc)
    except Exception as exc:  # logged, never lost: the worker keeps going
        entry.status = ConnectorRun.Status.FAILED
        entry.error = f"unexpected error: {exc}"
    entry.finished_at = timezone.now()
    entry.save()
    return entry


def _plan(rows: values.Rows) -> values.Plan:
    """A connector is set up by an administrator and runs as the worker: it may write
    every KPI, through the intake as every channel does."""
    return values.plan(rows, access=Access.trusted())


def _write(plan: values.Plan, connector: Connector, actor: Any, reason: str) -> values.Committed:
    """The plan written through the intake: its values (held ones apart) and targets."""
    return values.commit(
        plan, actor=actor, channel="connector", source_name=connector.name, reason=reason
    )


def _count(entry: ConnectorRun, done: values.Committed) -> None:
    written = done.values.written
    entry.created += written.created
    entry.changed += written.changed
    entry.unchanged += written.unchanged
    entry.waiting += len(done.values.waits)


def _run_sql(connector: Connector, entry: ConnectorRun, actor: Any) -> None:
    result = sources.query(connector.url, connector.query)
    entry.rows_read = len(result.rows)
    plan = _plan(_rows(result))
    if plan.problems:
        entry.refused = [str(p) for p in plan.problems]
        n = len(plan.problems)
        raise ConnectorError(
            f"{n} row{'s were' if n != 1 else ' was'} refused, so nothing was written"
        )
    _count(entry, _write(plan, connector, actor, f"read by data source {connector.name}"))
    entry.status = ConnectorRun.Status.SUCCEEDED


def _move(path: Path, folder: Path, stamp: str) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / f"{stamp}-{path.name}"
    shutil.move(str(path), target)
    return target


def _run_folder(connector: Connector, entry: ConnectorRun, actor: Any) -> None:
    """Each file is imported whole or not at all, then moved to done/ or failed/."""
    folder = _folder(connector)
    stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"
    outcomes: list[dict[str, str]] = []
    failed = 0
    for path in _waiting(folder):
        try:
            rows = _read_file(path)
            entry.rows_read += len(rows.cells)
            plan: values.Plan | None = _plan(rows)
        except values.ImportFileError as exc:
            plan, problems = None, [str(exc)]
        else:
            problems = [str(p) for p in plan.problems] if plan else []
        if plan is None or problems:
            failed += 1
            entry.refused += [f"{path.name}: {p}" for p in problems]
            moved = _move(path, folder / "failed", stamp)
            moved.with_name(moved.name + ".errors.txt").write_text(
                "\n".join(problems) + "\n", encoding="utf-8"
            )
            outcomes.append(
                {"name": path.name, "outcome": "failed", "message": f"{len(problems)} problems"}
            )
            continue
        done = _write(
            plan, connector, actor, f"file {path.name} read by data source {connector.name}"
        )
        _count(entry, done)
        _move(path, folder / "done", stamp)
        written = done.values.written
        message = (
            f"{written.created} created, {written.changed} changed, {written.unchanged} unchanged"
        )
        if done.values.waits:
            message += f", {len(done.values.waits)} waiting for approval"
        outcomes.append({"name": path.name, "outcome": "done", "message": message})
    entry.files = outcomes
    if failed:
        total = len(outcomes)
        raise ConnectorError(
            f"{failed} of {total} file{'s' if total != 1 else ''} "
            f"{'was' if failed == 1 else 'were'} refused and moved to failed/ with "
            "the reasons beside it; nothing of a refused file was written"
        )
    entry.status = ConnectorRun.Status.SUCCEEDED


def enqueue(connector: Connector, *, actor: AbstractBaseUser | None) -> ConnectorRun:
    """Ask the background worker to run a connector now; the run is logged as waiting."""
    from django_q.tasks import async_task

    user: Any = actor if actor is not None and actor.is_authenticated else None
    entry = ConnectorRun.objects.create(
        connector=connector,
        trigger=ConnectorRun.Trigger.WEB,
        triggered_by=user,
        status=ConnectorRun.Status.QUEUED,
    )
    async_task(TASK, connector.pk, trigger=ConnectorRun.Trigger.WEB, run_id=entry.pk)
    return entry
