"""A real Chromium follows a KPI with its Follow button, then changes the alert on My alerts."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.alerts.models import Subscription
from fourfold.files.load import load
from fourfold.strategy.models import Unit
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from .conftest import CARD

pytestmark = MARKS


def test_it_follows_a_kpi_in_place_and_asks_for_two_months_in_a_row(
    live_server: LiveServer,
) -> None:
    load(CARD, actor=None, source_name="alerts.yaml")
    ed = User.objects.create_user("ed", "ed@example.com", "correct horse", first_name="Ed")
    Role.objects.create(user=ed, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="top"))
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/units/a/kpis/a-rev/")
        fill_sign_in(page, "ed", "correct horse")
        follow = page.locator(".follow")
        expect(follow.get_by_role("button", name="Follow")).to_be_visible()
        url = page.url
        follow.get_by_role("button", name="Follow").click()
        expect(page.locator(".follow__on")).to_have_text("✓ Following")
        assert page.url == url  # swapped in place, no reload
        page.locator(".follow").get_by_role("link", name="Change").click()
        card = page.locator(".alerts__card").first
        card.get_by_label("Periods in a row").fill("2")
        card.get_by_label("How often").select_option("daily")
        card.get_by_label("Got worse").check()
        card.get_by_role("button", name="Save").click()
        expect(page.get_by_label("Periods in a row").first).to_have_value("2")
        page.screenshot(path=str(SCREENSHOTS / "alerts-mine.png"), full_page=True)
        browser.close()
    sub = Subscription.objects.get(user=ed)
    assert (sub.kind, sub.periods, sub.frequency) == ("kpi", 2, "daily")
    assert sub.conditions == ["red", "worse", "overdue", "action_late", "comment"]
