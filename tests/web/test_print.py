"""Every page prints on A4 in a real Chromium: the navigation and the controls left out, the
tables and the strategy map as wide as the sheet, no row split across two sheets."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

pytestmark = MARKS

# A4 is 210 mm wide; app.css's @page leaves 11 mm each side: 188 mm is 710.6 CSS pixels.
SHEET = 711
PERIOD = "2026-01"
PAGES = {
    "home": f"/?period={PERIOD}",
    "scorecard": f"/units/acme/?period={PERIOD}",
    "kpi": f"/units/acme/kpis/revenue/?period={PERIOD}",
    "objective": f"/units/acme/objectives/grow/?period={PERIOD}",
    "map": f"/units/acme/map/?period={PERIOD}",
    "scorecards": "/scorecards/",
    "my-kpis": "/my/kpis/",
    "history": "/history/",
    "sources": "/sources/",
}
WIDEST = """() => Math.max(...[...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().width > 0)
    .map(e => Math.round(e.getBoundingClientRect().right)))"""


def as_printed(page: Page, url: str) -> None:
    page.set_viewport_size({"width": SHEET, "height": 1000})
    page.emulate_media(media="print")
    page.goto(url)


def test_every_page_prints_on_a4_without_the_chrome(live_server: LiveServer) -> None:
    cards.load_small()
    User.objects.create_superuser("root", "root@example.com", "correct horse", first_name="Rita")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/")
        fill_sign_in(page, "root", "correct horse")
        for name, path in PAGES.items():
            as_printed(page, live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.locator(".site-header")).to_be_hidden()
            for control in page.locator(".pickers, .filters, main button").all():
                expect(control).to_be_hidden()
            widest = page.evaluate(WIDEST)
            assert widest <= SHEET, f"{name}: something is {widest} px wide on a {SHEET} px sheet"
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF")
            target = SCREENSHOTS / f"print-{name}.pdf"
            target.write_bytes(pdf)
            if shutil.which("pdftoppm"):  # poppler-utils: pages to look at
                subprocess.run(["pdftoppm", "-png", "-r", "60", target, target.with_suffix("")])
        browser.close()


def test_a_printed_table_keeps_its_rows_whole_and_its_header_on_each_sheet(
    live_server: LiveServer,
) -> None:
    cards.load_small()
    User.objects.create_superuser("root", "root@example.com", "correct horse")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(f"{live_server.url}/units/acme/?period={PERIOD}")
        fill_sign_in(page, "root", "correct horse")
        as_printed(page, page.url)
        table = page.locator("main table.kpis").first
        assert table.evaluate("t => getComputedStyle(t.tHead).display") == "table-header-group"
        rows = table.locator("tbody tr")
        assert rows.count() > 0
        assert {r.evaluate("r => getComputedStyle(r).breakInside") for r in rows.all()} == {"avoid"}
        # On paper, about 700 px wide, the table stays a table: not a phone's cards.
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 390, "height": 844})
        assert table.evaluate("t => getComputedStyle(t).display") == "block"
        browser.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_screen_keeps_its_navigation_where_print_drops_it(
    live_server: LiveServer, width: int
) -> None:
    User.objects.create_superuser("root", "root@example.com", "correct horse")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        fill_sign_in(page, "root", "correct horse")
        expect(page.locator(".site-header")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        browser.close()
