"""Reports: the management pack for a week, month, quarter or year and the sidebar's filters -- a preview
with a tab per section (each read only while open), the lead's achievements, plans and chosen comments, the
files to download, and the packs made before; and the month the reporting year starts in."""

import datetime as dt

import streamlit as st

from infodash.pack import pack_title, scope_text
from infodash.pack_parts import reporting_span
from infodash.periods import PERIOD_KINDS, recent_reporting_periods, reference_week, reporting_period_containing
from infodash.reports import DEFAULT_FORMATS, saved_packs
from infodash.settings import reporting_year_start_month
from infodash.sla import evaluate_requests
from infodash.ui import pack_sections as sections
from infodash.ui.layout import page_context
from infodash.ui.pickers import may, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.text import escape_markdown

HISTORY = {"week": 104, "month": 36, "quarter": 12, "year": 5}  # how many periods back one can choose

context = page_context()
store, filters, time_zone = context.store, context.filters, context.time_zone
now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)  # open requests are judged against this minute
today = now.astimezone(time_zone).date()

st.title("Reports")
st.caption("The management pack: this period's figures against the previous period and the same period last "
           "year, for the customer groups and services chosen in the sidebar, with your achievements and plans.")
kind_col, period_col, year_col = st.columns([3, 3, 2], vertical_alignment="bottom")
with kind_col:
    kind = st.segmented_control("Period", list(PERIOD_KINDS), format_func=PERIOD_KINDS.get, default="quarter",
                                key="pack_kind", persist_state="session") or "quarter"
with store_errors(store):
    year_start = cached(reporting_year_start_month, store)
with year_col:
    if may("lead"):
        sections.year_start_control(store, year_start)
    else:
        st.caption(f"Reporting year from {dt.date(2000, year_start, 1):%B}")
sections.YEAR_START.flash()
span = context.data_span
periods = recent_reporting_periods(kind, today, HISTORY[kind], year_start, span and span.first_day)
latest = reporting_period_containing(kind, reference_week(today, span and span.last_day).start, year_start)
period = period_col.selectbox(
    "Which", periods, index=periods.index(latest) if latest in periods[1:] else 1, key=f"pack_period_{kind}",
    persist_state="session",
    format_func=lambda choice: choice.label() + (" (so far)" if choice.is_partial(today) else ""),
    help="A period still running is reported so far, against the same number of days of the periods it is "
         "compared with.")

with store_errors(store):
    cached(evaluate_requests, store)
    scope = cached(scope_text, store, filters)
    made_before = cached(saved_packs, store)
covered, partial = reporting_span(period, time_zone, now)  # only periods already started are offered
title = pack_title(period, covered, partial)
if partial:
    st.warning(escape_markdown(f"{title}: the period is still running, so its figures are so far."),
               icon=":material/hourglass_top:")
st.caption(escape_markdown(f"{title}. {scope}."))
view = sections.PackView(store, period, time_zone, filters, now)
sections.preview(view)

st.subheader("Your texts")
sections.texts_input(view)
staff_name_input()
sections.FEEDBACK.error("author")
sections.FEEDBACK.error("form")
st.button("Make the pack", type="primary", icon=":material/slideshow:", on_click=sections.make_pack, args=(view,),
          help="Makes the PowerPoint deck, the HTML report and the Excel tables, and keeps them with your texts.")
sections.FEEDBACK.flash()
last = st.session_state.get(sections.LAST_PACK_KEY)
if last in set(made_before["pack_id"]):
    sections.downloads(store, last, list(DEFAULT_FORMATS), "pack_new")

st.subheader("Packs made before")
if made_before.empty:
    st.caption("None yet.")
    st.stop()
st.caption("Select a pack to download its files again, exactly as they were made.")
table = st.dataframe(
    made_before[["pack_id", "period_label", "scope", "created_by", "created_at", "partial"]], hide_index=True,
    on_select="rerun", selection_mode="single-row", key="pack_history",
    column_config={"pack_id": "pack", "period_label": "period", "created_by": "made by",
                   "created_at": st.column_config.DatetimeColumn("made", format="YYYY-MM-DD HH:mm"),
                   "partial": st.column_config.CheckboxColumn("so far")})
if table.selection.rows:
    chosen = made_before.iloc[table.selection.rows[0]]
    sections.downloads(store, int(chosen["pack_id"]), list(chosen["formats"]), "pack_old")
