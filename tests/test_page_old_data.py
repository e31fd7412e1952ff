"""A team's history that ends in the past (an archive, a desk's old export): the pages offer every period that
holds data and open on the latest complete week of it; detection says why it finds nothing on a short history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from infodash.cli import main
from infodash.periods import Period
from infodash.request_import import SERVICENOW, import_requests
from tests.people import lead
from tests import apptest_helpers

FIXTURES = Path(__file__).parent / "fixtures"


def desk_history(store) -> None:
    """The fixture's ServiceNow incidents (29 Feb - 17 Apr 2016), with the preset alone."""
    assert import_requests(store, FIXTURES / "servicenow_events.csv", SERVICENOW, lead("Desk import")).written


def test_the_weekly_review_opens_on_the_last_week_of_the_data_and_offers_its_first(empty_app_db):
    desk_history(empty_app_db)
    app = apptest_helpers.open_page("weekly_review.py", None)
    assert not app.exception
    week = app.selectbox(key="review_week")
    # the last incident was resolved on Tue 12 Apr 2016 (the fixture's resolved_at, read with the csv module)
    assert week.value == Period(dt.date(2016, 4, 11), dt.date(2016, 4, 18))
    assert week.options[-1] == "Week 9, 29 Feb - 06 Mar 2016"  # the first incident was opened on 29 Feb


def test_the_reports_offer_the_quarters_of_the_data_and_customer_groups_its_weeks(empty_app_db):
    desk_history(empty_app_db)
    app = apptest_helpers.open_page("reports.py", None)
    assert not app.exception
    assert "Q1 2016 (1 Jan - 31 Mar 2016)" in app.selectbox(key="pack_period_quarter").options
    assert app.selectbox(key="pack_period_quarter").value.key == "2016-Q2"
    groups = apptest_helpers.open_page("customer_groups.py", None)
    assert not groups.exception
    # its default, the 13 weeks ending with that week
    assert groups.caption[0].value.startswith("18 Jan 2016 - 17 Apr 2016, compared with 19 Oct 2015 - 17 Jan 2016")


def test_detection_on_a_short_history_says_how_much_it_needs(store, tmp_path, capsys):
    log = tmp_path / "intranet.log"
    log.write_text("".join(f'10.0.0.1 - aadams [{day:02d}/Nov/2026:09:00:00 +0000] "GET /news HTTP/1.1" 200 512\n'
                           for day in range(2, 14)), encoding="utf-8")
    assert main(["--db", str(store.path), "import", "usage", str(log), "--system", "Intranet"]) == 0
    capsys.readouterr()
    assert main(["--db", str(store.path), "detect"]) == 0
    assert ("note: little or nothing can be found yet: the usage on file spans 11 days; a change is judged against "
            "at least 3 earlier weeks, so detection needs 28 days of usage") in capsys.readouterr().out
