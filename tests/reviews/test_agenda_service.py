"""The agenda gathered from the data (fourfold/reviews/agenda.py) for a unit and period."""

from __future__ import annotations

import datetime as dt

from pytest_django import DjangoAssertNumQueries

from fourfold.reviews import agenda, services
from fourfold.strategy.models import Unit

from .conftest import TODAY, People


def test_it_lists_what_needs_discussion_in_designs_order(acme: Unit) -> None:
    made = agenda.build(acme, "2026-02", today=TODAY)
    assert [(i.reason, i.kind, i.code) for i in made.items] == [
        ("red", "kpi", "revenue"),
        ("worsened", "objective", "grow"),
        ("worsened", "kpi", "margin"),
        ("overdue", "kpi", "late"),
        ("initiative_behind", "initiative", "crm"),
    ]
    red = made.items[0]
    assert red.message == (
        "KPI Revenue (revenue) is red in 2026-02, score 2.50; it went from green in 2026-01 "
        "to red in 2026-02; no open action item is about it."
    )
    assert made.items[3].message == "KPI Late (late) has 1 value overdue in 2026-02."
    assert made.minutes == sum(i.minutes for i in made.items)


def test_each_line_links_to_what_it_is_about(acme: Unit) -> None:
    lines = {line.item.code: line for line in agenda.build(acme, "2026-02", today=TODAY).lines}
    assert lines["revenue"].url == "/units/acme/kpis/revenue/?period=2026-02"
    assert lines["grow"].url == "/units/acme/objectives/grow/?period=2026-02"
    assert lines["crm"].url == "/units/acme/initiatives/crm/?period=2026-02"
    assert lines["revenue"].kpi_id is not None and lines["grow"].objective_id is not None
    assert lines["crm"].initiative_id is not None


def test_before_the_grace_period_ends_nothing_is_overdue(acme: Unit) -> None:
    made = agenda.build(acme, "2026-02", today=dt.date(2026, 3, 10))
    assert "overdue" not in [i.reason for i in made.items]


def test_open_actions_come_first_and_a_red_kpi_with_one_says_so(acme: Unit, people: People) -> None:
    revenue = acme.scorecard.perspectives.get().objectives.get().kpis.get(code="revenue")
    late = services.create_action(
        people.eve,
        acme,
        title="Call the bank",
        owner=people.vic,
        due_date=dt.date(2026, 3, 1),
        kpi=revenue,
    )
    soon = services.create_action(
        people.eve, acme, title="Price review", owner=people.eve, due_date=dt.date(2026, 5, 1)
    )
    items = agenda.build(acme, "2026-02", today=TODAY).items
    assert [(i.reason, i.code) for i in items[:3]] == [
        ("open_action", str(soon.pk)),
        ("action_overdue", str(late.pk)),
        ("red", "revenue"),
    ]
    assert items[2].message.endswith("; 1 open action item is about it.")
    services.set_action_status(people.eve, late, "done")
    assert [i.code for i in agenda.build(acme, "2026-02", today=TODAY).items[:1]] == [str(soon.pk)]


def test_a_period_outside_the_scores_has_no_kpi_but_the_initiative_from_its_last_entry(
    acme: Unit,
) -> None:
    items = agenda.build(acme, "2031-05", today=TODAY).items
    assert [(i.reason, i.code) for i in items] == [("initiative_behind", "crm")]


def test_its_queries_are_counted(
    acme: Unit, people: People, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(3):
        services.create_action(
            people.eve, acme, title=f"Action {n}", owner=people.vic, due_date=dt.date(2026, 3, 1)
        )
    # Inside a test's transaction the scores cache serves nothing: the organization, the open
    # actions with their owners; the engine's nine with its organization (read once, for the
    # statuses and the forecasts alike: values and targets of the unit's KPIs only); and the
    # initiatives (3).
    with django_assert_num_queries(14):
        made = agenda.build(acme, "2026-02", today=TODAY)
    assert len(made.items) == 8
