"""A real Chromium signs in, reads a scorecard and changes the unit with the picker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load

from . import cards

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package"),
]


def organization() -> tuple[str, str, str, str]:
    """The demo organization when it is there, else the small test one: top, child, names."""
    if DEMO_FILE.exists():
        load(DEMO_FILE.read_text(encoding="utf-8"), actor=None, source_name=DEMO_FILE.name)
        return "northwind", "Northwind Components", "manufacturing", "Manufacturing Division"
    cards.load_small()
    return "acme", "Acme Corp", "sales", "Sales department"


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()


def test_it_signs_in_reads_a_scorecard_and_changes_unit(live_server: LiveServer) -> None:
    top, top_name, child, child_name = organization()
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    period = "2026-09" if top == "northwind" else "2026-01"
    SCREENSHOTS.mkdir(exist_ok=True)

    # Playwright's sync API runs an event loop: the database is filled before it starts.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        url = f"{live_server.url}/units/{top}/?period={period}"
        sign_in(page, url)

        expect(page).to_have_url(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(top_name)
        expect(page.locator(".site-header")).to_contain_text("Ada")
        expect(page.locator(".summary .status__name")).to_be_visible()
        expect(page.locator("tr.kpi .status__name").first).to_have_text(re.compile(r"\w+"))
        page.screenshot(path=str(SCREENSHOTS / "scorecard.png"), full_page=True)

        picker = page.get_by_label("Unit", exact=True)
        picker.focus()
        picker.select_option(child)
        expect(page.get_by_role("heading", level=1)).to_have_text(child_name)
        expect(page).to_have_url(f"{live_server.url}/units/{child}/?period={period}")
        # htmx swapped the body only: one header, one picker, and the picker kept its focus.
        expect(page.locator(".site-header")).to_have_count(1)
        expect(page.locator("#pick-unit")).to_have_count(1)
        expect(page.locator("#pick-unit")).to_be_focused()
        expect(page).to_have_title(re.compile(child_name))
        page.screenshot(path=str(SCREENSHOTS / "scorecard-child.png"), full_page=True)

        page.get_by_label("View by").select_option("quarter")
        expect(page).to_have_url(re.compile(r"period=2026-Q[1-4]$"))

        page.go_back()
        expect(page.get_by_role("heading", level=1)).to_have_text(child_name)

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(top_name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the phone view scrolls sideways ({width} px wide)"
        page.screenshot(path=str(SCREENSHOTS / "scorecard-phone.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
        browser.close()
