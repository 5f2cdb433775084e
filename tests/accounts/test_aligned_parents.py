"""What one sees of the objective above that an objective is aligned to (issue 9, item 8):
all of it with its unit in sight; its name alone as an editor of the aligned objective; else
nothing — the access policy's `aligned_parent`, on the design page, the alignment form, the
objective page and the API."""

from __future__ import annotations

import html
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.files.load import load
from fourfold.strategy.models import Objective, Unit
from tests.web.test_objective_page import LINKED
from tests.web.test_scorecard import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(db: None) -> None:
    load(LINKED, actor=None, source_name="linked.yaml")


def person(name: str, kind: str, unit: str | None) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.com")
    where = Unit.objects.get(code=unit) if unit else None
    Role.objects.create(user=user, kind=kind, unit=where)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def aligned_codes(user: User) -> dict[str, str | None]:
    _, secret = ApiToken.issue(user, "reader", "read")
    answer = Client().get("/api/v1/objectives?unit=sales", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200, answer.content
    return {o["code"]: o["aligned_to"] for o in json.loads(answer.content)["items"]}


def test_an_editor_below_sees_the_name_alone_on_the_design_page_and_in_the_form(
    linked: None,
) -> None:
    client = signed_in(person("sam", Role.Kind.EDITOR, "sales"))
    design = text_of(client.get("/units/sales/design/").content)
    assert "aligned to Grow revenue, contributes" in design
    assert "Acme Corp" not in design
    sell = Objective.objects.get(code="sell-more")
    form = client.get(f"/units/sales/design/objectives/{sell.pk}/alignment/")
    options = html.unescape(form.content.decode())
    assert ">Grow revenue</option>" in options and ">Delight customers</option>" in options
    assert "Acme Corp" not in options and "(grow)" not in options
    assert aligned_codes(User.objects.get(username="sam")) == {
        "sell-more": None,
        "sell-smarter": None,
    }


def test_a_reader_below_sees_nothing_of_it(linked: None) -> None:
    viewer = person("vic", Role.Kind.VIEWER, "sales")
    page = text_of(signed_in(viewer).get("/units/sales/objectives/sell-more/").content)
    assert "Sell more" in page and "Grow revenue" not in page and "Aligned to" not in page
    assert aligned_codes(viewer) == {"sell-more": None, "sell-smarter": None}


def test_a_reader_of_the_unit_above_sees_all_of_it(linked: None) -> None:
    viewer = person("ada", Role.Kind.VIEWER, None)
    page = signed_in(viewer).get("/units/sales/objectives/sell-more/").content.decode()
    assert 'Aligned to: <a href="/units/acme/objectives/grow/' in page
    assert aligned_codes(viewer) == {"sell-more": "grow", "sell-smarter": "grow"}
    editor = signed_in(person("eve", Role.Kind.EDITOR, "acme"))
    assert "aligned to Grow revenue (Acme Corp)" in text_of(
        editor.get("/units/sales/design/").content
    )
