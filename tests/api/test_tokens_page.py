"""The API tokens page: a user creates a token, sees its secret once, and revokes it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from fourfold.api.models import ApiToken
from fourfold.audit.models import AuditEntry


@pytest.fixture
def ada(db: None) -> User:
    return User.objects.create_user("ada", password="correct horse")


@pytest.fixture
def signed_in(client: Client, ada: User) -> Client:
    client.force_login(ada)
    return client


def test_it_asks_a_stranger_to_sign_in(client: Client, db: None) -> None:
    answer = client.get("/api-tokens/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_it_creates_a_token_and_shows_its_secret_only_once(signed_in: Client, ada: User) -> None:
    answer = signed_in.post("/api-tokens/", {"name": "Finance pipeline", "scope": "write"})
    assert answer.status_code == 200
    html = answer.content.decode()
    secret = re.search(r'value="(ff_[^"]+)"', html)
    assert secret is not None
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (ada, "Finance pipeline", "write")
    assert ApiToken.authenticate(secret.group(1)) == token
    assert "shown only this once" in html
    again = signed_in.get("/api-tokens/").content.decode()
    assert secret.group(1) not in again
    assert "Finance pipeline" in again and "Never" in again
    assert AuditEntry.objects.filter(action="api.token.create", actor=ada).exists()


def test_it_says_which_field_is_wrong(signed_in: Client) -> None:
    answer = signed_in.post("/api-tokens/", {"name": "  ", "scope": "admin"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Give the token a name" in html
    assert "Select a valid choice" in html
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(signed_in: Client, ada: User) -> None:
    token, secret = ApiToken.issue(ada, "old", "read")
    answer = signed_in.post(f"/api-tokens/{token.pk}/revoke/", follow=True)
    assert "is revoked" in answer.content.decode()
    assert ApiToken.authenticate(secret) is None
    assert "old" not in answer.content.decode().split("Your tokens")[1]


def test_it_does_not_let_one_revoke_the_token_of_another(signed_in: Client) -> None:
    bob = User.objects.create_user("bob")
    token, _ = ApiToken.issue(bob, "bob's", "read")
    assert signed_in.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.active().count() == 1


def test_it_needs_the_csrf_token_to_create_one(ada: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post("/api-tokens/", {"name": "x", "scope": "read"}).status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("tokens", [1, 20])
def test_the_page_takes_the_same_queries_for_1_and_20_tokens(
    signed_in: Client, ada: User, django_assert_num_queries: DjangoAssertNumQueries, tokens: int
) -> None:
    for i in range(tokens):
        ApiToken.issue(ada, f"token {i}", "read")
    # Session and user (2), the access policy for the navigation (roles, units, KPIs one
    # owns or enters: 3), the tokens (1).
    with django_assert_num_queries(6):
        answer = signed_in.get("/api-tokens/")
    assert answer.content.decode().count("Revoke</button>") == tokens
