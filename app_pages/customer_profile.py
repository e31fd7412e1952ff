"""Customer profile: one customer's details and totals, what is open for them, one timeline of everything,
their use of the team's systems, anomalies about them and the survey responses they gave under their name.

Opened by searching, by a link ``?customer=<id>``, or from another page that sets
``st.session_state["profile_customer"]`` before switching here.
"""

import datetime as dt

import streamlit as st

from infodash.customer_profile import (TIMELINE_LIMIT, anomalies_about, customer_summary, open_items,
                                       signed_survey_responses, timeline, usage_by_week)
from infodash.feedback import customer_feedback
from infodash.sla import evaluate_requests
from infodash.ui import profile_sections as sections
from infodash.ui.feedback_sections import profile_feedback
from infodash.ui.layout import page_context
from infodash.ui.store import cached, store_errors

USAGE_WEEKS = 26

context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)  # open requests are judged against this minute

st.title("Customer profile")
# One block, so that every read of the page shares one open connection (opening a large file costs ~25 ms,
# and the data one query reads stays in memory for the next).
with store_errors(store):
    customer_id = sections.choose_customer(store)
    if customer_id is None:
        st.info("Search for a customer by name, e-mail or department to see their profile.",
                icon=":material/person_search:")
        st.stop()
    cached(evaluate_requests, store)
    summary = cached(customer_summary, store, customer_id, time_zone, now)
    sections.header(summary)
    sections.log_touchpoint_button(summary, time_zone)
    sections.open_items(cached(open_items, store, customer_id, time_zone, now))

    st.subheader("Timeline")
    kinds = sections.kind_filter()
    entries = cached(timeline, store, customer_id, time_zone, tuple(kinds), TIMELINE_LIMIT, now)
    sections.timeline_table(entries, TIMELINE_LIMIT, f"customer-{customer_id}-timeline.csv")

    st.subheader("Usage by system and week")
    sections.usage_chart(cached(usage_by_week, store, customer_id, time_zone, USAGE_WEEKS, now), USAGE_WEEKS)
    st.subheader("Anomalies about this customer")
    sections.anomaly_table(cached(anomalies_about, store, customer_id, time_zone))
    st.subheader("Survey responses")
    sections.survey_table(cached(signed_survey_responses, store, customer_id, time_zone))
    st.subheader("Complaints, compliments and suggestions")
    profile_feedback(cached(customer_feedback, store, customer_id))
    sections.personal_data(store, customer_id, summary.name)
