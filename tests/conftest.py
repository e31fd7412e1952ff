"""Shared fixtures: fresh databases, a hand-made fixture whose figures are computed on paper,
and one small demo database built once per test run and copied for each test that needs it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from infodash.db import Store
from infodash.demo import build_demo
from infodash.settings import mark_as_own_data

LONDON = ZoneInfo("Europe/London")
DEMO_END = dt.date(2026, 11, 23)  # a Monday: the last complete week is 16-22 Nov 2026


def at(text: str) -> dt.datetime:
    """A London wall-clock time, e.g. at('2026-11-16 09:00')."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty database at the current schema."""
    fresh = Store(tmp_path / "empty.duckdb", busy_timeout_s=2)
    fresh.schema_version()
    return fresh


@pytest.fixture
def fixture_store(store: Store) -> Store:
    """Five customers, eight requests and five touchpoints around week 47 of 2026 (16-22 Nov).

    Expected figures for tests are worked out by hand in test_review_figures.py.
    """
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES ('time_zone', 'Europe/London')")
        db.executemany("INSERT INTO customer_groups VALUES (?, ?, NULL, ?)",
                       [(1, "Research", 1), (2, "Sales", 2), (3, "Operations", 3), (4, "Empty group", 4)])
        db.executemany(
            "INSERT INTO customers (customer_id, name, email, login, group_id, department, seniority, relationship, "
            "active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, "Alice Adams", "alice@example.org", "aadams", 1, "Lab", "middle", "customer", True),
             (2, "Bob Brown", "bob@example.org", "bbrown", 1, "Lab", "staff", "customer", True),
             (3, "Cara Clarke", "cara@example.org", "cclarke", 2, "Key accounts", "senior", "both", True),
             (4, "Dan Dubois", "dan@example.org", "ddubois", 2, "Key accounts", "staff", "customer", False),
             (5, "Eve Evans", "eve@example.org", "eevans", 3, "Plant North", "staff", "partner", True)])
        db.executemany("INSERT INTO services (service_id, name, in_scope, referral) VALUES (?, ?, ?, ?)",
                       [(1, "Desk research", True, None), (2, "Legal opinions", False, "Legal department")])
        requests = [
            # id, customer, service, received, status, closed
            (1, 1, 1, at("2026-11-16 09:00"), "resolved", at("2026-11-16 13:00")),
            (2, 2, 1, at("2026-11-13 16:00"), "resolved", at("2026-11-17 10:00")),
            (3, 3, 2, at("2026-11-18 10:00"), "declined", at("2026-11-18 11:00")),
            (4, 3, 1, at("2026-11-21 11:00"), "received", None),
            (5, 1, 1, at("2026-11-22 23:30"), "resolved", at("2026-11-23 09:30")),
            (6, 2, 1, at("2026-11-09 10:00"), "resolved", at("2026-11-09 12:00")),
            (7, 1, 1, at("2026-11-16 00:00"), "resolved", at("2026-11-16 02:00")),
            # across the end of British Summer Time (Sunday 25 Oct 2026, 02:00 BST -> 01:00 GMT)
            (8, 5, 1, at("2026-10-19 00:30"), "resolved", at("2026-10-25 23:30")),
        ]
        db.executemany(
            "INSERT INTO requests (request_id, customer_id, service_id, channel, received_at, status, closed_at, "
            "created_by) VALUES (?, ?, ?, 'email', ?, ?, ?, 'fixture')", requests)
        touchpoints = [
            # id, customer, service, channel, minutes, occurred, follow-up on, follow-up done
            (1, 1, 1, "email", 10, at("2026-11-17 10:00"), dt.date(2026, 11, 20), None),
            (2, 5, None, "phone", 20, at("2026-11-19 15:00"), dt.date(2026, 11, 23), None),
            (3, 2, 1, "face_to_face", 30, at("2026-11-11 14:00"), dt.date(2026, 11, 16), at("2026-11-16 10:00")),
            (4, 4, None, "chat", 5, at("2026-11-18 12:00"), None, None),
            (5, 1, 1, "email", 15, at("2026-10-25 01:30"), None, None),
        ]
        db.executemany(
            "INSERT INTO touchpoints (touchpoint_id, customer_id, service_id, channel, kind, minutes, read_level, "
            "occurred_at, follow_up_on, follow_up_done_at, created_by) "
            "VALUES (?, ?, ?, ?, 'request', ?, 2, ?, ?, ?, 'Ana Costa')", touchpoints)
        db.execute("SELECT setval('touchpoint_id_seq', 5)").fetchall()
        db.execute("SELECT setval('request_id_seq', 100)").fetchall()
        db.execute("SELECT setval('customer_id_seq', 100)").fetchall()
    return store


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, generated once per test run."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(Store(path), "small", seed=7, end_date=DEMO_END)
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Store:
    """A private copy of the small demo database."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return Store(path, busy_timeout_s=2)


@pytest.fixture(scope="module")
def module_demo_store(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A copy of the small demo database shared by one test module's tests (which must not change what
    the others read), for modules that build one costly result for all their tests."""
    path = tmp_path_factory.mktemp("module_demo") / "demo.duckdb"
    shutil.copy(demo_template, path)
    return Store(path, busy_timeout_s=2)


@pytest.fixture(scope="session")
def live_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database ending today, as the app builds it on first run (pages look at 'now')."""
    path = tmp_path_factory.mktemp("live") / "live.duckdb"
    build_demo(Store(path), "small", seed=7)
    return path


@pytest.fixture
def app_db(live_demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A private copy of today's demo database, set as the app's database."""
    path = tmp_path / "app.duckdb"
    shutil.copy(live_demo_template, path)
    monkeypatch.setenv("INFODASH_DB", str(path))
    return Store(path)


@pytest.fixture
def empty_app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """An empty database of one's own, as `python -m infodash init` leaves it (no demo), set as the app's database."""
    empty = Store(tmp_path / "empty.duckdb")
    mark_as_own_data(empty)
    monkeypatch.setenv("INFODASH_DB", str(empty.path))
    return empty


@pytest.fixture
def quiet_app_db(empty_app_db: Store) -> Store:
    """A database of one's own with an organisation (a group, a service, a customer) and no activity yet, set
    as the app's database: the review pages show their empty states."""
    with empty_app_db.writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (1, 'Research', NULL, 1)")
        db.execute("INSERT INTO services (service_id, name) VALUES (1, 'Desk research')")
        db.execute("INSERT INTO customers (name, email, group_id, department, seniority, relationship) "
                   "VALUES ('Alice Adams', 'alice@example.org', 1, 'Lab', 'staff', 'customer')")
    return empty_app_db


@pytest.fixture
def sla_store(fixture_store):
    """The fixture organisation with the office calendar, the standard policy (changed on 18 Nov from
    the cut-off rule to a 4-hour target), an urgent policy, and the requests written out below."""
    with fixture_store.writing() as db:
        db.execute("INSERT INTO calendars VALUES (1, 'Office', 'Europe/London', 'GB', 'ENG')")
        db.executemany("INSERT INTO calendar_hours VALUES (1, ?, ?, ?)",
                       [(day, opens, closes) for day in range(5)
                        for opens, closes in ((dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 30)))])
        db.execute("INSERT INTO calendar_closures VALUES (1, DATE '2026-12-29', 'Year-end closure')")
        db.executemany("INSERT INTO sla_policies VALUES (?, ?, NULL)", [(1, "Standard"), (2, "Urgent")])
        db.executemany(
            "INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, service_id, priority, "
            "first_response_seconds, resolution_seconds, cutoff_time, next_day_deadline, primary_target_share, "
            "hard_limit_seconds) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, dt.date(2026, 1, 1), None, None, 7200, None, dt.time(14), dt.time(11), 0.95, 81000),
             (1, dt.date(2026, 11, 18), None, None, 7200, 4 * 3600, None, None, 0.95, 81000),
             (2, dt.date(2026, 1, 1), None, "urgent", 1800, 7200, None, None, None, None)])
        db.execute("DELETE FROM requests")
        requests = [
            # id, service, priority, received, first response, status, closed
            (11, 1, "normal", at("2026-11-16 10:00"), at("2026-11-16 10:30"), "resolved", at("2026-11-16 16:00")),
            (12, 1, "normal", at("2026-11-16 15:00"), None, "resolved", at("2026-11-17 12:00")),
            (13, 1, "normal", at("2026-11-21 10:00"), at("2026-11-23 09:10"), "resolved", at("2026-11-23 17:45")),
            (14, 1, "urgent", at("2026-11-16 10:00"), at("2026-11-16 10:10"), "resolved", at("2026-11-16 13:00")),
            (15, 1, "normal", at("2026-11-19 09:00"), at("2026-11-19 09:30"), "resolved", at("2026-11-19 12:00")),
            (16, 1, "normal", at("2026-11-20 10:00"), at("2026-11-20 10:05"), "waiting_customer", None),
            (17, 1, "normal", at("2026-11-23 09:00"), None, "received", None),
            (18, 1, "normal", at("2026-11-23 10:00"), None, "received", None),
            (19, 2, "normal", at("2026-11-18 10:00"), None, "declined", at("2026-11-18 10:30")),
        ]
        db.executemany(
            "INSERT INTO requests (request_id, customer_id, service_id, channel, priority, received_at, "
            "first_response_at, status, closed_at, created_by) VALUES (?, 1, ?, 'email', ?, ?, ?, ?, ?, 'fixture')",
            requests)
        db.executemany("INSERT INTO request_status_history (request_id, status, changed_at, changed_by) "
                       "VALUES (?, ?, ?, 'fixture')",
                       [(12, "waiting_customer", at("2026-11-17 09:00")), (12, "responded", at("2026-11-17 10:00")),
                        (16, "waiting_customer", at("2026-11-20 11:00"))])
    return fixture_store
