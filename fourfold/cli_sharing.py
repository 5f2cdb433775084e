"""The commands of scheduled books and share links (registered on `fourfold.cli`'s group)."""

from __future__ import annotations

import click

from fourfold.cli import AS_USER, Failure, acting_user, cli, parse_when, with_django


@cli.group(short_help="List the scheduled books, or send those that are due.")
def schedules() -> None:
    """Briefing books mailed on a timetable or when a period's data is complete."""


@schedules.command(name="list")
@with_django
def schedules_list() -> None:
    """List the schedules: unit, book, format, when, recipients, next run."""
    from fourfold.sharing.models import BookSchedule

    found = BookSchedule.objects.select_related("template__unit").prefetch_related("recipients")
    if not found:
        click.echo("No scheduled book yet: add one on a unit's Books sent page.")
    for s in found:
        nxt = f"next {s.next_run:%Y-%m-%d %H:%M} UTC" if s.enabled and s.next_run else ""
        click.echo(
            f"{s.pk}\t{s.template.unit.code}\t{s.template.name}\t{s.fmt}\t{s.when_text()}\t"
            f"{len(s.recipients.all())} recipients\t{nxt}".rstrip()
        )


@schedules.command(name="run")
@click.option(
    "--now",
    metavar="TIME",
    help="Send what is due at this moment (2026-12-01T07:00, local time) instead of now.",
)
@with_django
def schedules_run(now: str | None) -> None:
    """Send every scheduled book that is due, as the worker does every few minutes.

    Each recipient's copy is made with what they may see; a copy that fails is logged and
    its schedule's owner is told by email. The exit status is 1 when any copy failed.

    \b
    Examples:
      fourfold schedules run
      fourfold schedules run --now 2026-12-01T07:00
    """
    from fourfold.sharing.services import run_due

    moment = None
    if now is not None:
        moment = parse_when(now if "T" in now or " " in now else f"{now}T00:00", "--now")
    done = run_due(moment)
    if not done:
        click.echo("No book is due.")
    failed = 0
    for schedule, copies in done:
        for d in copies:
            if d.status == "sent":
                click.echo(f"{schedule.template}: {d.period} sent to {d.address} ({d.size} bytes)")
            else:
                failed += 1
                click.echo(
                    f"fourfold: {schedule.template}: not sent to {d.address}: {d.error}", err=True
                )
    if failed:
        raise Failure(f"{failed} books could not be sent; their owners were told")


@cli.command(short_help="Make a link that shows a unit's scorecard or book without signing in.")
@click.argument("unit")
@click.option(
    "--template",
    "template_name",
    metavar="NAME",
    help="Share this book template of the unit (default: its read-only scorecard page).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "xlsx", "pptx"]),
    default="pdf",
    show_default=True,
    help="The book's format.",
)
@click.option(
    "--expires",
    "days",
    type=int,
    default=30,
    show_default=True,
    metavar="DAYS",
    help="Days until the link stops working (1 to 365).",
)
@click.option("--note", default="", help="Whom the link is for, shown in the list of links.")
@AS_USER
@with_django
def share(
    unit: str, template_name: str | None, fmt: str, days: int, note: str, as_user: str | None
) -> None:
    """Print a link that shows UNIT's scorecard (or, with --template, one of its books) to
    whoever has it, until it expires or is revoked on the unit's Share links page.

    It shows what the user given with --as may see (their access is asked again at every
    opening), so --as (or $FOURFOLD_USER) is required; they must be an editor of the unit.
    Set FOURFOLD_BASE_URL for an absolute address.

    \b
    Examples:
      fourfold share northwind --as ceo@northwind.example
      fourfold share sales --template "Monthly board book" --expires 7 --as cfo
    """
    from fourfold.reports.models import BookTemplate
    from fourfold.sharing import links
    from fourfold.sharing.services import SharingError
    from fourfold.strategy.models import Unit

    maker = acting_user(as_user)
    if maker is None:
        raise Failure("say who shares it with --as USER: a link shows what its maker may see")
    found = Unit.objects.filter(code=unit).first()
    if found is None:
        raise Failure(f"there is no unit '{unit}'")
    template = None
    if template_name is not None:
        template = BookTemplate.objects.filter(unit=found, name=template_name).first()
        if template is None:
            raise Failure(f"{found.name} has no book template '{template_name}'")
    try:
        link = links.create(maker, found, template=template, fmt=fmt, days=days, note=note)
    except SharingError as exc:
        said = str(exc).rstrip(".")  # a sentence of the pages, as the command line says it
        raise Failure(said[:1].lower() + said[1:]) from exc
    click.echo(links.address(link))
    click.echo(f"It works until {link.expires_at:%Y-%m-%d %H:%M} UTC.", err=True)
