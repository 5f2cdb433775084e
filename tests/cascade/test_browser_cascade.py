"""A real Chromium: the demo's top scorecard cascaded into a new unit, scored, rolling up."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.access import Access
from fourfold.demo import install
from fourfold.editing.services import create_unit
from fourfold.measures.intake import submit_targets, submit_values
from fourfold.measures.models import KPI, Target
from fourfold.measures.services import TargetEntry, ValueEntry
from fourfold.strategy.models import Unit
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

pytestmark = MARKS
DAY = dt.date(2026, 11, 24)
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
SHOOTING = bool(os.environ.get("FOURFOLD_SCREENSHOTS"))


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    real = timezone.localdate

    def localdate(*args: Any, **kwargs: Any) -> dt.date:
        return real(*args, **kwargs) if args or kwargs else DAY

    monkeypatch.setattr(timezone, "localdate", localdate)
    # The test writes values and targets between pages, from playwright's thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield DAY


def shoot(page: Page, name: str) -> None:
    """A desktop and a phone screenshot; the phone view must not scroll sideways. Taken when
    FOURFOLD_SCREENSHOTS is set (about 4 s of the walk's time budget)."""
    if not SHOOTING:
        return
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the phone view scrolls sideways ({width} px wide)"
    page.set_viewport_size(DESKTOP)


def _values_at_target(codes: list[str], period: str) -> None:
    """The child's KPIs reach their targets in the period: entered as anyone would."""
    rows = Target.objects.filter(kpi__code__in=codes, period=period).values_list("kpi_id", "target")
    entries = [ValueEntry(kpi, period, target) for kpi, target in rows if target is not None]
    assert len(entries) == len(codes)
    submit_values(entries, actor=None, access=Access.trusted(), channel="grid")


def test_a_cascade_made_in_the_browser_gives_a_scored_scorecard_that_rolls_up(
    live_server: LiveServer, today: dt.date
) -> None:
    install.install(today)
    top = Unit.objects.get(code="northwind")
    create_unit(None, top, {"code": "services", "name": "Services Division"})
    period = "2026-10"
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=DESKTOP)
        page.clock.set_fixed_time(dt.datetime(2026, 11, 24, 9, 30))
        page.goto(f"{live_server.url}/units/services/cascade/")
        fill_sign_in(page, install.USERNAME, install.PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Create the scorecard of Services Division from its parent's"
        )
        page.get_by_label("Grow revenue").check()
        page.get_by_label("Deliver on time, in full").check()
        page.get_by_label("Their targets").select_option("copy")
        preview = page.locator("#cascade-preview")
        expect(preview).to_contain_text("2 objectives and")  # refreshed by htmx, no reload
        expect(preview).to_contain_text("services-grow-revenue, aligned to grow-revenue")
        shoot(page, "cascade-page")
        page.get_by_role("button", name="Create the scorecard").click()
        expect(page.locator(".flash")).to_contain_text("The scorecard of Services Division is made")

        _values_at_target(["services-revenue", "services-otif"], period)
        page.goto(f"{live_server.url}/units/services/?period={period}")
        rows = page.locator("tr.objective")
        expect(rows).to_have_count(2)
        for index in range(2):
            expect(rows.nth(index)).to_contain_text("6.67")
        page.goto(f"{live_server.url}/units/northwind/objectives/grow-revenue/?period={period}")
        served = page.locator("section[aria-labelledby=aligned-heading]")
        expect(served).to_contain_text(
            "Grow revenue profitably Services Division 6.67 Green counts in this score, weight 2"
        )
        shoot(page, "cascade-objective-above")
        if SHOOTING:  # the other pages of alignment both ways, to look at
            page.goto(
                f"{live_server.url}/units/services/objectives/services-grow-revenue/?period={period}"
            )
            expect(page.locator("section[aria-labelledby=serves-heading]")).to_contain_text(
                "Grow revenue profitably Northwind Components this score counts in it, weight 2"
            )
            shoot(page, "cascade-objective-below")
            page.goto(f"{live_server.url}/units/northwind/map/?period={period}")
            expect(page.locator(".strategy-map__alignment")).to_contain_text("Services Division")
            shoot(page, "cascade-strategy-map")

        # A target changes above: the child is told, and applies it.
        revenue = KPI.objects.get(code="revenue")
        old = Target.objects.get(kpi=revenue, period="2026-12")
        assert old.target is not None
        goal = old.target
        raised = (goal * 1.1, old.red_flag, None, None, None, None)
        submit_targets(
            [TargetEntry(revenue.pk, "2026-12", raised)],
            actor=None,
            access=Access.trusted(),
            channel="targets page",
            reason="a better December",
        )
        page.goto(f"{live_server.url}/units/services/cascade/")
        drift = page.locator(".cascade__drift")
        expect(drift).to_contain_text("revenue 2026-12: the target above went from")
        shoot(page, "cascade-drift")
        page.get_by_role("button", name="Apply these changes").click()
        expect(page.locator(".cascade__drift")).to_have_count(0)
        browser.close()
    child = Target.objects.get(kpi__code="services-revenue", period="2026-12")
    assert child.target == pytest.approx(goal * 1.1)
