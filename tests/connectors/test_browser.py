"""A real Chromium on the Data sources and History pages, wide and at 390 px."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.connectors import services, worker
from fourfold.connectors.models import Connector
from fourfold.measures.models import KPI, Source
from fourfold.measures.services import ValueEntry, record_values
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

pytestmark = MARKS

QUERY = "SELECT code AS kpi, month AS period, amount AS value FROM kpi_values"


def prepare(tmp_path: Path) -> None:
    cards.load_small()
    User.objects.create_superuser("root", "root@example.com", "correct horse", first_name="Rita")
    source = tmp_path / "erp.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE kpi_values (code TEXT, month TEXT, amount REAL)")
        conn.executemany(
            "INSERT INTO kpi_values VALUES (?, ?, ?)",
            [("revenue", "2026-02", 650.0), ("revenue", "2026-03", 720.0)],
        )
    conn.close()
    erp = Connector.objects.create(
        name="erp-finance", url=f"sqlite:///{source}", query=QUERY, every="hourly"
    )
    services.save(erp, actor=None)
    services.run(erp)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "april.csv").write_text("kpi,period,actual\nrevenue,2026-04,x\nnope,2026-04,1\n")
    drop = Connector.objects.create(
        name="shared-drive", kind="folder", folder=str(inbox), every="minutes", minutes=15
    )
    services.save(drop, actor=None)
    services.run(drop)
    Connector.objects.create(
        name="warehouse", url="postgres://bi:${BI_PASSWORD}@dw/bi", query=QUERY
    )
    revenue = KPI.objects.get(code="revenue")
    ada = User.objects.create_user("ada", first_name="Ada", last_name="Lovelace")
    record_values(
        [ValueEntry(revenue.pk, "2026-03", 735)],
        actor=ada,
        source=Source.MANUAL,
        reason="credit note for March booked late",
    )


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def narrow(page: Page, url: str, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    shoot(page, f"{name}-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_data_sources_and_history_pages(live_server: LiveServer, tmp_path: Path) -> None:
    prepare(tmp_path)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/sources/")
        fill_sign_in(page, "root", "correct horse")
        expect(page.get_by_role("heading", level=1)).to_have_text("Data sources")
        expect(page.locator(".main-nav [aria-current=page]")).to_have_text("Data sources")
        expect(page.get_by_text("Succeeded")).to_be_visible()
        shoot(page, "sources")
        narrow(page, f"{live_server.url}/sources/", "sources")

        page.get_by_role("link", name="erp-finance").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("erp-finance")
        shoot(page, "source")
        narrow(page, page.url, "source")

        page.goto(f"{live_server.url}/sources/shared-drive/")
        page.locator("table a").first.click()
        expect(page.get_by_text("there is no KPI 'nope'")).to_be_visible()
        shoot(page, "source-run")
        narrow(page, page.url, "source-run")

        page.goto(f"{live_server.url}/sources/erp-finance/edit/")
        page.get_by_role("button", name="Test without saving").click()
        expect(page.locator("#preview")).to_contain_text("Nothing was written")
        expect(page.locator("#preview td").first).to_have_text("revenue")
        expect(page.get_by_label("Folder", exact=True)).to_be_hidden()
        shoot(page, "source-form")
        narrow(page, page.url, "source-form")

        page.goto(f"{live_server.url}/history/")
        expect(page.get_by_role("heading", level=1)).to_have_text("History")
        page.get_by_label("KPI code").fill("revenue")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"kpi=revenue"))
        expect(page.get_by_text("credit note for March booked late")).to_be_visible()
        shoot(page, "history")
        narrow(page, page.url, "history")
        browser.close()


def test_run_now_says_whether_a_worker_will_run_it(live_server: LiveServer, tmp_path: Path) -> None:
    prepare(tmp_path)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{live_server.url}/sources/erp-finance/")
        fill_sign_in(page, "root", "correct horse")
        banner = page.locator(".ds-worker")
        expect(banner).to_contain_text("No background worker is running")
        expect(banner.locator("code").first).to_have_text("fourfold worker")
        page.get_by_role("button", name="Run now").click()
        expect(page.get_by_role("status")).to_contain_text(
            "erp-finance is waiting for the background worker, which is not running"
        )
        expect(page.get_by_text("Waiting for the worker")).to_be_visible()
        for width in (1440, 1024, 390):
            page.set_viewport_size({"width": width, "height": 900})
            shoot(page, f"source-no-worker-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width

        # As a starting worker process does; off Playwright's event loop, as Django wants.
        beat = threading.Thread(target=worker.beat)
        beat.start()
        beat.join()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.reload()
        expect(banner).to_have_count(0)
        page.get_by_role("button", name="Run now").click()
        expect(page.get_by_role("status")).to_contain_text(
            "erp-finance will run in a moment, in the background worker"
        )
        browser.close()
