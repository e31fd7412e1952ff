"""Enter survey responses: key in paper forms and interview answers, one respondent at a time."""

import datetime as dt

import streamlit as st

from infodash.catalogue import customer_group_options
from infodash.instruments import load_instrument, surveys, waves
from infodash.ui import survey_form as form
from infodash.ui.layout import page_context
from infodash.ui.pickers import staff_name_input
from infodash.ui.store import cached, store_errors

context = page_context(with_filters=False)
store, time_zone = context.store, context.time_zone
today = dt.datetime.now(time_zone).date()

st.title("Enter survey responses")
st.caption("For answers given on paper or in an interview. Online answers are imported instead.")
staff_name_input()
form.FEEDBACK.error("author")
with store_errors(store):
    listed = cached(surveys, store)
    groups = dict(cached(customer_group_options, store))
if listed.empty:
    st.info("There are no surveys yet: create one on the Survey setup page.", icon=":material/info:")
    st.stop()

form.ensure_defaults(listed, today)
names = dict(zip(listed["survey_id"], listed["name"]))
survey_col, wave_col = st.columns(2)
survey_col.selectbox("Survey", list(names), format_func=names.get, key=form.SURVEY_KEY, persist_state="session",
                     on_change=form.FEEDBACK.clear)
with store_errors(store):
    instrument = cached(load_instrument, store, st.session_state[form.SURVEY_KEY])
    survey_waves = cached(waves, store, instrument.survey_id).set_index("wave_id")
if survey_waves.empty:
    st.info("This survey has no wave yet: open one on the Survey setup page.", icon=":material/info:")
    st.stop()
form.ensure_wave(list(survey_waves.index))
with wave_col:
    st.selectbox("Wave", list(survey_waves.index),
                 format_func=lambda wave_id: form.wave_label(survey_waves.loc[wave_id]),
                 key=form.WAVE_KEY, persist_state="session", help="The round of the survey these answers belong to.")
    form.FEEDBACK.error("wave_id")

with st.container(border=True):
    form.FEEDBACK.flash()
    form.respondent_fields(store, groups, form.wave_days(survey_waves.loc[st.session_state[form.WAVE_KEY]], today))
    form.item_rows(instrument)
    form.other_questions(instrument)
    st.button("Save response", type="primary", on_click=form.save, args=(store, instrument, time_zone),
              help="Saves this respondent's answers and empties the form for the next one.")
    form.FEEDBACK.error("answers")
    form.FEEDBACK.error("form")
