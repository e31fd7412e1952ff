"""Page speed as a person sees it: Debian's chromium opens each page of the app served over the large demo set
and waits until the script has finished and no skeleton is left.

    python benchmarks/bench_browser.py                      # benchmarks/large.duckdb (bench_pages.py builds it)
    python benchmarks/bench_browser.py --db FILE --runs 5 --page weekly_review

The app is opened once in a new browser (its code loaded, as on any visit after the first page): that opening is
timed on its own. Each page is then reached from the sidebar, as a person reaches it: its first visit comes right
after the app's caches are cleared (Streamlit's "Clear caches", so its data are read from the file again), later
visits are warm. Targets (2 cores): under 1 s cold, under 300 ms warm.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.streamlit_server import CHROMIUM, CHROMIUM_FLAGS, running_app  # noqa: E402

# url paths, as dashboard.py names its pages (the first page is the app's root)
PAGES = ["", "customer_groups", "sla_performance", "surveys", "usage_monitoring", "customer_profile", "scorecard",
         "self_service", "reports", "log_touchpoint", "requests", "survey_entry", "feedback", "organisation",
         "sla_setup", "survey_setup", "import_requests", "audit"]
PROFILE_CUSTOMER = 29477  # the customer whose profile is opened (bench_pages.py opens the same one)
LANDING = "audit"  # a light page to start from, so the page measured is reached as a person reaches it
# The page shows its own title, its script has finished and no skeleton is left.
SETTLED = """title => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']")
    && document.querySelector("h1")?.innerText.trim() === title"""
TITLES = {"": "Weekly review", "customer_groups": "Customer groups", "sla_performance": "Service levels",
          "surveys": "Surveys", "usage_monitoring": "Usage monitoring", "customer_profile": "Customer profile",
          "reports": "Reports", "log_touchpoint": "Log touchpoint", "requests": "Requests",
          "survey_entry": "Enter survey responses", "organisation": "Organisation", "sla_setup": "SLA setup",
          "scorecard": "Scorecard", "self_service": "Self-service opportunities", "feedback": "Feedback",
          "survey_setup": "Survey setup", "import_requests": "Import requests", "audit": "Audit log"}


def seconds_to_settle(page, open_page, path: str) -> float:
    """Wall time from asking for the page at ``path`` until it shows its title, its script has finished and no
    skeleton is left."""
    started = time.perf_counter()
    open_page()
    page.wait_for_function(SETTLED, arg=TITLES[path], timeout=120_000, polling=10)
    return time.perf_counter() - started


def _link(page, path: str):
    """The sidebar's link to the page at ``path``."""
    return page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first


def _clear_caches(page) -> None:
    """Streamlit's own "Clear caches" (the C key; the menu offers it in developer mode): every cached read and
    the database connection go, so the next page reads its data from the file again."""
    page.get_by_role("heading", level=1).click()  # the keys go to the page, not to a field
    page.keyboard.press("c")
    page.get_by_role("button", name="Clear caches").click()
    page.get_by_test_id("stClearCacheDialog").wait_for(state="detached")


def _profile_shown(page, email: str) -> float:
    """Find the customer by ``email`` and pick them on the Customer profile page, as a person does in a large
    organisation; seconds from the pick until their profile has settled (its summary cards drawn)."""
    search = page.get_by_label("Find customer", exact=True)
    search.fill(email)
    search.press("Enter")
    page.get_by_label("Customer", exact=True).click()
    option = page.get_by_role("option").filter(has_text=email)
    option.wait_for()
    started = time.perf_counter()
    option.click()
    page.wait_for_function(SETTLED + " && document.querySelectorAll(\"[data-testid='stMetric']\").length > 0",
                           arg=TITLES["customer_profile"], timeout=120_000, polling=10)
    return time.perf_counter() - started


def measure(page, path: str, runs: int, customer: str) -> tuple[float, float]:
    """(cold, median warm) seconds for the page at ``path``, reached from the sidebar as a person does: cold right
    after the caches are cleared, warm a later visit. The customer profile's cold time is from picking
    ``customer`` (an e-mail) on it: the page opens with only the picker; later visits show that customer again."""
    elsewhere = LANDING if path != LANDING else "organisation"
    seconds_to_settle(page, lambda: _link(page, elsewhere).click(), elsewhere)
    _clear_caches(page)
    if path == "customer_profile":
        seconds_to_settle(page, lambda: _link(page, path).click(), path)
        cold = _profile_shown(page, customer)
    else:
        cold = seconds_to_settle(page, lambda: _link(page, path).click(), path)
    warm = []
    for _ in range(runs):
        seconds_to_settle(page, lambda: _link(page, elsewhere).click(), elsewhere)
        warm.append(seconds_to_settle(page, lambda: _link(page, path).click(), path))
    return cold, statistics.median(warm)


def _customer_label(db: Path) -> str:
    """What a person types to find :data:`PROFILE_CUSTOMER`: their e-mail, which no one else has."""
    from infodash.db import Store

    with Store(db).reading() as connection:
        [(email,)] = connection.execute("SELECT email FROM customers WHERE customer_id = ?",
                                        [PROFILE_CUSTOMER]).fetchall()
    return email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "benchmarks" / "large.duckdb")
    parser.add_argument("--runs", type=int, default=3, help="warm reloads per page (the median is reported)")
    parser.add_argument("--page", action="append", choices=[path or "weekly_review" for path in PAGES],
                        help="only these pages (repeatable)")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: python benchmarks/bench_pages.py builds the large demo set there")
    from playwright.sync_api import sync_playwright

    customer = _customer_label(args.db)
    with running_app(args.db, "--client.toolbarMode", "developer") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        opened = seconds_to_settle(page, lambda: page.goto(url), "")
        print(f"opening the app in a new browser (its home page, the server just started): {opened:.3f} s")
        print(f"{'page':<20} {'cold s':>8} {'warm s':>8}")
        for path in [("" if name == "weekly_review" else name) for name in args.page] if args.page else PAGES:
            cold, warm = measure(page, path, args.runs, customer)
            flag = "" if cold < 1 and warm < 0.3 else "  over target"
            print(f"{path or 'weekly_review':<20} {cold:>8.3f} {warm:>8.3f}{flag}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
