"""A new unit starts empty: its editor adds the four classic perspectives in one click."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fourfold.audit.models import AuditEntry
from fourfold.editing import services
from fourfold.editing.checks import Invalid
from fourfold.strategy.models import Perspective, Unit
from tests.web.test_scorecard import text_of

from .conftest import client_of

pytestmark = pytest.mark.django_db

URL = "/units/sales/design/perspectives/classic/"


def perspectives(code: str) -> list[tuple[str, str]]:
    found = Perspective.objects.filter(scorecard__unit__code=code).order_by("order")
    return list(found.values_list("code", "name"))


def test_an_empty_scorecard_offers_the_four_classic_perspectives(editor: User) -> None:
    text = text_of(client_of(editor).get("/units/sales/design/").content)
    assert "This scorecard has no perspectives yet" in text
    assert "Add the four classic perspectives" in text
    assert "Add the four classic" not in text_of(
        client_of(editor).get("/units/acme/design/").content
    )


def test_one_click_adds_them_in_order_each_audited(editor: User) -> None:
    client = client_of(editor)
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == "/units/sales/design/"
    assert perspectives("sales") == [
        ("financial", "Financial"),
        ("customer", "Customer"),
        ("internal", "Internal Process"),
        ("learning", "Learning & Growth"),
    ]
    entries = AuditEntry.objects.filter(action="perspective.create", actor=editor)
    assert entries.count() == 4
    text = text_of(client.get("/units/sales/design/").content)
    assert "Perspectives added: Financial, Customer, Internal Process, Learning & Growth" in text
    assert "+ Add an objective to Learning & Growth" in text


def test_an_htmx_click_redraws_the_design_in_place(editor: User) -> None:
    response = client_of(editor).post(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="flash') or 'id="design"' in html
    assert "<html" not in html and "Internal Process" in html


def test_it_adds_only_those_missing_and_refuses_when_none_is(editor: User, acme: Unit) -> None:
    sales = Unit.objects.get(code="sales")
    services.create_perspective(editor, sales, {"code": "customer", "name": "Clients"})
    added = services.add_classic_perspectives(editor, sales)
    assert [p.code for p in added] == ["financial", "internal", "learning"]
    with pytest.raises(Invalid, match="already has the four classic perspectives"):
        services.add_classic_perspectives(editor, sales)


def test_a_viewer_may_not_and_an_outsider_is_told_nothing_is_there(
    viewer: User, outsider: User
) -> None:
    assert client_of(viewer).post(URL).status_code == 403
    assert client_of(outsider).post(URL).status_code == 404
    assert perspectives("sales") == []
