"""A customer's personal data: everything InfoDash holds about one person, in one zip (the right of access).

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
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.spreadsheets import csv_bytes

# One query per file, each bound to the customer; the order is the zip's.
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
}
_RECORD = ("SELECT c.*, g.name AS customer_group FROM customers c LEFT JOIN customer_groups g USING (group_id) "
           "WHERE c.customer_id = $customer")


def export_customer(store: Store, customer_id: int, actor: str, now: dt.datetime | None = None) -> bytes:
    """The zip of everything held about the customer. Raises ValidationError for an unknown customer."""
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    with store.writing() as db:  # one snapshot for every file, and the audit row with it
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
