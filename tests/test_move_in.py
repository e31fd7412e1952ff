"""A real team moves in, from ``python -m infodash init`` and its own exports, with no workaround: its directory,
a ServiceNow event log with the preset alone, a survey set up from a file of items and answered in an export
whose columns stand in another order, an access log with an OPTIONS line and a crawler; then a calendar and
a first policy from the first request on file. The weekly review and the Service levels page show the imported
weeks. No row is written by hand: everything goes through the commands and the library, as a team's would.

Fixtures (tests/fixtures/README.md): servicenow_events.csv (real, CC BY 4.0), directory.csv (its 45 callers
as an HR export would list them), survey_items.csv and survey_export_shuffled.csv, wiki_access.log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from infodash.cli import main
from infodash.db import Store
from infodash.periods import Period
from infodash.policies import PolicyDraft, save_calendar, save_policy_version
from infodash.settings import organisation_time_zone
from infodash.setup_status import first_request_day, setup_counts
from tests.people import lead
from tests import apptest_helpers

FIXTURES = Path(__file__).parent / "fixtures"
LEAD = lead("Lena Lead")
WEEK_9 = Period(dt.date(2016, 2, 29), dt.date(2016, 3, 7))  # every fixture incident was opened on 29 Feb 2016


def run(database: Path, *args: str) -> None:
    assert main(["--db", str(database), *args]) == 0, args


def test_a_team_moves_in_with_its_own_files_and_sees_its_weeks(tmp_path, monkeypatch, capsys):
    database = tmp_path / "ours.duckdb"
    run(database, "init")
    run(database, "import", "customers", str(FIXTURES / "directory.csv"), "--create-groups")
    assert "45 new, 0 changed" in capsys.readouterr().out
    run(database, "import", "requests", str(FIXTURES / "servicenow_events.csv"), "--preset", "servicenow")
    out = capsys.readouterr().out
    assert "added 49 requests" in out and "created 14 services" in out
    assert "customers from the caller_id column" not in out  # every caller is in the directory
    run(database, "survey", "create", str(FIXTURES / "survey_items.csv"), "--name", "Service survey 2016")
    run(database, "survey", "wave", "--survey", "Service survey 2016", "--name", "March 2016", "--opens",
        "2016-03-01", "--closes", "2016-03-31")
    run(database, "import", "survey", str(FIXTURES / "survey_export_shuffled.csv"), "--wave", "March 2016")
    out = capsys.readouterr().out
    assert "added 4 responses" in out and "1 respondent answered nothing" in out
    run(database, "import", "usage", str(FIXTURES / "wiki_access.log"), "--system", "Wiki")
    out = capsys.readouterr().out
    assert "70 events, 0 rejected, 2 skipped (1 bots and crawlers, 1 other methods)" in out
    assert "created the system Wiki" in out

    store = Store(database)
    calendar = save_calendar(store, None, "Service desk", "Europe/London", "GB", "ENG",
                             {day: [(dt.time(9), dt.time(17))] for day in range(5)}, {}, LEAD)
    save_policy_version(store, PolicyDraft("Incidents: two business days", first_request_day(
        store, organisation_time_zone(store)), calendar, resolution_hours=16), LEAD)
    run(database, "sla")
    assert setup_counts(store).complete

    with store.reading() as db:  # q2 of the export went to the item coded q2, the survey's fourth
        assert db.execute("SELECT i.position, a.perception FROM survey_answers a JOIN survey_items i USING (item_id) "
                          "JOIN survey_responses r USING (response_id) WHERE r.source_key LIKE '%S-1' "
                          "ORDER BY i.position").fetchall() == [(1, 4.0), (2, 5.0), (3, 7.0), (4, 6.0)]
        judged = db.execute("SELECT count(*) FROM sla_results").fetchone()[0]
    assert judged == 49

    monkeypatch.setenv("INFODASH_DB", str(database))
    review = apptest_helpers.open_page("weekly_review.py", None)
    assert not review.exception and not [block for block in review.expander if block.label.startswith("Set-up")]
    # nothing left to set up
    review.selectbox(key="review_week").set_value(WEEK_9).run()
    assert {metric.label: metric.value for metric in review.metric}["Requests in"] == "49"
    levels = AppTest.from_file(str(apptest_helpers.PAGES / "sla_performance.py"), default_timeout=60).run()
    levels.segmented_control(key="sla_span").set_value("custom").run()
    levels.date_input(key="sla_dates").set_value((dt.date(2016, 2, 29), dt.date(2016, 4, 17))).run()
    assert not levels.exception
    assert not any("No requests with a service-level policy" in block.value for block in levels.info)
    assert levels.get("plotly_chart")
