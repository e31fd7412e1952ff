"""The "What changed" block of the weekly review: the biggest significant movers, in words, with their tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store
from infodash.filters import Filters
from infodash.movers import CORRECTION, DEFINITION, TOP, WhatChanged, what_changed
from infodash.periods import Period, first_days, span_label
from infodash.ui.layout import lazy_expander
from infodash.ui.store import cached_judged, store_errors
from infodash.ui.survey_sections import latest_summaries
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown

_COLUMNS = {
    "change": st.column_config.TextColumn("Change", width="large",
                                          help="The change in words, from the figures the pages show."),
    "test": st.column_config.TextColumn("Test", width="medium", help="The test that makes the change significant."),
    "p_value": st.column_config.TextColumn("p", width="small", help="The test's two-sided p-value."),
    "adjusted_p_value": st.column_config.TextColumn(
        "Adjusted p", width="small",
        help=f"The p-value adjusted for the number of figures tested ({CORRECTION}); significant below 0.05."),
}


def compared_name(week: Period, compared: Period) -> str:
    """"the previous week", or "the same days of the previous week (16-18 Nov 2026)" for a week still running."""
    if compared == week.previous():
        return "the previous week"
    return f"the same days of the previous week ({span_label(compared)})"


def show_what_changed(changes: WhatChanged, key: str) -> None:
    """The sentences, how many figures were tested, and an expander with each change's test and p-values."""
    st.subheader("What changed", help=DEFINITION)
    st.markdown("\n".join(f"- {escape_markdown(sentence)}" for sentence in changes.sentences))
    st.caption(escape_markdown(changes.summary) + " The (?) says which figures are compared and how they are tested.")
    if not changes.movers.empty and (tests := lazy_expander("The tests behind these changes", f"{key}_tests",
                                                            icon=":material/functions:")):
        with tests:
            show_table(changes.table(), "what-changed.csv", key=key, column_config=_COLUMNS)


def what_changed_block(store: Store, week: Period, compared: Period, time_zone: ZoneInfo, filters: Filters,
                       now: dt.datetime) -> None:
    """The weekly review's "What changed": ``week`` against ``compared`` (see :func:`infodash.review.compared_week`)."""
    covered = first_days(week, compared.days)  # a week still running: its days so far, as many as compared
    with store_errors(store):
        changes = cached_judged(_week_changes, store, covered, compared, time_zone, filters,
                                compared_name(week, compared), week.end - dt.timedelta(days=1), now=now,
                                time_zone=time_zone)
    show_what_changed(changes, "review_what_changed")


def _week_changes(store: Store, covered: Period, compared: Period, time_zone: ZoneInfo, filters: Filters,
                  compared_with: str, last_day: dt.date, now: dt.datetime) -> WhatChanged:
    # The survey summaries are the page's own, read from the cache on a miss; as arguments of the cached call
    # they would be hashed on every run (about 20 ms).
    return what_changed(store, covered, compared, time_zone, filters, now, compared_with, TOP,
                        latest_summaries(store, last_day, filters))
