"""Take the README's screenshot of the weekly review in a real browser (Debian chromium).

    python scripts/screenshot.py        # writes docs/weekly-review.png from fresh small demo data
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from infodash.db import Store  # noqa: E402
from infodash.demo import build_demo  # noqa: E402
from tests.streamlit_server import CHROMIUM, CHROMIUM_FLAGS, running_app, wait_for_app  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "demo.duckdb"
        build_demo(Store(database), "small")
        with running_app(database) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1500})
            page.goto(url)
            wait_for_app(page)
            page.wait_for_timeout(1500)  # let the Plotly charts finish drawing
            target = ROOT / "docs" / "weekly-review.png"
            target.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(target))
            browser.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
