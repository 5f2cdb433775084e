"""Phased targets on the Targets page: a preview of the parts before saving, the parts written
with the reason "phased from P", and a part changed by hand spreading the others again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from fourfold.audit.models import AuditEntry
from fourfold.editing import targets
from fourfold.editing.checks import Invalid
from fourfold.measures.models import KPI, Target, TargetVersion
from fourfold.strategy.models import Unit

from .conftest import client_of

PAGE = "/units/acme/design/kpis/{pk}/targets/"


def months(kpi: KPI, year: str = "2026") -> dict[str, tuple[float | None, float | None, str]]:
    rows = Target.objects.filter(kpi=kpi, period__startswith=f"{year}-").order_by("period")
    return {t.period: (t.target, t.red_flag, t.reason) for t in rows}


def test_a_phased_year_writes_its_months_as_if_each_were_set_by_hand(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    notes: list[str] = []
    data = {"period": "2026", "target": 1200, "red_flag": 1080, "phase": "even", "reason": "plan"}
    count = targets.set_target(editor, kpi, data, notes=notes)
    assert (count.created, count.changed) == (11, 2)  # the year, ten months; two replaced
    year = Target.objects.get(kpi=kpi, period="2026")
    assert (year.target, year.phase, year.reason) == (1200, "even", "plan")
    got = months(kpi)
    assert list(got) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert set(got.values()) == {(100, 90, "phased from 2026")}
    # The months loaded before are kept in the history, replaced with the phase's reason.
    old = TargetVersion.objects.get(kpi=kpi, period="2026-01")
    assert (old.target, old.superseding_reason) == (700, "phased from 2026")
    assert notes == ["Its 12 months are phased from 2026 (even)."]
    assert (
        AuditEntry.objects.filter(action="targets.written", detail__channel="targets page").count()
        == 1
    )


def test_changing_a_month_spreads_the_others_not_set_by_hand_so_that_the_year_holds(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    targets.set_target(
        editor, kpi, {"period": "2026", "target": 1200, "phase": "even", "reason": "plan"}
    )
    notes: list[str] = []
    march = {"period": "2026-03", "target": 320, "reason": "a fair"}
    targets.set_target(editor, kpi, march, notes=notes)
    got = months(kpi)
    assert got["2026-03"] == (320, None, "a fair")
    assert got["2026-01"] == (80, None, "phased from 2026")  # (1200 - 320) / 11
    assert notes == [
        "The 11 other months of 2026 not set by hand were spread again (even), "
        "so that 2026 still comes to 1,200."
    ]
    # March stays as set by hand when May is changed too.
    targets.set_target(editor, kpi, {"period": "2026-05", "target": 80, "reason": "quiet"})
    got = months(kpi)
    assert got["2026-03"][0] == 320 and got["2026-05"][0] == 80
    assert got["2026-12"] == (80, None, "phased from 2026")
    assert sum(v[0] for v in got.values() if v[0] is not None) == pytest.approx(1200)


def test_it_refuses_a_phase_that_cannot_apply_next_to_the_phase_field_and_writes_nothing(
    acme: Unit, editor: User
) -> None:
    revenue = KPI.objects.get(code="revenue")
    before = list(Target.objects.values_list("kpi_id", "period", "target"))
    cases = [
        (revenue, {"period": "2026", "target": 1200, "phase": "seasonal"}, "needs two full years"),
        (revenue, {"period": "2026", "target": 1200, "phase": "linear"}, "and this one sums"),
        (revenue, {"period": "2026-04", "target": 100, "phase": "even"}, "so 2026-04 has none"),
    ]
    for kpi, data, words in cases:
        with pytest.raises(Invalid) as caught:
            targets.set_target(editor, kpi, data)
        assert list(caught.value.errors) == ["phase"]
        assert words in caught.value.errors["phase"][0]
    assert list(Target.objects.values_list("kpi_id", "period", "target")) == before


def test_the_page_previews_the_months_before_saving_in_a_fixed_number_of_queries(
    acme: Unit, editor: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    kpi = KPI.objects.get(code="revenue")
    client = client_of(editor)
    query = {"one-period": "2026", "one-target": "1200", "one-phase": "even", "one-red_flag": ""}
    # Session and user (2); roles, units (2); the unit, the KPI (2); the organization (1);
    # the stored phase of 2026, the actuals, the months' targets now (3).
    with django_assert_num_queries(10):
        response = client.get(PAGE.format(pk=kpi.pk) + "preview/", query, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: 12 months of 2026" in html and "come to <strong>1,200</strong>" in html
    assert html.count("set by hand: replaced") == 2  # January and February, loaded before
    assert not Target.objects.filter(kpi=kpi, period="2026").exists()
    # Without JavaScript the button asks for the whole page, with the preview in it.
    page = client.get(PAGE.format(pk=kpi.pk) + "preview/", query).content.decode()
    assert "<h1>Targets of Revenue</h1>" in page and "Preview: 12 months of 2026" in page
    # A phase that cannot apply is said in the preview's place.
    refused = client.get(
        PAGE.format(pk=kpi.pk) + "preview/", {**query, "one-phase": "seasonal"}, HTTP_HX_REQUEST="1"
    ).content.decode()
    assert "needs two full years of history before 2026" in refused


def test_a_month_changed_in_its_row_reloads_the_page_saying_the_others_were_spread(
    acme: Unit, editor: User
) -> None:
    kpi = KPI.objects.get(code="revenue")
    client = client_of(editor)
    url = PAGE.format(pk=kpi.pk)
    form = {"form": "one", "one-period": "2026", "one-target": "1200", "one-phase": "even"}
    form["one-reason"] = "plan"
    assert client.post(url, form).status_code == 302
    row = {"form": "row", "row-period": "2026-02", "row-target": "210", "row-reason": "promo"}
    response = client.post(url, row, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == url
    page = client.get(url).content.decode()
    assert "spread again (even), so that 2026 still comes to 1,200." in page
    assert months(kpi)["2026-01"][0] == 90  # (1200 - 210) / 11
