"""A real browser (Debian's chromium, driven by Playwright) logs a touchpoint through the page,
and the test finds it in the DuckDB file; it also renders the management pack's HTML report offline."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from infodash.accounts import add_account
from infodash.db import Store
from infodash.pack import ManagementPack, PackTexts, pack_content
from infodash.pack_html import render_html
from infodash.periods import parse_period
from tests.conftest import LONDON, at
from tests.people import lead
from tests.streamlit_server import CHROMIUM, CHROMIUM_FLAGS, open_page_as, running_app, wait_for_app

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
        page.locator(".st-key-tp_save button").dblclick()
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
        page.get_by_text("Every row is good: 49 requests to add on Import").wait_for(timeout=30_000)
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text("Imported 49 requests").wait_for(timeout=30_000)
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT count(*), min(created_by), max(created_by) FROM requests "
                          "WHERE external_ref LIKE 'INC%'").fetchone() == (49, "Import Tester", "Import Tester")


def test_an_anomaly_dismissed_in_the_browser_needs_a_reason_and_then_lands_in_the_database(server):
    from playwright.sync_api import expect, sync_playwright

    url, store = server
    with sync_playwright() as playwright:
        browser, page = open_page_as(playwright, url, "Usage monitoring", "Browser Reviewer")
        reason = page.get_by_label("Why dismiss it", exact=True).first  # the first open anomaly's form
        done = page.get_by_label("What was done", exact=True).first
        done.fill("Typed before changing my mind")
        dismiss = page.get_by_role("button", name="Dismiss", exact=True).first
        dismiss.click()
        page.get_by_text("Say why this is not worth acting on").wait_for(timeout=30_000)
        wait_for_app(page)
        expect(done).to_have_value("Typed before changing my mind")  # nothing typed is lost
        with store.reading() as db:
            assert db.execute("SELECT count(*) FROM anomaly_dismissals").fetchall() == [(0,)]
        reason.fill("Planned migration weekend")
        dismiss.click()
        page.get_by_text(re.compile(r"^Dismissed: ")).wait_for(timeout=30_000)
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT reason, dismissed_by FROM anomaly_dismissals").fetchall() == [
            ("Planned migration weekend", "Browser Reviewer")]


def test_a_bookmark_opened_first_after_the_server_starts_shows_the_page_in_the_apps_navigation(server):
    from playwright.sync_api import sync_playwright

    url, _ = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{url}/reports")  # the server's very first visit
        wait_for_app(page)
        page.get_by_role("heading", name="Reports").wait_for(timeout=30_000)
        navigation = page.locator("[data-testid='stSidebarNav']").inner_text()
        browser.close()
    assert "Import and set up" in navigation and "Weekly review" in navigation
    assert "dashboard" not in navigation  # not the file list of a pages directory


def test_a_pack_made_in_the_browser_keeps_the_texts_and_the_comment_chosen_and_downloads(server, tmp_path):
    from playwright.sync_api import sync_playwright
    from pptx import Presentation

    url, store = server
    with sync_playwright() as playwright:
        browser, page = open_page_as(playwright, url, "Reports", "Browser Lead")
        page.get_by_label("Achievements", exact=True).fill("Launched patent alerts")
        page.get_by_role("tab", name="Satisfaction").click()
        wait_for_app(page)
        page.get_by_role("combobox", name=re.compile("Comments to quote")).click()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        wait_for_app(page)
        page.get_by_role("tab", name="Reach").click()  # the choice outlives its tab
        wait_for_app(page)
        page.get_by_text("Comments to quote: 1 chosen").wait_for(timeout=30_000)
        page.get_by_role("button", name="Make the pack").click()
        page.get_by_text("Made pack #1").wait_for(timeout=60_000)
        wait_for_app(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="PowerPoint").click()
        deck_path = tmp_path / "pack.pptx"
        download.value.save_as(deck_path)
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT created_by, achievements, len(comment_ids) FROM management_packs").fetchall() == [
            ("Browser Lead", "Launched patent alerts", 1)]
    deck = Presentation(str(deck_path))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("Launched patent alerts" in text for text in texts)


def test_the_html_report_renders_offline_in_chromium_to_a_png(demo_store, tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    content = pack_content(demo_store, parse_period("2026-Q3"), LONDON, now=at("2026-11-23 12:00"))
    report = tmp_path / "pack.html"
    pack = ManagementPack(content, PackTexts("Launched the patent alert service"))
    report.write_text(render_html(pack), encoding="utf-8")
    png, pdf = tmp_path / "pack.png", tmp_path / "pack.pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(report.as_uri())
        page.screenshot(path=str(png), full_page=True)
        page.pdf(path=str(pdf), prefer_css_page_size=True)  # what "Print to PDF" makes of it
        svg_boxes = page.eval_on_selector_all("svg", "nodes => nodes.map(node => node.getBoundingClientRect().height)")
        browser.close()
    assert fetched == [report.as_uri()]  # the file itself and nothing else
    assert len(svg_boxes) == len(pack.charts()) == 8 and min(svg_boxes) > 100  # every chart drawn, none squashed
    with Image.open(png) as image:
        assert image.width == 1200 and image.height > 4_000
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50  # not a blank page
    assert png.stat().st_size > 100_000
    assert pdf.read_bytes().count(b"/Type /Page") >= 6  # a page per section, and more


def test_a_person_signs_in_and_their_touchpoint_is_recorded_under_their_account(live_demo_template, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "own.duckdb"
    shutil.copy(live_demo_template, path)
    store = Store(path, busy_timeout_s=20)
    with store.writing() as db:  # a team's own database: no automatic demo sign-in
        db.execute("UPDATE settings SET value = 'own' WHERE key = 'data_source'")
    add_account(store, "ben.okafor@example.org", "Ben Okafor", "staff", "correct horse battery", lead("setup"))
    note = "Browser test: signed in and logged"
    with running_app(path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(url)
        wait_for_app(page)
        page.get_by_label("E-mail", exact=True).fill("ben.okafor@example.org")
        page.get_by_label("Password", exact=True).fill("correct horse battery")
        page.get_by_label("Password", exact=True).press("Enter")
        page.get_by_text("Signed in as").wait_for(timeout=30_000)
        page.get_by_role("link", name="Log touchpoint").click()
        wait_for_app(page)
        assert page.get_by_label("Your name", exact=True).input_value() == "Ben Okafor"
        assert page.get_by_label("Your name", exact=True).is_disabled()
        customer = page.get_by_label("Customer", exact=True)
        customer.click()
        page.keyboard.press("Enter")
        page.get_by_label("Minutes", exact=True).fill("10")
        page.get_by_label("Note", exact=True).fill(note)
        page.locator(".st-key-tp_save button").click()
        page.get_by_text(re.compile(r"Saved touchpoint #")).wait_for(timeout=30_000)
        browser.close()
    with store.reading() as db:
        assert db.execute("SELECT created_by FROM touchpoints WHERE note = ?", [note]).fetchall() == [("Ben Okafor",)]
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in' AND actor = ?",
                          ["ben.okafor@example.org"]).fetchone()[0] == 1


def test_no_page_fetches_anything_from_outside_the_server_a_table_downloads_as_shown_and_a_phone_shows_two_cards_a_row(
        server, tmp_path):
    from urllib.parse import urlparse

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, store = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(url)
        wait_for_app(page)
        # no card's label, figure or words beside its change cut short with "..." (e.g. "Acknowledged in time" or
        # "short of expectations" on a card a fifth of 1400 px wide)
        page.get_by_test_id("stMetric").filter(visible=True).last.wait_for()
        cut_labels = ("() => [...document.querySelectorAll(\"[data-testid='stMetric'] "
                      "[data-testid='stMarkdownContainer'], [data-testid='stMetric'] "
                      "[data-testid='stCaptionContainer']\")].filter(box => box.offsetParent !== null"
                      " && box.scrollWidth > box.clientWidth).map(box => box.innerText)")
        try:
            page.wait_for_function(f"() => ({cut_labels})().length === 0", timeout=30_000)
        except PlaywrightTimeout:
            pass  # the assertion below names them
        labels_cut = page.evaluate(cut_labels)
        for link in ("Service levels", "Surveys", "Usage monitoring", "Log touchpoint"):
            page.get_by_role("link", name=link, exact=True).click()
            page.get_by_role("heading", name=link).first.wait_for(timeout=30_000)
            wait_for_app(page)
            if link == "Service levels":  # its breakdown's CSV: written on the click, headed as the table
                assert not page.get_by_role("button", name="Download CSV").count()  # the first tab has no table
                page.get_by_role("tab", name="Breakdown").click()  # a tab read and drawn once opened
                page.get_by_role("button", name="Download CSV").first.wait_for(timeout=30_000)
                wait_for_app(page)
                with page.expect_download() as download:
                    page.get_by_role("button", name="Download CSV").first.click()
                download.value.save_as(tmp_path / "breakdown.csv")
                wait_for_app(page)
        phone = browser.new_page(viewport={"width": 400, "height": 900})  # and on a phone, cards two per row
        phone.goto(url)
        phone.get_by_test_id("stMetric").filter(visible=True).nth(1).wait_for()
        wait_for_app(phone)
        # The layout settles after the script has finished (the narrow-screen rules come in an st.html element,
        # drawn once its code has loaded): wait for the cards to share a row, and fail if they never do.
        # (the cards shown: the hidden one that loads their code on the session's first run is left out)
        same_row = ("() => { const [a, b] = [...document.querySelectorAll(\"[data-testid='stMetric']\")]"
                    ".filter(card => card.offsetParent !== null).slice(0, 2)"
                    ".map(card => card.getBoundingClientRect()); return a.y === b.y && a.x < b.x; }")
        try:
            phone.wait_for_function(same_row, timeout=30_000)
        except PlaywrightTimeout:
            pass  # the assertion below says how they lie
        # Both boxes in one frame: charts still drawing above the cards move them between two separate reads.
        cards = phone.get_by_test_id("stMetric").evaluate_all(
            "cards => cards.filter(card => card.offsetParent !== null).slice(0, 2).map(card => {"
            " const box = card.getBoundingClientRect();"
            " return {x: box.x, y: box.y, width: box.width}; })")
        browser.close()
    assert labels_cut == []
    assert cards[0]["y"] == cards[1]["y"] and cards[0]["x"] < cards[1]["x"] and cards[1]["width"] > 120
    breakdown = pd.read_csv(tmp_path / "breakdown.csv")
    assert {"Service", "Requests", "Open, late", "Attainment (%)", "Promised (%)"} <= set(breakdown.columns)
    attainment = breakdown["Attainment (%)"].dropna()  # blank for a service without requests
    assert attainment.between(0, 100).all() and attainment.max() > 1
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'download'").fetchone()[0] == 1
    outside = {urlparse(address).netloc for address in fetched if urlparse(address).scheme in ("http", "https", "ws",
                                                                                               "wss")}
    assert outside == {urlparse(url).netloc}, outside  # an intranet without internet shows every page whole


def test_a_typical_touchpoint_takes_a_few_keystrokes_and_a_half_typed_one_survives_a_look_elsewhere(server):
    from playwright.sync_api import expect, sync_playwright

    url, store = server
    with store.reading() as db:
        customer_id, email = db.execute("SELECT customer_id, email FROM customers WHERE active "
                                        "ORDER BY customer_id DESC LIMIT 1").fetchone()
    note = "Sent the market sizing"
    with sync_playwright() as playwright:
        browser, page = open_page_as(playwright, url, "Log touchpoint", "Quick Typist")
        draft = page.get_by_label("Note", exact=True)
        draft.fill("Half typed when the phone rang")
        draft.blur()
        wait_for_app(page)
        page.get_by_role("link", name="Weekly review", exact=True).click()
        page.get_by_role("heading", name="Weekly review").wait_for(timeout=30_000)
        page.get_by_role("link", name="Log touchpoint", exact=True).click()
        wait_for_app(page)
        expect(page.get_by_label("Note", exact=True)).to_have_value("Half typed when the phone rang")
        draft = page.get_by_label("Note", exact=True)
        draft.fill("")
        draft.blur()
        wait_for_app(page)
        # a typical entry, by keyboard: who, minutes, what, then Ctrl+Enter (channel, kind, effort and time
        # keep their defaults)
        started = time.perf_counter()
        page.get_by_label("Customer", exact=True).click()
        page.keyboard.type(email)
        page.keyboard.press("Enter")
        page.get_by_label("Minutes", exact=True).click()
        page.keyboard.press("Control+A")
        page.keyboard.type("25")
        page.get_by_label("Note", exact=True).click()
        page.keyboard.type(note)
        page.keyboard.press("Tab")  # the note is the last field: one Tab reaches Save
        assert page.evaluate("document.activeElement.innerText").startswith("Save")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Control+Enter")
        page.get_by_text(re.compile(r"Saved touchpoint #")).wait_for(timeout=30_000)
        seconds = time.perf_counter() - started
        browser.close()
    keystrokes = len(email) + 1 + 1 + len("25") + len(note) + 1  # Enter, Ctrl+A, Ctrl+Enter (the Tabs checked aside)
    print(f"typical entry: {keystrokes} keystrokes, 3 clicks, {seconds:.1f} s in the browser")
    assert seconds < 15  # the promise to staff, with a machine's typing speed left aside
    with store.reading() as db:
        assert db.execute("SELECT customer_id, minutes, note FROM touchpoints WHERE created_by = 'Quick Typist'"
                          ).fetchall() == [(customer_id, 25, note)]
