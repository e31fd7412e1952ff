"""Start ``streamlit run dashboard.py`` on a free localhost port, for the browser test and the README screenshot."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# As root and offline: no sandbox, and no background connections that this machine's network refuses.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(db_path: Path, *options: str) -> Iterator[str]:
    """Serve the app over ``db_path``, with Streamlit's command-line ``options`` if any; yields its URL once
    ``/_stcore/health`` answers "ok"."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none", *options],
        cwd=ROOT, env={**os.environ, "INFODASH_DB": str(db_path)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {process.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the page's script (as Streamlit's own e2e tests do)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


def open_page_as(playwright, url: str, link: str, staff_name: str):
    """Chromium on the app's home page, then ``link`` in the sidebar, with "Your name" filled in, as a
    person would; returns (browser, page)."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("link", name=link).click()
    wait_for_app(page)
    page.get_by_label("Your name", exact=True).fill(staff_name)
    page.get_by_label("Your name", exact=True).press("Enter")
    wait_for_app(page)
    return browser, page
