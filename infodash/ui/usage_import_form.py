"""The pieces of the usage import page: which system the files are of, how a file differs from the standard
layout (column names, action values, times, encoding), loading uploads through
:func:`infodash.usage_import.load_usage` under a progress bar, and showing what the load found."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import available_timezones

import streamlit as st

from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.importers import parse_pairs
from infodash.permissions import Account
from infodash.usage_import import (ACTIONS, FIELDS, UsageLoadOptions, UsageLoadReport, load_usage,
                                   option_problems)
from infodash.ui.import_form import Upload, field_problem
from infodash.ui.tables import download_button
from infodash.ui.text import escape_markdown

FROM_FILE = "(the file's system column)"
NEW_SYSTEM = "(a new system)"


def system_choice(systems: Sequence[str], key: str) -> tuple[str | None, bool]:
    """A box for the system every event belongs to (or the file's own column), with a name box for a new one.
    Returns the system's name (None: from the file) and whether the load may create it."""
    chosen = st.selectbox("System", [FROM_FILE, *systems, NEW_SYSTEM], key=f"{key}_system",
                          help="An access log is the usage of one system. A CSV or Parquet file may name each "
                               "event's system in a column called system.")
    if chosen == NEW_SYSTEM:
        name = st.text_input("Name of the new system", key=f"{key}_new_system", placeholder="e.g. Staff wiki").strip()
        return name or None, True
    return (None if chosen == FROM_FILE else chosen), False


ENCODINGS = ("utf-8", "latin-1", "cp1252", "utf-16")


@dataclass(frozen=True)
class FileLayout:
    """How the files differ from the standard layout, as chosen on the page."""

    columns: dict[str, str]
    action_map: dict[str, str]
    time_zone: str
    time_format: str | None
    encoding: str
    skip_static_files: bool
    keep_bots: bool
    problems: dict[str, str]  # by field, shown next to it; the files are not checked while there are any


def file_layout(key: str, default_time_zone: str) -> FileLayout:
    """An expander with the file's column for each field, translations of its action values, the time zone
    and format of its times, its encoding and whether to keep an access log's static files; what is wrong
    with them is said under each field as soon as it is typed."""
    state = st.session_state
    columns = {field: (state.get(f"{key}_column_{field}") or "").strip() for field in FIELDS}
    columns = {field: column for field, column in columns.items() if column and column != field}
    problems: dict[str, str] = {}
    try:
        action_map = parse_pairs((state.get(f"{key}_actions") or "").splitlines(), "action_map")
    except ValidationError as error:
        action_map, problems = {}, dict(error.errors)
    layout = FileLayout(columns, action_map, state.get(f"{key}_time_zone") or default_time_zone,
                        (state.get(f"{key}_time_format") or "").strip() or None,
                        state.get(f"{key}_encoding") or ENCODINGS[0], not state.get(f"{key}_keep_static"),
                        bool(state.get(f"{key}_keep_bots")), {})
    problems = {**option_problems(UsageLoadOptions(columns=layout.columns, action_map=layout.action_map,
                                                   time_zone=layout.time_zone, time_format=layout.time_format,
                                                   encoding=layout.encoding)),
                **problems}
    changed = bool(columns or action_map or layout.time_format or layout.encoding != ENCODINGS[0]
                   or not layout.skip_static_files or layout.keep_bots or layout.time_zone != default_time_zone)
    with st.expander("File layout: column names, action values, times", expanded=changed or bool(problems)):
        st.caption("Only where a file differs from the standard layout: leave a box empty when the file's column "
                   "has the field's own name.")
        for row in (FIELDS[:4], FIELDS[4:]):
            for column, field in zip(st.columns(4), row):
                column.text_input(f"Column for {field}", key=f"{key}_column_{field}", placeholder=field,
                                  max_chars=200)
        field_problem(problems.get("columns"))
        st.text_area("Actions in the file, translated", key=f"{key}_actions", height=90,
                     placeholder="One per line, e.g. PAGE_VIEW=view", max_chars=4_000,
                     help=f"The file's value = one of {', '.join(ACTIONS)}. Values already among these need no line.")
        field_problem(problems.get("action_map"))
        zone_col, format_col, encoding_col = st.columns(3)
        zones = sorted(available_timezones())
        zone_col.selectbox("Time zone of times without an offset", zones, key=f"{key}_time_zone",
                           index=zones.index(default_time_zone) if default_time_zone in zones else 0)
        with zone_col:
            field_problem(problems.get("time_zone"))
        format_col.text_input("Format of the times", key=f"{key}_time_format", placeholder="ISO 8601",
                              help="Only for times that are not ISO 8601, e.g. %d/%m/%Y %H:%M (Python's strptime).")
        with format_col:
            field_problem(problems.get("time_format"))
        encoding_col.selectbox("Text encoding", ENCODINGS, key=f"{key}_encoding", accept_new_options=True,
                               help="Or type any encoding Python knows, e.g. cp1250 or mac_roman.")
        with encoding_col:
            field_problem(problems.get("encoding"))
        st.checkbox("Keep an access log's requests for style sheets, scripts, images and fonts",
                    key=f"{key}_keep_static",
                    help="They are skipped by default: they say little about what people use.")
        st.checkbox("Keep the requests of known bots, crawlers, feed readers and monitors", key=f"{key}_keep_bots",
                    help="They are skipped by default (a maintained list of user agents): they are not people "
                         "using the system.")
    return replace(layout, problems=problems)


def load_uploads(store: Store, uploads: Sequence[Upload], options: UsageLoadOptions, actor: Account,
                 dry_run: bool) -> UsageLoadReport:
    """Write each upload to a temporary folder under its own name (a source's name is part of its identity)
    and load them all, drawing a progress bar. Raises what :func:`load_usage` raises."""
    bar = st.progress(0.0, "Starting")
    with tempfile.TemporaryDirectory(prefix="infodash-usage-") as folder:
        paths = []
        for number, upload in enumerate(uploads):
            path = Path(folder) / str(number) / Path(upload.name).name
            path.parent.mkdir()
            path.write_bytes(upload.getvalue())
            paths.append(path)
        report = load_usage(store, paths, options, actor, progress=lambda fraction, message: bar.progress(
            min(fraction, 1.0), message), dry_run=dry_run)
    bar.empty()
    return report


def show_usage_report(report: UsageLoadReport, key: str) -> None:
    """What a load found: the verdict, each file, the rejected rows (with a CSV of them), the unmapped logins."""
    for note in report.notes:
        st.info(escape_markdown(note))
    refused = [file for file in report.files if file.problem]
    for file in refused:
        st.error(escape_markdown(file.problem or ""))
    good = len(report.files) - len(refused)
    if report.dry_run:
        verdict = (f"{count_of(good, 'file')} good: {count_of(report.events_found, 'event')} to add on Load, "
                   f"{report.already_loaded:,} loaded before.")
    else:
        verdict = (f"Loaded {count_of(report.events_added, 'event')} from {count_of(good, 'file')} "
                   f"({report.already_loaded:,} loaded before) in {report.seconds:.1f} s.")
    if good:
        st.success(verdict)
    st.dataframe(report.files_table(), hide_index=True, column_config={
        "lines read": st.column_config.NumberColumn(help="Lines (rows) new since the file was last loaded"),
        "events": st.column_config.NumberColumn(help="Good rows among them: the usage events added (or to add)"),
        "rejected": st.column_config.NumberColumn(help="Rows with a problem, listed below"),
        "skipped": st.column_config.NumberColumn(help="Blank lines, and requests for a page's style sheets, "
                                                      "scripts, images and fonts"),
        "loaded before": st.column_config.NumberColumn(help="Events loaded from this file by earlier loads"),
    })
    if report.rejected:
        shown = len(report.rejected_rows)
        st.markdown(f"**Rejected rows**: {count_of(report.rejected, 'row')}"
                    + (f", the first {shown:,} listed" if shown < report.rejected else ""))
        st.dataframe(report.rejected_table(), hide_index=True)
        download_button(report.rejected_table(), "rejected-usage-rows.csv", key=f"{key}_rejected")
    if report.unmapped_events:
        st.markdown(f"**Logins no customer has**: {count_of(report.unmapped_events, 'event')}. They are kept "
                    "without a customer; give the customers their logins to count them in.")
        st.dataframe(report.unmapped_table(), hide_index=True, column_config={
            "events": st.column_config.NumberColumn(help="Events of this login in the files")})
