"""What the Scorecard page draws: every initiative as a row of one table (its target, baseline, recent figure,
verdict in the verdict colours, a sparkline of its weekly figure), the chosen one in detail (its weekly chart with
the target line, barriers, reviews), and the lead's forms."""

from __future__ import annotations

import datetime as dt
from functools import partial
from html import escape
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from infodash.db import Store
from infodash.formatting import VERDICT_COLOURS
from infodash.initiatives import (BASELINE_RULE, BASELINE_WEEKS, DECISIONS, DIRECTIONS, METRICS, ON_TRACK_RULE,
                                  PERSPECTIVES, RECENT_WEEKS, REVIEW_DUE_RULE, SCOPES, TREND_RULE, VERDICT_COLOUR,
                                  VERDICTS, InitiativeDraft, Metric, ScorecardEntry, draft_baseline, scorecard_rows)
from infodash.ui import initiative_form as form
from infodash.ui.charts import cached_chart, styled
from infodash.ui.store import cached
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown

REVIEW_COLUMNS = {"reviewed_on": st.column_config.DateColumn("Reviewed on", format="D MMM YYYY"),
                  "decision": st.column_config.TextColumn("Decision"),
                  "notes": st.column_config.TextColumn("Notes", width="large"),
                  "reviewed_by": st.column_config.TextColumn("By")}


DETAIL_KEY = "sc_detail"  # the initiative shown in detail
SECTION_KEY, DETAILS = "sc_section", "Initiative details"  # the page's tabs, and the one showing the detail
_TABLE_KEY = "sc_table"
TABLE_COLUMNS = {  # in this order: what a manager reads first comes first
    "perspective": st.column_config.TextColumn("Perspective", width=140),
    "initiative": st.column_config.TextColumn("Initiative", width=320),
    "verdict": st.column_config.TextColumn("Verdict", width=110, help=ON_TRACK_RULE),
    "actual": st.column_config.TextColumn(f"Last {RECENT_WEEKS} weeks", width=95,
                                          alignment="right", help="The average the verdict judges. " + ON_TRACK_RULE),
    "weekly": st.column_config.LineChartColumn("Weekly figure", width=120, help="The weekly figure from the "
                                               "baseline weeks on (weeks without one left out); pick the row for "
                                               "its chart."),
    "target": st.column_config.TextColumn("Target", width=320),
    "baseline": st.column_config.TextColumn("Baseline", alignment="right", help=BASELINE_RULE),
    "trend": st.column_config.TextColumn("Trend", help=TREND_RULE),
    "review": st.column_config.TextColumn("Review", help=REVIEW_DUE_RULE),
    "owner": st.column_config.TextColumn("Owner"),
    "last_review": st.column_config.TextColumn("Last review"),
}
_VERDICT_WORDS = {VERDICTS[verdict]: colour for verdict, colour in VERDICT_COLOUR.items()}


def scorecard_table(entries: list[ScorecardEntry], today: dt.date) -> None:
    """Every initiative of ``entries`` as a row, under its perspective, its verdict in the verdict colours; picking
    a row shows it in detail (:func:`initiative_details`)."""
    rows = scorecard_rows(entries, today)
    show_table(rows, "scorecard.csv", key=_TABLE_KEY, column_order=list(TABLE_COLUMNS), column_config=TABLE_COLUMNS,
               download=rows.drop(columns=["weekly", "summary"]), colours={"verdict": _VERDICT_WORDS},
               on_select=partial(_pick_row, rows["initiative_id"].tolist()), selection_mode="single-row")


def _pick_row(initiative_ids: list[int]) -> None:
    picked = st.session_state[_TABLE_KEY].selection.rows
    if picked:
        st.session_state[DETAIL_KEY] = initiative_ids[picked[0]]
        st.session_state[SECTION_KEY] = DETAILS


def initiative_details(entries: list[ScorecardEntry], today: dt.date) -> None:
    """The initiative picked in the table (or here; at first the first one not on track) as
    :func:`initiative_card`."""
    if not entries:
        st.caption("No initiative to show.")
        return
    by_id = {entry.initiative.initiative_id: entry for entry in entries}
    if st.session_state.get(DETAIL_KEY) not in by_id:
        st.session_state[DETAIL_KEY] = next((key for key, entry in by_id.items()
                                             if entry.progress.verdict == "off_track"), next(iter(by_id)))
    chosen = st.selectbox("Initiative", list(by_id), key=DETAIL_KEY,
                          format_func=lambda key: form.label(by_id[key].initiative),
                          help="Or pick its row in the table above.")
    initiative_card(by_id[chosen], today)


def weekly_chart(weeks: pd.DataFrame, target: float, metric_key: str, start: dt.date) -> go.Figure:
    """The weekly figure from the baseline weeks on, a point a week: grey before the start, green where a week meets
    the target and red where it does not; the target as a dashed line, the start as a dotted one."""
    metric = METRICS[metric_key]
    colours = ["#adb5bd" if meets is None else VERDICT_COLOURS["met" if meets else "missed"]
               for meets in weeks["meets"]]
    share = metric.kind == "share"
    figure = go.Figure(go.Scatter(x=weeks["week"], y=weeks["actual"], mode="lines+markers", name="Weekly figure",
                                  line={"color": "#adb5bd", "width": 1.5}, connectgaps=False,
                                  marker={"color": colours, "size": 8},
                                  hovertemplate="Week of %{x|%d %b %Y}: %{y" + (":.1%" if share else ":.2f") + "}"
                                                "<extra></extra>"))
    figure.add_hline(y=target, line_dash="dash", line_color="#212529", annotation_text="target",
                     annotation_position="top left")
    figure.add_vline(x=pd.Timestamp(start) - pd.Timedelta(days=3.5), line_dash="dot", line_color="#6c757d")
    figure = styled(figure, "", height=220)
    figure.update_layout(margin={"l": 10, "r": 10, "t": 20, "b": 10}, showlegend=False,
                         yaxis={"tickformat": ".0%" if share else None, "rangemode": "tozero"})
    if share:  # shares near the top (attainment of 90-100%) would be a flat line on a 0-100% axis
        values = [*weeks["actual"].dropna(), target]
        low = max(0.0, min(values) - 0.05)
        figure.update_yaxes(range=[low, min(1.0, max(values) + 0.03)] if low > 0.2 else None)
    return figure


def _verdict_badge(verdict: str, colour: str) -> None:
    # a fixed word in a fixed colour: nothing typed by anyone goes into this HTML
    st.html(f'<span style="color:{escape(colour)};font-weight:700;font-size:1.1rem">{escape(VERDICTS[verdict])}'
            "</span>")


def _figure(metric: Metric, value: float | None, average: bool = False) -> str:
    return metric.written(value, average) if value is not None else "-"


def initiative_card(entry: ScorecardEntry, today: dt.date) -> None:
    """One initiative: what it sets out to do, its figures and verdict, the weekly chart, details and reviews."""
    initiative, progress = entry.initiative, entry.progress
    draft, metric = initiative.draft, initiative.metric
    with st.container(border=True):
        closed = f" · closed {initiative.closed_on:%d %b %Y}" if initiative.closed_on else \
            " · review due" if entry.review_due(today) else ""
        st.markdown(f"**#{initiative.initiative_id} {escape_markdown(draft.statement)}**")
        st.caption(escape_markdown(f"Target: {initiative.target_text()} · owner {draft.owner} · from "
                                   f"{draft.starts_on:%d %b %Y}, review {draft.review_on:%d %b %Y}{closed}"
                                   + (f" · objective: {draft.objective}" if draft.objective else "")))
        figures, chart = st.columns([2, 3])
        with figures:
            left, right = st.columns(2)
            left.metric("Baseline", _figure(metric, progress.baseline, True), help=BASELINE_RULE)
            right.metric("Latest week", _figure(metric, progress.latest),
                         help="The figure of the latest whole week with one since the start"
                              + (f" (week of {progress.latest_week:%d %b %Y})." if progress.latest_week else "."))
            left.metric(f"Last {RECENT_WEEKS} weeks", _figure(metric, progress.recent, True),
                        help="Average of the latest whole weeks with a figure since the start. " + ON_TRACK_RULE)
            right.metric("Trend", progress.trend or "-", help=TREND_RULE)
            _verdict_badge(progress.verdict, progress.colour)
        with chart:
            if progress.weeks["actual"].notna().any():
                st.plotly_chart(cached_chart(f"initiative_{initiative.initiative_id}", weekly_chart,
                                                progress.weeks, draft.target, draft.metric, draft.starts_on),
                                   width="stretch", key=f"initiative_chart_{initiative.initiative_id}")
                st.caption(metric.definition)
            else:
                st.caption("No weekly figure yet for this measure and scope.")
        with st.expander(f"Barriers, supports, benefits and reviews ({len(entry.reviews)})"):
            for heading, text in (("Barriers", draft.barriers), ("Supports", draft.supports),
                                  ("Benefits", draft.benefits)):
                if text:
                    st.markdown(f"**{heading}**")
                    st.text(text)
            if entry.reviews.empty:
                st.caption("No review recorded yet.")
            else:
                shown = entry.reviews.assign(decision=entry.reviews["decision"].map(DECISIONS))
                show_table(shown, f"initiative-{initiative.initiative_id}-reviews.csv",
                           key=f"reviews_{initiative.initiative_id}", hidden=("review_id", "initiative_id"),
                           column_config=REVIEW_COLUMNS)


def initiative_form(store: Store, entries: list[ScorecardEntry], staff: list[str], services: dict[int, str],
                    groups: dict[int, str], today: dt.date, time_zone: ZoneInfo) -> None:
    """The lead's form to record a new initiative or change an open one (not an st.form: the target's unit and
    the scopes offered follow the measure chosen, and the baseline is shown as the fields are filled)."""
    open_ones = {entry.initiative.initiative_id: form.label(entry.initiative) for entry in entries
                 if entry.initiative.closed_on is None}
    with st.container(border=True):
        st.markdown("**Record or change an initiative**")
        form.INITIATIVE.flash()
        st.selectbox("Initiative", [form.NEW, *open_ones], key="in_chosen",
                     format_func=lambda key: "A new initiative" if key == form.NEW else open_ones[key],
                     on_change=form.load, args=(store, today), persist_state="session")
        st.text_area("Statement", key="in_statement", height=68,
                     placeholder="What the initiative sets out to do, e.g. Same-day answers for plant staff",
                     persist_state="session")
        form.INITIATIVE.error("statement")
        left, right = st.columns(2)
        with left:
            st.selectbox("Perspective", list(PERSPECTIVES), format_func=PERSPECTIVES.get, key="in_perspective",
                         placeholder="Choose the balanced-scorecard perspective", persist_state="session")
            form.INITIATIVE.error("perspective")
        with right:
            st.text_input("Organisation's objective it serves", key="in_objective",
                          placeholder="e.g. Deliver on our service levels", persist_state="session")
            form.INITIATIVE.error("objective")
        metric_key = st.session_state.get("in_metric")
        metric = METRICS.get(metric_key or "")
        st.selectbox("Measure", list(METRICS), format_func=lambda key: METRICS[key].label, key="in_metric",
                     placeholder="A figure InfoDash computes", help=metric.definition if metric else None,
                     persist_state="session")
        form.INITIATIVE.error("metric")
        scopes = list(metric.scopes if metric else SCOPES)
        if st.session_state.get("in_scope") not in scopes:
            st.session_state["in_scope"] = "all"  # every measure has it
        scope_col, which_col = st.columns(2)
        with scope_col:
            st.selectbox("For", scopes, format_func=SCOPES.get, key="in_scope", persist_state="session")
            form.INITIATIVE.error("scope")
        with which_col:
            if st.session_state.get("in_scope") == "service":
                st.selectbox("Service", list(services), format_func=services.get, key="in_service",
                             persist_state="session")
                form.INITIATIVE.error("service_id")
            elif st.session_state.get("in_scope") == "group":
                st.selectbox("Customer group", list(groups), format_func=groups.get, key="in_group",
                             persist_state="session")
                form.INITIATIVE.error("group_id")
        direction_col, target_col = st.columns(2)
        with direction_col:
            st.selectbox("Should be", list(DIRECTIONS), format_func=DIRECTIONS.get, key="in_direction",
                         persist_state="session")
            form.INITIATIVE.error("direction")
        with target_col:
            st.number_input("Target" + (" (%)" if form.in_percent(metric_key) else ""), key="in_target",
                            step=1.0 if form.in_percent(metric_key) else 0.5, format="%.1f",
                            help=f"Between {metric.range_text()}." if metric else None)
            form.INITIATIVE.error("target")
        start_col, review_col, owner_col = st.columns(3)
        with start_col:
            st.date_input("Starts on", key="in_starts", format="YYYY-MM-DD", persist_state="session")
            form.INITIATIVE.error("starts_on")
        with review_col:
            st.date_input("Review on", key="in_review", format="YYYY-MM-DD", persist_state="session")
            form.INITIATIVE.error("review_on")
        with owner_col:
            if staff:
                st.selectbox("Owner", staff, key="in_owner", placeholder="A member of staff", persist_state="session")
            else:
                st.text_input("Owner", key="in_owner", placeholder="A member of staff", persist_state="session")
            form.INITIATIVE.error("owner")
        for name, placeholder in (("barriers", "What may get in the way"), ("supports", "What will help"),
                                  ("benefits", "What customers and the organisation gain")):
            st.text_area(name.capitalize(), key=f"in_{name}", height=68, placeholder=placeholder)
            form.INITIATIVE.error(name)
        typed = form.draft_from_fields()  # only what the baseline depends on, so typing a statement reads nothing
        measured = InitiativeDraft(metric=typed.metric, scope=typed.scope, service_id=typed.service_id,
                                   group_id=typed.group_id, starts_on=typed.starts_on)
        baseline = cached(draft_baseline, store, measured, today, time_zone)
        st.caption(f"Baseline: {metric.written(baseline, True)}, the average weekly figure over the {BASELINE_WEEKS} "
                   "whole weeks before the start week, computed from the data." if metric and baseline is not None
                   else "Baseline: shown here once the measure, its scope and the start are chosen (none when the "
                        f"{BASELINE_WEEKS} weeks before the start have no figure).")
        st.button("Save initiative", type="primary", on_click=form.save_initiative, args=(store, today))
        form.INITIATIVE.error("author")
        form.INITIATIVE.error("form")


def review_form(store: Store, entries: list[ScorecardEntry], today: dt.date) -> None:
    """The lead's form to record a review of an open initiative."""
    open_ones = {entry.initiative.initiative_id: form.label(entry.initiative) for entry in entries
                 if entry.initiative.closed_on is None}
    with st.form("initiative_review", border=True, enter_to_submit=False):
        st.markdown("**Record a review**")
        form.REVIEW.flash()
        st.selectbox("Initiative reviewed", list(open_ones), format_func=open_ones.get, key="rv_initiative",
                     placeholder="Choose an open initiative", persist_state="session")
        form.REVIEW.error("initiative")
        date_col, decision_col = st.columns(2)
        with date_col:
            st.date_input("Reviewed on", key="rv_date", format="YYYY-MM-DD", persist_state="session")
            form.REVIEW.error("reviewed_on")
        with decision_col:
            st.selectbox("Decision", list(DECISIONS), format_func=DECISIONS.get, key="rv_decision",
                         help="Close ends the initiative on the review's day.", persist_state="session")
            form.REVIEW.error("decision")
        st.text_area("Notes", key="rv_notes", placeholder="What the figures show, what helped, what got in the way",
                     persist_state="session")
        form.REVIEW.error("notes")
        st.form_submit_button("Record review", type="primary", on_click=form.save_review, args=(store, today))
    form.REVIEW.error("author")
    form.REVIEW.error("form")
