"""SLA performance: attainment against each policy by week and by any breakdown, times to resolve,
and the open requests at risk now."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import count_of
from infodash.periods import Period, reference_week
from infodash.sla import evaluate_requests
from infodash.sla_reports import (ATTAINMENT_DEFINITION, BREACH_REASONS, MEASURE_SUMMARY, MEASURES, attainment_by_each,
                                  breaches_by_reason, open_requests_at_risk, requests_behind, resolution_histogram,
                                  late_and_at_risk, unexplained_breaches)
from infodash.ui.breach_form import FEEDBACK, save_reason
from infodash.ui.charts import cached_chart
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.pickers import may, staff_name_input
from infodash.ui.sla_charts import breakdown_chart, reasons_chart, times_chart, weekly_chart
from infodash.ui.store import cached, cached_judged, store_errors
from infodash.ui.tables import show_table

BREAKDOWNS = {"service": "Service", "customer group": "Customer group", "channel": "Channel",
              "priority": "Priority", "assignee": "Assignee", "policy": "Policy",
              "vendor involvement": "Vendor involvement"}
SPANS = {4: "Last 4 weeks", 12: "Last 12 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks", "custom": "Dates..."}


@dataclass(frozen=True)
class LevelsView:
    """What the page's tabs draw from: the requests received in ``period``, judged against ``now``."""

    store: Store
    period: Period
    time_zone: ZoneInfo
    filters: Filters
    now: dt.datetime
    total: pd.Series  # the period's figures, all requests together
    by_week: pd.DataFrame  # and by the week they were received
    at_risk: pd.DataFrame  # open requests late or at risk now
    late: int
    at_risk_count: int


def _weeks(view: LevelsView) -> None:
    st.plotly_chart(cached_chart("sla_weekly", weekly_chart, view.by_week, float(view.total["primary_target"])),
                    width="stretch")


def _breakdown(view: LevelsView) -> None:
    dimension = st.selectbox("Break down by", list(BREAKDOWNS), format_func=BREAKDOWNS.get, key="sla_dimension",
                             persist_state="session")
    breakdown = cached_judged(attainment_by_each, view.store, (dimension,), view.period, view.time_zone, view.filters,
                              now=view.now, time_zone=view.time_zone)[dimension]
    st.plotly_chart(cached_chart("sla_breakdown", breakdown_chart, breakdown, BREAKDOWNS[dimension],
                                 float(view.total["primary_target"])), width="stretch")
    st.caption("Select a row to see the requests behind it.")
    table = show_table(breakdown, f"sla-by-{dimension.replace(' ', '-')}.csv", key="sla_breakdown_table",
                       column_config={"value": st.column_config.Column(BREAKDOWNS[dimension], pinned=True)},
                       on_select="rerun", selection_mode="single-row")
    if table.selection.rows:
        chosen = breakdown.iloc[table.selection.rows[0]]["value"]
        st.markdown(f"**Requests behind: {BREAKDOWNS[dimension]}**")
        st.text(str(chosen))
        behind = cached_judged(requests_behind, view.store, dimension, chosen, view.period, view.time_zone,
                               view.filters, now=view.now, time_zone=view.time_zone)
        show_table(behind, "sla-requests.csv", key="sla_behind")


def _times(view: LevelsView) -> None:
    measure = st.radio("Business time to", list(MEASURES), horizontal=True, key="sla_measure",
                       help="Time waiting on the customer or a vendor is left out of the time to resolve.")
    times = cached(resolution_histogram, view.store, view.period, view.time_zone, view.filters, measure=measure)
    median, p90 = (float(view.total[column]) for column in MEASURE_SUMMARY[measure])
    st.plotly_chart(cached_chart("sla_times", times_chart, times, median, p90, f"Time to {measure}"), width="stretch")


def _late_or_at_risk(view: LevelsView) -> None:
    if view.at_risk.empty:
        st.caption("None: no open request is past its due time or has less than a fifth of its business time left.")
        return
    listed = f" (the {len(view.at_risk):,} most overdue are listed)" \
        if len(view.at_risk) < view.late + view.at_risk_count else ""
    st.caption(f"{count_of(view.late, 'request')} late (past their due time) and {view.at_risk_count:,} at risk "
               f"(less than a fifth of their business time left){listed}.")
    show_table(view.at_risk, "sla-late-or-at-risk.csv", key="sla_at_risk", hidden=("late_total", "at_risk_total"))


def _breaches(view: LevelsView) -> None:
    reasons = cached_judged(breaches_by_reason, view.store, view.period, view.time_zone, view.filters,
                            now=view.now, time_zone=view.time_zone)
    unexplained = cached_judged(unexplained_breaches, view.store, view.period, view.time_zone, view.filters,
                                now=view.now, time_zone=view.time_zone)
    if not reasons.empty:
        st.plotly_chart(cached_chart("sla_reasons", reasons_chart, reasons), width="stretch")
    if unexplained.empty:
        st.caption("Every breach in this period has its reason recorded.")
        return
    total_unexplained = int(unexplained["total"].iloc[0])
    listed = f"; the {len(unexplained):,} most recent are listed" if len(unexplained) < total_unexplained else \
        " (most recent first)"
    st.caption(f"{count_of(total_unexplained, 'breach', 'breaches')} without a reason yet{listed}.")
    show_table(unexplained, "sla-breaches-without-reason.csv", key="sla_unexplained", hidden=("total",))
    if may("staff"):
        _reason_form(view, unexplained)


def _reason_form(view: LevelsView, unexplained: pd.DataFrame) -> None:
    me = staff_name_input()
    # staff are offered what they may explain; a lead any (the library decides)
    theirs = unexplained if may("lead") else cached_judged(unexplained_breaches, view.store, view.period,
                                                            view.time_zone, view.filters, now=view.now,
                                                            time_zone=view.time_zone, worker=me)
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
        st.form_submit_button("Record reason", type="primary", on_click=save_reason, args=(view.store,))


SECTIONS = {"By week": _weeks, "Breakdown": _breakdown, "Time to resolve": _times,
            "Late or at risk now": _late_or_at_risk, "Breaches and reasons": _breaches}


context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
today = dt.datetime.now(time_zone).date()
# open requests are judged against this minute: part of the cache key, so "now" moves on
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)

st.title("Service levels")
weeks = st.segmented_control("Requests received in", list(SPANS), format_func=SPANS.get, default=12,
                             key="sla_span", persist_state="session") or 12
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
    levels = cached_judged(attainment_by_each, store, ("all", "week"), period, time_zone, filters, now=now,
                           time_zone=time_zone)
    overall, by_week = levels["all"], levels["week"]
    at_risk = cached(open_requests_at_risk, store, time_zone, filters, now=now)

if overall.empty or overall["requests"].iloc[0] == 0:
    st.info("No requests with a service-level policy were received in this period for the chosen filters.",
            icon=":material/event_busy:")
    st.stop()
total = overall.iloc[0]
late, at_risk_count = late_and_at_risk(at_risk)
kpi_row([
    Kpi("Attainment", total["attainment"], None, ATTAINMENT_DEFINITION, "share",
        target=None if pd.isna(total["primary_target"]) else float(total["primary_target"])),
    Kpi("Promised", total["primary_target"], None, "The share of requests the policy promises to resolve within "
        "its primary target.", "share", "neutral"),
    Kpi("Within limit", total["within_hard_limit"], None, "Share of resolved requests resolved within "
        "the policy's longer limit (e.g. three business days).", "share"),
    Kpi("Late now", late, None, "Open requests past their due time, now.", "count", "lower_is_better"),
    Kpi("At risk now", at_risk_count, None, "Open requests not yet due with less than a fifth of their allowed "
        "business time left, now.", "count", "lower_is_better"),
])
kpi_row([
    Kpi("Median, business h", total["median_hours"], None, "Median business hours from receipt to "
        "resolution: opening hours only, time waiting on the customer or a vendor left out. (The Weekly review's "
        "median counts every hour, nights and weekends included.)", "hours", "lower_is_better"),
    Kpi("90th pct, business h", total["p90_hours"], None, "Nine in ten requests were resolved within "
        "this many business hours.", "hours", "lower_is_better"),
], slots=5)


lazy_tabs(SECTIONS, "sla_section", LevelsView(store, period, time_zone, filters, now, total, by_week, at_risk, late,
                                            at_risk_count), store)
