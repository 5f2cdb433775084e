"""A real Chromium reads a scorecard that tells how its numbers are made, at 1440, 1024 and
390 px: the table fits, the overdue marks stay in their cells, an objective's parts open on
a click, and Scorecards lists the unit tree."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.files.load import load
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from . import cards
from .test_scorecard_explained import EXPLAINED

pytestmark = MARKS

# A long KPI name, and a value due in April and still missing: an overdue mark on its row,
# on its objective's and on the perspective's.
LATE = cards.kpi(
    "oee",
    name="Overall equipment effectiveness",
    unit='"%"',
    targets="{2026-04: {target: 80, red_flag: 70}}",
    values="{}",
)
DATA = EXPLAINED.replace("  - code: sales\n", LATE + "  - code: sales\n", 1)
COPIES = Path("/tmp/shots/helper-h5a")


def shot(page: Page, name: str) -> None:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if COPIES.is_dir():
        shutil.copy(path, COPIES / path.name)


def fits(page: Page) -> list[str]:
    """What sticks out: tables wider than their box, overdue marks wider than their cell."""
    return list(
        page.evaluate(
            """() => {
            const out = [];
            for (const wrap of document.querySelectorAll('.table-wrap')) {
                if (wrap.scrollWidth > wrap.clientWidth + 1) out.push('table ' + wrap.scrollWidth);
            }
            for (const mark of document.querySelectorAll('.kpis td .overdue')) {
                const cell = mark.closest('td').getBoundingClientRect();
                const box = mark.getBoundingClientRect();
                const clipped = mark.scrollWidth > mark.clientWidth;
                if (clipped || box.right > cell.right + 0.5 || box.left < cell.left - 0.5) {
                    out.push('overdue ' + mark.textContent.trim());
                }
            }
            return out;
        }"""
        )
    )


def lines_of(page: Page, text: str) -> int:
    """How many lines a link's text takes."""
    link = page.locator("tr.kpi a", has_text=text)
    return int(link.evaluate("a => a.getClientRects().length"))


def test_it_tells_how_every_number_is_made_at_every_width(live_server: LiveServer) -> None:
    load(DATA, actor=None, source_name="explained.yaml")
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    url = f"{live_server.url}/units/acme/?period=2026-04"

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        fill_sign_in(page, "ada", "correct horse")
        expect(page).to_have_url(url)

        # The quarterly KPI in April: its latest quarter, and that it does not count.
        latest = page.locator("tr.kpi--latest", has_text="Net Promoter Score")
        expect(latest).to_contain_text("Q1 2026, its latest quarter · not counted in April 2026")
        expect(latest.locator(".status__name")).to_have_text("Green")

        # The objective's parts are closed until asked for, then name the aligned objective.
        parts = page.locator("tbody", has_text="Delight customers").locator("details.how")
        aligned = parts.get_by_role("link", name="Sales department: Keep our key accounts")
        expect(aligned).to_be_hidden()
        parts.locator("summary").click()
        expect(aligned).to_be_visible()
        expect(parts).to_contain_text("weight 2 · 67 % of the score")
        expect(page.locator("#legend")).to_contain_text("Scheme gov")
        assert fits(page) == []
        shot(page, "scorecard-explained-1440")

        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(url)
        # Every column shows, the Reported one included; long names take two lines at most.
        reported = page.locator("thead th", has_text="Reported").first
        expect(reported).to_be_visible()
        wrap = page.locator(".table-wrap").first.bounding_box()
        cell = reported.bounding_box()
        assert wrap is not None and cell is not None
        assert cell["x"] + cell["width"] <= wrap["x"] + wrap["width"] + 0.5
        assert fits(page) == []
        assert lines_of(page, "Overall equipment effectiveness") <= 2
        page.locator("details.how summary").first.click()
        shot(page, "scorecard-explained-1024")

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        page.locator("details.how summary").first.click()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the phone view scrolls sideways ({width} px wide)"
        expect(page.locator("tr.kpi--latest").first).to_be_visible()
        shot(page, "scorecard-explained-390")

        # Scorecards lists the unit tree, and a unit's name leads to its scorecard.
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/scorecards/?period=2026-04")
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Scorecards"))
        rows = page.locator("tr.unit-tree__row")
        expect(rows).to_have_count(2)
        expect(rows.nth(1)).to_contain_text("Sales department")
        expect(rows.nth(1).locator(".status__name")).to_have_text("Green")
        shot(page, "scorecards-1440")
        for width in (1024, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.reload()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert fits(page) == []
            shot(page, f"scorecards-{width}")
        page.get_by_role("link", name="Sales department", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sales department")
        expect(page).to_have_url(f"{live_server.url}/units/sales/?period=2026-04")
        browser.close()
