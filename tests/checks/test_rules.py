"""Each rule of DESIGN.md's SMART table on a real database: a finding where the card breaks
the rule, none for the good KPIs and objectives beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from fourfold.accounts.access import Access
from fourfold.checks.gather import Report, Strength, check
from fourfold.measures.intake import submit_values
from fourfold.measures.models import KPI, Target
from fourfold.measures.services import ValueEntry
from fourfold.scoring.engine import Scores
from tests.checks.card import TODAY, load_card

pytestmark = pytest.mark.django_db


def no_forecast(kpi_ids: list[int], today: dt.date, scores: Scores) -> dict[int, float | None]:
    return {}


@pytest.fixture
def report() -> Report:
    load_card()
    return check(today=TODAY, probabilities=no_forecast)


def found(report: Report) -> set[tuple[str, str, str | None]]:
    return {(f.rule, f.code, f.period) for f in report.findings}


def by_rule(report: Report, rule: str) -> set[tuple[str, str | None]]:
    return {(f.code, f.period) for f in report.findings if f.rule == rule}


def test_it_finds_exactly_what_the_card_breaks(report: Report) -> None:
    assert found(report) == {
        ("specific.no_owner", "bare", None),
        ("specific.no_owner", "empty", None),
        ("specific.no_unit", "bare", None),
        ("specific.no_description", "bare", None),
        ("measurable.no_data", "silent", None),
        ("measurable.overdue", "silent", "2025-04"),
        ("measurable.overdue", "late", "2026-01"),
        ("achievable.no_improvement", "flat", "2026"),
        ("relevant.no_kpi", "empty", None),
        ("relevant.unaligned", "south-sell", None),
        ("relevant.isolated", "empty", None),
        ("time_bound.no_target", "untargeted", "2026-01"),
        ("time_bound.no_target", "gap", "2026-02"),
        ("time_bound.no_future_target", "untargeted", None),
        ("cascade.targets_do_not_add_up", "orders", "2026-01"),
    }


def test_each_finding_has_the_tables_severity_and_criterion_and_says_the_fix(
    report: Report,
) -> None:
    first = {f.rule: f for f in report.findings}
    assert first["time_bound.no_target"].severity == "error"
    assert first["specific.no_description"].severity == "info"
    assert first["relevant.isolated"].severity == "info"
    assert first["measurable.overdue"].severity == "warning"
    assert first["cascade.targets_do_not_add_up"].criterion == "cascade"
    assert first["time_bound.no_target"].criterion == "time_bound"
    assert [f.severity for f in report.findings][:2] == ["error", "error"]  # worst first
    messages = {(f.rule, f.code): f.message for f in report.findings}
    assert messages[("time_bound.no_target", "gap")] == (
        "KPI gap has no target for 2026-02: add a target for 2026-02 on the Targets page."
    )
    assert messages[("measurable.overdue", "late")] == (
        "The value of KPI late for 2026-01 is overdue (since 2026-02-15): enter it on the "
        "Enter values page."
    )
    assert (
        "(1,200) is no better than its actual a year earlier (2025: 1,350)"
        in messages[("achievable.no_improvement", "flat")]
    )
    assert (
        "is 100 but its child units' targets add up to 110 (10.0% more)"
        in messages[("cascade.targets_do_not_add_up", "orders")]
    )
    assert messages[("relevant.unaligned", "south-sell")].startswith(
        "Objective south-sell is aligned to no objective of the units above south"
    )


def test_unscored_archived_and_yes_no_kpis_get_what_the_table_says(report: Report) -> None:
    codes = {f.code for f in report.findings}
    assert "idle" not in codes  # unscored: no finding, though it has no owner nor data
    assert "gone" not in codes  # archived
    assert "milestone" not in codes  # yes/no: no unit needed, scored on its value alone
    # Calculated: no measurable.* although it has no value of its own.
    assert not {f.rule for f in report.findings if f.code == "total"}


def test_a_good_kpi_or_objective_gets_nothing(report: Report) -> None:
    codes = {f.code for f in report.findings}
    assert not codes & {"good", "profit", "happy", "north-sell", "north.orders", "south.orders"}


def test_the_strength_is_the_share_of_scored_live_kpis_with_no_warning(report: Report) -> None:
    # acme scores 10 KPIs; good, total and milestone have no warning nor error ("bare" has
    # an info too, but also warnings).
    assert report.strength == {
        "acme": Strength(10, 3),
        "north": Strength(1, 1),
        "south": Strength(1, 1),
    }
    assert report.strength["acme"].share == pytest.approx(0.3)


def test_a_unit_is_checked_with_the_units_below_it() -> None:
    load_card()
    north = check(today=TODAY, unit="north", probabilities=no_forecast)
    assert north.findings == [] and set(north.strength) == {"north"}
    south = check(today=TODAY, unit="south", probabilities=no_forecast)
    assert found(south) == {("relevant.unaligned", "south-sell", None)}
    with pytest.raises(LookupError, match="there is no unit 'west'"):
        check(today=TODAY, unit="west", probabilities=no_forecast)


def test_today_decides_what_is_due_and_the_fiscal_year() -> None:
    load_card()
    early = check(today=dt.date(2026, 2, 10), probabilities=no_forecast)
    # 2026-01 is due but not overdue until 2026-02-15.
    assert ("measurable.overdue", "late", "2026-01") not in found(early)
    # February has begun: its missing target is an error already...
    assert ("time_bound.no_target", "gap", "2026-02") in found(early)
    # ...which it was not in January, when only 2026-01 had begun.
    january = check(today=dt.date(2026, 1, 20), probabilities=no_forecast)
    assert ("time_bound.no_target", "gap", "2026-02") not in found(january)
    assert ("time_bound.no_target", "untargeted", "2026-01") in found(january)
    # A year later, 2026 is history: its year target is no longer judged.
    later = check(today=dt.date(2027, 1, 20), probabilities=no_forecast)
    assert ("achievable.no_improvement", "flat", "2026") not in found(later)


def test_the_targets_that_add_up_within_half_a_percent_are_not_flagged() -> None:
    load_card()
    # 60 + 50 = 110: own targets of 109.5 (0.46 % off) add up; 109 (0.92 %) do not.
    Target.objects.filter(kpi__code="orders").update(target=109.5)
    assert (
        by_rule(check(today=TODAY, probabilities=no_forecast), "cascade.targets_do_not_add_up")
        == set()
    )
    Target.objects.filter(kpi__code="orders", period="2026-05").update(target=109)
    assert by_rule(
        check(today=TODAY, probabilities=no_forecast), "cascade.targets_do_not_add_up"
    ) == {("orders", "2026-05")}


def test_a_forecast_below_ten_percent_is_unlikely() -> None:
    load_card()
    chances = {"good": 0.09, "flat": 0.10, "late": None}

    def forecast(kpi_ids: list[int], today: dt.date, scores: Scores) -> dict[int, float | None]:
        from fourfold.measures.models import KPI

        ids = dict(KPI.objects.filter(code__in=chances).values_list("pk", "code"))
        return {pk: chances[ids[pk]] for pk in kpi_ids if pk in ids}

    report = check(today=TODAY, probabilities=forecast)
    assert by_rule(report, "achievable.unlikely") == {("good", "2026")}
    (finding,) = [f for f in report.findings if f.rule == "achievable.unlikely"]
    assert finding.message.startswith("KPI good has a 9% chance of meeting its target for 2026")


def test_the_forecast_service_tells_what_is_unlikely_end_to_end() -> None:
    load_card()
    root = User.objects.create_superuser("root", "root@example.com", "x")
    good, flat = KPI.objects.get(code="good"), KPI.objects.get(code="flat")
    # Three more months make good's history long enough to forecast: 100 a month cannot
    # reach 2026's 1,320. Flat's 11 months are still too short a history to judge.
    early = [ValueEntry(good.pk, f"2025-0{m}", 100.0) for m in (1, 2, 3)]
    submit_values(early, actor=root, access=Access.of(root), channel="grid")
    report = check(today=TODAY)
    assert by_rule(report, "achievable.unlikely") == {("good", "2026")}
    assert not [
        f for f in report.findings if f.code == flat.code and f.rule == "achievable.unlikely"
    ]
