"""Callbacks of the Requests page: log a request, change a request's status.

Fields live in ``st.session_state`` (``rq_*`` for a new request, ``st_*`` for a status change) so a
rejected entry keeps what was typed; the date and time default to now until someone changes them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import ValidationError
from infodash.periods import NonexistentLocalTime, local_datetime
from infodash.service_requests import RequestDraft, StatusUpdate, change_status, log_request
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import staff_name

NEW = FormFeedback("rq")
STATUS = FormFeedback("st")
NEW_DEFAULTS = {"rq_customer": None, "rq_service": None, "rq_channel": "email", "rq_priority": "normal",
                "rq_subject": ""}
STATUS_DEFAULTS = {"st_status": "responded", "st_vendor": "", "st_reason": "", "st_referral": "", "st_note": ""}


def _now_fields(prefix: str, time_zone: ZoneInfo) -> None:
    now = dt.datetime.now(time_zone)
    shown = (now.date(), now.time().replace(second=0, microsecond=0))
    st.session_state.update({f"{prefix}_date": shown[0], f"{prefix}_time": shown[1], f"{prefix}_shown_now": shown})


def _untouched(prefix: str) -> bool:
    state = st.session_state
    return (state.get(f"{prefix}_date"), state.get(f"{prefix}_time")) == state.get(f"{prefix}_shown_now")


def ensure_defaults(time_zone: ZoneInfo) -> None:
    """Give both forms their starting values once per session."""
    for key, value in {**NEW_DEFAULTS, **STATUS_DEFAULTS}.items():
        st.session_state.setdefault(key, value)
    for prefix in ("rq", "st"):
        if f"{prefix}_date" not in st.session_state or _untouched(prefix):
            _now_fields(prefix, time_zone)  # a time nobody changed keeps following the clock


def _when(prefix: str, time_zone: ZoneInfo) -> dt.datetime | None:
    """The time typed, or the moment of saving when nobody changed the time shown."""
    if _untouched(prefix):
        return dt.datetime.now(time_zone)
    day, time = st.session_state.get(f"{prefix}_date"), st.session_state.get(f"{prefix}_time")
    return local_datetime(day, time, time_zone) if day and time else None


def save_request(store: Store, time_zone: ZoneInfo) -> None:
    """Submit callback of the new-request form."""
    state = st.session_state
    try:
        draft = RequestDraft(state.get("rq_customer"), state.get("rq_service"), state.get("rq_channel"),
                             state.get("rq_priority") or "normal", state.get("rq_subject") or "",
                             _when("rq", time_zone), staff_name() or None)
        request_id = log_request(store, draft, staff_name())
    except NonexistentLocalTime as error:
        return NEW.failed({"received_at": str(error)})
    except ValidationError as error:
        return NEW.failed(error.errors)
    except StoreError as error:
        return NEW.failed({"form": str(error)})
    NEW.succeeded(f"Logged request #{request_id}.")
    state.update(NEW_DEFAULTS)
    state["rq_selected"] = request_id
    _now_fields("rq", time_zone)


def save_status(store: Store, request_id: int, time_zone: ZoneInfo) -> None:
    """Submit callback of the status-change form."""
    state = st.session_state
    try:
        update = StatusUpdate(state.get("st_status"), _when("st", time_zone), state.get("st_vendor") or "",
                              state.get("st_reason") or "", state.get("st_referral") or "", state.get("st_note") or "")
        change_status(store, request_id, update, staff_name())
    except NonexistentLocalTime as error:
        return STATUS.failed({"changed_at": str(error)})
    except ValidationError as error:
        return STATUS.failed(error.errors)
    except (StoreError, LookupError) as error:
        return STATUS.failed({"form": str(error)})
    STATUS.succeeded(f"Request #{request_id} is now {update.status.replace('_', ' ')}.")
    state.update(STATUS_DEFAULTS)
    _now_fields("st", time_zone)
