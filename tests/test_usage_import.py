"""Loading usage events: an intranet's access log, CSV and Parquet files, what is new since the last load,
bad rows, unknown systems, and the command line.

The fixture organisation's logins are aadams (customer 1), bbrown (2), cclarke (3), ddubois (4), eevans (5).
tests/fixtures/intranet_access.log has 20 lines (see tests/fixtures/README.md): line 7 is a server's junk line,
line 17 has a misspelt month, lines 2 and 15 fetch a style sheet and an image, line 10 failed (404): not use; the other
15 are events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infodash.cli import EXIT_BAD_INPUT, main
from infodash.detection import run_detection
from infodash.errors import ValidationError
from infodash.importers import ImportFileError
from infodash.periods import Period
from infodash.usage_import import RejectedRow, UsageLoadOptions, load_usage
from infodash.usage_reports import usage_overview
from tests.conftest import LONDON
from tests.messy_files import BOUNDED, ENCODINGS, TIMES, cell, csv_text, encoded, every_page_opens, fingerprint, spoiled
from tests.people import lead

FIXTURES = Path(__file__).parent / "fixtures"
INTRANET = UsageLoadOptions(system="Intranet")
INTRANET_SKIPPING = UsageLoadOptions(system="Intranet", skip_bad_rows=True)
HEADER = "timestamp,user,system,action,resource,query,duration_ms\n"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def usage_store(fixture_store):
    """The fixture organisation with two systems: 1 Data warehouse, 2 Intranet."""
    with fixture_store.writing() as db:
        db.execute("INSERT INTO systems VALUES (1, 'Data warehouse', 'data warehouse'), (2, 'Intranet', 'intranet')")
    return fixture_store


@pytest.fixture
def access_log(tmp_path: Path) -> Path:
    """A private copy of the fixture log, free to grow or be replaced."""
    path = tmp_path / "access.log"
    shutil.copy(FIXTURES / "intranet_access.log", path)
    return path


def stored(store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT occurred_at, system_id, login, customer_id, action, resource, query_text, "
                          "duration_ms, http_status, bytes FROM usage_events ORDER BY occurred_at, login").fetchall()


def ledger(store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT file_name, events, rejected, bytes_loaded FROM usage_loads "
                          "ORDER BY loaded_at").fetchall()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


# Lines 1-20 of the fixture log, as stored: times in UTC from each line's own offset.
LOG_EVENTS = [
    (utc("2026-10-24 08:15:02"), 2, "aadams", 1, "view", "/library", None, None, 200, 5120),  # line 1
    (utc("2026-10-24 09:02:40"), 2, "BBrown", 2, "search", "/search", "q=annual+report&page=1", None, 200, 7300),
    (utc("2026-10-24 09:03:10"), 2, "bbrown", 2, "download", "/library/reports/annual-2025.pdf", None, None, 200,
     1048576),
    (utc("2026-10-24 10:30:00"), 2, "10.1.0.9", None, "view", "/news", None, None, 200, 4100),  # no user: the client
    (utc("2026-10-24 10:31:00"), 2, "10.1.0.9", None, "view", "/news/item", "id=17", None, 200, 3900),
    (utc("2026-10-24 13:00:00"), 2, "cclarke", 3, "submit", "/library/ask", None, None, 302, 0),  # POST, bytes "-"
    (utc("2026-10-24 13:00:01"), 2, "cclarke", 3, "view", "/library/ask", None, None, 200, 2048),
    (utc("2026-10-25 00:30:00"), 2, "aadams", 1, "view", "/news", None, None, 200, 4100),  # 01:30 +0100 (BST)
    (utc("2026-10-25 01:10:00"), 2, "aadams", 1, "view", "/news", None, None, 200, 4100),  # 01:10 +0000 (GMT)
    (utc("2026-10-25 01:45:00"), 2, "aadams", 1, "view", "/library", None, None, 200, 0),  # HEAD
    (utc("2026-10-26 08:59:59"), 2, "eevans", 5, "view", "/it/howto", None, None, 200, 6000),
    (utc("2026-10-26 09:01:00"), 2, "eevans", 5, "download", "/it/howto/vpn.docx", None, None, 200, 40960),
    (utc("2026-10-26 10:20:00"), 2, "bbrown", 2, "search", "/search", "search=travel+policy", None, 200, 5000),
    (utc("2026-10-26 10:21:00"), 2, "bbrown", 2, "view", "/policies/travel", None, None, 304, 0),
    (utc("2026-10-26 12:00:00"), 2, "ddubois", 4, "view", "/library", "lang=en", None, 200, 5120),  # not a search
]


def test_an_access_log_with_a_bad_line_is_not_loaded_and_the_report_names_each_bad_line(usage_store, access_log):
    report = load_usage(usage_store, access_log, INTRANET, lead("Ana Costa"))
    assert stored(usage_store) == [] and ledger(usage_store) == []
    assert not report.ok and report.events_added == 0
    assert report.rejected_rows == [
        RejectedRow("access.log", 7, "line", "not in the common or combined log format: "
                                             "'10.1.0.66 - - [24/Oct/2026:12:00:00 +0100] \"-\" 408 -'"),
        RejectedRow("access.log", 17, "time", "unparseable time '26/Okt/2026:10:00:00 +0000'")]
    file = report.files[0]
    assert (file.format, file.lines, file.events, file.rejected, file.skipped, file.loaded) == (
        "access-log", 20, 15, 2, 3, False)
    assert file.skipped_reasons() == "2 static files, 1 failed requests"
    assert file.problem == ("access.log: 2 of 20 rows have problems, so nothing of the file was loaded; fix them, "
                            "or skip the bad rows to load the rest (over 1% of a log's lines unreadable: is it an "
                            "access log?)")


def test_skipping_bad_rows_loads_every_good_line_of_the_log_as_the_server_wrote_it(usage_store, access_log):
    report = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert report.ok and report.events_added == 15 and report.rejected == 2
    assert [(row.line, row.column) for row in report.rejected_rows] == [(7, "line"), (17, "time")]
    assert stored(usage_store) == LOG_EVENTS
    assert report.events_by_system == {"Intranet": 15}
    assert ledger(usage_store) == [("access.log", 15, 2, access_log.stat().st_size)]


def test_times_across_the_end_of_summer_time_keep_the_offset_each_line_gives(usage_store, access_log):
    load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    with usage_store.reading() as db:
        night = db.execute("SELECT occurred_at FROM usage_events WHERE occurred_at::DATE = DATE '2026-10-25' "
                           "ORDER BY occurred_at").fetchall()
    # the clocks went back at 02:00 BST: 01:30 BST is 00:30 UTC, and 01:10 GMT, forty minutes later, 01:10 UTC
    assert [row[0] for row in night] == [utc("2026-10-25 00:30"), utc("2026-10-25 01:10"), utc("2026-10-25 01:45")]


def test_logins_no_customer_has_are_kept_without_a_customer_and_reported(usage_store, access_log):
    report = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert report.unmapped_events == 2
    assert report.unmapped_logins == [("10.1.0.9", 2)]
    assert report.unmapped_table().to_dict("records") == [{"login": "10.1.0.9", "events": 2}]
    with usage_store.reading() as db:
        assert db.execute("SELECT login, count(*) FROM usage_events WHERE customer_id IS NULL GROUP BY 1 "
                          "ORDER BY 1").fetchall() == [("10.1.0.9", 2)]


def test_a_login_two_customers_share_maps_to_neither(usage_store, tmp_path):
    with usage_store.writing() as db:
        db.execute("INSERT INTO customers (name, login, group_id, department, seniority, relationship) "
                   "VALUES ('Eve Evans (second account)', 'EEvans', 3, 'Plant North', 'staff', 'customer')")
    path = write(tmp_path / "usage.csv", HEADER + "2026-11-16 09:00,eevans,Intranet,view,/news,,\n")
    report = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert report.unmapped_logins == [("eevans", 1)]


def test_loading_the_same_log_again_adds_nothing(usage_store, access_log):
    load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    again = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert (again.events_added, again.already_loaded, again.rejected, again.files[0].lines) == (0, 15, 0, 0)
    assert len(stored(usage_store)) == 15 and len(ledger(usage_store)) == 1


def test_a_log_that_has_grown_adds_only_its_new_lines_and_waits_for_an_unfinished_last_line(usage_store, access_log):
    load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    append(access_log, '10.1.0.5 - aadams [27/Oct/2026:09:00:00 +0000] "GET /news HTTP/1.1" 200 4100 "-" "-"\n'
                       '10.1.0.7 - bbrown [27/Oct/2026:09:05:00 +0000] "GET /library HTTP/1.1" 200 51')
    grown = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert (grown.events_added, grown.already_loaded, grown.files[0].lines) == (1, 15, 1)
    assert grown.notes == ["access.log: its last line is not finished yet; it will be loaded next time; access.log "
                           "has grown since it was loaded: reading it from line 21"]
    append(access_log, '20 "-" "-"\n')  # the server finishes the line
    finished = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert (finished.events_added, finished.already_loaded) == (1, 16)
    assert stored(usage_store)[-2:] == [
        (utc("2026-10-27 09:00"), 2, "aadams", 1, "view", "/news", None, None, 200, 4100),
        (utc("2026-10-27 09:05"), 2, "bbrown", 2, "view", "/library", None, None, 200, 5120)]
    assert ledger(usage_store) == [("access.log", 17, 2, access_log.stat().st_size)]
    assert load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa")).events_added == 0


def test_a_log_replaced_under_the_same_name_is_a_new_source(usage_store, access_log):
    load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    write(access_log, '10.1.0.5 - aadams [28/Oct/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 900 "-" "-"\n')
    report = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    assert (report.events_added, report.already_loaded) == (1, 0)
    assert [row[:2] for row in ledger(usage_store)] == [("access.log", 15), ("access.log", 1)]


def test_a_log_renamed_by_rotation_is_recognised_by_its_first_bytes(usage_store, access_log):
    load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"))
    rotated = access_log.rename(access_log.with_name("access.log.1"))
    report = load_usage(usage_store, rotated, INTRANET_SKIPPING, lead("Ana Costa"))
    assert (report.files[0].format, report.events_added, report.already_loaded) == ("access-log", 0, 15)


def test_a_csv_reads_wall_clock_times_in_the_organisations_zone_and_keeps_given_offsets(usage_store):
    report = load_usage(usage_store, FIXTURES / "usage_events.csv", UsageLoadOptions(), lead("Ana Costa"))
    assert report.ok and report.events_added == 5
    assert report.events_by_system == {"Data warehouse": 3, "Intranet": 2}
    assert report.unmapped_logins == [("svc_report_1", 1)]
    assert stored(usage_store) == [
        (utc("2026-07-01 09:00"), 2, "cclarke", 3, "view", "/news", None, None, None, None),  # 10:00 BST
        (utc("2026-11-16 09:00"), 1, "aadams", 1, "query", "company_financials",
         "SELECT revenue FROM company_financials WHERE company_id = 1042", 420, None, None),  # 09:00 GMT
        (utc("2026-11-16 09:00"), 1, "svc_report_1", None, "query", "sales_by_region",
         "SELECT * FROM sales_by_region WHERE quarter = 'Q3'", 15000, None, None),  # 10:00+01:00
        (utc("2026-11-16 09:03"), 1, "AADAMS", 1, "query", "company_financials",  # login and action in any case
         "SELECT revenue FROM company_financials WHERE company_id = 1043", 380, None, None),
        (utc("2026-11-17 08:30"), 2, "eevans", 5, "search", "/library", "annual report", None, None, None),
    ]


def test_every_bad_row_of_a_csv_is_reported_by_line_and_nothing_of_the_file_is_written(usage_store, tmp_path):
    path = write(tmp_path / "bad.csv", HEADER
                 + "2026-11-16 09:00:00,aadams,Data warehouse,query,company_financials,,420\n"
                 + "16th November,aadams,Data warehouse,query,company_financials,,\n"
                 + "2026-11-16 09:05:00,,Data warehouse,query,company_financials,,\n"
                 + "2026-11-16 09:06:00,bbrown,Data warehouse,execute,company_financials,,\n"
                 + "2026-11-16 09:07:00,bbrown,Data warehouse,query,company_financials,,fast\n"
                 + ",bbrown,Data warehouse,query,company_financials,,\n"
                 + "2026-11-16 09:08:00,bbrown,,query,company_financials,,\n")
    report = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert stored(usage_store) == [] and ledger(usage_store) == []
    assert report.rejected_table().values.tolist() == [
        ["bad.csv", 3, "timestamp",
         "unparseable time '16th November' (expected ISO 8601, e.g. 2026-11-16 09:00:00+00:00)"],
        ["bad.csv", 4, "user", "user is missing"],
        ["bad.csv", 5, "action", "unknown action 'execute' (expected one of view, search, query, download, login, "
                                 "logout, click, submit, upload, edit)"],
        ["bad.csv", 6, "duration_ms", "duration 'fast' is not a whole number of milliseconds"],
        ["bad.csv", 7, "timestamp", "timestamp is missing"],
        ["bad.csv", 8, "system", "system is missing"]]
    skipping = load_usage(usage_store, path, UsageLoadOptions(skip_bad_rows=True), lead("Ana Costa"))
    assert (skipping.events_added, skipping.rejected) == (1, 6)
    assert ledger(usage_store) == [("bad.csv", 1, 6, path.stat().st_size)]


def test_times_no_system_can_have_logged_are_bad_rows(usage_store, tmp_path):
    path = write(tmp_path / "odd.csv", HEADER
                 + "1970-01-01 00:00:00+00:00,aadams,Data warehouse,query,company_financials,,\n"
                 + "2999-01-01 00:00:00+00:00,aadams,Data warehouse,query,company_financials,,\n"
                 + "2026-11-16 09:00:00+00:00,aadams,Data warehouse,query,company_financials,,\n")
    report = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert report.rejected_table().values.tolist() == [
        ["odd.csv", 2, "timestamp", "the time 1970-01-01 00:00:00+00 is before 1990: a placeholder or a typo"],
        ["odd.csv", 3, "timestamp", "the time 2999-01-01 00:00:00+00 is more than a day in the future"]]
    assert stored(usage_store) == []
    log = write(tmp_path / "access.log",
                '10.0.0.1 - aadams [01/Jan/1901:10:00:00 +0000] "GET /news HTTP/1.1" 200 512\n')
    refused = load_usage(usage_store, log, INTRANET, lead("Ana Costa"))
    assert [(row.line, row.column, row.reason) for row in refused.rejected_rows] == [
        (1, "time", "the time 1901-01-01 10:00:00+00 is before 1990: a placeholder or a typo")]


def test_bytes_0x80_to_0x9f_load_in_any_encoding_python_knows(usage_store, tmp_path):
    # "café…" as Excel on Windows writes it (cp1252): 0x85 is the ellipsis; DuckDB's own Latin-1 refused it
    line = b'10.0.0.1 - aadams [16/Nov/2026:10:00:00 +0000] "GET /caf\xe9\x85 HTTP/1.1" 200 512\n'
    log = tmp_path / "windows.log"
    log.write_bytes(line)
    for encoding in ("cp1252", "latin-1", "mac_roman"):
        report = load_usage(usage_store, log, UsageLoadOptions(system="Intranet", encoding=encoding), lead("Ana Costa"),
                            dry_run=True)
        assert report.ok and report.events_found == 1, (encoding, report.files[0].problem)
    load_usage(usage_store, log, UsageLoadOptions(system="Intranet", encoding="cp1252"), lead("Ana Costa"))
    assert [row[5] for row in stored(usage_store)] == ["/caf\u00e9\u2026"]
    table = tmp_path / "windows.csv"
    table.write_bytes(HEADER.encode() + b"2026-11-16 09:00:00,bbrown,Data warehouse,query,caf\xe9\x85,,\n")
    load_usage(usage_store, table, UsageLoadOptions(encoding="cp1252"), lead("Ana Costa"))
    assert sorted(row[5] for row in stored(usage_store)) == ["/caf\u00e9\u2026", "caf\u00e9\u2026"]


def test_a_file_that_is_not_the_encoding_named_is_refused_saying_so(usage_store, tmp_path):
    table = tmp_path / "undefined.csv"
    table.write_bytes(HEADER.encode() + b"2026-11-16 09:00:00,bbrown,Data warehouse,query,caf\x81,,\n")
    report = load_usage(usage_store, table, UsageLoadOptions(encoding="cp1252"), lead("Ana Costa"))
    assert report.files[0].problem == ("undefined.csv cannot be read as csv: not cp1252 text; name its encoding "
                                       "(e.g. cp1252 for Excel on Windows, latin-1, or utf-16 for some Windows "
                                       "exports)")
    assert stored(usage_store) == []


def test_a_csv_that_has_grown_adds_only_its_new_rows(usage_store, tmp_path):
    path = tmp_path / "usage.csv"
    shutil.copy(FIXTURES / "usage_events.csv", path)
    load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    append(path, "2026-11-18 11:00:00,ddubois,Intranet,view,/hr/benefits,,\n")
    grown = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert (grown.events_added, grown.already_loaded, grown.files[0].lines) == (1, 5, 1)
    assert stored(usage_store)[-1] == (utc("2026-11-18 11:00"), 2, "ddubois", 4, "view", "/hr/benefits", None, None,
                                       None, None)


def test_a_parquet_file_written_by_duckdb_loads_with_its_row_numbers_in_the_report(usage_store, tmp_path):
    path = tmp_path / "events.parquet"
    with usage_store.reading() as db:
        db.execute(f"""COPY (SELECT * FROM (VALUES
            (TIMESTAMP '2026-06-15 12:00:00', 'bbrown', 'Data warehouse', 'query', 'account_pipeline', 'SELECT 1',
             1200),
            (TIMESTAMP '2026-11-18 09:30:00', 'eevans', 'Intranet', 'download', '/library/guide.pdf', NULL, NULL),
            (TIMESTAMP '2026-11-18 10:00:00', 'eevans', 'Intranet', 'print', '/library/guide.pdf', NULL, NULL))
            t("timestamp", "user", "system", "action", resource, query, duration_ms)) TO '{path}' (FORMAT parquet)""")
    refused = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert [(row.line, row.column) for row in refused.rejected_rows] == [(3, "action")]
    report = load_usage(usage_store, path, UsageLoadOptions(skip_bad_rows=True), lead("Ana Costa"))
    assert (report.files[0].format, report.events_added) == ("parquet", 2)
    assert stored(usage_store) == [  # timestamps without a zone are wall-clock times in London
        (utc("2026-06-15 11:00"), 1, "bbrown", 2, "query", "account_pipeline", "SELECT 1", 1200, None, None),
        (utc("2026-11-18 09:30"), 2, "eevans", 5, "download", "/library/guide.pdf", None, None, None, None)]
    assert load_usage(usage_store, path, UsageLoadOptions(skip_bad_rows=True), lead("Ana Costa")).events_added == 0


def test_a_glob_loads_each_matching_file_in_name_order(usage_store, tmp_path):
    write(tmp_path / "usage-2026-11-17.csv", HEADER + "2026-11-17 09:00,bbrown,Intranet,view,/news,,\n")
    write(tmp_path / "usage-2026-11-16.csv", HEADER + "2026-11-16 09:00,aadams,Intranet,view,/news,,\n"
                                                      "2026-11-16 10:00,aadams,Data warehouse,login,,,\n")
    write(tmp_path / "notes.txt", "not usage\n")
    report = load_usage(usage_store, str(tmp_path / "usage-*.csv"), UsageLoadOptions(), lead("Ana Costa"))
    assert [file.name for file in report.files] == ["usage-2026-11-16.csv", "usage-2026-11-17.csv"]
    assert report.events_added == 3 and report.events_by_system == {"Intranet": 2, "Data warehouse": 1}
    with pytest.raises(ImportFileError, match="No file matches .*usage-\\*.parquet"):
        load_usage(usage_store, str(tmp_path / "usage-*.parquet"), UsageLoadOptions(), lead("Ana Costa"))


def test_an_unknown_system_is_refused_naming_the_known_ones(usage_store, access_log, tmp_path):
    refusal = ("Unknown system 'Wiki'. The known systems are Data warehouse, Intranet: choose one, or have the load "
               "create it (--create-system on the command line, 'a new system' on the Import usage page).")
    with pytest.raises(ImportFileError, match=re.escape(refusal)):
        load_usage(usage_store, access_log, UsageLoadOptions(system="Wiki"), lead("Ana Costa"))
    path = write(tmp_path / "usage.csv", HEADER + "2026-11-16 09:00,aadams,Wiki,view,/home,,\n"
                                                  "2026-11-16 09:01,aadams,Intranet,view,/news,,\n")
    report = load_usage(usage_store, path, UsageLoadOptions(), lead("Ana Costa"))
    assert report.files[0].problem == f"usage.csv: {refusal}"
    assert stored(usage_store) == []


def test_an_unknown_system_is_created_when_the_load_is_told_to(usage_store, access_log):
    options = UsageLoadOptions(system="Staff wiki", create_systems=True, skip_bad_rows=True)
    report = load_usage(usage_store, access_log, options, lead("Ana Costa"))
    assert report.events_by_system == {"Staff wiki": 15} and report.notes == ["created the system Staff wiki"]
    with usage_store.reading() as db:
        assert db.execute("SELECT * FROM systems WHERE system_id = 3").fetchone() == (3, "Staff wiki", "web site")


def test_a_dry_run_counts_what_would_be_added_and_writes_nothing(usage_store, access_log):
    report = load_usage(usage_store, access_log, INTRANET_SKIPPING, lead("Ana Costa"), dry_run=True)
    assert (report.events_found, report.events_added, report.unmapped_events) == (15, 0, 2)
    assert stored(usage_store) == [] and ledger(usage_store) == []


def test_another_exports_columns_actions_and_date_format_are_mapped(usage_store, tmp_path):
    path = write(tmp_path / "portal.csv", "When,Account,Page,What\n16/11/2026 09:15,aadams,/news,open\n")
    lacking = load_usage(usage_store, path, UsageLoadOptions(system="Intranet"), lead("Ana Costa"))
    assert lacking.files[0].problem.startswith("portal.csv: the file has no column timestamp, user, action, resource. "
                                               "Its columns are: When, Account, Page, What.")
    options = UsageLoadOptions(system="Intranet", columns={"timestamp": "When", "user": "Account", "resource": "Page",
                                                           "action": "What"},
                               action_map={"open": "view"}, time_format="%d/%m/%Y %H:%M")
    assert load_usage(usage_store, path, options, lead("Ana Costa")).events_added == 1
    assert stored(usage_store) == [(utc("2026-11-16 09:15"), 2, "aadams", 1, "view", "/news", None, None, None, None)]


def test_progress_is_told_of_each_file_and_stage(usage_store, tmp_path):
    write(tmp_path / "a.csv", HEADER + "2026-11-16 09:00,aadams,Intranet,view,/news,,\n")
    write(tmp_path / "b.csv", HEADER + "2026-11-16 09:00,bbrown,Intranet,view,/news,,\n")
    calls: list[tuple[float, str]] = []
    load_usage(usage_store, [tmp_path / "a.csv", tmp_path / "b.csv"], UsageLoadOptions(), lead("Ana Costa"),
               progress=lambda fraction, message: calls.append((fraction, message)))
    assert calls == [(0.0, "a.csv (1 of 2): comparing with what was loaded before"),
                     (0.05, "a.csv (1 of 2): reading and checking"), (0.35, "a.csv (1 of 2): writing"),
                     (0.5, "a.csv (1 of 2): loaded"),
                     (0.5, "b.csv (2 of 2): comparing with what was loaded before"),
                     (0.55, "b.csv (2 of 2): reading and checking"), (0.85, "b.csv (2 of 2): writing"),
                     (1.0, "b.csv (2 of 2): loaded"), (1.0, "Done, 2 events added")]


def test_the_command_line_refuses_a_log_with_bad_lines_then_loads_its_good_ones_once(usage_store, access_log, capsys):
    base = ["--db", str(usage_store.path), "import", "usage", str(access_log), "--system", "Intranet"]
    assert main(base) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert "access.log line 17, time: unparseable time '26/Okt/2026:10:00:00 +0000'" in captured.err
    assert "[  0%] access.log (1 of 1)" in captured.err
    assert "not loaded: access.log: 2 of 20 rows have problems" in captured.out
    assert main([*base, "--skip-bad-rows"]) == 0
    out = capsys.readouterr().out
    assert (f"{access_log}: 20 new lines, 15 events, 2 rejected, 3 skipped (2 static files, 1 failed requests), "
            "0 events loaded before; loaded") in out
    assert "2 events have a login no customer has; the most frequent: 10.1.0.9 (2)" in out
    assert "1 file: 15 events added (Intranet 15), 0 loaded before, 2 rows rejected" in out
    assert main([*base, "--skip-bad-rows"]) == 0
    assert "1 file: 0 events added, 15 loaded before, 0 rows rejected" in capsys.readouterr().out
    assert main([*base[:-1], "Wiki"]) == EXIT_BAD_INPUT
    assert "Unknown system 'Wiki'" in capsys.readouterr().err


USAGE_TABLES = ("usage_events", "usage_loads", "systems")


def test_any_messy_file_is_loaded_whole_or_refused_cleanly_and_what_is_stored_stays_readable(usage_store, tmp_path,
                                                                                              monkeypatch):
    good_row = st.builds(lambda moment, user, system, action, resource, query, duration: [
        moment, user, system, action, resource, query, duration],
        st.sampled_from(["2026-11-16 09:00:00", "2026-11-16 09:05:00+01:00", "2026-11-17T14:30:00Z"]),
        st.sampled_from(["aadams", "BBROWN", "ghost"]), st.sampled_from(["Data warehouse", "intranet"]),
        st.sampled_from(["query", "view", "search"]), st.sampled_from(["company_financials", "/news", ""]),
        st.sampled_from(["", "SELECT 1", "=1+1"]), st.sampled_from(["", "420"]))
    messy_row = st.builds(spoiled, good_row, st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6]), cell([]), TIMES,
                          st.just((0,)))
    files = st.lists(st.one_of(good_row, good_row, messy_row), min_size=1, max_size=5)

    @BOUNDED
    @given(rows=files, encoding=ENCODINGS, skip_bad_rows=st.booleans(),
           time_format=st.sampled_from([None, None, None, "%Y-%m-%d %H:%M:%S", "%Q"]))
    def load_once(rows, encoding, skip_bad_rows, time_format):
        path = tmp_path / f"messy-{len(list(tmp_path.glob('messy-*')))}.csv"  # a new source each time
        path.write_bytes(encoded(csv_text(HEADER.strip().split(","), rows), encoding))
        before = fingerprint(usage_store, USAGE_TABLES)
        options = UsageLoadOptions(encoding=encoding, skip_bad_rows=skip_bad_rows, time_format=time_format)
        try:
            report = load_usage(usage_store, path, options, lead("Property Tester"))
        except (ValidationError, ImportFileError):
            report = None
        if report is None or not any(file.loaded for file in report.files):
            assert fingerprint(usage_store, USAGE_TABLES) == before
        else:
            assert skip_bad_rows or report.rejected == 0
            assert report.events_added == sum(file.events for file in report.files)
            usage_overview(usage_store, Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1)), LONDON)  # the pages read it

    load_once()
    run_detection(usage_store, now=dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), full=True)
    every_page_opens(usage_store.path, monkeypatch)


BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def log_line(user: str, minute: int, request: str = "GET /news HTTP/1.1", status: int = 200,
             agent: str = BROWSER) -> str:
    return f'10.0.0.1 - {user} [16/Nov/2026:09:{minute:02d}:00 +0000] "{request}" {status} 512 "-" "{agent}"\n'


def test_a_real_servers_log_loads_its_use_and_says_what_it_left_out(usage_store, tmp_path):
    lines = [log_line("aadams", minute % 60) for minute in range(100)]  # a person reading, 100 times
    lines[10] = log_line("aadams", 10, "OPTIONS /news HTTP/1.1")
    lines[11] = log_line("aadams", 11, "PROPFIND /shared HTTP/1.1", 207)
    lines[12] = log_line("-", 12, agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    lines[13] = log_line("-", 13, "GET /feed.xml HTTP/1.1", agent="Feedly/1.0 (+http://www.feedly.com/fetcher.html)")
    lines[14] = log_line("-", 14, "HEAD / HTTP/1.1", agent="UptimeRobot/2.0")
    lines[15] = log_line("bbrown", 15, "GET /missing HTTP/1.1", 404)
    lines[16] = log_line("bbrown", 16, "PUT /library/note HTTP/1.1", 201)
    lines[17] = "this is not a log line\n"  # 1 in 100: junk a server can write
    log = write(tmp_path / "intranet.log", "".join(lines))
    report = load_usage(usage_store, log, INTRANET, lead("Ana Costa"))
    file = report.files[0]
    assert report.ok and file.loaded
    assert (file.lines, file.events, file.rejected) == (100, 93, 1)  # 100 less the 7 skipped and the junk line
    assert file.skipped_by == {"bot": 3, "method": 2, "failed": 1}
    assert [(row.line, row.column) for row in report.rejected_rows] == [(18, "line")]
    assert report.notes == ["intranet.log: 1 unreadable line left out (listed), at most 1% of its lines"]
    with usage_store.reading() as db:
        assert db.execute("SELECT action, count(*), min(user_agent) FROM usage_events GROUP BY 1 "
                          "ORDER BY 1").fetchall() == [("submit", 1, BROWSER), ("view", 92, BROWSER)]
    bots = load_usage(usage_store, write(tmp_path / "bots.log", lines[12] + lines[13]),
                      dataclasses.replace(INTRANET, keep_bots=True), lead("Ana Costa"))
    assert bots.events_added == 2


def test_a_file_that_is_mostly_not_a_log_is_refused_whole(usage_store, tmp_path):
    log = write(tmp_path / "notes.log", log_line("aadams", 1) + "".join(f"note {n}\n" for n in range(5)))
    report = load_usage(usage_store, log, UsageLoadOptions(system="Intranet", format="access-log"), lead("Ana Costa"))
    assert report.files[0].problem.endswith("(over 1% of a log's lines unreadable: is it an access log?)")
    assert stored(usage_store) == []


def test_the_first_system_of_a_database_is_created_by_naming_it(store, tmp_path):
    log = write(tmp_path / "intranet.log", log_line("someone", 1))
    report = load_usage(store, log, UsageLoadOptions(system="Intranet"), lead("Ana Costa"))
    assert report.ok and report.notes == ["created the system Intranet"]
    with store.reading() as db:
        assert db.execute("SELECT name, kind FROM systems").fetchall() == [("Intranet", "web site")]
