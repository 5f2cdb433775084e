"""The API's edges (issue 9, item 11): `?unit=` on the units, a body that is not JSON."""

from __future__ import annotations

from django.test import Client

from fourfold.measures.models import Measurement

from .conftest import Api


def codes(api: Api, path: str) -> list[str]:
    answer = api.get(path)
    assert answer.status_code == 200, answer.content
    return [u["code"] for u in answer.json()["items"]]


def test_the_units_take_a_unit_and_keep_it_with_the_units_below(admin: Api) -> None:
    assert codes(admin, "units") == ["acme", "sales"]
    assert codes(admin, "units?unit=acme") == ["acme", "sales"]
    assert codes(admin, "units?unit=sales") == ["sales"]
    assert admin.get("units?unit=nowhere").status_code == 404


def test_a_unit_outside_ones_scope_is_no_unit(outsider: Api) -> None:
    assert codes(outsider, "units?unit=sales") == ["sales"]
    assert outsider.get("units?unit=acme").status_code == 404


def test_a_body_sent_as_plain_text_is_refused_with_415(editor: Api) -> None:
    body = '[{"kpi": "revenue", "period": "2026-05", "actual": 5}]'
    answer = Client().post(
        "/api/v1/measurements/bulk",
        data=body,
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {editor.secret}",
    )
    assert answer.status_code == 415
    assert answer.json()["error"] == {
        "code": "unsupported_media_type",
        "message": "The request body is sent as text/plain: send it as JSON, with "
        "'Content-Type: application/json'.",
        "details": [],
    }
    assert not Measurement.objects.filter(period="2026-05").exists()
    assert editor.post("measurements/bulk", raw=body).status_code == 200
    spec = editor.get("openapi.json").json()
    assert "415" in spec["paths"]["/api/v1/measurements/bulk"]["post"]["responses"]
