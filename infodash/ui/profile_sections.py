"""Parts of the Customer profile page: choosing the customer (search, a link or another page's hand-off),
the header with the totals, what is open, the timeline, usage, anomalies and survey responses.

Everything people typed (notes, comments, explanations quoting them) is shown in tables or as plain
text, never as markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.customer_profile import DEFINITIONS, OUTCOMES, TIMELINE_KINDS, CustomerSummary, OpenItems
from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.findings import DETECTORS, SEVERITY_DEFINITION, STATUSES, severity
from infodash.personal_data import erase_customer, export_customer
from infodash.ui import touchpoint_form
from infodash.ui.charts import cached_chart
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.pickers import acting_account, customer_options
from infodash.ui.tables import download_button, show_table
from infodash.ui.text import escape_markdown
from infodash.ui.usage_charts import weekly_chart

# Another page opens a profile by setting this key before switching here (e.g. the Customer groups drill-down).
CUSTOMER_KEY = "profile_customer"
QUERY_PARAM = "customer"  # ...or by linking to the page with ?customer=<id>
_LINKED_KEY = "profile_linked"  # the ?customer= value already acted on, so a link picks its customer once
LOG_TOUCHPOINT_PAGE = "app_pages/log_touchpoint.py"
_DATETIME = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")


def _linked_customer() -> int | None:
    value = st.query_params.get(QUERY_PARAM)
    return int(value) if value and value.isdigit() else None


def choose_customer(store: Store) -> int | None:
    """The search box and picker (former customers included); the chosen customer's id, or None.

    A ``?customer=<id>`` link or a hand-off under :data:`CUSTOMER_KEY` chooses the customer; the
    address then names whoever is shown, so it can be copied and shared.
    """
    linked = _linked_customer()
    if linked is not None and st.session_state.get(_LINKED_KEY) != linked:
        st.session_state.update({_LINKED_KEY: linked, CUSTOMER_KEY: linked})
    labels = customer_options(store, CUSTOMER_KEY, "profile_search", include_inactive=True)
    wanted = st.session_state.get(CUSTOMER_KEY)
    if wanted is not None and wanted not in labels:
        st.warning(f"There is no customer #{wanted}; search for them by name, e-mail or department.",
                   icon=":material/person_off:")
        st.session_state[CUSTOMER_KEY] = None
    elif wanted is not None and type(wanted) is not int:
        st.session_state[CUSTOMER_KEY] = int(wanted)  # a hand-off may pass a numpy integer
    chosen = st.selectbox("Customer", list(labels), format_func=labels.get, key=CUSTOMER_KEY, index=None,
                          placeholder="Type a name, e-mail or department", persist_state="session",
                          help="Former (inactive) customers are listed too, marked as such.")
    if chosen is None:
        st.query_params.pop(QUERY_PARAM, None)
    else:
        st.query_params[QUERY_PARAM] = str(chosen)
        st.session_state[_LINKED_KEY] = chosen
    return chosen


def _when(moment: dt.datetime | None) -> str:
    return "-" if moment is None else f"{moment:%d %b %Y}"


def _card(label: str, value: float | None, definition: str, kind: str = "count") -> Kpi:
    return Kpi(label, value, None, definition, kind, "neutral")


def header(summary: CustomerSummary) -> None:
    """Who the customer is, first and last contact, and their totals as cards (each with its definition)."""
    st.subheader(escape_markdown(summary.name) + ("" if summary.active else " (inactive)"))
    st.caption(escape_markdown(
        f"{summary.customer_group} · {summary.department} · {summary.seniority} · {summary.relationship} · "
        f"{summary.email or 'no e-mail'} · first contact {_when(summary.first_contact)}, last contact "
        f"{_when(summary.last_contact)}") + f". {DEFINITIONS['contact']}")
    kpi_row([_card("Requests", summary.requests, DEFINITIONS["requests"]),
             _card("Resolved", summary.resolved, DEFINITIONS["resolved"]),
             _card("Declined", summary.declined, DEFINITIONS["declined"]),
             _card("Service level met", summary.sla_met_share, f"{DEFINITIONS['sla_met_share']} "
                   f"{summary.sla_met:,} of {summary.sla_counted:,}.", "share"),
             _card("Open requests", summary.open_requests, DEFINITIONS["open_requests"])])
    kpi_row([_card("Touchpoints", summary.touchpoints, DEFINITIONS["touchpoints"]),
             _card("Minutes", summary.minutes, DEFINITIONS["minutes"]),
             _card("Open follow-ups", summary.open_follow_ups, DEFINITIONS["open_follow_ups"]),
             _card("Surveys answered", summary.surveys_answered, DEFINITIONS["surveys"]),
             _card("Usage events", summary.usage_events, DEFINITIONS["usage_events"])])


def log_touchpoint_button(summary: CustomerSummary, time_zone: ZoneInfo) -> None:
    """"Log a touchpoint for this customer": opens the Log touchpoint page with the customer chosen."""
    if st.button("Log a touchpoint for this customer", icon=":material/edit_note:", disabled=not summary.active,
                 help="Opens Log touchpoint with this customer filled in." if summary.active else
                 "This customer is inactive: new touchpoints cannot be logged for them."):
        touchpoint_form.preselect_customer(summary.customer_id, time_zone)
        st.switch_page(LOG_TOUCHPOINT_PAGE, query_params={"customer": str(summary.customer_id)})


def _open_list(title: str, frame: pd.DataFrame, column_config: dict) -> None:
    """One list of open items: its title and count, the table (codes in words) and its CSV."""
    st.markdown(f"**{title}** ({len(frame):,})")
    if frame.empty:
        st.caption(f"No {title.lower()}.")
        return
    show_table(frame, f"customer-{title.lower().replace(' ', '-')}.csv", key=f"profile_{title.lower()}",
               column_config=column_config)


def open_items(items: OpenItems) -> None:
    """Open follow-ups (most overdue first) and open requests (oldest first), side by side."""
    follow_col, request_col = st.columns(2)
    with follow_col:
        _open_list("Open follow-ups", items.follow_ups, {
            "touchpoint_id": st.column_config.NumberColumn("Touchpoint", format="#%d"),
            "follow_up_on": st.column_config.DateColumn("Follow up on", format="YYYY-MM-DD"),
            "days_overdue": st.column_config.NumberColumn(
                "Days overdue", help="Days since the follow-up date; negative: days until it is due."),
            "contact": st.column_config.DatetimeColumn("Contact", format="D MMM YYYY, HH:mm"), "note": st.column_config.TextColumn(width="large")})
    with request_col:
        _open_list("Open requests", items.requests, {
            "request_id": st.column_config.NumberColumn("Request", format="#%d"),
            "received": _DATETIME, "due": _DATETIME,
            "outcome": st.column_config.TextColumn("Service level", help="Judged now, as on Service levels."),
            "business_hours_left": st.column_config.NumberColumn(
                "Business hours left", format="%.1f", help="Business time left before the due time; negative: "
                "past due. A paused clock (waiting on the customer or a vendor) stands still.")})


def kind_filter() -> list[str]:
    """The kinds of entry the timeline shows (all unless the person narrows it)."""
    chosen = st.pills("Show", list(TIMELINE_KINDS), format_func=TIMELINE_KINDS.get, selection_mode="multi",
                      default=list(TIMELINE_KINDS), key="profile_kinds", persist_state="session")
    return list(chosen)


def timeline_table(frame: pd.DataFrame, limit: int, file_name: str) -> None:
    """The timeline, newest first, notes as plain text, with its CSV."""
    if frame.empty:
        st.caption("Nothing to show: no requests, touchpoints, survey responses, usage or anomalies of these kinds.")
        return
    shown = frame.assign(kind=frame["kind"].map(TIMELINE_KINDS), outcome=frame["outcome"].map(OUTCOMES))
    show_table(shown, file_name, key="profile_timeline", column_config={
        "when": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm",
                                                help="Local time; for usage, the Monday the week starts."),
        "title": st.column_config.TextColumn("What", width="medium"),
        "detail": st.column_config.TextColumn("Detail", width="large", help="As logged; notes and comments as typed."),
        "outcome": st.column_config.TextColumn(
            "Status or outcome", help="Requests: their service level, judged now. Touchpoints: their follow-up. "
            "Survey responses: the NPS category. Anomalies: where their review stands."),
        **{column: st.column_config.NumberColumn(column.removesuffix("_id").capitalize(), format="#%d")
           for column in ("request_id", "touchpoint_id", "response_id", "anomaly_id")}})
    more = f" The latest {limit:,} are shown." if len(frame) >= limit else ""
    st.caption(f"{len(frame):,} entries, newest first.{more}")


def usage_chart(frame: pd.DataFrame, weeks: int) -> None:
    """The customer's usage events per week and system."""
    if frame.empty:
        st.caption(f"No use of the monitored systems in the last {weeks} weeks.")
        return
    st.plotly_chart(cached_chart("profile_usage", weekly_chart, frame, "system", "events", "Events",
                                 f"Usage events per week, last {weeks} weeks"), width="stretch")
    st.caption(f"{DEFINITIONS['usage_events']} Weeks run Monday to Sunday; the current week so far.")
    download_button(frame, "customer-usage-by-week.csv")


def anomaly_table(frame: pd.DataFrame) -> None:
    """Usage anomalies found about the customer, open ones first."""
    if frame.empty:
        st.caption("No usage anomalies found about this customer.")
        return
    shown = frame.assign(detector=frame["detector"].map(DETECTORS), status=frame["status"].map(STATUSES),
                         score=frame["score"].map(severity)).rename(columns={"score": "severity"})
    show_table(shown, "customer-anomalies.csv", key="profile_anomalies", hidden=("anomaly_id",), column_config={
        "window_start": st.column_config.DatetimeColumn("From", format="D MMM YYYY, HH:mm"),
        "window_end": st.column_config.DatetimeColumn("To", format="D MMM YYYY, HH:mm"),
        "review_note": st.column_config.TextColumn("Review note"),
        "reviewed_by": st.column_config.TextColumn("Reviewed by"),
        "explanation": st.column_config.TextColumn("Explanation", width="large"),
        "suggested_action": st.column_config.TextColumn("Suggested action", width="medium"),
        "severity": st.column_config.TextColumn("Severity", help=SEVERITY_DEFINITION)})
    st.caption("Reviewed, actioned or dismissed on the Usage monitoring page.")


def survey_table(frame: pd.DataFrame) -> None:
    """The customer's own (not anonymous) survey responses with their scores and comments."""
    if frame.empty:
        st.caption("No survey responses under this customer's name (anonymous responses are never shown here).")
        return
    show_table(frame, "customer-survey-responses.csv", key="profile_surveys", column_config={
        "response_id": st.column_config.NumberColumn("Response", format="#%d"),
        "submitted": _DATETIME,
        "nps": st.column_config.NumberColumn("NPS answer", help="How likely they are to recommend the team, 0-10."),
        "csat": st.column_config.NumberColumn("CSAT", help="Satisfaction, 1 (very dissatisfied) to 5 (very "
                                                           "satisfied)."),
        "items_answered": st.column_config.NumberColumn("Items"),
        "perceived": st.column_config.NumberColumn("Perceived", format="%.2f", help="Mean perceived score over the items "
                                                                      "answered, on the survey's own scale."),
        "gap": st.column_config.NumberColumn("Gap", format="%+.2f", help=DEFINITIONS["gap"]),
        "comment": st.column_config.TextColumn("Comment", width="large"),
        "request_id": st.column_config.NumberColumn("After request", format="#%d")})


def personal_data(store: Store, customer_id: int, name: str) -> None:
    """For a lead: prepare the zip of everything held about the customer (audited once, when prepared) and
    download it; or erase their personal data, after typing their name to confirm (the library refuses anyone
    else)."""
    export_col, erase_col = st.columns(2)
    with export_col:
        prepared = st.session_state.get("personal_data_export")
        st.caption("A request to see what is held about them (the right of access): everything in one zip of CSV "
                   "and JSON files. Preparing it is recorded in the audit log.")
        if prepared is None or prepared[0] != customer_id:
            if st.button("Prepare the export", key="prepare_personal_data", icon=":material/folder_zip:") and \
                    _refused_or_done(lambda: st.session_state.update(personal_data_export=(
                        customer_id, export_customer(store, customer_id, acting_account(store))))):
                st.rerun()
        else:
            st.download_button("Download everything held about them", prepared[1], icon=":material/download:",
                               file_name=f"customer-{customer_id}.zip", mime="application/zip",
                               key="download_personal_data")
    with erase_col:
        if name.startswith("Erased customer"):
            st.caption("Their personal data was erased: what remains counts in the figures, anonymously.")
            return
        st.caption("A request to be forgotten: their name, e-mail, login, notes, comments and query texts go; their "
                   "requests, touchpoints, answers and usage stay as anonymous rows, so every figure stays right. "
                   "This cannot be undone.")
        confirm = st.text_input("Type their name to confirm", key=f"erase_confirm_{customer_id}")
        if st.button("Erase their personal data", key="erase_personal_data", icon=":material/delete_forever:",
                     disabled=confirm.strip() != name) and \
                _refused_or_done(lambda: erase_customer(store, customer_id, acting_account(store))):
            st.session_state.pop("personal_data_export", None)
            st.rerun()


def _refused_or_done(action: Callable[[], object]) -> bool:
    """Run ``action``; True when it went through, else say why not (not a lead any more, a busy database, a
    customer erased meanwhile) where the button is."""
    try:
        action()
    except (NotAllowed, StoreError, ValidationError) as error:
        message = "; ".join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        st.error(escape_markdown(message), icon=":material/error:")
        return False
    return True
