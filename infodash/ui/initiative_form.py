"""Callbacks of the Scorecard page: record or change an initiative, record a review.

Fields live in ``st.session_state`` (``in_*`` for an initiative, ``rv_*`` for a review) so a rejected entry keeps
what was typed. A share's target is typed in percent (95 for 95%) and handed to the library as a fraction.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from infodash.db import Store
from infodash.initiatives import (METRICS, Initiative, InitiativeDraft, ReviewDraft, get_initiative, record_initiative,
                                  record_review, update_initiative)
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

INITIATIVE = FormFeedback("in")
REVIEW = FormFeedback("rv")
NEW = 0  # the "record a new initiative" choice of the initiative picker
_TEXTS = ("statement", "objective", "barriers", "supports", "benefits")


def _blank(today: dt.date) -> dict[str, object]:
    return {"in_statement": "", "in_perspective": None, "in_objective": "", "in_metric": None, "in_scope": "all",
            "in_service": None, "in_group": None, "in_direction": "at_least", "in_target": None, "in_starts": today,
            "in_review": today + dt.timedelta(weeks=13), "in_barriers": "", "in_supports": "", "in_benefits": "",
            "in_owner": None}


def ensure_defaults(today: dt.date) -> None:
    """Give the forms their starting values once per session."""
    for key, value in {**_blank(today), "in_chosen": NEW, "rv_initiative": None, "rv_date": today,
                       "rv_decision": "continue", "rv_notes": ""}.items():
        st.session_state.setdefault(key, value)


def in_percent(metric: str | None) -> bool:
    """Whether the target of ``metric`` is typed in percent."""
    return metric in METRICS and METRICS[metric].kind == "share"


def load(store: Store, today: dt.date) -> None:
    """On-change callback of the initiative picker: fill the fields from the chosen initiative (blank for new)."""
    chosen = st.session_state.get("in_chosen") or NEW
    INITIATIVE.clear()
    if chosen == NEW:
        st.session_state.update(_blank(today))
        return
    draft = get_initiative(store, chosen).draft
    target = draft.target * 100 if in_percent(draft.metric) else draft.target
    st.session_state.update({f"in_{name}": getattr(draft, name) for name in _TEXTS} | {
        "in_perspective": draft.perspective, "in_metric": draft.metric, "in_scope": draft.scope,
        "in_service": draft.service_id, "in_group": draft.group_id, "in_direction": draft.direction,
        "in_target": round(target, 4), "in_starts": draft.starts_on, "in_review": draft.review_on,
        "in_owner": draft.owner})


def draft_from_fields() -> InitiativeDraft:
    """The initiative as the fields stand."""
    state = st.session_state
    target = state.get("in_target")
    if target is not None and in_percent(state.get("in_metric")):
        target = target / 100
    return InitiativeDraft(
        **{name: state.get(f"in_{name}") or "" for name in _TEXTS}, perspective=state.get("in_perspective"),
        metric=state.get("in_metric"), scope=state.get("in_scope") or "all", service_id=state.get("in_service"),
        group_id=state.get("in_group"), direction=state.get("in_direction"), target=target,
        starts_on=state.get("in_starts"), review_on=state.get("in_review"), owner=state.get("in_owner") or "")


def save_initiative(store: Store, today: dt.date) -> None:
    """Click callback of "Save initiative": record a new one, or change the one chosen."""
    chosen = st.session_state.get("in_chosen") or NEW
    saved: list[int] = []

    def save() -> None:
        if chosen == NEW:
            saved.append(record_initiative(store, draft_from_fields(), acting_account(store), today))
        else:
            update_initiative(store, chosen, draft_from_fields(), acting_account(store), today)
            saved.append(chosen)

    if INITIATIVE.attempt(save):
        INITIATIVE.succeeded(f"Recorded initiative #{saved[0]}." if chosen == NEW else
                             f"Saved the changes to initiative #{saved[0]}.")
        st.session_state.update(_blank(today) | {"in_chosen": NEW})


def save_review(store: Store, today: dt.date) -> None:
    """Submit callback of the review form."""
    state = st.session_state
    initiative_id = state.get("rv_initiative")
    if initiative_id is None:
        return REVIEW.failed({"initiative": "Choose the initiative reviewed."})
    draft = ReviewDraft(state.get("rv_date"), state.get("rv_notes") or "", state.get("rv_decision"))
    if REVIEW.attempt(lambda: record_review(store, initiative_id, draft, acting_account(store), today)):
        closed = " It is now closed." if draft.decision == "close" else ""
        REVIEW.succeeded(f"Recorded the review of initiative #{initiative_id}.{closed}")
        state.update({"rv_notes": "", "rv_decision": "continue", "rv_date": today})


def label(initiative: Initiative) -> str:
    """How a picker names an initiative: '#3 Reach more of the shop floor'."""
    return f"#{initiative.initiative_id} {initiative.draft.statement}"

