"""A real Chromium creates an API token, copies it once, and revokes it."""

from __future__ import annotations

import re
import urllib.request

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.api.models import ApiToken
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

pytestmark = MARKS


def test_it_creates_shows_once_uses_and_revokes_a_token(live_server: LiveServer) -> None:
    cards.load_small()
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.EDITOR, unit=None)
    ApiToken.issue(ada, "Quarterly dashboard", "read")

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/api-tokens/")
        fill_sign_in(page, "ada", "correct horse")
        expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
        # The page is in the account's menu, marked as the current one there.
        page.locator(".account__button").click()
        expect(page.get_by_role("link", name="API tokens")).to_have_attribute(
            "aria-current", "page"
        )
        page.keyboard.press("Escape")

        page.get_by_label("Name").fill("Finance data pipeline")
        page.get_by_label("Read and write").check()
        page.get_by_role("button", name="Create token").click()
        secret = page.get_by_label("Token", exact=True).input_value()
        assert re.fullmatch(r"ff_[0-9a-f]{12}_\S+", secret)
        expect(page.locator(".tokens__table tbody tr")).to_have_count(2)
        page.screenshot(path=str(SCREENSHOTS / "api-tokens.png"), full_page=True)

        # The secret works against the API, as a pipeline would send it.
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/units", headers={"Authorization": f"Bearer {secret}"}
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200

        page.get_by_role("link", name="Done, I copied it").click()
        expect(page.get_by_label("Token", exact=True)).to_have_count(0)
        # The newest token was just used by the request above; the other never was.
        rows = page.locator(".tokens__table tbody tr")
        expect(rows.first).not_to_contain_text("Never")
        expect(rows.last).to_contain_text("Never")

        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the phone view scrolls sideways ({width} px wide)"
        page.screenshot(path=str(SCREENSHOTS / "api-tokens-phone.png"), full_page=True)

        page.get_by_role("button", name="Revoke the token Quarterly dashboard").click()
        expect(page.get_by_role("status")).to_contain_text("is revoked")
        expect(page.locator(".tokens__table tbody tr")).to_have_count(1)
        browser.close()
    assert ApiToken.objects.active().get().name == "Finance data pipeline"


def test_the_api_index_leads_to_the_docs_which_lead_back_to_the_app(
    live_server: LiveServer,
) -> None:
    cards.load_small()
    User.objects.create_user("ada", password="correct horse", first_name="Ada")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/api/v1/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Fourfold API, version 1")
        for width in (1440, 1024, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"api-index-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.set_viewport_size({"width": 1440, "height": 900})
        page.get_by_role("link", name="Reference").click()
        expect(page.locator(".swagger-ui .information-container")).to_contain_text("Fourfold API")
        page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / "api-docs-phone.png"))
        page.get_by_role("link", name="Back to the scorecards").click()
        fill_sign_in(page, "ada", "correct horse")
        expect(page).to_have_url(f"{live_server.url}/")
        browser.close()
