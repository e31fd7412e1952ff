"""The quick touchpoint form: field state, save callbacks, and errors shown next to each field.

Widget values live in ``st.session_state`` under ``tp_*`` keys, so what a person typed
survives a failed save; callbacks run before the page redraws, which lets a successful
save clear the form and a failed one keep it with the messages in place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.touchpoints import (TouchpointDraft, delete_touchpoint, get_touchpoint, log_touchpoint,
                                  mark_follow_up_done, update_touchpoint)

AUTHOR_KEY = "staff_name"
# fields cleared after every save; "log another like this" keeps the rest
PER_CONTACT_FIELDS = ("tp_customer", "tp_follow_up", "tp_note")
ERRORS_KEY, FLASH_KEY, EDITING_KEY = "tp_errors", "tp_flash", "tp_editing"


def author() -> str:
    """The staff member's name as typed for this browser session."""
    return (st.session_state.get(AUTHOR_KEY) or "").strip()


def reset_time(time_zone: ZoneInfo) -> None:
    """Set the form's date and time to now (local)."""
    now = dt.datetime.now(time_zone)
    st.session_state["tp_date"] = now.date()
    st.session_state["tp_time"] = now.time().replace(second=0, microsecond=0)


def ensure_defaults(time_zone: ZoneInfo, preselected_customer: int | None) -> None:
    """Give every field its starting value once per session."""
    defaults = {"tp_customer": preselected_customer, "tp_channel": "email", "tp_kind": "request", "tp_minutes": 10,
                "tp_read": 2, "tp_note": "", "tp_follow_up": None, "tp_service": None}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if "tp_date" not in st.session_state:
        reset_time(time_zone)


def draft_from_state(time_zone: ZoneInfo) -> TouchpointDraft:
    """The form's current values as a draft for the library to validate."""
    state = st.session_state
    day, time = state.get("tp_date"), state.get("tp_time")
    occurred = dt.datetime.combine(day, time, time_zone) if day and time else None
    return TouchpointDraft(
        customer_id=state.get("tp_customer"), channel=state.get("tp_channel"), kind=state.get("tp_kind"),
        minutes=state.get("tp_minutes"), read_level=state.get("tp_read"), note=state.get("tp_note") or "",
        occurred_at=occurred, follow_up_on=state.get("tp_follow_up"), service_id=state.get("tp_service"),
    )


def field_error(field: str) -> None:
    """Show the message for ``field`` from the last failed save, if any."""
    message = st.session_state.get(ERRORS_KEY, {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def _failed(errors: dict[str, str]) -> None:
    st.session_state[ERRORS_KEY] = errors


def save(store: Store, time_zone: ZoneInfo, keep_values: bool) -> None:
    """Submit callback: log a new touchpoint, or save the one being edited."""
    state = st.session_state
    draft = draft_from_state(time_zone)
    editing = state.get(EDITING_KEY)
    try:
        if editing:
            saved = update_touchpoint(store, editing, draft, author(), time_zone)
        else:
            saved = log_touchpoint(store, draft, author(), time_zone)
    except ValidationError as error:
        return _failed(error.errors)
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    state[ERRORS_KEY] = {}
    if editing:
        state[FLASH_KEY] = f"Saved changes to touchpoint #{saved.touchpoint_id}."
        state[EDITING_KEY] = None
    elif saved.duplicate:
        state[FLASH_KEY] = f"Already saved as touchpoint #{saved.touchpoint_id}; it was not saved twice."
    else:
        state[FLASH_KEY] = f"Saved touchpoint #{saved.touchpoint_id}."
    state["tp_last_saved"] = saved.touchpoint_id
    for key in PER_CONTACT_FIELDS:
        state[key] = "" if key == "tp_note" else None
    if not keep_values or editing:
        state["tp_minutes"], state["tp_read"], state["tp_service"] = 10, 2, None
    reset_time(time_zone)


def start_edit(store: Store, touchpoint_id: int, time_zone: ZoneInfo) -> None:
    """Load one's own touchpoint into the form."""
    saved = get_touchpoint(store, touchpoint_id)
    if saved is None:
        return _failed({"form": "That touchpoint no longer exists."})
    draft, local = saved.draft, saved.draft.occurred_at.astimezone(time_zone)
    st.session_state.update({
        EDITING_KEY: touchpoint_id, ERRORS_KEY: {}, "tp_customer": draft.customer_id, "tp_channel": draft.channel,
        "tp_kind": draft.kind, "tp_minutes": draft.minutes, "tp_read": draft.read_level, "tp_note": draft.note,
        "tp_follow_up": draft.follow_up_on, "tp_service": draft.service_id, "tp_date": local.date(),
        "tp_time": local.time().replace(second=0, microsecond=0),
    })


def cancel_edit(time_zone: ZoneInfo) -> None:
    """Leave edit mode with an empty form."""
    st.session_state.update({EDITING_KEY: None, ERRORS_KEY: {}, "tp_customer": None, "tp_note": "",
                             "tp_follow_up": None})
    reset_time(time_zone)


def undo(store: Store, touchpoint_id: int) -> None:
    """Delete one's own touchpoint (its values stay in the audit log)."""
    try:
        delete_touchpoint(store, touchpoint_id, author())
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    st.session_state[FLASH_KEY] = f"Undone: touchpoint #{touchpoint_id} was removed."
    if st.session_state.get(EDITING_KEY) == touchpoint_id:
        st.session_state[EDITING_KEY] = None


def follow_up_done(store: Store, touchpoint_id: int) -> None:
    """Mark the follow-up of one's own touchpoint done."""
    try:
        mark_follow_up_done(store, touchpoint_id, author())
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    st.session_state[FLASH_KEY] = f"Follow-up of touchpoint #{touchpoint_id} marked done."
