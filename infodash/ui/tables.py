"""Tables as people read them and take them away: the library's columns under labels, with formats and widths,
codes in words and blanks for what is missing; each downloadable as CSV (noted in the audit log)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from infodash import findings, service_requests, touchpoints
from infodash.audit import record_download
from infodash.customer_profile import OUTCOMES
from infodash.db import StoreError
from infodash.errors import NotAllowed
from infodash.spreadsheets import csv_bytes
from infodash.ui.pickers import acting_account_later
from infodash.ui.store import get_store

_log = logging.getLogger(__name__)

# Columns holding codes, and the words for each code (codes of different lists never collide).
WORDS: dict[str, Mapping[str, str]] = {
    "status": {**service_requests.STATUSES, **findings.STATUSES},
    "outcome": OUTCOMES,
    "priority": service_requests.PRIORITIES,
    "channel": {**service_requests.CHANNELS, **touchpoints.CHANNELS},
    "kind": touchpoints.KINDS,
}
_TIME = "D MMM YYYY, HH:mm"
# How the library's usual columns read wherever a table shows them; a page adds or overrides its own.
COLUMNS: dict[str, Any] = {
    "request_id": st.column_config.NumberColumn("Request", format="#%d", width="small"),
    "touchpoint_id": st.column_config.NumberColumn("Touchpoint", format="#%d", width="small"),
    "received": st.column_config.DatetimeColumn("Received", format=_TIME),
    "due": st.column_config.DatetimeColumn("Due", format=_TIME),
    "closed": st.column_config.DatetimeColumn("Closed", format=_TIME),
    "changed": st.column_config.DatetimeColumn("Changed", format=_TIME),
    "outcome": st.column_config.TextColumn("Service level"),
    "status": st.column_config.TextColumn("Status"),
    "priority": st.column_config.TextColumn("Priority", width="small"),
    "channel": st.column_config.TextColumn("Channel"),
    "kind": st.column_config.TextColumn("Kind"),
    "customer": st.column_config.TextColumn("Customer"),
    "service": st.column_config.TextColumn("Service"),
    "subject": st.column_config.TextColumn("Subject", width="large"),
    "assigned_to": st.column_config.TextColumn("Assigned to"),
    "vendor": st.column_config.TextColumn("Vendor"),
    "business_hours_left": st.column_config.NumberColumn(
        "Business hours left", format="%.1f", help="Business hours until the request is due; below zero: late by."),
    "business_hours": st.column_config.NumberColumn(
        "Business hours", format="%.1f", help="Business hours from receipt to resolution, pauses left out."),
    "paused_hours": st.column_config.NumberColumn(
        "Paused hours", format="%.1f", help="Business hours the clock stood still, waiting on the customer or a "
                                            "vendor."),
    "note": st.column_config.TextColumn("Note", width="large"),
    "requests": st.column_config.NumberColumn("Requests", format="%d"),
    "met": st.column_config.NumberColumn("Met", format="%d", help="Resolved within the policy's target."),
    "breached": st.column_config.NumberColumn("Breached", format="%d", help="Resolved after the target."),
    "open_breached": st.column_config.NumberColumn("Open, late", format="%d", help="Still open and past due."),
    "open_at_risk": st.column_config.NumberColumn("Open, at risk", format="%d",
                                                  help="Still open, less than a fifth of the time left."),
    "open_on_track": st.column_config.NumberColumn("Open, on track", format="%d"),
    "declined": st.column_config.NumberColumn("Declined", format="%d"),
    "attainment": st.column_config.NumberColumn("Attainment", format="%.1f%%",
                                                help="Met / (met + breached + open and late)."),
    "within_hard_limit": st.column_config.NumberColumn("Within limit", format="%.1f%%",
                                                       help="Share of resolved requests within the longer limit."),
    "primary_target": st.column_config.NumberColumn("Promised", format="%.1f%%",
                                                    help="The share the policy promises to resolve in time."),
    "median_hours": st.column_config.NumberColumn("Median, business h", format="%.1f",
                                                  help="Median business hours to resolve, pauses left out."),
    "p90_hours": st.column_config.NumberColumn("90th pct, business h", format="%.1f",
                                               help="Nine in ten were resolved within this many business hours."),
    "median_first_response_hours": st.column_config.NumberColumn("Median to respond, business h", format="%.1f"),
    "p90_first_response_hours": st.column_config.NumberColumn("90th pct to respond, business h", format="%.1f"),
}
# Shares (0-1) shown and exported as percentages, with one decimal like every other percentage.
PERCENT_COLUMNS = frozenset({"attainment", "within_hard_limit", "primary_target", "reach_share"})


def readable(frame: pd.DataFrame, hidden: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` as a person reads it: ``hidden`` columns dropped, codes in words (:data:`WORDS`), shares in
    percent (:data:`PERCENT_COLUMNS`), and text cells left blank where nothing is recorded (not "None")."""
    shown = frame.drop(columns=[column for column in hidden if column in frame])
    for column in PERCENT_COLUMNS & set(shown):
        shown[column] = shown[column] * 100
    for column, words in WORDS.items():
        if column in shown:
            shown[column] = shown[column].map(lambda code, words=words: words.get(code, code))
    text = [column for column in shown if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column])]
    shown[text] = shown[text].fillna("")
    return shown


def show_table(frame: pd.DataFrame, file_name: str, key: str | None = None, hidden: Iterable[str] = (),
               column_config: Mapping[str, Any] | None = None, download: pd.DataFrame | None = None,
               colours: Mapping[str, Mapping[str, str]] | None = None, **dataframe_options: Any) -> Any:
    """Draw ``frame`` as :func:`readable` with the labels of :data:`COLUMNS` (``column_config`` adds or overrides)
    and a CSV download of the same (or of ``download``, e.g. every figure behind a summary); returns what
    ``st.dataframe`` returns (its selection, when asked for). ``colours`` writes the words of a text column in
    their colours, e.g. ``{"verdict": {"On track": "#3b8b5a"}}``."""
    shown = readable(frame, hidden)
    table, table_config = _drawable(shown, _config(shown, column_config))
    drawn = st.dataframe(_coloured(table, colours) if colours else table, hide_index=True,
                         column_config=table_config, key=key, **dataframe_options)
    exported = shown if download is None else readable(download)
    download_button(exported, file_name, key=None if key is None else f"{key}_download",
                    column_config=_config(exported, column_config))
    return drawn


def _coloured(table: pd.DataFrame, colours: Mapping[str, Mapping[str, str]]) -> Any:
    """``table`` styled with the words of each column of ``colours`` in their colour, in bold (a verdict read at
    a glance); only text columns, whose shown values the style leaves as they are."""
    styled = table.style
    for column, palette in colours.items():
        styled = styled.map(lambda word, palette=palette: f"color: {palette[word]}; font-weight: 600"
                            if word in palette else "", subset=[column])
    return styled


def _config(frame: pd.DataFrame, column_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The column configuration of ``frame``: :data:`COLUMNS` for its usual columns, ``column_config`` over it."""
    return {column: COLUMNS[column] for column in frame if column in COLUMNS} | dict(column_config or {})


def as_shown(frame: pd.DataFrame, config: Mapping[str, Any]) -> pd.DataFrame:
    """``frame`` for its CSV, reading as its table does with ``config`` (Streamlit's column configuration): the
    table's headers (a column without a label keeps its name), and shares the table shows as percentages in
    percent, their header saying "(%)"."""
    exported, headers = frame.copy(), {}
    for column in frame.columns:
        spec = config.get(column)
        label = spec if isinstance(spec, str) else (spec or {}).get("label")
        number = (spec or {}).get("type_config", {}) if isinstance(spec, dict) else {}
        if number.get("format") == "percent":  # a 0-1 share the table multiplies by 100
            exported[column] = exported[column] * 100
        in_percent = number.get("format") == "percent" or "%%" in str(number.get("format") or "")
        if label:
            headers[column] = f"{label} (%)" if in_percent else label
    return exported.rename(columns=headers)


def _drawable(shown: pd.DataFrame, config: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame and column configuration to draw: percentages with one decimal like every other (Streamlit's
    "percent" writes two), and a formatted number column with missing values as its text, blank where missing
    (a table draws a missing number as "None", whatever its format)."""
    drawn, drawn_config = shown.copy(), dict(config)
    for column, spec in config.items():
        number = (spec or {}).get("type_config", {}) if isinstance(spec, dict) else {}
        if number.get("type") == "number" and number.get("format") == "percent" and column in drawn:
            drawn[column] = drawn[column] * 100
            spec = drawn_config[column] = {**spec, "type_config": {**number, "format": "%.1f%%"}}
            number = spec["type_config"]
        pattern = number.get("format")
        if (number.get("type") == "number" and isinstance(pattern, str) and "%" in pattern and column in drawn
                and drawn[column].isna().any()):
            drawn[column] = ["" if pd.isna(value) else pattern % value for value in drawn[column]]
            drawn_config[column] = st.column_config.TextColumn(spec.get("label"), help=spec.get("help"),
                                                               width=spec.get("width"), alignment="right")
    return drawn, drawn_config


def download_button(frame: pd.DataFrame, file_name: str, key: str | None = None,
                    column_config: Mapping[str, Any] | None = None) -> None:
    """A "Download CSV" button for ``frame`` as its table shows it (:func:`as_shown` with the table's
    ``column_config``), safe to open in a spreadsheet, written when it is clicked: most page runs draw the button
    without anyone taking the file."""
    st.download_button("Download CSV", noted(partial(_csv, frame, column_config or {}), file_name, len(frame)),
                       file_name=file_name, mime="text/csv", key=key or f"download_{file_name}",
                       icon=":material/download:", on_click="ignore")


def _csv(frame: pd.DataFrame, column_config: Mapping[str, Any]) -> bytes:
    return csv_bytes(as_shown(frame, column_config))


def noted(content: Callable[[], bytes], file_name: str, rows: int | None = None) -> Callable[[], bytes]:
    """A download button's ``data`` (with ``on_click="ignore"``): ``content`` written when the button is clicked,
    and who took the file noted in the audit log then.

    Both happen on a thread of Streamlit's own as the browser asks for the file, and the page does not run again:
    a click that also reran the page could, on a busy server, replace the button's file before the browser had
    fetched it, and the download never came. The file goes even when the database is too busy to note it (a
    warning in the server's log says so)."""
    store = get_store()
    acting = acting_account_later(store, unnamed="someone")

    def taken() -> bytes:
        written = content()
        try:
            record_download(store, acting().name, file_name, rows)
        except (StoreError, NotAllowed) as error:
            _log.warning("A download of %s was not noted in the audit log: %s", file_name, error)
        return written

    return taken
