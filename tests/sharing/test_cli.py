"""`fourfold schedules run` and `fourfold share`, in process."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from fourfold.sharing.models import Delivery, ShareLink

from .conftest import Org


def _run(args: list[str]) -> Any:
    from click.testing import CliRunner

    from fourfold.cli import cli

    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_schedules_run_sends_what_is_due_at_the_time_given(org: Org) -> None:
    schedule = org.schedule(org.admin, fmt="xlsx", cron="0 7 1 * *", timezone="Europe/Paris")
    assert _run(["schedules", "run", "--now", "2026-11-30T12:00"]).output == "No book is due.\n"
    mail.outbox.clear()
    assert schedule.next_run is not None
    moment = schedule.next_run.strftime("%Y-%m-%dT%H:%M")
    done = _run(["schedules", "run", "--now", f"{moment}+00:00"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Board book: 2026-10 sent to admin@example.com (")
    assert [m.to for m in mail.outbox] == [["admin@example.com"]]
    assert Delivery.objects.get().status == "sent"
    listed = _run(["schedules", "list"]).output
    assert "acme\tBoard book\txlsx\t0 7 1 * * (Europe/Paris)\t1 recipients" in listed


def test_share_prints_a_link_that_works(org: Org) -> None:
    done = _run(["share", "acme", "--expires", "3", "--as", "eddie"])
    assert done.exit_code == 0, done.output
    address = done.stdout.strip()
    assert address.startswith("/shared/")
    assert Client().get(address).status_code == 200
    assert ShareLink.objects.get().created_by == org.eddie


def test_share_refuses_in_one_sentence(org: Org) -> None:
    for args, said in (
        (["share", "acme"], "fourfold: say who shares it with --as USER"),
        (["share", "nowhere", "--as", "eddie"], "fourfold: there is no unit 'nowhere'"),
        (["share", "acme", "--as", "vic"], "fourfold: you may not share the scorecard of Acme"),
        (
            ["share", "acme", "--template", "Nope", "--as", "eddie"],
            "fourfold: Acme Corp has no book template 'Nope'",
        ),
        (["share", "acme", "--expires", "0", "--as", "eddie"], "fourfold: a link lasts from 1"),
    ):
        done = _run(args)
        assert done.exit_code == 1 and done.stderr.startswith(said), (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
    assert not ShareLink.objects.exists()
