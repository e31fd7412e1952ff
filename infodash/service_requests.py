"""Requests: logging one, and moving it through its statuses with the history kept.

Statuses: received -> responded (first response) -> waiting on the customer / on a vendor
(named) -> responded ... -> resolved, or declined with a reason and a referral. Every change is
a row of ``request_status_history`` (from which service levels derive paused time) and of the
audit log. A resolved or declined request is closed; it can be reopened, which is recorded too.
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

CHANNELS: dict[str, str] = {"email": "E-mail", "phone": "Phone", "chat": "Chat", "intranet": "Intranet form",
                            "face_to_face": "Face to face"}
PRIORITIES: dict[str, str] = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}
STATUSES: dict[str, str] = {"received": "Received", "responded": "Responded", "waiting_customer": "Waiting on customer",
                            "waiting_vendor": "Waiting on vendor", "resolved": "Resolved", "declined": "Declined"}
CLOSED = ("resolved", "declined")
MAX_SUBJECT_CHARS = 200
MAX_TEXT_CHARS = 500


@dataclass(frozen=True)
class RequestDraft:
    """What a person enters for a new request."""

    customer_id: int | None
    service_id: int | None
    channel: str | None
    priority: str = "normal"
    subject: str = ""
    received_at: dt.datetime | None = None
    assigned_to: str | None = None


def validate_request(store: Store, draft: RequestDraft, author: str, now: dt.datetime) -> RequestDraft:
    """Check a new request; raise ValidationError listing every problem, else return it tidied."""
    errors: dict[str, str] = {}
    check_author(author, errors)
    with store.reading() as db:
        check_customer(db, draft.customer_id, errors)
        check_service(db, draft.service_id, errors, required="Choose the service asked for.")
    if draft.channel not in CHANNELS:
        errors["channel"] = "Choose how the request came in."
    if draft.priority not in PRIORITIES:
        errors["priority"] = "Choose a priority."
    subject = (draft.subject or "").strip()
    if len(subject) > MAX_SUBJECT_CHARS:
        errors["subject"] = f"The subject is {len(subject)} characters; shorten it to {MAX_SUBJECT_CHARS}."
    check_moment(draft.received_at, now, "received_at", errors)
    if errors:
        raise ValidationError(errors)
    return replace(draft, subject=subject, assigned_to=(draft.assigned_to or "").strip() or None)


def log_request(store: Store, draft: RequestDraft, actor: Account, now: dt.datetime | None = None) -> int:
    """Validate and store a new request (status received) under ``actor``'s name; returns its id.
    Raises NotAllowed for a viewer, ValidationError for bad input."""
    require(actor, "staff", "log requests")
    now = now or dt.datetime.now(dt.UTC)
    draft = validate_request(store, draft, actor.name, now)
    author = actor.name.strip()
    with store.writing() as db:
        request_id = db.execute(
            "INSERT INTO requests (customer_id, service_id, channel, priority, subject, assigned_to, received_at, "
            "status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?, ?) RETURNING request_id",
            [draft.customer_id, draft.service_id, draft.channel, draft.priority, draft.subject, draft.assigned_to,
             draft.received_at, author, now]).fetchone()[0]
        db.execute("INSERT INTO request_status_history (request_id, status, changed_at, changed_by) "
                   "VALUES (?, 'received', ?, ?)", [request_id, draft.received_at, author])
        audit.record(db, author, "insert", "requests", request_id, asdict(draft))
    return request_id


def require_request_worker(db: duckdb.DuckDBPyConnection, request_id: int, actor: Account, what: str) -> None:
    """Raise NotAllowed unless ``actor`` may work request ``request_id``: staff the requests they logged, are
    assigned, or that nobody is assigned yet; a lead any. LookupError when there is no such request."""
    row = db.execute("SELECT created_by, assigned_to FROM requests WHERE request_id = ?", [request_id]).fetchone()
    if row is None:
        raise LookupError(f"Request #{request_id} does not exist.")
    created_by, assigned_to = row
    if assigned_to is None:
        require(actor, "staff", what)
    else:
        whose = assigned_to if created_by == assigned_to else \
            f"{assigned_to} (assigned) and {created_by} (who logged it)"
        require_owner(actor, [created_by, assigned_to], what, whose)


@dataclass(frozen=True)
class StatusUpdate:
    """A move of a request to ``status`` at ``changed_at``; vendor, reason and referral where they apply."""

    status: str
    changed_at: dt.datetime | None
    vendor: str = ""
    reason: str = ""
    referral: str = ""
    note: str = ""


def change_status(store: Store, request_id: int, update: StatusUpdate, actor: Account,
                  now: dt.datetime | None = None) -> None:
    """Move a request to a new status, keeping the history.

    Raises NotAllowed unless ``actor`` may work the request (:func:`require_request_worker`), LookupError
    for an unknown request and ValidationError for a change that does not fit:
    an unknown status, a vendor missing when waiting on one, a decline without reason or referral,
    a time before the request's last change or in the future, or a closed request changed other
    than by reopening it (status "responded").
    """
    require(actor, "staff", "change requests")
    now = now or dt.datetime.now(dt.UTC)
    errors: dict[str, str] = {}
    author = actor.name.strip()
    check_author(author, errors)
    if update.status not in STATUSES or update.status == "received":
        errors["status"] = "Choose the new status."
    if update.status == "waiting_vendor" and not update.vendor.strip():
        errors["vendor"] = "Name the vendor the request is waiting on."
    if update.status == "declined":
        if not update.reason.strip():
            errors["reason"] = "Say why the request is declined."
        if not update.referral.strip():
            errors["referral"] = "Say where the customer was referred (or 'nowhere')."
    for field, text in (("vendor", update.vendor), ("reason", update.reason), ("referral", update.referral),
                        ("note", update.note)):
        if len(text.strip()) > MAX_TEXT_CHARS:
            errors[field] = f"Use at most {MAX_TEXT_CHARS} characters."
    check_moment(update.changed_at, now, "changed_at", errors)
    with store.writing() as db:
        require_request_worker(db, request_id, actor, "change this request")
        current, last_change, received_at = db.execute(
            "SELECT status, (SELECT max(changed_at) FROM request_status_history h "
            "WHERE h.request_id = r.request_id), received_at FROM requests r WHERE request_id = ?",
            [request_id]).fetchone()
        if current in CLOSED and update.status != "responded":
            errors["status"] = f"The request is {STATUSES[current].lower()}; reopen it (Responded) to change it."
        if update.changed_at is not None and update.changed_at.tzinfo is not None and update.changed_at < (
                last_change or received_at):
            errors["changed_at"] = "This is before the request's last change; changes are recorded in order."
        if errors:
            raise ValidationError(errors)
        db.execute("INSERT INTO request_status_history (request_id, status, changed_at, changed_by, vendor, reason, "
                   "referral, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [request_id, update.status, update.changed_at, author, update.vendor.strip() or None,
                    update.reason.strip() or None, update.referral.strip() or None, update.note.strip() or None])
        db.execute(
            """
            UPDATE requests SET status = $status,
                first_response_at = CASE WHEN first_response_at IS NULL AND $status <> 'declined' THEN $at
                                         ELSE first_response_at END,
                closed_at = CASE WHEN $status IN ('resolved', 'declined') THEN $at END,
                vendor = coalesce($vendor, vendor),
                decline_reason = CASE WHEN $status = 'declined' THEN $reason END,
                referred_to = CASE WHEN $status = 'declined' THEN $referral END
            WHERE request_id = $id
            """,
            {"status": update.status, "at": update.changed_at, "vendor": update.vendor.strip() or None,
             "reason": update.reason.strip() or None, "referral": update.referral.strip() or None, "id": request_id})
        audit.record(db, author, "status", "requests", request_id, {"from": current, **asdict(update)})


def open_requests(store: Store, time_zone: ZoneInfo, limit: int = 100, assigned_to: str | None = None) -> pd.DataFrame:
    """Requests not yet resolved or declined, oldest first, with customer and service names; times local."""
    with store.reading() as db:
        return db.execute(
            """
            SELECT r.request_id, timezone($time_zone, r.received_at) AS received, r.status, c.name AS customer,
                   s.name AS service, r.priority,
                   r.channel, r.subject, r.assigned_to, r.vendor
            FROM requests r JOIN customers c USING (customer_id) JOIN services s USING (service_id)
            WHERE r.status NOT IN ('resolved', 'declined') AND ($assignee IS NULL OR r.assigned_to = $assignee)
            ORDER BY r.received_at LIMIT $limit
            """, {"assignee": assigned_to, "limit": limit, "time_zone": time_zone.key}).df()


def closed_requests(store: Store, time_zone: ZoneInfo, limit: int = 100) -> pd.DataFrame:
    """Resolved and declined requests, most recently closed first, with the CSAT the customer gave
    afterwards (empty when none is recorded); times local."""
    with store.reading() as db:
        return db.execute(
            """
            SELECT r.request_id, timezone($time_zone, r.closed_at) AS closed, r.status, c.name AS customer,
                   s.name AS service, r.subject,
                   (SELECT min(f.csat) FROM survey_responses f WHERE f.request_id = r.request_id) AS feedback
            FROM requests r JOIN customers c USING (customer_id) JOIN services s USING (service_id)
            WHERE r.status IN ('resolved', 'declined')
            ORDER BY r.closed_at DESC, r.request_id DESC LIMIT $limit
            """, {"limit": limit, "time_zone": time_zone.key}).df()


def request_history(store: Store, request_id: int, time_zone: ZoneInfo) -> pd.DataFrame:
    """A request's status changes, oldest first; times local."""
    with store.reading() as db:
        return db.execute("SELECT status, timezone(?, changed_at) AS changed, changed_by, vendor, reason, referral, "
                          "note FROM request_status_history WHERE request_id = ? ORDER BY changed_at",
                          [time_zone.key, request_id]).df()
