"""References the database enforces: a request's service and a customer's group must exist. What DuckDB's
foreign keys would otherwise forbid (renaming a group or a service, moving a customer to another group)
still works, and a database whose imports once left dangling rows is mended on upgrade."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from infodash import migrations
from infodash.db import Store
from infodash.demo import build_demo
from infodash.errors import ValidationError
from infodash.request_import import RequestImportOptions, import_requests
from tests.people import lead

BEFORE_REFERENCES = 10  # the last schema version without them


def test_a_request_for_an_unknown_service_and_a_customer_in_an_unknown_group_are_refused(fixture_store):
    with pytest.raises(duckdb.ConstraintException, match="service_id: 999"):
        with fixture_store.writing() as db:
            db.execute("INSERT INTO requests (customer_id, service_id, channel, received_at, created_by) "
                       "VALUES (1, 999, 'email', now(), 'hand')")
    with pytest.raises(duckdb.ConstraintException, match="group_id: 999"):
        with fixture_store.writing() as db:
            db.execute("INSERT INTO customers (name, group_id, department, seniority, relationship) "
                       "VALUES ('Nobody', 999, 'Lab', 'staff', 'customer')")


def test_groups_and_services_can_be_renamed_and_customers_moved_while_referenced(fixture_store):
    with fixture_store.writing() as db:
        db.execute("UPDATE customer_groups SET name = 'Research & development', sort_order = 9 WHERE group_id = 1")
        db.execute("UPDATE services SET name = 'Desk research & literature', active = false WHERE service_id = 1")
        db.execute("UPDATE customers SET group_id = 2, active = false WHERE customer_id = 1")
        db.execute("UPDATE requests SET service_id = 2, status = 'resolved' WHERE request_id = 4")
    with fixture_store.reading() as db:
        assert db.execute("SELECT group_id FROM customers WHERE customer_id = 1").fetchone() == (2,)
        assert db.execute("SELECT name FROM services WHERE service_id = 1").fetchone() == (
            "Desk research & literature",)


def test_an_import_naming_an_unknown_service_or_group_is_refused_before_reading(fixture_store, tmp_path):
    options = RequestImportOptions(columns={"external_ref": "Ticket", "customer": "Email", "received_at": "Received"},
                                   service_id=999, create_customers_in_group=999)
    with pytest.raises(ValidationError) as refused:
        import_requests(fixture_store, tmp_path / "never-read.csv", options, lead("Desk import"))
    assert refused.value.errors == {
        "service_id": "Unknown service 999. Choose one of 1 (Desk research), 2 (Legal opinions).",
        "create_customers_in_group": "Unknown customer group 999. Choose one of 1 (Research), 2 (Sales), "
                                     "3 (Operations), 4 (Empty group)."}


def test_dangling_rows_of_an_older_database_get_a_service_and_a_group_to_be_named(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    with monkeypatch.context() as patch:
        patch.setattr("infodash.db.MIGRATIONS", migrations.MIGRATIONS[:BEFORE_REFERENCES])
        patch.setattr("infodash.db.latest_version", lambda: BEFORE_REFERENCES)
        with Store(path).writing() as db:  # what `import requests --service 9 --create-customers-in-group 8` left
            db.execute("INSERT INTO customers (customer_id, name, group_id, department, seniority, relationship) "
                       "VALUES (1, 'Caller 2403', 8, '(imported)', 'staff', 'customer')")
            db.execute("INSERT INTO requests (request_id, external_ref, customer_id, service_id, channel, "
                       "received_at, created_by) VALUES (1, 'INC1', 1, 9, 'phone', now(), 'import job')")
    upgraded = Store(path)
    with upgraded.reading() as db:
        assert db.execute("SELECT service_id, name FROM services").fetchall() == [
            (9, "Service 9 (found on upgrade: give it its name)")]
        assert db.execute("SELECT group_id, name FROM customer_groups").fetchall() == [
            (8, "Customer group 8 (found on upgrade: give it its name)")]
        assert db.execute("SELECT external_ref, customer_id, service_id FROM requests").fetchall() == [("INC1", 1, 9)]


def test_demo_data_can_replace_a_database_whose_rows_reference_each_other(tmp_path: Path):
    store = Store(tmp_path / "demo.duckdb")
    build_demo(store, "small", seed=7)
    summary = build_demo(store, "small", seed=8, replace=True)
    assert summary.counts["customers"] == 1500 and summary.counts["services"] == 10
