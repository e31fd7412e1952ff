"""SLA performance: attainment against each policy by week and by any breakdown, times to resolve,
and the open requests at risk now."""

import datetime as dt

import streamlit as st

from infodash.periods import Period, reference_week
from infodash.sla import evaluate_requests
from infodash.sla_reports import (ATTAINMENT_DEFINITION, BREACH_REASONS, MEASURE_SUMMARY, MEASURES, attainment_by_each,
                                  breaches_by_reason, open_requests_at_risk, requests_behind, resolution_histogram,
                                  unexplained_breaches)
from infodash.ui.breach_form import FEEDBACK, save_reason
from infodash.ui.charts import cached_chart
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import page_context
from infodash.ui.pickers import may, staff_name_input
from infodash.ui.sla_charts import breakdown_chart, reasons_chart, times_chart, weekly_chart
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import download_button

BREAKDOWNS = {"service": "Service", "customer group": "Customer group", "channel": "Channel",
              "priority": "Priority", "assignee": "Assignee", "policy": "Policy",
              "vendor involvement": "Vendor involvement"}
SPANS = {4: "Last 4 weeks", 12: "Last 12 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks", "custom": "Dates..."}



context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
today = dt.datetime.now(time_zone).date()
# open requests are judged against this minute: part of the cache key, so "now" moves on
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)

st.title("Service levels")
span_col, dimension_col = st.columns([3, 2])
with span_col:
    weeks = st.segmented_control("Requests received in", list(SPANS), format_func=SPANS.get, default=12,
                                 key="sla_span", persist_state="session") or 12
dimension = dimension_col.selectbox("Break down by", list(BREAKDOWNS), format_func=BREAKDOWNS.get,
                                    key="sla_dimension", persist_state="session")
last_week = reference_week(today, context.data_span and context.data_span.last_day)
period = Period(last_week.end - dt.timedelta(weeks=12 if weeks == "custom" else weeks), last_week.end)
if weeks == "custom":
    chosen_dates = st.date_input("From and to (inclusive)", value=(period.start, period.end - dt.timedelta(days=1)),
                                 key="sla_dates", format="YYYY-MM-DD")
    if len(chosen_dates) == 2:
        period = Period(chosen_dates[0], chosen_dates[1] + dt.timedelta(days=1))
st.caption(f"{period.label()}. {ATTAINMENT_DEFINITION}")

with store_errors(store):
    cached(evaluate_requests, store)
    levels = cached(attainment_by_each, store, ("all", "week", dimension), period, time_zone, filters, now=now)
    overall, by_week, breakdown = levels["all"], levels["week"], levels[dimension]
    at_risk = cached(open_requests_at_risk, store, time_zone, filters, now=now)
    reasons = cached(breaches_by_reason, store, period, time_zone, filters, now=now)
    unexplained = cached(unexplained_breaches, store, period, time_zone, filters, now=now)

if overall.empty or overall["requests"].iloc[0] == 0:
    st.info("No requests with a service-level policy were received in this period for the chosen filters.",
            icon=":material/event_busy:")
    st.stop()
total = overall.iloc[0]
kpi_row([
    Kpi("Attainment", total["attainment"], None, ATTAINMENT_DEFINITION, "share"),
    Kpi("Promised", total["primary_target"], None, "The share of requests the policy promises to resolve within "
        "its primary target.", "share", "neutral"),
    Kpi("Within limit", total["within_hard_limit"], None, "Share of resolved requests resolved within "
        "the policy's longer limit (e.g. three business days).", "share"),
    Kpi("Median", total["median_hours"], None, "Median business hours from receipt to resolution, "
        "time waiting on the customer or a vendor excluded.", "hours", "lower_is_better"),
    Kpi("90th percentile", total["p90_hours"], None, "90th percentile of business hours to resolve.", "hours",
        "lower_is_better"),
    Kpi("At risk now", len(at_risk), None, "Open requests past their due time or with less than a fifth "
        "of their allowed business time left, now.", "count", "lower_is_better"),
])

st.plotly_chart(cached_chart("sla_weekly", weekly_chart, by_week, float(total["primary_target"])), width="stretch")

st.subheader(f"By {BREAKDOWNS[dimension].lower()}")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(cached_chart("sla_breakdown", breakdown_chart, breakdown, BREAKDOWNS[dimension],
                                 float(total["primary_target"])), width="stretch")
with right:
    measure = st.radio("Business time to", list(MEASURES), horizontal=True, key="sla_measure",
                       help="Time waiting on the customer or a vendor is left out of the time to resolve.")
    with store_errors(store):
        times = cached(resolution_histogram, store, period, time_zone, filters, measure=measure)
    median, p90 = (float(total[column]) for column in MEASURE_SUMMARY[measure])
    st.plotly_chart(cached_chart("sla_times", times_chart, times, median, p90, f"Time to {measure}"), width="stretch")

st.caption("Select a row to see the requests behind it.")
table = st.dataframe(
    breakdown, hide_index=True, on_select="rerun", selection_mode="single-row", key="sla_breakdown_table",
    column_config={"value": BREAKDOWNS[dimension], "attainment": st.column_config.NumberColumn(format="percent"),
                   "within_hard_limit": st.column_config.NumberColumn("within limit", format="percent"),
                   "primary_target": st.column_config.NumberColumn("promised", format="percent"),
                   "median_hours": st.column_config.NumberColumn("median h", format="%.1f"),
                   "p90_hours": st.column_config.NumberColumn("90% h", format="%.1f")})
download_button(breakdown, f"sla-by-{dimension.replace(' ', '-')}.csv")
if table.selection.rows:
    chosen = breakdown.iloc[table.selection.rows[0]]["value"]
    st.markdown(f"**Requests behind: {BREAKDOWNS[dimension]}**")
    st.text(str(chosen))
    with store_errors(store):
        behind = cached(requests_behind, store, dimension, chosen, period, time_zone, filters, now=now)
    st.dataframe(behind, hide_index=True)
    download_button(behind, "sla-requests.csv", key="sla_behind_download")

st.subheader("Open requests at risk or late now")
if at_risk.empty:
    st.caption("None: every open request has more than a fifth of its business time left.")
else:
    st.dataframe(at_risk, hide_index=True, column_config={
        "business_hours_left": st.column_config.NumberColumn("business hours left", format="%.1f")})
    download_button(at_risk, "sla-at-risk.csv", key="sla_at_risk_download")

st.subheader("Breaches and their reasons")
if not reasons.empty:
    st.plotly_chart(cached_chart("sla_reasons", reasons_chart, reasons), width="stretch")
if unexplained.empty:
    st.caption("Every breach in this period has its reason recorded.")
else:
    st.caption(f"{len(unexplained):,} breaches without a reason yet (most recent first).")
    st.dataframe(unexplained, hide_index=True)
if not unexplained.empty and may("staff"):
    me = staff_name_input()
    # staff explain the breaches of requests assigned to them or to nobody; a lead any (the library decides)
    theirs = unexplained if may("lead") else unexplained[unexplained["assigned_to"].isna()
                                                          | (unexplained["assigned_to"] == me)]
    with st.form("breach_reason", border=True, enter_to_submit=False):
        FEEDBACK.flash()
        request_col, reason_col = st.columns(2)
        request_col.selectbox("Request", theirs["request_id"].tolist(), key="br_request",
                              format_func=lambda request_id: f"#{request_id}",
                              placeholder="None of these is assigned to you" if theirs.empty else "Choose a request")
        reason_col.selectbox("Why it missed", list(BREACH_REASONS), format_func=BREACH_REASONS.get, key="br_reason")
        st.text_input("Note (optional)", key="br_note")
        for field in ("request", "reason", "note", "author", "form"):
            FEEDBACK.error(field)
        st.form_submit_button("Record reason", type="primary", on_click=save_reason, args=(store,))
