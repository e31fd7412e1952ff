"""``python -m infodash import requests|survey|usage|customers FILE``: the import commands' options, and
running them: each checks its options, then every row, and says what it found; exit 65 for bad input."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TypeVar

from infodash.catalogue import customer_group_named
from infodash.customer_import import FIELDS as CUSTOMER_FIELDS
from infodash.customer_import import KIND as CUSTOMER_KIND
from infodash.customer_import import CustomerImportOptions, import_customers
from infodash.customer_import import suggest_columns as suggest_customer_columns
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.importers import (ImportReport, load_mapping, mapping_names, parse_pairs, read_table,
                                reading_problems, save_mapping)
from infodash.instruments import Instrument, load_instrument
from infodash.permissions import command_line
from infodash.request_import import KIND, PRESETS, RequestImportOptions, import_requests
from infodash.settings import organisation_time_zone
from infodash.survey_import import KIND as SURVEY_KIND
from infodash.survey_import import (WHO_TARGETS, SurveyImportOptions, find_wave, import_survey_responses,
                                    suggest_options, survey_targets, target_named)
from infodash.usage_import import FIELDS, FORMATS, UsageLoadOptions, UsageLoadReport, load_usage

EXIT_BAD_INPUT = 65  # sysexits EX_DATAERR


def _checked_import_options(parser: argparse.ArgumentParser, noun: str, mappings: bool) -> None:
    """The options every import shares: a dry run, who the rows are attributed to, saving the mapping."""
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    if mappings:
        parser.add_argument("--save-mapping", metavar="NAME", help="save these options for the next file")
    parser.add_argument("--author", default="import job", help=f"who the imported {noun} are attributed to")


def add_import_commands(commands: argparse._SubParsersAction) -> None:
    """The ``import`` command and its kinds, with their options."""
    importing = commands.add_parser("import", help="import a file").add_subparsers(dest="kind", required=True)
    requests = importing.add_parser("requests", help="requests from a service-desk export (CSV or Excel)")
    requests.add_argument("file", type=Path)
    requests.add_argument("--preset", choices=sorted(PRESETS), help="a desk's export format")
    requests.add_argument("--mapping", help="a column mapping saved earlier (in the app or with --save-mapping)")
    requests.add_argument("--service", type=int, help="service id of every request (default: the preset's or mapping's "
                                                      "service column; the ServiceNow preset creates a service per "
                                                      "category)")
    requests.add_argument("--create-customers-in-group", type=int, metavar="GROUP_ID",
                          help="create unknown customers in this group instead of refusing their rows")
    requests.add_argument("--time-zone", help="time zone of the file's wall-clock times")
    requests.add_argument("--date-format", help="strptime format of the file's times, e.g. '%%d/%%m/%%Y %%H:%%M' "
                                                "(default: the preset's or mapping's)")
    requests.add_argument("--encoding", help="the file's text encoding (default utf-8; cp1252 for older Excel)")
    _checked_import_options(requests, "requests", mappings=True)
    survey = importing.add_parser("survey", help="survey responses from a forms tool's export (CSV or Excel), "
                                                 "one row per respondent")
    survey.add_argument("file", type=Path)
    survey.add_argument("--wave", required=True, metavar="WAVE_ID_OR_NAME", help="the wave the responses belong to")
    survey.add_argument("--mapping", metavar="NAME",
                        help="a column mapping saved earlier (default: guessed from the file's headers)")
    survey.add_argument("--date-format", help="strptime format of the submission times, e.g. '%%d/%%m/%%Y %%H:%%M:%%S' "
                                              "(default ISO 8601)")
    survey.add_argument("--time-zone", help="time zone of the file's wall-clock times (default the organisation's)")
    survey.add_argument("--encoding", help="the file's text encoding (default utf-8; cp1252 for older Excel)")
    survey.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                        help="the file's COLUMN holds FIELD: nps, csat, comment, customer, group, respondent, "
                             "submitted_at, or an item's code and level, e.g. 'Q4 (agree)=q4 perception'")
    survey.add_argument("--missing", action="append", default=[], metavar="VALUE",
                        help="a value of an item, importance or CSAT column that means 'not answered', e.g. 0")
    _checked_import_options(survey, "responses", mappings=True)
    usage = importing.add_parser("usage", help="usage events: CSV or Parquet files (one row per event), or web-server "
                                               "access logs; only what is new since the last load is added")
    usage.add_argument("paths", nargs="+", type=Path, metavar="PATH_OR_GLOB",
                       help="files, or globs such as 'logs/access.log*' (quoted, InfoDash expands them)")
    usage.add_argument("--system", help="the system of every event (an access log's, e.g. Intranet); default: the "
                                        "file's system column")
    usage.add_argument("--create-system", action="store_true", help="create a system not known yet instead of refusing")
    usage.add_argument("--format", choices=FORMATS, default="auto", help="default: by the file's name and first lines")
    usage.add_argument("--skip-bad-rows", action="store_true",
                       help="load a file's good rows and report the rest (default: a file with a bad row is "
                            "not loaded)")
    usage.add_argument("--column", action="append", default=[], metavar="FIELD=COLUMN",
                       help=f"the file's column for a field ({', '.join(FIELDS)}) where it is named otherwise")
    usage.add_argument("--action", action="append", default=[], metavar="VALUE=ACTION",
                       help="translate a file's action value into an InfoDash action, e.g. open=view")
    usage.add_argument("--time-zone", help="time zone of times without a UTC offset (default the organisation's)")
    usage.add_argument("--time-format", help="strptime format of a file's times, e.g. '%%d/%%m/%%Y %%H:%%M' "
                                             "(default ISO 8601)")
    usage.add_argument("--encoding", default="utf-8", help="text encoding of CSV files and logs (default utf-8)")
    usage.add_argument("--keep-static-files", action="store_true",
                       help="access logs: load requests for style sheets, scripts, images and fonts too")
    usage.add_argument("--keep-bots", action="store_true",
                       help="access logs: load the requests of known bots, crawlers, feed readers and monitors too")
    _checked_import_options(usage, "events", mappings=False)
    directory = importing.add_parser("customers", help="the customer directory: an HR or directory export (CSV or "
                                                      "Excel), one row per person; updates, adds, marks leavers")
    directory.add_argument("file", type=Path)
    directory.add_argument("--mapping", metavar="NAME", help="a column mapping saved earlier (default: matched from "
                                                             "the file's headers)")
    directory.add_argument("--column", action="append", default=[], metavar="FIELD=COLUMN",
                           help=f"the file's column for a field ({', '.join(CUSTOMER_FIELDS)}), where the headers "
                                "do not say")
    directory.add_argument("--group", metavar="ID_OR_NAME", help="the customer group of everyone in a file without a "
                                                                 "group column")
    directory.add_argument("--create-groups", action="store_true",
                           help="create the customer groups the file names that do not exist yet (else refused)")
    directory.add_argument("--group-map", action="append", default=[], metavar="VALUE=GROUP",
                           help="put people whose group column says VALUE in the group named GROUP")
    directory.add_argument("--seniority", action="append", default=[], metavar="VALUE=LEVEL",
                           help="translate a grade into executive, senior, middle or staff, e.g. 'E1=executive'")
    directory.add_argument("--relationship", action="append", default=[], metavar="VALUE=KIND",
                           help="translate a value into customer, partner or both")
    directory.add_argument("--partial", action="store_true",
                           help="the file lists some people only (e.g. one department): nobody is marked as left")
    directory.add_argument("--encoding", help="the file's text encoding (default utf-8; cp1252 for older Excel)")
    directory.add_argument("--missing", metavar="VALUE", help="a cell holding this counts as empty, e.g. n/a")
    _checked_import_options(directory, "changes", mappings=True)


def run_import(store: Store, args: argparse.Namespace) -> int:
    """Run the import ``args.kind`` names; returns the exit code."""
    return {"requests": _import_requests, "survey": _import_survey, "usage": _import_usage,
            "customers": _import_customers}[args.kind](store, args)


MAX_ERRORS_SHOWN = 50
Options = TypeVar("Options")


def _saved_options(store: Store, kind: str, name: str, options_class: type[Options]) -> Options:
    """The options of the mapping saved as ``name`` for imports of ``kind``; a ValidationError naming --mapping."""
    saved = load_mapping(store, kind, name)
    if saved is None:
        known = mapping_names(store, kind)
        raise ValidationError({"mapping": f"No {kind} mapping is saved as {name!r}"
                                          + (f": the saved ones are {', '.join(map(repr, known))}." if known else ".")})
    return options_class.from_dict(saved)  # type: ignore[attr-defined]


def _import_requests(store: Store, args: argparse.Namespace) -> int:
    if args.mapping:
        options = _saved_options(store, KIND, args.mapping, RequestImportOptions)
    elif args.preset:
        options = PRESETS[args.preset]
    else:
        raise ValueError("choose the export's format: --preset NAME or --mapping NAME")
    overrides = {"service_id": args.service, "create_customers_in_group": args.create_customers_in_group,
                 "time_zone": args.time_zone, "date_format": args.date_format, "encoding": args.encoding}
    options = dataclasses.replace(options, **{key: value for key, value in overrides.items() if value is not None})
    if args.service is not None:  # every request is for this service, whatever a column of the file says
        options = dataclasses.replace(options, columns={name: column for name, column in options.columns.items()
                                                        if name != "service"})
    report = import_requests(store, args.file, options, command_line(args.author), dry_run=args.dry_run)
    return _finish_import(store, args, report, KIND, options.to_dict(), "requests")


def _import_survey(store: Store, args: argparse.Namespace) -> int:
    problems = reading_problems(args.encoding, args.date_format, args.time_zone)
    if problems:  # before the file is read to match its headers
        raise ValidationError(problems)
    wave = find_wave(store, args.wave)
    if args.mapping:
        options = _saved_options(store, SURVEY_KIND, args.mapping, SurveyImportOptions)
    else:
        instrument = load_instrument(store, wave.survey_id)
        file_columns = list(read_table(args.file, encoding=args.encoding or "utf-8").columns)
        options = suggest_options(instrument, file_columns, str(organisation_time_zone(store)))
        targets = survey_targets(instrument)
        print(f"matched {len(options.columns)} of the file's {len(file_columns)} columns "
              f"to {instrument.name!r} (use --mapping to choose them yourself):")
        for target, column in options.columns.items():
            how = f" (by {options.customer_key})" if target == "customer" else ""
            print(f"  {column!r} -> {targets[target]}{how}")
        ignored = [column for column in file_columns if column not in options.columns.values()]
        if ignored:
            print(f"  ignored: {', '.join(map(repr, ignored))}")
        unasked = [label for target, label in targets.items()
                   if target not in options.columns and target not in WHO_TARGETS]
        if unasked:
            print(f"  no column for: {', '.join(unasked)}")
    overrides = {"date_format": args.date_format, "time_zone": args.time_zone, "encoding": args.encoding}
    options = dataclasses.replace(options, **{key: value for key, value in overrides.items() if value is not None})
    options = dataclasses.replace(options, columns=_mapped(load_instrument(store, wave.survey_id), options.columns,
                                                           parse_pairs(args.map, "map")),
                                  unanswered=tuple(dict.fromkeys([*options.unanswered, *args.missing])))
    report = import_survey_responses(store, args.file, wave.wave_id, options, command_line(args.author),
                                     dry_run=args.dry_run)
    return _finish_import(store, args, report, SURVEY_KIND, options.to_dict(), "responses")


def _mapped(instrument: Instrument, columns: dict[str, str], maps: dict[str, str]) -> dict[str, str]:
    """``columns`` (target -> column) with each ``--map COLUMN=FIELD`` applied: the column now holds that field,
    and no other. Raises ValidationError naming a field the survey does not ask."""
    chosen = dict(columns)
    for column, field_name in maps.items():
        target = target_named(instrument, field_name)
        if target is None:
            raise ValidationError({"map": f"{field_name!r} is not a field of {instrument.name!r}: use nps, csat, "
                                          "comment, customer, group, respondent, submitted_at or an item's code and "
                                          "level, e.g. q4 perception"})
        chosen = {key: value for key, value in chosen.items() if value != column}
        chosen[target] = column
    return chosen


def _import_customers(store: Store, args: argparse.Namespace) -> int:
    if args.mapping:
        options = _saved_options(store, CUSTOMER_KIND, args.mapping, CustomerImportOptions)
    else:
        problems = reading_problems(args.encoding or "utf-8")
        if problems:  # before the file is read to match its headers
            raise ValidationError(problems)
        file_columns = list(read_table(args.file, encoding=args.encoding or "utf-8").columns)
        options = CustomerImportOptions(columns=suggest_customer_columns(file_columns))
    columns = {**options.columns, **parse_pairs(args.column, "columns")}
    options = dataclasses.replace(
        options, columns=columns, create_groups=options.create_groups or args.create_groups,
        partial=options.partial or args.partial,
        group_id=customer_group_named(store, args.group) if args.group else options.group_id,
        group_map={**options.group_map, **parse_pairs(args.group_map, "group_map")},
        seniority_map={**options.seniority_map, **parse_pairs(args.seniority, "seniority_map")},
        relationship_map={**options.relationship_map, **parse_pairs(args.relationship, "relationship_map")},
        **{key: value for key, value in (("encoding", args.encoding), ("missing_marker", args.missing)) if value})
    print("columns: " + ", ".join(f"{column!r} -> {field}" for field, column in options.columns.items()))
    report = import_customers(store, args.file, options, command_line(args.author), dry_run=args.dry_run)
    for change in report.changes:
        print(f"  {change}")
    return _finish_import(store, args, report, CUSTOMER_KIND, options.to_dict(), "customers", report.outcome())


def _finish_import(store: Store, args: argparse.Namespace, report: ImportReport, kind: str, options: dict,
                   noun: str, outcome: str | None = None) -> int:
    """Print an import's problems, notes and outcome (``outcome``, or how many ``noun`` were added); save the
    mapping when asked and the file was good."""
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        print(f"line {error.line}, column {error.column}: {error.reason}", file=sys.stderr)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        print(f"... and {len(report.errors) - MAX_ERRORS_SHOWN:,} more problems", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}")
    verdict = ("nothing written: fix the rows above and import the file again" if report.errors
               else f"checked, nothing written (dry run){f': would be {outcome}' if outcome else ''}" if args.dry_run
               else outcome or f"added {report.added:,} {noun}")
    before = "" if outcome else f", {report.already_imported:,} {noun} imported before"
    print(f"{args.file}: {report.rows_read:,} rows read{before}; {verdict}")
    if args.save_mapping and report.ok:
        save_mapping(store, kind, args.save_mapping, options, command_line(args.author))
        print(f"saved the mapping as {args.save_mapping!r}")
    return EXIT_BAD_INPUT if report.errors else 0


def _import_usage(store: Store, args: argparse.Namespace) -> int:
    options = UsageLoadOptions(
        format=args.format, system=args.system, create_systems=args.create_system, skip_bad_rows=args.skip_bad_rows,
        columns=parse_pairs(args.column, "--column"), action_map=parse_pairs(args.action, "--action"),
        time_zone=args.time_zone, time_format=args.time_format, encoding=args.encoding,
        skip_static_files=not args.keep_static_files, keep_bots=args.keep_bots)
    shown: set[str] = set()

    def progress(fraction: float, message: str) -> None:
        file_part, stage = message.split(": ", 1) if ": " in message else ("", "")
        if stage and file_part not in shown:  # one line a file, as it starts
            shown.add(file_part)
            print(f"[{fraction:4.0%}] {file_part}", file=sys.stderr)

    report = load_usage(store, args.paths, options, command_line(args.author), progress=progress,
                        dry_run=args.dry_run)
    _print_usage_report(report)
    return 0 if report.ok else EXIT_BAD_INPUT


def _print_usage_report(report: UsageLoadReport) -> None:
    """Each file's outcome, the rejected rows (on stderr), the unmapped logins and the totals."""
    for row in report.rejected_rows[:MAX_ERRORS_SHOWN]:
        print(f"{row.file} line {row.line}, {row.column}: {row.reason}", file=sys.stderr)
    if report.rejected > min(len(report.rejected_rows), MAX_ERRORS_SHOWN):
        print(f"... and {report.rejected - min(len(report.rejected_rows), MAX_ERRORS_SHOWN):,} more rejected rows",
              file=sys.stderr)
    for file in report.files:
        skipped = f" ({file.skipped_reasons()})" if file.skipped else ""
        counts = (f"{file.lines:,} new lines, {file.events:,} events, {file.rejected:,} rejected, "
                  f"{file.skipped:,} skipped{skipped}, {file.already_loaded:,} events loaded before")
        outcome = (f"not loaded: {file.problem}" if file.problem else "loaded" if file.loaded
                   else "nothing new" if not file.lines else "checked, nothing written (dry run)")
        print(f"{file.file}: {counts}; {outcome}")
    for note in report.notes:
        print(f"note: {note}")
    if report.unmapped_events:
        top = ", ".join(f"{login} ({events:,})" for login, events in report.unmapped_logins[:10])
        print(f"{report.unmapped_events:,} events have a login no customer has; the most frequent: {top}")
    systems = ", ".join(f"{name} {events:,}" for name, events in sorted(report.events_by_system.items()))
    events = f"{report.events_found:,} events to add" if report.dry_run else f"{report.events_added:,} events added"
    files = len(report.files)
    print(f"{files} file{'s' if files != 1 else ''}: {events}{f' ({systems})' if systems else ''}, "
          f"{report.already_loaded:,} loaded before, {report.rejected:,} rows rejected, in {report.seconds:.1f} s")
