"""Customer profile: one customer's details and totals and what is open for them, then, one tab at a time, one
timeline of everything, their use of the team's systems, anomalies about them, the survey responses they gave
under their name, their complaints, compliments and suggestions, and (for a lead) their personal data.

Opened by searching, by a link ``?customer=<id>``, or from another page that sets
``st.session_state["profile_customer"]`` before switching here.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.customer_profile import (TIMELINE_LIMIT, CustomerSummary, anomalies_about, customer_summary,
                                       open_items, signed_survey_responses, timeline, usage_by_week)
from infodash.db import Store
from infodash.feedback import customer_feedback
from infodash.sla import evaluate_requests
from infodash.ui import profile_sections as sections
from infodash.ui.feedback_sections import profile_feedback
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.pickers import may
from infodash.ui.store import cached, cached_judged, store_errors

USAGE_WEEKS = 26


@dataclass(frozen=True)
class ProfileView:
    """What the page's tabs draw from: the customer shown, and the minute their open requests are judged at."""

    store: Store
    summary: CustomerSummary
    time_zone: ZoneInfo
    now: dt.datetime


def _timeline(view: ProfileView) -> None:
    kinds = sections.kind_filter()
    entries = cached_judged(timeline, view.store, view.summary.customer_id, view.time_zone, tuple(kinds),
                            TIMELINE_LIMIT, now=view.now, time_zone=view.time_zone)
    sections.timeline_table(entries, TIMELINE_LIMIT, f"customer-{view.summary.customer_id}-timeline.csv")


def _usage(view: ProfileView) -> None:
    sections.usage_chart(cached_judged(usage_by_week, view.store, view.summary.customer_id, view.time_zone,
                                       USAGE_WEEKS, now=view.now, time_zone=view.time_zone), USAGE_WEEKS)


def _anomalies(view: ProfileView) -> None:
    sections.anomaly_table(cached(anomalies_about, view.store, view.summary.customer_id, view.time_zone))


def _surveys(view: ProfileView) -> None:
    sections.survey_table(cached(signed_survey_responses, view.store, view.summary.customer_id, view.time_zone))


def _feedback(view: ProfileView) -> None:
    profile_feedback(cached(customer_feedback, view.store, view.summary.customer_id))


def _personal_data(view: ProfileView) -> None:
    sections.personal_data(view.store, view.summary.customer_id, view.summary.name)


SECTIONS = {"Timeline": _timeline, "Usage by week": _usage, "Anomalies": _anomalies,
            "Survey responses": _surveys, "Complaints, compliments and suggestions": _feedback}
LEAD_SECTIONS = {"Their personal data": _personal_data}

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
    summary = cached_judged(customer_summary, store, customer_id, time_zone, now=now, time_zone=time_zone)
    sections.header(summary)
    sections.log_touchpoint_button(summary, time_zone)
    sections.open_items(cached(open_items, store, customer_id, time_zone, now))
    lazy_tabs(SECTIONS | (LEAD_SECTIONS if may("lead") else {}), "profile_section",
              ProfileView(store, summary, time_zone, now), store)
