"""Customer groups: every figure by customer group, department, seniority or relationship for a period
against the one before; who is under-served, how each group is served and feels about it, who is new,
quiet or lapsed, where the effort goes, what was declined, and who has not been contacted lately. Select a
row to see its customers, and a customer to open their profile."""

import datetime as dt

import streamlit as st

from infodash.groups import BREAKDOWNS, breakdown, group_customers
from infodash.sla import evaluate_requests
from infodash.ui import group_sections as sections
from infodash.ui.layout import page_context
from infodash.ui.store import cached, cached_judged, store_errors

context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
today = dt.datetime.now(time_zone).date()
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)  # open requests are judged against this minute

st.title("Customer groups")
dimension_col, period_col = st.columns([1, 3])
dimension = dimension_col.selectbox("Break down by", list(BREAKDOWNS), format_func=str.capitalize,
                                    key="groups_dimension", persist_state="session")
with period_col:
    period = sections.period_picker(today, context.data_span)
st.caption(f"{period.label()}, compared with {period.previous().label()} ({time_zone.key}). Hover over a "
           "column or card for its definition.")

with store_errors(store):
    cached(evaluate_requests, store)
    figures = cached_judged(breakdown, store, dimension, period, time_zone, filters, now=now, time_zone=time_zone)
if figures.cells.empty:
    st.info("No customers in the chosen customer groups yet. Add customer groups and customers, or import them, "
            "to see who the team serves.", icon=":material/group_off:")
    st.stop()
sections.headline(figures)
chosen = sections.breakdown_table(figures, dimension)
if chosen is not None:
    with store_errors(store):
        customers = cached(group_customers, store, dimension, chosen, period, time_zone, filters)
    sections.cell_customers(customers, chosen, dimension)

sections.section_tabs(sections.GroupView(store, dimension, period, time_zone, filters, today, figures))
