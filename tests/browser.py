"""A real Chromium for the browser tests: Debian's, launched the way that works on these
machines, with the marks every browser test carries and the sign-in form filled in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
# Without the background-networking flags Chromium keeps knocking on the closed network.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package"),
]


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; screenshots go to screenshots/ at the repository's top."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)


def fill_sign_in(page: Page, username: str, password: str) -> None:
    """Fill in the sign-in form of the page open in the browser and send it."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
