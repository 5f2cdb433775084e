"""One walk in a real Chromium: an editor schedules a book, sends a test, shares the
scorecard; the link opens without signing in until it is revoked."""

from __future__ import annotations

from django.core import mail
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from .conftest import Org

pytestmark = MARKS


def test_an_editor_schedules_tests_and_shares_then_revokes(
    org: Org, live_server: LiveServer
) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/units/acme/")
        fill_sign_in(page, "eddie", "x")
        page.get_by_role("link", name="Books sent").click()
        page.get_by_role("link", name="Schedule a book").click()
        page.get_by_label("Format").select_option("xlsx")
        page.get_by_role("textbox", name="Timetable").fill("0 7 1 * *")
        page.get_by_label("Timezone").fill("Europe/Paris")
        page.get_by_label("Vic <vic@example.com>").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved the schedule of Board book.")).to_be_visible()
        mail.outbox.clear()
        page.get_by_role("button", name="Send a test to me").click()
        expect(page.get_by_text("A test was sent to eddie@example.com.")).to_be_visible()
        expect(page.locator(".ds-table").get_by_text("Sent")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "sharing-schedule-1280.png"), full_page=True)
        page.get_by_role("link", name="Share links").click()
        page.get_by_label("For whom (a note for you)").fill("the auditors")
        page.get_by_role("button", name="Make the link").click()
        address = page.get_by_label("The link's address").input_value()
        outside = browser.new_page(viewport={"width": 390, "height": 900})
        outside.goto(f"{live_server.url}{address}")
        expect(outside.get_by_role("heading", name="Acme Corp")).to_be_visible()
        expect(outside.get_by_text("Group revenue")).to_be_visible()
        # Nowhere to go from a shared page but its own skip link.
        hrefs = outside.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs == ["#main"]
        outside.screenshot(path=str(SCREENSHOTS / "sharing-shared-390.png"), full_page=True)
        page.get_by_role("button", name="Revoke").click()
        expect(page.get_by_text("The link was revoked")).to_be_visible()
        answer = outside.goto(f"{live_server.url}{address}")
        assert answer is not None and answer.status == 410
        expect(outside.get_by_text("This link was revoked")).to_be_visible()
        browser.close()
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]]
