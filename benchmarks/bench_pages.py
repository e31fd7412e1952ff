"""Page speed on the large demo set: full AppTest runs with caches cleared and warm, peak memory,
and the weekly-review figures computed in DuckDB against the usual load-into-pandas way.

    python benchmarks/bench_pages.py                 # builds benchmarks/large.duckdb on first use
    python benchmarks/bench_pages.py --db FILE --runs 7

Each page is measured in its own process so that its peak memory is its own.
Targets (2 cores): under 1 s cold, under 300 ms warm, for every page.
"""

from __future__ import annotations

import argparse
import warnings
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = {"Weekly review": "app_pages/weekly_review.py", "Service levels": "app_pages/sla_performance.py",
         "Surveys": "app_pages/surveys.py", "Log touchpoint": "app_pages/log_touchpoint.py", "Requests": "app_pages/requests.py",
         "Enter responses": "app_pages/survey_entry.py", "Import requests": "app_pages/import_requests.py",
         "Import responses": "app_pages/import_surveys.py", "Import usage": "app_pages/import_usage.py",
         "SLA setup": "app_pages/sla_setup.py", "Organisation": "app_pages/organisation.py",
         "Import customers": "app_pages/import_customers.py",
         "Survey setup": "app_pages/survey_setup.py", "Usage monitoring": "app_pages/usage_monitoring.py",
         "Usage: overview": "app_pages/usage_monitoring.py#Usage overview",
         "Customer groups": "app_pages/customer_groups.py",
         "Customer profile": "app_pages/customer_profile.py", "Scorecard": "app_pages/scorecard.py",
         "Self-service": "app_pages/self_service.py", "Reports": "app_pages/reports.py",
         "Reports: services": "app_pages/reports.py#Requests and service levels", "Reports: reach": "app_pages/reports.py#Reach",
         "Reports: surveys": "app_pages/reports.py#Satisfaction", "Reports: anomalies": "app_pages/reports.py#Anomalies actioned",
         "Reports: themes": "app_pages/reports.py#Comment themes",
         "Reports: initiatives": "app_pages/reports.py#Initiatives", "Reports: self-service": "app_pages/reports.py#Self-service",
         "Reports: you said, we did": "app_pages/reports.py#You said, we did",
         "Reports: what changed": "app_pages/reports.py#What changed", "Feedback": "app_pages/feedback.py",
         "(empty page)": "benchmarks/empty_page.py"}
# "page#tab": the page with that tab open (tabs read their data only while open)
TAB_KEYS = {"app_pages/reports.py": "pack_section", "app_pages/usage_monitoring.py": "usage_section"}
STAFF_NAME = "Ana Costa"  # a demo staff member, so the touchpoint page lists entries and follow-ups
# a busy customer of the large set (621 requests, 650 touchpoints, 2,610 usage events, 95 survey responses)
PROFILE_CUSTOMER = 29477


def ensure_database(path: Path) -> None:
    """Build the large demo set at ``path`` unless it is already there."""
    from infodash.db import Store
    from infodash.demo import build_demo

    if path.exists():
        return
    started = time.perf_counter()
    summary = build_demo(Store(path), "large")
    print(f"built large demo set in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{table} {count:,}" for table, count in summary.counts.items()))


def measure_page(page: str, runs: int) -> dict[str, float]:
    """Median seconds of a full page run, caches cleared and warm; peak RSS in MB of this process."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path, _, tab = page.partition("#")

    def run_once() -> float:
        app = AppTest.from_file(str(ROOT / path), default_timeout=120)
        if tab:
            app.session_state[TAB_KEYS[path]] = tab
        app.session_state["staff_name"] = STAFF_NAME
        app.session_state["profile_customer"] = PROFILE_CUSTOMER
        started = time.perf_counter()
        app.run()
        elapsed = time.perf_counter() - started
        if app.exception:
            raise RuntimeError(f"{page} failed: {app.exception[0].message}")
        return elapsed

    run_once()  # imports and first compile are not what a user waits for on a running server
    cold, warm = [], []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        cold.append(run_once())
        warm.append(run_once())
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "peak_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    # VmHWM belongs to this process image; getrusage's maxrss would include the parent's peak before exec
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def compare_with_pandas(path: Path, runs: int) -> tuple[float, float]:
    """Median seconds of the week's headline figures: the library's SQL, and loading tables into pandas."""
    import pandas as pd

    from infodash.db import Store
    from infodash.periods import last_complete_week
    from infodash.review import weekly_summary
    from infodash.settings import organisation_time_zone

    store = Store(path)
    time_zone = organisation_time_zone(store)
    week = last_complete_week(dt.datetime.now(time_zone).date())
    (start, end), (previous_start, _) = week.bounds(time_zone), week.previous().bounds(time_zone)

    def with_pandas() -> dict[str, float]:
        with store.reading() as db:
            requests = db.execute("SELECT customer_id, received_at, closed_at, status FROM requests").df()
            touchpoints = db.execute("SELECT customer_id, occurred_at, follow_up_on, follow_up_done_at "
                                     "FROM touchpoints").df()
            customers = db.execute("SELECT customer_id, active FROM customers").df()
        received = requests[(requests.received_at >= start) & (requests.received_at < end)]
        closed = requests[(requests.closed_at >= start) & (requests.closed_at < end)]
        resolved = closed[closed.status == "resolved"]
        in_week = touchpoints[(touchpoints.occurred_at >= start) & (touchpoints.occurred_at < end)]
        served = pd.concat([received.customer_id, in_week.customer_id]).unique()
        due = touchpoints[(touchpoints.follow_up_on >= pd.Timestamp(week.start))
                          & (touchpoints.follow_up_on < pd.Timestamp(week.end))]
        return {
            "received": len(received), "resolved": len(resolved),
            "open_at_end": int(((requests.received_at < end) & (requests.closed_at.isna()
                                                                | (requests.closed_at >= end))).sum()),
            "median_resolution_hours": (resolved.closed_at - resolved.received_at).dt.total_seconds().median() / 3600,
            "declined": int((closed.status == "declined").sum()), "touchpoints": len(in_week),
            "customers_served": len(served), "follow_ups_due": len(due),
            "reach_share": customers[customers.customer_id.isin(served)].active.sum() / customers.active.sum(),
            "previous_received": int(((requests.received_at >= previous_start)
                                      & (requests.received_at < start)).sum()),
        }

    sql_times, pandas_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        summary = weekly_summary(store, week, time_zone)
        sql_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        figures = with_pandas()
        pandas_times.append(time.perf_counter() - started)
    mismatches = {name: (figures[name], summary.current[name]) for name in (
        "received", "resolved", "open_at_end", "median_resolution_hours", "declined", "touchpoints",
        "customers_served", "reach_share", "follow_ups_due") if abs(figures[name] - summary.current[name]) > 1e-9}
    if figures["previous_received"] != summary.previous["received"]:
        mismatches["previous_received"] = (figures["previous_received"], summary.previous["received"])
    if mismatches:
        raise SystemExit(f"pandas and DuckDB disagree (pandas, duckdb): {mismatches}")
    return statistics.median(sql_times), statistics.median(pandas_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "benchmarks" / "large.duckdb")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", help=argparse.SUPPRESS)  # internal: measure one page in this process
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="The inplace keyword")  # raised inside duckdb's .df()
    os.environ["INFODASH_DB"] = str(args.db)
    if args.page:
        print(json.dumps(measure_page(args.page, args.runs)))
        return
    ensure_database(args.db)
    print(f"database {args.db} ({args.db.stat().st_size / 1e6:,.0f} MB), {os.cpu_count()} cores, "
          f"median of {args.runs} runs\n")
    print(f"{'page':<16}{'cold (s)':>10}{'warm (s)':>10}{'peak MB':>10}   target: cold < 1 s, warm < 0.3 s")
    for title, page in PAGES.items():
        output = subprocess.run([sys.executable, __file__, "--db", str(args.db), "--runs", str(args.runs),
                                 "--page", page], capture_output=True, text=True, check=True, cwd=ROOT).stdout
        result = json.loads(output.strip().splitlines()[-1])
        verdict = "ok" if result["cold"] < 1 and result["warm"] < 0.3 else "SLOW"
        print(f"{title:<16}{result['cold']:>10.3f}{result['warm']:>10.3f}{result['peak_mb']:>10.0f}   {verdict}")
    print("(empty page): AppTest's own cost per run (component scan, polling), which a running server does not pay")
    sql, pandas_way = compare_with_pandas(args.db, args.runs)
    print(f"\nweekly figures: DuckDB SQL {sql * 1000:.0f} ms, load into pandas and group {pandas_way * 1000:.0f} ms "
          f"(pandas takes {pandas_way / sql:.1f}x as long; both give the same numbers)")


if __name__ == "__main__":
    main()
