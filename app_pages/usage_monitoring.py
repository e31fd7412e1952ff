"""Usage monitoring: the anomalies worth acting on, each with its explanation, evidence and suggested
action, reviewed, actioned or dismissed here; and how the systems are used, by system, resource and
customer group (a tab each, read only while open)."""

import streamlit as st

from infodash.detection import SENSITIVITY_SETTING, last_run, sensitivity_threshold
from infodash.settings import get_setting
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.store import cached, store_errors
from infodash.ui.usage_sections import SECTIONS, UsageView, detection_button, detection_status

context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone

st.title("Usage monitoring")
status_col = detection_button(store)
with store_errors(store):  # read after "Run detection now" or a review, so the lists show what they changed
    runs = cached(last_run, store)
    sensitivity = cached(get_setting, store, SENSITIVITY_SETTING, "normal") or "normal"
    threshold = cached(sensitivity_threshold, store)
detection_status(store, status_col, runs, sensitivity, time_zone)
lazy_tabs(SECTIONS, "usage_section", UsageView(store, filters, time_zone, threshold,
                                               context.data_span and context.data_span.last_day), store)
