"""The command line: ``python -m infodash COMMAND``. Parses options, calls the library, reports.
The import commands are in :mod:`infodash.cli_imports`, the survey set-up in :mod:`infodash.cli_surveys`,
the accounts in :mod:`infodash.cli_users`.

Problems a person can fix (a busy database, bad input, a too-new file) are printed as one
clear message with a non-zero exit code, never as a traceback; a refused field is named by the
option that sets it (:data:`OPTION_OF_FIELD`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from infodash import retention
from infodash.catalogue import customer_group_options, service_options
from infodash.cli_imports import EXIT_BAD_INPUT, add_import_commands, run_import
from infodash.cli_surveys import add_survey_commands, run_survey
from infodash.cli_users import add_user_commands, run_users
from infodash.db import DEFAULT_BUSY_TIMEOUT_S, Store, StoreBusy, StoreError
from infodash.demo import SIZES, build_demo
from infodash.detection import run_detection
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.formatting import count_of
from infodash.importers import ImportFileError
from infodash.pack import PackTexts
from infodash.periods import PERIOD_KEY_HELP, parse_period
from infodash.permissions import command_line
from infodash.reports import PACK_FORMATS, generate_pack, saved_pack_file
from infodash.set_aside import SET_ASIDE_NOUNS, set_aside_counts
from infodash.settings import mark_as_own_data, organisation_time_zone, reporting_year_start_month
from infodash.sla import evaluate_requests, unjudgeable_requests
from infodash.touchpoints import CHANNELS, KINDS, TouchpointDraft, log_touchpoint

EXIT_BUSY = 75  # sysexits EX_TEMPFAIL: try again later
COMMAND_LINE = command_line("command line")
# The option that sets each field the library checks, so that a refusal names what to change on the command line.
OPTION_OF_FIELD = {"author": "--author", "encoding": "--encoding", "date_format": "--date-format",
                   "time_format": "--time-format", "time_zone": "--time-zone", "service_id": "--service",
                   "create_customers_in_group": "--create-customers-in-group", "system": "--system",
                   "columns": "--column", "action_map": "--action", "format": "--format", "customer_id": "--customer",
                   "channel": "--channel", "kind": "--kind", "minutes": "--minutes", "read_level": "--read",
                   "note": "--note", "follow_up_on": "--follow-up", "group_id": "--group", "group_map": "--group-map",
                   "seniority_map": "--seniority", "relationship_map": "--relationship", "map": "--map",
                   "scale": "--scale", "items": "the items file", "codes": "the items file", "invited": "--invited",
                   "survey": "--survey", "name": "--name", "opened_on": "--opens", "closed_on": "--closes",
                   "style": "--style", "mapping": "--mapping", "email": "EMAIL", "role": "--role",
                   "password": "password", "usage_months": "--usage-months", "notes_months": "--notes-months"}


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
    detect = commands.add_parser("detect", help="look for usage anomalies in the events loaded since the last run "
                                 "(nightly) and store what is new")
    detect.add_argument("--full", action="store_true", help="judge all history again, not just what is new")
    add_import_commands(commands)
    add_survey_commands(commands)
    add_user_commands(commands)
    retention = commands.add_parser("retention", help="remove usage events and notes older than the retention "
                                                      "periods (nightly); --dry-run says what would go")
    retention.add_argument("--usage-months", type=int, metavar="N", help="keep usage events N months (stored)")
    retention.add_argument("--notes-months", type=int, metavar="N", help="keep notes N months (stored)")
    retention.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")
    report = commands.add_parser("report", help="make the management pack for a period (e.g. for a scheduled "
                                               "e-mail) and keep it with the packs made in the app")
    report.add_argument("--period", required=True, help=f"the period: {PERIOD_KEY_HELP}")
    report.add_argument("--format", choices=list(PACK_FORMATS), default="pptx",
                        help="pptx (PowerPoint), html (one self-contained file), xlsx or csv (the tables, zipped)")
    report.add_argument("--out", type=Path, required=True, help="the file to write")
    report.add_argument("--group", type=int, nargs="+", action="extend", default=[], metavar="ID",
                        help="only these customer groups (default all)")
    report.add_argument("--service", type=int, nargs="+", action="extend", default=[], metavar="ID",
                        help="only these services (default all)")
    report.add_argument("--achievements", type=Path, metavar="FILE", help="a text file of achievements, one a line")
    report.add_argument("--plans", type=Path, metavar="FILE", help="a text file of plans, one a line")
    report.add_argument("--comment", type=int, nargs="+", action="extend", default=[], metavar="RESPONSE_ID",
                        help="survey comments to quote (response ids, from the latest wave by the period's end)")
    report.add_argument("--author", default="report job", help="who the pack is attributed to")
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
            print(f"infodash: {OPTION_OF_FIELD.get(field, field)}: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ImportFileError as error:
        print(f"infodash: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (StoreError, ValueError, OSError) as error:
        print(f"infodash: {error}", file=sys.stderr)
        return 1


def _run(store: Store, args: argparse.Namespace) -> int:
    if args.command == "init":
        mark_as_own_data(store)
        print(f"{store.path}: schema version {store.schema_version()}")
        for table, count in set_aside_counts(store).items():
            print(f"note: {count_of(count, SET_ASIDE_NOUNS[table])} set aside for a time before 1990 or more than a "
                  "day ahead (listed on the import pages)")
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
        unjudgeable = unjudgeable_requests(store)
        if unjudgeable:
            shown = ", ".join(map(str, unjudgeable[:10])) + (" ..." if len(unjudgeable) > 10 else "")
            print(f"note: {count_of(len(unjudgeable), 'request')} not judged: a time of theirs is before 1990 or "
                  f"more than a day ahead (request ids {shown})")
    elif args.command == "detect":
        report = run_detection(store, full=args.full)
        found = ", ".join(f"{name} {count}" for name, count in report.found.items())
        print(f"judged usage up to {report.until:%Y-%m-%d %H:%M} UTC in {sum(report.seconds.values()):.1f} s; "
              f"found {found}; {report.added} new to review")
        if report.too_little_history:
            print(f"note: little or nothing can be found yet: {report.too_little_history}")
    elif args.command == "import":
        return run_import(store, args)
    elif args.command == "report":
        return _report(store, args)
    elif args.command == "survey":
        return run_survey(store, args)
    elif args.command == "users":
        return run_users(store, args)
    elif args.command == "retention":
        if args.usage_months is not None or args.notes_months is not None:
            retention.set_periods(store, args.usage_months, args.notes_months, COMMAND_LINE)
        done = retention.plan(store) if args.dry_run else retention.apply(store, COMMAND_LINE)
        for line in done.in_words(done=not args.dry_run):
            print(line)
    elif args.command == "touchpoint":
        time_zone = organisation_time_zone(store)
        draft = TouchpointDraft(args.customer, args.channel, args.kind, args.minutes, args.read, args.note,
                                dt.datetime.now(time_zone), args.follow_up)
        saved = log_touchpoint(store, draft, command_line(args.author), time_zone)
        print(f"touchpoint {saved.touchpoint_id}" + (" (already saved)" if saved.duplicate else ""))
    return 0


def _report(store: Store, args: argparse.Namespace) -> int:
    try:
        today = dt.datetime.now(organisation_time_zone(store)).date()
        period = parse_period(args.period, reporting_year_start_month(store), today)
    except ValueError as error:
        raise ValidationError({"--period": str(error)}) from None
    known_groups, known_services = dict(customer_group_options(store)), dict(service_options(store))
    unknown = {"--group": [group for group in args.group if group not in known_groups],
               "--service": [service for service in args.service if service not in known_services]}
    if any(unknown.values()):
        raise ValidationError({option: f"no such id: {', '.join(map(str, ids))}"
                               for option, ids in unknown.items() if ids})
    texts = PackTexts(args.achievements.read_text(encoding="utf-8") if args.achievements else "",
                      args.plans.read_text(encoding="utf-8") if args.plans else "", tuple(args.comment))
    evaluate_requests(store)  # service levels as of now, as the app shows them
    pack_id = generate_pack(store, period, organisation_time_zone(store),
                            Filters(tuple(sorted(set(args.group))), tuple(sorted(set(args.service)))), texts,
                            command_line(args.author), (args.format,))
    saved = saved_pack_file(store, pack_id, args.format)
    args.out.write_bytes(saved.content)
    print(f"{args.out}: {period.label()}, {len(saved.content):,} bytes; kept as pack {pack_id}")
    return 0


