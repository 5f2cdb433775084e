"""A real Chromium walks the first impressions' fixes: a role given with least privilege first,
names set, a target changed in its row, the classic perspectives in one click, Home's
attention; each page photographed at 1440, 1024 and 390 px, none scrolling sideways."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.contrib.auth.models import User
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from fourfold.accounts.models import Role
from fourfold.intake.models import PendingValue
from fourfold.measures.models import KPI, Target
from fourfold.strategy.models import Unit
from tests.browser import MARKS, SCREENSHOTS, fill_sign_in, launch
from tests.web import cards

PASSWORD = "correct horse battery"
WIDTHS = (1440, 1024, 390)
LOOKED_AT = Path("/tmp/shots/helper-h5c")

pytestmark = MARKS


def shoot(page: Page, name: str, part: str = "") -> None:
    """The page at each width, and the `part` (a selector) alone; none may scroll sideways."""
    for width in WIDTHS:
        page.set_viewport_size(ViewportSize(width=width, height=900))
        paths = [SCREENSHOTS / f"first-{name}-{width}.png"]
        page.screenshot(path=str(paths[0]), full_page=True)
        if part:
            paths.append(SCREENSHOTS / f"first-{name}-{width}-part.png")
            page.locator(part).first.screenshot(path=str(paths[1]))
        if LOOKED_AT.parent.exists():
            LOOKED_AT.mkdir(exist_ok=True)
            for path in paths:
                shutil.copy(path, LOOKED_AT / path.name)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
    page.set_viewport_size(ViewportSize(width=1440, height=900))


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    fill_sign_in(page, username, PASSWORD)


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_first_impressions_of_people_targets_design_and_home(live_server: LiveServer) -> None:
    cards.load_small()
    acme = Unit.objects.get(code="acme")
    ada = User.objects.create_user("ada", "ada@acme.example", PASSWORD, first_name="Ada")
    Role.objects.create(user=ada, kind=Role.Kind.ADMIN)
    eve = User.objects.create_user("eve", "eve@acme.example", PASSWORD, first_name="Eve")
    Role.objects.create(user=eve, kind=Role.Kind.EDITOR, unit=acme)
    bob = User.objects.create_user("bob", "", PASSWORD)
    revenue = KPI.objects.get(code="revenue")
    KPI.objects.filter(pk=revenue.pk).update(owner=eve, contributor=bob)
    PendingValue.objects.create(kpi=revenue, period="2026-03", value=640, entered_by=bob)
    base = live_server.url

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=ViewportSize(width=1440, height=900))

        # An administrator: the role form starts at a viewer of a unit picked from the tree.
        sign_in(page, f"{base}/manage/users/{bob.pk}/", "ada")
        expect(page.get_by_role("radio", name=re.compile("^Viewer"))).to_be_checked()
        unit = page.get_by_label("Unit", exact=True)
        expect(unit).to_have_value("")
        options = unit.locator("option").all_inner_texts()
        assert options == [
            "— Choose a unit —",
            "The whole organization",
            "Acme Corp",
            "\u00a0\u00a0Sales department",
        ]
        page.get_by_label("First name").fill("Bob")
        page.get_by_label("Last name").fill("Marley")
        page.get_by_role("button", name="Save name and email").click()
        expect(page.locator(".flash")).to_contain_text("Bob Marley saved.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bob Marley")
        page.get_by_role("radio", name=re.compile("^Administrator")).check()
        page.get_by_label("Unit", exact=True).select_option("all")
        page.get_by_role("button", name="Give role").click()
        expect(page.locator("#id_confirm_error")).to_contain_text("Tick the box to confirm")
        expect(
            page.get_by_label(re.compile("Yes, make Bob Marley an administrator"))
        ).to_be_visible()
        shoot(page, "role-confirm")
        expect(page.locator(".role-list")).to_contain_text("No roles yet.")
        page.get_by_role("radio", name=re.compile("^Viewer")).check()
        page.get_by_label("Unit", exact=True).select_option("sales")
        page.get_by_role("button", name="Give role").click()
        expect(page.locator(".role-list")).to_contain_text("Viewer of Sales department")
        sign_out(page)

        # An editor on the KPI page: Edit, Targets, Enter values; a target changed in its row.
        sign_in(page, f"{base}/units/acme/kpis/revenue/?period=2026-02", "eve")
        links = page.locator(".edit-links a")
        expect(links).to_have_text(
            ["Edit Revenue", "Targets of Revenue", "Enter values of Revenue"]
        )
        expect(page.locator(".detail__owner")).to_contain_text("Owner: Eve")
        shoot(page, "kpi-links")
        page.goto(f"{base}/units/acme/objectives/grow/?period=2026-02")
        expect(page.locator(".edit-links a")).to_have_text(
            ["Edit Grow revenue", "Enter values of Grow revenue"]
        )
        shoot(page, "objective-links", ".detail__top")
        page.go_back()
        page.get_by_role("link", name="Targets of Revenue").click()
        row = page.locator("#target-2026-01")
        row.get_by_role("link", name="Change the target of 2026-01").click()
        expect(page.locator("#target-2026-01.is-editing")).to_be_visible()
        assert "edit=" not in page.url  # htmx swapped the row, the page stayed
        page.get_by_label("Target, 2026-01").fill("760")
        page.get_by_role("button", name="Save the target of 2026-01").click()
        expect(page.locator("#target-2026-01 .field__error")).to_contain_text("A reason is needed")
        shoot(page, "target-row-refused", ".targets-set")
        page.get_by_label("Reason for the change, 2026-01").fill("New price list")
        page.get_by_role("button", name="Save the target of 2026-01").click()
        expect(page.locator("#target-2026-01")).not_to_have_class(re.compile("is-editing"))
        expect(page.locator("#target-2026-01")).to_contain_text("760")
        expect(page.locator("#target-2026-01")).to_contain_text("New price list")
        expect(page.locator("#target-history")).to_contain_text("Earlier targets")
        expect(page.locator("#target-history tbody tr").first).to_contain_text("700")
        expect(page.locator(".targets-set tbody tr")).to_have_count(2)
        shoot(page, "target-row-saved", ".targets-set")

        # The KPI's form: each setting explained; Bob, who has no email, chosen by name.
        page.get_by_role("link", name="edit the KPI").click()
        expect(page.get_by_label("Data contributor")).to_have_value("bob")
        expect(page.locator("#people option[value='bob']")).to_have_text("Bob Marley")
        expect(page.locator("#id_direction_helptext")).to_contain_text("Increase: higher is better")
        shoot(page, "kpi-form")

        # The empty Sales scorecard starts with the four classic perspectives in one click.
        page.goto(f"{base}/units/sales/design/")
        shoot(page, "design-empty")
        page.get_by_role("button", name="Add the four classic perspectives").click()
        for name in ("Financial", "Customer", "Internal Process", "Learning & Growth"):
            expect(
                page.get_by_role("heading", name=re.compile(f"^{re.escape(name)}"))
            ).to_be_visible()
        shoot(page, "design-classic", "#design")

        # Home: the values overdue in any month and the value waiting for Eve's approval.
        page.goto(f"{base}/?period=2026-02")
        attention = page.locator(".home__attention")
        expect(attention).to_contain_text("Waiting for my approval 1")
        expect(attention).to_contain_text("from Bob Marley")
        expect(attention.locator("h3", has_text="My overdue values")).not_to_contain_text("0")
        shoot(page, "home-attention", ".home__attention")
        browser.close()
    assert Target.objects.get(kpi=revenue, period="2026-01").target == 760
    assert list(Role.objects.filter(user=bob).values_list("kind", "unit__code")) == [
        ("viewer", "sales")
    ]
