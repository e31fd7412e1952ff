"""A real browser (Debian's chromium, driven by Playwright) logs a touchpoint through the page,
and the test finds it in the DuckDB file."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from infodash.db import Store
from tests.streamlit_server import CHROMIUM, CHROMIUM_FLAGS, running_app, wait_for_app

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian chromium is not installed (CI installs it)")


@pytest.fixture
def server(live_demo_template: Path, tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The app served over a copy of the demo database."""
    path = tmp_path / "browser.duckdb"
    shutil.copy(live_demo_template, path)
    with running_app(path) as url:
        yield url, Store(path, busy_timeout_s=20)


def test_a_touchpoint_logged_in_the_browser_lands_in_the_database_once(server):
    from playwright.sync_api import sync_playwright

    url, store = server
    with store.reading() as db:
        customer_id, email = db.execute("SELECT customer_id, email FROM customers WHERE active "
                                        "ORDER BY customer_id LIMIT 1").fetchone()
    note = "Browser test: walked through the patent landscape"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)  # the weekly review, then the sidebar link, as a person would
        wait_for_app(page)
        page.get_by_role("link", name="Log touchpoint").click()
        wait_for_app(page)
        page.get_by_label("Your name", exact=True).fill("Browser Tester")
        page.get_by_label("Your name", exact=True).press("Enter")
        wait_for_app(page)
        customer = page.get_by_label("Customer", exact=True)
        customer.click()
        customer.fill(email)
        page.keyboard.press("Enter")
        page.get_by_label("Minutes", exact=True).fill("25")
        page.get_by_label("Note", exact=True).fill(note)
        page.get_by_role("button", name="Save", exact=True).dblclick()
        # the second click of the double-click may be answered with "Already saved as touchpoint #..."
        page.get_by_text(re.compile(r"(Saved|Already saved as) touchpoint #")).wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_text(note).first.wait_for(timeout=30_000)  # listed under "My recent entries"
        browser.close()
    with store.reading() as db:
        rows = db.execute("SELECT customer_id, minutes, created_by FROM touchpoints WHERE note = ?", [note]).fetchall()
    assert rows == [(customer_id, 25, "Browser Tester")]
