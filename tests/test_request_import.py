"""Importing requests: a real ServiceNow event log, a one-row-per-request file, and malformed files."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infodash.db import Store
from infodash.errors import ValidationError
from infodash.importers import ImportFileError, load_mapping, save_mapping
from infodash.request_import import SERVICENOW, RequestImportOptions, import_requests
from infodash.sla import evaluate_requests, unjudgeable_requests
from tests.conftest import LONDON
from tests.messy_files import (BOUNDED, ENCODINGS, TIMES, cell, csv_text, encoded, every_page_opens,
                               fingerprint, spoiled)
from tests.people import lead

FIXTURES = Path(__file__).parent / "fixtures"
PER_REQUEST = RequestImportOptions(
    columns={"external_ref": "Ticket", "customer": "Email", "service": "Service", "received_at": "Received",
             "resolved_at": "Resolved", "status": "Status", "priority": "Priority", "channel": "Channel"},
    priority_map={"P1": "urgent", "P2": "high", "P3": "normal", "P4": "low"},
)
HEADER = "Ticket,Email,Service,Received,Resolved,Status,Priority,Channel\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    return path


def requests_with_refs(store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT external_ref, customer_id, service_id, status, priority, channel FROM requests "
                          "WHERE external_ref IS NOT NULL ORDER BY external_ref").fetchall()


def test_a_real_servicenow_event_log_imports_and_is_judged_under_the_users_policy(sla_store):
    with sla_store.writing() as db:  # the user defines a service and a policy for the desk's incidents
        db.execute("INSERT INTO services (service_id, name, in_scope) VALUES (3, 'IT incidents', true)")
        db.execute("INSERT INTO sla_policies VALUES (3, 'IT incidents: one business day', NULL)")
        db.execute("INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, service_id, "
                   "resolution_seconds) VALUES (3, DATE '2015-01-01', 1, 3, 27000)")
    options = dataclasses.replace(SERVICENOW, service_id=3, create_customers_in_group=3,
                                  columns={name: column for name, column in SERVICENOW.columns.items()
                                           if name != "service"})
    report = import_requests(sla_store, FIXTURES / "servicenow_events.csv", options, lead("Desk import"))
    assert report.ok and report.written
    assert (report.rows_read, report.added, report.already_imported) == (300, 49, 0)
    with sla_store.reading() as db:
        first = db.execute("SELECT received_at, first_response_at, closed_at, status, priority, channel, assigned_to "
                           "FROM requests WHERE external_ref = 'INC0000047'").fetchone()
        history = db.execute("SELECT h.status FROM request_status_history h JOIN requests r USING (request_id) "
                             "WHERE r.external_ref = 'INC0000047' ORDER BY h.changed_at").fetchall()
    # opened 29/2/2016 04:40, first update "Active" 05:30, "Awaiting User Info" 1/3 09:14, resolved 1/3 09:52
    assert first == (dt.datetime(2016, 2, 29, 4, 40, tzinfo=LONDON), dt.datetime(2016, 2, 29, 5, 30, tzinfo=LONDON),
                     dt.datetime(2016, 3, 1, 9, 52, tzinfo=LONDON), "resolved", "normal", "phone", "Group 70")
    assert [row[0] for row in history] == ["received", "responded", "waiting_customer", "resolved"]
    evaluate_requests(sla_store)
    with sla_store.reading() as db:
        judged = db.execute("SELECT count(*), count(DISTINCT x.policy_id) FROM sla_results x JOIN requests r "
                            "USING (request_id) WHERE r.external_ref LIKE 'INC%'").fetchone()
        paused = db.execute("SELECT x.paused_seconds FROM sla_results x JOIN requests r USING (request_id) "
                            "WHERE r.external_ref = 'INC0000047'").fetchone()[0]
    assert judged[0] == 49
    assert paused == 38 * 60  # waiting on the caller 09:14-09:52 on Tuesday 1 March 2016
    again = import_requests(sla_store, FIXTURES / "servicenow_events.csv", options, lead("Desk import"))
    assert (again.added, again.already_imported, again.written) == (0, 49, False)


def test_a_one_row_per_request_file(fixture_store, tmp_path):
    path = write(tmp_path, HEADER
                 + "T-1,alice@example.org,Desk research,2026-11-16 09:00,2026-11-16 15:00,Resolved,P2,Email\n"
                 + "T-2,cara@example.org,desk research,2026-11-17 10:00,,,P3,phone\n"
                 + "T-3,bob@example.org,Legal opinions,2026-11-17 11:00,2026-11-17 11:30,declined,P4,chat\n")
    report = import_requests(fixture_store, path, PER_REQUEST, lead("Desk import"))
    assert report.ok and report.added == 3
    assert requests_with_refs(fixture_store) == [("T-1", 1, 1, "resolved", "high", "email"),
                                                 ("T-2", 3, 1, "received", "normal", "phone"),
                                                 ("T-3", 2, 2, "declined", "low", "chat")]


def test_every_bad_row_is_reported_and_nothing_is_written(fixture_store, tmp_path):
    path = write(tmp_path, HEADER
                 + "T-1,alice@example.org,Desk research,2026-11-16 09:00,2026-11-16 15:00,Resolved,P2,Email\n"
                 + "T-2,nobody@example.org,Desk research,2026-11-17 10:00,,,P3,Email\n"
                 + "T-3,bob@example.org,Desk research,17th of November,,,P3,Email\n"
                 + "T-4,bob@example.org,Desk research,2026-11-17 12:00,2026-11-17 11:00,Resolved,P3,Email\n"
                 + "T-1,alice@example.org,Desk research,2026-11-16 09:00,2026-11-16 15:00,Resolved,P2,Email\n"
                 + "T-6,bob@example.org,Catering,2026-11-17 12:00,,,P9,Pigeon\n")
    report = import_requests(fixture_store, path, PER_REQUEST, lead("Desk import"))
    assert not report.written and requests_with_refs(fixture_store) == []
    assert [(error.line, error.column) for error in report.errors] == [
        (3, "Email"), (4, "Received"), (5, "Resolved"), (6, "external_ref"), (7, "Channel"), (7, "Priority"),
        (7, "Service")]
    reasons = {error.line: error.reason for error in report.errors}
    assert reasons[3] == "unknown customer 'nobody@example.org' (matched by email)"
    assert reasons[4].startswith("unparseable date '17th of November'")
    assert reasons[5] == "resolved before it was received"
    assert reasons[6] == "the same request as line 2"
    assert "unknown service 'Catering'" in report.error_table()["reason"].tolist()


def test_a_file_missing_a_mapped_column_is_refused_whole(fixture_store, tmp_path):
    path = write(tmp_path, "Ticket,Email,Received\nT-1,alice@example.org,2026-11-16 09:00\n")
    with pytest.raises(ImportFileError, match="no column Service \\(for service\\)"):
        import_requests(fixture_store, path, PER_REQUEST, lead("Desk import"))


def test_a_file_in_the_wrong_encoding_says_so_and_imports_once_named(fixture_store, tmp_path):
    path = write(tmp_path, HEADER + "T-1,alice@example.org,Desk research,2026-11-16 09:00,,,P3,Email\n"
                 .replace("Desk research", "Desk research") + "T-2,bob@example.org,Desk research,2026-11-16 10:00,"
                 ",,P3,Email\n", encoding="cp1252")
    path.write_bytes(path.read_bytes().replace(b"T-2", b"T-\xe92"))  # an "é" as Excel on Windows writes it
    with pytest.raises(ImportFileError, match="not utf-8 text.*cp1252"):
        import_requests(fixture_store, path, PER_REQUEST, lead("Desk import"))
    report = import_requests(fixture_store, path, dataclasses.replace(PER_REQUEST, encoding="cp1252"), lead("Desk import"))
    assert report.added == 2 and "T-é2" in [row[0] for row in requests_with_refs(fixture_store)]


def test_an_excel_export_imports_like_a_csv(fixture_store, tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Ticket": ["X-1"], "Email": ["eve@example.org"], "Service": ["Desk research"],
                  "Received": ["2026-11-18 09:30"], "Resolved": [None], "Status": ["Waiting customer"],
                  "Priority": ["P1"], "Channel": ["chat"]}).to_excel(path, index=False)
    report = import_requests(fixture_store, path, PER_REQUEST, lead("Desk import"))
    assert report.ok, report.errors
    assert requests_with_refs(fixture_store) == [("X-1", 5, 1, "waiting_customer", "urgent", "chat")]


def test_an_unknown_state_in_an_event_log_asks_to_be_mapped(fixture_store, tmp_path):
    path = write(tmp_path, "number,caller,opened,state,updated\n"
                 "INC1,Alice Adams,2026-11-16 09:00,New,2026-11-16 09:00\n"
                 "INC1,Alice Adams,2026-11-16 09:00,Parked,2026-11-16 10:00\n")
    options = RequestImportOptions(shape="event_log", service_id=1, customer_key="name",
                                   columns={"external_ref": "number", "customer": "caller", "received_at": "opened",
                                            "state": "state", "changed_at": "updated"},
                                   state_map={"New": "received"})
    report = import_requests(fixture_store, path, options, lead("Desk import"))
    assert [(error.line, error.reason) for error in report.errors] == [
        (3, "unknown state 'Parked': map it to an InfoDash status")]


def test_a_mapping_is_saved_for_the_next_file(fixture_store):
    save_mapping(fixture_store, "requests", "our desk", PER_REQUEST.to_dict(), lead("Ana Costa"))
    assert RequestImportOptions.from_dict(load_mapping(fixture_store, "requests", "our desk")) == PER_REQUEST
    assert load_mapping(fixture_store, "requests", "someone else's") is None


def test_excel_date_cells_and_iso_offsets_across_a_clock_change_are_read(fixture_store, tmp_path):
    path = tmp_path / "desk.xlsx"
    pd.DataFrame({"Ticket": ["X-1", "X-2"], "Email": ["eve@example.org", "bob@example.org"],
                  "Service": ["Desk research"] * 2,
                  "Received": [dt.datetime(2026, 10, 20, 10, 30), "24/10/2026 09:15"],  # a real date cell, and text
                  "Resolved": [None, None], "Status": [None, None], "Priority": [None, None],
                  "Channel": [None, None]}).to_excel(path, index=False)
    report = import_requests(fixture_store, path, dataclasses.replace(PER_REQUEST, date_format="%d/%m/%Y %H:%M"),
                             lead("Desk import"))
    assert report.ok, report.errors
    offsets = write(tmp_path, HEADER + "T-1,eve@example.org,Desk research,2026-10-24T09:00+01:00,,,P3,Email\n"
                    "T-2,bob@example.org,Desk research,2026-10-26T09:00+00:00,,,P3,Email\n")
    assert import_requests(fixture_store, offsets, PER_REQUEST, lead("Desk import")).ok
    with fixture_store.reading() as db:
        received = dict(db.execute("SELECT external_ref, received_at FROM requests").fetchall())
    assert received["X-1"] == dt.datetime(2026, 10, 20, 10, 30, tzinfo=LONDON)
    assert received["X-2"] == dt.datetime(2026, 10, 24, 9, 15, tzinfo=LONDON)
    assert received["T-1"] == dt.datetime(2026, 10, 24, 8, 0, tzinfo=dt.UTC)
    assert received["T-2"] == dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)


def test_more_rows_that_cannot_be_trusted(fixture_store, tmp_path):
    with fixture_store.writing() as db:  # a second Alice Adams joins
        db.execute("INSERT INTO customers (name, email, group_id, department, seniority, relationship) "
                   "VALUES ('Alice Adams', 'alice2@example.org', 2, 'Sales', 'staff', 'customer')")
    by_name = dataclasses.replace(PER_REQUEST, customer_key="name", state_map={"Awaiting Info": "waiting_customer"})
    path = write(tmp_path, HEADER
                 + "T-1,Alice Adams,Desk research,2026-11-16 09:00,,,P3,Email\n"
                 + "T-2,Bob Brown,Desk research,2026-11-16 09:00,,Resolved,P3,Email\n"
                 + "T-3,Bob Brown,Desk research,2099-01-01 09:00,,,P3,Email\n"
                 + "T-4,Bob Brown,Desk research,2026-11-16 09:00,,Awaiting Info,P3,Email\n")
    report = import_requests(fixture_store, path, by_name, lead("Desk import"))
    reasons = {error.line: error.reason for error in report.errors}
    assert reasons == {2: "2 customers have the name 'Alice Adams'; match by e-mail or id",
                       3: "resolved without the time it was closed",
                       4: "the date '2099-01-01 09:00' is more than a day in the future"}


def test_times_no_desk_can_hold_are_row_errors_and_nothing_is_written(fixture_store, tmp_path):
    in_an_hour = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M+00:00")
    rows = ["T-1,alice@example.org,Desk research,-1,,,P3,Email",
            "T-2,alice@example.org,Desk research,-2026,,,P3,Email",
            "T-3,alice@example.org,Desk research,1989-12-31 23:59,,,P3,Email",
            "T-4,alice@example.org,Desk research,2026-11-16 09:00,3026-11-16 09:00,Resolved,P3,Email",
            f"T-5,alice@example.org,Desk research,{in_an_hour},,,P3,Email",
            "T-6,alice@example.org,Desk research,1990-01-01 00:00+00:00,1990-01-01 09:00+00:00,Resolved,P3,Email"]
    report = import_requests(fixture_store, write(tmp_path, HEADER + "\n".join(rows) + "\n"), PER_REQUEST,
                             lead("Desk import"))
    assert [(error.line, error.column, error.reason) for error in report.errors] == [
        (2, "Received", "the date '-1' is before 1990: a placeholder or a typo"),
        (3, "Received", "the date '-2026' is before 1990: a placeholder or a typo"),
        (4, "Received", "the date '1989-12-31 23:59' is before 1990: a placeholder or a typo"),
        (5, "Resolved", "the date '3026-11-16 09:00' is more than a day in the future"),
        (6, "Received", "received in the future")]
    assert not report.written and requests_with_refs(fixture_store) == []


REQUEST_TABLES = ("requests", "request_status_history", "customers", "services", "customer_groups")


def test_any_messy_file_is_imported_whole_or_refused_cleanly_and_what_is_stored_stays_readable(sla_store, tmp_path,
                                                                                              monkeypatch):
    customer = st.sampled_from(["alice@example.org", "bob@example.org", "eve@example.org"])
    service = st.sampled_from(["Desk research", "desk research", "Legal opinions"])
    received = st.sampled_from(["2026-11-16 09:00", "2026-11-17 14:30", "2026-11-18 08:15"])
    outcome = st.sampled_from([("", ""), ("", "waiting_vendor"), ("2026-11-20 16:45", "Resolved"),
                               ("2026-11-19 10:00", "declined"), ("2026-11-19 10:00", "")])
    good_row = st.builds(lambda *cells: [cells[0], cells[1], cells[2], cells[3], *cells[4], cells[5], cells[6]],
                         st.integers(1, 999).map(lambda number: f"T-{number}"), customer, service, received, outcome,
                         st.sampled_from(["P1", "P3", "urgent"]), st.sampled_from(["Email", "phone"]))
    messy_row = st.builds(spoiled, good_row, st.sampled_from([3, 3, 3, 4, 0, 1, 2, 5, 6, 7]), cell([]), TIMES,
                          st.just((3, 4)))
    files = st.one_of(st.lists(good_row, min_size=1, max_size=4, unique_by=lambda row: row[0]),
                      st.lists(st.one_of(good_row, messy_row), min_size=1, max_size=6,
                               unique_by=lambda row: row[0]))
    options = st.builds(lambda encoding, create, date_format: dataclasses.replace(
        PER_REQUEST, encoding=encoding, create_customers_in_group=create, date_format=date_format),
        ENCODINGS, st.sampled_from([None, 2, 2, 2, 2, 2, 2, 999]),
        st.sampled_from([None, None, None, None, None, "%Y-%m-%d %H:%M", "%Q"]))

    @BOUNDED
    @given(rows=files, options=options, same_encoding=st.sampled_from([True, True, True, False]),
           other_encoding=ENCODINGS)
    def import_once(rows, options, same_encoding, other_encoding):
        path = tmp_path / "messy.csv"
        text = csv_text(HEADER.strip().split(","), rows)
        path.write_bytes(encoded(text, options.encoding if same_encoding else other_encoding))
        before = fingerprint(sla_store, REQUEST_TABLES)
        try:
            report = import_requests(sla_store, path, options, lead("Property Tester"))
        except (ValidationError, ImportFileError):
            report = None
        if report is None or not report.written:
            assert fingerprint(sla_store, REQUEST_TABLES) == before
        else:
            assert not report.errors
            evaluate_requests(sla_store, as_of=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC))
            assert unjudgeable_requests(sla_store) == []

    import_once()
    every_page_opens(sla_store.path, monkeypatch)


def servicenow_export(path: Path, until: dt.datetime | None = None, change=None) -> Path:
    """The fixture event log as the desk exported it on ``until`` (the updates made by then), with each row
    passed through ``change`` (a function of the row's dict) if given."""
    with (FIXTURES / "servicenow_events.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    kept = [change(dict(row)) if change else row for row in rows
            if until is None or dt.datetime.strptime(row["sys_updated_at"], "%d/%m/%Y %H:%M") <= until]
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    return path


def test_the_servicenow_preset_alone_loads_an_export_into_an_empty_database(store, tmp_path):
    report = import_requests(store, servicenow_export(tmp_path / "export.csv"), SERVICENOW, lead("Desk import"))
    assert report.ok and report.added == 49
    with store.reading() as db:
        services = db.execute("SELECT count(*), min(name) FROM services").fetchone()
        callers = db.execute("SELECT count(*), min(g.name), min(c.source) FROM customers c "
                             "JOIN customer_groups g USING (group_id)").fetchone()
        assert db.execute("SELECT count(*) FROM requests r LEFT JOIN services s USING (service_id) "
                          "WHERE s.service_id IS NULL").fetchone()[0] == 0
    # 14 distinct categories and 45 distinct callers in the fixture (counted with the csv module)
    assert services == (14, "Category 20")
    assert callers == (45, "Not in the directory", "request import")
    notes = "\n".join(report.notes)
    assert "created 14 services: Category 20," in notes and "created 45 customers from the caller_id column" in notes
    assert "'Awaiting User Info' as waiting customer" in notes and "'Closed' as resolved" in notes


def test_a_blank_or_unknown_caller_is_kept_under_unknown_caller_and_counted(store, tmp_path):
    def anonymous(row):
        if row["number"] == "INC0000047":
            row["caller_id"] = "?"
        return row
    report = import_requests(store, servicenow_export(tmp_path / "export.csv", change=anonymous), SERVICENOW, lead("Desk"))
    assert report.ok and "9 rows with no caller_id kept under the customer 'Unknown caller'" in report.notes
    with store.reading() as db:
        assert db.execute("SELECT r.external_ref FROM requests r JOIN customers c USING (customer_id) "
                          "WHERE c.name = 'Unknown caller'").fetchall() == [("INC0000047",)]


def test_the_same_desks_export_a_month_later_brings_requests_imported_before_up_to_date(store, tmp_path):
    early = import_requests(store, servicenow_export(tmp_path / "march-1.csv", dt.datetime(2016, 3, 1, 23, 59)),
                            SERVICENOW, lead("Desk import"))
    grown = import_requests(store, servicenow_export(tmp_path / "april.csv"), SERVICENOW, lead("Desk import"))
    # rebuilt by hand from the fixture with the csv module: by 1 March 2016 the export held all 49 incidents;
    # 24 of them were resolved later, through 32 more status changes
    assert (early.added, grown.added, grown.already_imported, grown.updated) == (49, 0, 49, 24)
    assert "brought 24 requests imported before up to date: 32 new status changes, 24 closed since" in grown.notes
    fresh = Store(tmp_path / "fresh.duckdb")  # the whole export at once, for comparison
    import_requests(fresh, servicenow_export(tmp_path / "april.csv"), SERVICENOW, lead("Desk import"))
    state = ("SELECT r.external_ref, r.status, r.received_at, r.first_response_at, r.closed_at, r.priority, "
             "r.assigned_to, list(h.status || ' ' || h.changed_at ORDER BY h.changed_at, h.status) "
             "FROM requests r JOIN request_status_history h USING (request_id) GROUP BY ALL ORDER BY 1")
    with store.reading() as db, fresh.reading() as other:
        assert db.execute(state).fetchall() == other.execute(state).fetchall()
    again = import_requests(store, servicenow_export(tmp_path / "april.csv"), SERVICENOW, lead("Desk import"))
    assert (again.added, again.updated, again.written) == (0, 0, False)


def test_an_export_without_the_category_column_puts_every_request_under_one_service(store, tmp_path):
    path = servicenow_export(tmp_path / "export.csv")
    frame = pd.read_csv(path, dtype=str).drop(columns=["category"])
    frame.to_csv(path, index=False)
    report = import_requests(store, path, SERVICENOW, lead("Desk import"))
    assert report.ok and "the file has no column 'category': every request is for the service 'Service desk'" \
        in report.notes
    with store.reading() as db:
        assert db.execute("SELECT s.name, count(*) FROM requests JOIN services s USING (service_id) "
                          "GROUP BY 1").fetchall() == [("Service desk", 49)]
