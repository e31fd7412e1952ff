"""The survey entry form: the respondent, one row of answer boxes per item, NPS, CSAT, importance
points, and the save callback.

Values live in ``st.session_state`` under ``sv_*`` keys for the browser session, so a rejected
form keeps everything typed. Answer boxes do not rerun the page when a value is committed
(``on_change="ignore"``): a 22-item SERVQUAL form is keyed in as digit, Tab, digit, Tab (the
boxes' +/- buttons are not tab stops), and Save sends all 44 values at once. Only the importance
points rerun, to keep their running total current.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.instruments import CSAT_LABELS, CSAT_RANGE, MEASURE_LABELS, NPS_RANGE, STYLE_LABELS, Instrument
from infodash.survey_responses import (MAX_COMMENT_CHARS, ResponseDraft, answer_field, dated_response_time,
                                       record_response)
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account, customer_options
from infodash.ui.text import escape_markdown

FEEDBACK = FormFeedback("sv")
SURVEY_KEY, WAVE_KEY, DATE_KEY = "sv_survey", "sv_wave", "sv_date"
RESPONDENT_KEY, CUSTOMER_KEY, GROUP_KEY = "sv_respondent", "sv_customer", "sv_group"
NPS_KEY, CSAT_KEY, COMMENT_KEY = "sv_nps", "sv_csat", "sv_comment"
RESPONDENTS = {"customer": "A customer", "anonymous": "Anonymous"}


def answer_key(item_id: int, measure: str) -> str:
    """The session-state key of one answer box."""
    return f"sv_{item_id}_{measure}"


def points_key(dimension: str) -> str:
    """The session-state key of one dimension's importance points."""
    return f"sv_points_{dimension}"


def ensure_defaults(listed: pd.DataFrame, today: dt.date) -> None:
    """Start on the first survey that is not the post-request one; keep the choice while it exists."""
    state = st.session_state
    if state.get(SURVEY_KEY) not in set(listed["survey_id"]):
        regular = listed[~listed["post_request"].fillna(False).astype(bool)]
        state[SURVEY_KEY] = int((regular if not regular.empty else listed)["survey_id"].iloc[0])
    state.setdefault(DATE_KEY, today)
    state.setdefault(RESPONDENT_KEY, "customer")


def ensure_wave(wave_ids: list[int]) -> None:
    """Keep the chosen wave while it belongs to the chosen survey; otherwise take the survey's newest."""
    if st.session_state.get(WAVE_KEY) not in wave_ids:
        st.session_state[WAVE_KEY] = wave_ids[-1]


def wave_days(wave: pd.Series, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days answers to ``wave`` can be dated (opened to closed, or to today while it is open), with the
    chosen date moved inside them, so that choosing a wave brings the date along."""
    first = pd.Timestamp(wave["opened_on"]).date()
    last = today if pd.isna(wave["closed_on"]) else min(today, pd.Timestamp(wave["closed_on"]).date())
    first = min(first, last)  # a wave still to open: the date stays today, and saving says why not
    chosen = st.session_state.get(DATE_KEY)
    if chosen is not None and not first <= chosen <= last:
        st.session_state[DATE_KEY] = min(max(chosen, first), last)
    return first, last


def wave_label(wave: pd.Series) -> str:
    """E.g. "RATER 2026-Q3 (opened 05 Aug 2026, closed 26 Aug 2026)"."""
    closed = "" if pd.isna(wave["closed_on"]) else f", closed {wave['closed_on']:%d %b %Y}"
    return f"{wave['name']} (opened {wave['opened_on']:%d %b %Y}{closed})"


def respondent_fields(store: Store, groups: dict[int, str], days: tuple[dt.date, dt.date]) -> None:
    """Who answered (a customer, or anonymous with their customer group) and on which of the wave's ``days``."""
    kind_col, who_col, date_col = st.columns([1, 2, 1])
    with kind_col:
        st.radio("Respondent", list(RESPONDENTS), format_func=RESPONDENTS.get, key=RESPONDENT_KEY,
                 persist_state="session", help="Anonymous answers are counted under the customer group only.")
    with who_col:
        if st.session_state.get(RESPONDENT_KEY) == "anonymous":
            st.selectbox("Customer group", list(groups), format_func=groups.get, key=GROUP_KEY, index=None,
                         persist_state="session", placeholder="The respondent's customer group")
            FEEDBACK.error("group_id")
        else:
            customers = customer_options(store, CUSTOMER_KEY, "sv_search")
            st.selectbox("Customer", list(customers), format_func=customers.get, key=CUSTOMER_KEY, index=None,
                         persist_state="session", placeholder="Type a name, e-mail or department")
            FEEDBACK.error("customer_id")
    with date_col:
        st.date_input("Submitted on", key=DATE_KEY, min_value=days[0], max_value=days[1], format="YYYY-MM-DD",
                      persist_state="session", help="The date on the paper form or of the interview, within the "
                      "wave's days.")
        FEEDBACK.error("submitted_at")


def _score_box(label: str, key: str, placeholder: str, *, help: str | None = None, rerun: bool = False) -> None:
    """A compact whole-number box, blank until answered; labelled above only when it has help to show."""
    st.number_input(label, value=None, step=1, format="%d", key=key, placeholder=placeholder, help=help,
                    label_visibility="collapsed" if help is None else "visible", persist_state="session",
                    on_change="rerun" if rerun else "ignore")


def item_rows(instrument: Instrument) -> None:
    """One row per item: its number, text and RATER dimension, then a box for each measure asked."""
    if not instrument.items:
        return
    low, high = instrument.scale_min, instrument.scale_max
    widths = [6] + [1] * len(instrument.measures)
    header = st.columns(widths)
    header[0].caption(f"{STYLE_LABELS[instrument.style]}. Scale {low} (lowest) to {high} (highest); "
                      "leave both blank when an item was not answered. Type a value, then Tab to the next.")
    for column, measure in zip(header[1:], instrument.measures):
        column.markdown(f"**{MEASURE_LABELS[measure].capitalize()}**")
    for item in instrument.items:
        text_col, *boxes = st.columns(widths, vertical_alignment="center")
        text_col.markdown(f"{item.position}\\. {escape_markdown(item.text)} :gray[({item.dimension.capitalize()})]")
        for box, measure in zip(boxes, instrument.measures):
            with box:
                _score_box(f"Item {item.position}, {MEASURE_LABELS[measure]}", answer_key(item.item_id, measure),
                           f"{low}-{high}")
        for measure in instrument.measures:
            FEEDBACK.error(answer_field(item.item_id, measure))


def points_total(instrument: Instrument) -> float:
    """The importance points typed so far."""
    return sum(st.session_state.get(points_key(dimension)) or 0 for dimension in RATER_DIMENSIONS)


def other_questions(instrument: Instrument) -> None:
    """NPS and CSAT when the survey asks them, importance points with their running total, the comment."""
    if instrument.asks_nps or instrument.asks_csat:
        nps_col, csat_col, _ = st.columns([1, 1, 2])
        if instrument.asks_nps:
            with nps_col:
                _score_box("NPS (0-10)", NPS_KEY, f"{NPS_RANGE[0]}-{NPS_RANGE[1]}",
                           help="How likely to recommend the team: 0 = not at all likely, 10 = extremely likely. "
                                "Blank when not answered.")
                FEEDBACK.error("nps")
        if instrument.asks_csat:
            with csat_col:
                _score_box("CSAT (1-5)", CSAT_KEY, f"{CSAT_RANGE[0]}-{CSAT_RANGE[1]}",
                           help="Overall satisfaction:  \n" + "  \n".join(f"{score} = {label}"
                                                                         for score, label in CSAT_LABELS.items()))
                FEEDBACK.error("csat")
    if instrument.asks_importance:
        st.markdown(f"**How important is each dimension?** Share {instrument.importance_points} points; "
                    "leave all blank when not answered.")
        *point_cols, total_col = st.columns(len(RATER_DIMENSIONS) + 1)
        for column, dimension in zip(point_cols, RATER_DIMENSIONS):
            with column:
                _score_box(dimension.capitalize(), points_key(dimension), "points", rerun=True,
                           help=f"Points given to {dimension}.")
        total_col.metric("Total", f"{points_total(instrument):g} of {instrument.importance_points}",
                         help="The points typed so far; they must add up to the survey's total.")
        FEEDBACK.error("importance")
    st.text_area("Comment", key=COMMENT_KEY, height=80, persist_state="session", on_change="ignore",
                 placeholder="Copied as written (plain text)", help=f"At most {MAX_COMMENT_CHARS:,} characters.")
    FEEDBACK.error("comment")


def draft_from_state(instrument: Instrument, time_zone: ZoneInfo, now: dt.datetime) -> ResponseDraft:
    """The form's current values as a draft for the library to check."""
    state = st.session_state
    anonymous = state.get(RESPONDENT_KEY) == "anonymous"
    day = state.get(DATE_KEY)
    return ResponseDraft(
        wave_id=state.get(WAVE_KEY),
        customer_id=None if anonymous else state.get(CUSTOMER_KEY),
        group_id=state.get(GROUP_KEY) if anonymous else None,
        answers={item.item_id: {measure: state.get(answer_key(item.item_id, measure))
                                for measure in instrument.measures} for item in instrument.items},
        nps=state.get(NPS_KEY) if instrument.asks_nps else None,
        csat=state.get(CSAT_KEY) if instrument.asks_csat else None,
        importance=({dimension: state.get(points_key(dimension)) for dimension in RATER_DIMENSIONS}
                    if instrument.asks_importance else {}),
        comment=state.get(COMMENT_KEY) or "",
        submitted_at=dated_response_time(day, time_zone, now) if day else None,
    )


def _answer_keys(instrument: Instrument) -> list[str]:
    return [*(answer_key(item.item_id, measure) for item in instrument.items for measure in instrument.measures),
            *(points_key(dimension) for dimension in RATER_DIMENSIONS), NPS_KEY, CSAT_KEY,
            CUSTOMER_KEY, GROUP_KEY]


def save(store: Store, instrument: Instrument, time_zone: ZoneInfo) -> None:
    """Save callback: record the response, then empty the form for the next one (survey, wave and date stay)."""
    anonymous = st.session_state.get(RESPONDENT_KEY) == "anonymous"
    try:
        response_id = record_response(store, draft_from_state(instrument, time_zone, dt.datetime.now(time_zone)),
                                      acting_account(store), dt.datetime.now(time_zone))
    except ValidationError as error:
        errors = dict(error.errors)
        if not anonymous and errors.pop("group_id", None):  # no customer picked on the customer side
            errors["customer_id"] = "Choose the customer, or mark the response anonymous and choose the group."
        return FEEDBACK.failed(errors)
    except (StoreError, NotAllowed) as error:
        return FEEDBACK.failed({"form": str(error)})
    FEEDBACK.succeeded(f"Saved response #{response_id}. The form is empty for the next one; "
                       "survey, wave and date are kept.")
    st.session_state.update({key: None for key in _answer_keys(instrument)})
    st.session_state[COMMENT_KEY] = ""
