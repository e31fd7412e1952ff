"""The quick touchpoint form: field state, save callbacks, and errors shown next to each field.

Widget values live in ``st.session_state`` under ``tp_*`` keys and persist for the whole
browser session (even across pages), so what a person typed survives a failed save and a
look at another page. Callbacks run before the page redraws, which lets a successful save
clear the form and a failed one keep it with the messages in place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.periods import NonexistentLocalTime, local_datetime
from infodash.touchpoints import (TouchpointDraft, delete_touchpoint, get_touchpoint, log_touchpoint,
                                  mark_follow_up_done, update_touchpoint)
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account

FEEDBACK = FormFeedback("tp")
EDITING_KEY = "tp_editing"
# What the date and time fields were set to by the form itself, and the instant that stands for:
# None means "now" (a new entry), else the original time of the entry being edited. While the
# person leaves both fields alone, that instant is used, not the minute shown when the form opened.
WHEN_KEY = "tp_when"
FIELD_DEFAULTS = {"tp_customer": None, "tp_channel": "email", "tp_kind": "request", "tp_minutes": 10, "tp_read": 2,
                  "tp_note": "", "tp_follow_up": None, "tp_service": None}
# fields "save and log another like this" clears; it keeps the rest for the next contact
PER_CONTACT_FIELDS = ("tp_customer", "tp_note", "tp_follow_up")


def _set_when(time_zone: ZoneInfo, original: dt.datetime | None = None) -> None:
    shown = (original or dt.datetime.now(time_zone)).astimezone(time_zone)
    day, time = shown.date(), shown.time().replace(second=0, microsecond=0)
    st.session_state.update({"tp_date": day, "tp_time": time, WHEN_KEY: (day, time, original)})


def _when_untouched() -> bool:
    marker = st.session_state.get(WHEN_KEY)
    return bool(marker) and (st.session_state.get("tp_date"), st.session_state.get("tp_time")) == marker[:2]


def ensure_defaults(time_zone: ZoneInfo, preselected_customer: int | None) -> None:
    """Give every field its starting value once per session; keep an untouched "now" current."""
    for key, value in FIELD_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    # a link such as ?customer=42 (from a customer's profile) picks that customer once, not for every entry after
    if preselected_customer is not None and st.session_state.get("tp_preselected") != preselected_customer:
        st.session_state.update({"tp_preselected": preselected_customer, "tp_customer": preselected_customer})
    marker = st.session_state.get(WHEN_KEY)
    if "tp_date" not in st.session_state or (_when_untouched() and marker[2] is None):
        _set_when(time_zone)


def preselect_customer(customer_id: int, time_zone: ZoneInfo) -> None:
    """Have the form open on a new touchpoint with ``customer_id`` (another page's "Log a touchpoint for this
    customer" button, before it switches here with ``?customer=<id>``): chosen even if that customer was
    picked once before; an edit in progress is left, channel, kind and effort stay as last set."""
    if st.session_state.get(EDITING_KEY):
        cancel_edit(time_zone)
    st.session_state.update({"tp_preselected": customer_id, "tp_customer": customer_id})


def occurred_at(time_zone: ZoneInfo) -> dt.datetime | None:
    """When the contact happened: now (or the edited entry's own time) unless the person changed the fields."""
    state = st.session_state
    if _when_untouched():
        return state[WHEN_KEY][2] or dt.datetime.now(time_zone)
    day, time = state.get("tp_date"), state.get("tp_time")
    return local_datetime(day, time, time_zone) if day and time else None


def draft_from_state(time_zone: ZoneInfo) -> TouchpointDraft:
    """The form's current values as a draft for the library to validate."""
    state = st.session_state
    return TouchpointDraft(
        customer_id=state.get("tp_customer"), channel=state.get("tp_channel"), kind=state.get("tp_kind"),
        minutes=state.get("tp_minutes"), read_level=state.get("tp_read"), note=state.get("tp_note") or "",
        occurred_at=occurred_at(time_zone), follow_up_on=state.get("tp_follow_up"), service_id=state.get("tp_service"),
    )


field_error = FEEDBACK.error
show_flash = FEEDBACK.flash
_succeeded = FEEDBACK.succeeded
_failed = FEEDBACK.failed


def _clear_fields(keys: tuple[str, ...], time_zone: ZoneInfo) -> None:
    st.session_state.update({key: FIELD_DEFAULTS[key] for key in keys})
    _set_when(time_zone)


def save(store: Store, time_zone: ZoneInfo, keep_values: bool) -> None:
    """Submit callback: log a new touchpoint, or save the one being edited."""
    editing = st.session_state.get(EDITING_KEY)
    try:
        draft = draft_from_state(time_zone)
        if editing:
            saved = update_touchpoint(store, editing, draft, acting_account(store), time_zone)
        else:
            saved = log_touchpoint(store, draft, acting_account(store), time_zone)
    except NonexistentLocalTime as error:
        return _failed({"occurred_at": str(error)})
    except ValidationError as error:
        return _failed(error.errors)
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    if editing:
        _succeeded(f"Saved changes to touchpoint #{saved.touchpoint_id}.")
        st.session_state[EDITING_KEY] = None
    elif saved.duplicate:
        _succeeded(f"Already saved as touchpoint #{saved.touchpoint_id}; it was not saved twice.")
    else:
        _succeeded(f"Saved touchpoint #{saved.touchpoint_id}.")
    _clear_fields(PER_CONTACT_FIELDS if keep_values and not editing else tuple(FIELD_DEFAULTS), time_zone)


def start_edit(store: Store, touchpoint_id: int, time_zone: ZoneInfo) -> None:
    """Load one's own touchpoint into the form."""
    saved = get_touchpoint(store, touchpoint_id)
    if saved is None:
        return _failed({"form": "That touchpoint no longer exists."})
    draft = saved.draft
    FEEDBACK.clear()
    st.session_state.update({
        EDITING_KEY: touchpoint_id, "tp_customer": draft.customer_id, "tp_channel": draft.channel,
        "tp_kind": draft.kind, "tp_minutes": draft.minutes, "tp_read": draft.read_level, "tp_note": draft.note,
        "tp_follow_up": draft.follow_up_on, "tp_service": draft.service_id,
    })
    _set_when(time_zone, original=draft.occurred_at)


def cancel_edit(time_zone: ZoneInfo) -> None:
    """Leave edit mode with an empty form."""
    st.session_state[EDITING_KEY] = None
    FEEDBACK.clear()
    _clear_fields(tuple(FIELD_DEFAULTS), time_zone)


def undo(store: Store, touchpoint_id: int, time_zone: ZoneInfo) -> None:
    """Delete one's own touchpoint (its values stay in the audit log)."""
    try:
        delete_touchpoint(store, touchpoint_id, acting_account(store))
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    if st.session_state.get(EDITING_KEY) == touchpoint_id:
        cancel_edit(time_zone)
    _succeeded(f"Undone: touchpoint #{touchpoint_id} was removed.")


def follow_up_done(store: Store, touchpoint_id: int) -> None:
    """Mark the follow-up of one's own touchpoint done."""
    try:
        mark_follow_up_done(store, touchpoint_id, acting_account(store))
    except (StoreError, NotAllowed, LookupError) as error:
        return _failed({"form": str(error)})
    _succeeded(f"Follow-up of touchpoint #{touchpoint_id} marked done.")
