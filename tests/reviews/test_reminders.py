"""Action items in the daily reminder digest: the owner hears of one a few days before its due
date and once it is late, the review's chair (else the unit's editors) once it is late by the
policy's days; each person of each action once per kind, in the one digest of the day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.cli import cli
from fourfold.freshness import services as digests
from fourfold.freshness.models import Policy
from fourfold.measures.models import KPI
from fourfold.reviews import meetings, reminders, services
from fourfold.reviews.models import ActionItem, ActionReminder, Review
from fourfold.strategy.models import Unit

from .conftest import People

DUE = dt.date(2026, 5, 10)


@pytest.fixture
def chair(acme: Unit) -> User:
    cleo = User.objects.create_user("cleo", "cleo@example.com", first_name="Cleo")
    Role.objects.create(user=cleo, kind=Role.Kind.VIEWER, unit=acme)
    return cleo


@pytest.fixture
def review(acme: Unit, people: People, chair: User) -> Review:
    return meetings.plan_review(
        people.eve, acme, "2026-02", held_on=dt.date(2026, 3, 20), facilitator=chair
    )


def action(acme: Unit, people: People, review: Review | None, title: str = "Fix pricing") -> Any:
    return services.create_action(
        people.eve,
        acme,
        title=title,
        owner=people.vic,
        due_date=DUE,
        review=review,
        kpi=KPI.objects.get(code="revenue"),
    )


def sent_on(day: dt.date, mailoutbox: list[Any]) -> dict[str, Any]:
    """Send the day's digests; the mails of that day by recipient."""
    before = len(mailoutbox)
    digests.send(day)
    return {m.to[0]: m for m in mailoutbox[before:]}


def about(mail: Any, title: str) -> bool:
    return mail is not None and title in mail.body


def test_the_owner_hears_once_before_the_due_date_and_once_after(
    acme: Unit, people: People, review: Review, mailoutbox: list[Any]
) -> None:
    action(acme, people, review)
    assert not any(
        about(m, "Fix pricing") for m in sent_on(DUE - dt.timedelta(4), mailoutbox).values()
    )
    vic = sent_on(DUE - dt.timedelta(3), mailoutbox)["vic@example.com"]
    assert vic.subject == "Fourfold: 1 action item due"
    assert "1 action item you own is due or late:" in vic.body
    assert "- Fix pricing (Acme Corp): due on 2026-05-10, in 3 days" in vic.body
    assert "Fix pricing" in vic.alternatives[0][0]
    for day in (DUE - dt.timedelta(2), DUE):  # the same day again, and the due date itself
        assert "vic@example.com" not in sent_on(day, mailoutbox)
    assert "vic@example.com" not in sent_on(DUE - dt.timedelta(3), mailoutbox)
    late = sent_on(DUE + dt.timedelta(1), mailoutbox)["vic@example.com"]
    assert late.subject == "Fourfold: 1 action item late or due"
    assert "- Fix pricing (Acme Corp): was due on 2026-05-10, 1 day late" in late.body
    assert "vic@example.com" not in sent_on(DUE + dt.timedelta(2), mailoutbox)
    summaries = AuditEntry.objects.filter(action="remind").values_list("summary", flat=True)
    assert "Sent 1 reminder digest naming 0 overdue values and 1 action item" in summaries
    kinds = ActionReminder.objects.values_list("recipient__username", "kind", "sent_on")
    assert sorted(kinds) == [
        ("vic", "due_soon", DUE - dt.timedelta(3)),
        ("vic", "late", DUE + dt.timedelta(1)),
    ]


def test_a_late_action_is_escalated_to_the_reviews_chair_after_the_policys_days(
    acme: Unit, people: People, review: Review, chair: User, mailoutbox: list[Any]
) -> None:
    action(acme, people, review)
    assert "cleo@example.com" not in sent_on(DUE + dt.timedelta(6), mailoutbox)
    mails = sent_on(DUE + dt.timedelta(7), mailoutbox)
    cleo = mails["cleo@example.com"]
    assert "As the review's chair or an editor of the unit, you are told of 1 action item" in (
        cleo.body
    )
    assert "late for 7 days or more" in cleo.body
    assert "- Fix pricing (Acme Corp, owner Vic): was due on 2026-05-10, 7 days late" in cleo.body
    assert "eve@example.com" not in mails  # the chair is told, not every editor
    assert "vic@example.com" not in mails  # the owner heard it was late on the first day
    assert "cleo@example.com" not in sent_on(DUE + dt.timedelta(8), mailoutbox)


def test_the_action_of_an_owner_who_left_is_still_escalated(
    acme: Unit, people: People, review: Review, mailoutbox: list[Any]
) -> None:
    action(acme, people, review)
    people.vic.is_active = False
    people.vic.save()
    mails = sent_on(DUE + dt.timedelta(7), mailoutbox)
    assert sorted(mails) == ["cleo@example.com"]
    assert "- Fix pricing (Acme Corp, owner Vic): was due on 2026-05-10, 7 days late" in (
        mails["cleo@example.com"].body
    )


def test_without_a_chair_the_units_editors_are_told_and_the_policy_sets_the_days(
    acme: Unit, people: People, mailoutbox: list[Any]
) -> None:
    Policy.objects.update_or_create(pk=Policy.get().pk, defaults={"action_escalate_after_days": 2})
    action(acme, people, None, title="Clean the pipeline")
    mails = sent_on(DUE + dt.timedelta(2), mailoutbox)
    eve = mails["eve@example.com"]
    assert "- Clean the pipeline (Acme Corp, owner Vic): was due on 2026-05-10, 2 days late" in (
        eve.body
    )
    assert "late for 2 days or more" in eve.body
    # The owner, told of it late (the first reminder since), in the same one mail of the day.
    assert "was due on 2026-05-10, 2 days late" in mails["vic@example.com"].body


def test_editors_are_those_nearest_the_unit(acme: Unit, people: People) -> None:
    sales = Unit.objects.get(code="sales")
    from fourfold.accounts.access import Access

    assert [u.username for u in Access.editors(sales.pk)] == ["eve"]  # from acme, above
    sam = User.objects.create_user("sam", "sam@example.com")
    Role.objects.create(user=sam, kind=Role.Kind.EDITOR, unit=sales)
    assert [u.username for u in Access.editors(sales.pk)] == ["sam"]
    sam.is_active = False
    sam.save()
    assert [u.username for u in Access.editors(sales.pk)] == ["eve"]


def test_done_cancelled_and_ownerless_actions_are_not_reminded(
    acme: Unit, people: People, review: Review, mailoutbox: list[Any]
) -> None:
    done = action(acme, people, review, title="Done already")
    services.set_action_status(people.eve, done, ActionItem.Status.DONE)
    gone = action(acme, people, review, title="Given up")
    services.set_action_status(people.eve, gone, ActionItem.Status.CANCELLED)
    orphan = action(acme, people, review, title="Left behind")
    ActionItem.objects.filter(pk=orphan.pk).update(owner=None)  # its owner's account deleted
    for day in (DUE - dt.timedelta(1), DUE + dt.timedelta(10)):
        for mail in sent_on(day, mailoutbox).values():
            for title in ("Done already", "Given up", "Left behind"):
                assert title not in mail.body
    assert not ActionReminder.objects.exists()


def test_a_dry_run_names_the_actions_and_sends_nothing(
    acme: Unit, people: People, review: Review, mailoutbox: list[Any]
) -> None:
    action(acme, people, review)
    result = CliRunner().invoke(cli, ["remind", "--dry-run", "--today", "2026-05-18"])
    assert result.exit_code == 0, result.output
    assert "vic <vic@example.com> would get:" in result.output
    assert "  action 'Fix pricing' (Acme Corp, owner Vic) was due 2026-05-10, 8 days late" in (
        result.output
    )
    assert (
        "  escalated: action 'Fix pricing' (Acme Corp, owner Vic) was due 2026-05-10, 8 days late"
        in result.output
    )
    today = CliRunner().invoke(cli, ["remind", "--dry-run", "--today", "2026-05-10"])
    assert "  action 'Fix pricing' (Acme Corp, owner Vic) due 2026-05-10, today" in today.output
    assert mailoutbox == [] and not ActionReminder.objects.exists()


def test_the_plan_reads_a_fixed_number_of_queries_however_many_actions(
    acme: Unit,
    people: People,
    review: Review,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    def count(n: int) -> None:
        for i in range(n):
            action(acme, people, review if i % 2 else None, title=f"Action {n}.{i}")

    # The actions with their owners, units, reviews and chairs; what was sent of them; and
    # for the unit's editors its tree, its roles and the people (once for the unit).
    count(2)
    with django_assert_num_queries(5):
        first = reminders.plan(DUE + dt.timedelta(9), before_days=3, escalate_after=7)
    count(8)
    with django_assert_num_queries(5):
        more = reminders.plan(DUE + dt.timedelta(9), before_days=3, escalate_after=7)
    assert sum(map(len, first.values())) == 2 * 2 and sum(map(len, more.values())) == 10 * 2
