"""A contributor in real Chromium: My KPIs, a value checked as typed, saved and scored; a paste;
an upload confirmed after its preview. Screenshots of each page, wide and at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load
from fourfold.measures.models import KPI, Measurement
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

from . import cards

pytestmark = MARKS


def organization() -> tuple[str, list[str], str]:
    """The demo's Manufacturing Division when the demo is there, else the small test card."""
    if DEMO_FILE.exists():
        load(DEMO_FILE.read_text(encoding="utf-8"), actor=None, source_name=DEMO_FILE.name)
        codes = list(
            KPI.objects.filter(objective__perspective__scorecard__unit__code="manufacturing")
            .order_by("objective__perspective__order", "objective__order", "order", "pk")
            .values_list("code", flat=True)
        )
        return "manufacturing", codes, "2026-10"
    cards.load_small()
    return "acme", ["revenue", "complaints"], "2026-02"


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    fill_sign_in(page, "carol", "correct horse")


def test_a_contributor_enters_values_and_uploads_a_file(
    live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Playwright's sync API runs an event loop; the checks of the database in between are
    # plain synchronous reads of this test's own data.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    unit, codes, month = organization()
    carol = User.objects.create_user("carol", password="correct horse", first_name="Carol")
    KPI.objects.filter(code__in=codes).update(contributor=carol)
    # The month is not reported yet: due or overdue on My KPIs.
    Measurement.objects.filter(kpi__code__in=codes, period=month).delete()
    first = KPI.objects.get(code=codes[0])

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, f"{live_server.url}/my/kpis/")

        expect(page.get_by_role("heading", level=1)).to_have_text("My KPIs")
        row = page.locator("table.mine tbody tr").filter(has_text=first.name)
        expect(row).to_contain_text("Overdue")
        shoot(page, "entry-my-kpis")

        row.get_by_role("link", name=re.compile("Enter values")).click()
        expect(page).to_have_url(re.compile(rf"/units/{unit}/entry/\?period={month}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter values")
        shoot(page, "entry-grid")

        field = page.get_by_label(f"New value of {first.name}")
        field.fill("lots")
        field.dispatch_event("change")
        message = page.locator(f"#msg-{first.pk}")
        expect(message).to_contain_text("“lots” is not a number")
        shoot(page, "entry-grid-invalid")

        grid_row = page.locator("tr.entry-row").filter(has_text=first.name)
        expect(grid_row.locator(".status__name")).to_have_text("No data")
        good = "46.5" if unit == "manufacturing" else "700"
        field.fill(good)
        field.dispatch_event("change")
        expect(message).to_be_empty()
        page.get_by_role("button", name="Save values").click()
        expect(page.locator(".notice--success")).to_contain_text("Saved 1 value")
        grid_row = page.locator("tr.entry-row").filter(has_text=first.name)
        expect(grid_row.locator(".saved-badge")).to_be_visible()
        expect(grid_row.locator(".status__name")).to_have_text(
            re.compile(r"amber|green", re.IGNORECASE)
        )
        expect(grid_row.locator(".entry-row__score .num")).to_have_text("6.67")
        assert Measurement.objects.get(kpi=first, period=month).value == float(good)
        shoot(page, "entry-grid-saved")

        # A block pasted from a spreadsheet fills the grid in the browser.
        page.get_by_text("Paste a block from a spreadsheet").click()
        page.get_by_label(re.compile("Cells copied from a spreadsheet")).fill(
            f"{codes[1]}\t12.5\tfrom the plant report\n"
        )
        page.get_by_role("button", name="Fill the grid").click()
        second = KPI.objects.get(code=codes[1])
        expect(page.get_by_label(f"New value of {second.name}")).to_have_value("12.5")
        expect(page.get_by_label(f"Comment on {second.name}")).to_have_value(
            "from the plant report"
        )
        expect(page.locator("#paste-status")).to_contain_text("1 value filled in")
        shoot(page, "entry-grid-pasted")

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/units/{unit}/entry/?period={month}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the phone view scrolls sideways ({width} px wide)"
        shoot(page, "entry-grid-phone")
        page.goto(f"{live_server.url}/my/kpis/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"My KPIs scroll sideways on a phone ({width} px wide)"
        shoot(page, "entry-my-kpis-phone")

        # Upload a CSV, read its preview, confirm it.
        upload = tmp_path / "plant.csv"
        upload.write_text(f"kpi,period,actual\n{codes[1]},{month},13\n{codes[0]},{month},47\n")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/import/")
        shoot(page, "entry-import")
        page.get_by_label("CSV or XLSX file").set_input_files(str(upload))
        page.get_by_role("button", name="Preview").click()
        expect(page.locator(".plan-counts")).to_contain_text("1 to create")
        expect(page.locator(".plan-counts")).to_contain_text("1 to change")
        assert not Measurement.objects.filter(kpi=second, period=month).exists()
        shoot(page, "entry-import-preview")
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the preview scrolls sideways on a phone ({width} px wide)"
        shoot(page, "entry-import-preview-phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Confirm and write").click()
        expect(page.locator(".notices")).to_contain_text("1 values created, 1 changed")
        assert Measurement.objects.get(kpi=second, period=month).value == 13
        shoot(page, "entry-import-done")

        # A file whose headers differ: map them once, for this source.
        other = tmp_path / "erp.csv"
        other.write_text(f"Measure,Month,Value\n{codes[2]},{month},1.9\n")
        page.get_by_label("CSV or XLSX file").set_input_files(str(other))
        page.get_by_label("Source name (optional)").fill("erp-export")
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("alert")).to_contain_text("column 'Measure' is not known")
        shoot(page, "entry-import-mapping")
        page.get_by_label("Column “Measure”").select_option("kpi")
        page.get_by_label("Column “Month”").select_option("period")
        page.get_by_label("Column “Value”").select_option("actual")
        page.get_by_role("button", name="Apply and preview").click()
        expect(page.locator(".plan-counts")).to_contain_text("1 to create")
        page.get_by_role("button", name="Cancel").click()
        expect(page.locator(".notices")).to_contain_text("nothing was written")
        browser.close()
