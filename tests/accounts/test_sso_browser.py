"""Issue 9, item 12: single sign-on with a real OpenID Connect provider started by the test on
127.0.0.1 (django-oidc-provider in a process of its own), the whole code flow in a real
Chromium: matched by email whatever its case, made with no role ("no access yet"), refused
when the provider has not verified the address, signed out at the provider too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from tests.browser import MARKS, SCREENSHOTS, launch
from tests.web import cards

from .sso_provider import NAME, PEOPLE, environment, provider, switch_on

pytestmark = MARKS


@pytest.fixture(scope="module")
def issuer(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with provider(live_server.url, tmp_path_factory.mktemp("provider")) as url:
        yield url


@pytest.fixture
def sso(settings: Any, issuer: str) -> str:
    switch_on(settings, environment(issuer))
    return issuer


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    # The test reads the database between steps in the browser, whose driver keeps an event
    # loop in this thread; Django's guard against async use does not apply to it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = launch(p)
        yield browser.new_page(viewport={"width": 1440, "height": 900})
        browser.close()


def _at_provider(page: Page, who: str) -> None:
    """Sign in at the provider's own page, as its person WHO."""
    username, password = next((p[0], p[1]) for p in PEOPLE if p[0] == who)
    expect(page.get_by_role("heading", name="Example identity provider")).to_be_visible()
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_it_signs_in_by_email_whatever_its_case_and_signs_out_at_the_provider_too(
    live_server: LiveServer, sso: str, page: Page
) -> None:
    cards.load_small()
    ada = User.objects.create_user("alovelace", email="Ada.Lovelace@Example.COM")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    people = User.objects.count()

    page.goto(f"{live_server.url}/accounts/login/?next=/scorecards/")
    button = page.get_by_role("link", name=f"Sign in with {NAME}")
    expect(button).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "sign-in-sso.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "sign-in-sso-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    button.click()
    _at_provider(page, "ada")
    expect(page).to_have_url(f"{live_server.url}/scorecards/")
    expect(page.get_by_role("link", name="Acme Corp").first).to_be_visible()
    # Her own account, matched by its address; no other was made. The sign-in is recorded as
    # a password sign-in is (django-axes' access log, the last sign-in).
    assert User.objects.count() == people
    ada.refresh_from_db()
    assert ada.last_login is not None
    assert AccessLog.objects.filter(username="alovelace").exists()

    page.get_by_role("button", name="Sign out").click()
    # Out at the provider too, and back at Fourfold's sign-in page.
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {NAME}").click()
    expect(page.get_by_label("Provider username")).to_be_visible()


def test_someone_new_gets_an_account_with_no_role_and_is_told_they_have_no_access_yet(
    live_server: LiveServer, sso: str, page: Page
) -> None:
    cards.load_small()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=f"Sign in with {NAME}").click()
    _at_provider(page, "grace")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No access yet")
    expect(page.locator("main")).to_contain_text("Ask an administrator")
    page.screenshot(path=str(SCREENSHOTS / "no-access-yet.png"), full_page=True)
    grace = User.objects.get(email="grace.hopper@example.com")
    assert (grace.username, grace.first_name, grace.last_name) == (
        "grace.hopper@example.com",
        "Grace",
        "Hopper",
    )
    assert not grace.has_usable_password() and not Role.objects.filter(user=grace).exists()
    made = AuditEntry.objects.get(action="user.create")
    assert made.detail["user"] == grace.username and made.detail["through"] == "oidc"
    # An administrator gives her a role: she sees the scorecard.
    Role.objects.create(user=grace, kind=Role.Kind.VIEWER, unit=None)
    page.goto(f"{live_server.url}/scorecards/")
    expect(page.get_by_role("link", name="Acme Corp").first).to_be_visible()


def test_an_address_the_provider_has_not_verified_is_refused_with_the_reason(
    live_server: LiveServer, sso: str, page: Page
) -> None:
    User.objects.create_user("eve", email="eve@example.com", password="x")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=f"Sign in with {NAME}").click()
    _at_provider(page, "unverified-eve")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_have_text(
        f"{NAME} says eve@example.com is not verified yet."
    )
    assert User.objects.count() == 1
    page.goto(f"{live_server.url}/scorecards/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/scorecards/")
