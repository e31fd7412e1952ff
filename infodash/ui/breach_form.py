"""Callback of the Service levels page's "why it missed" form."""

from __future__ import annotations

import streamlit as st

from infodash.db import Store
from infodash.sla_reports import BREACH_REASONS, record_breach_reason
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

FEEDBACK = FormFeedback("br")


def save_reason(store: Store) -> None:
    """Record the reason chosen for the chosen breached request."""
    state = st.session_state
    request_id = state.get("br_request")
    if not FEEDBACK.attempt(lambda: record_breach_reason(store, request_id, state.get("br_reason") or "",
                                                         state.get("br_note") or "", acting_account(store))):
        return
    FEEDBACK.succeeded(f"Recorded for request #{request_id}: {BREACH_REASONS[state['br_reason']].lower()}.")
    state["br_note"] = ""
