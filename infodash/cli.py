"""The command line: ``python -m infodash COMMAND``. Parses options, calls the library, reports.

Problems a person can fix (a busy database, bad input, a too-new file) are printed as one
clear message with a non-zero exit code, never as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from infodash.db import DEFAULT_BUSY_TIMEOUT_S, Store, StoreBusy, StoreError
from infodash.demo import SIZES, build_demo
from infodash.errors import ValidationError
from infodash.sla import evaluate_requests
from infodash.settings import mark_as_own_data, organisation_time_zone
from infodash.touchpoints import CHANNELS, KINDS, TouchpointDraft, log_touchpoint

EXIT_BAD_INPUT = 65  # sysexits EX_DATAERR
EXIT_BUSY = 75  # sysexits EX_TEMPFAIL: try again later


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infodash", description="InfoDash data tools.")
    parser.add_argument("--db", type=Path, help="database file (default: $INFODASH_DB or data/infodash.duckdb)")
    parser.add_argument("--wait", type=float,
                        help="seconds to wait while another process uses the database "
                             f"(default $INFODASH_BUSY_TIMEOUT or {DEFAULT_BUSY_TIMEOUT_S:.0f})")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create the database or upgrade it to the current schema")
    demo = commands.add_parser("demo", help="fill the database with generated demo data")
    demo.add_argument("--size", choices=sorted(SIZES), default="small")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--end-date", type=dt.date.fromisoformat, help="last day of the demo period (default today)")
    demo.add_argument("--replace", action="store_true", help="replace the data already in the database")
    sla = commands.add_parser("sla", help="judge every request against its service-level policies (nightly)")
    sla.add_argument("--force", action="store_true", help="re-judge even if nothing changed")
    touchpoint = commands.add_parser("touchpoint", help="log one touchpoint (for scripts and imports by hand)")
    touchpoint.add_argument("--customer", type=int, required=True, help="customer id")
    touchpoint.add_argument("--channel", choices=sorted(CHANNELS), required=True)
    touchpoint.add_argument("--kind", choices=sorted(KINDS), required=True)
    touchpoint.add_argument("--minutes", type=int, required=True)
    touchpoint.add_argument("--read", type=int, required=True, help="READ level 1-6")
    touchpoint.add_argument("--note", default="")
    touchpoint.add_argument("--follow-up", type=dt.date.fromisoformat)
    touchpoint.add_argument("--author", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = _parser().parse_args(argv)
    store = Store.from_env()
    if args.db:
        store = Store(args.db, store.busy_timeout_s)
    if args.wait is not None:
        store.busy_timeout_s = args.wait
    try:
        return _run(store, args)
    except StoreBusy as error:
        print(f"infodash: {error}", file=sys.stderr)
        return EXIT_BUSY
    except ValidationError as error:
        for field, message in error.errors.items():
            print(f"infodash: {field}: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (StoreError, ValueError) as error:
        print(f"infodash: {error}", file=sys.stderr)
        return 1


def _run(store: Store, args: argparse.Namespace) -> int:
    if args.command == "init":
        mark_as_own_data(store)
        print(f"{store.path}: schema version {store.schema_version()}")
    elif args.command == "demo":
        summary = build_demo(store, args.size, args.seed, args.end_date, replace=args.replace)
        counts = ", ".join(f"{table} {count:,}" for table, count in summary.counts.items())
        print(f"{store.path}: {summary.size} demo data: {counts}")
    elif args.command == "sla":
        summary = evaluate_requests(store, force=args.force)
        if summary.recomputed:
            print(f"judged {summary.requests:,} requests in {summary.seconds:.1f} s")
        else:
            print(f"nothing changed since the last evaluation ({summary.requests:,} requests)")
    elif args.command == "touchpoint":
        time_zone = organisation_time_zone(store)
        draft = TouchpointDraft(args.customer, args.channel, args.kind, args.minutes, args.read, args.note,
                                dt.datetime.now(time_zone), args.follow_up)
        saved = log_touchpoint(store, draft, args.author, time_zone)
        print(f"touchpoint {saved.touchpoint_id}" + (" (already saved)" if saved.duplicate else ""))
    return 0
