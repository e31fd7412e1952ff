"""A team's own, new database: the review pages say what to set up next, with where, instead of empty figures;
a first service-level policy takes effect with the first request on file."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from infodash.setup_status import first_request_day, setup_counts
from tests import apptest_helpers
from tests.conftest import LONDON

REVIEW_PAGES = ("weekly_review.py", "customer_groups.py", "sla_performance.py", "surveys.py", "usage_monitoring.py",
                "reports.py")


@pytest.mark.parametrize("page", REVIEW_PAGES)
def test_without_an_organisation_each_review_page_lists_the_set_up_steps_in_order(empty_app_db, page):
    app = apptest_helpers.open_page(page, None)
    assert not app.exception
    assert [header.value for header in app.subheader] == ["Set up your organisation"]
    steps = [block.value for block in app.markdown if block.value.startswith("**")]
    assert [step.split("**")[1] for step in steps] == [
        "Customer groups", "Services", "Customers", "A calendar and a service-level policy", "Requests"]
    assert not app.get("plotly_chart") and not app.metric  # no empty figures


def test_with_an_organisation_the_steps_left_are_a_note_above_the_page(quiet_app_db):
    app = apptest_helpers.open_page("weekly_review.py", None)
    assert not app.exception
    assert [expander.label for expander in app.expander if expander.label.startswith("Set-up")] == [
        "Set-up: 2 of 5 steps left"]
    assert app.title[0].value == "Weekly review"
    counts = setup_counts(quiet_app_db)
    assert (counts.groups, counts.services, counts.customers, counts.policies, counts.has_organisation,
            counts.complete) == (1, 1, 1, 0, True, False)


def test_a_first_policy_takes_effect_with_the_first_request_on_file(quiet_app_db):
    with quiet_app_db.writing() as db:
        db.execute("INSERT INTO requests (customer_id, service_id, channel, received_at, created_by) VALUES "
                   "(1, 1, 'email', TIMESTAMPTZ '2016-02-29 00:30:00+00', 'import'), "
                   "(1, 1, 'email', TIMESTAMPTZ '2016-03-01 09:00:00+00', 'import')")
    assert first_request_day(quiet_app_db, LONDON) == dt.date(2016, 2, 29)
    app = AppTest.from_file(str(apptest_helpers.PAGES / "sla_setup.py"), default_timeout=60).run()
    assert not app.exception
    assert app.date_input(key="pol_from").value == dt.date(2016, 2, 29)
