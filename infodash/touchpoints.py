"""Touchpoints: logging, correcting and undoing interactions, and the follow-ups they create.

Every write validates first (:class:`~infodash.errors.ValidationError` maps each field
to a message a form shows next to it), writes in one transaction and appends to the
audit log. Staff log touchpoints; only a touchpoint's author, or a lead, may edit or undo it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author, check_customer, check_moment, check_service
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require, require_owner

CHANNELS: dict[str, str] = {
    "email": "E-mail", "face_to_face": "Face to face", "phone": "Phone", "chat": "Chat", "intranet": "Intranet",
    "presentation": "Presentation", "training": "Training session", "deliverable": "Deliverable (alert, report)",
}
KINDS: dict[str, str] = {
    "request": "Request", "follow_up": "Follow-up", "proactive": "Proactive contact", "feedback": "Feedback",
    "training": "Training",
}
# The READ scale (Reference Effort Assessment Data, Gerlich & Berard) libraries use to grade effort.
READ_SCALE: dict[int, str] = {
    1: "Quick answer, no special knowledge (directions, a known link); under 5 minutes.",
    2: "Some effort: one or two standard sources; 5-10 minutes.",
    3: "Several sources or brief instruction in using them; 10-20 minutes.",
    4: "Multiple sources and subject knowledge needed; 20-30 minutes or more.",
    5: "Substantial research with a specialist; an hour or more, possibly several contacts.",
    6: "In-depth research or a deliverable built for the customer; many hours, over several contacts.",
}
MAX_NOTE_CHARS = 1_000
MAX_MINUTES = 600
# A second identical save by the same author this soon is a double click, not a new contact.
DUPLICATE_WINDOW = dt.timedelta(seconds=10)


@dataclass(frozen=True)
class TouchpointDraft:
    """What a person enters for one touchpoint; fields may be missing until validated."""

    customer_id: int | None
    channel: str | None
    kind: str | None
    minutes: int | None
    read_level: int | None
    note: str = ""
    occurred_at: dt.datetime | None = None
    follow_up_on: dt.date | None = None
    service_id: int | None = None


@dataclass(frozen=True)
class SavedTouchpoint:
    """A stored touchpoint: its id, its values and who logged it."""

    touchpoint_id: int
    draft: TouchpointDraft
    created_by: str
    duplicate: bool = False  # True when the save was recognised as a repeat of this one


def validate_touchpoint(store: Store, draft: TouchpointDraft, author: str, now: dt.datetime,
                        time_zone: ZoneInfo, allowed_past_follow_up: dt.date | None = None) -> TouchpointDraft:
    """Check ``draft`` and return it tidied (note stripped); raise ValidationError listing every problem.

    ``allowed_past_follow_up`` lets an edit keep a follow-up date that has since passed.
    """
    errors: dict[str, str] = {}
    check_author(author, errors)
    with store.reading() as db:
        check_customer(db, draft.customer_id, errors)
        check_service(db, draft.service_id, errors)
    if draft.channel not in CHANNELS:
        errors["channel"] = "Choose a channel."
    if draft.kind not in KINDS:
        errors["kind"] = "Choose what kind of contact it was."
    if draft.minutes is None:
        errors["minutes"] = "Enter the minutes spent (0 if negligible)."
    elif draft.minutes < 0:
        errors["minutes"] = "Minutes cannot be negative."
    elif draft.minutes > MAX_MINUTES:
        errors["minutes"] = f"At most {MAX_MINUTES} minutes per touchpoint; split longer work into several."
    if draft.read_level not in READ_SCALE:
        errors["read_level"] = "Choose a READ level from 1 to 6."
    note = (draft.note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = f"The note is {len(note)} characters; shorten it to {MAX_NOTE_CHARS} at most."
    check_moment(draft.occurred_at, now, "occurred_at", errors, missing="Enter when the contact happened.",
                 future="This time is in the future; log contacts once they have happened.")
    today = now.astimezone(time_zone).date()
    if draft.follow_up_on is not None and draft.follow_up_on < today and draft.follow_up_on != allowed_past_follow_up:
        errors["follow_up_on"] = "The follow-up date is in the past; choose today or later."
    if errors:
        raise ValidationError(errors)
    return replace(draft, note=note)


_COLUMNS = ("customer_id", "channel", "kind", "minutes", "read_level", "note", "occurred_at", "follow_up_on",
            "service_id")
# built once from the column names above; every value is a bound parameter
_INSERT_SQL = (f"INSERT INTO touchpoints ({', '.join(_COLUMNS)}, created_by, created_at) "
               f"VALUES ({', '.join('?' * (len(_COLUMNS) + 2))}) RETURNING touchpoint_id")
_SELECT_SQL = f"SELECT {', '.join(_COLUMNS)}, created_by FROM touchpoints WHERE touchpoint_id = ?"
_UPDATE_SQL = (f"UPDATE touchpoints SET {', '.join(f'{column} = ?' for column in _COLUMNS)}, updated_at = ? "
               "WHERE touchpoint_id = ?")
# A repeat: the same author saving the same contact again within the window. The time it happened is
# left out: a form left on "now" (or showing the previous minute) sends a slightly different one.
_REPEAT_SQL = ("SELECT touchpoint_id FROM touchpoints WHERE created_by = ? AND created_at >= ? AND "
               + " AND ".join(f"{column} IS NOT DISTINCT FROM ?" for column in _COLUMNS if column != "occurred_at")
               + " ORDER BY touchpoint_id DESC LIMIT 1")


def log_touchpoint(store: Store, draft: TouchpointDraft, actor: Account, time_zone: ZoneInfo,
                   now: dt.datetime | None = None) -> SavedTouchpoint:
    """Validate and store a new touchpoint under ``actor``'s name; a repeat of the same save within seconds is
    stored once. Raises NotAllowed for a viewer, ValidationError for bad input."""
    require(actor, "staff", "log touchpoints")
    now = now or dt.datetime.now(dt.UTC)
    author = actor.name.strip()
    draft = validate_touchpoint(store, draft, author, now, time_zone)
    values = [getattr(draft, column) for column in _COLUMNS]
    with store.writing() as db:
        others = [getattr(draft, column) for column in _COLUMNS if column != "occurred_at"]
        repeat = db.execute(_REPEAT_SQL, [author, now - DUPLICATE_WINDOW, *others]).fetchone()
        if repeat:
            return SavedTouchpoint(repeat[0], draft, author, duplicate=True)
        touchpoint_id = db.execute(_INSERT_SQL, [*values, author, now]).fetchone()[0]
        audit.record(db, author, "insert", "touchpoints", touchpoint_id, asdict(draft))
    return SavedTouchpoint(touchpoint_id, draft, author)


def get_touchpoint(store: Store, touchpoint_id: int) -> SavedTouchpoint | None:
    """The stored touchpoint, or None if it does not exist (e.g. undone)."""
    with store.reading() as db:
        return _fetch(db, touchpoint_id)


def _fetch(db: duckdb.DuckDBPyConnection, touchpoint_id: int) -> SavedTouchpoint | None:
    row = db.execute(_SELECT_SQL, [touchpoint_id]).fetchone()
    return None if row is None else SavedTouchpoint(touchpoint_id, TouchpointDraft(*row[:-1]), row[-1])


def _owned(db: duckdb.DuckDBPyConnection, touchpoint_id: int, actor: Account, what: str) -> SavedTouchpoint:
    """The touchpoint if ``actor`` may ``what`` it (their own, or a lead); read inside the caller's transaction so
    the check holds for the write."""
    require(actor, "staff", what)
    saved = _fetch(db, touchpoint_id)
    if saved is None:
        raise LookupError(f"Touchpoint #{touchpoint_id} no longer exists (it may have been undone).")
    require_owner(actor, [saved.created_by], what, f"{saved.created_by}, who logged it")
    return saved


def update_touchpoint(store: Store, touchpoint_id: int, draft: TouchpointDraft, actor: Account, time_zone: ZoneInfo,
                      now: dt.datetime | None = None) -> SavedTouchpoint:
    """Correct a touchpoint (one's own, or anyone's for a lead); the old values go to the audit log.

    Raises LookupError if it no longer exists, NotAllowed if someone else logged it, ValidationError for bad input.
    """
    now = now or dt.datetime.now(dt.UTC)
    with store.reading() as db:
        before = _owned(db, touchpoint_id, actor, "change this touchpoint")
    draft = validate_touchpoint(store, draft, actor.name, now, time_zone,
                                allowed_past_follow_up=before.draft.follow_up_on)
    with store.writing() as db:
        before = _owned(db, touchpoint_id, actor, "change this touchpoint")
        db.execute(_UPDATE_SQL, [*(getattr(draft, column) for column in _COLUMNS), now, touchpoint_id])
        audit.record(db, actor.name, "update", "touchpoints", touchpoint_id,
                     {"before": asdict(before.draft), "after": asdict(draft)})
    return SavedTouchpoint(touchpoint_id, draft, before.created_by)


def delete_touchpoint(store: Store, touchpoint_id: int, actor: Account) -> None:
    """Undo a touchpoint (one's own, or anyone's for a lead); its values are kept in the audit log."""
    with store.writing() as db:
        before = _owned(db, touchpoint_id, actor, "undo this touchpoint")
        db.execute("DELETE FROM touchpoints WHERE touchpoint_id = ?", [touchpoint_id])
        audit.record(db, actor.name, "delete", "touchpoints", touchpoint_id, asdict(before.draft))


def recent_touchpoints(store: Store, author: str, limit: int = 10) -> pd.DataFrame:
    """The author's latest entries, newest first, with the customer's name and, to tell namesakes apart,
    ``customer_detail``: their department and e-mail."""
    with store.reading() as db:
        return db.execute(
            """
            SELECT t.touchpoint_id, t.occurred_at, c.name AS customer,
                   concat_ws(' · ', nullif(c.department, ''), nullif(c.email, '')) AS customer_detail, t.channel, t.kind, t.minutes, t.read_level,
                   t.note, t.follow_up_on, t.created_at
            FROM touchpoints t JOIN customers c USING (customer_id)
            WHERE t.created_by = ? ORDER BY t.created_at DESC, t.touchpoint_id DESC LIMIT ?
            """,
            [author.strip(), limit],
        ).df()


def follow_ups_due(store: Store, author: str, today: dt.date, limit: int = 20) -> pd.DataFrame:
    """The author's open follow-ups due today or earlier, most overdue first, at most ``limit`` of them.

    Columns include ``days_overdue`` and ``total_due`` (how many there are in all, beyond the limit too).
    """
    with store.reading() as db:
        return db.execute(
            """
            SELECT t.touchpoint_id, t.follow_up_on, ? - t.follow_up_on AS days_overdue, c.name AS customer,
                   c.email, t.channel, t.kind, t.note, count(*) OVER () AS total_due
            FROM touchpoints t JOIN customers c USING (customer_id)
            WHERE t.created_by = ? AND t.follow_up_on <= ? AND t.follow_up_done_at IS NULL
            ORDER BY t.follow_up_on, t.touchpoint_id LIMIT ?
            """,
            [today, author.strip(), today, limit],
        ).df()


def mark_follow_up_done(store: Store, touchpoint_id: int, actor: Account, now: dt.datetime | None = None) -> None:
    """Close the follow-up of a touchpoint (one's own, or anyone's for a lead)."""
    now = now or dt.datetime.now(dt.UTC)
    with store.writing() as db:
        _owned(db, touchpoint_id, actor, "close this follow-up")
        db.execute("UPDATE touchpoints SET follow_up_done_at = ? WHERE touchpoint_id = ?", [now, touchpoint_id])
        audit.record(db, actor.name, "follow_up_done", "touchpoints", touchpoint_id)
