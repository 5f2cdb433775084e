"""Every failure has one shape: {"error": {"code", "message", "details"}}, and no traceback."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from fourfold.api import services

from .conftest import Api


def shape(answer: object, status: int, code: str) -> dict[str, object]:
    assert answer.status_code == status  # type: ignore[attr-defined]
    assert answer["Content-Type"].startswith("application/json")  # type: ignore[index]
    body = answer.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert error["message"].endswith(".")
    return error  # type: ignore[no-any-return]


def test_an_unknown_path_is_a_404_in_the_error_shape(admin: Api) -> None:
    error = shape(admin.get("nothing/here"), 404, "not_found")
    assert "/api/v1/nothing/here" in str(error["message"])
    shape(Client().get("/api/v1/nothing/here"), 404, "not_found")


def test_an_unknown_object_is_a_404_in_the_error_shape(admin: Api) -> None:
    error = shape(admin.get("kpis/nope"), 404, "not_found")
    assert error["message"] == "There is no KPI 'nope' that this token may see."


def test_a_wrong_method_is_a_405_in_the_error_shape(admin: Api) -> None:
    answer = admin.call("DELETE", "kpis/revenue")
    error = shape(answer, 405, "method_not_allowed")
    assert "DELETE is not allowed here" in str(error["message"])
    assert "PATCH" in answer["Allow"]


def test_a_body_that_is_not_json_is_a_400(admin: Api) -> None:
    shape(admin.put("measurements/revenue/2026-03", raw="{actual: 1"), 400, "bad_request")


def test_a_body_larger_than_django_takes_is_a_413(editor: Api, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    items = [{"kpi": "revenue", "period": "2026-03", "actual": 1, "comment": "x" * 100}] * 20
    error = shape(editor.post("measurements/bulk", items), 413, "too_large")
    assert "smaller batches" in str(error["message"])


def test_a_wrong_query_parameter_is_a_422_naming_it(admin: Api) -> None:
    error = shape(admin.get("kpis?offset=-1"), 422, "invalid")
    assert error["details"] == [
        {"field": "offset", "index": None, "reason": "input should be greater than or equal to 0"}
    ]


def test_a_code_with_a_nul_byte_is_refused_not_looked_up(admin: Api) -> None:
    shape(admin.get("kpis?unit=ac%00me"), 422, "invalid")
    shape(admin.get("kpis/rev%00enue"), 422, "invalid")


def test_a_conflict_is_a_409(editor: Api) -> None:
    body = {
        "code": "revenue",
        "objective": "grow",
        "name": "Revenue again",
        "direction": "increase",
        "frequency": "monthly",
        "aggregation": "sum",
    }
    shape(editor.post("kpis", body), 409, "conflict")


def test_an_unexpected_error_is_a_500_without_a_traceback(
    editor: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "enter_values", broken)
    answer = editor.put("measurements/revenue/2026-03", {"actual": 1})
    error = shape(answer, 500, "server_error")
    assert "secret internals" not in answer.content.decode()
    assert "Traceback" not in answer.content.decode()
    assert "nothing was written" in str(error["message"])


def test_the_openapi_description_documents_every_error(admin: Api) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            codes = set(operation["responses"])
            assert {"401", "422", "500"} <= codes, (method, path)
            for code, answer in operation["responses"].items():
                if code.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/Error")
                    assert answer["description"] not in ("", "Unauthorized", "Not Found")


def test_the_docs_page_loads_nothing_from_another_site(db: None) -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        answer = Client().get(f"/api/v1/docs/assets/{asset}")
        assert answer.status_code == 200
        assert answer.getvalue()
    assert Client().get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
