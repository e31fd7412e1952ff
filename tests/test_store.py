"""The database file: migrations, refusing newer files, many threads and two processes at once."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from infodash import migrations
from infodash.db import SchemaTooNew, Store, StoreBusy, StoreError, configured_db_path
from infodash.migrations import Migration, latest_version
from infodash.touchpoints import TouchpointDraft, log_touchpoint
from tests.conftest import LONDON
from tests.people import staff
from tests.processes import REPO, holding_database, release



def test_new_file_is_created_at_the_latest_schema(tmp_path):
    store = Store(tmp_path / "new.duckdb")
    assert store.schema_version() == latest_version() >= 1
    with store.reading() as db:
        tables = {row[0] for row in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"customer_groups", "customers", "services", "calendars", "calendar_hours", "calendar_closures",
            "sla_policies", "sla_policy_versions", "requests", "request_status_history", "touchpoints", "surveys",
            "survey_items", "survey_waves", "survey_responses", "survey_answers", "usage_events", "anomalies",
            "planted_anomalies", "audit_log", "schema_version"} <= tables


def test_db_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INFODASH_DB", str(tmp_path / "x.duckdb"))
    assert configured_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("INFODASH_DB")
    assert configured_db_path() == Path("data/infodash.duckdb")


def test_older_file_is_upgraded_in_place_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    with Store(path).writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (1, 'Research', NULL, 1)")
    upgrade = Migration(latest_version() + 1, "add group colour",
                        "ALTER TABLE customer_groups ADD COLUMN colour VARCHAR DEFAULT '#1f4e79';")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, upgrade))
    monkeypatch.setattr("infodash.db.MIGRATIONS", (*migrations.MIGRATIONS,))
    monkeypatch.setattr("infodash.db.latest_version", lambda: upgrade.version)
    upgraded = Store(path)
    assert upgraded.schema_version() == upgrade.version
    with upgraded.reading() as db:
        assert db.execute("SELECT name, colour FROM customer_groups").fetchall() == [("Research", "#1f4e79")]


def test_a_file_from_a_newer_infodash_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "future.duckdb"
    Store(path).schema_version()
    connection = duckdb.connect(str(path))
    connection.execute("INSERT INTO schema_version VALUES (99, 'from the future', now())")
    connection.close()
    with pytest.raises(SchemaTooNew, match="schema version 99.*Upgrade InfoDash"):
        Store(path).schema_version()


def test_a_file_that_is_not_a_database_is_named_not_located_in_the_message(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(StoreError) as refused:
        Store(path).schema_version()
    assert str(refused.value).startswith("The database notes.duckdb cannot be opened:")
    assert str(tmp_path) not in str(refused.value)


def test_a_failed_write_leaves_nothing_behind(fixture_store):
    with pytest.raises(RuntimeError):
        with fixture_store.writing() as db:
            db.execute("DELETE FROM touchpoints")
            raise RuntimeError("interrupted")
    with fixture_store.reading() as db:
        assert db.execute("SELECT count(*) FROM touchpoints").fetchone()[0] == 5


def test_sixteen_threads_writing_at_once_lose_nothing(fixture_store):
    now = dt.datetime(2026, 11, 23, 12, tzinfo=LONDON)
    errors: list[BaseException] = []

    def log(worker: int) -> None:
        try:
            for n in range(5):
                draft = TouchpointDraft((1, 2, 3, 5)[worker % 4], "email", "proactive", n, 2, f"worker {worker} entry {n}",
                                        now - dt.timedelta(minutes=n))
                log_touchpoint(fixture_store, draft, staff(f"Worker {worker}"), LONDON, now=now)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=log, args=(worker,)) for worker in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with fixture_store.reading() as db:
        notes = {row[0] for row in db.execute("SELECT note FROM touchpoints WHERE note LIKE 'worker %'").fetchall()}
        audited = db.execute("SELECT count(*) FROM audit_log WHERE entity = 'touchpoints'").fetchone()[0]
    assert notes == {f"worker {w} entry {n}" for w in range(16) for n in range(5)}
    assert audited == 80


def test_sixteen_threads_opening_the_file_at_the_same_moment_all_read(tmp_path):
    errors: list[BaseException] = []
    for attempt in range(40):  # the race needs the file closed, so each round starts from a fresh Store
        store = Store(tmp_path / f"race{attempt}.duckdb")
        store.schema_version()
        counts: list[int] = []

        def read() -> None:
            try:
                with store.reading() as db:
                    counts.append(db.execute("SELECT count(*) FROM requests").fetchone()[0])
            except BaseException as error:  # collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=read) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and counts == [0] * 16


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infodash", "--db", str(path), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


TOUCHPOINT = ("touchpoint", "--customer", "3", "--channel", "phone", "--kind", "follow_up", "--minutes", "7",
              "--read", "2", "--note", "called back", "--author", "Night job")


def test_a_job_waits_for_the_app_to_release_the_file_then_writes(fixture_store):
    with holding_database(fixture_store.path) as holder:
        job = subprocess.Popen([sys.executable, "-m", "infodash", "--db", str(fixture_store.path), "--wait", "60",
                                *TOUCHPOINT], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):  # it cannot finish while the file is held, however fast
            job.wait(timeout=2)
        release(holder)
        _, stderr = job.communicate(timeout=60)
    assert job.returncode == 0, stderr
    with fixture_store.reading() as db:
        assert db.execute("SELECT count(*) FROM touchpoints WHERE note = 'called back'").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM audit_log WHERE actor = 'holder'").fetchone()[0] == 1


def test_when_waiting_fails_the_job_says_why_and_nothing_is_half_written(fixture_store):
    with holding_database(fixture_store.path):
        result = _cli(fixture_store.path, "--wait", "0.5", *TOUCHPOINT)  # held until the job has given up
    assert result.returncode == 75
    assert "The database empty.duckdb is in use by another InfoDash process (pid" in result.stderr
    assert str(fixture_store.path.parent) not in result.stderr  # the file's name, not where it lives
    assert "Nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    with fixture_store.reading() as db:
        assert db.execute("SELECT count(*) FROM touchpoints WHERE note = 'called back'").fetchone()[0] == 0
    assert _cli(fixture_store.path, *TOUCHPOINT).returncode == 0  # the same command succeeds once the file is free


def test_the_app_side_raises_store_busy_while_a_job_holds_the_file(fixture_store):
    impatient = Store(fixture_store.path, busy_timeout_s=0.3)
    with holding_database(fixture_store.path) as holder:
        with pytest.raises(StoreBusy) as raised:
            impatient.schema_version()
    assert raised.value.holder_pid == holder.pid
    assert impatient.schema_version() == latest_version()


def test_a_session_opens_the_file_once_and_only_when_something_is_read(fixture_store, monkeypatch):
    opened: list[int] = []
    real_connect = Store._connect

    def counting_connect(self):
        opened.append(1)
        return real_connect(self)

    monkeypatch.setattr(Store, "_connect", counting_connect)
    with fixture_store.session():
        pass
    assert opened == []
    with fixture_store.session():
        for _ in range(3):
            with fixture_store.reading() as db:
                assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 8
    assert opened == [1]


def audit_rows(store: Store) -> int:
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_a_bookkeeping_write_keeps_the_data_version_and_the_next_change_moves_it(fixture_store):
    version, rows = fixture_store.data_version(), audit_rows(fixture_store)
    log_version = fixture_store.data_version(with_bookkeeping=True)
    with fixture_store.writing(bookkeeping=True) as db:  # e.g. a table's CSV taken away
        db.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('Ana Costa', 'download', 'files')")
    assert audit_rows(fixture_store) == rows + 1  # written
    assert fixture_store.data_version() == version  # every cached figure stays good
    assert fixture_store.data_version(with_bookkeeping=True) != log_version  # the audit log's readers see it
    with fixture_store.writing() as db:  # a change a figure shows
        db.execute("UPDATE customers SET department = 'Legal' WHERE customer_id = 1")
    assert fixture_store.data_version() != version


def test_a_bookkeeping_write_in_a_pages_session_keeps_the_version_after_the_file_is_released(fixture_store):
    version = fixture_store.data_version()
    with fixture_store.session():
        with fixture_store.writing(bookkeeping=True) as db:
            db.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('Ana Costa', 'sign_in', 'accounts')")
        assert audit_rows(fixture_store) > 0
    assert fixture_store.data_version() == version


def test_another_writer_after_a_bookkeeping_write_moves_the_version(fixture_store):
    with fixture_store.writing(bookkeeping=True) as db:
        db.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('Ana Costa', 'download', 'files')")
    version = fixture_store.data_version()
    other = Store(fixture_store.path)  # as another process would, it changes the file, not this Store's counts
    with other.writing() as db:
        db.execute("UPDATE customers SET department = 'Legal' WHERE customer_id = 1")
    assert fixture_store.data_version() != version

