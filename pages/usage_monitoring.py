"""Usage monitoring: the anomalies worth acting on, each with its explanation, evidence and suggested
action, reviewed, actioned or dismissed here; and how the systems are used, by system, resource and
customer group."""

import datetime as dt

import streamlit as st

from infodash.detection import SENSITIVITY_SETTING, last_run, sensitivity_threshold
from infodash.findings import anomalies
from infodash.periods import Period, last_complete_week
from infodash.settings import get_setting
from infodash.ui.layout import page_context
from infodash.ui.store import cached, store_errors
from infodash.ui.usage_sections import anomaly_list, closed_table, detection_button, detection_status, overview
from infodash.usage_reports import resource_ranking, usage_overview

SPANS = {4: "Last 4 weeks", 12: "Last 12 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks"}
CLOSED_SHOWN = 50

context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone

st.title("Usage monitoring")
status_col = detection_button(store)
with store_errors(store):  # read after "Run detection now" or a review, so the lists show what they changed
    runs = cached(last_run, store)
    sensitivity = cached(get_setting, store, SENSITIVITY_SETTING, "normal") or "normal"
    threshold = cached(sensitivity_threshold, store)
    open_items = cached(anomalies, store, ("new", "reviewing"), filters)
    closed = cached(anomalies, store, ("actioned", "dismissed"), filters, CLOSED_SHOWN, True)
detection_status(store, status_col, runs, sensitivity, time_zone)

st.subheader("Anomalies to review")
anomaly_list(store, open_items, time_zone, threshold)

st.subheader("Recently closed")
closed_table(closed, time_zone)

st.subheader("Usage overview")
weeks = st.segmented_control("Period", list(SPANS), format_func=SPANS.get, default=12, key="usage_span",
                             persist_state="session") or 12
last_week = last_complete_week(dt.datetime.now(time_zone).date())
period = Period(last_week.end - dt.timedelta(weeks=weeks), last_week.end)
st.caption(f"{period.label()}, complete weeks (Monday to Sunday, {time_zone.key}). The customer-group filter "
           "keeps the use by customers in those groups; the service filter does not apply to usage.")
with store_errors(store):
    usage = cached(usage_overview, store, period, time_zone, filters)
    resources = cached(resource_ranking, store, period, time_zone, filters)
overview(usage, resources)
