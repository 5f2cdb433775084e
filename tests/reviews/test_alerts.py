"""What the reviews tell the people who follow things: commentary once someone writes it (a
draft copied forward is not news), and the action items meant to move an initiative, to
those who follow that initiative."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_q.conf import Conf

from fourfold.accounts.access import Access
from fourfold.alerts import daily, deliver
from fourfold.alerts import services as alerts
from fourfold.alerts.models import Event
from fourfold.initiatives.models import Initiative
from fourfold.measures.models import KPI
from fourfold.reviews import services
from fourfold.strategy.models import Unit

from .conftest import People


@pytest.fixture(autouse=True)
def _worker_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tasks the signals queue run here and now, as the worker would run them."""
    monkeypatch.setattr(Conf, "SYNC", True)


def follow(user: Any, kind: str, code: str, conditions: list[str]) -> None:
    access = Access.of(user)
    alerts.follow(user, access, alerts.subject(access, kind, code), conditions=conditions)


def test_commentary_is_news_when_written_never_as_a_draft(
    acme: Unit,
    people: People,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    follow(people.vic, "kpi", "revenue", ["comment"])
    revenue = KPI.objects.select_related("objective__perspective__scorecard__unit").get(
        code="revenue"
    )

    def write(period: str, analysis: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.write_commentary(people.eve, revenue, period, analysis=analysis)

    write("2026-02", "Two orders slipped.")  # and a draft for 2026-03, copied forward
    assert [m.subject for m in mailoutbox] == [
        "Fourfold: Eve commented on Revenue (revenue) for 2026-02"
    ]
    assert "Analysis: Two orders slipped." in mailoutbox[0].body
    assert Event.objects.filter(period="2026-03").count() == 0
    write("2026-03", "The orders came in.")  # the draft, written: now it is news
    assert [m.subject for m in mailoutbox][1:] == [
        "Fourfold: Eve commented on Revenue (revenue) for 2026-03"
    ]
    write("2026-03", "The orders came in, late.")  # rewritten: told once already
    write("2026-02", "Two orders slipped to March.")  # a draft for 2026-03? written there
    assert len(mailoutbox) == 2
    assert Event.objects.filter(condition="comment").count() == 2


def test_followers_of_an_initiative_hear_of_the_actions_meant_to_move_it(
    acme: Unit, people: People, mailoutbox: list[Any]
) -> None:
    follow(people.vic, "initiative", "crm", ["action_due", "action_late"])
    crm = Initiative.objects.get(code="crm")
    today = dt.date(2026, 4, 1)
    for title, due, initiative in (
        ("Train the sales team on the CRM", dt.date(2026, 3, 25), crm),
        ("Migrate the contacts", dt.date(2026, 4, 3), crm),
        ("Call the Nordic customers", dt.date(2026, 3, 25), None),  # about no initiative
    ):
        services.create_action(
            people.eve,
            acme,
            title=title,
            owner=people.eve,
            due_date=due,
            initiative=initiative,
        )
    found = daily.judge_day(today)
    told = sorted((e.condition, e.title) for e in found if e.recipient == f"user:{people.vic.pk}")
    assert told == [
        ("action_due", "The action “Migrate the contacts” is due on 2026-04-03"),
        ("action_late", "The action “Train the sales team on the CRM” was due on 2026-03-25"),
    ]
    assert all(e.path.startswith("/units/acme/actions/") for e in found)
    deliver.send_instant()
    assert [m.to for m in mailoutbox] == [["vic@example.com"]]
    assert "Call the Nordic customers" not in mailoutbox[0].body
    assert daily.judge_day(today) == []  # never told twice
