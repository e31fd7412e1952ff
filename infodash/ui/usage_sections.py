"""Parts of the Usage monitoring page: running detection; two tabs, each read only while open: the open
anomalies with their evidence and review buttons and the recently closed ones, and the usage overview's
charts and tables."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from infodash.anomalies import SENSITIVITY
from infodash.db import Store, StoreError
from infodash.detection import run_detection, set_sensitivity
from infodash.errors import NotAllowed, ValidationError
from infodash.filters import Filters
from infodash.findings import (DETECTORS, MAX_NOTE_CHARS, SEVERITY_DEFINITION, STATUSES, anomalies, review_anomaly,
                               severity, times_the_threshold)
from infodash.periods import Period, reference_week
from infodash.ui.charts import cached_chart
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account, may, staff_name, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import download_button, show_table
from infodash.ui.text import escape_markdown
from infodash.ui.usage_charts import adoption_chart, evidence_chart, resource_chart, weekly_chart
from infodash.usage_detectors import evidence_series
from infodash.usage_reports import DEFINITIONS, UsageOverview, resource_ranking, usage_overview

REVIEWED = FormFeedback("usage_review")
DETECTION = FormFeedback("usage_detection")
SENSITIVITY_FEEDBACK = FormFeedback("usage_sensitivity")
PAGE_SIZE = 20
CLOSED_SHOWN = 50
SPANS = {4: "Last 4 weeks", 12: "Last 12 weeks", 26: "Last 26 weeks", 52: "Last 52 weeks"}
ORDER_DEFINITION = f"{SEVERITY_DEFINITION} Findings being reviewed come first, then the most severe."
_EVIDENCE_KEYS = ("detector", "evidence", "window_start", "window_end", "system_id", "customer_id", "resource",
                  "group_id")


def headline(row: pd.Series | dict) -> str:
    """E.g. "Usage spike: Intranet: /hr/benefits" or "Customer gone quiet: Ann Lee (alee)", as plain text."""
    customer = row.get("customer")
    subject = row["subject"] if customer is None or pd.isna(customer) or customer == row["subject"] \
        else f"{customer} ({row['subject']})"
    return f"{DETECTORS.get(row['detector'], row['detector'])}: {subject}"


def _local(moment: object, time_zone: ZoneInfo, pattern: str = "%a %d %b %Y %H:%M") -> str:
    return "-" if moment is None or pd.isna(moment) else f"{pd.Timestamp(moment).tz_convert(time_zone):{pattern}}"


def detection_button(store: Store) -> DeltaGenerator:
    """The "Run detection now" button; when pressed, runs detection over the usage recorded since the last
    run and says what it added. Returns the space beside the button, for :func:`detection_status`."""
    button_col, status_col = st.columns([1, 4], vertical_alignment="center")
    if button_col.button("Run detection now", icon=":material/radar:",
                         help="Examine the usage recorded since the last run and add what is new to the list "
                              "below. A nightly `python -m infodash detect` does the same."):
        started = time.perf_counter()
        try:
            with st.spinner("Looking for anomalies in the new usage..."):
                report = run_detection(store)
        except StoreError as error:
            DETECTION.failed({"form": str(error)})
        else:
            found = sum(report.found.values())
            DETECTION.succeeded(
                f"Detection looked at the usage up to now in {time.perf_counter() - started:.1f} s: "
                f"{report.added:,} new {'anomaly' if report.added == 1 else 'anomalies'} to review"
                + (f" ({found:,} found, the rest known or dismissed before)." if found > report.added else "."))
    return status_col


def detection_status(store: Store, status_col: DeltaGenerator, runs: dict[str, dt.datetime], sensitivity: str,
                     time_zone: ZoneInfo) -> None:
    """When detection last looked (``runs``: infodash.detection.last_run), what the last press of the button
    found, and what the ``sensitivity`` setting means, with a way to change it."""
    if runs:
        status_col.caption(f"Detection last looked at usage up to {_local(max(runs.values()), time_zone)} "
                           f"({time_zone.key}).")
    else:
        status_col.caption("Detection has not run on this database yet.")
    DETECTION.flash()
    DETECTION.error("form")
    caption_col, change_col = st.columns([5, 1])
    caption_col.caption(f"Sensitivity: **{escape_markdown(sensitivity)}**. A rise or fall in use is raised when it is "
                        "far outside what the same hours and days usually see: 'high' raises smaller departures "
                        f"(more findings, more of them noise), 'low' only the clearest. {ORDER_DEFINITION}")
    if not may("lead"):
        return
    with change_col.popover("Sensitivity", icon=":material/tune:", width="stretch"):
        st.radio("Raise changes in use", list(SENSITIVITY), index=list(SENSITIVITY).index(sensitivity)
                 if sensitivity in SENSITIVITY else 1, key="usage_sensitivity", format_func=_SENSITIVITY_LABELS.get,
                 help="Applies to the next detection runs; findings already listed stay.")
        st.button("Save", key="usage_sensitivity_save", on_click=_save_sensitivity, args=(store,))
        SENSITIVITY_FEEDBACK.error("author")
    SENSITIVITY_FEEDBACK.flash()


_SENSITIVITY_LABELS = {"high": "High: more findings, more of them noise", "normal": "Normal",
                       "low": "Low: only the clearest changes"}


def _save_sensitivity(store: Store) -> None:
    level = st.session_state.get("usage_sensitivity") or "normal"
    if SENSITIVITY_FEEDBACK.attempt(lambda: set_sensitivity(store, level, acting_account(store)), "author"):
        SENSITIVITY_FEEDBACK.succeeded(f"Sensitivity set to {level} by {staff_name()}; it applies from the next "
                                       "detection run.")


def _review(store: Store, anomaly_id: int, status: str, title: str) -> None:
    """Record a reviewer's decision; on failure keep what they typed and say what is wrong, field by field."""
    state = st.session_state
    feedback = FormFeedback(f"anomaly_{anomaly_id}")
    field = {"actioned": f"done_{anomaly_id}", "dismissed": f"reason_{anomaly_id}"}.get(status)
    hours = state.get(f"hours_{anomaly_id}") if status == "actioned" else None
    try:
        review_anomaly(store, anomaly_id, status, acting_account(store), dt.datetime.now(dt.UTC),
                       (state.get(field) or "") if field else "", None if hours is None else round(hours * 60))
    except ValidationError as error:
        errors = dict(error.errors)
        if status == "dismissed" and "note" in errors:
            errors["reason"] = errors.pop("note")
        return feedback.failed(errors)
    except (StoreError, NotAllowed) as error:
        return feedback.failed({"form": str(error)})
    feedback.clear()
    saved = f" ({hours:g} hour{'' if hours == 1 else 's'} saved)" if hours else ""
    REVIEWED.succeeded({"reviewing": f"Marked as being reviewed by {staff_name()}: {title}.",
                        "actioned": f"Actioned: {title}{saved}. It is closed and counts in the weekly review.",
                        "dismissed": f"Dismissed: {title}. This pattern will not be raised again for it."}[status])


def _evidence(store: Store, row: pd.Series, time_zone: ZoneInfo, threshold: float) -> None:
    anomaly = {key: (None if pd.isna(row[key]) else row[key]) if key in row else None for key in _EVIDENCE_KEYS}
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)  # one cache entry an hour
    with store_errors(store):
        series = cached(evidence_series, store, anomaly, time_zone, now, threshold)
    if series.empty:
        st.caption("No usage series to show for this finding.")
        return
    st.plotly_chart(cached_chart("usage_evidence", evidence_chart, series, row["grain"] or "day",
                                 "Evidence: the series, its expected range and the flagged points"),
                    width="stretch", key=f"evidence_{row['anomaly_id']}")
    st.caption("The band is the range expected from the same hour or day of earlier weeks (its median, give or "
               "take the sensitivity times its spread); circled points fell outside it; the shaded stretch is "
               "this finding's window.")


def _review_form(store: Store, row: pd.Series) -> None:
    anomaly_id = int(row["anomaly_id"])
    feedback = FormFeedback(f"anomaly_{anomaly_id}")
    title = headline(row)
    with st.form(f"review_{anomaly_id}", border=False, enter_to_submit=False):
        done_col, reason_col = st.columns(2)
        with done_col:
            st.text_area("What was done", key=f"done_{anomaly_id}", height=80, max_chars=MAX_NOTE_CHARS,
                         placeholder="e.g. Showed them how to query a list of ids at once",
                         help="Needed to mark it actioned.")
            feedback.error("note")
            st.number_input("Hours saved (optional)", min_value=0.0, step=0.5, value=None, format="%.1f",
                            key=f"hours_{anomaly_id}",
                            help="Your estimate of the customers' time the action saves; the weekly review adds "
                                 "these up.")
            feedback.error("minutes_saved")
        with reason_col:
            st.text_area("Why dismiss it", key=f"reason_{anomaly_id}", height=80, max_chars=MAX_NOTE_CHARS,
                         placeholder="e.g. Month-end reporting run", help="Needed to dismiss. A dismissed pattern "
                         "is not raised again for this subject.")
            feedback.error("reason")
        for field in ("author", "status", "anomaly_id", "form"):
            feedback.error(field)
        buttons = st.columns(3)
        for column, (status, label, kind) in zip(buttons, (("reviewing", "Reviewing", "secondary"),
                                                            ("actioned", "Actioned", "primary"),
                                                            ("dismissed", "Dismiss", "secondary")), strict=True):
            column.form_submit_button(label, type=kind, on_click=_review, args=(store, anomaly_id, status, title),
                                      disabled=status == row["status"], width="stretch")


def anomaly_list(store: Store, open_items: pd.DataFrame, time_zone: ZoneInfo, threshold: float) -> None:
    """The open anomalies as expanders; an expander's evidence and review form are drawn only while it is open."""
    REVIEWED.flash()
    if open_items.empty:
        st.info("Nothing to review: no open anomalies for the chosen filters.", icon=":material/task_alt:")
        return
    counts = open_items["detector"].value_counts()
    chosen = st.multiselect("Detectors", list(counts.index), format_func=lambda d: f"{DETECTORS.get(d, d)} "
                            f"({counts[d]:,})", key="usage_detectors", placeholder="All detectors")
    shown = open_items[open_items["detector"].isin(chosen)] if chosen else open_items
    staff_name_input()
    limit = st.session_state.get("usage_shown", PAGE_SIZE)
    for position, (_, row) in enumerate(shown.head(limit).iterrows()):
        status = "" if row["status"] == "new" else f" · {STATUSES[row['status']].lower()} by {row['reviewed_by']}"
        label = f"**{escape_markdown(headline(row))}** · {severity(row['score'])} severity{escape_markdown(status)}"
        expander = st.expander(label, expanded=position == 0, key=f"anomaly_{row['anomaly_id']}", on_change="rerun")
        with expander:
            if not expander.open:
                continue
            st.markdown(escape_markdown(row["explanation"]))
            if row["suggested_action"]:
                st.markdown(f"**Suggested action:** {escape_markdown(row['suggested_action'])}")
            st.caption(f"Window {_local(row['window_start'], time_zone)} to {_local(row['window_end'], time_zone)}; "
                       f"found {_local(row['detected_at'], time_zone, '%d %b %Y')}; {severity(row['score'])} severity "
                       f"({times_the_threshold(row['score'])}). {SEVERITY_DEFINITION}")
            _evidence(store, row, time_zone, threshold)
            _review_form(store, row)
    if len(shown) > limit:
        st.caption(f"{limit:,} of {len(shown):,} open anomalies shown, the most unusual first.")
        st.button("Show more", key="usage_show_more",
                  on_click=lambda: st.session_state.update(usage_shown=limit + PAGE_SIZE))
    download_button(shown.assign(severity=shown["score"].map(severity))[
        ["detector", "subject", "customer", "severity", "score", "window_start", "window_end", "explanation",
         "suggested_action", "status", "reviewed_by"]], "open-anomalies.csv")


def closed_table(latest: pd.DataFrame, time_zone: ZoneInfo) -> None:
    """The latest actioned and dismissed anomalies (newest first): what was done or why not, by whom, when,
    hours saved."""
    if latest.empty:
        st.caption("None yet: anomalies marked actioned or dismissed are listed here.")
        return
    table = pd.DataFrame({
        "closed": latest["reviewed_at"].dt.tz_convert(time_zone).dt.tz_localize(None),
        "status": latest["status"].map(STATUSES), "finding": [headline(row) for _, row in latest.iterrows()],
        "note": latest["review_note"], "by": latest["reviewed_by"],
        "hours_saved": latest["minutes_saved"] / 60})
    show_table(table, "closed-anomalies.csv", key="usage_closed", column_config={
        "closed": st.column_config.DatetimeColumn("Closed", format="D MMM YYYY, HH:mm"),
        "finding": st.column_config.TextColumn("Finding", width="large"), "by": "By",
        "note": st.column_config.TextColumn("What was done, or why dismissed", width="large"),
        "hours_saved": st.column_config.NumberColumn("Hours saved", format="%.1f",
                                                     help="The reviewer's estimate of customers' time saved.")})
    st.caption(f"The latest {len(table):,} closed, newest first; {table['hours_saved'].sum():,.1f} hours saved "
               "among them.")


def overview(usage: UsageOverview, resources: pd.DataFrame) -> None:
    """Weekly use by system and by customer group, the most and least used resources and the adoption
    heat map, each with its definition and a CSV of its table."""
    measure = st.segmented_control("Count", ["events", "active_users"], default="events", key="usage_measure",
                                   format_func=lambda m: "Events" if m == "events" else "Active users",
                                   help=f"Events: {DEFINITIONS['events']} Active users: {DEFINITIONS['active_users']}")
    measure = measure or "events"
    label = "Events" if measure == "events" else "Active users"
    for frame, by, title, name in ((usage.by_system, "system", "by system", "usage-by-system.csv"),
                                   (usage.by_group, "customer_group", "by customer group", "usage-by-group.csv")):
        if frame.empty:
            st.caption(f"No usage {title} in this period.")
            continue
        st.plotly_chart(cached_chart(f"usage_{by}", weekly_chart, frame, by, measure, label,
                                     f"{label} per week {title}"), width="stretch")
        download_button(frame, name)
    st.caption(f"Events: {DEFINITIONS['events']} Active users: {DEFINITIONS['active_users']} "
               f"Per customer group: {DEFINITIONS['group_active_users']}")
    if not resources.empty:
        most_col, least_col = st.columns(2)
        for column, ranking in ((most_col, "most used"), (least_col, "least used")):
            chosen = resources[resources["ranking"] == ranking]
            column.plotly_chart(cached_chart(f"usage_{ranking}", resource_chart, chosen,
                                             f"{len(chosen)} {ranking} resources"), width="stretch")
        st.caption(f"{DEFINITIONS['resource_events']} {DEFINITIONS['cost_per_use']}")
        download_button(resources, "usage-resources.csv")
    if not usage.adoption.empty:
        st.plotly_chart(cached_chart("usage_adoption", adoption_chart, usage.adoption), width="stretch")
        st.caption(DEFINITIONS["adoption"])
        download_button(usage.adoption, "usage-adoption.csv")


@dataclass(frozen=True)
class UsageView:
    """What both tabs need: the store, the sidebar's filters, the time zone and the detection threshold."""

    store: Store
    filters: Filters
    time_zone: ZoneInfo
    threshold: float
    last_data_day: dt.date | None = None  # the overview's weeks end with the last complete one of the data


def review_section(view: UsageView) -> None:
    """The open anomalies to review, then the recently closed ones."""
    open_items = cached(anomalies, view.store, ("new", "reviewing"), view.filters)
    closed = cached(anomalies, view.store, ("actioned", "dismissed"), view.filters, CLOSED_SHOWN, True)
    st.subheader("Anomalies to review")
    anomaly_list(view.store, open_items, view.time_zone, view.threshold)
    st.subheader("Recently closed")
    closed_table(closed, view.time_zone)


def overview_section(view: UsageView) -> None:
    """Use by system, customer group and resource over the last complete weeks, and adoption."""
    weeks = st.segmented_control("Period", list(SPANS), format_func=SPANS.get, default=12, key="usage_span",
                                 persist_state="session") or 12
    last_week = reference_week(dt.datetime.now(view.time_zone).date(), view.last_data_day)
    period = Period(last_week.end - dt.timedelta(weeks=weeks), last_week.end)
    st.caption(f"{period.label()}, complete weeks (Monday to Sunday, {view.time_zone.key}). The customer-group "
               "filter keeps the use by customers in those groups; the service filter does not apply to usage.")
    usage = cached(usage_overview, view.store, period, view.time_zone, view.filters)
    resources = cached(resource_ranking, view.store, period, view.time_zone, view.filters)
    overview(usage, resources)


SECTIONS = {"Anomalies": review_section, "Usage overview": overview_section}
