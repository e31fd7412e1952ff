"""Feedback items: complaints, compliments and suggestions, from arrival to the customer told the outcome.

A feedback item comes in from a touchpoint, a request, a survey comment, a staff entry, or the public
feedback form a customer reaches without signing in. Staff acknowledge it, assign an owner, record the
response given, resolve it and note when the customer was told the outcome. Every write validates first
(:class:`~infodash.errors.ValidationError` maps each field to a message a form shows next to it), writes in
one transaction, keeps the status change in ``feedback_status_history`` and appends to the audit log.

Staff work an item that is theirs (its owner or who recorded it) or that nobody owns yet; a lead any item.
The public form needs no account: it is limited in length, throttled per source (the browser's address) and
never tells whether an e-mail typed is in the customer directory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, replace

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author, check_customer, check_moment, check_service
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require, require_owner

KINDS: dict[str, str] = {"complaint": "Complaint", "compliment": "Compliment", "suggestion": "Suggestion"}
CATEGORIES: dict[str, str] = {
    "timeliness": "Timeliness", "quality": "Quality of the answer or work", "staff": "Staff helpfulness",
    "access": "Access and systems", "communication": "Keeping me informed", "scope": "What the service covers",
    "other": "Something else",
}
SEVERITIES: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}
STATUSES: dict[str, str] = {"received": "Received", "acknowledged": "Acknowledged", "resolved": "Resolved"}
SOURCES: dict[str, str] = {"touchpoint": "Touchpoint", "request": "Request", "survey": "Survey comment",
                           "public_form": "Public form", "staff": "Staff entry"}
MAX_DESCRIPTION_CHARS = 2_000
MAX_RESPONSE_CHARS = 2_000
MAX_EMAIL_CHARS = 254
MAX_OWNER_CHARS = 80
# The public form: at most this many submissions from one source (the browser's address) within the window.
PUBLIC_FREE_SUBMISSIONS = 5
PUBLIC_WINDOW = dt.timedelta(minutes=10)
# Whatever the sources: behind a proxy every visitor may share one address, and addresses can be changed, so the
# form as a whole takes at most this many messages an hour (a flood cannot fill the database).
PUBLIC_MESSAGES_PER_HOUR = 60
UNVERIFIED = "Unverified e-mail of "  # how the list names the directory's match for a public-form e-mail (bound)
PUBLIC_ACTOR = "public feedback form"  # the audit log's actor for a submission of the public form
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FeedbackDraft:
    """What staff enter for one feedback item; a ``source`` other than 'staff' names its record by
    ``source_id``, whose customer and service are taken when the draft leaves them empty."""

    kind: str | None
    category: str | None
    description: str
    received_at: dt.datetime | None
    customer_id: int | None = None
    service_id: int | None = None
    severity: str | None = None
    owner: str | None = None
    source: str = "staff"
    source_id: int | None = None


@dataclass(frozen=True)
class PublicFeedback:
    """What a customer sends through the public form (no account): the e-mail is optional."""

    kind: str | None
    category: str | None
    description: str
    email: str = ""
    service_id: int | None = None


def _check_common(db: duckdb.DuckDBPyConnection, kind: str | None, category: str | None, description: str,
                  service_id: int | None, errors: dict[str, str],
                  nothing_written: str = "Write what the customer said.") -> str:
    if kind not in KINDS:
        errors["kind"] = "Choose whether it is a complaint, a compliment or a suggestion."
    if category not in CATEGORIES:
        errors["category"] = "Choose what it is about."
    text = (description or "").strip()
    if not text:
        errors["description"] = nothing_written
    elif len(text) > MAX_DESCRIPTION_CHARS:
        errors["description"] = f"This is {len(text):,} characters; shorten it to {MAX_DESCRIPTION_CHARS:,} at most."
    check_service(db, service_id, errors)
    return text


_SOURCE_RECORD = {  # the customer and service of the record an item comes from
    "touchpoint": "SELECT customer_id, service_id FROM touchpoints WHERE touchpoint_id = ?",
    "request": "SELECT customer_id, service_id FROM requests WHERE request_id = ?",
    "survey": "SELECT r.customer_id, q.service_id FROM survey_responses r LEFT JOIN requests q USING (request_id) "
              "WHERE r.response_id = ? AND coalesce(trim(r.comment), '') <> ''",
}


def validate_feedback(store: Store, draft: FeedbackDraft, author: str, now: dt.datetime) -> FeedbackDraft:
    """Check ``draft`` and return it tidied (texts stripped, customer and service filled from its source record);
    raise ValidationError listing every problem."""
    errors: dict[str, str] = {}
    check_author(author, errors)
    with store.reading() as db:
        if draft.source not in SOURCES or draft.source == "public_form":
            errors["source"] = "Choose where the feedback came from."
        elif draft.source != "staff":
            found = None if draft.source_id is None else db.execute(_SOURCE_RECORD[draft.source],
                                                                    [draft.source_id]).fetchone()
            if found is None:
                errors["source_id"] = f"Choose the {SOURCES[draft.source].lower()} it came from."
            else:
                draft = replace(draft, customer_id=draft.customer_id or found[0],
                                service_id=draft.service_id or found[1])
        text = _check_common(db, draft.kind, draft.category, draft.description, draft.service_id, errors)
        if draft.customer_id is not None:
            check_customer(db, draft.customer_id, errors)
    if draft.kind == "complaint" and draft.severity not in SEVERITIES:
        errors["severity"] = "Choose how serious the complaint is."
    elif draft.kind != "complaint" and draft.severity is not None:
        errors["severity"] = "Only complaints have a severity."
    owner = (draft.owner or "").strip() or None
    if owner is not None and len(owner) > MAX_OWNER_CHARS:
        errors["owner"] = f"Use at most {MAX_OWNER_CHARS} characters."
    check_moment(draft.received_at, now, "received_at", errors, missing="Enter when the feedback was received.",
                 future="This time is in the future; record feedback once it has been given.")
    if errors:
        raise ValidationError(errors)
    return replace(draft, description=text, owner=owner)


_INSERT_SQL = """
INSERT INTO feedback_items (kind, category, severity, service_id, customer_id, contact_email, description, owner,
                            received_at, source, source_id, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING feedback_id
"""


def _history(db: duckdb.DuckDBPyConnection, feedback_id: int, status: str, when: dt.datetime, who: str,
             note: str | None = None) -> None:
    db.execute("INSERT INTO feedback_status_history VALUES (?, ?, ?, ?, ?)", [feedback_id, status, when, who, note])


def record_feedback(store: Store, draft: FeedbackDraft, actor: Account, now: dt.datetime | None = None) -> int:
    """Store a new feedback item recorded by ``actor`` (status 'received'); its id. Raises NotAllowed for a
    viewer, ValidationError for bad input (e.g. a source record that does not exist)."""
    require(actor, "staff", "record feedback")
    now = now or dt.datetime.now(dt.UTC)
    author = actor.name.strip()
    draft = validate_feedback(store, draft, author, now)
    with store.writing() as db:
        [(feedback_id,)] = db.execute(_INSERT_SQL, [
            draft.kind, draft.category, draft.severity, draft.service_id, draft.customer_id, None, draft.description,
            draft.owner, draft.received_at, draft.source, draft.source_id, author, now]).fetchall()
        _history(db, feedback_id, "received", draft.received_at, author)
        audit.record(db, author, "insert", "feedback_items", feedback_id, asdict(draft))
    return feedback_id


class TooManySubmissions(ValidationError):
    """The public form was used too often from one source (or, with ``from_everyone``, by everyone);
    ``retry_after_s`` says when it may be used again."""

    def __init__(self, retry_after_s: int, from_everyone: bool = False) -> None:
        minutes = max(1, -(-retry_after_s // 60))
        who = "The form has taken many messages in the last hour" if from_everyone else \
            "Many messages have come from this computer in the last few minutes"
        super().__init__({"form": f"{who}: please try again in {minutes} minute{'s' if minutes > 1 else ''}. "
                                  "What you typed is kept."})
        self.retry_after_s = retry_after_s


def _public_wait_for_everyone(db: duckdb.DuckDBPyConnection, now: dt.datetime) -> int | None:
    """Seconds until the form takes messages again, or None while the last hour has room
    (:data:`PUBLIC_MESSAGES_PER_HOUR`)."""
    hour = dt.timedelta(hours=1)
    sent, wait = db.execute(
        "SELECT count(*), ceil(epoch(min(logged_at) + ? - ?)) FROM audit_log "
        "WHERE actor = ? AND action = 'insert' AND entity = 'feedback_items' AND logged_at > ? - ?",
        [hour, now, PUBLIC_ACTOR, now, hour]).fetchone()
    return max(int(wait), 1) if sent >= PUBLIC_MESSAGES_PER_HOUR else None


def _public_wait(db: duckdb.DuckDBPyConnection, source: str, now: dt.datetime) -> int | None:
    """Seconds until ``source`` may send again, or None while it has submissions to spare."""
    sent, wait = db.execute(
        "SELECT count(*), ceil(epoch(min(logged_at) + ? - ?)) FROM audit_log "
        "WHERE actor = ? AND action = 'insert' AND entity = 'feedback_items' AND logged_at > ? - ? "
        "AND coalesce(json_extract_string(details, '$.source_address'), '') = ?",
        [PUBLIC_WINDOW, now, PUBLIC_ACTOR, now, PUBLIC_WINDOW, source]).fetchone()
    return max(int(wait), 1) if sent >= PUBLIC_FREE_SUBMISSIONS else None


def submit_public_feedback(store: Store, entry: PublicFeedback, source: str | None,
                           now: dt.datetime | None = None) -> int:
    """Store what a customer sent through the public form (no account needed); its id, which the form does not
    show. The e-mail is kept to reply to but links the item to no customer: nobody signed in vouches for it, and
    anyone could type a colleague's address (the list names the directory's match as unverified). The outcome is
    the same whether the e-mail is known or not, so the form cannot be used to learn who is a customer. Raises
    ValidationError for bad input
    and TooManySubmissions after :data:`PUBLIC_FREE_SUBMISSIONS` from one ``source`` within :data:`PUBLIC_WINDOW`, or
    :data:`PUBLIC_MESSAGES_PER_HOUR` from all sources within an hour."""
    now, source = now or dt.datetime.now(dt.UTC), source or ""
    errors: dict[str, str] = {}
    email = (entry.email or "").strip().lower()
    if len(email) > MAX_EMAIL_CHARS:
        errors["email"] = f"Use at most {MAX_EMAIL_CHARS} characters."
    elif email and not _EMAIL.match(email):
        errors["email"] = "This does not look like an e-mail address: check it, or leave it empty."
    with store.reading() as db:
        text = _check_common(db, entry.kind, entry.category, entry.description, entry.service_id, errors,
                             "Write your message.")  # the customer is writing it
        if entry.service_id is not None and "service_id" not in errors and not db.execute(
                "SELECT count(*) FROM services WHERE service_id = ? AND active AND in_scope",
                [entry.service_id]).fetchone()[0]:
            errors["service_id"] = "Choose one of the services listed, or leave it empty."
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:  # the throttle is counted inside the write, so parallel submissions count too
        if (wait := _public_wait(db, source, now)) is not None:
            raise TooManySubmissions(wait)
        if (wait := _public_wait_for_everyone(db, now)) is not None:
            raise TooManySubmissions(wait, from_everyone=True)
        [(feedback_id,)] = db.execute(_INSERT_SQL, [
            entry.kind, entry.category, None, entry.service_id, None, email or None, text, None, now,
            "public_form", None, PUBLIC_ACTOR, now]).fetchall()
        _history(db, feedback_id, "received", now, PUBLIC_ACTOR)
        db.execute("INSERT INTO audit_log (logged_at, actor, action, entity, entity_id, details) "
                   "VALUES (?, ?, 'insert', 'feedback_items', ?, ?)",
                   [now, PUBLIC_ACTOR, str(feedback_id),
                    json.dumps({"kind": entry.kind, "source_address": source})])
    return feedback_id


@dataclass(frozen=True)
class FeedbackItem:
    """One stored feedback item, as the triage form needs it."""

    feedback_id: int
    kind: str
    category: str
    severity: str | None
    service_id: int | None
    customer_id: int | None
    description: str
    owner: str | None
    status: str
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    response: str | None
    customer_told_at: dt.datetime | None
    source: str
    source_id: int | None
    created_by: str
    contact_email: str | None = None  # what the public form was given, to reply to


_FIELDS = ", ".join(FeedbackItem.__dataclass_fields__)


def _fetch(db: duckdb.DuckDBPyConnection, feedback_id: int) -> FeedbackItem | None:
    # _FIELDS: the dataclass's own field names, never user text; the id is bound
    row = db.execute(f"SELECT {_FIELDS} FROM feedback_items WHERE feedback_id = ?", [feedback_id]).fetchone()
    return None if row is None else FeedbackItem(*row)


def get_feedback(store: Store, feedback_id: int) -> FeedbackItem | None:
    """The stored item, or None when there is none."""
    with store.reading() as db:
        return _fetch(db, feedback_id)


def _workable(db: duckdb.DuckDBPyConnection, feedback_id: int, actor: Account, what: str) -> FeedbackItem:
    """The item if ``actor`` may ``what`` it: staff an item they own or recorded, or that nobody owns yet; a lead
    any. Read inside the caller's transaction so the check holds for the write."""
    require(actor, "staff", what)
    item = _fetch(db, feedback_id)
    if item is None:
        raise ValidationError({"form": f"There is no feedback item #{feedback_id}."})
    if item.owner:
        require_owner(actor, [item.owner, item.created_by], what, f"{item.owner} (its owner)")
    return item


def _acting(actor: Account, now: dt.datetime | None) -> tuple[str, dt.datetime]:
    errors: dict[str, str] = {}
    check_author(actor.name, errors)
    if errors:
        raise ValidationError(errors)
    return actor.name.strip(), now or dt.datetime.now(dt.UTC)


def _check_when(item: FeedbackItem, when: dt.datetime | None, now: dt.datetime, field: str,
                errors: dict[str, str]) -> None:
    check_moment(when, now, field, errors)
    if field not in errors and when < item.received_at:
        errors[field] = "This is before the feedback was received."


def acknowledge_feedback(store: Store, feedback_id: int, actor: Account, when: dt.datetime | None = None,
                         now: dt.datetime | None = None) -> None:
    """Mark the item acknowledged (the customer has heard it was received) at ``when`` (default now)."""
    author, now = _acting(actor, now)
    when = when or now
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "acknowledge this feedback")
        errors: dict[str, str] = {}
        if item.status != "received":
            errors["status"] = f"This item is {item.status} already."
        _check_when(item, when, now, "acknowledged_at", errors)
        if errors:
            raise ValidationError(errors)
        db.execute("UPDATE feedback_items SET status = 'acknowledged', acknowledged_at = ? WHERE feedback_id = ?",
                   [when, feedback_id])
        _history(db, feedback_id, "acknowledged", when, author)
        audit.record(db, author, "acknowledge", "feedback_items", feedback_id, {"acknowledged_at": when})


def triage_feedback(store: Store, feedback_id: int, owner: str, category: str | None, severity: str | None,
                    actor: Account) -> None:
    """Assign the item's owner (staff name; empty: nobody) and set its category and, for a complaint, severity."""
    author, _ = _acting(actor, None)
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "assign this feedback")
        errors: dict[str, str] = {}
        owner_name = (owner or "").strip() or None
        if owner_name is not None and len(owner_name) > MAX_OWNER_CHARS:
            errors["owner"] = f"Use at most {MAX_OWNER_CHARS} characters."
        if category not in CATEGORIES:
            errors["category"] = "Choose what it is about."
        if item.kind == "complaint" and severity not in SEVERITIES:
            errors["severity"] = "Choose how serious the complaint is."
        if errors:
            raise ValidationError(errors)
        severity = severity if item.kind == "complaint" else None
        db.execute("UPDATE feedback_items SET owner = ?, category = ?, severity = ? WHERE feedback_id = ?",
                   [owner_name, category, severity, feedback_id])
        audit.record(db, author, "update", "feedback_items", feedback_id,
                     {"before": {"owner": item.owner, "category": item.category, "severity": item.severity},
                      "after": {"owner": owner_name, "category": category, "severity": severity}})


def link_feedback_to_sender(store: Store, feedback_id: int, actor: Account) -> int:
    """Link a public-form item to the customer whose directory e-mail it was sent with, once someone has checked
    with them that they sent it (the form itself cannot tell): it then counts for them, in their group and on
    their profile. Returns the customer's id. Raises ValidationError when the item is linked already, has no
    e-mail, or no active customer has it."""
    author, _ = _acting(actor, None)
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "link this feedback to its sender")
        if item.customer_id is not None:
            raise ValidationError({"form": "This feedback is linked to a customer already."})
        match = db.execute("SELECT min(customer_id) FROM customers WHERE active AND lower(trim(email)) = ?",
                           [item.contact_email]).fetchone()[0] if item.contact_email else None
        if match is None:
            raise ValidationError({"form": "No customer in the directory has the e-mail this feedback came with."})
        db.execute("UPDATE feedback_items SET customer_id = ? WHERE feedback_id = ?", [match, feedback_id])
        audit.record(db, author, "update", "feedback_items", feedback_id,
                     {"before": {"customer_id": None}, "after": {"customer_id": match}})
    return match


def record_feedback_response(store: Store, feedback_id: int, response: str, actor: Account) -> None:
    """Record (or correct) the response given: what the team did or will do about the feedback."""
    author, _ = _acting(actor, None)
    text = (response or "").strip()
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "respond to this feedback")
        if not text:
            raise ValidationError({"response": "Write the response given to the customer."})
        if len(text) > MAX_RESPONSE_CHARS:
            raise ValidationError({"response": f"This is {len(text):,} characters; shorten it to "
                                               f"{MAX_RESPONSE_CHARS:,} at most."})
        db.execute("UPDATE feedback_items SET response = ? WHERE feedback_id = ?", [text, feedback_id])
        audit.record(db, author, "respond", "feedback_items", feedback_id, {"before": item.response, "after": text})


def resolve_feedback(store: Store, feedback_id: int, actor: Account, when: dt.datetime | None = None,
                     now: dt.datetime | None = None) -> None:
    """Resolve the item at ``when`` (default now); it needs a recorded response. An item not yet acknowledged is
    acknowledged at the same moment (resolving it tells the customer it was heard)."""
    author, now = _acting(actor, now)
    when = when or now
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "resolve this feedback")
        errors: dict[str, str] = {}
        if item.status == "resolved":
            errors["status"] = "This item is resolved already."
        if not item.response:
            errors["response"] = "Record the response given before resolving."
        _check_when(item, when, now, "resolved_at", errors)
        if "resolved_at" not in errors and item.acknowledged_at is not None and when < item.acknowledged_at:
            errors["resolved_at"] = "This is before the item was acknowledged."
        if errors:
            raise ValidationError(errors)
        if item.acknowledged_at is None:
            _history(db, feedback_id, "acknowledged", when, author, "acknowledged on resolving")
        db.execute("UPDATE feedback_items SET status = 'resolved', resolved_at = ?, "
                   "acknowledged_at = coalesce(acknowledged_at, ?) WHERE feedback_id = ?", [when, when, feedback_id])
        _history(db, feedback_id, "resolved", when, author)
        audit.record(db, author, "resolve", "feedback_items", feedback_id, {"resolved_at": when})


def mark_customer_told(store: Store, feedback_id: int, actor: Account, when: dt.datetime | None = None,
                       now: dt.datetime | None = None) -> None:
    """Note that the customer was told the outcome at ``when`` (default now); needs a recorded response and a
    known customer or contact e-mail."""
    author, now = _acting(actor, now)
    when = when or now
    with store.writing() as db:
        item = _workable(db, feedback_id, actor, "record that the customer was told")
        errors: dict[str, str] = {}
        if not item.response:
            errors["response"] = "Record the response given before noting the customer was told."
        if item.customer_id is None and not item.contact_email:
            errors["customer_told_at"] = "This feedback is anonymous: there is no one to tell."
        _check_when(item, when, now, "customer_told_at", errors)
        if errors:
            raise ValidationError(errors)
        db.execute("UPDATE feedback_items SET customer_told_at = ? WHERE feedback_id = ?", [when, feedback_id])
        audit.record(db, author, "customer_told", "feedback_items", feedback_id, {"customer_told_at": when})


# --- reads -------------------------------------------------------------------------------------------------------

_LIST_SQL = """
SELECT f.feedback_id, f.received_at, f.kind, f.category, f.severity, s.name AS service,
       coalesce(c.name, (SELECT $unverified || min(d.name) FROM customers d
                         WHERE f.contact_email IS NOT NULL AND lower(trim(d.email)) = f.contact_email AND d.active),
                CASE WHEN f.contact_email IS NOT NULL THEN 'Not in the directory' ELSE 'Anonymous' END) AS customer,
       f.description, f.owner, f.status, f.acknowledged_at, f.resolved_at, f.response, f.customer_told_at, f.source,
       f.source_id, count(*) OVER () AS total
FROM feedback_items f LEFT JOIN customers c USING (customer_id) LEFT JOIN services s USING (service_id)
WHERE ($status IS NULL OR f.status = $status) AND ($kind IS NULL OR f.kind = $kind)
  AND ($service IS NULL OR f.service_id = $service)
  AND ($owner IS NULL OR coalesce(f.owner, '') = $owner)
ORDER BY f.received_at DESC, f.feedback_id DESC
LIMIT $limit
"""


def feedback_list(store: Store, status: str | None = None, kind: str | None = None, service_id: int | None = None,
                  owner: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Feedback items, newest first, at most ``limit`` (``total``: how many match in all). ``owner`` '' lists
    the items nobody owns; None leaves a filter out."""
    with store.reading() as db:
        return db.execute(_LIST_SQL, {"unverified": UNVERIFIED, "status": status, "kind": kind,
                                      "service": service_id, "owner": owner, "limit": limit}).df()


def feedback_owners(store: Store) -> list[str]:
    """The owners named on feedback items and the active staff list, in alphabetical order."""
    with store.reading() as db:
        return [name for (name,) in db.execute(
            "SELECT DISTINCT owner FROM feedback_items WHERE owner IS NOT NULL "
            "UNION SELECT name FROM staff WHERE active ORDER BY 1").fetchall()]


def feedback_history(store: Store, feedback_id: int) -> pd.DataFrame:
    """The item's status changes, oldest first."""
    with store.reading() as db:
        return db.execute("SELECT status, changed_at, changed_by, note FROM feedback_status_history "
                          "WHERE feedback_id = ? ORDER BY changed_at, rowid", [feedback_id]).df()


def customer_feedback(store: Store, customer_id: int) -> pd.DataFrame:
    """A customer's feedback items, newest first."""
    with store.reading() as db:
        return db.execute(
            "SELECT f.feedback_id, f.received_at, f.kind, f.category, s.name AS service, f.description, f.status, "
            "f.response, f.customer_told_at FROM feedback_items f LEFT JOIN services s USING (service_id) "
            "WHERE f.customer_id = ? ORDER BY f.received_at DESC, f.feedback_id DESC", [customer_id]).df()


def public_service_options(store: Store) -> list[tuple[int, str]]:
    """(service_id, name) of the active, in-scope services the public form offers, by name."""
    with store.reading() as db:
        return db.execute("SELECT service_id, name FROM services WHERE active AND in_scope ORDER BY name").fetchall()


_SOURCE_CHOICES = {
    "touchpoint": """
        SELECT t.touchpoint_id AS id, strftime(t.occurred_at, '%Y-%m-%d') || ' · ' || c.name || ' · ' || left(t.note, 60)
        FROM touchpoints t JOIN customers c USING (customer_id)
        WHERE t.kind = 'feedback' AND t.touchpoint_id NOT IN
            (SELECT source_id FROM feedback_items WHERE source = 'touchpoint' AND source_id IS NOT NULL)
        ORDER BY t.occurred_at DESC LIMIT ?""",
    "request": """
        SELECT r.request_id AS id, '#' || r.request_id || ' · ' || c.name || ' · ' || coalesce(left(r.subject, 60), '')
        FROM requests r JOIN customers c USING (customer_id)
        ORDER BY r.received_at DESC LIMIT ?""",
    "survey": """
        SELECT r.response_id AS id, strftime(r.submitted_at, '%Y-%m-%d') || ' · ' || coalesce(c.name, 'Anonymous')
               || ' · ' || left(r.comment, 60)
        FROM survey_responses r LEFT JOIN customers c USING (customer_id)
        WHERE coalesce(trim(r.comment), '') <> '' AND r.response_id NOT IN
            (SELECT source_id FROM feedback_items WHERE source = 'survey' AND source_id IS NOT NULL)
        ORDER BY r.submitted_at DESC LIMIT ?""",
}


def source_choices(store: Store, source: str, limit: int = 100) -> dict[int, str]:
    """The latest records an item may come from, by id with a label: feedback touchpoints and survey comments not
    yet recorded as items, and requests. Empty for a staff entry."""
    if source not in _SOURCE_CHOICES:
        return {}
    with store.reading() as db:
        return dict(db.execute(_SOURCE_CHOICES[source], [limit]).fetchall())
