"""`fourfold report`: a unit's briefing book as a PDF, XLSX or PPTX file (registered on
`fourfold.cli`'s group)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import click

from fourfold.cli import Failure, acting_user, cli, with_django


@cli.command(short_help="Write a unit's briefing book for a period (PDF, XLSX or PPTX).")
@click.option("--unit", metavar="CODE", required=True, help="Unit code.")
@click.option(
    "--period",
    metavar="KEY",
    help="2026-10, 2026-Q3, 2026 or 2026-10-YTD (default: the latest complete period).",
)
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write: its extension (.pdf, .xlsx, .pptx) says the format.",
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    help="Render what this user (user name or email) may see, and nothing else "
    "(default: everything).",
)
@click.option(
    "--as-of",
    metavar="MOMENT",
    help="Make the book as it stood at this date (2026-10-31), time "
    "(2026-11-02T09:30:00+00:00, as printed when a book is made) or named revision: its "
    "numbers, definitions, initiatives and milestones of then; the same book again.",
)
@click.option(
    "--section",
    "sections",
    metavar="NAME",
    multiple=True,
    help="Only these sections (repeat the option): cover, scorecard, map, objectives, "
    "commentary, initiatives, actions, quality (default: all).",
)
@with_django
def report(
    unit: str,
    period: str | None,
    output: Path,
    as_user: str | None,
    as_of: str | None,
    sections: tuple[str, ...],
) -> None:
    """Write the briefing book of a unit for a period to FILE: a cover, the scorecard, the
    strategy map, a section per objective with its KPIs' charts against their targets and
    forecasts, commentary, initiatives with their timeline, open action items and data-quality
    notes. The cover records the moment the numbers were read; `--as-of` that moment makes
    the same book again.

    \b
    Examples:
      fourfold report --unit northwind --period 2026-10 -o northwind.pdf
      fourfold report --unit manufacturing --period 2026-Q3 -o q3.xlsx --as lea@example.com
      fourfold report --unit northwind --period 2026-10 -o board.pptx --section scorecard
    """
    from fourfold.reports import books
    from fourfold.reports.periods import latest_complete
    from fourfold.strategy.models import Unit

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in books.FORMATS:
        raise Failure(f"{output} has no extension of a briefing book: name it .pdf, .xlsx or .pptx")
    user = acting_user(as_user) if as_user else None
    from fourfold.cli_revisions import moment_or_revision

    moment = None if as_of is None else moment_or_revision(as_of, "--as-of")
    if period is None:
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise Failure(f"there is no unit '{unit}'")
        period = latest_complete(found, moment)
    spec = books.BookSpec(unit, period, sections or books.SECTIONS, moment)
    try:
        made = books.render(spec, fmt, user=user)
    except books.ReportError as exc:
        raise Failure(exc.message) from exc
    write_atomically(output, made.content)
    click.echo(
        f"Wrote the briefing book of {unit} for {period} to {output} "
        f"(numbers as read at {made.read_at.isoformat()})."
    )


def write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, then renamed over it."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from exc


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
