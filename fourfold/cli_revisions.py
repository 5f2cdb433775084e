"""`fourfold revisions`, `revision save`, `diff` and `audit verify`: the definition through
time, and the audit log's integrity."""

from __future__ import annotations

import datetime as dt
import json

import click

from fourfold.cli import AS_USER, Failure, acting_user, cli, parse_when, with_django


def moment_or_revision(value: str, name: str) -> dt.datetime:
    """The moment a named revision stands for, or a date or time (see `parse_when`)."""
    from fourfold.revisions.models import NamedRevision

    found = NamedRevision.objects.filter(name=value).first()
    if found is not None:
        return found.at
    moment = parse_when(value, name)
    assert moment is not None
    return moment


@cli.command(short_help="List the named revisions of the scorecard.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per revision, per line.")
@with_django
def revisions(as_json: bool) -> None:
    """List the named revisions (oldest first): name, moment, who saved it and the note.
    Any of them can be scored (`scores --as-of NAME`), compared (`diff`) and written back
    as a scorecard file (`dump --as-of NAME`).

    \b
    Examples:
      fourfold revisions
      fourfold revisions --json
    """
    from fourfold.revisions.models import NamedRevision

    found = list(NamedRevision.objects.select_related("actor"))
    for r in found:
        who = r.actor.get_username() if r.actor else ""
        if as_json:
            row = {"name": r.name, "at": r.at.isoformat(), "by": who or None, "note": r.note}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(
                f"{r.at:%Y-%m-%d %H:%M:%S}  {r.name}"
                + (f"  ({who})" if who else "")
                + (f"  {r.note}" if r.note else "")
            )
    if not found and not as_json:
        click.echo("No named revisions yet: save one with `fourfold revision save NAME`.")


@cli.group(short_help="Save a named revision of the scorecard.")
def revision() -> None:
    """Named revisions: the definition, targets and values as they stand, under a name."""


@revision.command(name="save", short_help="Name the scorecard as it stands now.")
@click.argument("name")
@click.option("--note", default="", help="Why this revision is kept.")
@AS_USER
@with_django
def revision_save(name: str, note: str, as_user: str | None) -> None:
    """Give the scorecard as it stands now the name NAME ("FY27 plan v2").

    \b
    Example:
      fourfold revision save "FY27 plan v2" --note "as approved by the board"
    """
    from fourfold.revisions import named

    try:
        saved = named.save(name, note=note, actor=acting_user(as_user))
    except named.Unknown as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"Saved revision {saved.name} at {saved.at:%Y-%m-%d %H:%M:%S}.")


@cli.command(short_help="What changed between two revisions.")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per change, per line.")
@with_django
def diff(a: str, b: str, as_json: bool) -> None:
    """What changed from A to B, each a revision's name or a moment (2026-03-31,
    2026-03-31T12:00): KPIs added and removed, weights and definitions of KPIs, weights of
    objectives and perspectives, targets, cause-effect links and alignments.

    \b
    Examples:
      fourfold diff "FY27 plan v1" "FY27 plan v2"
      fourfold diff 2026-06-30 2026-09-30 --json
    """
    from fourfold.revisions import named
    from fourfold.revisions.diff import diff as changes

    try:
        _, first = named.resolve(a, "A")
        _, second = named.resolve(b, "B")
    except named.Unknown as exc:
        raise Failure(str(exc)) from exc
    found = changes(first, second)
    for change in found:
        if as_json:
            click.echo(json.dumps(change.as_dict(), ensure_ascii=False))
        else:
            click.echo(change.text())
    if not found and not as_json:
        click.echo("No changes.")


@cli.group(short_help="Check the audit log.")
def audit() -> None:
    """The audit log: every change, who made it and when, as a hash chain."""


@audit.command(name="verify", short_help="Check that no audit entry was altered.")
@with_django
def audit_verify() -> None:
    """Check the audit log's hash chain: print OK with the number of entries, or name the
    first entry that was altered (or that follows one removed) and exit with status 1.

    \b
    Example:
      fourfold audit verify
    """
    from fourfold.audit.chain import verify
    from fourfold.audit.models import AuditEntry

    count, broken = verify(AuditEntry)
    if broken is None:
        click.echo(f"OK: {count} audit entries, chain intact.")
        return
    raise Failure(
        f"audit entry {broken.pk} ({broken.action}, {broken.at:%Y-%m-%d %H:%M:%S}) was altered: "
        "its hash does not follow from the entry before it"
    )
