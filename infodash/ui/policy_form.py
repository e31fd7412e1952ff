"""Callbacks of the SLA setup page: save a policy version, save a calendar."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from infodash.db import Store
from infodash.policies import PolicyDraft, save_calendar, save_policy_version
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

POLICY = FormFeedback("pol")
CALENDAR = FormFeedback("cal")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def save_policy(store: Store) -> None:
    """Submit callback of the policy-version form."""
    state = st.session_state
    cutoff_rule = state.get("pol_target") == "cutoff"
    share = state.get("pol_share")
    draft = PolicyDraft(
        name=state.get("pol_name") or "", effective_from=state.get("pol_from"), calendar_id=state.get("pol_calendar"),
        service_id=state.get("pol_service"), priority=state.get("pol_priority"), group_id=state.get("pol_group"),
        first_response_hours=state.get("pol_first_response") or None,
        resolution_hours=None if cutoff_rule else state.get("pol_hours"),
        cutoff=state.get("pol_cutoff") if cutoff_rule else None,
        next_day_deadline=state.get("pol_deadline") if cutoff_rule else None,
        primary_target_share=None if share is None else share / 100, hard_limit_hours=state.get("pol_limit") or None,
        pause_on_customer=bool(state.get("pol_pause_customer")), pause_on_vendor=bool(state.get("pol_pause_vendor")))
    if POLICY.attempt(lambda: save_policy_version(store, draft, acting_account(store))):
        POLICY.succeeded(f"Saved {draft.name.strip()} from {draft.effective_from:%d %b %Y}. Requests that arrived "
                         "earlier keep the version they arrived under.")


def save_calendar_from_tables(store: Store, calendar_id: int | None, hours: pd.DataFrame, closures: pd.DataFrame) -> None:
    """Save the calendar from the page's fields and its two editable tables."""
    state = st.session_state
    slots: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in hours.dropna(subset=["weekday", "opens", "closes"]).itertuples():
        slots.setdefault(WEEKDAYS.index(row.weekday), []).append((row.opens, row.closes))
    days = {row.day: row.reason or "Closed" for row in closures.dropna(subset=["day"]).itertuples()}
    if CALENDAR.attempt(lambda: save_calendar(store, calendar_id, state.get("cal_name") or "",
                                              state.get("cal_tz") or "", state.get("cal_country") or None,
                                              state.get("cal_subdivision") or None, slots, days, acting_account(store))):
        CALENDAR.succeeded("Saved the calendar; service levels are recomputed on the next view.")
