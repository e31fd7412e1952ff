"""A customer's personal data exported in one zip: every kind of data about them, nothing about anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from infodash.errors import ValidationError
from infodash.personal_data import export_customer


def test_the_export_holds_the_record_and_every_row_about_the_customer_and_is_audited(fixture_store):
    with fixture_store.reading() as db:
        customer_id, name = db.execute("SELECT customer_id, name FROM customers ORDER BY customer_id LIMIT 1").fetchone()
        expected = dict(db.execute("""
            SELECT 'requests', count(*) FROM requests WHERE customer_id = $c
            UNION ALL SELECT 'touchpoints', count(*) FROM touchpoints WHERE customer_id = $c""",
                                   {"c": customer_id}).fetchall())
    archive = zipfile.ZipFile(io.BytesIO(export_customer(fixture_store, customer_id, "Ana Costa")))
    assert set(archive.namelist()) == {"README.txt", "record.json", "requests.csv", "request_status_history.csv",
                                       "touchpoints.csv", "survey_responses.csv", "survey_answers.csv",
                                       "usage_events.csv", "findings.csv"}
    record = json.loads(archive.read("record.json"))
    assert (record["customer_id"], record["name"]) == (customer_id, name)
    requests = pd.read_csv(io.BytesIO(archive.read("requests.csv")))
    assert len(requests) == expected["requests"] > 0 and set(requests["customer_id"]) == {customer_id}
    assert len(pd.read_csv(io.BytesIO(archive.read("touchpoints.csv")))) == expected["touchpoints"]
    assert f"requests.csv: {expected['requests']} rows" in archive.read("README.txt").decode()
    with fixture_store.reading() as db:
        [(actor, action, details)] = db.execute("SELECT actor, action, details FROM audit_log "
                                                "WHERE entity = 'customers' AND action = 'export'").fetchall()
    assert (actor, action) == ("Ana Costa", "export")
    assert json.loads(details)["rows"]["requests"] == expected["requests"]
    assert name not in details  # the audit says how much was exported, not what


def test_an_unknown_customer_is_refused(fixture_store):
    with pytest.raises(ValidationError) as raised:
        export_customer(fixture_store, 999_999, "Ana Costa")
    assert raised.value.errors == {"customer_id": "There is no customer 999999."}
