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
from tests.streamlit_server import CHROMIUM, open_page_as, running_app, wait_for_app

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
        browser, page = open_page_as(playwright, url, "Log touchpoint", "Browser Tester")
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


def test_a_desk_export_uploaded_in_the_browser_is_checked_then_imported(server):
    from playwright.sync_api import expect, sync_playwright

    url, store = server
    with sync_playwright() as playwright:
        browser, page = open_page_as(playwright, url, "Import requests", "Import Tester")
        page.locator("input[type=file]").set_input_files(str(Path(__file__).parent / "fixtures" / "servicenow_events.csv"))
        wait_for_app(page)
        choices = {"Unknown customers": "create in IT & data",
                   "Service of every request (when no column)": "IT support"}
        # A pick made while the upload's own rerun is still in flight can be overwritten by that rerun's
        # result, so pick until every box shows its choice after the page has settled.
        for _ in range(5):
            wrong = {label: choice for label, choice in choices.items()
                     if page.get_by_label(label, exact=True).input_value() != choice}
            if not wrong:
                break
            for label, choice in wrong.items():
                box = page.get_by_label(label, exact=True)
                box.click()
                box.fill(choice)
                page.keyboard.press("Enter")
                expect(box).to_have_value(choice, timeout=30_000)
            page.wait_for_timeout(1_000)
            wait_for_app(page)
        page.get_by_role("button", name="Check every row").click()
        page.get_by_text("All 300 rows are good").wait_for(timeout=30_000)
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text("Imported 49 requests").wait_for(timeout=30_000)
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT count(*), min(created_by), max(created_by) FROM requests "
                          "WHERE external_ref LIKE 'INC%'").fetchone() == (49, "Import Tester", "Import Tester")
