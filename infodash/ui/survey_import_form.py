"""The pieces of the survey import page: how to read the file, which column holds which answer,
checking and importing it, and keeping the mapping. The last two (:func:`check_and_import`,
:func:`save_mapping_form`) serve any import that returns an :class:`ImportReport`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from infodash.db import Store
from infodash.formatting import count_of
from infodash.importers import CUSTOMER_KEYS, ImportFileError, ImportReport, Progress, save_mapping
from infodash.instruments import Instrument
from infodash.survey_import import (SCORE_TARGETS, WHO_TARGETS, SurveyImportOptions, importance_target, item_target,
                                    survey_targets)
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.ui.tables import download_button
from infodash.ui.text import escape_markdown

NONE = "(not in the file)"
TARGET_HELP = {
    "respondent": "The forms tool's respondent or response ID. Importing the same file again skips the IDs "
                  "imported before; without it, rows are recognised by their answers.",
    "customer": "Who answered. Leave the cell blank for an anonymous response.",
    "group": "The customer group's name, for anonymous rows (a named customer's own group is used otherwise).",
    "submitted_at": "When the answers were given. Without it, every response is dated noon on the day the wave "
                    "closes.",
}


def reading_options(base: SurveyImportOptions, key: str) -> dict[str, Any]:
    """Boxes for how the file is read, filled from ``base``; the chosen encoding, missing marker, date format
    and time zone, as keyword arguments of :class:`SurveyImportOptions`."""
    reading, parsing = st.columns(2)
    encoding = reading.text_input("Encoding", base.encoding, key=f"{key}_encoding",
                                  help="utf-8, or cp1252 for older Excel")
    missing = reading.text_input("Marker of a missing value", base.missing_marker, key=f"{key}_missing",
                                 help="A cell holding exactly this counts as not answered, like a blank cell.")
    date_format = parsing.text_input("Date format", base.date_format or "", key=f"{key}_date_format",
                                     help="strptime codes, e.g. %d/%m/%Y %H:%M:%S; empty for ISO dates "
                                          "(2026-11-23 14:05)")
    time_zone = parsing.text_input("Time zone of the times", base.time_zone, key=f"{key}_time_zone")
    return {"encoding": encoding, "missing_marker": missing, "date_format": date_format or None,
            "time_zone": time_zone}


def mapping_editor(instrument: Instrument, file_columns: Sequence[str], base: SurveyImportOptions,
                   key: str) -> tuple[dict[str, str], str]:
    """One box per target, pre-set from ``base``: who and when, the scores, the items (in an expander)
    and the importance points. Returns the chosen target -> column mapping and the customer key."""
    targets = survey_targets(instrument)
    chosen: dict[str, str] = {}

    def pick(where: Any, target: str) -> None:
        choices = [NONE, *file_columns]
        default = base.columns.get(target)
        column = where.selectbox(targets[target], choices, key=f"{key}_{target}", help=TARGET_HELP.get(target),
                                 index=choices.index(default) if default in choices else 0)
        if column != NONE:
            chosen[target] = column

    st.markdown("**Who answered, and when**")
    for cell, target in zip(st.columns(len(WHO_TARGETS)), WHO_TARGETS, strict=True):
        pick(cell, target)
    customer_key = st.selectbox("The customer column holds their", list(CUSTOMER_KEYS), key=f"{key}_customer_key",
                                index=list(CUSTOMER_KEYS).index(base.customer_key))
    st.markdown("**Scores and comment**")
    scores = [target for target in SCORE_TARGETS if target in targets]
    for cell, target in zip(st.columns(len(scores)), scores, strict=True):
        pick(cell, target)
    item_targets = [item_target(item.position, measure) for item in instrument.items for measure in instrument.measures]
    if item_targets:
        matched = sum(target in base.columns for target in item_targets)
        with st.expander(f"Items: {matched} of {len(item_targets)} answer columns matched",
                         expanded=matched < len(item_targets)):
            for item in instrument.items:
                text, *cells = st.columns([2] + [1] * len(instrument.measures), vertical_alignment="bottom")
                text.caption(f"{item.position}. {escape_markdown(item.text)} ({item.dimension})")
                for cell, measure in zip(cells, instrument.measures, strict=True):
                    pick(cell, item_target(item.position, measure))
    if instrument.asks_importance:
        with st.expander(f"Importance: the {instrument.importance_points} points shared over the five dimensions"):
            for cell, dimension in zip(st.columns(len(RATER_DIMENSIONS)), RATER_DIMENSIONS, strict=True):
                pick(cell, importance_target(dimension))
    return chosen, customer_key


def check_and_import(run_import: Callable[[bool, Progress], ImportReport], me: str, key: str, noun: str) -> None:
    """The "Check every row" and "Import" buttons. On either, ``run_import(dry_run, progress)`` runs under a
    progress bar and what it found is shown: every problem by line and column (with a CSV of them), or how
    many ``noun``s (e.g. "response") were added. Importing needs the staff member's name ``me``."""
    check_col, import_col = st.columns(2)
    checked = check_col.button("Check every row", key=f"{key}_check")
    run = import_col.button("Import", type="primary", key=f"{key}_run", disabled=not me,
                            help=None if me else f"Enter your name first: imported {noun}s are attributed to you.")
    if not (checked or run):
        return
    bar = st.progress(0.0, "Starting")
    try:
        report = run_import(not run, bar.progress)
    except ImportFileError as error:
        st.error(escape_markdown(str(error)))
        return
    for note in report.notes:
        st.info(escape_markdown(note))
    if report.errors:
        st.error(f"{count_of(len(report.errors), 'problem')} in {count_of(report.rows_read, 'row')}; nothing was "
                 "written. Fix them in the file (or the mapping) and check again.")
        st.dataframe(report.error_table(), hide_index=True)
        download_button(report.error_table(), f"{key}-problems.csv", key=f"{key}_problems")
    elif report.written:
        st.success(f"Imported {count_of(report.added, noun)} ({report.already_imported:,} were imported before).")
    elif report.rows_read == report.already_imported:
        st.success(f"Every row is good, and nothing is new: {count_of(report.rows_read, noun)} imported before.")
    else:
        st.success(f"Every row is good: {count_of(report.rows_read - report.already_imported, noun)} to add on "
                   f"Import, {report.already_imported:,} imported before.")


def save_mapping_form(store: Store, kind: str, options: dict[str, Any], me: str, placeholder: str) -> None:
    """A box and button keeping ``options`` as a named mapping of ``kind`` for the next file."""
    with st.form(f"{kind}_save_mapping", border=False):
        name = st.text_input("Save this mapping as", placeholder=placeholder)
        if st.form_submit_button("Save mapping") and name.strip():
            save_mapping(store, kind, name.strip(), options, me or "unknown")
            st.success("Saved. Choose it under 'Start from' next time.")
