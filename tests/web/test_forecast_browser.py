"""A real Chromium walks the forecasts: the KPI page's fan chart, the scorecard's column,
the reliability page, and a target's feasibility appearing as it is typed."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.core import periods
from fourfold.measures.models import KPI
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from . import forecast_card

pytestmark = MARKS


def test_it_walks_the_forecasts_and_a_targets_feasibility(live_server: LiveServer) -> None:
    forecast_card.load_card()
    eve = User.objects.create_user("eve", password="correct horse", first_name="Eve")
    Role.objects.create(user=eve, kind=Role.Kind.EDITOR, unit=None)
    sales = KPI.objects.get(code="sales").pk
    month = periods.month_key(forecast_card.month_now() + 1)

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/units/acme/kpis/sales/")
        fill_sign_in(page, "eve", "correct horse")
        panel = page.locator("#forecast")
        expect(panel).to_contain_text(re.compile(r"\d+ % chance of reaching|than \d+ % chance"))
        # ECharts drew the fan: the band and the lines are paths of the chart's SVG.
        expect(panel.locator("[data-chart=forecast-chart] svg path").first).to_be_attached()
        panel.screenshot(path=str(SCREENSHOTS / "kpi-forecast.png"))

        page.get_by_role("link", name="All forecasts of Acme Corp").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How well the forecasts of Acme Corp did"
        )

        page.goto(f"{live_server.url}/units/acme/design/kpis/{sales}/targets/")
        form = page.locator("section[aria-labelledby=one-title]")
        form.get_by_label("Period").fill(month)
        form.get_by_label("Target").fill("100000")
        # Shown before saving, without a page load: htmx swapped the assessment in.
        feasibility = page.locator("#feasibility .feasibility")
        expect(feasibility).to_contain_text("this target asks for")
        expect(feasibility).to_contain_text("Chance of meeting it, by the forecast")
        expect(page.locator("section[aria-labelledby=current-title]")).to_be_visible()
        form.screenshot(path=str(SCREENSHOTS / "target-feasibility.png"))

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/units/acme/kpis/sales/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the phone view scrolls sideways ({width} px wide)"
        browser.close()
