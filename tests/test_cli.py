"""``python -m infodash``: commands report clearly and never show a traceback for bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from infodash.cli import EXIT_BAD_INPUT, main
from infodash.db import Store
from infodash.demo import needs_demo_data
from infodash.migrations import latest_version


def test_init_creates_an_empty_database_that_the_app_will_not_fill_with_demo_data(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "new.duckdb"), "init"]) == 0
    assert f"schema version {latest_version()}" in capsys.readouterr().out
    store = Store(tmp_path / "new.duckdb")
    assert not needs_demo_data(store)
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 0


def test_demo_builds_and_refuses_to_overwrite_without_replace(tmp_path, capsys):
    path = str(tmp_path / "demo.duckdb")
    assert main(["--db", path, "demo", "--end-date", "2026-11-23"]) == 0
    assert "customers 1,500" in capsys.readouterr().out
    assert main(["--db", path, "demo"]) == 1
    assert "--replace" in capsys.readouterr().err


def test_a_bad_touchpoint_is_refused_with_field_messages(fixture_store, capsys):
    code = main(["--db", str(fixture_store.path), "touchpoint", "--customer", "999", "--channel", "email",
                 "--kind", "request", "--minutes", "-3", "--read", "2", "--author", "Ana Costa"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "--customer: Unknown customer" in err and "--minutes: Minutes cannot be negative." in err


def test_sla_judges_requests_once_until_something_changes(sla_store, capsys):
    assert main(["--db", str(sla_store.path), "sla"]) == 0
    assert "judged 9 requests" in capsys.readouterr().out
    assert main(["--db", str(sla_store.path), "sla"]) == 0
    assert "nothing changed since the last evaluation (9 requests)" in capsys.readouterr().out


def test_detect_stores_new_findings_once(demo_store, capsys):
    with demo_store.writing() as db:  # start from no findings: the demo arrives with its own
        db.execute("DELETE FROM anomalies")
        db.execute("DELETE FROM detection_runs")
    assert main(["--db", str(demo_store.path), "detect"]) == 0
    out = capsys.readouterr().out
    assert "repeated_query 1" in out and "unused_resource 1" in out
    with demo_store.reading() as db:
        stored = db.execute("SELECT count(*) FROM anomalies").fetchone()[0]
    assert f"{stored} new to review" in out and stored >= 5
    assert main(["--db", str(demo_store.path), "detect"]) == 0
    assert "0 new to review" in capsys.readouterr().out


def test_report_writes_the_pack_and_keeps_it(fixture_store, tmp_path, capsys):
    out = tmp_path / "week47.html"
    assert main(["--db", str(fixture_store.path), "report", "--period", "2026-W47", "--format", "html",
                 "--out", str(out), "--author", "Monday mail"]) == 0
    assert capsys.readouterr().out.startswith(f"{out}: Week 47 2026 (16 Nov - 22 Nov 2026), ")
    html = out.read_text(encoding="utf-8")
    assert '<div class="value">5</div><div class="label">Requests received</div>' in html  # see test_review_figures
    with fixture_store.reading() as db:
        packs = db.execute("SELECT period_key, created_by FROM management_packs").fetchall()
    assert packs == [("2026-W47", "Monday mail")]


def test_a_scheduled_report_names_the_last_complete_week(fixture_store, tmp_path, capsys):
    out = tmp_path / "last-week.html"
    assert main(["--db", str(fixture_store.path), "report", "--period", "last-week", "--format", "html",
                 "--out", str(out), "--author", "Monday mail"]) == 0
    year, week, _ = (dt.datetime.now(ZoneInfo("Europe/London")).date() - dt.timedelta(days=7)).isocalendar()
    with fixture_store.reading() as db:
        assert db.execute("SELECT period_key FROM management_packs").fetchall() == [(f"{year}-W{week:02d}",)]


def test_report_refuses_a_period_that_does_not_exist_and_an_unknown_group(fixture_store, tmp_path, capsys):
    out = str(tmp_path / "pack.pptx")
    assert main(["--db", str(fixture_store.path), "report", "--period", "2026-Q5", "--out", out]) == EXIT_BAD_INPUT
    assert "infodash: --period: '2026-Q5': there is no quarter 5 in 2026." in capsys.readouterr().err
    assert main(["--db", str(fixture_store.path), "report", "--period", "2026-Q3", "--group", "1", "99",
                 "--out", out]) == EXIT_BAD_INPUT
    assert "infodash: --group: no such id: 99" in capsys.readouterr().err
    assert not Path(out).exists()


FIXTURES = Path(__file__).parent / "fixtures"


def test_import_requests_from_the_command_line_then_again_adds_nothing(sla_store, capsys):
    args = ["--db", str(sla_store.path), "import", "requests", str(FIXTURES / "servicenow_events.csv"),
            "--preset", "servicenow", "--service", "1", "--create-customers-in-group", "3", "--save-mapping", "desk"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "300 rows read, 0 requests imported before; added 49 requests" in out and "saved the mapping" in out
    assert main(["--db", str(sla_store.path), "import", "requests", str(FIXTURES / "servicenow_events.csv"),
                 "--mapping", "desk"]) == 0
    assert "49 requests imported before; added 0 requests" in capsys.readouterr().out


def test_import_with_bad_rows_lists_them_and_exits_65(fixture_store, tmp_path, capsys):
    export = tmp_path / "events.csv"
    export.write_text("number,incident_state,caller_id,opened_at,sys_updated_at,priority,contact_type,"
                      "assignment_group,resolved_at,vendor\n"
                      "INC9,New,Alice Adams,31/2/2016 09:00,29/2/2016 09:00,3 - Moderate,Phone,?,?,?\n")
    code = main(["--db", str(fixture_store.path), "import", "requests", str(export), "--preset", "servicenow",
                 "--service", "1"])
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "line 2, column opened_at: unparseable date '31/2/2016 09:00'" in captured.err
    assert "nothing written" in captured.out


def test_every_option_is_checked_before_the_file_is_read_one_line_each_and_exit_65(fixture_store, tmp_path, capsys):
    unread = str(tmp_path / "not-there.csv")  # never opened: the options are refused first
    db = ["--db", str(fixture_store.path)]
    refusals = {
        ("import", "requests", unread, "--preset", "servicenow", "--service", "1", "--time-zone", "Mars/Base"):
            ["infodash: --time-zone: Unknown time zone 'Mars/Base': use a name like Europe/London."],
        ("import", "requests", unread, "--preset", "servicenow", "--service", "999",
         "--create-customers-in-group", "999"):
            ["infodash: --service: Unknown service 999. Choose one of 1 (Desk research), 2 (Legal opinions).",
             "infodash: --create-customers-in-group: Unknown customer group 999. Choose one of 1 (Research), "
             "2 (Sales), 3 (Operations), 4 (Empty group)."],
        ("import", "requests", unread, "--preset", "servicenow", "--service", "1", "--date-format", "%Q",
         "--encoding", "klingon"):
            ["infodash: --encoding: Unknown text encoding 'klingon': use utf-8, cp1252 (Excel on Windows), latin-1 "
             "or utf-16.",
             "infodash: --date-format: '%Q' is not a date format ('Q' is a bad directive in format '%Q'): use "
             "strptime codes, e.g. %d/%m/%Y %H:%M."],
        ("import", "survey", unread, "--wave", "1", "--date-format", "%Q"):
            ["infodash: --date-format: '%Q' is not a date format ('Q' is a bad directive in format '%Q'): use "
             "strptime codes, e.g. %d/%m/%Y %H:%M."],
        ("import", "usage", unread, "--system", "Intranet", "--time-format", "%H:%M", "--time-zone", "Mars/Base"):
            ["infodash: --time-format: '%H:%M' does not hold a whole date: it needs the day, month and year, "
             "e.g. %d/%m/%Y %H:%M.",
             "infodash: --time-zone: Unknown time zone 'Mars/Base': use a name like Europe/London."],
    }
    for args, lines in refusals.items():
        assert main([*db, *args]) == EXIT_BAD_INPUT, args
        captured = capsys.readouterr()
        assert sorted(captured.err.splitlines()) == sorted(lines), args
    with fixture_store.reading() as db_connection:
        assert db_connection.execute("SELECT count(*) FROM requests WHERE external_ref IS NOT NULL").fetchone() == (0,)


def test_import_customers_matches_the_headers_and_a_month_later_marks_the_leaver(fixture_store, tmp_path, capsys):
    header = "Employee ID,Full name,Email,Department,Grade,Division\n"
    first, later = tmp_path / "hr-october.csv", tmp_path / "hr-november.csv"
    first.write_text(header + "E1,Alice Adams,alice@example.org,Lab,middle,Research\n"
                              "E2,Bob Brown,bob@example.org,Lab,staff,Research\n", encoding="utf-8")
    later.write_text(header + "E1,Alice Adams,alice@example.org,Plant North,middle,Operations\n", encoding="utf-8")
    db = ["--db", str(fixture_store.path), "import", "customers"]
    assert main([*db, str(first)]) == 0
    assert "hr-october.csv: 2 rows read; 0 new, 2 changed, 0 unchanged, 0 back after leaving, 0 marked as having " \
           "left" in capsys.readouterr().out
    assert main([*db, str(later), "--dry-run"]) == 0
    assert "would be 0 new, 1 changed, 0 unchanged, 0 back after leaving, 1 marked as having left" \
        in capsys.readouterr().out
    assert main([*db, str(later)]) == 0
    out = capsys.readouterr().out
    assert "line 2, Alice Adams: department Lab -> Plant North, group Research -> Operations" in out
    with fixture_store.reading() as connection:
        assert connection.execute("SELECT active FROM customers WHERE email = 'bob@example.org'").fetchone() == (False,)
    assert main([*db, str(later), "--group", "Nowhere"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "infodash: --group: Unknown customer group 'Nowhere'.\n"


def test_a_mapping_never_saved_is_refused_naming_the_ones_that_are(fixture_store, capsys):
    db = ["--db", str(fixture_store.path)]
    assert main([*db, "import", "requests", str(FIXTURES / "servicenow_events.csv"), "--preset", "servicenow",
                 "--service", "1", "--save-mapping", "desk"]) == 0
    capsys.readouterr()
    assert main([*db, "import", "requests", str(FIXTURES / "servicenow_events.csv"), "--mapping", "dsek"]) \
        == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "infodash: --mapping: No requests mapping is saved as 'dsek': the saved ones are " \
                                      "'desk'.\n"
