"""Scorecard: the team's performance initiatives under the four balanced-scorecard perspectives, each with its
target, baseline, latest figure and verdict computed from the data; leads record initiatives and reviews."""

import datetime as dt

import streamlit as st

from infodash.catalogue import customer_group_options, service_options
from infodash.initiatives import (BASELINE_RULE, ON_TRACK_RULE, PERSPECTIVE_QUESTIONS, PERSPECTIVES,
                                  REVIEW_DUE_RULE, TREND_RULE, scorecard)
from infodash.organisation import staff_table
from infodash.sla import evaluate_requests
from infodash.ui import initiative_form as form
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import page_context
from infodash.ui.pickers import may, staff_name_input
from infodash.ui.scorecard_sections import initiative_card, initiative_form, review_form
from infodash.ui.store import cached, store_errors

context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
today = dt.datetime.now(time_zone).date()
# whole weeks only: open requests are judged against the hour, so the figures are read again at most hourly
now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)

st.title("Scorecard")
st.caption("What the team has set out to improve, grouped under the four perspectives of a balanced scorecard. "
           "Every figure is computed from the data with the same formulas as the pages, week by week (Monday to "
           f"Sunday); nothing here is typed. {BASELINE_RULE} {ON_TRACK_RULE} {TREND_RULE}")
show_closed = st.session_state.get("sc_closed", False)  # closed initiatives are read only when shown
with store_errors(store):
    cached(evaluate_requests, store)
    entries = cached(scorecard, store, today, time_zone, now, show_closed)

open_entries = [entry for entry in entries if entry.initiative.closed_on is None]
verdicts = [entry.progress.verdict for entry in open_entries]
kpi_row([
    Kpi("Open initiatives", len(open_entries), None, "Initiatives not yet closed by a review."),
    Kpi("On track", verdicts.count("on_track"), None, ON_TRACK_RULE),
    Kpi("Not on track", verdicts.count("off_track"), None, ON_TRACK_RULE, direction="lower_is_better"),
    Kpi("Not yet measured", verdicts.count("not_measured"), None,
        "Open initiatives with no whole week with a figure since their start (e.g. starting this week)."),
    Kpi("Reviews due", sum(entry.review_due(today) for entry in open_entries), None, REVIEW_DUE_RULE,
        direction="lower_is_better"),
])
st.toggle("Show closed initiatives", key="sc_closed", persist_state="session")
for perspective, title in PERSPECTIVES.items():
    st.subheader(title, help=PERSPECTIVE_QUESTIONS[perspective])
    shown = [entry for entry in entries if entry.initiative.draft.perspective == perspective
             and (show_closed or entry.initiative.closed_on is None)]
    if not shown:
        st.caption("No initiative under this perspective" + ("." if show_closed else " (open ones shown)."))
    for entry in shown:
        initiative_card(entry, today)

if not may("lead"):
    st.caption("Leads record initiatives and their reviews here.")
    st.stop()

st.divider()
staff_name_input()
form.ensure_defaults(today)
with store_errors(store):
    staff = cached(staff_table, store)
    services = dict(cached(service_options, store))
    groups = dict(cached(customer_group_options, store))
names = staff[staff["active"]]["name"].tolist()
initiative_column, review_column = st.columns([3, 2])
with initiative_column:
    initiative_form(store, entries, names, services, groups, today, time_zone)
with review_column:
    review_form(store, entries, today)
