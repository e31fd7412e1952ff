"""Survey setup: the surveys and their waves; create a survey from a template or one's own items, open a wave."""

import datetime as dt

import streamlit as st

from infodash.instruments import STYLE_LABELS, TEMPLATES, active_customers_by_group, surveys, waves
from infodash.ui import survey_setup_form as form
from infodash.ui.layout import page_context
from infodash.ui.pickers import staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.tables import show_table

context = page_context(with_filters=False)
store = context.store
today = dt.datetime.now(context.time_zone).date()
form.reset_saved_forms(today)

st.title("Survey setup")
staff_name_input()
with store_errors(store):
    listed = cached(surveys, store)
    groups = cached(active_customers_by_group, store)

st.subheader("Surveys")
st.caption("Short, respectful surveys: every item is tied to one of the five RATER dimensions.")
show_table(form.survey_table(listed), "surveys.csv", key="survey_list", column_config=form.SURVEY_COLUMNS)

st.subheader("Create a survey")
st.segmented_control("Start from", [*TEMPLATES, form.OWN_ITEMS], format_func=form.template_label, key="ns_template",
                     required=True, on_change=form.template_chosen,
                     help="A template fills the item table below; its items can still be changed.")
template = st.session_state["ns_template"]
with st.form("new_survey", border=True, enter_to_submit=False):
    form.SURVEY.flash()
    name_col, style_col, min_col, max_col = st.columns([2, 2, 1, 1])
    with name_col:
        st.text_input("Survey name", key="ns_name", placeholder="e.g. Service quality 2027")
        form.SURVEY.error("name")
    with style_col:
        st.selectbox("Style", list(STYLE_LABELS), format_func=STYLE_LABELS.get, key="ns_style",
                     help="What each item asks: SERVQUAL gives the gap, LibQUAL-style the zone of tolerance.")
        form.SURVEY.error("style")
    min_col.number_input("Scale from", step=1, key="ns_scale_min")
    max_col.number_input("to", step=1, key="ns_scale_max")
    form.SURVEY.error("scale")
    nps_col, csat_col, importance_col, points_col = st.columns(4)
    nps_col.checkbox("Ask NPS (0-10)", key="ns_nps")
    csat_col.checkbox("Ask CSAT (1-5)", key="ns_csat")
    with importance_col:
        st.checkbox("Ask importance points", key="ns_importance",
                    help="Respondents share points over the five dimensions to say what matters most.")
        form.SURVEY.error("asks_importance")
    with points_col:
        st.number_input("Points to share", step=10, key="ns_points")
        form.SURVEY.error("importance_points")
    st.text_input("Description (optional)", key="ns_description")
    items = st.data_editor(form.item_table(template), num_rows="dynamic", hide_index=True, width="stretch",
                           key=form.editor_key(f"ns_items_{template}"), column_config=form.ITEM_COLUMNS)
    form.SURVEY.error("items")
    form.SURVEY.error("codes")
    create = st.form_submit_button("Create survey", type="primary")
if create:
    form.save_survey(store, items)
    st.rerun()
form.SURVEY.error("author")
form.SURVEY.error("form")

st.subheader("Waves")
if listed.empty:
    st.caption("Create a survey first.")
    st.stop()
names = dict(zip(listed["survey_id"], listed["name"]))
if st.session_state.get("nw_survey") not in names:
    st.session_state["nw_survey"] = next(iter(names))
chosen = st.selectbox("Survey", list(names), format_func=names.get, key="nw_survey")
with store_errors(store):
    survey_waves = cached(waves, store, chosen)
if survey_waves.empty:
    st.caption("No waves yet.")
else:
    show_table(survey_waves, "survey-waves.csv", key="survey_waves", column_config=form.WAVE_COLUMNS)
with st.form("new_wave", border=True, enter_to_submit=False):
    st.markdown("**Open a wave of this survey**")
    form.WAVE.flash()
    name_col, opened_col, closed_col = st.columns([2, 1, 1])
    with name_col:
        st.text_input("Wave name", key="nw_name", placeholder="e.g. Autumn 2026")
        form.WAVE.error("name")
    with opened_col:
        st.date_input("Opens on", key="nw_opened", format="YYYY-MM-DD")
        form.WAVE.error("opened_on")
    with closed_col:
        st.date_input("Closes on (optional)", key="nw_closed", format="YYYY-MM-DD")
        form.WAVE.error("closed_on")
    st.markdown("Invitations per customer group (filled with each group's active customers)")
    invitations = st.data_editor(form.invitation_table(groups), hide_index=True, key=form.editor_key("nw_invitations"),
                                 disabled=["customer_group"], column_order=["customer_group", "invited"],
                                 column_config=form.INVITATION_COLUMNS)
    form.WAVE.error("invitations")
    opened = st.form_submit_button("Open wave", type="primary")
if opened:
    form.save_wave(store, chosen, invitations)
    st.rerun()
form.WAVE.error("survey_id")
form.WAVE.error("author")
form.WAVE.error("form")
