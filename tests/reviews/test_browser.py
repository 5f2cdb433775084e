"""A whole review of the demo in a real Chromium: the facilitator opens the planned review's
generated agenda, starts the meeting, writes commentary on a KPI, records a decision,
adds two actions and closes the review; the next review, planned on the list page, starts
with those two actions. Every step is swapped in by htmx, without a reload."""

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
from fourfold.reviews.models import ActionItem, Comment, Decision, Review
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

pytestmark = MARKS

TODAY = dt.date(2026, 12, 2)
ACTIONS = ("Call the two e-mobility buyers about Q1 orders", "Price review with sales by Friday")


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    """Today is TODAY for the demo and every page of the live server."""
    real = timezone.localdate

    def localdate(*args: Any, **kwargs: Any) -> dt.date:
        return real(*args, **kwargs) if args or kwargs else TODAY

    monkeypatch.setattr(timezone, "localdate", localdate)
    yield TODAY


def _not_reloaded(page: Page) -> None:
    """Mark the document: a full reload would lose the mark."""
    page.evaluate("window.__sameDocument = true")


def _still_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def test_a_whole_review_of_the_demo(live_server: LiveServer, today: dt.date) -> None:
    install.install()
    planned = Review.objects.get(unit__code="northwind", state=Review.State.PLANNED)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.clock.set_fixed_time(dt.datetime(2026, 12, 2, 9, 30))
        page.goto(f"{live_server.url}/units/northwind/reviews/")
        fill_sign_in(page, install.USERNAME, install.PASSWORD)
        page.get_by_role("link", name=planned.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(planned.title)
        page.get_by_role("button", name="Start the meeting").click()
        expect(page.locator("#review-state")).to_have_text("Open")

        # The generated agenda: the earlier review's open actions first, then the KPIs and
        # objectives that need discussion; the first KPI's item is chosen.
        items = page.locator(".agenda__item")
        assert items.count() >= 3
        expect(items.first).to_have_class(_reason("open_action"))
        expect(items.nth(1)).to_have_class(_reason("action_overdue"))
        kpi = items.filter(has=page.locator(".agenda__text", has_text=re.compile(r"^KPI "))).first
        name = kpi.locator(".agenda__text").inner_text()
        _not_reloaded(page)
        kpi.locator(".agenda__link").click()
        panel = page.locator("#item-panel")
        expect(panel.locator("#item-heading")).to_have_text(name)
        expect(kpi).to_have_class(re.compile(r"\bis-current\b"))
        item_id = int(panel.locator("[data-current]").get_attribute("data-current") or 0)

        # Commentary for the KPI.
        panel.get_by_label("Analysis").fill("Two large orders slipped into January.")
        panel.get_by_label("Cause").fill("The customers' launches moved a quarter.")
        panel.get_by_role("button", name="Save the commentary").click()
        expect(panel.locator(".item__block").first).to_contain_text("By Sofia Lindqvist")

        # A decision.
        panel.get_by_label("Decision", exact=True).fill("Ask sales for a recovery plan.")
        panel.get_by_label("Decided by").fill("Sofia Lindqvist (COO)")
        panel.get_by_label("Why").fill("Effectiveness fell for the first time this year.")
        panel.get_by_role("button", name="Record the decision").click()
        expect(panel.locator(".review__decisions")).to_contain_text(
            "Ask sales for a recovery plan."
        )

        # Two actions, each with an owner and a due date.
        owners = (("Marcus Feld", "2026-12-20"), ("Sofia Lindqvist", "2026-12-11"))
        for n, (title, (owner, due)) in enumerate(zip(ACTIONS, owners, strict=True)):
            panel.get_by_label("Action", exact=True).fill(title)
            panel.get_by_label("Owner").select_option(label=owner)
            panel.get_by_label("Due").fill(due)
            panel.get_by_role("button", name="Add the action").click()
            expect(panel.locator(".item__actions li")).to_have_count(n + 1)
            expect(panel.locator(".item__actions")).to_contain_text(title)
        _still_same_document(page)

        for name, width in (("desktop", 1440), ("phone", 390)):
            page.set_viewport_size({"width": width, "height": 1000})
            page.screenshot(path=str(SCREENSHOTS / f"review-{name}.png"), full_page=True)

        page.set_viewport_size({"width": 1440, "height": 1000})
        page.get_by_role("button", name="Close the review").click()
        expect(page.locator("#review-state")).to_have_text("Closed")
        expect(page.get_by_role("button", name="Close the review")).to_have_count(0)

        # The next review of the series: its agenda starts with the open actions.
        page.get_by_role("link", name="Reviews", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Reviews")
        page.screenshot(path=str(SCREENSHOTS / "reviews-list-desktop.png"), full_page=True)
        form = page.locator("form").filter(has=page.get_by_role("button", name="Plan the review"))
        form.get_by_label("Series").select_option(label="Monthly operational review (monthly)")
        form.get_by_label("Period").fill("2026-12")
        form.get_by_label("Held on").fill("2027-01-12")
        form.get_by_role("button", name="Plan the review").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Monthly operational review 2026-12"
        )
        expect(page.locator(".review__since")).to_contain_text("Ask sales for a recovery plan.")
        # Open actions by due date, then the late ones: ours are due first (11 and 20 Dec).
        first = page.locator(".agenda__item")
        for n, title in enumerate((ACTIONS[1], ACTIONS[0])):
            expect(first.nth(n)).to_have_class(_reason("open_action"))
            expect(first.nth(n).locator(".agenda__text")).to_contain_text(title)
        page.screenshot(path=str(SCREENSHOTS / "review-next-desktop.png"), full_page=True)
        browser.close()

    closed = Review.objects.get(pk=planned.pk)
    assert closed.state == Review.State.CLOSED
    written = Comment.objects.get(review=closed, draft=False)
    assert written.kpi_id is not None and written.period == "2026-11"
    made = ActionItem.objects.filter(review=closed).order_by("due_date")
    assert [a.title for a in made] == [ACTIONS[1], ACTIONS[0]]
    assert all(a.item_id == item_id and a.kpi_id == written.kpi_id for a in made)
    assert Decision.objects.get(review=closed).decided_by == "Sofia Lindqvist (COO)"
    assert written.analysis == "Two large orders slipped into January."
    assert Comment.objects.filter(kpi=written.kpi, period="2026-12", draft=True).exists()


def _reason(pattern: str) -> Any:
    return re.compile(rf"agenda__item--({pattern})\b")
