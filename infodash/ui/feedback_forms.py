"""Callbacks of the Feedback page and of the public feedback form.

Fields live in ``st.session_state`` (``fi_*`` for a new item, ``ft_*`` for working an item, ``pf_*`` for the
public form) so a rejected entry keeps what was typed; each form's messages go next to its fields.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.feedback import (FeedbackDraft, FeedbackItem, PublicFeedback, acknowledge_feedback,
                               link_feedback_to_sender, mark_customer_told,
                               record_feedback, record_feedback_response, resolve_feedback, submit_public_feedback,
                               triage_feedback)
from infodash.feedback_figures import FeedbackTargets, set_feedback_targets
from infodash.periods import NonexistentLocalTime, local_datetime
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

NEW = FormFeedback("fi")
WORK = FormFeedback("ft")
TARGETS = FormFeedback("fg")
PUBLIC = FormFeedback("pf")
NEW_DEFAULTS = {"fi_source": "staff", "fi_source_id": None, "fi_kind": "complaint", "fi_category": None,
                "fi_severity": None, "fi_service": None, "fi_customer": None, "fi_description": "", "fi_owner": ""}
PUBLIC_DEFAULTS = {"pf_kind": None, "pf_category": None, "pf_service": None, "pf_description": "", "pf_email": ""}
THANKS = ("Thank you: your feedback has reached the team. If you gave your e-mail address, we will tell you what "
          "we did about it.")


def ensure_defaults(time_zone: ZoneInfo) -> None:
    """Give the staff forms their starting values once per session (received: now)."""
    now = dt.datetime.now(time_zone)
    for key, value in {**NEW_DEFAULTS, "fi_date": now.date(),
                       "fi_time": now.time().replace(second=0, microsecond=0)}.items():
        st.session_state.setdefault(key, value)


def save_new(store: Store, time_zone: ZoneInfo) -> None:
    """Submit callback of the new-item form: stored, the form emptied; or each problem next to its field."""
    state = st.session_state
    try:
        received = local_datetime(state.get("fi_date"), state.get("fi_time"), time_zone) \
            if state.get("fi_date") and state.get("fi_time") else None
    except NonexistentLocalTime as error:
        return NEW.failed({"received_at": str(error)})
    kind = state.get("fi_kind")
    draft = FeedbackDraft(kind, state.get("fi_category"), state.get("fi_description") or "", received,
                          state.get("fi_customer"), state.get("fi_service"),
                          state.get("fi_severity") if kind == "complaint" else None, state.get("fi_owner") or None,
                          state.get("fi_source") or "staff", state.get("fi_source_id"))
    saved: list[int] = []
    if NEW.attempt(lambda: saved.append(record_feedback(store, draft, acting_account(store)))):
        NEW.succeeded(f"Feedback #{saved[0]} recorded.")
        state["fl_selected"] = saved[0]  # the new item is the one to work next
        state.update({key: value for key, value in NEW_DEFAULTS.items() if key != "fi_source"})


def _work(store: Store, action: str, feedback_id: int, message: str) -> None:
    state = st.session_state
    actor = acting_account  # the account as it stands when the action runs
    actions = {
        "acknowledge": lambda: acknowledge_feedback(store, feedback_id, actor(store)),
        "triage": lambda: triage_feedback(store, feedback_id, state.get("ft_owner") or "", state.get("ft_category"),
                                          state.get("ft_severity"), actor(store)),
        "respond": lambda: record_feedback_response(store, feedback_id, state.get("ft_response") or "", actor(store)),
        "resolve": lambda: resolve_feedback(store, feedback_id, actor(store)),
        "told": lambda: mark_customer_told(store, feedback_id, actor(store)),
        "link": lambda: link_feedback_to_sender(store, feedback_id, actor(store)),
    }
    if WORK.attempt(actions[action]):
        WORK.succeeded(message.format(feedback_id=feedback_id))


def acknowledge(store: Store, feedback_id: int) -> None:
    _work(store, "acknowledge", feedback_id, "Feedback #{feedback_id} acknowledged.")


def triage(store: Store, feedback_id: int) -> None:
    _work(store, "triage", feedback_id, "Feedback #{feedback_id}: owner, category and severity saved.")


def respond(store: Store, feedback_id: int) -> None:
    _work(store, "respond", feedback_id, "Feedback #{feedback_id}: response saved.")


def resolve(store: Store, feedback_id: int) -> None:
    _work(store, "resolve", feedback_id, "Feedback #{feedback_id} resolved.")


def told(store: Store, feedback_id: int) -> None:
    _work(store, "told", feedback_id, "Feedback #{feedback_id}: the customer was told the outcome.")


def link(store: Store, feedback_id: int) -> None:
    _work(store, "link", feedback_id, "Feedback #{feedback_id} now counts for the customer who sent it.")


def load_item(item: FeedbackItem) -> None:
    """Fill the work form with the selected item's values when another item is selected."""
    state = st.session_state
    if state.get("ft_loaded") != item.feedback_id:
        state.update({"ft_loaded": item.feedback_id, "ft_owner": item.owner or "", "ft_category": item.category,
                      "ft_severity": item.severity, "ft_response": item.response or ""})
        WORK.clear()


def save_targets(store: Store) -> None:
    state = st.session_state
    targets = FeedbackTargets(int(state.get("fg_acknowledge") or 0), int(state.get("fg_resolve") or 0))
    if TARGETS.attempt(lambda: set_feedback_targets(store, targets, acting_account(store))):
        TARGETS.succeeded("Targets saved: the figures use them from now on.")


def browser_address() -> str | None:
    """Where a public submission comes from, for throttling (None when Streamlit does not know it): the browser's
    address as a reverse proxy passes it on (X-Forwarded-For), else the connection's. A visitor can forge the
    header to dodge the per-computer limit, not the form's hourly one."""
    forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
    address = forwarded or st.context.ip_address
    return address if isinstance(address, str) and address else None


def send_public(store: Store) -> None:
    """Submit callback of the public form: thanks and an empty form, or the problems with what was typed kept."""
    state = st.session_state
    entry = PublicFeedback(state.get("pf_kind"), state.get("pf_category"), state.get("pf_description") or "",
                           state.get("pf_email") or "", state.get("pf_service"))
    try:
        submit_public_feedback(store, entry, browser_address())
    except ValidationError as error:
        return PUBLIC.failed(error.errors)
    except (StoreError, NotAllowed):
        return PUBLIC.failed({"form": "The feedback form cannot take messages just now: please try again in a few "
                                      "minutes. What you typed is kept."})
    PUBLIC.succeeded(THANKS)
    state.update(PUBLIC_DEFAULTS)
