"""Feedback: record complaints, compliments and suggestions, and close the loop (acknowledge, assign, respond,
resolve, tell the customer); the last four weeks in figures against the targets."""

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.catalogue import service_options
from infodash.db import Store
from infodash.comment_themes import feedback_themes
from infodash.feedback import (CATEGORIES, KINDS, MAX_DESCRIPTION_CHARS, MAX_RESPONSE_CHARS, SEVERITIES, SOURCES,
                               STATUSES, UNVERIFIED, feedback_history, feedback_list, feedback_owners, get_feedback,
                               source_choices)
from infodash.feedback_figures import DEFINITIONS, feedback_timeliness, late_flags
from infodash.periods import Period
from infodash.ui import feedback_forms as form
from infodash.ui.feedback_sections import LIST_COLUMNS, figures_section, in_words, item_context, targets_form
from infodash.ui.kpi import Kpi, kpi_row
from infodash.ui.layout import lazy_expander, page_context
from infodash.ui.pickers import customer_options, may, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import show_table
from infodash.ui.text import escape_markdown
from infodash.ui.theme_sections import comment_themes_section


def record_form(store: Store, services: dict[int, str], time_zone: ZoneInfo, today: dt.date) -> None:
    """Staff record an item: where it came from (the record gives the customer and service), what and how serious,
    when, and who deals with it."""
    form.NEW.flash()
    source = st.selectbox("It came from", [key for key in SOURCES if key != "public_form"], format_func=SOURCES.get,
                          key="fi_source", persist_state="session", help="A touchpoint, request or survey comment "
                          "gives the customer and service; pick the record below.")
    with store_errors(store):
        records = cached(source_choices, store, source)
    if source != "staff":
        st.selectbox(SOURCES[source], list(records), format_func=records.get, key="fi_source_id",
                     persist_state="session", placeholder=f"Choose the {SOURCES[source].lower()}")
        form.NEW.error("source_id")
    with store_errors(store):
        customers = customer_options(store, "fi_customer", "fi_search")
    kind_col, category_col, severity_col = st.columns(3)
    with kind_col:
        st.selectbox("Kind", list(KINDS), format_func=KINDS.get, key="fi_kind", persist_state="session")
        form.NEW.error("kind")
    with category_col:
        st.selectbox("About", list(CATEGORIES), format_func=CATEGORIES.get, key="fi_category", persist_state="session",
                     placeholder="Choose")
        form.NEW.error("category")
    with severity_col:
        st.selectbox("Severity (complaints)", list(SEVERITIES), format_func=SEVERITIES.get, key="fi_severity",
                     persist_state="session", placeholder="Choose",
                     disabled=st.session_state.get("fi_kind") != "complaint")
        form.NEW.error("severity")
    customer_col, service_col = st.columns(2)
    with customer_col:
        st.selectbox("Customer", list(customers), format_func=customers.get, key="fi_customer",
                     persist_state="session", placeholder="From the record, or choose (optional)")
        form.NEW.error("customer_id")
    with service_col:
        st.selectbox("Service", list(services), format_func=services.get, key="fi_service", persist_state="session",
                     placeholder="From the record, or choose (optional)")
        form.NEW.error("service_id")
    st.text_area("What the customer said", key="fi_description", persist_state="session",
                 max_chars=MAX_DESCRIPTION_CHARS)
    form.NEW.error("description")
    date_col, time_col, owner_col = st.columns(3)
    date_col.date_input("Received on", key="fi_date", persist_state="session", max_value=today, format="YYYY-MM-DD")
    with time_col:
        st.time_input("at", key="fi_time", persist_state="session")
        form.NEW.error("received_at")
    with owner_col:
        st.text_input("Owner (optional)", key="fi_owner", persist_state="session", placeholder="Who will deal with it")
        form.NEW.error("owner")
    st.button("Record feedback", type="primary", on_click=form.save_new, args=(store, time_zone))
    form.NEW.error("source")
    form.NEW.error("author")
    form.NEW.error("form")


context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
today = dt.datetime.now(time_zone).date()
st.title("Feedback")
me = staff_name_input()
form.ensure_defaults(time_zone)
with store_errors(store):
    last_four_weeks = Period(today - dt.timedelta(days=27), today + dt.timedelta(days=1))
    figures = cached(feedback_timeliness, store, last_four_weeks, time_zone)
    services = dict(cached(service_options, store))
    owners = cached(feedback_owners, store)
targets = figures.targets
st.caption(f"Received in the last four weeks (to today). Targets: acknowledge within {targets.acknowledge_days} "
           f"working day(s), resolve complaints within {targets.resolve_days}.")
kpi_row([Kpi("Received", figures.received, None, DEFINITIONS["received"]),
         Kpi("Acknowledged in time", figures.acknowledge_share, None, DEFINITIONS["acknowledged_in_time"], "share"),
         Kpi("Complaints resolved in time", figures.resolve_share, None, DEFINITIONS["resolved_in_time"], "share"),
         Kpi("Customer told", figures.told_share, None, DEFINITIONS["told_share"], "share")])

# Each expander's content is read and drawn only while it is open: most visits are to work the list below.
if box := lazy_expander("Figures for the last four weeks", "fb_figures", icon=":material/bar_chart:"):
    with box, store_errors(store):
        figures_section(store, last_four_weeks, time_zone)
if box := lazy_expander("Themes in what customers wrote, last four weeks", "fb_themes", icon=":material/category:"):
    with box, store_errors(store):
        comment_themes_section(cached(feedback_themes, store, last_four_weeks, time_zone), "feedback_themes")
if may("lead") and (box := lazy_expander("Targets (leads)", "fb_targets", icon=":material/flag:")):
    with box:
        targets_form(store)

# What is typed here is kept for the session, whether the expander is closed or another page visited.
if box := lazy_expander("Record feedback", "fb_record", icon=":material/add_comment:"):
    with box:
        record_form(store, services, time_zone, today)

st.subheader("Feedback items")
status_col, kind_col, service_col, owner_col = st.columns(4)
status = status_col.selectbox("Status", list(STATUSES), format_func=STATUSES.get, key="fl_status",
                              placeholder="Any status", index=None)
kind = kind_col.selectbox("Kind", list(KINDS), format_func=KINDS.get, key="fl_kind", placeholder="Any kind", index=None)
service = service_col.selectbox("Service", list(services), format_func=services.get, key="fl_service",
                                placeholder="Any service", index=None)
owner = owner_col.selectbox("Owner", ["", *owners], format_func=lambda name: name or "Nobody yet", key="fl_owner",
                            placeholder="Anyone", index=None)
form.WORK.flash()
with store_errors(store):
    listed = cached(feedback_list, store, status, kind, service, owner)
    # against the targets, in working days; judged at the hour, so a page switch does not open the database
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    listed = listed.assign(late=cached(late_flags, store, listed, time_zone, hour))
if listed.empty:
    st.caption("No feedback items match.")
    st.stop()
st.caption(f"{int(listed['total'].iloc[0]):,} item(s) match; the newest {len(listed):,} are listed.")
table = show_table(in_words(listed), "feedback.csv", key="fl_table", hidden=("total", "response", "source_id"),
                   column_config=LIST_COLUMNS, on_select="rerun", selection_mode="single-row")
chosen = [row for row in table.selection.rows if row < len(listed)]  # a row of a list since shortened drops out
selected = int(listed.iloc[chosen[0]]["feedback_id"]) if chosen else st.session_state.get("fl_selected")
if selected not in set(listed["feedback_id"]):
    st.caption("Select an item to acknowledge, assign, respond to or resolve it.")
    st.stop()
st.session_state["fl_selected"] = selected
with store_errors(store):
    item = get_feedback(store, selected)
form.load_item(item)
st.markdown(f"**Feedback #{item.feedback_id}**: {KINDS[item.kind].lower()}, {STATUSES[item.status].lower()}")
row = listed.set_index("feedback_id").loc[item.feedback_id]
st.caption(escape_markdown(item_context(item, row)))
if item.customer_id is None and str(row["customer"]).startswith(UNVERIFIED) and may("staff"):
    sender = str(row["customer"]).removeprefix(UNVERIFIED)
    st.button(f"Link to {sender}", key="ft_link", on_click=form.link, args=(store, item.feedback_id),
              help="The form cannot tell who sent it: link it once you have checked with them. It then counts for "
                   "them, their group and their profile.")
st.text(item.description)
with store_errors(store):
    show_table(cached(feedback_history, store, item.feedback_id), f"feedback-{item.feedback_id}-history.csv",
               key="ft_history")
if may("staff"):
    with st.container(border=True):
        owner_col, category_col, severity_col = st.columns(3)
        with owner_col:
            st.text_input("Owner", key="ft_owner", placeholder="Staff name")
            form.WORK.error("owner")
        with category_col:
            st.selectbox("About", list(CATEGORIES), format_func=CATEGORIES.get, key="ft_category")
            form.WORK.error("category")
        with severity_col:
            st.selectbox("Severity", list(SEVERITIES), format_func=SEVERITIES.get, key="ft_severity",
                         disabled=item.kind != "complaint", placeholder="Complaints only")
            form.WORK.error("severity")
        st.button("Save owner and category", on_click=form.triage, args=(store, item.feedback_id))
        st.text_area("Response given", key="ft_response", max_chars=MAX_RESPONSE_CHARS,
                     help="What the team did or will do: it is the 'we did' of the management pack.")
        form.WORK.error("response")
        st.button("Save response", on_click=form.respond, args=(store, item.feedback_id))
        ack_col, resolve_col, told_col = st.columns(3)
        ack_col.button("Acknowledge", disabled=item.status != "received", on_click=form.acknowledge,
                       args=(store, item.feedback_id))
        resolve_col.button("Resolve", type="primary", disabled=item.status == "resolved", on_click=form.resolve,
                           args=(store, item.feedback_id))
        told_col.button("Customer told the outcome", disabled=item.customer_told_at is not None, on_click=form.told,
                        args=(store, item.feedback_id))
        for field in ("status", "acknowledged_at", "resolved_at", "customer_told_at", "author", "form"):
            form.WORK.error(field)
