"""A real Chromium: an editor designs a scorecard, an administrator adds a viewer."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.strategy.models import Unit
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

PASSWORD = "correct horse battery"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)

pytestmark = MARKS


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    fill_sign_in(page, username, PASSWORD)


def shoot(page: Page, name: str) -> None:
    """A desktop and a phone screenshot; the phone view must not scroll sideways."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 391).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert width <= 390, f"{name}: the phone view scrolls sideways ({width} px wide): {wide}"
    page.set_viewport_size(DESKTOP)


def test_an_editor_designs_and_an_administrator_adds_a_viewer(live_server: LiveServer) -> None:
    cards.load_small()
    acme = Unit.objects.get(code="acme")
    for username, kind in (("eve", Role.Kind.EDITOR), ("ada", Role.Kind.ADMIN)):
        user = User.objects.create_user(username, f"{username}@acme.example", PASSWORD)
        Role.objects.create(user=user, kind=kind, unit=None if kind == Role.Kind.ADMIN else acme)
    design = f"{live_server.url}/units/acme/design/"

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, design, "eve")
        expect(page).to_have_url(design)
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
        expect(page.get_by_role("link", name="Manage")).to_be_visible()

        # An objective...
        page.get_by_role("link", name="+ Add an objective to Financial").click()
        page.get_by_label("Code").fill("cut-costs")
        page.get_by_label("Name").fill("Cut costs")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash")).to_contain_text("Objective Cut costs saved.")
        objective = page.locator(".design-objective", has_text="Cut costs")
        expect(objective).to_be_visible()

        # ...and a KPI, refused once for its code.
        page.get_by_role("link", name="+ Add a KPI to Cut costs").click()
        page.get_by_label("Code").fill("unit cost")
        page.get_by_label("Name", exact=True).fill("Unit cost")
        page.get_by_label("Direction").select_option("decrease")
        page.get_by_label("Aggregation over time").select_option("average")
        page.get_by_role("button", name="Save").click()
        error = page.locator("#id_code_error")
        expect(error).to_have_text(re.compile("'unit cost' is not a valid code"))
        expect(page.get_by_label("Code")).to_have_attribute("aria-invalid", "true")
        shoot(page, "editing-kpi-error")
        page.get_by_label("Code").fill("unit-cost")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash")).to_contain_text("KPI Unit cost saved.")

        # Its targets: a whole year at once, then a refused one.
        page.get_by_role("link", name="Targets of Unit cost").click()
        year = page.locator("section", has_text="A whole year")
        year.get_by_label("Year").fill("2026")
        year.get_by_label(re.compile(r"^Target")).fill("40")
        year.get_by_label("Red flag").fill("45")
        year.get_by_role("button", name="Set the year's targets").click()
        expect(page.locator(".flash")).to_contain_text("12 target(s) of Unit cost saved.")
        one = page.locator("section", has_text="One period")
        one.get_by_label("Period").fill("2027-01")
        one.get_by_label(re.compile(r"^Target")).fill("40")
        one.get_by_label("Red flag").fill("30")
        one.get_by_role("button", name="Set target").click()
        expect(page.locator("#id_one-red_flag_error")).to_contain_text(
            "For a KPI where lower is better the red flag must be above the target"
        )
        shoot(page, "editing-targets")
        page.get_by_role("link", name="Design of Acme Corp").click()

        # Reorder with htmx: the page is not reloaded, the button keeps the focus.
        page.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="Move objective Cut costs up").click()
        objectives = page.locator(".design-objective h3")
        expect(objectives.first).to_contain_text("Cut costs")
        assert page.evaluate("window.notReloaded") is True
        # The move buttons keep their ids (named by primary key, which depends on the run).
        expect(page.locator("[id^='up-objectives-']").first).to_be_attached()

        # Archive a KPI: it moves to the archived section, from where it could come back.
        page.get_by_role("button", name="Archive KPI Complaints").click()
        archived = page.locator("#archived")
        expect(archived).to_contain_text("Complaints")
        expect(archived.get_by_role("button", name="Restore KPI Complaints")).to_be_visible()
        shoot(page, "editing-design")

        page.get_by_role("button", name="Sign out").click()

        # An administrator creates a user and makes them a viewer of Sales.
        sign_in(page, f"{live_server.url}/manage/users/", "ada")
        page.get_by_role("link", name="+ Add a user").click()
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Email").fill("bob@acme.example")
        page.get_by_label("Initial password").fill("tide pool gravel")
        page.get_by_role("button", name="Add user").click()
        expect(page.locator(".flash")).to_contain_text("User bob created.")
        expect(page.get_by_role("radio", name=re.compile("^Viewer"))).to_be_checked()
        page.get_by_label("Unit", exact=True).select_option("sales")
        page.get_by_role("button", name="Give role").click()
        expect(page.locator(".role-list")).to_contain_text("Viewer of Sales department")
        page.get_by_role("link", name="Users").first.click()
        expect(page.locator("tr", has_text="bob")).to_contain_text("Viewer · Sales department")
        shoot(page, "editing-users")
        browser.close()
