"""Import timings at a real team's scale, on 2 cores: a service desk's event log of 120,000 rows (the shared
ServiceNow sample repeated with fresh incident numbers and callers) loaded with the preset alone into an empty
database, then the same desk's export of mid-March grown to the whole one; and a 1,000,000-line access log with browsers,
bots and junk.

    python benchmarks/bench_imports.py           # prints one line per measurement (median of --runs)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infodash.db import Store  # noqa: E402
from infodash.permissions import command_line  # noqa: E402
from infodash.request_import import SERVICENOW, import_requests  # noqa: E402
from infodash.settings import mark_as_own_data  # noqa: E402
from infodash.usage_import import UsageLoadOptions, load_usage  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "data" / "servicenow" / "incident_event_log_sample.csv"
EVENT_ROWS = 120_000
LOG_LINES = 1_000_000
BENCH = command_line("bench")
AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Feedly/1.0", "curl/8.0.1")


def event_logs(whole: Path, earlier: Path, rows: int, until: dt.datetime) -> tuple[int, int]:
    """The sample repeated (copy n: incident numbers and callers offset by n) to ``rows`` rows in ``whole``, and
    the same desk's export as it stood on ``until`` (the updates made by then) in ``earlier``; returns the rows of
    each."""
    with SAMPLE.open(encoding="utf-8", newline="") as source:
        sample = list(csv.DictReader(source))
    copies = [{**row, "number": f"{row['number']}-{copy}",
               "caller_id": row["caller_id"] if row["caller_id"] == "?" else f"{row['caller_id']}-{copy % 50}"}
              for copy in range(rows // len(sample) + 1) for row in sample][:rows]
    early = [row for row in copies if dt.datetime.strptime(row["sys_updated_at"], "%d/%m/%Y %H:%M") <= until]
    for path, kept in ((whole, copies), (earlier, early)):
        with path.open("w", encoding="utf-8", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=list(sample[0]))
            writer.writeheader()
            writer.writerows(kept)
    return len(copies), len(early)


def access_log(path: Path, lines: int) -> None:
    """An intranet's log: people reading and searching, bots, a failed request now and then, junk 1 in 10,000."""
    start = dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)
    with path.open("w", encoding="utf-8") as log:
        for number in range(lines):
            if number % 10_000 == 9_999:
                log.write("garbage the server wrote\n")
                continue
            moment = start + dt.timedelta(seconds=number // 2)
            status = 404 if number % 97 == 0 else 200
            log.write(f'10.0.{number % 250}.{number % 7} - user{number % 3000} [{moment:%d/%b/%Y:%H:%M:%S %z}] '
                      f'"GET /page/{number % 800}?q=x{number % 11} HTTP/1.1" {status} 2048 "-" '
                      f'"{AGENTS[number % len(AGENTS)]}"\n')


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="infodash-bench-") as folder:
        folder = Path(folder)
        month, grown = folder / "desk-march.csv", folder / "desk-april.csv"
        rows_grown, rows_month = event_logs(grown, month, EVENT_ROWS, until=dt.datetime(2016, 3, 15, 23, 59))
        log = folder / "intranet.log"
        access_log(log, LOG_LINES)
        first, again, load = [], [], []
        for run in range(args.runs):
            store = Store(folder / f"own-{run}.duckdb")
            mark_as_own_data(store)
            first.append(timed(lambda: import_requests(store, grown, SERVICENOW, BENCH)))
            store_grown = Store(folder / f"grown-{run}.duckdb")
            mark_as_own_data(store_grown)
            import_requests(store_grown, month, SERVICENOW, BENCH)
            again.append(timed(lambda: import_requests(store_grown, grown, SERVICENOW, BENCH)))
            load.append(timed(lambda: load_usage(store, log, UsageLoadOptions(system="Intranet"), BENCH)))
        report = import_requests(store_grown, grown, SERVICENOW, BENCH, dry_run=True)
        print(f"event log, {rows_grown:,} rows, preset alone into an empty database: "
              f"{statistics.median(first):.1f} s (median of {args.runs})")
        print(f"the same desk's export grown from {rows_month:,} rows (imported before) to {rows_grown:,}: "
              f"{statistics.median(again):.1f} s; checked once more: {report.already_imported:,} requests imported "
              f"before, {report.updated:,} to change")
        print(f"access log, {LOG_LINES:,} lines (bots, failures, junk): {statistics.median(load):.1f} s")


if __name__ == "__main__":
    main()
