"""The table of a KPI's targets is changed where it is: a row at a time, with htmx or with a
plain form, written by the targets service like the One period form."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.audit.models import AuditEntry
from fourfold.measures.models import KPI, Target, TargetVersion
from tests.web.test_scorecard import text_of

from .conftest import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def revenue(acme: None) -> KPI:
    return KPI.objects.get(code="revenue")


def page(kpi: KPI) -> str:
    return f"/units/acme/design/kpis/{kpi.pk}/targets/"


def row_data(**values: str) -> dict[str, str]:
    return {"form": "row", "row-period": "2026-01", **{f"row-{k}": v for k, v in values.items()}}


def test_each_row_offers_a_change_that_works_with_and_without_htmx(
    editor: User, revenue: KPI
) -> None:
    html = client_of(editor).get(page(revenue)).content.decode()
    row = re.search(r'<tr id="target-2026-01".*?</tr>', html, re.S)
    assert row is not None
    assert f'href="{page(revenue)}?edit=2026-01#target-2026-01"' in row[0]
    assert f'hx-get="{page(revenue)}2026-01/?edit=1"' in row[0]


def test_without_javascript_the_page_opens_with_the_row_as_a_form(
    editor: User, revenue: KPI
) -> None:
    html = client_of(editor).get(page(revenue), {"edit": "2026-01"}).content.decode()
    row = re.search(r'<tr id="target-2026-01" class="target-row is-editing">.*?</tr>', html, re.S)
    assert row is not None
    assert 'name="row-target" value="700"' in row[0] and 'form="row-2026-01"' in row[0]
    assert html.count("is-editing") == 1


def test_htmx_swaps_the_row_for_its_form_and_back(editor: User, revenue: KPI) -> None:
    client = client_of(editor)
    url = f"{page(revenue)}2026-01/"
    form = client.get(url, {"edit": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert form.strip().startswith('<tr id="target-2026-01" class="target-row is-editing">')
    assert "<html" not in form and 'name="row-red_flag" value="500"' in form
    read = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert read.strip().startswith('<tr id="target-2026-01" class="target-row">')


def test_a_row_saved_with_htmx_comes_back_changed_and_keeps_the_old_target(
    editor: User, revenue: KPI
) -> None:
    data = row_data(target="750", red_flag="550", reason="Raised after Q4")
    response = client_of(editor).post(page(revenue), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = text_of(response.content)
    assert text.startswith(" 2026-01 750 550") and "Raised after Q4" in text
    target = Target.objects.get(kpi=revenue, period="2026-01")
    assert (target.target, target.red_flag, target.changed_by) == (750, 550, editor)
    old = TargetVersion.objects.get(kpi=revenue, period="2026-01")
    assert (old.target, old.superseding_reason) == (700, "Raised after Q4")
    assert AuditEntry.objects.filter(action="targets.written", actor=editor).count() == 1
    # Earlier targets, swapped in out of band, now hold the target as it stood.
    history = response.content.decode().split('<div id="target-history" hx-swap-oob="true">')[1]
    assert re.search(r"2026-01</th><td class=\"num\">700</td>", history)


def test_a_refused_row_stays_a_form_with_the_reason_and_writes_nothing(
    editor: User, revenue: KPI
) -> None:
    data = row_data(target="700", red_flag="700")
    response = client_of(editor).post(page(revenue), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps it in place
    assert "is-editing" in response.content.decode()
    assert "The red flag cannot equal the target (both 700)" in text_of(response.content)
    assert Target.objects.get(kpi=revenue, period="2026-01").red_flag == 500


def test_a_row_saved_without_javascript_goes_back_to_the_page(editor: User, revenue: KPI) -> None:
    client = client_of(editor)
    unexplained = client.post(page(revenue), row_data(target="720", red_flag="500"))
    assert unexplained.status_code == 400
    assert "A reason is needed, since this changes the target of 2026-01" in text_of(
        unexplained.content
    )
    data = row_data(target="720", red_flag="500", reason="Better pricing")
    response = client.post(page(revenue), data)
    assert response.status_code == 302
    assert response["Location"] == f"{page(revenue)}#target-2026-01"
    assert Target.objects.get(kpi=revenue, period="2026-01").target == 720
    assert "The target of Revenue for 2026-01 is saved" in text_of(
        client.get(page(revenue)).content
    )
    refused = client.post(page(revenue), row_data(target="", red_flag="500"))
    assert refused.status_code == 400
    assert "is-editing" in refused.content.decode() and "'target' is required" in text_of(
        refused.content
    )


def test_only_an_editor_changes_a_row(viewer: User, outsider: User, revenue: KPI) -> None:
    data = row_data(target="1", red_flag="0")
    assert client_of(viewer).post(page(revenue), data).status_code == 403
    assert client_of(outsider).post(page(revenue), data).status_code == 404
    assert client_of(viewer).get(f"{page(revenue)}2026-01/").status_code == 403
    assert Target.objects.get(kpi=revenue, period="2026-01").target == 700


def test_a_period_without_a_target_has_no_row(editor: User, revenue: KPI) -> None:
    client: Client = client_of(editor)
    assert client.get(f"{page(revenue)}2031-01/", HTTP_HX_REQUEST="true").status_code == 404
    response = client.post(page(revenue), {**row_data(target="5"), "row-period": "2031-01"})
    assert response.status_code == 404
