"""Issue 9, finding 6: sign-in is throttled per account and per address, bogus API tokens are
answered 429, and an administrator unlocks (`fourfold unlock`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fourfold.accounts import throttle
from fourfold.api.models import ApiToken
from fourfold.audit.models import AuditEntry
from tests.web.test_scorecard import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED = "Too many failed sign-ins for this account or from this address"


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_120_wrong_passwords_then_the_right_one_is_refused_with_the_reason(db: None) -> None:
    ada = User.objects.create_user("ada", password=PASSWORD)
    client = Client()
    statuses = {_sign_in(client, "ada", f"guess {n}").status_code for n in range(120)}
    assert statuses == {200, 429}
    response = _sign_in(client, "ada", PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert LOCKED in text_of(response.content)
    # Per account: from another address, the right password is refused too.
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert _sign_in(elsewhere, "ada", PASSWORD).status_code == 429
    # Per address: this address may not try another account either.
    User.objects.create_user("bob", password=PASSWORD)
    assert _sign_in(client, "bob", PASSWORD).status_code == 429
    # An administrator unlocks the account on its page (or with `fourfold unlock ada`): it
    # signs in again, and so does the address, whose failures were ada's.
    admin = User.objects.create_superuser("root", password=PASSWORD)
    manager = Client(REMOTE_ADDR="10.0.0.1")
    manager.force_login(admin)
    page = manager.get(f"/manage/users/{ada.pk}/")
    assert "Locked out" in text_of(page.content)
    assert manager.post(f"/manage/users/{ada.pk}/unlock/").status_code == 302
    assert AuditEntry.objects.get(action="user.unlock").actor == admin
    assert _sign_in(elsewhere, "ada", PASSWORD).status_code == 302
    assert _sign_in(client, "bob", PASSWORD).status_code == 302


def test_fourfold_unlock_names_what_it_unlocked(fourfold: Any) -> None:
    result = fourfold("unlock", "nobody", check=False)
    assert result.returncode != 0
    assert result.stderr.strip() == "fourfold: There is no user 'nobody'."
    result = fourfold("unlock", "--address", "10.0.0.9")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Sign-in from 10.0.0.9 is allowed again."


def test_200_bogus_api_tokens_are_answered_429(db: None) -> None:
    user = User.objects.create_user("ada", password=PASSWORD)
    _, secret = ApiToken.issue(user, "script", "read")
    client = Client()
    statuses = []
    for n in range(200):
        response = client.get("/api/v1/units", headers={"Authorization": f"Bearer ff_bogus{n}"})
        statuses.append(response.status_code)
    assert set(statuses[:5]) == {401}
    assert statuses[-1] == 429 and statuses.count(429) > 180
    body = response.json()["error"]
    assert body["code"] == "too_many_requests"
    assert body["message"].startswith("Too many invalid API tokens from this address")
    # While locked, a valid token from that address is refused too; from elsewhere it works.
    good = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/units", headers=good).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.9").get("/api/v1/units", headers=good).status_code == 200
    # The flood locked the address out of signing in too, until it is unlocked.
    assert _sign_in(client, "ada", PASSWORD).status_code == 429
    throttle.unlock_address("127.0.0.1")
    assert client.get("/api/v1/units", headers=good).status_code == 200
    assert _sign_in(client, "ada", PASSWORD).status_code == 302
