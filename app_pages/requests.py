"""Requests: log a new request, move open requests through their statuses, record feedback on closed ones."""

import streamlit as st

from infodash.catalogue import service_options
from infodash.instruments import CSAT_LABELS
from infodash.service_requests import (CHANNELS, CLOSED, PRIORITIES, STATUSES, closed_requests, open_requests,
                                       request_history)
from infodash.survey_responses import request_feedback
from infodash.ui import request_form as form
from infodash.ui.layout import page_context
from infodash.ui.pickers import customer_options, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import show_table

context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone

st.title("Requests")
me = staff_name_input()
form.NEW.error("author")
form.ensure_defaults(time_zone)
with store_errors(store):
    customers = customer_options(store, "rq_customer", "rq_search")
    services = dict(cached(service_options, store))
    waiting = cached(open_requests, store, time_zone, 200)

with st.form("new_request", border=True, enter_to_submit=False):
    st.markdown("**Log a request**")
    form.NEW.flash()
    st.selectbox("Customer", list(customers), format_func=customers.get, key="rq_customer",
                 placeholder="Type a name, e-mail or department", persist_state="session")
    form.NEW.error("customer_id")
    service_col, channel_col, priority_col = st.columns([2, 1, 1])
    with service_col:
        st.selectbox("Service", list(services), format_func=services.get, key="rq_service",
                     placeholder="What is asked for", persist_state="session",
                     help="Out-of-scope services are in the list too, so declined requests are counted.")
        form.NEW.error("service_id")
    with channel_col:
        st.selectbox("Channel", list(CHANNELS), format_func=CHANNELS.get, key="rq_channel", persist_state="session")
        form.NEW.error("channel")
    with priority_col:
        st.selectbox("Priority", list(PRIORITIES), format_func=PRIORITIES.get, key="rq_priority",
                     persist_state="session")
        form.NEW.error("priority")
    st.text_input("Subject", key="rq_subject", persist_state="session", placeholder="What the customer needs")
    form.NEW.error("subject")
    date_col, time_col = st.columns(2)
    date_col.date_input("Received on", key="rq_date", format="YYYY-MM-DD", persist_state="session")
    with time_col:
        st.time_input("at", key="rq_time", persist_state="session", help="Defaults to now; change for late entries.")
        form.NEW.error("received_at")
    st.form_submit_button("Log request", type="primary", on_click=form.save_request, args=(store, time_zone))
form.NEW.error("form")

st.subheader("Open requests" if st.session_state["rq_list"] == "open" else "Recently closed requests")
listing = st.segmented_control("Show", list(form.LISTS), format_func=form.LISTS.get, key="rq_list", required=True,
                               persist_state="session", label_visibility="collapsed")
form.STATUS.flash()  # here, not in the status form: a request just closed has left the open list
with store_errors(store):
    listed = waiting if listing == "open" else cached(closed_requests, store, time_zone, 200)
if listed.empty:
    st.caption("No open requests." if listing == "open" else "No closed requests.")
    st.stop()
table = show_table(listed, f"{listing}-requests.csv", key=f"rq_table_{listing}", column_config=form.LIST_COLUMNS,
                   on_select="rerun", selection_mode="single-row")
chosen_rows = [row for row in table.selection.rows if row < len(listed)]  # a row of a list since shortened drops out
selected = int(listed.iloc[chosen_rows[0]]["request_id"]) if chosen_rows else st.session_state.get("rq_selected")
if selected not in set(listed["request_id"]):
    st.caption("Select a request to change its status." if listing == "open"
               else "Select a request to record the customer's feedback, or to reopen it.")
    st.stop()

st.markdown(f"**Request #{selected}**")
with store_errors(store):
    show_table(cached(request_history, store, selected, time_zone), f"request-{selected}-history.csv",
               key="rq_history", column_config=form.HISTORY_COLUMNS)
with st.form("status_change", border=True, enter_to_submit=False):
    status_col, date_col, time_col = st.columns(3)
    with status_col:
        st.selectbox("New status", [key for key in STATUSES if key != "received"], format_func=STATUSES.get,
                     key="st_status", persist_state="session")
        form.STATUS.error("status")
    date_col.date_input("On", key="st_date", format="YYYY-MM-DD", persist_state="session")
    with time_col:
        st.time_input("at", key="st_time", persist_state="session")
        form.STATUS.error("changed_at")
    st.text_input("Vendor (when waiting on one)", key="st_vendor", persist_state="session")
    form.STATUS.error("vendor")
    reason_col, referral_col = st.columns(2)
    with reason_col:
        st.text_input("Reason (when declining)", key="st_reason", persist_state="session")
        form.STATUS.error("reason")
    with referral_col:
        st.text_input("Referred to (when declining)", key="st_referral", persist_state="session")
        form.STATUS.error("referral")
    st.text_input("Note", key="st_note", persist_state="session")
    form.STATUS.error("note")
    st.form_submit_button("Save status", type="primary", on_click=form.save_status, args=(store, selected, time_zone))
form.STATUS.error("author")
form.STATUS.error("form")

if listed.set_index("request_id").at[selected, "status"] in CLOSED:
    st.markdown("**Customer feedback**")
    form.FEEDBACK.flash()
    with store_errors(store):
        given = cached(request_feedback, store, selected)
    if given:
        st.text(form.feedback_summary(given, time_zone))
    else:
        with st.form("feedback", border=True, enter_to_submit=False):
            st.segmented_control("How satisfied is the customer with how the request was handled?", list(CSAT_LABELS),
                                 format_func=form.csat_label, key="fb_csat")
            form.FEEDBACK.error("csat")
            st.text_input("Comment (optional)", key="fb_comment", placeholder="In the customer's words")
            form.FEEDBACK.error("comment")
            st.form_submit_button("Save feedback", type="primary", on_click=form.save_feedback,
                                  args=(store, selected, time_zone))
        form.FEEDBACK.error("request_id")
        form.FEEDBACK.error("author")
        form.FEEDBACK.error("form")
