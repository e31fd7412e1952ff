"""A customer's personal data: everything InfoDash holds about one person, in one zip (the right of access),
and its erasure (the right to be forgotten).

The zip holds the customer's record as JSON and one CSV per kind of data: requests and their status
history, touchpoints, survey responses they signed (not anonymous ones) with their answers, usage
events and anomaly findings about them. The export itself is audited (who, when, how many rows of
each), never its content.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from infodash import audit
from infodash.accounts import Account
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import require
from infodash.spreadsheets import csv_bytes

# One query per file, each bound to the customer; the order is the zip's.
# Public-form messages sent with the customer's e-mail: linked to nobody (the address is not verified), but theirs.
_SENT_FROM_THEIR_EMAIL = ("(customer_id IS NULL AND contact_email = "
                          "(SELECT lower(trim(email)) FROM customers WHERE customer_id = $customer))")
_HELD: dict[str, str] = {
    "requests": "SELECT r.*, s.name AS service FROM requests r LEFT JOIN services s USING (service_id) "
                "WHERE r.customer_id = $customer ORDER BY r.received_at, r.request_id",
    "request_status_history": "SELECT h.* FROM request_status_history h JOIN requests r USING (request_id) "
                              "WHERE r.customer_id = $customer ORDER BY h.request_id, h.changed_at",
    "touchpoints": "SELECT * FROM touchpoints WHERE customer_id = $customer ORDER BY occurred_at, touchpoint_id",
    "survey_responses": "SELECT * FROM survey_responses WHERE customer_id = $customer ORDER BY response_id",
    "survey_answers": "SELECT a.* FROM survey_answers a JOIN survey_responses r USING (response_id) "
                      "WHERE r.customer_id = $customer ORDER BY a.response_id, a.item_id",
    "usage_events": "SELECT * FROM usage_events WHERE customer_id = $customer ORDER BY occurred_at",
    "findings": "SELECT * FROM anomalies WHERE customer_id = $customer ORDER BY window_start",
    "feedback_items": "SELECT * FROM feedback_items WHERE customer_id = $customer OR " + _SENT_FROM_THEIR_EMAIL
                      + " ORDER BY received_at, feedback_id",
}
_RECORD = ("SELECT c.*, g.name AS customer_group FROM customers c LEFT JOIN customer_groups g USING (group_id) "
           "WHERE c.customer_id = $customer")


def export_customer(store: Store, customer_id: int, account: Account, now: dt.datetime | None = None) -> bytes:
    """The zip of everything held about the customer, for a lead. Raises NotAllowed for anyone else and
    ValidationError for an unknown customer."""
    require(account, "lead", "export a customer's personal data")
    actor = account.name
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    with store.writing(bookkeeping=True) as db:  # one snapshot for every file, and the audit row with it
        record = db.execute(_RECORD, {"customer": customer_id}).df()
        if record.empty:
            raise ValidationError({"customer_id": f"There is no customer {customer_id}."})
        for name, query in _HELD.items():
            frame = db.execute(query, {"customer": customer_id}).df()
            files[f"{name}.csv"] = csv_bytes(frame)
            counts[name] = len(frame)
        audit.record(db, actor, "export", "customers", customer_id, {"rows": counts})
    made = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    person = json.loads(record.to_json(orient="records", date_format="iso"))[0]
    readme = (f"Everything InfoDash held about customer {customer_id} on {made}, exported by {actor}.\n\n"
              "record.json: the customer's record and group.\n"
              + "".join(f"{name}.csv: {count} rows\n" for name, count in counts.items())
              + "\nSurvey responses given anonymously are not linked to anyone and so are not included.\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("record.json", json.dumps(person, indent=2, ensure_ascii=False))
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# What erasing a customer clears: identity, free text about them, and the links that name them. Rows stay
# (anonymised), so every count, service level and score stays as it was.
_ERASE: tuple[str, ...] = (
    # first, while their e-mail is still on file to find what they sent by the public form: the item is still
    # counted (kind, service, times); what they wrote, the reply and their address go
    "UPDATE feedback_items SET description = 'Erased.', contact_email = NULL, "
    "response = CASE WHEN response IS NOT NULL THEN 'Erased.' END WHERE customer_id = $customer OR "
    + _SENT_FROM_THEIR_EMAIL,
    "UPDATE customers SET name = 'Erased customer ' || customer_id, email = NULL, login = NULL, external_id = NULL, "
    "active = false, source = 'erased' WHERE customer_id = $customer",
    "UPDATE request_status_history SET note = NULL WHERE request_id IN "
    "(SELECT request_id FROM requests WHERE customer_id = $customer)",
    "UPDATE requests SET subject = NULL, breach_note = NULL WHERE customer_id = $customer",
    "UPDATE touchpoints SET note = '' WHERE customer_id = $customer",  # a note is required: an empty one
    "UPDATE survey_responses SET comment = NULL, source_key = NULL, customer_id = NULL WHERE customer_id = $customer",
    "UPDATE usage_events SET login = 'erased-' || customer_id, query_text = NULL, user_agent = NULL "
    "WHERE customer_id = $customer",
    "UPDATE anomalies SET subject = 'erased customer ' || customer_id, explanation = 'About a customer whose "
    "personal data was erased.', review_note = NULL, evidence = '{}' WHERE customer_id = $customer",
    "DELETE FROM set_aside_rows WHERE TRY_CAST(content ->> 'customer_id' AS INTEGER) = $customer",
)


def erase_customer(store: Store, customer_id: int, account: Account) -> None:
    """Erase a customer's personal data, for a lead: their name, e-mail, login and directory id, every note and
    comment about them, their query texts; signed survey answers become anonymous. Their requests, touchpoints,
    answers and usage stay as anonymous rows, so aggregates and counts stay right. Audited without the
    erased content. Raises NotAllowed for anyone but a lead, ValidationError for an unknown or erased customer."""
    require(account, "lead", "erase a customer's personal data")
    with store.writing() as db:
        found = db.execute("SELECT source FROM customers WHERE customer_id = $customer",
                           {"customer": customer_id}).fetchone()
        if found is None:
            raise ValidationError({"customer_id": f"There is no customer {customer_id}."})
        if found[0] == "erased":
            raise ValidationError({"customer_id": f"Customer {customer_id}'s personal data was erased already."})
        for statement in _ERASE:
            db.execute(statement, {"customer": customer_id})
        audit.record(db, account.name, "erase", "customers", customer_id)
