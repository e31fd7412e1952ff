"""Surveys: RATER dimension scores and gaps over waves, the zone of tolerance, NPS and CSAT with
their margins, response rates and comments, by customer group, department or seniority."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from infodash.comment_themes import survey_comment_themes
from infodash.db import Store
from infodash.filters import Filters
from infodash.instruments import Instrument, load_instrument, surveys
from infodash.statistics import TEST_NAMES
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.surveys import (BREAKDOWNS, HEADLINE, MEASURE_TITLES, SCORE_BANDS, comments, csat_with_interval,
                              dimension_scores, nps_with_margin, response_rates, wave_table, weighted_scores)
from infodash.ui.charts import cached_chart
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.store import cached, store_errors
from infodash.ui.survey_charts import (csat_chart, dimension_trend_chart, gap_chart, nps_chart, response_rate_chart,
                                       zone_chart)
from infodash.ui.survey_sections import breakdown_table, comment_list, wave_kpis, wave_scores_table
from infodash.ui.text import escape_markdown
from infodash.ui.theme_sections import comment_themes_section


@dataclass(frozen=True)
class SurveyView:
    """What the page's tabs draw from: the survey, its wave and measure chosen, and its figures by wave."""

    store: Store
    filters: Filters
    survey_id: int
    instrument: Instrument
    scores: pd.DataFrame
    nps: pd.DataFrame
    csat: pd.DataFrame
    rates: pd.DataFrame
    wave_id: int
    wave_names: dict[int, str]
    measure: str


def _asks_no_item(view: SurveyView) -> bool:
    if not view.instrument.items:
        st.caption("This survey asks no RATER item: its figures are under NPS and CSAT.")
    return not view.instrument.items


def _this_wave(view: SurveyView) -> None:
    if _asks_no_item(view):
        return
    st.subheader(f"{escape_markdown(view.wave_names[view.wave_id])}: dimensions and items")
    level = st.segmented_control("Show", ["dimension", "item"], default="dimension", key="survey_level",
                                 format_func=lambda value: "Per dimension" if value == "dimension" else "Per item")
    level_scores = cached(dimension_scores, view.store, view.survey_id, view.filters, "all", "item") \
        if level == "item" else view.scores
    table = wave_table(level_scores, view.wave_id)
    labels = {str(item.position): f"{item.position}. {item.text[:60]}" for item in view.instrument.items} \
        | {unit: unit.capitalize() for unit in ("overall", *RATER_DIMENSIONS)}
    chart_col, table_col = st.columns(2)
    if table.empty:  # e.g. a wave just opened: invitations sent, no answers yet
        chart_col.caption("No item answers in this wave for the chosen filters.")
    elif view.instrument.style == "libqual":
        chart_col.plotly_chart(cached_chart("survey_zone", zone_chart, table, labels), width="stretch")
        below = table[table.get("below_minimum", False) == True]  # noqa: E712 (a column of booleans)
        if len(below):
            chart_col.warning(escape_markdown(f"Perceived below customers' minimum: "
                                              f"{', '.join(labels.get(unit, unit) for unit in below['unit'])}."),
                              icon=":material/flag:")
    elif view.instrument.style == "servqual":
        chart_col.plotly_chart(cached_chart("survey_gap", gap_chart, table, labels), width="stretch")
    if not table.empty:
        with table_col:
            wave_scores_table(table, level_scores, view.wave_id, view.instrument, labels)


def _across_waves(view: SurveyView) -> None:
    if _asks_no_item(view):
        return
    st.subheader("RATER dimensions across waves")
    st.plotly_chart(cached_chart("survey_trend", dimension_trend_chart, view.scores, view.measure), width="stretch")


def _nps_and_csat(view: SurveyView) -> None:
    nps_col, csat_col = st.columns(2)
    if view.nps.empty:
        nps_col.caption("No NPS answers for the chosen filters." if view.instrument.asks_nps
                        else "This survey does not ask the recommendation question (NPS).")
    else:
        nps_col.plotly_chart(cached_chart("survey_nps", nps_chart, view.nps), width="stretch")
    if view.csat.empty:
        csat_col.caption("No CSAT answers for the chosen filters." if view.instrument.asks_csat
                         else "This survey does not ask for satisfaction (CSAT).")
    else:
        csat_col.plotly_chart(cached_chart("survey_csat", csat_chart, view.csat), width="stretch")
    wave_rates = view.rates[view.rates["wave_id"] == view.wave_id]
    if wave_rates["invited"].sum() > 0:
        st.subheader("Response rates")
        st.plotly_chart(cached_chart("survey_rates", response_rate_chart, wave_rates), width="stretch")


def _breakdown(view: SurveyView) -> None:
    by = st.selectbox("Break down by", [key for key in BREAKDOWNS if key != "all"], format_func=str.capitalize,
                      key="survey_by", persist_state="session", help="Anonymous respondents' department, seniority "
                      "and relationship are not known; they are counted together.")
    by_scores = cached(dimension_scores, view.store, view.survey_id, view.filters, by)
    by_nps = cached(nps_with_margin, view.store, view.survey_id, view.filters, by)
    by_csat = cached(csat_with_interval, view.store, view.survey_id, view.filters, by)
    breakdown_table(by_scores, by_nps, by_csat, view.wave_id, view.measure, by)


def _comments(view: SurveyView) -> None:
    wave_ids = list(view.wave_names)
    wave_col, dimension_col, band_col = st.columns(3)
    comment_waves = wave_col.multiselect("Waves", wave_ids, default=[view.wave_id], format_func=view.wave_names.get,
                                         key=f"comment_waves_{view.survey_id}", placeholder="All waves")
    dimension = dimension_col.selectbox("Scored on", [None, *RATER_DIMENSIONS], key="comment_dimension",
                                        format_func=lambda d: "All items" if d is None else d.capitalize(),
                                        disabled=not view.instrument.items)
    band = band_col.selectbox("Score band", [None, *SCORE_BANDS], key="comment_band",
                              format_func=lambda b: "Any score" if b is None else f"{b.capitalize()} third of the "
                                                                                  "scale")
    selection = cached(comments, view.store, view.survey_id, view.filters, comment_waves or None, dimension, band)
    comment_list(selection)


def _themes(view: SurveyView) -> None:
    theme_waves = st.multiselect("Waves", list(view.wave_names), default=[view.wave_id],
                                 format_func=view.wave_names.get, key=f"theme_waves_{view.survey_id}",
                                 placeholder="All waves")
    themes = cached(survey_comment_themes, view.store, view.survey_id, view.filters, theme_waves or None)
    comment_themes_section(themes, "survey_themes")


SECTIONS = {"This wave": _this_wave, "Across waves": _across_waves, "NPS and CSAT": _nps_and_csat, "Breakdown": _breakdown, "Comments": _comments,
            "Comment themes": _themes}

context = page_context()
store, filters = context.store, context.filters

st.title("Surveys")
with store_errors(store):
    available = cached(surveys, store)
if available.empty:
    st.info("No survey is defined yet. Create one from a template on the Survey setup page.", icon=":material/quiz:")
    st.stop()
names = dict(zip(available["survey_id"], available["name"]))
survey_col, wave_col, measure_col = st.columns([3, 2, 2])
survey_id = survey_col.selectbox("Survey", list(names), format_func=names.get, key="survey_id",
                                 persist_state="session")
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
wave_id = wave_col.selectbox("Wave", wave_ids, index=len(wave_ids) - 1, format_func=wave_names.get,
                            key=f"survey_wave_{survey_id}")
st.caption("Scores are means over respondents with 95% intervals; changes compare with the previous wave "
           f"({TEST_NAMES['mean']}; NPS: {TEST_NAMES['nps']}; CSAT: {TEST_NAMES['share']}) and count as "
           "significant at p < 0.05 (a diamond on the charts). Cells with fewer than 5 responses show no score. "
           "The service filter applies to post-request feedback only.")

wave_kpis(instrument, scores, nps, csat, rates, weighted, wave_id)
lazy_tabs(SECTIONS, "survey_section", SurveyView(store, filters, survey_id, instrument, scores, nps, csat, rates,
                                                 wave_id, wave_names, measure), store)
