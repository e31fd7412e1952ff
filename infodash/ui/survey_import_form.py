"""The survey import page's own piece: which column holds which answer (the rest is in
:mod:`infodash.ui.import_form`, shared by every import page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from infodash.importers import CUSTOMER_KEYS
from infodash.instruments import Instrument
from infodash.survey_import import (SCORE_TARGETS, WHO_TARGETS, SurveyImportOptions, importance_target, item_target,
                                    survey_targets)
from infodash.survey_responses import ITEM_IMPORTANCE
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.ui.text import escape_markdown

NONE = "(not in the file)"
TARGET_HELP = {
    "respondent": "The forms tool's respondent or response ID. Importing the same file again skips the IDs "
                  "imported before; without it, rows are recognised by their answers.",
    "customer": "Who answered. Leave the cell blank for an anonymous response.",
    "group": "The customer group's name, for anonymous rows (a named customer's own group is used otherwise).",
    "submitted_at": "When the answers were given. Without it, every response is dated noon on the day the wave "
                    "closes.",
}


def mapping_editor(instrument: Instrument, file_columns: Sequence[str], base: SurveyImportOptions,
                   key: str) -> tuple[dict[str, str], str]:
    """One box per target, pre-set from ``base``: who and when, the scores, the items (in an expander)
    and the importance points. Returns the chosen target -> column mapping and the customer key."""
    targets = survey_targets(instrument)
    chosen: dict[str, str] = {}

    def pick(where: Any, target: str) -> None:
        choices = [NONE, *file_columns]
        default = base.columns.get(target)
        column = where.selectbox(targets[target], choices, key=f"{key}_{target}", help=TARGET_HELP.get(target),
                                 index=choices.index(default) if default in choices else 0)
        if column != NONE:
            chosen[target] = column

    st.markdown("**Who answered, and when**")
    for cell, target in zip(st.columns(len(WHO_TARGETS)), WHO_TARGETS, strict=True):
        pick(cell, target)
    customer_key = st.selectbox("The customer column holds their", list(CUSTOMER_KEYS), key=f"{key}_customer_key",
                                index=list(CUSTOMER_KEYS).index(base.customer_key))
    st.markdown("**Scores and comment**")
    scores = [target for target in SCORE_TARGETS if target in targets]
    for cell, target in zip(st.columns(len(scores)), scores, strict=True):
        pick(cell, target)
    item_targets = [item_target(item.position, measure) for item in instrument.items for measure in instrument.measures]
    if item_targets:
        matched = sum(target in base.columns for target in item_targets)
        with st.expander(f"Items: {matched} of {len(item_targets)} answer columns matched",
                         expanded=matched < len(item_targets)):
            levels = (*instrument.measures, ITEM_IMPORTANCE)  # (importance: optional, where a survey asks it)
            for item in instrument.items:
                text, *cells = st.columns([2] + [1] * len(levels), vertical_alignment="bottom")
                text.caption(f"{escape_markdown(item.label)}: {escape_markdown(item.text)} ({item.dimension})")
                for cell, measure in zip(cells, levels, strict=True):
                    pick(cell, item_target(item.position, measure))
    if instrument.asks_importance:
        with st.expander(f"Importance: the {instrument.importance_points} points shared over the five dimensions"):
            for cell, dimension in zip(st.columns(len(RATER_DIMENSIONS)), RATER_DIMENSIONS, strict=True):
                pick(cell, importance_target(dimension))
    return chosen, customer_key
