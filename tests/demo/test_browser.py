"""The demo, on two different days, opens on a scored Home and a scored scorecard: a real
Chromium signs in as demo/demo. The day is fixed where every page and the demo read it,
Django's `timezone.localdate`, and in the browser's clock."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.demo import install
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

pytestmark = MARKS

# A December day early in the month (last month's values not overdue yet), and a day in
# July past the grace period; a year apart in fiscal years.
DAYS = [(dt.date(2026, 12, 2), "November 2026"), (dt.date(2027, 7, 20), "June 2027")]
WIDTHS = {"desktop": 1440, "phone": 390}


@pytest.fixture
def today(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    """Today is the parametrized day for the demo and every page of the live server."""
    day: dt.date = request.param
    real = timezone.localdate

    def localdate(*args: Any, **kwargs: Any) -> dt.date:
        return real(*args, **kwargs) if args or kwargs else day

    monkeypatch.setattr(timezone, "localdate", localdate)
    yield day


def sign_in_as_demo(page: Page, url: str, day: dt.date) -> None:
    page.clock.set_fixed_time(dt.datetime(day.year, day.month, day.day, 9, 30))
    page.goto(url)
    fill_sign_in(page, install.USERNAME, install.PASSWORD)


def expect_scored_home(page: Page, month: str) -> None:
    expect(page.locator(".home .period-nav__current")).to_have_text(month)
    cards = page.locator(".glance")
    expect(cards).to_have_count(11)
    for index in range(11):
        card = cards.nth(index)
        expect(card.locator(".glance__score")).to_have_text(re.compile(r"^\d+\.\d\d$"))
        expect(card.locator(".status__name")).not_to_have_text("No data")
    expect(page.locator(".home__attention .attention__list li").first).to_be_visible()


def expect_scored_scorecard(page: Page, month: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Components")
    expect(page.locator(".scorecard .period-nav__current")).to_have_text(month)
    expect(page.locator(".summary .big")).to_have_text(re.compile(r"^\d+\.\d\d$"))
    expect(page.locator(".summary .status__name").first).not_to_have_text("No data")
    kpis = page.locator("tr.kpi")
    expect(kpis.first).to_be_visible()
    scored = kpis.locator("td[data-label=Score]").filter(has_text=re.compile(r"\d\.\d\d"))
    assert scored.count() >= 8
    assert page.locator("tr.kpi .trend-cell svg").count() >= 8  # trends over the history
    for status in page.locator(".unit-card .status__name").all():
        expect(status).not_to_have_text("No data")


@pytest.mark.parametrize("today", [day for day, _ in DAYS], indirect=True, ids=str)
def test_the_demo_opens_on_scores_on_any_day(live_server: LiveServer, today: dt.date) -> None:
    month = dict(DAYS)[today]
    install.install()  # for the day the pages see, as `fourfold demo` does
    with sync_playwright() as p:
        browser = launch(p)
        for name, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            sign_in_as_demo(page, f"{live_server.url}/", today)
            expect(page).to_have_url(f"{live_server.url}/")
            expect_scored_home(page, month)
            page.screenshot(path=str(SCREENSHOTS / f"demo-home-{today}-{name}.png"))
            page.locator(".glance--big").click()
            expect(page).to_have_url(re.compile(r"/units/northwind/\?period=\d{4}-\d\d$"))
            expect_scored_scorecard(page, month)
            page.screenshot(path=str(SCREENSHOTS / f"demo-scorecard-{today}-{name}.png"))
            page.close()
        browser.close()
