"""A real Chromium: the History page fits its columns at 1440, 1024 and 390 pixels."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.audit.models import record
from fourfold.editing.targets import set_target
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

pytestmark = MARKS
PASSWORD = "correct horse battery"


def test_the_history_fits_a_desktop_a_laptop_and_a_phone(live_server: LiveServer) -> None:
    cards.load_small()
    root = User.objects.create_superuser("root", "root@acme.example", PASSWORD)
    # Without a name a person is shown by their user name, here a long email address.
    anna = User.objects.create_user("anna.kowalski@northwind-components.example")
    revenue = KPI.objects.get(code="revenue")
    record_values(
        [ValueEntry(revenue.pk, "2026-02", 650)],
        actor=anna,
        source=Source.MANUAL,
        reason="late invoice booked",
    )
    data = {"period": "2026-02", "target": 750, "red_flag": 500}
    set_target(root, revenue, {**data, "reason": "budget revised after the forecast"})
    record(anna, "value.rejected", "Rejected revenue 2026-03 = 91 entered by eve: wrong month")
    record(root, "objective.links", "Changed what objective grow drives")

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=ViewportSize(width=1440, height=1000))
        page.goto(f"{live_server.url}/history/")
        fill_sign_in(page, "root", PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("History")
        for width in (1440, 1024, 390):
            page.set_viewport_size(ViewportSize(width=width, height=1000))
            page.screenshot(path=str(SCREENSHOTS / f"history-{width}.png"), full_page=True)
            table = page.locator(".h-table")
            expect(table.get_by_text("Cause-effect links changed")).to_be_visible()
            expect(table.get_by_text("Reason: budget revised after the forecast")).to_be_visible()
            # Every column in view: the table neither scrolls sideways nor is cut off.
            scroll, shown = page.evaluate(
                "(() => { const s = document.querySelector('.h-table').parentElement;"
                " return [s.scrollWidth, s.clientWidth]; })()"
            )
            assert scroll <= shown, f"at {width} px the table is {scroll} px in {shown}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.get_by_text("Set 1 target(s) of KPI revenue").count() == 0
        browser.close()
