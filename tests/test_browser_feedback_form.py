"""In a real browser (Debian's chromium through Playwright), someone who has not signed in opens the public
feedback form by its own address, sends a suggestion and is thanked; any other address shows the sign-in."""

from __future__ import annotations

import os
import shutil

import pytest

from infodash.accounts import add_account
from infodash.db import Store
from tests.people import lead
from tests.streamlit_server import CHROMIUM, CHROMIUM_FLAGS, running_app, wait_for_app

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian chromium is not installed (CI installs it)")


def test_the_public_form_is_reached_by_its_address_without_signing_in_and_nothing_else_is(live_demo_template,
                                                                                         tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "own.duckdb"
    shutil.copy(live_demo_template, path)
    store = Store(path, busy_timeout_s=20)
    with store.writing() as db:  # a team's own database: no automatic demo sign-in
        db.execute("UPDATE settings SET value = 'own' WHERE key = 'data_source'")
    add_account(store, "ana.costa@example.org", "Ana Costa", "lead", "correct horse battery", lead("setup"))
    with running_app(path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1200})
        page.goto(url.rstrip("/") + "/feedback_form")
        wait_for_app(page)
        page.get_by_role("heading", name="Tell us what you think").wait_for(timeout=30_000)
        assert page.get_by_label("Password", exact=True).count() == 0
        page.get_by_text("Suggestion", exact=True).first.click()
        page.get_by_label("About").click()
        page.get_by_role("option", name="Something else").click()
        page.get_by_label("Your message").fill("Browser test: open the reading room at 8")
        page.get_by_role("button", name="Send").click()
        page.get_by_text("Thank you: your feedback has reached the team.").wait_for(timeout=30_000)
        for address in ("/weekly_review", "/feedback", "/customer_profile"):
            page.goto(url.rstrip("/") + address)
            wait_for_app(page)
            page.get_by_label("Password", exact=True).wait_for(timeout=30_000)  # the sign-in, nothing else
            assert page.get_by_role("heading", name="Tell us what you think").count() == 0
            # none shown (the empty, hidden ones that load their code while the person signs in hold nothing)
            assert page.get_by_test_id("stDataFrame").filter(visible=True).count() == 0
            assert page.get_by_test_id("stMetric").filter(visible=True).count() == 0
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT kind, category, source, customer_id FROM feedback_items WHERE description = ?",
                          ["Browser test: open the reading room at 8"]).fetchall() == [
            ("suggestion", "other", "public_form", None)]
