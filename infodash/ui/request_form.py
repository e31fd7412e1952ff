"""Callbacks of the Requests page: log a request, change a request's status, record the customer's
feedback on a closed one.

Fields live in ``st.session_state`` (``rq_*`` for a new request, ``st_*`` for a status change, ``fb_*``
for feedback) so a rejected entry keeps what was typed; the date and time default to now until
someone changes them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from infodash.db import Store, StoreError
from infodash.errors import NotAllowed, ValidationError
from infodash.instruments import CSAT_LABELS
from infodash.periods import NonexistentLocalTime, local_datetime
from infodash.service_requests import CLOSED, RequestDraft, StatusUpdate, change_status, log_request
from infodash.survey_responses import RequestFeedback, record_request_feedback
from infodash.ui.feedback import FormFeedback
from infodash.ui.pickers import acting_account, staff_name

NEW = FormFeedback("rq")
STATUS = FormFeedback("st")
FEEDBACK = FormFeedback("fb")
LISTS = {"open": "Open", "closed": "Recently closed"}
LIST_COLUMNS = {"feedback": st.column_config.NumberColumn(
    "Feedback", format="%d", help="CSAT (1-5) the customer gave afterwards; blank: none recorded yet.")}
HISTORY_COLUMNS = {"changed_by": st.column_config.TextColumn("Changed by"),
                   "reason": st.column_config.TextColumn("Reason"), "referral": st.column_config.TextColumn("Referred to")}
NEW_DEFAULTS = {"rq_customer": None, "rq_service": None, "rq_channel": "email", "rq_priority": "normal",
                "rq_subject": ""}
STATUS_DEFAULTS = {"st_status": "responded", "st_vendor": "", "st_reason": "", "st_referral": "", "st_note": ""}
FEEDBACK_DEFAULTS = {"fb_csat": None, "fb_comment": ""}


def _now_fields(prefix: str, time_zone: ZoneInfo) -> None:
    now = dt.datetime.now(time_zone)
    shown = (now.date(), now.time().replace(second=0, microsecond=0))
    st.session_state.update({f"{prefix}_date": shown[0], f"{prefix}_time": shown[1], f"{prefix}_shown_now": shown})


def _untouched(prefix: str) -> bool:
    state = st.session_state
    return (state.get(f"{prefix}_date"), state.get(f"{prefix}_time")) == state.get(f"{prefix}_shown_now")


def ensure_defaults(time_zone: ZoneInfo) -> None:
    """Give the forms their starting values once per session."""
    for key, value in {**NEW_DEFAULTS, **STATUS_DEFAULTS, **FEEDBACK_DEFAULTS, "rq_list": "open"}.items():
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
        request_id = log_request(store, draft, acting_account(store))
    except NonexistentLocalTime as error:
        return NEW.failed({"received_at": str(error)})
    except ValidationError as error:
        return NEW.failed(error.errors)
    except (StoreError, NotAllowed) as error:
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
        change_status(store, request_id, update, acting_account(store))
    except NonexistentLocalTime as error:
        return STATUS.failed({"changed_at": str(error)})
    except ValidationError as error:
        return STATUS.failed(error.errors)
    except (StoreError, NotAllowed, LookupError) as error:
        return STATUS.failed({"form": str(error)})
    closed_note = " Find it under Recently closed to record the customer's feedback." if update.status in CLOSED else ""
    STATUS.succeeded(f"Request #{request_id} is now {update.status.replace('_', ' ')}.{closed_note}")
    state.update(STATUS_DEFAULTS)
    state["rq_selected"] = request_id  # still chosen once it moves to the recently closed list
    _now_fields("st", time_zone)


def csat_label(score: int) -> str:
    """E.g. "4 Satisfied"."""
    return f"{score} {CSAT_LABELS[score]}"


def feedback_summary(given: RequestFeedback, time_zone: ZoneInfo) -> str:
    """The feedback recorded for a request, in one line (the comment follows on the next)."""
    by = f" by {given.entered_by}" if given.entered_by else ""
    score = csat_label(given.csat) if given.csat in CSAT_LABELS else "no score"
    when = given.submitted_at.astimezone(time_zone)
    return f"CSAT {score}, recorded {when:%d %b %Y %H:%M}{by}." + (f"\n{given.comment}" if given.comment else "")


def save_feedback(store: Store, request_id: int, time_zone: ZoneInfo) -> None:
    """Submit callback of the customer-feedback form of a resolved or declined request."""
    state = st.session_state
    try:
        record_request_feedback(store, request_id, state.get("fb_csat"), state.get("fb_comment") or "",
                                acting_account(store),
                                dt.datetime.now(time_zone), time_zone)
    except ValidationError as error:
        return FEEDBACK.failed(error.errors)
    except (StoreError, NotAllowed) as error:
        return FEEDBACK.failed({"form": str(error)})
    FEEDBACK.succeeded(f"Recorded the customer's feedback on request #{request_id}.")
    state.update(FEEDBACK_DEFAULTS)
