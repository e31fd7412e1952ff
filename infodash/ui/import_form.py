"""What the import pages share: how a file is read (each problem said under its box as it is typed),
checking and importing it under a progress bar, and keeping the mapping for the next file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import streamlit as st

from infodash.db import Store
from infodash.errors import NotAllowed, ValidationError
from infodash.formatting import count_of
from infodash.importers import (FilePreview, ImportFileError, ImportReport, Progress, preview_file, reading_problems,
                                save_mapping)
from infodash.ui.pickers import acting_account
from infodash.ui.store import cached_result
from infodash.ui.tables import download_button
from infodash.ui.text import escape_markdown


class Upload(Protocol):
    """What the import pages need of an uploaded file (Streamlit's UploadedFile)."""

    name: str

    def getvalue(self) -> bytes: ...


def field_problem(message: str | None) -> None:
    """A problem with the box just above, in its words (escaped: it may quote what was typed)."""
    if message:
        st.error(escape_markdown(message), icon=":material/error:")


@dataclass(frozen=True)
class FileReading:
    """How a file is to be read, as chosen on the page, and what is wrong with it (by field)."""

    encoding: str
    missing_marker: str
    date_format: str | None
    time_zone: str
    problems: dict[str, str]

    def options(self) -> dict[str, Any]:
        """The choices as keyword arguments of an import's options."""
        return {"encoding": self.encoding, "missing_marker": self.missing_marker, "date_format": self.date_format,
                "time_zone": self.time_zone}


def reading_options(encoding: str, missing_marker: str, date_format: str | None, time_zone: str,
                    key: str, with_times: bool = True) -> FileReading:
    """Boxes for the file's encoding, its marker of a missing value and (``with_times``) the format and time zone
    of its times, filled with the given values; a problem is said under its box as soon as it is typed."""
    reading, parsing = st.columns(2)
    chosen_encoding = reading.text_input("Encoding", encoding, key=f"{key}_encoding",
                                         help="utf-8, or cp1252 for older Excel; any encoding Python knows")
    chosen_format = parsing.text_input("Date format", date_format or "", key=f"{key}_date_format",
                                       help="strptime codes, e.g. %d/%m/%Y %H:%M:%S; empty for ISO dates "
                                            "(2026-11-23 14:05)").strip() or None if with_times else None
    problems = reading_problems(chosen_encoding.strip(), chosen_format, None)
    with reading:
        field_problem(problems.get("encoding"))
    with parsing:
        field_problem(problems.get("date_format"))
    missing = (reading if with_times else parsing).text_input(
        "Marker of a missing value", missing_marker, key=f"{key}_missing",
        help="A cell holding exactly this counts as empty, e.g. ? or n/a.")
    chosen_zone = time_zone
    if with_times:
        chosen_zone = parsing.text_input("Time zone of the times", time_zone, key=f"{key}_time_zone",
                                         help="Of times written without an offset, e.g. Europe/London.").strip()
        problems.update(reading_problems(time_zone=chosen_zone))
        with parsing:
            field_problem(problems.get("time_zone"))
    return FileReading(chosen_encoding.strip(), missing, chosen_format, chosen_zone, problems)


def previewed(upload: Upload, reading: FileReading) -> FilePreview:
    """The upload read as the boxes say, its size and first rows shown; the page stops here while the file
    cannot be read (the encoding's problem is already said under its box)."""
    if "encoding" in reading.problems:
        st.stop()
    try:
        preview = cached_result(preview_file, upload.getvalue(), upload.name, reading.encoding, reading.missing_marker)
    except ImportFileError as error:
        st.error(escape_markdown(str(error)))
        st.stop()
    st.markdown(f"**{escape_markdown(upload.name)}**: {count_of(preview.rows, 'row')}. The first rows:")
    st.dataframe(preview.head, hide_index=True)
    return preview


def check_and_import(run_import: Callable[[bool, Progress], ImportReport], me: str, key: str, noun: str,
                     problems: dict[str, str] | None = None,
                     outcome: Callable[[Any], str] | None = None) -> ImportReport | None:
    """The "Check every row" and "Import" buttons (held back while the options have ``problems``). On either,
    ``run_import(dry_run, progress)`` runs under a progress bar and what it found is shown: every problem by line
    and column (with a CSV of them), or how many ``noun``s (e.g. "response") were added, or ``outcome(report)``
    where an import says more. Importing needs the staff member's name ``me``. Returns the report, if it ran."""
    held = "Fix the options marked above first." if problems else None
    check_col, import_col = st.columns(2)
    checked = check_col.button("Check every row", key=f"{key}_check", disabled=bool(problems), help=held)
    run = import_col.button("Import", type="primary", key=f"{key}_run", disabled=bool(problems) or not me,
                            help=held or (None if me else f"Enter your name first: imported {noun}s are attributed "
                                                          "to you."))
    if not (checked or run):
        return None
    bar = st.progress(0.0, "Starting")
    try:
        report = run_import(not run, bar.progress)
    except ValidationError as error:
        for message in error.errors.values():
            st.error(escape_markdown(message))
        return None
    except (ImportFileError, NotAllowed) as error:
        st.error(escape_markdown(str(error)))
        return None
    for note in report.notes:
        st.info(escape_markdown(note))
    if report.errors:
        st.error(f"{count_of(len(report.errors), 'problem')} in {count_of(report.rows_read, 'row')}; nothing was "
                 "written. Fix them in the file (or the mapping) and check again.")
        st.dataframe(report.error_table(), hide_index=True)
        download_button(report.error_table(), f"{key}-problems.csv", key=f"{key}_problems")
    elif outcome is not None:
        st.success(f"Imported: {outcome(report)}." if report.written
                   else f"Every row is good. On Import: {outcome(report)}.")
    elif report.written:
        updated = f", {report.updated:,} of them brought up to date" if report.updated else ""
        st.success(f"Imported {count_of(report.added, noun)} ({report.already_imported:,} were imported "
                   f"before{updated}).")
    elif not report.to_add:
        st.success(f"Every row is good, and nothing is new: {count_of(report.already_imported, noun)} imported "
                   "before.")
    else:
        st.success(f"Every row is good: {count_of(report.to_add, noun)} to add on Import, "
                   f"{report.already_imported:,} imported before.")
    return report


def save_mapping_form(store: Store, kind: str, options: dict[str, Any], placeholder: str) -> None:
    """A box and button keeping ``options`` as a named mapping of ``kind`` for the next file."""
    with st.form(f"{kind}_save_mapping", border=False):
        name = st.text_input("Save this mapping as", placeholder=placeholder)
        if st.form_submit_button("Save mapping") and name.strip():
            try:
                save_mapping(store, kind, name.strip(), options, acting_account(store, unnamed="unknown"))
            except NotAllowed as error:
                st.error(escape_markdown(str(error)))
            else:
                st.success("Saved. Choose it under 'Start from' next time.")
