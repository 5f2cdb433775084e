"""The site header in a real Chromium: one line on a desktop even for an administrator, behind a
menu button on a phone (with or without JavaScript), and the account's menu."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

pytestmark = MARKS

LINKS = ["Home", "Scorecards", "Strategy map", "My KPIs", "Data sources", "Manage", "History"]


def administrator() -> None:
    cards.load_small()
    User.objects.create_superuser(
        "root", "root@example.com", "correct horse", first_name="Rita", last_name="Administrator"
    )


def rows_of_the_header(page: Page) -> int:
    """How many lines the header's items take, from where their boxes start."""
    tops = page.evaluate(
        "[...document.querySelectorAll('.site-header__inner > *')]"
        ".filter(e => e.getBoundingClientRect().height > 0)"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    return len({top // 20 for top in tops})


def test_the_header_of_an_administrator_is_one_line_on_a_desktop(live_server: LiveServer) -> None:
    administrator()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/units/acme/?period=2026-01")
        fill_sign_in(page, "root", "correct horse")
        nav = page.get_by_role("navigation", name="Main")
        for width in (1440, 1280, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            for name in LINKS:
                expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            assert rows_of_the_header(page) == 1, f"the header wraps at {width} px"
            height = page.locator(".site-header").bounding_box()["height"]  # type: ignore[index]
            assert height < 60, f"the header is {height} px high at {width} px"
            page.screenshot(path=str(SCREENSHOTS / f"header-{width}.png"))
        expect(page.locator(".site-header__org")).to_be_hidden()  # at 1024 px: room for links
        page.set_viewport_size({"width": 1440, "height": 900})
        expect(page.locator(".site-header__org")).to_have_text("Acme Test")
        expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
        browser.close()


def test_the_account_menu_holds_the_api_tokens_and_closes_on_escape(
    live_server: LiveServer,
) -> None:
    administrator()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/")
        fill_sign_in(page, "root", "correct horse")
        account = page.locator(".account__button")
        expect(page.locator(".account__initials")).to_have_text("RA")
        tokens = page.get_by_role("link", name="API tokens")
        expect(tokens).to_be_hidden()
        account.click()
        expect(tokens).to_be_visible()
        expect(page.locator(".account__panel")).to_contain_text("Rita Administrator")
        page.screenshot(path=str(SCREENSHOTS / "header-account-menu.png"))
        page.keyboard.press("Escape")
        expect(tokens).to_be_hidden()
        account.click()
        page.get_by_role("heading", level=1).click()  # a click elsewhere closes it too
        expect(tokens).to_be_hidden()
        account.click()
        tokens.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
        browser.close()


def test_on_a_phone_the_navigation_is_behind_a_menu_button(live_server: LiveServer) -> None:
    administrator()
    with sync_playwright() as p:
        browser = launch(p)
        for javascript in (True, False):
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, java_script_enabled=javascript
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/units/acme/?period=2026-01")
            fill_sign_in(page, "root", "correct horse")
            nav = page.get_by_role("navigation", name="Main")
            menu = page.get_by_text("Menu", exact=True)
            expect(nav.get_by_role("link", name="Home")).to_be_hidden()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            header = page.locator(".site-header").bounding_box()
            assert header is not None and header["height"] < 60
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            if javascript:
                page.screenshot(path=str(SCREENSHOTS / "header-phone.png"))
            menu.click()
            for name in LINKS:
                expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            if javascript:
                page.screenshot(path=str(SCREENSHOTS / "header-phone-menu.png"))
                page.keyboard.press("Escape")
                expect(nav.get_by_role("link", name="Home")).to_be_hidden()
                menu.click()
            nav.get_by_role("link", name="Data sources").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Data sources")
            expect(nav.get_by_role("link", name="Home")).to_be_hidden()
            context.close()
        browser.close()
