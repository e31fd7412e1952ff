"""Feedback items where other pages show them: the customer profile's section and the weekly review's cards."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.feedback import CATEGORIES, KINDS, SEVERITIES, SOURCES, STATUSES
from infodash.feedback_figures import DEFINITIONS, feedback_timeliness
from infodash.filters import Filters
from infodash.periods import Period
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.store import cached
from infodash.ui.tables import show_table

PROFILE_COLUMNS = {
    "feedback_id": st.column_config.NumberColumn("Item", format="#%d"),
    "received_at": st.column_config.DatetimeColumn("Received", format="D MMM YYYY, HH:mm"),
    "kind": st.column_config.TextColumn("Kind"), "category": st.column_config.TextColumn("About"),
    "description": st.column_config.TextColumn("They said", width="large"),
    "response": st.column_config.TextColumn("Our response", width="large"),
    "customer_told_at": st.column_config.DatetimeColumn("Told the outcome", format="D MMM YYYY"),
}


_WORDS = {"kind": KINDS, "category": CATEGORIES, "severity": SEVERITIES, "source": SOURCES, "status": STATUSES}
LIST_COLUMNS = PROFILE_COLUMNS | {
    "severity": st.column_config.TextColumn("Severity"), "service": st.column_config.TextColumn("Service"),
    "customer": st.column_config.TextColumn("Customer"), "owner": st.column_config.TextColumn("Owner"),
    "acknowledged_at": st.column_config.DatetimeColumn("Acknowledged", format="D MMM YYYY, HH:mm"),
    "resolved_at": st.column_config.DatetimeColumn("Resolved", format="D MMM YYYY, HH:mm"),
    "source": st.column_config.TextColumn("Came from"),
}


def in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the feedback codes (kind, category, severity, source, status) in words."""
    shown = frame.copy()
    for column, words in _WORDS.items():
        if column in shown:
            shown[column] = shown[column].map(lambda code, words=words: words.get(code, code))
    return shown


def profile_feedback(frame: pd.DataFrame) -> None:
    """The customer's complaints, compliments and suggestions, newest first, with the response and when they were
    told the outcome."""
    if frame.empty:
        st.caption("No complaints, compliments or suggestions from this customer (anonymous ones are never shown).")
        return
    complaints = int((frame["kind"] == "complaint").sum())
    open_items = int((frame["status"] != "resolved").sum())
    st.caption(f"{len(frame):,} item(s), {complaints:,} of them complaints; {open_items:,} not yet resolved "
               "(see the Feedback page to work them).")
    show_table(in_words(frame), "customer-feedback.csv", key="profile_feedback", column_config=PROFILE_COLUMNS)


def review_feedback_cards(store: Store, week: Period, compared: Period, time_zone: ZoneInfo, filters: Filters) -> None:
    """The week's feedback on the weekly review: received, open complaints at the week's end, acknowledged in time
    and customers told, each against the compared week."""
    current = cached(feedback_timeliness, store, week, time_zone, None, filters)
    before = cached(feedback_timeliness, store, compared, time_zone, None, filters)

    def change(now: float | None, then: float | None) -> float | None:
        return None if now is None or then is None else now - then

    targets = current.targets
    kpi_row([
        Kpi("Feedback received", current.received, current.received - before.received,
            DEFINITIONS["received"] + f" This week: {current.complaints} complaints, {current.compliments} "
            f"compliments, {current.suggestions} suggestions.", direction="neutral",
            note=f"{current.complaints} complaints"),
        Kpi("Open complaints", current.open_complaints, current.open_complaints - before.open_complaints,
            DEFINITIONS["open_complaints"], direction="lower_is_better"),
        Kpi("Acknowledged in time", current.acknowledge_share,
            change(current.acknowledge_share, before.acknowledge_share),
            DEFINITIONS["acknowledged_in_time"] + f" Target: {targets.acknowledge_days} working day(s).", "share"),
        Kpi("Complaints resolved in time", current.resolve_share, change(current.resolve_share, before.resolve_share),
            DEFINITIONS["resolved_in_time"] + f" Target: {targets.resolve_days} working days.", "share"),
        Kpi("Customer told", current.told_share, change(current.told_share, before.told_share),
            DEFINITIONS["told_share"], "share"),
    ])
