"""A real Chromium: an editor phases a year on the Targets page, sees its months before saving,
saves it, then changes one month and reads that the others were spread again."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.measures.models import KPI, Target
from fourfold.strategy.models import Unit
from tests.browser import MARKS, launch
from tests.web import cards

from .test_browser_editing import DESKTOP, PASSWORD, shoot, sign_in

pytestmark = MARKS


def test_an_editor_previews_a_phased_year_saves_it_and_changes_a_month(
    live_server: LiveServer,
) -> None:
    cards.load_small()
    user = User.objects.create_user("eve", "eve@acme.example", PASSWORD)
    Role.objects.create(user=user, kind=Role.Kind.EDITOR, unit=Unit.objects.get(code="acme"))
    kpi = KPI.objects.get(code="revenue")
    url = f"{live_server.url}/units/acme/design/kpis/{kpi.pk}/targets/"

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=DESKTOP)
        sign_in(page, url, "eve")
        page.locator("#id_one-period").fill("2026")
        page.locator("#id_one-target").fill("1200")
        page.locator("#id_one-phase").select_option("even")
        preview = page.locator("#phase-preview")
        # Before anything is saved. The server's first answer of the run (its templates and the
        # KPI's history read the first time) may take seconds on a busy two-core machine.
        expect(preview).to_contain_text("Preview: 12 months of 2026", timeout=15_000)
        expect(preview.locator("tbody tr")).to_have_count(12)
        expect(preview).to_contain_text("together they come to 1,200")
        expect(page.locator("#target-2026")).to_have_count(0)  # nothing saved yet
        shoot(page, "targets-phase-preview")

        page.locator("#id_one-reason").fill("the plan")
        page.get_by_role("button", name="Set target").click()
        expect(page.locator(".flash")).to_contain_text("Its 12 months are phased from 2026 (even).")
        page.get_by_role("link", name="Change the target of 2026-02").click()
        page.locator("#id_row-target").fill("210")
        page.locator("#target-2026-02 input[name=row-reason]").fill("a promotion")
        page.get_by_role("button", name="Save the target of 2026-02").click()
        expect(page.get_by_text("so that 2026 still comes to 1,200.")).to_be_visible()
        expect(page.locator("#target-2026-01")).to_contain_text("90")
        browser.close()
    assert Target.objects.get(kpi=kpi, period="2026-12").reason == "phased from 2026"
