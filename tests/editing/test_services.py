"""Changing a scorecard's design: the loader's rules and messages, audit, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fourfold.audit.models import AuditEntry
from fourfold.editing import services
from fourfold.editing.checks import Invalid
from fourfold.measures.models import KPI
from fourfold.strategy.models import Alignment, Link, Objective, Perspective, Unit
from fourfold.strategy.services import Aligned, set_alignments

KPI_DATA = {
    "code": "margin",
    "name": "Gross margin",
    "objective": "",
    "unit": "%",
    "direction": "increase",
    "frequency": "monthly",
    "aggregation": "average",
    "scheme": "default",
    "weight": 1,
    "grace_days": 15,
}

# What loading the test's scorecard records.
LOADED = ("load", "values.written", "targets.written")


def refused(call: Any, *args: Any) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        call(*args)
    return caught.value.errors


def financial(unit: Unit) -> Perspective:
    return Perspective.objects.get(scorecard__unit=unit, code="financial")


def kpi_data(**changes: Any) -> dict[str, Any]:
    data = {**KPI_DATA, "objective": str(Objective.objects.get(code="grow").pk)}
    return {**data, **changes}


def test_it_adds_an_objective_at_the_end_with_an_audit_entry(acme: Unit, editor: User) -> None:
    data = {"code": "cut-costs", "name": "Cut costs", "perspective": financial(acme).pk}
    objective = services.create_objective(editor, acme, {**data, "owner": "eve@acme.example"})
    assert objective.owner == editor
    assert objective.order == 1
    entry = AuditEntry.objects.get(action="objective.create")
    assert entry.actor == editor
    assert entry.detail["after"]["code"] == "cut-costs"
    assert entry.detail["after"]["owner"] == "eve@acme.example"


def test_it_refuses_an_invalid_code_with_the_loaders_message(acme: Unit, editor: User) -> None:
    data = {"code": "cut costs!", "name": "Cut costs", "perspective": financial(acme).pk}
    errors = refused(services.create_objective, editor, acme, data)
    assert errors == {
        "code": ["'cut costs!' is not a valid code: use letters, digits, '-', '_' or '.'"]
    }
    assert not AuditEntry.objects.exclude(action__in=LOADED).exists()


def test_it_refuses_an_objective_code_used_in_another_unit(acme: Unit, editor: User) -> None:
    sales = Unit.objects.get(code="sales")
    services.create_perspective(editor, sales, {"code": "customer", "name": "Customer"})
    persp = Perspective.objects.get(scorecard__unit=sales)
    errors = refused(
        services.create_objective,
        editor,
        sales,
        {"code": "grow", "name": "G", "perspective": persp.pk},
    )
    assert errors["code"] == ["the code is already used by objective 'Grow revenue' of unit acme"]


def test_it_refuses_every_bad_kpi_field_at_once_and_writes_nothing(
    acme: Unit, editor: User
) -> None:
    before = KPI.objects.count()
    data = kpi_data(
        code="revenue",
        name="",
        direction="sideways",
        weight=-1,
        grace_days=2.5,
        tolerance=0,
        owner="not-an-email",
        contributor="nobody@acme.example",
        scheme="gold",
    )
    errors = refused(services.create_kpi, editor, acme, data)
    assert errors == {
        "code": ["the code is already used by KPI 'Revenue' of unit acme"],
        "name": ["'name' is required"],
        "direction": ["'direction' must be one of increase, decrease, range, not 'sideways'"],
        "weight": ["'weight' must be at least 0, got -1"],
        "grace_days": ["'grace_days' must be a whole number of days"],
        "tolerance": ["'tolerance' must be above 0"],
        "owner": [
            "no user has the username 'not-an-email', and it is not an email address: an "
            "administrator can add them on the Users page"
        ],
        "contributor": [
            "no user has the email address 'nobody@acme.example': an administrator can add "
            "them on the Users page"
        ],
        "scheme": ["there is no scheme named 'gold'"],
    }
    assert KPI.objects.count() == before
    assert not AuditEntry.objects.exclude(action__in=LOADED).exists()


def test_it_adds_a_kpi_with_a_contributor_who_may_then_enter_its_values(
    acme: Unit, editor: User, viewer: User
) -> None:
    from fourfold.accounts.access import Access

    kpi = services.create_kpi(editor, acme, kpi_data(contributor="VIC@acme.example"))
    assert kpi.contributor == viewer
    assert kpi.scheme.name == "default"
    assert Access.of(viewer).can_enter(kpi.pk, acme.pk)
    assert Access.of(editor).can_edit(acme.pk)


def test_it_records_only_the_changed_fields_before_and_after(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    data = kpi_data(code="revenue", name="Net revenue", unit="EUR", aggregation="sum")
    services.update_kpi(editor, kpi, data)
    entry = AuditEntry.objects.get(action="kpi.update")
    assert entry.detail["before"] == {"name": "Revenue"}
    assert entry.detail["after"] == {"name": "Net revenue"}


def test_it_refuses_a_direction_that_the_kpis_targets_no_longer_fit(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")  # targets 700 with red flag 500
    data = kpi_data(
        code="revenue", name="Revenue", unit="EUR", direction="decrease", aggregation="sum"
    )
    errors = refused(services.update_kpi, editor, kpi, data)
    assert errors["direction"] == [
        "its target for 2026-01 would not fit: for a KPI where lower is better the red flag "
        "must be above the target (got red flag 500 for target 700)"
    ]
    kpi.refresh_from_db()
    assert kpi.direction == "increase"


def test_it_refuses_a_frequency_that_the_kpis_values_do_not_fit(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="missing")
    data = kpi_data(code="missing", name="Missing", frequency="quarterly", aggregation="sum")
    errors = refused(services.update_kpi, editor, kpi, data)
    assert errors["frequency"] == [
        "its target for 2026-01 is for a month, which a quarterly KPI cannot have"
    ]


def test_it_links_objectives_of_the_unit_but_never_to_itself(acme: Unit, editor: User) -> None:
    grow = Objective.objects.get(code="grow")
    other = services.create_objective(
        editor, acme, {"code": "keep", "name": "Keep customers", "perspective": financial(acme).pk}
    )
    assert refused(services.set_links, editor, other, [other.pk]) == {
        "drives": ["an objective cannot drive itself"]
    }
    services.set_links(editor, other, [grow.pk])
    assert list(Link.objects.values_list("cause__code", "effect__code")) == [("keep", "grow")]
    entry = AuditEntry.objects.get(action="objective.links")
    assert entry.detail == {"unit": "acme", "before": {"drives": []}, "after": {"drives": ["grow"]}}
    services.set_links(editor, other, [])
    assert not Link.objects.exists()


def test_it_aligns_only_to_an_objective_of_a_unit_above(acme: Unit, editor: User) -> None:
    sales = Unit.objects.get(code="sales")
    services.create_perspective(editor, sales, {"code": "customer", "name": "Customer"})
    persp = Perspective.objects.get(scorecard__unit=sales)
    child = services.create_objective(
        editor, sales, {"code": "sell", "name": "Sell more", "perspective": persp.pk}
    )
    grow = Objective.objects.get(code="grow")
    errors = refused(set_alignments, editor, grow, [Aligned(child.pk)])
    assert errors == {
        "aligned_to": ["it is aligned to 'sell' of unit sales, which is not above unit acme"]
    }
    assert refused(set_alignments, editor, child, [Aligned("nothing")]) == {
        "aligned_to": ["it is aligned to 'nothing', which is not an objective"]
    }
    assert refused(set_alignments, editor, child, [Aligned(grow.pk), Aligned("grow")]) == {
        "aligned_to": ["it is aligned to 'grow' twice"]
    }
    assert not Alignment.objects.exists()
    set_alignments(editor, child, [Aligned(grow.pk, contributes=True, weight=2)])
    assert list(child.serves.values_list("parent__code", "contributes", "weight")) == [
        ("grow", True, 2.0)
    ]
    entry = AuditEntry.objects.get(action="objective.alignment")
    assert entry.actor == editor
    assert entry.detail["after"] == {
        "aligned_to": [{"objective": "grow", "contributes": True, "weight": 2.0}]
    }
    set_alignments(editor, child, [Aligned(grow.pk, contributes=True, weight=2)])
    assert AuditEntry.objects.filter(action="objective.alignment").count() == 1  # no change
    set_alignments(editor, child, [])
    assert not Alignment.objects.exists()


def test_it_moves_a_kpi_up_and_renumbers_its_siblings(acme: Unit, editor: User) -> None:
    complaints = KPI.objects.get(code="complaints")
    services.move(editor, complaints, -1)
    order = list(
        KPI.objects.filter(objective__code="grow").order_by("order").values_list("code", flat=True)
    )
    assert order == ["revenue", "complaints", "stock-days", "missing"]
    services.move(editor, KPI.objects.get(code="revenue"), -1)  # already first: nothing happens
    assert AuditEntry.objects.filter(action="kpi.move").count() == 1


def test_it_archives_and_restores_keeping_the_data(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    services.set_archived(editor, kpi, True)
    kpi.refresh_from_db()
    assert kpi.archived
    assert kpi.targets.count() == 2 and kpi.measurements.count() == 2
    services.set_archived(editor, kpi, False)
    kpi.refresh_from_db()
    assert not kpi.archived
    last = KPI.objects.filter(objective=kpi.objective).order_by("order").last()
    assert last == kpi  # back at the end of its siblings
    actions = list(
        AuditEntry.objects.exclude(action__in=LOADED)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["kpi.archive", "kpi.restore"]


def test_it_restores_a_kpi_only_once_its_objective_is_back(acme: Unit, editor: User) -> None:
    kpi = KPI.objects.get(code="revenue")
    grow = Objective.objects.get(code="grow")
    services.set_archived(editor, kpi, True)
    services.set_archived(editor, grow, True)
    assert refused(services.set_archived, editor, kpi, False) == {
        "": ["restore its objective 'Grow revenue' first: it is archived"]
    }


def test_it_creates_a_child_unit_with_its_scorecard(acme: Unit, editor: User) -> None:
    unit = services.create_unit(editor, acme, {"code": "ops", "name": "Operations"})
    assert unit.parent == acme and unit.scorecard.pk
    assert refused(services.create_unit, editor, acme, {"code": "sales", "name": "x"}) == {
        "code": ["the code is already used by unit 'Sales department'"]
    }


def test_it_refuses_a_share_met_rollup_without_a_percent_scheme(acme: Unit, editor: User) -> None:
    data = {"code": "people", "name": "People", "rollup": "share_met", "scheme": "default"}
    assert refused(services.create_perspective, editor, acme, data) == {
        "scheme": ["a share_met roll-up needs a percent_of_target scheme"]
    }
    data["scheme"] = "gov"
    assert services.create_perspective(editor, acme, data).scheme is not None


def test_a_perspective_code_is_unique_in_its_unit_only(acme: Unit, editor: User) -> None:
    data = {"code": "financial", "name": "Money"}
    assert refused(services.create_perspective, editor, acme, data) == {
        "code": ["unit acme already has a perspective with the code 'financial'"]
    }
    services.create_perspective(editor, Unit.objects.get(code="sales"), data)
