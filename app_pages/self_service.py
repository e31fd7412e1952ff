"""Self-service opportunities: the routine requests customers could handle themselves (the same kind of
request again and again, little effort, resolved quickly), the staff hours they cost per month, ranked by
the hours self-service would free, and where they come from."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store
from infodash.filters import Filters
from infodash.formatting import count_of
from infodash.periods import Period, reference_week
from infodash.self_service import (DEFINITIONS, Opportunities, example_subjects, grouping_summary, opportunities,
                                   share_by)
from infodash.sla import evaluate_requests
from infodash.ui.charts import cached_chart
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.pickers import may
from infodash.ui.self_service_charts import hours_chart, mix_chart
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown

SPANS = {13: "Last 13 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks"}
_NUMBER = st.column_config.NumberColumn
COLUMNS = {
    "rank": _NUMBER("Rank", format="%d", width="small", pinned=True, help=DEFINITIONS["rank"]),
    "label": st.column_config.TextColumn("Typical subject", width="large", pinned=True, help=DEFINITIONS["label"]),
    "top_words": st.column_config.TextColumn("Top words", help=DEFINITIONS["top_words"]),
    "requests": _NUMBER("Requests", format="%d", help=DEFINITIONS["requests"]),
    "share": _NUMBER("Share of requests", format="percent", help=DEFINITIONS["share"]),
    "requests_per_month": _NUMBER("Per month", format="%.1f", help=DEFINITIONS["requests_per_month"]),
    "median_effort_minutes": _NUMBER("Median effort, min", format="%.0f", help=DEFINITIONS["median_effort_minutes"]),
    "measured_share": _NUMBER("Effort logged", format="percent", help=DEFINITIONS["measured_share"]),
    "median_hours": _NUMBER("Median to resolve, business h", format="%.1f", help=DEFINITIONS["median_hours"]),
    "hours_per_month": _NUMBER("Staff hours per month", format="%.1f", help=DEFINITIONS["hours_per_month"]),
    "repeats": st.column_config.CheckboxColumn("Repeats", help=DEFINITIONS["repeats"]),
    "short_effort": st.column_config.CheckboxColumn("Less effort", help=DEFINITIONS["short_effort"]),
    "quick": st.column_config.CheckboxColumn("Quick", help=DEFINITIONS["quick"]),
    "routine": st.column_config.CheckboxColumn("Routine", help=DEFINITIONS["routine"]),
}
MIX_COLUMNS = {
    "value": st.column_config.TextColumn("Service or group", pinned=True),
    "requests": _NUMBER("All requests", format="%d"),
    "candidate_requests": _NUMBER("This candidate's", format="%d"),
    "share": _NUMBER("Share of its requests", format="percent", help=DEFINITIONS["chosen_share"]),
}


@dataclass(frozen=True)
class OpportunityView:
    """What the page's tabs draw from: the candidates of the requests received in ``period``."""

    store: Store
    period: Period
    time_zone: ZoneInfo
    filters: Filters
    found: Opportunities


def _candidates(view: OpportunityView) -> None:
    candidates = view.found.candidates
    show_all = st.toggle("Show every candidate, routine or not", key="ss_show_all",
                         help="Off: the routine candidates, ranked by the staff hours per month self-service would "
                              "free.")
    shown = candidates if show_all else candidates[candidates["routine"]]
    if shown.empty:
        unjudged = " No request has a service-level verdict, so none counts as quick: set up a policy on SLA " \
                   "setup." if candidates["median_hours"].isna().all() else ""
        st.info("No candidate is routine in this period for the chosen filters. Switch on \"Show every candidate\" "
                f"to see which criterion each one misses.{unjudged}", icon=":material/search_off:")
        return
    st.plotly_chart(cached_chart("ss_hours", hours_chart, shown.head(15)), width="stretch")
    if len(shown) > 15:
        st.caption(f"The chart shows the 15 largest of {len(shown):,}; the table lists them all.")
    show_table(shown, "self-service-candidates.csv", key="ss_candidates", hidden=("candidate",),
               column_config=COLUMNS)


def _sources(view: OpportunityView) -> None:
    st.caption("Where routine requests come from. " + DEFINITIONS["service_share"])
    for column, (dimension, label) in zip(st.columns(2), (("service", "Service"),
                                                          ("customer group", "Customer group")), strict=True):
        column.plotly_chart(cached_chart(f"ss_mix_{dimension}", mix_chart, share_by(view.found, dimension), label),
                            width="stretch")


def _one_candidate(view: OpportunityView) -> None:
    candidates = view.found.candidates
    labels = dict(zip(candidates["candidate"], candidates["label"], strict=True))
    chosen = st.selectbox("Candidate", list(labels), format_func=labels.get, key="ss_candidate",
                          help="Routine candidates first, largest first.")
    if chosen is None:
        return
    row = candidates[candidates["candidate"] == chosen].iloc[0]
    st.caption(f"Top words: {escape_markdown(row['top_words']) or '(none)'}. "
               f"{count_of(int(row['requests']), 'request')} in the period, {row['hours_per_month']:.1f} staff hours "
               "per month.")
    for column, dimension in zip(st.columns(2), ("service", "customer group"), strict=True):
        mix = share_by(view.found, dimension, (int(chosen),))
        with column:
            show_table(mix[mix["candidate_requests"] > 0], f"self-service-by-{dimension.replace(' ', '-')}.csv",
                       key=f"ss_chosen_{dimension}",
                       column_config=MIX_COLUMNS | {"value": st.column_config.TextColumn(dimension.capitalize())})
    if may("staff"):
        examples = cached(example_subjects, view.store, int(chosen), view.period, view.time_zone, view.filters)
        st.markdown("**Example subjects, as typed**")
        show_table(examples, "self-service-examples.csv", key="ss_examples")
    else:
        st.caption("Example subjects name the customers who asked: staff see them.")


context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
today = dt.datetime.now(time_zone).date()

st.title("Self-service opportunities")
weeks = st.segmented_control("Requests received in", list(SPANS), format_func=SPANS.get, default=26,
                             key="ss_span", persist_state="session") or 26
last_week = reference_week(today, context.data_span and context.data_span.last_day)
period = Period(last_week.end - dt.timedelta(weeks=weeks), last_week.end)
st.caption(f"{period.label()} ({time_zone.key}). Requests whose subjects read alike are grouped into candidates; a "
           "candidate is routine when it repeats, takes less effort than its service's requests usually do and is "
           "resolved within about a business day. Hover over a card or column for its definition; the full rule "
           "and how subjects are grouped are at the foot of the page.")

with store_errors(store):
    cached(evaluate_requests, store)  # the business hours to resolve come from the service-level verdicts
    grouping = cached(grouping_summary, store)  # groups the subjects once, until they change
    found = cached(opportunities, store, period, time_zone, filters)
if found.requests == 0:
    st.info("No requests were received in this period for the chosen filters. Pick a longer period or widen the "
            "filters in the sidebar.", icon=":material/event_busy:")
    st.stop()
if grouping.candidates == 0:
    st.info("No request has a subject yet, so there is nothing to group. Requests logged on the Requests page or "
            "imported with a subject column appear here.", icon=":material/subject:")
    st.stop()

routine = found.candidates[found.candidates["routine"]]
kpi_row([
    Kpi("Routine requests", found.routine_requests, None, DEFINITIONS["routine_requests"], direction="neutral"),
    Kpi("Share of requests", found.routine_requests / found.requests, None, DEFINITIONS["routine_share"], "share",
        "neutral"),
    Kpi("Staff hours a month", found.routine_hours_per_month, None, DEFINITIONS["routine_hours"], "hours",
        "neutral"),
    Kpi("Of all staff hours", found.routine_hours_per_month / found.all_hours_per_month
        if found.all_hours_per_month else None, None, DEFINITIONS["routine_hours_share"], "share", "neutral"),
    Kpi("Routine candidates", len(routine), None, DEFINITIONS["routine_candidates"], direction="neutral"),
])

lazy_tabs({"Candidates": _candidates, "Where they come from": _sources, "One candidate": _one_candidate},
          "ss_section", OpportunityView(store, period, time_zone, filters, found), store)

with st.expander("How subjects are grouped, and every definition", icon=":material/info:"):
    st.markdown(DEFINITIONS["method"])
    st.caption(f"All time: {grouping.distinct:,} distinct normalised subjects, the {grouping.clustered:,} most "
               f"frequent clustered into {grouping.candidates:,} candidates; {grouping.ungrouped_requests:,} requests "
               f"joined no candidate. In this period {found.ungrouped_requests:,} of {found.requests:,} requests had "
               "no subject or joined no candidate.")
    for key in ("hours_per_month", "median_effort_minutes", "median_hours", "routine", "repeats", "short_effort",
                "quick", "rank"):
        st.markdown(f"**{COLUMNS[key]['label']}**: {DEFINITIONS[key]}")
