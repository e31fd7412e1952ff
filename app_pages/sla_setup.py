"""SLA setup: the policies requests are judged by, and the business calendars they count on."""

import datetime as dt

import pandas as pd
import streamlit as st

from infodash.catalogue import customer_group_options, service_options
from infodash.policies import calendar_options, policy_versions
from infodash.service_requests import PRIORITIES
from infodash.setup_status import first_request_day
from infodash.sla import load_calendar
from infodash.ui import policy_form as form
from infodash.ui.layout import page_context
from infodash.ui.pickers import staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import show_table

context = page_context(with_filters=False)
store = context.store
st.title("SLA setup")
staff_name_input()
with store_errors(store):
    versions = cached(policy_versions, store)
    calendars = dict(cached(calendar_options, store))
    services = dict(cached(service_options, store))
    groups = dict(cached(customer_group_options, store))
    # a first policy taking effect today would judge none of the history already imported
    first_day = cached(first_request_day, store, context.time_zone) if versions.empty else None

st.subheader("Policies")
st.caption("Each request is judged by the versions in force on the day it arrived; when several policies match, "
           "the strictest deadline applies. A new version never rewrites history.")
show_table(versions, "sla-policies.csv", key="sla_policy_versions", column_config={
    "effective_from": st.column_config.DateColumn("From", format="D MMM YYYY"),
    "primary_target_share": st.column_config.NumberColumn("Promised", format="percent")})

with st.form("policy", border=True, enter_to_submit=False):
    st.markdown("**Add a policy, or a new version of one**")
    form.POLICY.flash()
    name_col, from_col, calendar_col = st.columns(3)
    with name_col:
        st.text_input("Policy name", key="pol_name", help="An existing name adds a version of that policy.")
        form.POLICY.error("name")
    with from_col:
        st.date_input("Takes effect on", value=first_day or dt.date.today(), key="pol_from", format="YYYY-MM-DD",
                      help="Requests that arrived earlier are judged by an earlier version, or not at all."
                      + (f" This first policy takes effect with the first request on file ({first_day:%d %b %Y}), "
                         "so that all imported history is judged." if first_day else ""))
        form.POLICY.error("effective_from")
    with calendar_col:
        st.selectbox("Calendar", list(calendars), format_func=calendars.get, key="pol_calendar")
        form.POLICY.error("calendar_id")
    service_col, priority_col, group_col = st.columns(3)
    service_col.selectbox("For service", [None, *services], format_func=lambda key: services.get(key, "any"),
                          key="pol_service")
    priority_col.selectbox("For priority", [None, *PRIORITIES], format_func=lambda key: PRIORITIES.get(key, "any"),
                           key="pol_priority")
    group_col.selectbox("For customer group", [None, *groups], format_func=lambda key: groups.get(key, "any"),
                        key="pol_group")
    st.radio("Resolution target", ["cutoff", "hours"], horizontal=True, key="pol_target",
             format_func={"cutoff": "Cut-off rule (same day / next morning)", "hours": "Business hours"}.get)
    cutoff_col, deadline_col, hours_col = st.columns(3)
    cutoff_col.time_input("Received before (cut-off rule)", value=dt.time(14), key="pol_cutoff")
    deadline_col.time_input("Otherwise due next business day at", value=dt.time(11), key="pol_deadline")
    with hours_col:
        st.number_input("Business hours (hours target)", min_value=0.0, value=8.0, step=0.5, key="pol_hours")
        form.POLICY.error("resolution_hours")
    form.POLICY.error("cutoff")
    first_col, share_col, limit_col = st.columns(3)
    with first_col:
        st.number_input("First response within (business hours, 0 = none)", min_value=0.0, value=2.0, step=0.5,
                        key="pol_first_response")
        form.POLICY.error("first_response_hours")
    with share_col:
        st.number_input("Promised share within target (%)", min_value=1.0, max_value=100.0, value=95.0,
                        key="pol_share")
        form.POLICY.error("primary_target_share")
    with limit_col:
        st.number_input("Every request within (business hours, 0 = no limit)", min_value=0.0, value=22.5, step=0.5,
                        key="pol_limit")
        form.POLICY.error("hard_limit_hours")
    st.checkbox("Waiting on the customer pauses the clock", value=True, key="pol_pause_customer")
    st.checkbox("Waiting on a vendor pauses the clock", value=True, key="pol_pause_vendor")
    st.form_submit_button("Save policy version", type="primary", on_click=form.save_policy, args=(store,))
form.POLICY.error("author")
form.POLICY.error("form")

st.subheader("Business calendars")
chosen = st.selectbox("Calendar", [None, *calendars], format_func=lambda key: calendars.get(key, "New calendar"),
                      key="cal_choice", index=1 if calendars else 0)
with store_errors(store):
    calendar = cached(load_calendar, store, chosen) if chosen is not None else None
hours = pd.DataFrame([(form.WEEKDAYS[day], opens, closes) for day, slots in sorted(calendar.hours.items())
                      for opens, closes in slots] if calendar else [], columns=["weekday", "opens", "closes"])
closures = pd.DataFrame(sorted(calendar.closures) if calendar else [], columns=["day"]).assign(reason="Closed")
with st.form(f"calendar_{chosen}", border=True, enter_to_submit=False):
    form.CALENDAR.flash()
    name_col, tz_col, country_col, region_col = st.columns(4)
    name_col.text_input("Name", value=calendars.get(chosen, ""), key="cal_name")
    tz_col.text_input("Time zone", value=calendar.time_zone.key if calendar else "Europe/London", key="cal_tz")
    country_col.text_input("Holidays of country", value=(calendar.country or "") if calendar else "GB",
                           key="cal_country", help="ISO code; public holidays come from the holidays package.")
    region_col.text_input("Region", value=(calendar.subdivision or "") if calendar else "ENG", key="cal_subdivision")
    for field in ("name", "time_zone", "country", "subdivision"):
        form.CALENDAR.error(field)
    hours_col, closures_col = st.columns(2)
    with hours_col:
        st.markdown("Working hours (several slots a day allowed)")
        edited_hours = st.data_editor(hours, num_rows="dynamic", hide_index=True, key=f"cal_hours_{chosen}",
                                      column_config={"weekday": st.column_config.SelectboxColumn(options=form.WEEKDAYS),
                                                     "opens": st.column_config.TimeColumn(format="HH:mm"),
                                                     "closes": st.column_config.TimeColumn(format="HH:mm")})
        form.CALENDAR.error("hours")
    with closures_col:
        st.markdown("The team's own closure days")
        edited_closures = st.data_editor(closures, num_rows="dynamic", hide_index=True, key=f"cal_closures_{chosen}",
                                         column_config={"day": st.column_config.DateColumn(format="YYYY-MM-DD")})
    saved = st.form_submit_button("Save calendar", type="primary")
if saved:
    form.save_calendar_from_tables(store, chosen, edited_hours, edited_closures)
    st.rerun()
form.CALENDAR.error("author")
form.CALENDAR.error("form")
