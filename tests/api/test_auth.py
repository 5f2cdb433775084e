"""Personal tokens: bearer only, hashed at rest, read-only means read-only."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from fourfold.api.models import ApiToken

from .conftest import Api


def test_it_refuses_a_request_without_a_token(admin: Api) -> None:
    answer = Client().get("/api/v1/units")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    error = answer.json()["error"]
    assert error["code"] == "not_authenticated"
    assert "Authorization: Bearer" in error["message"]
    assert error["details"] == []


def test_it_refuses_a_mistyped_token(admin: Api) -> None:
    wrong = Api(Client(), admin.secret[:-2] + "xx")
    answer = wrong.get("units")
    assert answer.status_code == 401
    assert "not valid" in answer.json()["error"]["message"]


def test_it_refuses_a_header_that_is_not_bearer(admin: Api) -> None:
    answer = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Token {admin.secret}")
    assert answer.status_code == 401
    assert "Bearer <token>" in answer.json()["error"]["message"]


def test_it_refuses_a_revoked_token(admin: Api) -> None:
    ApiToken.objects.get().revoke()
    assert admin.get("units").status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(viewer: Api) -> None:
    token = ApiToken.objects.get()
    token.user.is_active = False
    token.user.save()
    assert viewer.get("units").status_code == 401


def test_it_keeps_only_a_hash_of_the_secret(admin: Api) -> None:
    token = ApiToken.objects.get()
    assert admin.secret not in (token.key, token.digest)
    assert admin.secret.startswith(f"ff_{token.key}_")
    assert len(token.digest) == 64


def test_it_records_when_a_token_was_last_used(admin: Api) -> None:
    assert ApiToken.objects.get().last_used_at is None
    before = timezone.now()
    assert admin.get("units").status_code == 200
    used = ApiToken.objects.get().last_used_at
    assert used is not None and used >= before


def test_a_read_only_token_reads_but_may_not_write(small: None) -> None:
    from .conftest import api_for, person

    reader = api_for(person("rita", "editor", "acme"), scope="read", name="dashboard")
    assert reader.get("kpis").status_code == 200
    answer = reader.put("measurements/revenue/2026-03", {"actual": 1.0})
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "read_only_token"
    assert "'dashboard' is read-only" in error["message"]
