"""Weekly review: the chosen week against the previous one, and the 12-week trend."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.filters import Filters
from infodash.findings import actioned_between
from infodash.formatting import format_figure
from infodash.periods import Period, reference_week, span_label, weeks_ending_with, weeks_offered
from infodash.review import (DEFINITIONS, compared_week, period_figures, summary_from_figures, touchpoints_by_channel,
                             weekly_trend)
from infodash.sla import evaluate_requests
from infodash.sla_reports import ATTAINMENT_DEFINITION, late_and_at_risk, open_requests_at_risk, weekly_attainment
from infodash.ui.charts import cached_chart
from infodash.ui.feedback_sections import review_feedback_cards
from infodash.ui.review_charts import channel_chart, resolution_chart, volume_chart
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_expander, lazy_tabs, page_context
from infodash.ui.store import cached, cached_judged, store_errors
from infodash.ui.survey_sections import feedback_kpi, latest_summaries, summary_kpis
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown
from infodash.ui.what_changed import what_changed_block

# The trend table's columns, each with the definition its card gives: column -> (label, format).
_WEEK_FIGURES = {
    "received": ("Requests in", "%d"), "resolved": ("Resolved", "%d"), "open_at_end": ("Open at week end", "%d"),
    "median_resolution_hours": ("Median, elapsed h", "%.1f"), "declined": ("Declined", "%d"),
    "touchpoints": ("Touchpoints", "%d"), "touchpoint_minutes": ("Minutes", "%d"),
    "customers_served": ("Customers served", "%d"), "customers_in_scope": ("Customers in scope", "%d"),
    "reach_share": ("Share reached", "%.1f%%"), "follow_ups_due": ("Follow-ups due", "%d"),
    "follow_ups_open": ("Follow-ups open", "%d"),
}
WEEK_COLUMNS = {"week": st.column_config.DateColumn("Week starting", format="D MMM YYYY", pinned=True)} | {
    column: st.column_config.NumberColumn(label, format=pattern, help=DEFINITIONS[column])
    for column, (label, pattern) in _WEEK_FIGURES.items()}


@dataclass(frozen=True)
class WeekTrend:
    """The 12 weeks up to the chosen one, as the trend tabs draw them."""

    store: Store
    week: Period
    time_zone: ZoneInfo
    filters: Filters
    weeks: pd.DataFrame  # review.weekly_trend


def _volumes(trend: WeekTrend) -> None:
    st.plotly_chart(cached_chart("review_volume", volume_chart, trend.weeks), width="stretch")


def _resolution(trend: WeekTrend) -> None:
    st.plotly_chart(cached_chart("review_resolution", resolution_chart, trend.weeks), width="stretch")


def _channels(trend: WeekTrend) -> None:
    channels = cached(touchpoints_by_channel, trend.store, weeks_ending_with(trend.week, 12), trend.time_zone,
                      trend.filters)
    if channels.empty:
        st.info("No touchpoints in these 12 weeks for the chosen filters.")
    else:
        st.plotly_chart(cached_chart("review_channels", channel_chart, channels), width="stretch")


def _table(trend: WeekTrend) -> None:
    show_table(trend.weeks, "weekly-review-12-weeks.csv", key="review_weeks", hidden=("period_start", "period_end"),
               column_config=WEEK_COLUMNS)


context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
today = dt.datetime.now(time_zone).date()
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)  # open requests are judged against this minute

st.title("Weekly review")
span = context.data_span
weeks = weeks_offered(today, span and span.first_day)
week = st.selectbox(
    "Week", weeks, index=weeks.index(reference_week(today, span and span.last_day)),
    format_func=lambda period: period.label() + (" (so far)" if period.end > today else ""),
    key="review_week", persist_state="session", help="Weeks run Monday to Sunday in the organisation's time zone.",
)

with store_errors(store):
    trend = cached(weekly_trend, store, week, time_zone, filters)
    cached(evaluate_requests, store)
    service_levels = cached_judged(weekly_attainment, store, week, time_zone, filters, now=now, time_zone=time_zone)
    at_risk = cached(open_requests_at_risk, store, time_zone, filters, now=now)
    last_day = week.end - dt.timedelta(days=1)
    survey, feedback = latest_summaries(store, last_day, filters)
    compared = compared_week(week, today)
    same_days = None if compared == week.previous() else cached(period_figures, store, [compared], time_zone,
                                                                  filters)
    actioned = cached(actioned_between, store, *week.bounds(time_zone), filters).iloc[0]
    actioned_before = cached(actioned_between, store, *compared.bounds(time_zone), filters).iloc[0]

summary = summary_from_figures(week, trend, same_days)
if summary.is_empty:
    st.info("Nothing was logged in this week for the chosen filters: no requests, touchpoints or follow-ups. "
            "Pick another week or widen the filters in the sidebar.", icon=":material/event_busy:")
what_changed_block(store, week, compared, time_zone, filters, now)


def card(figure: str, label: str, kind: str = "count", direction: str = "higher_is_better") -> Kpi:
    return Kpi(label, summary.current[figure], summary.change(figure), DEFINITIONS[figure], kind, direction,
               trend[figure].tolist())


kpi_row([
    card("received", "Requests in", direction="neutral"),
    card("resolved", "Resolved"),
    card("open_at_end", "Open at week end", direction="lower_is_better"),
    card("median_resolution_hours", "Median, elapsed", "hours", direction="lower_is_better"),
    card("declined", "Declined", direction="neutral"),
])
kpi_row([
    card("touchpoints", "Touchpoints"),
    card("customers_served", "Customers served"),
    card("reach_share", "Share reached", "share"),
    card("follow_ups_due", "Follow-ups due", direction="neutral"),
    card("follow_ups_open", "Follow-ups open", direction="lower_is_better"),
])
attainment = service_levels["attainment"]
late, at_risk_count = late_and_at_risk(at_risk)
kpi_row([
    Kpi("SLA attainment", attainment.iloc[-1], attainment.iloc[-1] - attainment.iloc[-2], ATTAINMENT_DEFINITION
        + " Requests count in the week they were received.", "share", trend=attainment.tolist(),
        target=None if pd.isna(service_levels["primary_target"].iloc[-1]) else
        float(service_levels["primary_target"].iloc[-1])),
    Kpi("Late now", late, None, "Open requests past their due time, right now (see Service levels).",
        direction="lower_is_better"),
    Kpi("At risk now", at_risk_count, None, "Open requests not yet due with less than a fifth of their allowed "
        "business time left, right now (see Service levels).", direction="lower_is_better"),
    Kpi("Within limit", service_levels["within_hard_limit"].iloc[-1],
        service_levels["within_hard_limit"].iloc[-1] - service_levels["within_hard_limit"].iloc[-2],
        "Share of the week's resolved requests resolved within the policy's longer limit.", "share",
        trend=service_levels["within_hard_limit"].tolist()),
    Kpi("Anomalies actioned", actioned["actioned"], actioned["actioned"] - actioned_before["actioned"],
        "Usage anomalies marked actioned this week on the Usage monitoring page (with a note of what was done), "
        "whenever they were found. Under it: the customers' time they saved, as estimated by the reviewers "
        "(those who gave no estimate count as none).",
        note=f"{format_figure(actioned['hours_saved'], 'hours')} saved"),
])
compared_with = "the week before" if same_days is None else \
    f"the same days of the week before ({span_label(compared)})"
st.caption(f"{week.label()}; arrows compare with {compared_with}, lines show the 12 weeks up to it. "
           "The (?) on each card gives its definition.")
if survey or feedback:
    kpi_row((summary_kpis(survey) if survey else []) + ([feedback_kpi(feedback)] if feedback else []), slots=5)
    if survey:
        st.caption(f"Survey: {escape_markdown(survey.survey)}, {escape_markdown(survey.wave)}"
                   f"{' (still open)' if survey.in_progress else ''}, the latest "
                   "wave by this week; arrows compare with the wave before (see Surveys for which changes are "
                   "significant).")

with store_errors(store):
    review_feedback_cards(store, week, compared, time_zone, filters)
st.caption("Complaints, compliments and suggestions received this week (see Feedback); open complaints at the "
           "week's end.")

# The cards' lines already show the 12 weeks: the full charts wait until asked for.
if trends := lazy_expander("12-week trends: requests, resolution time, touchpoints by channel, and their table",
                           "review_trends", icon=":material/show_chart:"):
    with trends:
        lazy_tabs({"Requests": _volumes, "Resolution time": _resolution, "Touchpoints by channel": _channels,
                   "Table": _table}, "review_trend", WeekTrend(store, week, time_zone, filters, trend), store)
