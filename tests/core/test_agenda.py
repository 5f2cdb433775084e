"""The agenda rule (fourfold/core/agenda.py): which items a review discusses, in DESIGN.md's
order, each once, with a message that says why."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fourfold.core import agenda
from fourfold.core.agenda import NONE, Action, Initiative, Node

TODAY = dt.date(2026, 11, 20)
RED, AMBER, GREEN = 0, 1, 2


def kpi(code: str = "revenue", **given: object) -> Node:
    fields: dict[str, object] = {
        "kind": "kpi",
        "code": code,
        "name": f"KPI {code}",
        "status": GREEN,
        "status_name": "green",
        "previous": GREEN,
        "previous_name": "green",
        "previous_period": "2026-09",
        "probability": 0.9,
        "year": "2026",
        **given,
    }
    names = {RED: "red", AMBER: "amber", GREEN: "green", NONE: ""}
    if "status" in given and "status_name" not in given:
        fields["status_name"] = names[int(given["status"])]  # type: ignore[call-overload]
    if "previous" in given and "previous_name" not in given:
        fields["previous_name"] = names[int(given["previous"])]  # type: ignore[call-overload]
    return Node(**fields)  # type: ignore[arg-type]


def build(
    actions: list[Action] = (),  # type: ignore[assignment]
    nodes: list[Node] = (),  # type: ignore[assignment]
    initiatives: list[Initiative] = (),  # type: ignore[assignment]
) -> list[agenda.Item]:
    return agenda.build("2026-10", TODAY, list(actions), list(nodes), list(initiatives))


def test_a_kpi_at_goal_not_worse_with_its_data_in_and_likely_is_not_on_the_agenda() -> None:
    assert build(nodes=[kpi()]) == []


def test_an_amber_kpi_that_did_not_get_worse_is_not_on_the_agenda_either() -> None:
    assert build(nodes=[kpi(status=AMBER, previous=AMBER)]) == []


def test_a_red_kpi_with_no_open_action_says_so() -> None:
    [item] = build(nodes=[kpi(status=RED, previous=RED, score=2.5)])
    assert item.reason == "red" and item.kind == "kpi" and item.code == "revenue"
    assert item.period == "2026-10"
    assert item.message == (
        "KPI KPI revenue (revenue) is red in 2026-10, score 2.50; no open action item is about it."
    )


def test_a_red_kpi_with_open_actions_counts_them() -> None:
    [item] = build(nodes=[kpi(status=RED, previous=RED, open_actions=2)])
    assert item.message.endswith("; 2 open action items are about it.")
    [one] = build(nodes=[kpi(status=RED, previous=RED, open_actions=1)])
    assert one.message.endswith("; 1 open action item is about it.")


def test_the_worst_status_of_another_scheme_is_red_by_its_own_name() -> None:
    [item] = build(nodes=[kpi(status=RED, status_name="Not met", previous=RED)])
    assert item.reason == "red"
    assert "is at Not met, its worst status, in 2026-10" in item.message


def test_a_kpi_worse_than_the_period_before_is_worsened() -> None:
    [item] = build(nodes=[kpi(status=AMBER, previous=GREEN)])
    assert item.reason == "worsened"
    assert (
        item.message == "KPI KPI revenue (revenue) went from green in 2026-09 to amber in 2026-10."
    )


def test_no_status_before_or_now_is_no_worsening() -> None:
    assert build(nodes=[kpi(status=AMBER, previous=NONE)]) == []
    assert build(nodes=[kpi(status=NONE, previous=GREEN, status_name="")]) == []


def test_a_better_status_is_no_worsening() -> None:
    assert build(nodes=[kpi(status=GREEN, previous=RED)]) == []


@pytest.mark.parametrize(("chance", "listed"), [(0.0, True), (0.2999, True), (0.30, False)])
def test_a_kpi_under_30_percent_likely_to_meet_the_year_is_unlikely(
    chance: float, listed: bool
) -> None:
    found = build(nodes=[kpi(probability=chance)])
    assert [i.reason for i in found] == (["unlikely"] if listed else [])


def test_the_chance_is_said_in_percent() -> None:
    [item] = build(nodes=[kpi(probability=0.12)])
    assert item.message == "KPI KPI revenue (revenue) has a 12 % chance of meeting its 2026 target."
    [tiny] = build(nodes=[kpi(probability=0.001)])
    assert "a below 1 % chance" in tiny.message


def test_no_forecast_is_not_unlikely() -> None:
    assert build(nodes=[kpi(probability=None)]) == []


def test_overdue_data_is_on_the_agenda() -> None:
    [item] = build(nodes=[kpi(status=NONE, status_name="", previous=NONE, overdue=1)])
    assert item.reason == "overdue"
    assert item.message == "KPI KPI revenue (revenue) has 1 value overdue in 2026-10."


def test_an_objective_is_red_or_worsened_never_unlikely_or_overdue() -> None:
    objective = Node(
        "objective", "grow", "Grow", status=GREEN, previous=GREEN, probability=0.0, overdue=3
    )
    assert build(nodes=[objective]) == []
    red = Node(
        "objective",
        "grow",
        "Grow",
        status=RED,
        status_name="red",
        previous=AMBER,
        previous_name="amber",
        previous_period="2026-09",
    )
    [item] = build(nodes=[red])
    assert item.reason == "red" and item.kind == "objective"
    assert item.also == ("worsened",)
    assert item.message.startswith("Objective Grow (grow) is red in 2026-10; it went from amber")


def test_a_node_is_listed_once_under_its_first_reason_naming_the_others() -> None:
    node = kpi(status=RED, previous=GREEN, probability=0.05, overdue=2)
    [item] = build(nodes=[node])
    assert item.reason == "red"
    assert item.also == ("worsened", "unlikely", "overdue")
    for words in ("went from green", "5 % chance", "2 values overdue"):
        assert words in item.message


def test_open_and_late_actions_come_first_in_their_order() -> None:
    late = Action(7, "Call the bank", "Ann", dt.date(2026, 11, 1))
    open_ = Action(8, "Price review", "Bob", dt.date(2026, 12, 1))
    undated = Action(9, "Think", "", None)
    found = build([late, open_, undated], [kpi(status=RED, previous=RED)])
    assert [(i.reason, i.code) for i in found] == [
        ("open_action", "8"),
        ("open_action", "9"),
        ("action_overdue", "7"),
        ("red", "revenue"),
    ]
    assert found[2].message == (
        "Action 'Call the bank' (owner Ann) was due on 2026-11-01 and is not done: 19 days late."
    )
    assert found[0].message == "Action 'Price review' (owner Bob, due 2026-12-01) is not done yet."
    assert found[1].message == "Action 'Think' (owner nobody) is not done yet."
    assert all(i.kind == "action" for i in found[:3])


def test_an_action_due_today_is_not_late() -> None:
    [item] = build([Action(1, "Today", "Ann", TODAY)])
    assert item.reason == "open_action"


def test_an_initiative_below_its_goal_status_is_behind() -> None:
    behind = Initiative("crm", "CRM", status=AMBER, status_name="amber", complete=40, expected=55)
    on_track = Initiative("mes", "MES", status=GREEN, status_name="green")
    unscored = Initiative("new", "New", status=NONE)
    [item] = build(initiatives=[behind, on_track, unscored])
    assert (item.reason, item.kind, item.code) == ("initiative_behind", "initiative", "crm")
    assert item.message == (
        "Initiative CRM (crm) is amber in 2026-10: 40 % complete where 55 % was expected."
    )


def test_the_reasons_come_in_designs_order_whatever_the_order_given() -> None:
    nodes = [
        kpi("o", status=NONE, status_name="", previous=NONE, overdue=1),
        kpi("u", probability=0.1),
        kpi("w", status=AMBER, previous=GREEN),
        kpi("r", status=RED, previous=RED),
    ]
    actions = [Action(1, "Late", "A", dt.date(2026, 1, 1)), Action(2, "Open", "A", None)]
    behind = [Initiative("i", "I", status=RED, status_name="red")]
    for shuffled in itertools.permutations(nodes):
        found = build(actions, list(shuffled), behind)
        assert [i.reason for i in found] == list(agenda.REASONS)


def test_within_a_reason_the_scorecards_order_is_kept() -> None:
    nodes = [kpi(c, status=RED, previous=RED) for c in ("b", "a", "c")]
    assert [i.code for i in build(nodes=nodes)] == ["b", "a", "c"]


def test_each_item_is_time_boxed_and_the_json_has_designs_keys_in_order() -> None:
    found = build([Action(1, "x", "A", None)], [kpi(status=RED, previous=RED)])
    assert [i.minutes for i in found] == [agenda.MINUTES["open_action"], agenda.MINUTES["red"]]
    assert agenda.total_minutes(found) == sum(agenda.MINUTES[r] for r in ("open_action", "red"))
    assert list(found[1].as_json()) == ["reason", "kind", "code", "period", "message"]


@pytest.mark.parametrize(
    ("key", "following"),
    [("2026-12", "2027-01"), ("2026-Q4", "2027-Q1"), ("2026", "2027"), ("2026-03-YTD", None)],
)
def test_commentary_is_copied_forward_to_the_next_period_of_its_kind(
    key: str, following: str | None
) -> None:
    assert agenda.next_period(key) == following


def test_the_next_fiscal_period_follows_the_fiscal_year() -> None:
    assert agenda.next_period("FY2026-Q4", 10) == "FY2027-Q1"
    assert agenda.next_period("FY2026", 10) == "FY2027"
