"""`fourfold alerts run`: every alert judged now, with the day's conditions, and sent; with
`--dry-run`, said and not sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner

from fourfold.accounts.access import Access
from fourfold.alerts import services
from fourfold.alerts.models import AlertState, Delivery, Event
from fourfold.cli import cli
from fourfold.measures import intake
from fourfold.measures.models import KPI
from fourfold.measures.services import ValueEntry
from fourfold.reviews.models import ActionItem

from .conftest import Org


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["alerts", "run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_it_starts_from_the_history_in_silence_then_tells_what_changed_once(
    org: Org, mailoutbox: list[Any]
) -> None:
    access = Access.of(org.ed)
    services.follow(org.ed, access, services.subject(access, "kpi", "a-rev"), conditions=["red"])
    assert run("--today", "2026-03-10") == "No alert to send (0 new events).\n"
    assert AlertState.objects.get().period == "2026-01"
    # Written through the intake, whose signal is not sent here (no commit): the run finds it.
    kpi = KPI.objects.get(code="a-rev")
    intake.submit_values(
        [ValueEntry(kpi.pk, "2026-02", 400)],
        actor=org.root,
        access=Access.of(org.root),
        channel="grid",
    )
    said = run("--dry-run", "--today", "2026-03-10")
    assert said == (
        "email to ed@example.com, instant: Fourfold: KPI a-rev (a-rev) turned red in 2026-02: "
        "400 — would be sent\n"
    )
    assert mailoutbox == [] and not Delivery.objects.exists() and not Event.objects.exists()
    assert "— sent" in run("--today", "2026-03-10")
    assert len(mailoutbox) == 1
    assert run("--today", "2026-03-10") == "No alert to send (0 new events).\n"


def test_it_tells_of_late_actions_and_overdue_data_once_a_day(
    org: Org, mailoutbox: list[Any]
) -> None:
    access = Access.of(org.ed)
    services.follow(
        org.ed,
        access,
        services.subject(access, "unit", "a"),
        conditions=["overdue", "action_due", "action_late"],
        frequency="daily",
    )
    kpi = KPI.objects.get(code="a-rev")
    for title, due in (
        ("Call the Nordic distributor", "2026-03-15"),
        ("Price review", "2026-03-22"),
    ):
        ActionItem.objects.create(
            unit=org.unit("a"),
            kpi=kpi,
            title=title,
            owner=org.ed,
            due_date=dt.date.fromisoformat(due),
        )
    run("--today", "2026-03-20")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "- The action “Call the Nordic distributor” was due on 2026-03-15" in body
    assert "- The action “Price review” is due on 2026-03-22" in body
    # a-rev's and a-cost's February values (due at its end, 15 days' grace) are overdue.
    assert "KPI a-rev (a-rev): the value of 2026-02 is 5 days overdue" in body
    assert "KPI a-cost (a-cost): the value of 2026-02 is 5 days overdue" in body
    run("--today", "2026-03-20")
    assert len(mailoutbox) == 1
