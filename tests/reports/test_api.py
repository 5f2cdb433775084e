"""The briefing books through the API: saved templates and books made with the token's
user's rights."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from fourfold.reports.models import BookTemplate
from fourfold.strategy.models import Unit
from tests.web import cards


@pytest.fixture
def call(db: None, client: Client) -> Any:
    cards.load_small()
    ada = User.objects.create_user("ada", email="ada@example.com", password="x")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code="acme"))
    _, secret = ApiToken.issue(ada, "books", "write")

    def send(method: str, path: str, body: Any = None) -> Any:
        extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if body is not None:
            extra.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(f"/api/v1/{path}", **extra)

    return send


def test_a_template_is_saved_listed_changed_made_and_deleted(call: Any) -> None:
    made = call(
        "post", "book-templates", {"unit": "acme", "name": "Board", "sections": ["map", "cover"]}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["unit"], body["name"], body["period"]) == ("acme", "Board", "")
    assert body["sections"] == ["cover", "map"] and body["owner"] == "ada@example.com"
    listed = call("get", "book-templates?unit=acme").json()
    assert [t["name"] for t in listed["items"]] == ["Board"] and listed["count"] == 1
    pk = body["id"]
    changed = call(
        "patch", f"book-templates/{pk}", {"period": "2026-01", "sections": ["scorecard"]}
    )
    assert changed.status_code == 200 and changed.json()["period"] == "2026-01"
    book = call("get", f"book-templates/{pk}/render?fmt=xlsx")
    assert book.status_code == 200
    assert book["Content-Disposition"] == 'attachment; filename="acme-2026-01.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames[0] == "Scorecard"
    assert call("delete", f"book-templates/{pk}").status_code == 204
    assert not BookTemplate.objects.exists()


def test_a_book_is_made_now_for_a_unit_and_period(call: Any) -> None:
    book = call("get", "books?unit=acme&period=2026-01&fmt=pdf&sections=cover,scorecard")
    assert book.status_code == 200 and book["Content-Type"] == "application/pdf"
    assert book.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        (
            "books?unit=acme&period=1950-01&fmt=xlsx",
            422,
            "There are no scores of unit 'acme' for 1950-01.",
        ),
        (
            "books?unit=acme&period=2026-01&fmt=xlsx&sections=appendix",
            422,
            "'appendix' is not a section",
        ),
        ("books?unit=nope&period=2026-01", 404, "There is no unit 'nope' that this token may see."),
        ("books?unit=acme&period=2026-01&fmt=docx", 422, ""),
        (
            "book-templates/999/render",
            404,
            "There is no book template 999 that this token may see.",
        ),
    ],
)
def test_bad_input_is_one_error(call: Any, path: str, status: int, said: str) -> None:
    answer = call("get", path)
    assert answer.status_code == status
    assert said in answer.json()["error"]["message"]


def test_a_name_taken_in_the_unit_is_refused_and_nothing_written(call: Any) -> None:
    assert call("post", "book-templates", {"unit": "acme", "name": "Board"}).status_code == 201
    again = call("post", "book-templates", {"unit": "acme", "name": "Board"})
    assert again.status_code == 422
    error = again.json()["error"]
    assert error["message"] == "Unit acme already has a book template named 'Board'."
    assert [d["field"] for d in error["details"]] == ["name"]
    assert BookTemplate.objects.count() == 1


def test_text_a_worksheet_cannot_hold_is_dropped_and_a_formula_stays_text(call: Any) -> None:
    """The fuzzer wrote control characters into names through the API; the workbook then
    failed to be made (openpyxl refuses them), a server error and a schedule that never sent."""
    from fourfold.measures.models import KPI
    from fourfold.revisions.capture import capture
    from fourfold.strategy.models import Objective

    objective = Objective.objects.get(name="Grow revenue")
    objective.name = "Grow\x12 profit\x0bably"
    objective.save()
    kpi = KPI.objects.filter(objective=objective).order_by("pk")[0]
    kpi.name = '=HYPERLINK("x")\x1f'
    kpi.save()
    capture(["objective", "kpi"])  # as the services do: a book reads the versions
    book = call("get", "books?unit=acme&period=2026-01&fmt=xlsx")
    assert book.status_code == 200, book.content
    workbook = openpyxl.load_workbook(io.BytesIO(book.content))
    assert "Grow profitably" in workbook.sheetnames
    texts = {c.value for s in workbook for row in s.iter_rows() for c in row if c.value}
    assert '\'=HYPERLINK("x")' in texts
    assert not any(isinstance(t, str) and ("\x12" in t or "\x1f" in t) for t in texts)
