"""A customer's personal data exported in one zip: every kind of data about them, nothing about anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from infodash.accounts import Account
from infodash.errors import ValidationError
from infodash.permissions import NotAllowed
from infodash.personal_data import erase_customer, export_customer

LEAD = Account(1, "ana.costa@example.org", "Ana Costa", "lead")
STAFF = Account(2, "ben.okafor@example.org", "Ben Okafor", "staff")


def test_the_export_holds_the_record_and_every_row_about_the_customer_and_is_audited(fixture_store):
    with fixture_store.reading() as db:
        customer_id, name = db.execute("SELECT customer_id, name FROM customers ORDER BY customer_id LIMIT 1").fetchone()
        expected = dict(db.execute("""
            SELECT 'requests', count(*) FROM requests WHERE customer_id = $c
            UNION ALL SELECT 'touchpoints', count(*) FROM touchpoints WHERE customer_id = $c""",
                                   {"c": customer_id}).fetchall())
    archive = zipfile.ZipFile(io.BytesIO(export_customer(fixture_store, customer_id, LEAD)))
    assert set(archive.namelist()) == {"README.txt", "record.json", "requests.csv", "request_status_history.csv",
                                       "touchpoints.csv", "survey_responses.csv", "survey_answers.csv",
                                       "usage_events.csv", "findings.csv", "feedback_items.csv"}
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
        export_customer(fixture_store, 999_999, LEAD)
    assert raised.value.errors == {"customer_id": "There is no customer 999999."}


def test_only_a_lead_may_export_or_erase_a_customer(fixture_store):
    for call in (export_customer, erase_customer):
        with pytest.raises(NotAllowed) as raised:
            call(fixture_store, 1, STAFF)
        assert "Only a lead may" in str(raised.value) and "Ben Okafor is signed in as staff" in str(raised.value)


def _totals(store):
    with store.reading() as db:
        return db.execute("""
            SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM requests),
                   (SELECT count(*) FROM touchpoints), (SELECT sum(minutes) FROM touchpoints),
                   (SELECT count(*) FROM usage_events), (SELECT count(*) FROM survey_responses)""").fetchone()


def test_erasing_removes_who_they_are_and_what_was_written_about_them_and_every_total_stays(fixture_store):
    with fixture_store.writing() as db:
        customer_id = db.execute("SELECT customer_id FROM touchpoints WHERE note IS NOT NULL "
                                 "ORDER BY customer_id LIMIT 1").fetchone()[0]
        name = db.execute("SELECT name FROM customers WHERE customer_id = ?", [customer_id]).fetchone()[0]
    before = _totals(fixture_store)
    erase_customer(fixture_store, customer_id, LEAD)
    assert _totals(fixture_store) == before
    with fixture_store.reading() as db:
        assert db.execute("SELECT name, email, login, external_id, active FROM customers WHERE customer_id = ?",
                          [customer_id]).fetchone() == (f"Erased customer {customer_id}", None, None, None, False)
        assert db.execute("SELECT count(*) FROM touchpoints WHERE customer_id = ? AND note <> ''",
                          [customer_id]).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM requests WHERE customer_id = ? AND subject IS NOT NULL",
                          [customer_id]).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM survey_responses WHERE customer_id = ?", [customer_id]).fetchone()[0] == 0
        [(actor, details)] = db.execute("SELECT actor, details FROM audit_log WHERE action = 'erase'").fetchall()
    assert actor == "Ana Costa" and name not in details  # audited without what was erased
    with pytest.raises(ValidationError) as raised:
        erase_customer(fixture_store, customer_id, LEAD)
    assert "erased already" in raised.value.errors["customer_id"]
