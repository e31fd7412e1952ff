"""Surveys: RATER dimension scores and gaps over waves, the zone of tolerance, NPS and CSAT with
their margins, response rates and comments, by customer group, department or seniority."""

import streamlit as st

from infodash.instruments import load_instrument, surveys
from infodash.statistics import TEST_NAMES
from infodash.comment_themes import survey_comment_themes
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.surveys import (BREAKDOWNS, HEADLINE, MEASURE_TITLES, SCORE_BANDS, comments, csat_with_interval,
                              dimension_scores, nps_with_margin, response_rates, wave_table, weighted_scores)
from infodash.ui.charts import cached_chart
from infodash.ui.layout import page_context
from infodash.ui.store import cached, store_errors
from infodash.ui.survey_charts import (csat_chart, dimension_trend_chart, gap_chart, nps_chart, response_rate_chart,
                                       zone_chart)
from infodash.ui.survey_sections import breakdown_table, comment_list, wave_kpis, wave_scores_table
from infodash.ui.text import escape_markdown
from infodash.ui.theme_sections import comment_themes_section

context = page_context()
store, filters = context.store, context.filters

st.title("Surveys")
with store_errors(store):
    available = cached(surveys, store)
if available.empty:
    st.info("No survey is defined yet. Create one from a template on the Survey setup page.", icon=":material/quiz:")
    st.stop()
names = dict(zip(available["survey_id"], available["name"]))
survey_col, by_col, measure_col = st.columns([3, 2, 2])
survey_id = survey_col.selectbox("Survey", list(names), format_func=names.get, key="survey_id",
                                 persist_state="session")
by = by_col.selectbox("Break down by", list(BREAKDOWNS), format_func=str.capitalize, key="survey_by",
                      persist_state="session", help="Anonymous respondents' department, seniority and relationship "
                      "are not known; they are counted together.")
with store_errors(store):
    instrument = cached(load_instrument, store, survey_id)
    scores = cached(dimension_scores, store, survey_id, filters)
    nps = cached(nps_with_margin, store, survey_id, filters)
    csat = cached(csat_with_interval, store, survey_id, filters)
    rates = cached(response_rates, store, survey_id, filters)
    weighted = cached(weighted_scores, store, survey_id, filters, "all", scores)
measures = [m for m in MEASURE_TITLES if m in set(scores["measure"])] or [HEADLINE[instrument.style]]
measure = measure_col.selectbox("Score", measures, index=measures.index(HEADLINE[instrument.style])
                                if HEADLINE[instrument.style] in measures else 0,
                                format_func=MEASURE_TITLES.get, key=f"survey_measure_{survey_id}")

wave_names = dict(zip(rates["wave_id"], rates["wave"])) | dict(zip(scores["wave_id"], scores["wave"])) \
    | dict(zip(nps["wave_id"], nps["wave"])) | dict(zip(csat["wave_id"], csat["wave"]))
if not wave_names:
    st.info("This survey has no responses yet for the chosen filters. Enter or import responses first.",
            icon=":material/inbox:")
    st.stop()
wave_ids = list(wave_names)
wave_id = st.selectbox("Wave", wave_ids, index=len(wave_ids) - 1, format_func=wave_names.get,
                       key=f"survey_wave_{survey_id}")
st.caption("Scores are means over respondents with 95% intervals; changes compare with the previous wave "
           f"({TEST_NAMES['mean']}; NPS: {TEST_NAMES['nps']}; CSAT: {TEST_NAMES['share']}) and count as "
           "significant at p < 0.05 (a diamond on the charts). Cells with fewer than 5 responses show no score. "
           "The service filter applies to post-request feedback only.")

wave_kpis(instrument, scores, nps, csat, rates, weighted, wave_id)

if instrument.items:
    st.subheader("RATER dimensions across waves")
    st.plotly_chart(cached_chart("survey_trend", dimension_trend_chart, scores, measure), width="stretch")
    st.subheader(f"{escape_markdown(wave_names[wave_id])}: dimensions and items")
    level = st.segmented_control("Show", ["dimension", "item"], default="dimension", key="survey_level",
                                 format_func=lambda value: "Per dimension" if value == "dimension" else "Per item")
    with store_errors(store):
        level_scores = cached(dimension_scores, store, survey_id, filters, "all", "item") if level == "item" else scores
    table = wave_table(level_scores, wave_id)
    labels = {str(item.position): f"{item.position}. {item.text[:60]}" for item in instrument.items} \
        | {unit: unit.capitalize() for unit in ("overall", *RATER_DIMENSIONS)}
    chart_col, table_col = st.columns(2)
    if table.empty:  # e.g. a wave just opened: invitations sent, no answers yet
        chart_col.caption("No item answers in this wave for the chosen filters.")
    elif instrument.style == "libqual":
        chart_col.plotly_chart(cached_chart("survey_zone", zone_chart, table, labels), width="stretch")
        below = table[table.get("below_minimum", False) == True]  # noqa: E712 (a column of booleans)
        if len(below):
            chart_col.warning(escape_markdown(f"Perceived below customers' minimum: "
                                              f"{', '.join(labels.get(unit, unit) for unit in below['unit'])}."),
                              icon=":material/flag:")
    elif instrument.style == "servqual":
        chart_col.plotly_chart(cached_chart("survey_gap", gap_chart, table, labels), width="stretch")
    if not table.empty:
        with table_col:
            wave_scores_table(level_scores, wave_id, instrument, labels)

if by != "all":
    st.subheader(f"By {by}")
    with store_errors(store):
        by_scores = cached(dimension_scores, store, survey_id, filters, by)
        by_nps = cached(nps_with_margin, store, survey_id, filters, by)
        by_csat = cached(csat_with_interval, store, survey_id, filters, by)
    breakdown_table(by_scores, by_nps, by_csat, wave_id, measure, by)

st.subheader("NPS and CSAT")
nps_col, csat_col = st.columns(2)
if nps.empty:
    nps_col.caption("No NPS answers for the chosen filters." if instrument.asks_nps
                    else "This survey does not ask the recommendation question (NPS).")
else:
    nps_col.plotly_chart(cached_chart("survey_nps", nps_chart, nps), width="stretch")
if csat.empty:
    csat_col.caption("No CSAT answers for the chosen filters." if instrument.asks_csat
                     else "This survey does not ask for satisfaction (CSAT).")
else:
    csat_col.plotly_chart(cached_chart("survey_csat", csat_chart, csat), width="stretch")

wave_rates = rates[rates["wave_id"] == wave_id]
if wave_rates["invited"].sum() > 0:
    st.subheader("Response rates")
    st.plotly_chart(cached_chart("survey_rates", response_rate_chart, wave_rates), width="stretch")

st.subheader("Comments")
wave_col, dimension_col, band_col = st.columns(3)
comment_waves = wave_col.multiselect("Waves", wave_ids, default=[wave_id], format_func=wave_names.get,
                                     key=f"comment_waves_{survey_id}", placeholder="All waves")
dimension = dimension_col.selectbox("Scored on", [None, *RATER_DIMENSIONS], key="comment_dimension",
                                    format_func=lambda d: "All items" if d is None else d.capitalize(),
                                    disabled=not instrument.items)
band = band_col.selectbox("Score band", [None, *SCORE_BANDS], key="comment_band",
                          format_func=lambda b: "Any score" if b is None else f"{b.capitalize()} third of the scale")
with store_errors(store):
    selection = cached(comments, store, survey_id, filters, comment_waves or None, dimension, band)
comment_list(selection)

st.subheader("Comment themes")
theme_waves = st.multiselect("Waves", wave_ids, default=[wave_id], format_func=wave_names.get,
                             key=f"theme_waves_{survey_id}", placeholder="All waves")
with store_errors(store):
    themes = cached(survey_comment_themes, store, survey_id, filters, theme_waves or None)
comment_themes_section(themes, "survey_themes")
