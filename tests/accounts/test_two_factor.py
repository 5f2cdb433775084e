"""Issue 9, item 12: two-factor sign-in with TOTP (django-otp). Enrol with the QR code or the
secret, confirm with a code, sign in with the password and a code or a recovery code; wrong
codes are failed sign-ins for the throttling; administrators require it and reset it. Codes are
computed from the secret, as an authenticator app does (django_otp.oath.totp)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import DjangoAssertNumQueries

from fourfold.accounts import throttle, twofactor
from fourfold.accounts.models import Role, TwoFactorRule
from fourfold.api.models import ApiToken
from fourfold.audit.models import AuditEntry
from tests.web import cards
from tests.web.test_scorecard import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _code(key: str) -> str:
    """The code an authenticator app shows for this secret now."""
    return f"{totp(bytes.fromhex(key)):06d}"


def _next_code(key: str) -> str:
    """The code of the next 30 seconds: the one of now was used to enrol, and a code is taken
    once (django-otp keeps the last one used); it is still in the tolerance of one step."""
    return f"{totp(bytes.fromhex(key), t0=-30):06d}"


def _enrolled(client: Client) -> tuple[str, list[str]]:
    """Enrol the client's user through the page: the secret it shows, the recovery codes."""
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    key = client.session[twofactor.NEW_KEY]
    shown = text_of(page.content)
    assert twofactor.secret_text(key) in shown
    answer = client.post("/accounts/two-factor/", {"code": _code(key)})
    assert answer.status_code == 200, text_of(answer.content)
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", answer.content.decode())
    return key, codes


def _sign_in(client: Client, username: str = "ada", password: str = PASSWORD) -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": "/scorecards/"}
    )


@pytest.fixture
def ada(db: None) -> User:
    cards.load_small()
    user = User.objects.create_user("ada", password=PASSWORD, first_name="Ada")
    Role.objects.create(user=user, kind=Role.Kind.VIEWER, unit=None)
    return user


def test_it_enrols_with_the_qr_code_or_the_secret_and_a_code_from_the_app(ada: User) -> None:
    client = Client()
    client.force_login(ada)
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    # The QR code is an SVG drawn on the server (no script, no image from elsewhere), and the
    # same secret is there as text to type in.
    assert html.count("<svg") == 1 and "<script" not in html.split("<main", 1)[1]
    key = client.session[twofactor.NEW_KEY]
    assert twofactor.secret_text(key).replace(" ", "") in text_of(page.content).replace(" ", "")
    # The same secret until it is confirmed: a reload does not make another.
    client.get("/accounts/two-factor/")
    assert client.session[twofactor.NEW_KEY] == key
    wrong = client.post("/accounts/two-factor/", {"code": f"{(int(_code(key)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400
    assert "That code is not the one the app shows now" in text_of(wrong.content)
    assert not TOTPDevice.objects.filter(user=ada).exists()
    done = client.post("/accounts/two-factor/", {"code": _code(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=ada)
    assert device.confirmed and device.key == key
    assert AuditEntry.objects.get(action="user.2fa.enrol").actor == ada
    assert "On." in text_of(client.get("/accounts/two-factor/").content)


def test_a_password_sign_in_then_asks_for_a_code_and_only_the_code_signs_in(ada: User) -> None:
    setup = Client()
    setup.force_login(ada)
    key, _ = _enrolled(setup)
    client = Client()
    answer = _sign_in(client)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/code/"
    # The right password alone does not sign in.
    assert "_auth_user_id" not in client.session
    assert client.get("/scorecards/")["Location"].startswith("/accounts/login/?next=")
    form = client.get("/accounts/login/code/")
    assert 'autocomplete="one-time-code"' in form.content.decode()
    wrong = client.post("/accounts/login/code/", {"code": "12345x"})
    assert wrong.status_code == 400 and "That code is not right" in text_of(wrong.content)
    assert "_auth_user_id" not in client.session
    right = client.post("/accounts/login/code/", {"code": _next_code(key)})
    assert right.status_code == 302 and right["Location"] == "/scorecards/"
    assert client.get("/scorecards/").status_code == 200
    # The code that was used cannot be used again.
    again = Client()
    _sign_in(again)
    assert again.post("/accounts/login/code/", {"code": _next_code(key)}).status_code == 400


def test_a_recovery_code_signs_in_once(ada: User) -> None:
    setup = Client()
    setup.force_login(ada)
    _, codes = _enrolled(setup)
    client = Client()
    _sign_in(client)
    answer = client.post("/accounts/login/code/", {"code": codes[0].upper()})
    # Signed in, and sent where new codes are made, on the way to where they were going.
    assert answer["Location"] == "/accounts/two-factor/?next=%2Fscorecards%2F"
    assert StaticToken.objects.filter(device__user=ada).count() == 9
    page = text_of(client.get(answer["Location"]).content)
    assert "You used a recovery code: 9 left." in page and "9 recovery codes left" in page
    assert client.get("/scorecards/").status_code == 200
    other = Client()
    _sign_in(other)
    assert other.post("/accounts/login/code/", {"code": codes[0]}).status_code == 400


def test_wrong_codes_are_failed_sign_ins_that_lock_the_account_out(
    ada: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    setup = Client()
    setup.force_login(ada)
    key, _ = _enrolled(setup)
    client = Client()
    _sign_in(client)
    statuses = [
        client.post("/accounts/login/code/", {"code": "12345x"}).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 3
    # Locked: the right code is refused with the reason, and so is the right password.
    refused = client.post("/accounts/login/code/", {"code": _next_code(key)})
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in text_of(refused.content)
    assert _sign_in(Client(REMOTE_ADDR="10.0.0.7")).status_code == 429
    # An administrator unlocks it, as after wrong passwords.
    throttle.unlock("ada")
    fresh = Client()
    assert _sign_in(fresh)["Location"] == "/accounts/login/code/"
    assert fresh.post("/accounts/login/code/", {"code": _next_code(key)}).status_code == 302


def test_the_code_step_expires_and_needs_the_password_first(ada: User) -> None:
    client = Client()
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"
    setup = Client()
    setup.force_login(ada)
    key, _ = _enrolled(setup)
    _sign_in(client)
    session = client.session
    session[twofactor.PENDING] = {**session[twofactor.PENDING], "at": time.time() - 301}
    session.save()
    answer = client.post("/accounts/login/code/", {"code": _next_code(key)})
    assert answer["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_those_it_is_required_of_are_sent_to_enrol_before_anything_else(ada: User) -> None:
    TwoFactorRule.objects.create(scope=twofactor.EVERYONE)
    client = Client()
    assert _sign_in(client)["Location"] == "/scorecards/"
    sent = client.get("/scorecards/")
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/two-factor/?next=%2Fscorecards%2F"
    assert client.post("/manage/users/1/password/")["Location"] == "/accounts/two-factor/"
    page = client.get(sent["Location"])
    assert "An administrator requires two-factor sign-in" in text_of(page.content)
    # Their API token is not asked for a code: it is a second factor of its own.
    _, secret = ApiToken.issue(ada, "script", "read")
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    key = client.session[twofactor.NEW_KEY]
    done = client.post("/accounts/two-factor/", {"code": _code(key), "next": "/scorecards/"})
    assert 'href="/scorecards/"' in done.content.decode()
    assert client.get("/scorecards/").status_code == 200
    # Required, it cannot be turned off by its owner.
    off = client.post("/accounts/two-factor/off/", {"code": "123456"})
    assert off.status_code == 400 and "it stays on" in text_of(off.content)


def test_a_requirement_of_one_role_leaves_the_others_free(ada: User) -> None:
    TwoFactorRule.objects.create(scope=Role.Kind.EDITOR)
    client = Client()
    _sign_in(client)
    assert client.get("/scorecards/").status_code == 200
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert not twofactor.required(root)
    TwoFactorRule.objects.create(scope=Role.Kind.ADMIN)
    assert twofactor.required(root) and not twofactor.required(ada)


def test_its_owner_turns_it_off_with_a_code(ada: User) -> None:
    client = Client()
    client.force_login(ada)
    key, _ = _enrolled(client)
    wrong = client.post("/accounts/two-factor/off/", {"code": "nope"})
    assert wrong.status_code == 400 and TOTPDevice.objects.filter(user=ada).exists()
    assert client.post("/accounts/two-factor/off/", {"code": _next_code(key)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=ada).exists()
    assert not StaticToken.objects.filter(device__user=ada).exists()
    assert AuditEntry.objects.filter(action="user.2fa.off", actor=ada).exists()


def test_an_administrator_requires_it_and_resets_a_lost_phone(ada: User) -> None:
    setup = Client()
    setup.force_login(ada)
    _enrolled(setup)
    admin = User.objects.create_user("adm", password=PASSWORD)
    Role.objects.create(user=admin, kind=Role.Kind.ADMIN)
    manager = Client()
    manager.force_login(admin)
    page = manager.get("/manage/two-factor/")
    assert page.status_code == 200 and 'value="everyone"' in page.content.decode()
    saved = manager.post("/manage/two-factor/", {"scope": ["admin", "editor"]})
    assert saved.status_code == 302
    assert twofactor.rules() == {"admin", "editor"}
    entry = AuditEntry.objects.get(action="signin.2fa.required")
    assert entry.actor == admin and entry.detail["after"] == ["admin", "editor"]
    bad = manager.post("/manage/two-factor/", {"scope": ["boss"]})
    assert bad.status_code == 400 and "There is no role 'boss'" in text_of(bad.content)
    user_page = text_of(manager.get(f"/manage/users/{ada.pk}/").content)
    assert "Reset two-factor sign-in" in user_page
    assert manager.post(f"/manage/users/{ada.pk}/two-factor/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=ada).exists()
    reset = AuditEntry.objects.get(action="user.2fa.reset")
    assert reset.actor == admin and reset.detail["user"] == "ada"
    # She signs in with her password alone again.
    assert _sign_in(Client())["Location"] == "/scorecards/"
    # Only a superuser manages a superuser: an administrator by role may not reset one.
    root = User.objects.create_superuser("root", password=PASSWORD)
    TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    assert manager.post(f"/manage/users/{root.pk}/two-factor/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_single_sign_on_leaves_the_second_factor_to_the_provider(ada: User) -> None:
    TwoFactorRule.objects.create(scope=twofactor.EVERYONE)
    client = Client()
    client.force_login(ada, backend="fourfold.accounts.oidc.Backend")
    assert twofactor.STATE not in client.session
    password = Client()
    password.force_login(ada)
    assert password.session[twofactor.STATE] == twofactor.ENROL


def test_its_pages_read_a_fixed_number_of_queries(
    ada: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(ada)
    client.get("/accounts/two-factor/")  # the session's new secret made once
    # The session, the user, whether it is on, whether it is required (the rules: none), and
    # the policy's three for the navigation.
    with django_assert_num_queries(7):
        assert client.get("/accounts/two-factor/").status_code == 200
    _enrolled(client)
    # And the recovery codes left, when it is on.
    with django_assert_num_queries(8):
        assert client.get("/accounts/two-factor/").status_code == 200
    Role.objects.create(user=ada, kind=Role.Kind.ADMIN)
    # The session, the user, their roles and the tree (the policy), the rules.
    with django_assert_num_queries(5):
        assert client.get("/manage/two-factor/").status_code == 200
