"""A real Chromium walks the initiatives: from the scorecard to the timeline, on to one
initiative, its charts, a milestone marked done; and on a phone nothing scrolls sideways
but the timeline itself."""

from __future__ import annotations

import re

from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.initiatives.models import Milestone
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from .pages import organization

PERIOD = "2026-06"

pytestmark = MARKS


def test_it_walks_from_the_scorecard_to_the_timeline_and_marks_a_milestone_done(
    live_server: LiveServer,
) -> None:
    eve = organization()["eve"]  # an editor of every unit
    eve.set_password("correct horse")
    eve.save()
    late = Milestone.objects.select_related("initiative").get(name="All regions")
    code, name = late.initiative.code, late.initiative.name

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/units/acme/?period={PERIOD}")
        fill_sign_in(page, "eve", "correct horse")
        page.get_by_role("link", name="Initiatives and their timeline").click()
        expect(page).to_have_url(re.compile(rf"/units/acme/initiatives/\?period={PERIOD}$"))
        bars = page.locator(".gantt .gantt__bar")
        expect(bars).to_have_count(3)
        page.get_by_label("Status", exact=True).select_option("green")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("tr[data-initiative]")).to_have_count(1)
        expect(bars).to_have_count(1)
        page.get_by_role("link", name="Clear").click()
        expect(bars).to_have_count(3)
        # The drawing is laid out by the browser: each bar has a width, the today line stands.
        widths = bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
        assert all(w > 20 for w in widths), widths
        expect(page.locator(".gantt__today line")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "initiatives.png"), full_page=True)

        page.locator(f'.gantt .gantt__row[data-key="{code}"] a').click()
        expect(page).to_have_url(re.compile(rf"/units/acme/initiatives/{code}/\?period="))
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        # charts.js drew the progress chart and each KPI's trend with ECharts.
        expect(page.locator('[data-chart="progress-chart"] svg')).to_have_count(1)
        trends = page.locator(".chart--trend")
        expect(trends).to_have_count(1)
        expect(trends.locator("svg")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "initiative.png"), full_page=True)

        row = page.locator(f'tr[data-milestone="{late.pk}"]')
        expect(row).to_contain_text("Overdue")
        row.get_by_role("button", name="Mark done").click()
        expect(page.locator(f'tr[data-milestone="{late.pk}"]')).not_to_contain_text("Overdue")
        expect(page.locator(f'tr[data-milestone="{late.pk}"] button')).to_have_count(0)

        page.set_viewport_size({"width": 390, "height": 844})
        for url, shot in (
            (f"/units/acme/initiatives/?period={PERIOD}", "initiatives-phone"),
            (f"/units/acme/initiatives/{code}/?period={PERIOD}", "initiative-phone"),
        ):
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} scrolls sideways on a phone ({width} px wide)"
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        browser.close()
    late.refresh_from_db()
    assert late.done is not None
