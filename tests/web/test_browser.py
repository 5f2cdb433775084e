"""A real Chromium signs in, reads a scorecard and changes the unit with the picker."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from . import cards

pytestmark = MARKS


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
    fill_sign_in(page, "ada", "correct horse")


def test_it_signs_in_reads_a_scorecard_and_changes_unit(live_server: LiveServer) -> None:
    top, top_name, child, child_name = organization()
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    period = "2026-09" if top == "northwind" else "2026-01"

    # Playwright's sync API runs an event loop: the database is filled before it starts.
    with sync_playwright() as p:
        browser = launch(p)
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


WIDEST_IN_MAIN = """() => Math.max(...[...document.querySelectorAll('main *')]
    .map(e => Math.round(e.getBoundingClientRect().right)))"""


def test_it_drills_from_the_scorecard_to_a_kpi_and_its_objective(live_server: LiveServer) -> None:
    from fourfold.accounts.models import Role

    top, top_name, _, _ = organization()
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    demo = top == "northwind"
    period = "2026-09" if demo else "2026-01"
    kpi_name, objective_name = (
        ("Revenue", "Grow revenue profitably")
        if demo
        else (
            "Revenue",
            "Grow revenue",
        )
    )

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        url = f"{live_server.url}/units/{top}/?period={period}"
        sign_in(page, url)
        expect(page.get_by_role("heading", level=1)).to_have_text(top_name)
        expect(page.locator("svg.spark").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "scorecard-trends.png"), full_page=True)

        # Filters narrow the scorecard in place (htmx) and keep the address shareable.
        page.get_by_label("Perspective").select_option(index=1)
        expect(page).to_have_url(re.compile(r"perspective="))
        expect(page.locator("section.perspective")).to_have_count(1)
        expect(page.locator(".filters__count")).to_contain_text("Showing")
        page.get_by_role("link", name="Clear filters").click()
        expect(page).to_have_url(url)

        page.get_by_role("link", name=kpi_name, exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(kpi_name)
        expect(page).to_have_url(re.compile(rf"/units/{top}/kpis/revenue/\?period={period}$"))
        expect(page.locator(".chart--kpi svg")).to_have_count(1)
        expect(page.locator("table.periods tr.is-current")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "kpi.png"), full_page=True)
        page.locator(".chart--kpi").screenshot(path=str(SCREENSHOTS / "kpi-chart.png"))

        page.get_by_role("textbox", name="Comment").fill("Shipments slipped into October.")
        page.get_by_role("button", name="Add comment").click()
        expect(page.locator(".comment__text")).to_have_text("Shipments slipped into October.")

        page.get_by_role("link", name=objective_name).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(objective_name)
        expect(page.locator(".chart--objective svg")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "objective.png"), full_page=True)
        objective_path = page.url.replace(live_server.url, "").split("#")[0]

        if demo:
            page.goto(f"{live_server.url}/units/assembly/kpis/asm-wip-days/?period={period}")
            expect(page.locator(".chart--kpi svg")).to_have_count(1)
            page.screenshot(path=str(SCREENSHOTS / "kpi-range.png"), full_page=True)
            page.locator(".chart--kpi").screenshot(path=str(SCREENSHOTS / "kpi-range-chart.png"))

        page.set_viewport_size({"width": 390, "height": 844})
        phone = [
            ("kpi-phone", f"/units/{top}/kpis/revenue/?period={period}"),
            ("objective-phone", objective_path),
            ("scorecard-trends-phone", f"/units/{top}/?period={period}"),
        ]
        if demo:
            phone.append(("kpi-range-phone", f"/units/assembly/kpis/asm-wip-days/?period={period}"))
        for name, path in phone:
            page.goto(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            # The page's own content fits; the site header is measured by its own test.
            width = page.evaluate(WIDEST_IN_MAIN)
            assert width <= 390, f"{name} is wider than the phone ({width} px)"
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        browser.close()


def test_a_viewer_of_a_division_is_refused_the_company_page(live_server: LiveServer) -> None:
    top, _, child, child_name = organization()
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    from fourfold.strategy.models import Unit

    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=Unit.objects.get(code=child))
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, f"{live_server.url}/units/{child}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(child_name)
        response = page.goto(f"{live_server.url}/units/{top}/")
        assert response is not None and response.status == 404
        page.screenshot(path=str(SCREENSHOTS / "refused.png"), full_page=True)
        browser.close()
