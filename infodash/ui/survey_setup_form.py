"""The Survey setup page's forms: create a survey (from a template or one's own items), open a wave.

Both forms hold an editable table, whose edited copy only exists while the page runs; the page
saves after the submit button and reruns. A successful save asks for the fields to be emptied
on that rerun (``reset_saved_forms``), before the widgets are drawn again.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.instruments import STYLE_LABELS, TEMPLATES, SurveyDraft, WaveDraft, create_survey, open_wave
from infodash.survey_templates import RATER_DIMENSIONS
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

SURVEY = FormFeedback("ns")
WAVE = FormFeedback("nw")
OWN_ITEMS = "own"
TEMPLATE_STYLES = {"SERVQUAL 22 items": "servqual", "Pulse, 5 items": "perception"}
SURVEY_DEFAULTS = {"ns_name": "", "ns_style": "servqual", "ns_scale_min": 1, "ns_scale_max": 7, "ns_nps": True,
                   "ns_csat": True, "ns_importance": False, "ns_points": 100, "ns_description": ""}
WAVE_DEFAULTS = {"nw_name": "", "nw_closed": None}
_RESET = "survey_setup_reset"  # which forms to empty on the next run, after a successful save
_EDITS = "survey_setup_edits"  # per form ("ns", "nw"): bumped to give an emptied form's table a fresh editor


def survey_table(listed: pd.DataFrame) -> pd.DataFrame:
    """The survey list as read: the style's short name and the scale as "1-7"."""
    short_styles = {style: label.split(":")[0].split(" (")[0] for style, label in STYLE_LABELS.items()}
    return listed.assign(style=listed["style"].map(short_styles),
                         scale=listed["scale_min"].astype(str) + "-" + listed["scale_max"].astype(str))[
        ["name", "style", "scale", "asks_nps", "asks_csat", "asks_importance", "post_request", "items", "waves",
         "responses"]]


SURVEY_COLUMNS = {
    "style": st.column_config.TextColumn("style", help="\n\n".join(STYLE_LABELS.values())),
    "scale": st.column_config.TextColumn("scale", help="Lowest to highest answer an item takes."),
    "asks_nps": st.column_config.CheckboxColumn("NPS"),
    "asks_csat": st.column_config.CheckboxColumn("CSAT"),
    "asks_importance": st.column_config.CheckboxColumn("importance"),
    "post_request": st.column_config.CheckboxColumn("after requests",
                                                    help="Collects the CSAT customers give after a request."),
    "items": st.column_config.NumberColumn("items", help="Questions, each tied to a RATER dimension."),
    "waves": st.column_config.NumberColumn("waves", help="Rounds of the survey opened so far."),
    "responses": st.column_config.NumberColumn("responses", help="Responses recorded over all waves."),
}
WAVE_COLUMNS = {
    "wave_id": None,
    "opened_on": st.column_config.DateColumn("opened", format="YYYY-MM-DD"),
    "closed_on": st.column_config.DateColumn("closed", format="YYYY-MM-DD"),
    "invited": st.column_config.NumberColumn("invited", help="People invited, over all customer groups."),
    "responses": st.column_config.NumberColumn("responses", help="Responses recorded in this wave."),
}


def template_label(template: str) -> str:
    """How the "Start from" choice reads."""
    return "My own items" if template == OWN_ITEMS else f"Template: {template}"


def template_chosen() -> None:
    """A template suggests the style it was written for."""
    template = st.session_state.get("ns_template")
    if template in TEMPLATE_STYLES:
        st.session_state["ns_style"] = TEMPLATE_STYLES[template]


def reset_saved_forms(today: dt.date) -> None:
    """Give the forms their starting values, and empty the one saved on the previous run."""
    state = st.session_state
    reset = state.pop(_RESET, set())
    for key, value in {**SURVEY_DEFAULTS, **WAVE_DEFAULTS, "nw_opened": today}.items():
        if key not in state or key[:2] in reset:
            state[key] = value
    for prefix in reset:
        state[f"{_EDITS}_{prefix}"] = state.get(f"{_EDITS}_{prefix}", 0) + 1
    state.setdefault("ns_template", next(iter(TEMPLATES)))


def editor_key(name: str) -> str:
    """The key of an editable table (named after its form's prefix), new after each successful save of
    that form so the table starts afresh."""
    return f"{name}_{st.session_state.get(f'{_EDITS}_{name[:2]}', 0)}"


def item_table(template: str) -> pd.DataFrame:
    """The items a new survey starts with: the template's, or none."""
    items = list(TEMPLATES.get(template, ()))
    return pd.DataFrame([(f"q{position}", dimension, text) for position, (dimension, text) in enumerate(items, 1)],
                        columns=["code", "dimension", "text"], dtype="object")


ITEM_COLUMNS = {
    "code": st.column_config.TextColumn("Code", width="small", max_chars=40,
                                        help="What your forms tool heads the item's columns with, e.g. q4: an import "
                                             "matches a column to the item coded so. Empty: q and its place."),
    "dimension": st.column_config.SelectboxColumn("RATER dimension", options=list(RATER_DIMENSIONS), required=True),
    "text": st.column_config.TextColumn("Question", width="large", required=True),
}


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def save_survey(store: Store, items: pd.DataFrame) -> None:
    """Create the survey from the form's fields and its edited item table."""
    state = st.session_state
    rows = [row for row in items.itertuples() if _text(row.dimension) or _text(row.text).strip()]
    pairs = tuple((_text(row.dimension), _text(row.text)) for row in rows)
    codes = tuple(_text(row.code).strip() or f"q{position}" for position, row in enumerate(rows, start=1))
    draft = SurveyDraft(name=state.get("ns_name") or "", style=state.get("ns_style"),
                        scale_min=int(state.get("ns_scale_min") or 0), scale_max=int(state.get("ns_scale_max") or 0),
                        items=pairs, asks_nps=bool(state.get("ns_nps")), asks_csat=bool(state.get("ns_csat")),
                        asks_importance=bool(state.get("ns_importance")),
                        importance_points=int(state.get("ns_points") or 0),
                        description=state.get("ns_description") or "", codes=codes)
    try:
        survey_id = create_survey(store, draft, acting_account(store))
    except ValidationError as error:
        return SURVEY.failed(error.errors)
    except (StoreError, NotAllowed) as error:
        return SURVEY.failed({"form": str(error)})
    SURVEY.succeeded(f"Created survey {draft.name.strip()} with {len(pairs)} items. Open a wave below to start "
                     "collecting answers.")
    state[_RESET] = {"ns"}
    state["nw_survey"] = survey_id


def invitation_table(groups: pd.DataFrame) -> pd.DataFrame:
    """Customer groups with the number to invite: by default every active customer."""
    return groups.rename(columns={"active_customers": "invited"})


INVITATION_COLUMNS = {
    "customer_group": st.column_config.TextColumn("Customer group"),
    "invited": st.column_config.NumberColumn("Invited", min_value=0, step=1, format="%d",
                                             help="People invited in this group; response rates are counted "
                                                  "against it. 0 or blank: the group is not invited."),
}


def save_wave(store: Store, survey_id: int, invitations: pd.DataFrame) -> None:
    """Open the wave from the form's fields and its edited invitation table."""
    state = st.session_state
    counts = {int(row.group_id): int(row.invited) for row in invitations.itertuples() if not pd.isna(row.invited)}
    draft = WaveDraft(survey_id, state.get("nw_name") or "", state.get("nw_opened"), state.get("nw_closed"), counts)
    if WAVE.attempt(lambda: open_wave(store, draft, acting_account(store))):
        WAVE.succeeded(f"Opened wave {draft.name.strip()} with {sum(counts.values()):,} people invited.")
        state[_RESET] = {"nw"}

