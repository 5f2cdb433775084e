"""The SMART rules of fourfold.core.smart on plain arrays and records (DESIGN.md's table)."""

from __future__ import annotations

import numpy as np

from fourfold.core import smart
from fourfold.core.smart import Finding

nan = np.nan


def test_the_table_of_rules_is_designs_to_the_letter() -> None:
    assert smart.RULES == {
        "specific.no_owner": "warning",
        "specific.no_unit": "warning",
        "specific.no_description": "info",
        "measurable.no_data": "warning",
        "measurable.overdue": "warning",
        "achievable.no_improvement": "warning",
        "achievable.unlikely": "warning",
        "relevant.no_kpi": "warning",
        "relevant.unaligned": "warning",
        "relevant.isolated": "info",
        "time_bound.no_target": "error",
        "time_bound.no_future_target": "warning",
        "cascade.targets_do_not_add_up": "warning",
    }
    assert {rule.split(".")[0] for rule in smart.RULES} == set(smart.CRITERIA)


def test_a_finding_is_one_json_object_with_exactly_designs_keys() -> None:
    finding = Finding("time_bound.no_target", "acme", "kpi", "revenue", "2026-01", "Fix it.")
    assert list(finding.as_json().items()) == [
        ("rule", "time_bound.no_target"),
        ("criterion", "time_bound"),
        ("severity", "error"),
        ("unit", "acme"),
        ("kind", "kpi"),
        ("code", "revenue"),
        ("period", "2026-01"),
        ("message", "Fix it."),
    ]


def test_the_exit_status_is_1_for_an_error_and_with_strict_for_a_warning() -> None:
    error = Finding("time_bound.no_target", "u", "kpi", "k", "2026-01", "")
    warning = Finding("specific.no_owner", "u", "kpi", "k", None, "")
    info = Finding("specific.no_description", "u", "kpi", "k", None, "")
    assert smart.exit_status([]) == 0
    assert smart.exit_status([info, warning]) == 0
    assert smart.exit_status([info, warning], strict=True) == 1
    assert smart.exit_status([info], strict=True) == 0
    assert smart.exit_status([error]) == 1


def test_findings_are_ordered_worst_first_then_by_criterion() -> None:
    a = Finding("relevant.isolated", "u", "objective", "o", None, "")
    b = Finding("specific.no_owner", "u", "kpi", "k", None, "")
    c = Finding("time_bound.no_target", "u", "kpi", "k", "2026-01", "")
    d = Finding("measurable.overdue", "u", "kpi", "k", "2026-01", "")
    assert smart.order([a, d, b, c]) == [c, b, d, a]


def kpi(**changes: object) -> smart.KpiDefinition:
    base: dict[str, object] = {
        "unit": "u",
        "code": "k",
        "has_owner": True,
        "unit_of_measure": "EUR",
        "description": "Sales invoiced.",
        "yes_no": False,
    }
    return smart.KpiDefinition(**(base | changes))  # type: ignore[arg-type]


def test_a_kpi_is_specific_with_an_owner_a_unit_and_a_description() -> None:
    assert list(smart.kpi_definitions([kpi()])) == []
    rules = [
        f.rule
        for f in smart.kpi_definitions([kpi(has_owner=False, unit_of_measure=" ", description="")])
    ]
    assert rules == ["specific.no_owner", "specific.no_unit", "specific.no_description"]
    assert [f.rule for f in smart.kpi_definitions([kpi(unit_of_measure="", yes_no=True)])] == []


def objective(**changes: object) -> smart.ObjectiveDefinition:
    base: dict[str, object] = {
        "unit": "sales",
        "code": "o",
        "has_owner": True,
        "kpis": 1,
        "contributors": 0,
        "unit_has_parent": True,
        "aligned_above": True,
        "linked": True,
        "map_has_links": True,
    }
    return smart.ObjectiveDefinition(**(base | changes))  # type: ignore[arg-type]


def rules_of(o: smart.ObjectiveDefinition) -> list[str]:
    return [f.rule for f in smart.objective_definitions([o])]


def test_an_objective_is_relevant_measured_aligned_and_linked() -> None:
    assert rules_of(objective()) == []
    assert rules_of(objective(has_owner=False)) == ["specific.no_owner"]
    assert rules_of(objective(kpis=0)) == ["relevant.no_kpi"]
    assert rules_of(objective(kpis=0, contributors=2)) == []  # measured from below
    assert rules_of(objective(aligned_above=False)) == ["relevant.unaligned"]
    assert rules_of(objective(aligned_above=False, unit_has_parent=False)) == []  # the top
    assert rules_of(objective(linked=False)) == ["relevant.isolated"]
    assert rules_of(objective(linked=False, map_has_links=False)) == []  # no map yet


def test_no_data_needs_a_period_due_and_no_value_in_any() -> None:
    due = np.array([[True, True], [True, False], [False, False]])
    reported = np.array([[False, False], [True, False], [False, False]])
    assert smart.no_data(due, reported).tolist() == [True, False, False]


def test_the_first_column_set_or_minus_one() -> None:
    flags = np.array([[False, True, True], [False, False, False], [True, False, False]])
    assert smart.first_column(flags).tolist() == [1, -1, 0]


def test_a_target_at_or_below_last_years_actual_is_no_improvement() -> None:
    target = np.array([[100.0, 101.0], [100.0, 99.0], [100.0, 100.0], [nan, 5.0]])
    before = np.array([[100.0, 100.0], [100.0, 100.0], [nan, 100.0], [1.0, nan]])
    increase = np.array([True, False, True, True])
    decrease = np.array([False, True, False, False])
    flags = smart.no_improvement(increase, decrease, target, before)
    # increase: 100 <= 100 flagged, 101 not; decrease: 100 >= 100 flagged, 99 not;
    # a missing actual or target is not judged; a range KPI (neither) never is.
    assert flags.tolist() == [[True, False], [True, False], [False, True], [False, False]]
    neither = np.zeros(4, dtype=bool)
    assert not smart.no_improvement(neither, neither, target, before).any()


def test_a_probability_below_ten_percent_is_unlikely() -> None:
    chances = np.array([0.0, 0.0999, 0.10, 0.5, nan])
    assert smart.unlikely(chances).tolist() == [True, True, False, False, False]


def test_no_future_target_is_no_target_in_any_period_ending_after_today() -> None:
    has = np.array([[True, False], [False, True], [False, False]])
    after = np.array([False, True])
    assert smart.no_future_target(has, after).tolist() == [True, False, True]


def test_children_that_add_up_within_half_a_percent_are_consistent() -> None:
    own = np.array([[100.0, 100.0, 100.0, nan], [0.0, 0.0, 50.0, 50.0]])
    children = np.array(
        [
            [60.0, 60.0, 60.0, 60.0],
            [40.5, 40.4, nan, 40.0],
            [0.0, 0.1, 20.0, 30.0],
        ]
    )
    owner = np.array([0, 0, 1], dtype=np.int64)
    result = smart.add_up(own, children, owner, np.array([2, 1], dtype=np.int64))
    assert result.total.tolist()[0][:2] == [100.5, 100.4]
    # 100.5 is 0.5 % off: it adds up; 100.4 too; a child without a target, or a parent
    # without one, leaves the period unjudged.
    assert result.complete.tolist() == [[True, True, False, False], [True, True, True, True]]
    assert result.off.tolist() == [[False, False, False, False], [False, True, True, True]]
    # 60 + 40.6 = 100.6 is more than 0.5 % away from 100.
    over = smart.add_up(
        np.array([[100.0]]), np.array([[60.0], [40.6]]), owner[:2], np.array([2], dtype=np.int64)
    )
    assert over.off.tolist() == [[True]]


def test_messages_say_the_fix() -> None:
    assert smart.no_target_message("revenue", "2026-11") == (
        "KPI revenue has no target for 2026-11: add a target for 2026-11 on the Targets page."
    )
    assert "on the Targets page" in smart.no_future_target_message("revenue", "2026-11-24")
    assert "Enter values page" in smart.no_data_message("revenue", "2026-11-24")
    assert smart.unlikely_message("revenue", "2026", 0.062).startswith(
        "KPI revenue has a 6% chance of meeting its target for 2026"
    )
    assert smart.unlikely_message("revenue", "2026", 0.001).startswith(
        "KPI revenue has a less than 1% chance"
    )
    assert "(5.0% less)" in smart.add_up_message("orders", "2026-01", 100.0, 95.0)
    assert "its own is 0" in smart.add_up_message("orders", "2026-01", 0.0, 5.0)
