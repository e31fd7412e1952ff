"""Times no real entry can have ('-1' read as the year 2 BC, 1900, 2999): rows stored before imports refused
them are set aside whole when the database is upgraded, the service-level engine skips any it still meets,
and every page and command keeps working."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from infodash import migrations
from infodash.cli import main
from infodash.db import Store
from infodash.set_aside import set_aside_counts, set_aside_rows
from infodash.sla import evaluate_requests, unjudgeable_requests
from tests.apptest_helpers import PAGES

BEFORE_CHECKS = 9  # the last schema version whose imports took any time


def database_before_checks(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database at schema version 9 holding, beside good rows, what imports of that time let through."""
    with monkeypatch.context() as patch:
        older = migrations.MIGRATIONS[:BEFORE_CHECKS]
        patch.setattr("infodash.db.MIGRATIONS", older)
        patch.setattr("infodash.db.latest_version", lambda: BEFORE_CHECKS)
        with Store(path).writing() as db:
            db.execute("INSERT INTO settings VALUES ('time_zone', 'Europe/London')")
            db.execute("INSERT INTO customer_groups VALUES (1, 'Research', NULL, 1)")
            db.execute("INSERT INTO customers (customer_id, name, email, login, group_id, department, seniority, "
                       "relationship) VALUES (1, 'Alice Adams', 'alice@example.org', 'aadams', 1, 'Lab', 'staff', "
                       "'customer')")
            db.execute("INSERT INTO services (service_id, name) VALUES (1, 'Desk research')")
            db.execute("""
                INSERT INTO requests (request_id, external_ref, customer_id, service_id, channel, received_at,
                                      status, closed_at, created_by) VALUES
                (1, 'GOOD-1', 1, 1, 'email', TIMESTAMPTZ '2026-11-16 09:00:00+00', 'resolved',
                    TIMESTAMPTZ '2026-11-16 11:00:00+00', 'import'),
                (2, 'BC-1', 1, 1, 'email', TIMESTAMPTZ '-0001-01-01 00:01:15+00', 'received', NULL, 'import'),
                (3, 'LATE-1', 1, 1, 'email', TIMESTAMPTZ '2026-11-16 09:00:00+00', 'resolved',
                    TIMESTAMPTZ '2999-01-01 00:00:00+00', 'import')""")
            db.execute("INSERT INTO request_status_history (request_id, status, changed_at, changed_by) "
                       "SELECT request_id, 'received', received_at, 'import' FROM requests")
            db.execute("INSERT INTO touchpoints (touchpoint_id, customer_id, channel, kind, minutes, read_level, "
                       "occurred_at, created_by) VALUES (1, 1, 'email', 'request', 5, 2, "
                       "TIMESTAMPTZ '1900-01-01 00:00:00+00', 'import')")
            db.execute("INSERT INTO systems VALUES (1, 'Intranet', 'intranet')")
            db.execute("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) VALUES "
                       "(TIMESTAMPTZ '2026-11-16 09:00:00+00', 1, 'aadams', 1, 'view'), "
                       "(TIMESTAMPTZ '-2026-01-01 00:00:00+00', 1, 'aadams', 1, 'view')")
    return path


@pytest.fixture
def upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The database above, opened (and so upgraded) by this InfoDash."""
    return Store(database_before_checks(tmp_path / "old.duckdb", monkeypatch))


def test_an_upgrade_sets_rows_with_impossible_times_aside_whole_and_keeps_the_rest(upgraded):
    with upgraded.reading() as db:
        assert db.execute("SELECT external_ref FROM requests").fetchall() == [("GOOD-1",)]
        assert db.execute("SELECT request_id FROM request_status_history").fetchall() == [(1,)]
        assert db.execute("SELECT count(*) FROM touchpoints").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM usage_events").fetchone()[0] == 1
    assert set_aside_counts(upgraded) == {"requests": 2, "touchpoints": 1, "usage_events": 1}
    requests = set_aside_rows(upgraded, "requests")
    assert sorted(requests["reference"]) == ["BC-1", "LATE-1"]
    kept = {row.reference: json.loads(row.content) for row in requests.itertuples()}
    assert kept["BC-1"]["received_at"] == "0002-01-01 (BC) 00:01:15+00"
    assert kept["LATE-1"]["closed_at"] == "2999-01-01 00:00:00+00"
    assert len(set_aside_rows(upgraded, "request_status_history")) == 2  # their history went with them


def test_after_the_upgrade_requests_are_judged_and_the_commands_say_what_was_set_aside(upgraded, capsys):
    with upgraded.writing() as db:  # a calendar and a policy, so that there is something to judge
        db.execute("INSERT INTO calendars VALUES (1, 'Office', 'Europe/London', 'GB', 'ENG')")
        db.executemany("INSERT INTO calendar_hours VALUES (1, ?, '09:00', '17:00')", [(day,) for day in range(5)])
        db.execute("INSERT INTO sla_policies VALUES (1, 'Standard', NULL)")
        db.execute("INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, resolution_seconds) "
                   "VALUES (1, DATE '2026-01-01', 1, 14400)")
    assert main(["--db", str(upgraded.path), "init"]) == 0
    assert "2 requests set aside for a time before 1990" in capsys.readouterr().out
    assert main(["--db", str(upgraded.path), "sla"]) == 0
    with upgraded.reading() as db:
        assert db.execute("SELECT request_id, outcome FROM sla_results").fetchall() == [(1, "met")]


def test_the_engine_skips_and_names_a_request_with_an_impossible_time_written_since_by_hand(sla_store, capsys):
    before = evaluate_requests(sla_store, as_of=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC))
    with sla_store.writing() as db:
        db.execute("INSERT INTO requests (request_id, customer_id, service_id, channel, received_at, status, "
                   "created_by) VALUES (50, 1, 1, 'email', TIMESTAMPTZ '1900-01-01 09:00:00+00', 'received', 'hand')")
    after = evaluate_requests(sla_store, as_of=dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC))
    assert after.requests == before.requests  # judged as before, the newcomer left out
    assert unjudgeable_requests(sla_store) == [50]
    assert main(["--db", str(sla_store.path), "sla", "--force"]) == 0
    assert "1 request not judged: a time of theirs is before 1990 or more than a day ahead (request ids 50)" \
        in capsys.readouterr().out


@pytest.mark.parametrize("page", sorted(path.name for path in PAGES.glob("*.py")))
def test_every_page_opens_on_a_database_that_held_impossible_times(page, upgraded, monkeypatch):
    monkeypatch.setenv("INFODASH_DB", str(upgraded.path))
    app = AppTest.from_file(str(PAGES / page), default_timeout=60)
    app.session_state["staff_name"] = "Ana Costa"
    app.session_state["profile_customer"] = 1
    app.run()
    assert not app.exception, app.exception
    if page == "feedback_form.py":  # the public form tells customers nothing about the team's data
        return
    assert any("Set aside" in notice.value for notice in app.sidebar.warning)
    if page in ("import_requests.py", "import_surveys.py", "import_usage.py"):  # where they are listed, to be
        # corrected and imported again
        assert any(expander.label.startswith("Set aside for an impossible time: 2 requests, 1 touchpoint, 1 usage "
                                             "event") for expander in app.expander)
