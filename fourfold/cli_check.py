"""`fourfold check`: the SMART check of the scorecard (registered on `fourfold.cli`'s group)."""

from __future__ import annotations

import json
import sys

import click

from fourfold.cli import Failure, cli, parse_when, with_django


class BadInput(Failure):
    """Bad input exits 2, apart from the 1 that says the check found an error."""

    exit_code = 2


@cli.command(short_help="Check the scorecard's targets and KPIs against the SMART criteria.")
@click.option("--unit", metavar="CODE", help="Check this unit and the units below it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding, per line.")
@click.option(
    "--today", metavar="DATE", help="Judge what is due and overdue as on this date (2026-04-15)."
)
@click.option("--strict", is_flag=True, help="Exit 1 on a warning too, not only on an error.")
@with_django
def check(unit: str | None, as_json: bool, today: str | None, strict: bool) -> None:
    """Check the scorecard against the SMART criteria (specific, measurable, achievable,
    relevant, time-bound) and the cascade, printing one finding per line with its fix.
    Exits 1 when a finding is an error (with --strict, also a warning), else 0.

    \b
    Examples:
      fourfold check
      fourfold check --unit sales --json
      fourfold check --today 2026-04-15 --strict
    """
    from django.utils import timezone

    from fourfold.checks.gather import check as run
    from fourfold.strategy.models import Unit

    try:
        day = parse_when(today, "--today")
    except Failure as exc:
        raise BadInput(exc.message) from exc
    if unit is not None and not Unit.objects.filter(code=unit).exists():
        raise BadInput(f"there is no unit '{unit}'")
    report = run(today=day.date() if day else timezone.localdate(), unit=unit)
    lines = []
    for finding in report.findings:
        if as_json:
            lines.append(json.dumps(finding.as_json(), ensure_ascii=False))
        else:
            where = f" {finding.period}" if finding.period else ""
            lines.append(
                f"{finding.severity:<7}  {finding.rule:<30}  {finding.unit}  "
                f"{finding.kind} {finding.code}{where}: {finding.message}"
            )
    if lines:  # one write: a line at a time costs a second over 100,000 findings
        click.echo("\n".join(lines))
    if not as_json:
        n = {s: sum(f.severity == s for f in report.findings) for s in ("error", "warning", "info")}
        click.echo(
            f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}: "
            f"{n['error']} error{'s' if n['error'] != 1 else ''}, "
            f"{n['warning']} warning{'s' if n['warning'] != 1 else ''}, "
            f"{n['info']} for information.",
            err=True,
        )
    sys.exit(report.exit_status(strict=strict))
