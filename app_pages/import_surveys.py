"""Import survey responses: choose the wave, upload a forms tool's export, map its columns, check, import."""

import pandas as pd
import streamlit as st

from infodash.formatting import count_of
from infodash.importers import load_mapping, mapping_names
from infodash.instruments import load_instrument, surveys, waves
from infodash.survey_import import KIND, SurveyImportOptions, import_survey_responses, suggest_options
from infodash.ui.import_form import check_and_import, previewed, reading_options, save_mapping_form
from infodash.ui.layout import page_context, set_aside_list
from infodash.ui.pickers import acting_account, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.survey_import_form import mapping_editor

context = page_context(with_filters=False)
store = context.store

st.title("Import survey responses")
st.caption("From a forms tool's export (CSV or Excel): one row per respondent, one column per answer. Every row "
           "is checked with the same rules as the entry form; nothing is written unless the whole file is good, "
           "and respondents imported before are skipped. A blank cell is a question not answered.")
me = staff_name_input()
set_aside_list(store)
with store_errors(store):
    survey_list = cached(surveys, store)
survey_list = survey_list[~survey_list["post_request"].fillna(False).astype(bool)]
if survey_list.empty:
    st.info("There is no survey yet: set one up on the Survey setup page first.")
    st.stop()
survey_names = {int(row.survey_id): row.name for row in survey_list.itertuples()}
chosen_survey, chosen_wave = st.columns(2)
survey_id = chosen_survey.selectbox("Survey", list(survey_names), format_func=survey_names.get,
                                    key="survey_import_survey")
with store_errors(store):
    instrument = cached(load_instrument, store, survey_id)
    wave_list = cached(waves, store, survey_id)
    saved = cached(mapping_names, store, KIND)
if wave_list.empty:
    st.info("This survey has no wave yet: open one on the Survey setup page first.")
    st.stop()
wave_names = {int(row.wave_id): f"{row.name} (opened {pd.Timestamp(row.opened_on):%d %b %Y}, "
                                f"{count_of(row.responses, 'response')})" for row in wave_list.itertuples()}
wave_id = chosen_wave.selectbox("Wave", list(wave_names), format_func=wave_names.get, index=len(wave_names) - 1,
                                key=f"survey_import_wave_{survey_id}", help="The round of the survey the file holds.")
upload = st.file_uploader("Export file", type=["csv", "xlsx"], key="survey_import_file")
if upload is None:
    st.stop()

starts = {"suggested": "Matched from the file's headers", **{f"saved:{name}": f"{name} (saved mapping)"
                                                             for name in saved}}
start = st.selectbox("Start from", list(starts), format_func=starts.get, key="survey_import_start")
base = (SurveyImportOptions.from_dict(cached(load_mapping, store, KIND, start.removeprefix("saved:")))
        if start.startswith("saved:") else SurveyImportOptions(columns={}, time_zone=context.time_zone.key))
key = f"survey_import_{survey_id}_{start}_{upload.name}"
reading = reading_options(base.encoding, base.missing_marker, base.date_format, base.time_zone, key)
preview = previewed(upload, reading)
if start == "suggested":
    base = suggest_options(instrument, preview.columns, reading.time_zone)
columns, customer_key = mapping_editor(instrument, preview.columns, base, key)
unanswered = st.text_input("In item, importance and CSAT columns, these values mean 'not answered'",
                           ", ".join(base.unanswered), key=f"{key}_unanswered", placeholder="e.g. 0, N/A",
                           help="Separated by commas. Some forms tools write 0 for a question skipped on a 1-7 "
                                "scale; NPS is not affected (0 is an answer there).")
options = SurveyImportOptions(columns=columns, customer_key=customer_key, **reading.options(),
                              unanswered=tuple(value.strip() for value in unanswered.split(",") if value.strip()))

check_and_import(lambda dry_run, progress: import_survey_responses(
    store, upload.getvalue(), wave_id, options, acting_account(store, unnamed="import"), upload.name, dry_run=dry_run, progress=progress),
    me, "survey_import", "response", reading.problems)
save_mapping_form(store, KIND, options.to_dict(), "e.g. Microsoft Forms, RATER survey")
