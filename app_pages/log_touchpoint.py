"""Log touchpoint: the quick form, my recent entries (edit / undo), and my follow-ups due."""

import datetime as dt

import streamlit as st

from infodash.catalogue import service_options
from infodash.touchpoints import CHANNELS, KINDS, MAX_NOTE_CHARS, READ_SCALE, follow_ups_due, recent_touchpoints
from infodash.ui import touchpoint_form as form
from infodash.ui.layout import page_context
from infodash.ui.pickers import customer_options, staff_name_input
from infodash.ui.store import cached, store_errors

context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
today = dt.datetime.now(time_zone).date()

st.title("Log touchpoint")
me = staff_name_input()
form.field_error("author")

preselected = st.query_params.get("customer")
form.ensure_defaults(time_zone, int(preselected) if preselected and preselected.isdigit() else None)
form.show_flash()

with store_errors(store):
    labels = customer_options(store, "tp_customer", "tp_search")
    services = dict(cached(service_options, store))

editing = st.session_state.get(form.EDITING_KEY)
# Not an st.form: each field reaches the session as it is filled in, so a half-typed entry is still there after
# a look at another page. The order is the order of a typical entry, the note last: Tab from it reaches Save.
with st.container(border=True):
    st.markdown(f"**Editing touchpoint #{editing}**" if editing else "**New touchpoint**")
    st.selectbox("Customer", list(labels), format_func=labels.get, key="tp_customer", persist_state="session",
                 placeholder="Type a name, e-mail or department", help="Who the contact was with.")
    form.field_error("customer_id")
    channel_col, kind_col, minutes_col, read_col = st.columns([1, 1, 1, 2])
    with channel_col:
        st.selectbox("Channel", list(CHANNELS), format_func=CHANNELS.get, key="tp_channel", persist_state="session")
        form.field_error("channel")
    with kind_col:
        st.selectbox("Kind", list(KINDS), format_func=KINDS.get, key="tp_kind", persist_state="session")
        form.field_error("kind")
    with minutes_col:
        st.number_input("Minutes", step=5, key="tp_minutes", persist_state="session",
                        help="Time spent on this contact, including preparation.")
        form.field_error("minutes")
    with read_col:
        st.selectbox("Effort (READ scale)", list(READ_SCALE), format_func=lambda level: f"{level} · {READ_SCALE[level]}",
                     key="tp_read", persist_state="session",
                     help="\n\n".join(f"**{level}**: {text}" for level, text in READ_SCALE.items()))
        form.field_error("read_level")
    date_col, time_col, follow_col, service_col = st.columns(4)
    with date_col:
        st.date_input("Date", key="tp_date", persist_state="session", max_value=today, format="YYYY-MM-DD",
                      help="Defaults to today.")
    with time_col:
        st.time_input("Time", key="tp_time", persist_state="session", step=dt.timedelta(minutes=5),
                      help="Defaults to now; change for late entries.")
        form.field_error("occurred_at")
    with follow_col:
        st.date_input("Follow up on (optional)", key="tp_follow_up", persist_state="session", min_value=None,
                      format="YYYY-MM-DD")
        form.field_error("follow_up_on")
    with service_col:
        st.selectbox("Service (optional)", list(services), format_func=services.get, key="tp_service",
                     persist_state="session", placeholder="No particular service")
        form.field_error("service_id")
    st.text_area("Note", key="tp_note", persist_state="session", height=80, placeholder="What was it about? (plain text)",
                 help=f"At most {MAX_NOTE_CHARS} characters. Ctrl+Enter saves.")
    form.field_error("note")
    save_col, again_col, cancel_col = st.columns(3)
    with save_col:
        st.button("Save changes" if editing else "Save", type="primary", width="stretch", shortcut="Ctrl+Enter",
                  key="tp_save", on_click=form.save, args=(store, time_zone, False))
    with again_col:
        st.button("Save and log another like this", width="stretch", disabled=bool(editing), key="tp_save_again",
                  on_click=form.save, args=(store, time_zone, True),
                  help="Saves, then keeps channel, kind, minutes, effort and service for the next contact.")
    with cancel_col:
        if editing:
            st.button("Cancel editing", width="stretch", key="tp_cancel", on_click=form.cancel_edit, args=(time_zone,))
form.field_error("form")

recent_col, follow_col = st.columns(2)
with recent_col:
    st.subheader("My recent entries")
    if not me:
        st.caption("Enter your name above to see your entries.")
    else:
        with store_errors(store):
            recent = cached(recent_touchpoints, store, me)
        if recent.empty:
            st.caption("Nothing logged under this name yet.")
        for row in recent.itertuples():
            line, edit_col, undo_col = st.columns([6, 1, 1], vertical_alignment="center")
            when = row.occurred_at.astimezone(time_zone).strftime("%a %d %b %H:%M")
            detail = f" ({row.customer_detail})" if row.customer_detail else ""  # namesakes told apart
            line.text(f"#{row.touchpoint_id} · {when} · {row.customer}{detail} · "
                      f"{CHANNELS.get(row.channel, row.channel)} · "
                      f"{row.minutes} min · READ {row.read_level}\n{row.note}")
            edit_col.button("Edit", key=f"edit_{row.touchpoint_id}", on_click=form.start_edit,
                            args=(store, row.touchpoint_id, time_zone))
            undo_col.button("Undo", key=f"undo_{row.touchpoint_id}", on_click=form.undo,
                            args=(store, row.touchpoint_id, time_zone))
with follow_col:
    st.subheader("My follow-ups due")
    if not me:
        st.caption("Enter your name above to see the follow-ups you set.")
    else:
        with store_errors(store):
            due = cached(follow_ups_due, store, me, today)
        if due.empty:
            st.caption("No follow-ups due today or overdue.")
        for row in due.itertuples():
            line, done_col = st.columns([6, 1], vertical_alignment="center")
            status = "due today" if row.days_overdue == 0 else f"{row.days_overdue} days overdue"
            line.text(f"{row.follow_up_on:%a %d %b} ({status}) · {row.customer} · {row.email}\n{row.note}")
            done_col.button("Done", key=f"done_{row.touchpoint_id}", on_click=form.follow_up_done,
                            args=(store, row.touchpoint_id))
        if not due.empty and due["total_due"].iloc[0] > len(due):
            st.caption(f"... and {due['total_due'].iloc[0] - len(due):,} more, older ones first.")
