"""The pieces of the usage import page: which system the files are of, loading uploads through
:func:`infodash.usage_import.load_usage` under a progress bar, and showing what the load found."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import streamlit as st

from infodash.db import Store
from infodash.usage_import import UsageLoadOptions, UsageLoadReport, load_usage
from infodash.ui.tables import download_button
from infodash.ui.text import count_of, escape_markdown

FROM_FILE = "(the file's system column)"
NEW_SYSTEM = "(a new system)"


class Upload(Protocol):
    """What the page needs of an uploaded file (Streamlit's UploadedFile)."""

    name: str

    def getvalue(self) -> bytes: ...


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


def load_uploads(store: Store, uploads: Sequence[Upload], options: UsageLoadOptions, author: str,
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
        report = load_usage(store, paths, options, author, progress=lambda fraction, message: bar.progress(
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
