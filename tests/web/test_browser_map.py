"""A real Chromium reads the home page, opens a strategy map, follows a box and downloads it."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.demo.install import DEMO_FILE
from fourfold.files.load import load
from fourfold.measures.models import KPI
from fourfold.reviews.models import ActionItem
from fourfold.strategy.models import Unit
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch

SVG = "{http://www.w3.org/2000/svg}"
PERIOD = "2026-09"

pytestmark = [
    *MARKS,
    pytest.mark.skipif(not DEMO_FILE.exists(), reason="needs the Northwind demo file"),
]


def boxes_apart(page: Page) -> None:
    """No two objective boxes on the drawn map overlap, as the browser lays them out."""
    rects = page.eval_on_selector_all(
        ".strategy-map__svg a .box",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })",
    )
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_it_reads_home_opens_a_map_follows_a_box_and_downloads_it(
    live_server: LiveServer, tmp_path: Path
) -> None:
    load(DEMO_FILE.read_text(encoding="utf-8"), actor=None, source_name=DEMO_FILE.name)
    ada = User.objects.create_user("ada", password="correct horse", first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.VIEWER, unit=None)
    # Some of the demo's KPIs and an action item are Ada's, so that her lists are not empty.
    KPI.objects.filter(code__in=["mach-downtime", "mach-oee", "engagement", "nps"]).update(
        owner=ada
    )
    KPI.objects.filter(code__in=["machines-connected", "free-cash-flow"]).update(contributor=ada)
    machining = Unit.objects.get(code="machining")
    ActionItem.objects.create(
        unit=machining, title="Service spindle 4", owner=ada, due_date=dt.date(2026, 10, 15)
    )
    ActionItem.objects.create(unit=machining, title="Train setters on SMED", owner=ada)

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.goto(f"{live_server.url}/?period={PERIOD}")
        fill_sign_in(page, "ada", "correct horse")

        expect(page.get_by_role("heading", level=1)).to_contain_text("at a glance")
        expect(page.locator(".glance")).to_have_count(11)
        expect(page.get_by_role("heading", name="Needs my attention")).to_be_visible()
        expect(page.locator(".attention").nth(1)).to_contain_text("Unplanned downtime")
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

        page.get_by_role("link", name="Strategy map").click()
        expect(page).to_have_url(re.compile(r"/units/northwind/map/\?period=\d{4}-\d\d$"))
        page.goto(f"{live_server.url}/units/northwind/map/?period={PERIOD}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Components")
        objectives = page.locator(".strategy-map__svg a")
        expect(objectives).to_have_count(13)
        expect(page.get_by_role("button", name="Download PNG")).to_be_visible()
        boxes_apart(page)
        page.screenshot(path=str(SCREENSHOTS / "strategymap.png"), full_page=True)

        # The keyboard reaches the boxes, and the focused one shows its ring.
        first = objectives.first
        first.focus()
        expect(first).to_be_focused()
        ring = first.locator(".ring").evaluate("e => getComputedStyle(e).stroke")
        assert ring not in ("none", ""), "the focused objective has no visible ring"

        with page.expect_download() as svg_download:
            page.get_by_role("link", name="Download SVG").click()
        path = tmp_path / "map.svg"
        svg_download.value.save_as(path)
        assert svg_download.value.suggested_filename == f"northwind-strategy-map-{PERIOD}.svg"
        root = ET.parse(path).getroot()
        assert len(list(root.iter(f"{SVG}a"))) == 13
        assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#e9eef3"]) == 4

        with page.expect_download() as png_download:
            page.get_by_role("button", name="Download PNG").click()
        png = tmp_path / "map.png"
        png_download.value.save_as(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        code = first.get_attribute("data-objective")
        first.click()
        expect(page).to_have_url(
            re.compile(rf"/units/northwind/objectives/{code}/\?period={PERIOD}$")
        )

        for unit, name in (("manufacturing", "division"), ("machining", "department")):
            page.goto(f"{live_server.url}/units/{unit}/map/?period={PERIOD}")
            expect(page.locator(".strategy-map__svg")).to_be_visible()
            boxes_apart(page)
            page.screenshot(path=str(SCREENSHOTS / f"strategymap-{name}.png"), full_page=True)

        page.get_by_label("Unit", exact=True).select_option("northwind")
        expect(page).to_have_url(f"{live_server.url}/units/northwind/map/?period={PERIOD}")
        expect(page.locator(".strategy-map__svg a")).to_have_count(13)

        page.set_viewport_size({"width": 390, "height": 844})
        for url, shot in (
            (f"/units/northwind/map/?period={PERIOD}", "strategymap-phone"),
            (f"/units/machining/map/?period={PERIOD}", "strategymap-department-phone"),
            (f"/?period={PERIOD}", "home-phone"),
        ):
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} scrolls sideways on a phone ({width} px wide)"
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        browser.close()
