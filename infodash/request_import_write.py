"""Writing a checked desk export: the services and customers it brings (when the import may create them), its
new requests with their status history, and what changed since for the requests imported before (a grown
export: new status changes appended, requests resolved since closed). All in one transaction; a dry run
reads the same comparison and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from infodash import audit
from infodash.importers import ImportReport, customers_matching

# Customers a desk export brings that the directory does not list wait here until moved to their group.
HOLDING_GROUP = "Not in the directory"
SOURCE = "request import"

_CREATE_SERVICES = """
INSERT INTO services (service_id, name, description)
SELECT (SELECT coalesce(max(service_id), 0) FROM services) + row_number() OVER (ORDER BY name), name,
       'Created by a request import: describe it on the Organisation page'
FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS name)
"""
_HOLDING_GROUP = """
INSERT INTO customer_groups (group_id, name, description, sort_order)
SELECT (SELECT coalesce(max(group_id), 0) + 1 FROM customer_groups), $name,
       'Customers a request import brought in: move them to their group, or import the directory',
       (SELECT coalesce(max(sort_order), 0) + 1 FROM customer_groups)
WHERE NOT EXISTS (SELECT 1 FROM customer_groups WHERE lower(name) = lower($name))
"""
_CREATE_CUSTOMERS = """
INSERT INTO customers (name, email, login, group_id, department, seniority, relationship, source)
SELECT name, CASE WHEN $key = 'email' THEN name END, CASE WHEN $key = 'login' THEN name END, $group,
       '(imported)', 'staff', 'customer', $source
FROM (SELECT unnest(CAST($names AS VARCHAR[])) AS name)
"""
_INSERT_REQUESTS = """
INSERT INTO requests (external_ref, customer_id, service_id, channel, priority, subject, assigned_to, received_at,
                      first_response_at, status, closed_at, vendor, decline_reason, referred_to, created_by)
SELECT external_ref, customer_id, service_id, channel, priority, subject, assigned_to, received_at,
       first_response_at, status, closed_at, vendor, decline_reason, referred_to, $author
FROM imported_request WHERE NOT known ORDER BY received_at
"""
# What the export says now about requests imported before, where it differs from what is stored.
_CHANGED_REQUESTS = """
SELECT r.request_id, i.status, i.closed_at, i.first_response_at, i.vendor, i.assigned_to, i.priority,
       r.closed_at IS NULL AND i.closed_at IS NOT NULL AS closed_since
FROM imported_request i JOIN requests r USING (external_ref)
WHERE i.known AND (r.status IS DISTINCT FROM i.status OR r.closed_at IS DISTINCT FROM i.closed_at
                   OR r.first_response_at IS DISTINCT FROM coalesce(i.first_response_at, r.first_response_at)
                   OR r.vendor IS DISTINCT FROM coalesce(i.vendor, r.vendor)
                   OR r.assigned_to IS DISTINCT FROM coalesce(i.assigned_to, r.assigned_to)
                   OR r.priority IS DISTINCT FROM i.priority)
"""
_UPDATE_REQUESTS = """
UPDATE requests SET status = c.status, closed_at = c.closed_at,
       first_response_at = coalesce(c.first_response_at, requests.first_response_at),
       vendor = coalesce(c.vendor, requests.vendor), assigned_to = coalesce(c.assigned_to, requests.assigned_to),
       priority = c.priority
FROM changed_request c WHERE requests.request_id = c.request_id
"""
# Status changes the export holds that are not stored yet: every change of a new request, and the changes of
# requests imported before that happened since (or were missing).
_NEW_CHANGES = """
SELECT r.request_id, h.status, h.changed_at, h.vendor, h.decline_reason, h.referred_to
FROM imported_history h JOIN requests r USING (external_ref)
WHERE NOT EXISTS (SELECT 1 FROM request_status_history x
                  WHERE x.request_id = r.request_id AND x.status = h.status AND x.changed_at = h.changed_at)
"""
_KEEP_CHANGED_REQUESTS = "CREATE OR REPLACE TEMP TABLE changed_request AS " + _CHANGED_REQUESTS
_KEEP_NEW_CHANGES = "CREATE OR REPLACE TEMP TABLE new_change AS " + _NEW_CHANGES
_INSERT_CHANGES = """
INSERT INTO request_status_history (request_id, status, changed_at, changed_by, vendor, reason, referral)
SELECT request_id, status, changed_at, $author, vendor, decline_reason, referred_to FROM new_change
"""


@dataclass(frozen=True)
class KnownChanges:
    """What a re-imported export changes about requests imported before."""

    requests: int  # requests whose stored state changes
    status_changes: int  # status changes to append to their history
    closed: int  # requests open on file that the export says were resolved or declined since


def compare_known(db: duckdb.DuckDBPyConnection, requests: pd.DataFrame, history: pd.DataFrame) -> KnownChanges:
    """Register the export's requests (``known`` marks those imported before) and history, and count what it
    changes about the known ones; leaves temporary tables changed_request and new_change for :func:`write`."""
    db.register("imported_request", requests)
    db.register("imported_history", history[history["external_ref"].isin(requests.loc[requests["known"],
                                                                                       "external_ref"])])
    db.execute(_KEEP_CHANGED_REQUESTS)
    db.execute(_KEEP_NEW_CHANGES)
    [(changed, closed)] = db.execute("SELECT count(*), count(*) FILTER (closed_since) FROM changed_request").fetchall()
    [(changes,)] = db.execute("SELECT count(*) FROM new_change").fetchall()
    return KnownChanges(changed, changes, closed)


def write(db: duckdb.DuckDBPyConnection, requests: pd.DataFrame, history: pd.DataFrame, create_services: list[str],
          customer_key: str, create_customers_in: int | None, author: str, report: ImportReport) -> None:
    """In ``db``'s transaction, after :func:`compare_known`: create the services and customers the export brings,
    add its new requests and their history, and apply its changes to the requests imported before."""
    if create_services:
        db.execute(_CREATE_SERVICES, [create_services])
        services = dict(db.execute("SELECT lower(name), service_id FROM services").fetchall())
        requests = requests.assign(service_id=requests["service_id"].fillna(
            requests["service"].str.lower().map(services)))
    unknown = sorted(set(requests.loc[requests["customer_id"].isna() & ~requests["known"], "customer"]))
    if unknown:
        group = create_customers_in
        if group is None:
            db.execute(_HOLDING_GROUP, {"name": HOLDING_GROUP})
            [(group,)] = db.execute("SELECT group_id FROM customer_groups WHERE lower(name) = lower(?)",
                                    [HOLDING_GROUP]).fetchall()
        db.execute(_CREATE_CUSTOMERS, {"key": customer_key, "group": group, "names": unknown, "source": SOURCE})
        created = {value: customer_id for value, customer_id, _ in customers_matching(db, customer_key, unknown)}
        requests = requests.assign(customer_id=requests["customer_id"].fillna(requests["customer"].map(created)))
    new = requests[~requests["known"]]
    db.unregister("imported_request")
    db.register("imported_request", requests.assign(customer_id=requests["customer_id"].astype("Int64"),
                                                    service_id=requests["service_id"].astype("Int64")))
    db.execute(_INSERT_REQUESTS, {"author": author})
    db.execute(_UPDATE_REQUESTS)
    db.unregister("imported_history")
    db.register("imported_history", history)
    db.execute(_KEEP_NEW_CHANGES)  # again: the new requests' changes too, now that they are stored
    db.execute(_INSERT_CHANGES, {"author": author})
    audit.record(db, author, "import", "requests", None,
                 {"rows": report.rows_read, "added": len(new), "updated": report.updated,
                  "already_imported": report.already_imported, "services_created": create_services,
                  "customers_created": len(unknown)})
