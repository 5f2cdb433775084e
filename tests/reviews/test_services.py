"""The reviews' services: series, reviews planned with their agenda, the facilitator's changes,
commentary copied forward, decisions, action items and closing; bad input writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI
from fourfold.reviews import meetings, services
from fourfold.reviews.models import ActionItem, AgendaItem, Comment, Decision, Review, ReviewSeries
from fourfold.reviews.services import ReviewError
from fourfold.strategy.models import Unit

from .conftest import People

HELD = dt.date(2026, 3, 20)


@pytest.fixture
def series(acme: Unit, people: People) -> ReviewSeries:
    return meetings.create_series(people.eve, acme, "Monthly operational review", "monthly")


@pytest.fixture
def review(acme: Unit, people: People, series: ReviewSeries) -> Review:
    return meetings.plan_review(
        people.eve,
        acme,
        "2026-02",
        held_on=HELD,
        series=series,
        facilitator=people.eve,
        participants=[people.vic],
    )


def kpi(code: str) -> KPI:
    return KPI.objects.get(code=code)


def test_a_planned_review_stores_its_generated_agenda(review: Review) -> None:
    items = list(review.items.order_by("position"))
    assert [(i.reason, i.code) for i in items] == [
        ("red", "revenue"),
        ("worsened", "grow"),
        ("worsened", "margin"),
        ("overdue", "late"),
        ("initiative_behind", "crm"),
    ]
    assert items[0].kpi == kpi("revenue") and items[1].objective is not None
    assert items[4].initiative is not None and all(i.minutes > 0 for i in items)
    assert review.title == "Monthly operational review 2026-02"
    assert review.state == Review.State.PLANNED
    assert list(review.participants.all()) and review.facilitator is not None
    assert AuditEntry.objects.filter(action="review.plan").count() == 1


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026-13", "The review's period: "),
        (
            "2026-Q1",
            "The review's period 2026-Q1 is not a month: the series 'Monthly operational "
            "review' is monthly.",
        ),
        ("soon", "The review's period: "),
    ],
)
def test_a_review_for_a_period_that_is_not_one_of_its_cadence_is_refused(
    acme: Unit, people: People, series: ReviewSeries, period: str, words: str
) -> None:
    with pytest.raises(ReviewError) as refused:
        meetings.plan_review(people.eve, acme, period, held_on=HELD, series=series)
    assert str(refused.value).startswith(words)
    assert not Review.objects.exists() and not AgendaItem.objects.exists()
    assert not AuditEntry.objects.filter(action="review.plan").exists()


@pytest.mark.parametrize("day", [dt.date(955, 3, 10), dt.date(2999, 1, 1)])
def test_a_review_held_outside_the_years_of_the_data_is_refused(
    acme: Unit, people: People, day: dt.date
) -> None:
    # The year 955 once reached the scoring of its agenda, which cannot name such a month.
    with pytest.raises(ReviewError) as refused:
        meetings.plan_review(people.eve, acme, "2026-03", held_on=day)
    assert str(refused.value) == (
        f"The review's date: the date {day.isoformat()} is out of range: years run from 1900 "
        f"to {dt.date.today().year + 20}."
    )
    assert not Review.objects.exists() and not AgendaItem.objects.exists()


def test_a_quarterly_series_takes_quarters(acme: Unit, people: People) -> None:
    quarterly = meetings.create_series(people.eve, acme, "Strategy review", "quarterly")
    made = meetings.plan_review(people.eve, acme, "2026-q1", held_on=HELD, series=quarterly)
    assert made.period == "2026-Q1"
    with pytest.raises(ReviewError, match="is not a quarter"):
        meetings.plan_review(people.eve, acme, "2026-03", held_on=HELD, series=quarterly)


def test_a_series_needs_a_name_a_cadence_and_a_name_of_its_own(
    acme: Unit, people: People, series: ReviewSeries
) -> None:
    for name, cadence in (("", "monthly"), ("Weekly", "weekly"), (series.name, "monthly")):
        with pytest.raises(ReviewError):
            meetings.create_series(people.eve, acme, name, cadence)
    assert ReviewSeries.objects.count() == 1


def test_an_action_without_an_owner_or_a_due_date_is_refused_and_nothing_written(
    acme: Unit, people: People
) -> None:
    with pytest.raises(ReviewError) as no_owner:
        services.create_action(
            people.eve, acme, title="Fix it", owner=None, due_date=dt.date(2026, 4, 30)
        )
    assert str(no_owner.value) == "The action item 'Fix it' needs an owner."
    with pytest.raises(ReviewError) as no_date:
        services.create_action(people.eve, acme, title="Fix it", owner=people.vic, due_date=None)
    assert str(no_date.value) == "The action item 'Fix it' needs a due date."
    with pytest.raises(ReviewError, match="needs a title"):
        services.create_action(
            people.eve, acme, title="  ", owner=people.vic, due_date=dt.date(2026, 4, 30)
        )
    assert not ActionItem.objects.exists()
    assert not AuditEntry.objects.filter(action="action.create").exists()


def test_an_action_is_owned_by_someone_who_may_see_its_unit(acme: Unit, people: People) -> None:
    with pytest.raises(ReviewError) as refused:
        services.create_action(
            people.eve, acme, title="Fix it", owner=people.bob, due_date=dt.date(2026, 4, 30)
        )
    assert str(refused.value) == (
        "Bob may not see unit acme, so cannot own its action item 'Fix it'."
    )
    assert not ActionItem.objects.exists()


def test_an_action_moves_a_kpi_objective_or_initiative_of_its_own_unit(
    acme: Unit, people: People
) -> None:
    sales = Unit.objects.get(code="sales")
    with pytest.raises(ReviewError, match="is not of unit sales"):
        services.create_action(
            people.eve,
            sales,
            title="Fix it",
            owner=people.eve,
            due_date=dt.date(2026, 4, 30),
            kpi=kpi("revenue"),
        )
    made = services.create_action(
        people.eve,
        acme,
        title="Fix it",
        owner=people.vic,
        due_date=dt.date(2026, 4, 30),
        kpi=kpi("revenue"),
        initiative=acme.initiatives.get(),
    )
    assert made.initiative is not None and made.status == ActionItem.Status.OPEN
    entry = AuditEntry.objects.get(action="action.create")
    assert entry.actor == people.eve and entry.detail["owner"] == "vic"


def test_an_actions_status_changes_and_is_audited_once(acme: Unit, people: People) -> None:
    made = services.create_action(
        people.eve, acme, title="Fix it", owner=people.vic, due_date=dt.date(2026, 4, 30)
    )
    services.set_action_status(people.vic, made, "done")
    services.set_action_status(people.vic, made, "done")
    made.refresh_from_db()
    assert made.status == "done" and made.closed_at is not None
    assert AuditEntry.objects.filter(action="action.status").count() == 1
    with pytest.raises(ReviewError, match="one of open, done, cancelled, not 'finished'"):
        services.set_action_status(people.vic, made, "finished")


def test_commentary_is_copied_forward_as_a_draft_never_over_what_is_written(
    acme: Unit, people: People
) -> None:
    revenue = kpi("revenue")
    services.write_commentary(
        people.eve,
        revenue,
        "2026-02",
        analysis="Orders slipped.",
        cause="A late launch.",
        recommendation="Widen the pipeline.",
    )
    draft = services.commentary_of(revenue.pk, "2026-03")
    assert draft is not None and draft.draft and draft.analysis == "Orders slipped."
    written = services.commentary_of(revenue.pk, "2026-02")
    assert written is not None and not written.draft
    assert written.text == (
        "Analysis: Orders slipped.\nCause: A late launch.\nRecommendation: Widen the pipeline."
    )
    # March is written for itself; February rewritten does not touch it.
    services.write_commentary(people.eve, revenue, "2026-03", analysis="Recovered.")
    services.write_commentary(people.eve, revenue, "2026-02", analysis="Orders slipped badly.")
    march = services.commentary_of(revenue.pk, "2026-03")
    assert march is not None and not march.draft and march.analysis == "Recovered."
    assert Comment.objects.filter(kpi=revenue, period="2026-02").count() == 1
    assert Comment.objects.filter(kpi=revenue, period="2026-03").count() == 1
    # and March's, copied to April
    april = services.commentary_of(revenue.pk, "2026-04")
    assert april is not None and april.draft and april.analysis == "Recovered."


def test_empty_commentary_or_a_period_that_is_not_one_is_refused(
    acme: Unit, people: People
) -> None:
    with pytest.raises(ReviewError, match="needs an analysis, a cause or a recommendation"):
        services.write_commentary(people.eve, kpi("revenue"), "2026-02", analysis="  ")
    with pytest.raises(ReviewError, match="Commentary of KPI revenue: "):
        services.write_commentary(people.eve, kpi("revenue"), "2026-14", analysis="x")
    assert not Comment.objects.exists()


def test_the_facilitator_adds_drops_and_reorders_items(review: Review, people: People) -> None:
    added = meetings.add_item(people.eve, review, "Budget for next year", 10)
    first = review.items.get(position=0)
    meetings.drop_item(people.eve, first)
    meetings.move_item(people.eve, added, -10)
    order = list(review.items.order_by("position").values_list("code", "reason", "dropped"))
    assert order[0] == ("", "added", False)
    assert order[1] == ("revenue", "red", True)
    with pytest.raises(ReviewError, match="needs a text"):
        meetings.add_item(people.eve, review, " ")


def test_decisions_need_what_and_who(review: Review, people: People) -> None:
    item = review.items.get(code="revenue")
    made = meetings.record_decision(
        people.eve, review, "Cut prices", decided_by="The board", why="Volume first", item=item
    )
    assert made.kpi == kpi("revenue")
    with pytest.raises(ReviewError, match="needs who decided it"):
        meetings.record_decision(people.eve, review, "Raise prices", decided_by="")
    assert Decision.objects.count() == 1


def test_a_closed_review_changes_no_more(review: Review, people: People) -> None:
    meetings.close(people.eve, review)
    assert review.state == Review.State.CLOSED and review.closed_at is not None
    for step in (
        lambda: meetings.add_item(people.eve, review, "More"),
        lambda: meetings.record_decision(people.eve, review, "More", decided_by="me"),
        lambda: meetings.close(people.eve, review),
    ):
        with pytest.raises(ReviewError, match="is closed"):
            step()


def test_a_series_may_require_a_note_for_every_red_kpi(
    review: Review, series: ReviewSeries, people: People
) -> None:
    series.note_required_for_red = True
    series.save()
    with pytest.raises(ReviewError) as refused:
        meetings.close(people.eve, review)
    assert str(refused.value) == (
        "The review 'Monthly operational review 2026-02' cannot close: red KPI revenue has no "
        "commentary for 2026-02, which the series 'Monthly operational review' requires."
    )
    review.refresh_from_db()
    assert review.state == Review.State.PLANNED
    services.write_commentary(people.eve, kpi("revenue"), "2026-02", analysis="Known.")
    meetings.close(people.eve, review)


def test_the_next_review_starts_with_the_open_actions_and_the_decisions_since(
    acme: Unit, review: Review, series: ReviewSeries, people: People
) -> None:
    item = review.items.get(code="revenue")
    meetings.record_decision(people.eve, review, "Cut prices", decided_by="The board", item=item)
    one = services.create_action(
        people.eve,
        acme,
        title="Call the bank",
        owner=people.vic,
        due_date=dt.date(2026, 4, 15),
        review=review,
        item=item,
    )
    two = services.create_action(
        people.eve,
        acme,
        title="New leads",
        owner=people.eve,
        due_date=dt.date(2026, 4, 30),
        review=review,
        item=item,
    )
    meetings.close(people.eve, review)
    following = meetings.plan_review(
        people.eve, acme, "2026-03", held_on=dt.date(2026, 4, 10), series=series
    )
    first = list(following.items.order_by("position")[:2])
    assert [(i.reason, i.action_id) for i in first] == [
        ("open_action", one.pk),
        ("open_action", two.pk),
    ]
    assert [d.text for d in meetings.decisions_since(following)] == ["Cut prices"]
    assert meetings.previous(following) == review
