"""Feedback items where other pages show them: the customer profile's section and the weekly review's cards."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.feedback import CATEGORIES, KINDS, SEVERITIES, SOURCES, STATUSES, FeedbackItem
from infodash.feedback_figures import (BREAKDOWNS, DEFINITIONS, MAX_TARGET_DAYS, feedback_by, feedback_targets,
                                       feedback_timeliness, repeat_complainants, you_said_we_did)
from infodash.filters import Filters
from infodash.pack_feedback import NO_ITEMS, feedback_section
from infodash.pack_feedback import NOTE as PACK_NOTE
from infodash.periods import Period
from infodash.ui import feedback_forms as form
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.store import cached
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown

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
    "late": st.column_config.TextColumn("Late?", help="Against the targets, in working days on the team's calendar: "
                                        "acknowledgement overdue or acknowledged late (any item), resolution "
                                        "overdue or resolved late (complaints)."),
}


def in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the feedback codes (kind, category, severity, source, status) in words."""
    shown = frame.copy()
    for column, words in _WORDS.items():
        if column in shown:
            shown[column] = shown[column].map(lambda code, words=words: words.get(code, code))
    return shown


def item_context(item: FeedbackItem, row: pd.Series) -> str:
    """Who the item is from and how to reach them, its service, where it came in and who owns it, in one line."""
    parts = [f"From {row['customer']}" + (f" ({item.contact_email})" if item.contact_email else ""),
             f"service: {row['service']}" if isinstance(row["service"], str) and row["service"] else "no service given",
             f"came in as {SOURCES.get(item.source, item.source).lower()}"
             + (f" #{item.source_id}" if item.source_id is not None else ""),
             f"owner: {item.owner}" if item.owner else "nobody owns it yet"]
    if item.customer_told_at is not None:
        parts.append(f"customer told on {item.customer_told_at:%d %b %Y}")
    return "; ".join(parts) + "."


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


BREAKDOWN_COLUMNS = {
    "label": st.column_config.TextColumn("Item"), "complaints": st.column_config.NumberColumn("Complaints"),
    "compliments": st.column_config.NumberColumn("Compliments"),
    "suggestions": st.column_config.NumberColumn("Suggestions"), "total": st.column_config.NumberColumn("All"),
}
REPEAT_COLUMNS = {
    "customer": st.column_config.TextColumn("Customer"), "customer_group": st.column_config.TextColumn("Group"),
    "complaints": st.column_config.NumberColumn("Complaints", help=DEFINITIONS["repeat_complainants"]),
    "open": st.column_config.NumberColumn("Not yet resolved"),
    "last_received": st.column_config.DatetimeColumn("Latest", format="D MMM YYYY"),
}
SAID_DID_COLUMNS = {
    "you_said": st.column_config.TextColumn("You said", width="large"),
    "we_did": st.column_config.TextColumn("We did", width="large"),
    "resolved_at": st.column_config.DatetimeColumn("Resolved", format="D MMM YYYY"),
}


def figures_section(store: Store, period: Period, time_zone: ZoneInfo) -> None:
    """Items by kind, service, customer group and category; repeat complainants; you said, we did."""
    by_tab, repeat_tab, said_tab = st.tabs(["By kind, service and group", "Repeat complainants", "You said, we did"])
    with by_tab:
        by = st.segmented_control("Break down by", list(BREAKDOWNS), format_func=lambda key: BREAKDOWNS[key][0],
                                  key="fb_figures_by", default="service", required=True)
        frame = cached(feedback_by, store, period, time_zone, by)
        if frame.empty:
            st.caption("No feedback received in this period.")
        else:
            show_table(frame, f"feedback-by-{by}.csv", key="fb_by_table",
                       column_config=BREAKDOWN_COLUMNS | {"label": st.column_config.TextColumn(BREAKDOWNS[by][0])})
    with repeat_tab:
        st.caption(DEFINITIONS["repeat_complainants"])
        repeat = cached(repeat_complainants, store, period, time_zone)
        if repeat.empty:
            st.caption("No customer complained more than once in this period.")
        else:
            show_table(repeat, "repeat-complainants.csv", key="fb_repeat", hidden=("customer_id",),
                       column_config=REPEAT_COLUMNS)
    with said_tab:
        st.caption(DEFINITIONS["you_said_we_did"] + " The management pack lists the same.")
        said = cached(you_said_we_did, store, period, time_zone, 50)
        if said.empty:
            st.caption("No complaints or suggestions were resolved in this period.")
        else:
            show_table(in_words(said), "you-said-we-did.csv", key="fb_said", column_config=SAID_DID_COLUMNS)


def targets_form(store: Store) -> None:
    """For a lead: the working days to acknowledge any item and to resolve a complaint (the page puts it in an
    expander)."""
    current = cached(feedback_targets, store)
    st.number_input("Acknowledge within (working days)", 0, MAX_TARGET_DAYS, current.acknowledge_days,
                    key="fg_acknowledge")
    form.TARGETS.error("acknowledge_days")
    st.number_input("Resolve complaints within (working days)", 0, MAX_TARGET_DAYS, current.resolve_days,
                    key="fg_resolve")
    form.TARGETS.error("resolve_days")
    st.button("Save targets", on_click=form.save_targets, args=(store,))
    form.TARGETS.flash()
    form.TARGETS.error("form")


def pack_preview(view: Any) -> None:
    """The Reports page's preview of the pack's "You said, we did" (``view``: the page's PackView)."""
    section = view.read(feedback_section)
    st.caption(escape_markdown(f"{section.summary()} {PACK_NOTE}"))
    if section.items.empty:
        st.caption(NO_ITEMS)
        return
    show_table(section.items, "pack-you-said-we-did.csv", key="pack_you_said", column_config=SAID_DID_COLUMNS | {
        "resolved_on": st.column_config.DateColumn("Resolved", format="D MMM YYYY")})
