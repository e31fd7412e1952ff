"""A real browser (Debian's chromium, driven by Playwright) logs a touchpoint through the page,
and the test finds it in the DuckDB file."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from infodash.db import Store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="Debian chromium is not installed (CI installs it)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(live_demo_template: Path, tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """``streamlit run dashboard.py`` on a free localhost port over a copy of the demo database."""
    path = tmp_path / "browser.duckdb"
    shutil.copy(live_demo_template, path)
    port = _free_port()
    env = {**os.environ, "INFODASH_DB": str(path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
        yield url, Store(path, busy_timeout_s=20)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


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
        _wait_for_app(page)
        page.get_by_role("link", name="Log touchpoint").click()
        _wait_for_app(page)
        page.get_by_label("Your name", exact=True).fill("Browser Tester")
        page.get_by_label("Your name", exact=True).press("Enter")
        _wait_for_app(page)
        customer = page.get_by_label("Customer", exact=True)
        customer.click()
        customer.fill(email)
        page.keyboard.press("Enter")
        page.get_by_label("Minutes", exact=True).fill("25")
        page.get_by_label("Note", exact=True).fill(note)
        page.get_by_role("button", name="Save", exact=True).dblclick()
        # the second click of the double-click may be answered with "Already saved as touchpoint #..."
        page.get_by_text(re.compile(r"(Saved|Already saved as) touchpoint #")).wait_for(timeout=30_000)
        _wait_for_app(page)
        page.get_by_text(note).first.wait_for(timeout=30_000)  # listed under "My recent entries"
        browser.close()
    with store.reading() as db:
        rows = db.execute("SELECT customer_id, minutes, created_by FROM touchpoints WHERE note = ?", [note]).fetchall()
    assert rows == [(customer_id, 25, "Browser Tester")]
