"""Parts of the Customer groups page: the period picker, the headline cards, the breakdown table with its
drill-down into a cell's customers, and the sections below it (:data:`SECTIONS`), each of which reads what it
shows through the library (cached) only when its tab is open. Every table can be downloaded
and every figure carries its definition; names of groups, departments and customers are shown as plain text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash import groups
from infodash.db import Store
from infodash.filters import Filters
from infodash.findings import DETECTORS, anomalies
from infodash.formatting import count_of
from infodash.groups import (DEFINITIONS, EFFORT_MEASURES, LIFECYCLE_STAGES, QUIET_DAYS, TOP_PERCENT,
                             UNDER_SERVED_RULE, GroupBreakdown, anomalies_by_group, declined_share_by_service,
                             declines_by, effort_concentration, services_by)
from infodash.instruments import load_instrument, waves
from infodash.periods import Period, recent_reporting_periods, reference_week, reporting_period_containing
from infodash.surveys import (HEADLINE, MIN_RESPONSES, SUPPRESSED, WITHHELD, csat_with_interval, dimension_scores,
                              latest_wave, nps_with_margin)
from infodash.touchpoints import CHANNELS
from infodash.ui.charts import cached_chart
from infodash.ui.group_charts import (channel_chart, declined_share_chart, declines_chart, effort_chart, heat_map,
                                      lifecycle_chart, pareto_chart, reach_chart)
from infodash.ui.kpi import Kpi, kpi_row
from infodash.setup_status import DataSpan
from infodash.ui.layout import lazy_tabs
from infodash.ui.pickers import may
from infodash.ui.store import cached
from infodash.ui.survey_sections import breakdown_table as survey_breakdown_table
from infodash.ui.tables import download_button, show_table
from infodash.ui.text import escape_markdown
from infodash.usage_reports import DEFINITIONS as USAGE_DEFINITIONS
from infodash.usage_reports import adoption_by

PROFILE_PAGE = "app_pages/customer_profile.py"
PROFILE_CUSTOMER_KEY = "profile_customer"
SPANS = {4: "Last 4 weeks", 13: "Last 13 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks", "quarter": "A quarter",
         "custom": "Dates..."}
SHOWN_ROWS = 1_000  # longer lists are shown in part and downloaded whole


def _number(label: str, figure: str, pattern: str = "%d") -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=pattern, help=DEFINITIONS.get(figure))


def _change(label: str, figure: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%+d",
                                         help=f"Change from the previous period: {DEFINITIONS[figure][0].lower()}"
                                              f"{DEFINITIONS[figure][1:]}")


def period_picker(today: dt.date, data: DataSpan | None = None) -> Period:
    """The period chosen: the last 4, 13, 26 or 52 complete weeks (of the data, where it ends earlier), a
    calendar quarter (back to the first that holds data), or dates."""
    span = st.segmented_control("Period", list(SPANS), format_func=SPANS.get, default=13, key="groups_span",
                                persist_state="session",
                                help="Weeks run Monday to Sunday and end with the last complete week. Every figure "
                                     "is compared with the period of the same length just before.") or 13
    last_week = reference_week(today, data and data.last_day)
    if span == "quarter":
        quarters = recent_reporting_periods("quarter", today, 9, first_data_day=data and data.first_day)
        latest = reporting_period_containing("quarter", last_week.start)
        quarter = st.selectbox("Quarter", quarters, index=quarters.index(latest) if latest in quarters[1:] else 1,
                               key="groups_quarter",
                               format_func=lambda q: q.label() + (" (so far)" if q.is_partial(today) else ""))
        return quarter.covered(today)
    period = Period(last_week.end - dt.timedelta(weeks=13 if span == "custom" else span), last_week.end)
    if span == "custom":
        chosen = st.date_input("From and to (inclusive)", value=(period.start, period.end - dt.timedelta(days=1)),
                               key="groups_dates", format="YYYY-MM-DD", max_value=today)
        if len(chosen) == 2:
            period = Period(chosen[0], chosen[1] + dt.timedelta(days=1))
    return period


def headline(figures: GroupBreakdown) -> None:
    """Cards for the whole organisation (the chosen groups), against the previous period, and a warning
    naming the under-served cells."""
    def card(label: str, figure: str, definition: str, direction: str = "higher_is_better") -> Kpi:
        now, before = figures.total(figure)
        return Kpi(label, now, now - before, definition, direction=direction)

    reach_change = None if None in (figures.reach_share, figures.previous_reach_share) else \
        figures.reach_share - figures.previous_reach_share
    under_served = figures.cells[figures.cells["under_served"]]
    kpi_row([card("Active customers", "customers", "Active customers in the chosen customer groups.", "neutral"),
             card("Customers served", "customers_served", "Active customers with a request received or a touchpoint "
                  "in the period."),
             Kpi("Share reached", figures.reach_share, reach_change,
                 "Active customers served as a share of all active customers in the chosen groups.", "share"),
             card("Requests received", "received", "Requests received in the period (any status).", "neutral"),
             card("Touchpoints", "touchpoints", "Interactions logged in the period, across all channels."),
             Kpi("Under-served", len(under_served), None, UNDER_SERVED_RULE, direction="lower_is_better")])
    if len(under_served):
        names = ", ".join(escape_markdown(str(cell)) for cell in under_served["cell"])
        st.warning(f"**Under-served:** {names}. {escape_markdown(UNDER_SERVED_RULE)}", icon=":material/flag:")


_TABLE_COLUMNS = ("cell", "customers", "customers_served", "reach_share", "reach_share_change",
                  "median_days_since_contact", "received", "received_change", "resolved", "declined", "attainment",
                  "attainment_change", "median_business_hours", "touchpoints", "touchpoints_change", "minutes",
                  "mean_read_level", "under_served")


def breakdown_table(figures: GroupBreakdown, label: str) -> str | None:
    """The breakdown table with changes; selecting a row returns its cell (None when none is selected)."""
    shown = figures.cells[list(_TABLE_COLUMNS)].copy()
    for share in ("reach_share_change", "attainment_change"):
        shown[share] = shown[share] * 100  # percentage points
    event = show_table(shown, f"customers-by-{figures.dimension.replace(' ', '-')}.csv", download=figures.cells,
                       on_select="rerun", selection_mode="single-row", key=f"groups_table_{figures.dimension}",
                       column_config={
        "cell": st.column_config.TextColumn(label.capitalize(), pinned=True),
        "customers": _number("customers", "customers"), "customers_served": _number("served", "customers_served"),
        "reach_share": _number("reached", "reach_share", "percent"),
        "reach_share_change": st.column_config.NumberColumn(
            "± reached", format="%+.1f pts", help="Change in the share reached from the previous period, in "
                                                  "percentage points."),
        "median_days_since_contact": _number("days since contact", "median_days_since_contact", "%.0f"),
        "received": _number("requests", "received"), "received_change": _change("± requests", "received"),
        "resolved": _number("resolved", "resolved"), "declined": _number("declined", "declined"),
        "attainment": _number("SLA", "attainment", "percent"),
        "attainment_change": st.column_config.NumberColumn(
            "± SLA", format="%+.1f pts", help="Change in attainment from the previous period, in percentage points."),
        "median_business_hours": _number("median h", "median_business_hours", "%.1f"),
        "touchpoints": _number("touchpoints", "touchpoints"), "touchpoints_change": _change("± touchpoints",
                                                                                            "touchpoints"),
        "minutes": _number("minutes", "minutes"), "mean_read_level": _number("READ", "mean_read_level", "%.1f"),
        "under_served": st.column_config.CheckboxColumn("under-served", help=UNDER_SERVED_RULE)})
    st.caption("Select a row to list its customers. ± columns compare with the previous period of the same "
               "length; the download has every figure of both periods.")
    rows = event.selection.rows
    return str(shown.iloc[rows[0]]["cell"]) if rows and rows[0] < len(shown) else None


def reach(view: GroupView) -> None:
    """The reach chart with the rule it flags by."""
    figures = view.figures
    st.plotly_chart(cached_chart("groups_reach", reach_chart, figures.cells, figures.reach_share, view.dimension),
                    width="stretch")
    st.caption(f"{DEFINITIONS['reach_share']} {UNDER_SERVED_RULE} Diamonds: the previous period.")


def cell_customers(customers: pd.DataFrame, cell: str, label: str) -> None:
    """The customers of the selected cell; selecting one opens their profile."""
    opens_profiles = may("staff")  # viewers are not offered customer profiles
    st.markdown(f"**{escape_markdown(label.capitalize())}: {escape_markdown(cell)}**: "
                f"{count_of(len(customers), 'active customer')}, the busiest in the period first."
                + (" Select a customer to open their profile." if opens_profiles else ""))
    event = show_table(customers, "customers-of-cell.csv", on_select="rerun" if opens_profiles else "ignore",
                       selection_mode="single-row", key="groups_customers", column_config={
        "customer_id": None, "customer_group": "customer group",
        "requests": st.column_config.NumberColumn(help="Requests received from the customer in the period."),
        "touchpoints": st.column_config.NumberColumn(help="Touchpoints with the customer in the period."),
        "minutes": st.column_config.NumberColumn(help="Minutes of effort on those touchpoints."),
        "last_contact": st.column_config.DatetimeColumn("last contact", format="YYYY-MM-DD HH:mm",
                                                        help="Last request received or touchpoint up to the "
                                                             "period's end (local time)."),
        "days_since_contact": st.column_config.NumberColumn("days since", help="Days from the last contact to the "
                                                                               "period's last day.")})
    rows = event.selection.rows if opens_profiles else []
    if rows and rows[0] < len(customers):
        st.session_state[PROFILE_CUSTOMER_KEY] = int(customers.iloc[rows[0]]["customer_id"])
        st.switch_page(PROFILE_PAGE)


@dataclass(frozen=True)
class GroupView:
    """What the sections below the breakdown draw from: the choices made, and the breakdown already read."""

    store: Store
    dimension: str
    period: Period
    time_zone: ZoneInfo
    filters: Filters
    today: dt.date
    figures: GroupBreakdown


def section_tabs(view: GroupView) -> None:
    """One tab per section of :data:`SECTIONS`; only the open one reads and draws (switching tabs reruns)."""
    lazy_tabs(SECTIONS, "groups_section", view, view.store)


def channels_and_effort(view: GroupView) -> None:
    """Touchpoints by channel per cell, and effort (hours and READ level) per cell."""
    figures, label = view.figures, view.dimension
    if figures.channels.empty:
        st.caption("No touchpoints in this period for the chosen filters.")
        return
    left, right = st.columns(2)
    left.plotly_chart(cached_chart("groups_channels", channel_chart, figures.channels,
                                   figures.cells["cell"].tolist(), label), width="stretch")
    right.plotly_chart(cached_chart("groups_effort", effort_chart, figures.cells, label), width="stretch")
    st.caption(f"{DEFINITIONS['touchpoints']} {DEFINITIONS['minutes']} {DEFINITIONS['mean_read_level']}")
    channel = figures.channels["channel"]
    named = figures.channels.assign(channel=channel.map(CHANNELS).fillna(channel))
    grid = named.pivot(index="cell", columns="channel", values="touchpoints").reindex(figures.cells["cell"])
    st.dataframe(grid.fillna(0).astype("int64").reset_index(names=label.capitalize()), hide_index=True)
    st.caption("Touchpoints per channel in the period; the download also has the minutes and the previous period.")
    download_button(named, "touchpoints-by-channel.csv", key="groups_channels_download")


def services(view: GroupView) -> None:
    """The cell x service heat map of requests received."""
    used = cached(services_by, view.store, view.dimension, view.period, view.time_zone, view.filters)
    if used.empty:
        st.caption("No requests received in this period for the chosen filters.")
        return
    st.plotly_chart(cached_chart("groups_services", heat_map, used, "service", "requests",
                                 f"Requests received per {view.dimension} and service"), width="stretch")
    st.caption("Requests received in the period from each cell's customers, per service asked for (out-of-scope "
               "services included; see Out of scope for what happened to them).")
    download_button(used, "services-by-cell.csv", key="groups_services_download")


def satisfaction(view: GroupView) -> None:
    """The latest wave opened by the period's end: its scores, NPS and CSAT per cell as the Surveys page
    computes and shows them ("fewer than 5 responses" in place of a suppressed cell's figures)."""
    store, filters, dimension = view.store, view.filters, view.dimension
    found = cached(latest_wave, store, view.period.end - dt.timedelta(days=1))
    if found is None:
        st.caption("No survey wave with responses was opened by the end of this period.")
        return
    survey_id, wave_id = found
    instrument = cached(load_instrument, store, survey_id)
    wave_list = cached(waves, store, survey_id)
    position = int(wave_list.index[wave_list["wave_id"] == wave_id][0])
    read = wave_list["wave_id"].iloc[max(position - 1, 0):position + 1].tolist()  # and the one before, for changes
    scores = cached(dimension_scores, store, survey_id, filters, dimension, "dimension", read)
    nps = cached(nps_with_margin, store, survey_id, filters, dimension, read)
    csat = cached(csat_with_interval, store, survey_id, filters, dimension, read)
    wave = str(wave_list.loc[position, "name"])
    st.caption(f"Survey **{escape_markdown(instrument.name)}**, wave **{escape_markdown(wave)}**: the latest wave "
               "opened by the end of the period. Scores are means over respondents; NPS = % promoters (9-10) - "
               "% detractors (0-6); CSAT = share answering 4 or 5. A cell with fewer than "
               f"{MIN_RESPONSES} responses shows \"{SUPPRESSED}\" instead of a figure, to protect respondents; "
               f"where that would hide one cell alone, the next smallest shows \"{WITHHELD}\". "
               "Anonymous respondents' department, seniority and relationship are not known.")
    survey_breakdown_table(scores, nps, csat, wave_id, HEADLINE[instrument.style], dimension)


def usage(view: GroupView) -> None:
    """Adoption of each monitored system per cell, and the open anomalies per customer group."""
    label = view.dimension
    adoption = cached(adoption_by, view.store, view.dimension, view.period, view.time_zone, view.filters)
    open_anomalies = anomalies_by_group(cached(anomalies, view.store, ("new", "reviewing"), view.filters))
    if adoption.empty:
        st.caption("No monitored systems are set up yet.")
    else:
        st.plotly_chart(cached_chart("groups_adoption", heat_map, adoption, "system", "share",
                                     f"Share of each {label}'s active customers who used each system", True),
                        width="stretch")
        st.caption(USAGE_DEFINITIONS["adoption"].replace("group", label))
        download_button(adoption, "adoption-by-cell.csv", key="groups_adoption_download")
    st.markdown("**Open anomalies per customer group**")
    if open_anomalies.empty:
        st.caption("No open anomalies for the chosen groups.")
        return
    table = open_anomalies.assign(detector=open_anomalies["detector"].map(DETECTORS).fillna(open_anomalies["detector"]))
    show_table(table, "open-anomalies-by-group.csv", key="groups_anomalies", column_config={
        "customer_group": "customer group",
        "anomalies": st.column_config.NumberColumn(help="Findings of usage monitoring not yet actioned or dismissed "
                                                        "(new or being reviewed), whenever found.")})
    st.caption("Review them on the Usage monitoring page. Findings about a customer count in the customer's group.")


def lifecycle(view: GroupView) -> None:
    """Customers per lifecycle stage and cell, with the movement since the end of the previous period."""
    label = view.dimension
    stages = cached(groups.lifecycle, view.store, view.dimension, view.period, view.time_zone, view.filters)
    if stages.counts.empty:
        st.caption("No customers to class for the chosen filters.")
        return
    st.plotly_chart(cached_chart("groups_lifecycle", lifecycle_chart, stages.counts, label), width="stretch")
    st.caption(" ".join(f"**{stage.capitalize()}**: {text.format(quiet_days=stages.quiet_days)}"
                        for stage, text in LIFECYCLE_STAGES.items())
               + " Active customers only; a contact is a request received or a touchpoint.")
    counts_col, movement_col = st.columns([3, 2])
    with counts_col:
        table = stages.counts.pivot(index="cell", columns="stage", values=["customers", "change"])
        table = table.reindex(index=list(dict.fromkeys(stages.counts["cell"])))
        table.columns = [stage if measure == "customers" else f"± {stage}" for measure, stage in table.columns]
        table = table[[name for stage in LIFECYCLE_STAGES for name in (stage, f"± {stage}")]].reset_index()
        st.dataframe(table.rename(columns={"cell": label.capitalize()}), hide_index=True)
        st.caption("Customers per stage at the end of the period; ± against the end of the previous period.")
        download_button(stages.counts, "lifecycle-by-cell.csv", key="groups_lifecycle_download")
    with movement_col:
        moved = stages.moves()
        st.dataframe(moved, hide_index=True, column_config={"previous_stage": "from", "stage": "to"})
        st.caption("Customers who moved from one stage to another between the ends of the two periods, all cells.")
        download_button(stages.movement, "lifecycle-movement.csv", key="groups_movement_download")


def key_customers(view: GroupView) -> None:
    """The customers the team spends most on, by minutes or requests, and the Pareto curve of effort."""
    measure = st.segmented_control("Rank by", list(EFFORT_MEASURES), default="minutes", key="groups_key_by",
                                   help="Minutes of effort recorded on touchpoints, or requests received.") \
        or "minutes"
    ranked = cached(groups.key_customers, view.store, view.period, view.time_zone, view.filters, measure)
    concentration = cached(effort_concentration, view.store, view.period, view.time_zone, view.filters, measure)
    if ranked.empty:
        st.caption("No effort recorded in this period for the chosen filters.")
        return
    left, right = st.columns([3, 2])
    with left:
        show_table(ranked, f"key-customers-by-{measure}.csv", key="groups_key", column_config={
            "customer_id": None, "customer_group": "customer group",
            "share": st.column_config.NumberColumn(format="percent", help=f"Share of all the period's {measure}."),
            "cumulative_share": st.column_config.NumberColumn("cumulative", format="percent",
                                                              help=f"Share of all the period's {measure} that went "
                                                                   "to this customer and those above.")})
    with right:
        st.plotly_chart(cached_chart("groups_pareto", pareto_chart, concentration.curve, TOP_PERCENT,
                                     concentration.top_share, measure), width="stretch")
    if concentration.top_share is not None:
        st.caption(f"The top {TOP_PERCENT}% of the {concentration.customers:,} customers with any {measure} in the "
                   f"period ({concentration.top_customers:,} customers) took {concentration.top_share:.0%} of the "
                   f"{concentration.total:,.0f} {measure}. Minutes are those recorded on touchpoints; requests are "
                   "those received. Inactive customers count too.")


def out_of_scope(view: GroupView) -> None:
    """Declined requests per cell with reasons and referrals, and the share declined per service."""
    label = view.dimension
    declines = cached(declines_by, view.store, view.dimension, view.period, view.time_zone, view.filters)
    shares = cached(declined_share_by_service, view.store, view.period, view.time_zone, view.filters)
    if declines.empty:
        st.caption("No requests were declined in this period for the chosen filters.")
    else:
        left, right = st.columns(2)
        left.plotly_chart(cached_chart("groups_declines", declines_chart, declines, label), width="stretch")
        with right:
            show_table(declines, "declines-by-cell.csv", key="groups_declines",
                       column_config={"cell": label.capitalize(), "referred_to": "Referred to"})
        st.caption(DEFINITIONS["declined"] + " Saying no well, with a referral, is part of the service.")
    if not shares.empty:
        st.plotly_chart(cached_chart("groups_declined_share", declined_share_chart, shares), width="stretch")
        show_table(shares, "declined-share-by-service.csv", key="groups_shares", column_config={
            "in_scope": "in scope", "referral": "referred to",
            "declined_share": st.column_config.NumberColumn("declined share", format="percent",
                                                            help="Of the requests received in the period, the "
                                                                 "share declined so far.")})


def not_contacted(view: GroupView) -> None:
    """The proactive contact list: active customers without a contact for :data:`QUIET_DAYS` days."""
    days = QUIET_DAYS
    customers = cached(groups.not_contacted, view.store, view.time_zone, days, view.filters, today=view.today)
    if customers.empty:
        st.success(f"Every active customer in view was contacted in the last {days} days.",
                   icon=":material/task_alt:")
        return
    shown = customers.head(SHOWN_ROWS)
    st.caption(f"{count_of(len(customers), 'active customer')} with no request received and no touchpoint in the "
               f"last {days} days (never contacted first, then the longest silent): a list to call or write to"
               + (f". The first {SHOWN_ROWS:,} are shown; the download has them all." if len(shown) < len(customers)
                  else "."))
    show_table(shown, f"not-contacted-{days}-days.csv", key="groups_not_contacted", download=customers,
               column_config={
        "customer_id": None, "customer_group": "customer group",
        "last_contact": st.column_config.DatetimeColumn("last contact", format="YYYY-MM-DD"),
        "days_since_contact": st.column_config.NumberColumn("days since", help="Days from the last contact to "
                                                                               "today; empty if never contacted.")})


SECTIONS: dict[str, Callable[[GroupView], None]] = {
    "Reach": reach, "Channels and effort": channels_and_effort, "Services": services, "Satisfaction": satisfaction,
    "Usage and anomalies": usage, "Lifecycle": lifecycle, "Key customers": key_customers,
    "Out of scope": out_of_scope, "Not contacted": not_contacted}
