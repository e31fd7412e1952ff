"""Audit log: every change, import, export and sign-in, by whom and when; a lead's page."""

import datetime as dt

import pandas as pd
import streamlit as st

from infodash.audit import entries, entry_count, who_and_what
from infodash.periods import Period
from infodash.ui.layout import page_context
from infodash.ui.sign_in import require_lead
from infodash.ui.store import cached_log, store_errors
from infodash.ui.tables import show_table

context = page_context(with_filters=False)
require_lead("the audit log")
st.title("Audit log")
store, time_zone = context.store, context.time_zone
with store_errors(store):
    actors, tables = cached_log(who_and_what, store)
today = dt.datetime.now(time_zone).date()
person_col, table_col, days_col = st.columns(3)
actor = person_col.selectbox("Person", actors, index=None, placeholder="Everyone", key="audit_actor")
entity = table_col.selectbox("Table", tables, index=None, placeholder="Every table", key="audit_entity")
chosen = days_col.date_input("From and to (inclusive)", value=(today - dt.timedelta(days=30), today),
                             max_value=today, format="YYYY-MM-DD", key="audit_days")
first, last = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (None, None)
start, end = Period(first, last + dt.timedelta(days=1)).bounds(time_zone) if first else (None, None)
with store_errors(store):
    shown = cached_log(entries, store, actor, entity, start, end)
    total = cached_log(entry_count, store, actor, entity, start, end)
table = shown.assign(logged_at=pd.to_datetime(shown["logged_at"], utc=True).dt.tz_convert(time_zone).dt.tz_localize(None))
show_table(table, "audit-log.csv", key="audit_table", width="stretch", column_config={
    "logged_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm:ss"),
    "actor": st.column_config.TextColumn("Who"), "action": st.column_config.TextColumn("What"),
    "entity": st.column_config.TextColumn("Table"), "entity_id": st.column_config.TextColumn("Record"),
    "details": st.column_config.TextColumn("Details", width="large",
                                           help="What changed; passwords and erased content are never recorded.")})
st.caption(f"{len(table):,} of {total:,} entries, newest first ({time_zone.key}). Every write, import, export "
           "and sign-in is recorded with the person signed in, in the same transaction as the change.")
