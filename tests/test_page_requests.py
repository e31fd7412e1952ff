"""The Requests page: logging a request and changing its status (streamlit.testing AppTest)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests import apptest_helpers
from tests.apptest_helpers import click, errors, successes


def open_page(name: str | None = "Desk Person") -> AppTest:
    return apptest_helpers.open_page("requests.py", name)


def log_a_request(app: AppTest, subject: str) -> tuple[AppTest, int]:
    """Log a request of customer 7 for service 2 through the form; the page after it and the request's number."""
    app.selectbox(key="rq_customer").set_value(7)
    app.selectbox(key="rq_service").set_value(2)
    app.text_input(key="rq_subject").input(subject)
    app = click(app, "Log request")
    assert not app.exception
    return app, int(re.search(r"#(\d+)", successes(app)[0]).group(1))


def test_logging_a_request_and_moving_it_to_waiting_on_a_vendor(app_db):
    app, request_id = log_a_request(open_page(), "Freedom to operate: coating patents")
    with app_db.reading() as db:
        assert db.execute("SELECT customer_id, service_id, status, created_by FROM requests WHERE request_id = ?",
                          [request_id]).fetchone() == (7, 2, "received", "Desk Person")
    # the new request is selected for the status form: without a vendor name it is refused
    app.selectbox(key="st_status").set_value("waiting_vendor")
    app = click(app, "Save status")
    assert "Name the vendor the request is waiting on." in errors(app)
    app.text_input(key="st_vendor").input("Questel")
    app = click(app, "Save status")
    with app_db.reading() as db:
        assert db.execute("SELECT status, vendor FROM requests WHERE request_id = ?",
                          [request_id]).fetchone() == ("waiting_vendor", "Questel")


def test_a_request_without_customer_or_service_is_explained_and_kept(app_db):
    app = open_page()
    app.text_input(key="rq_subject").input("Something urgent")
    app = click(app, "Log request")
    shown_errors = errors(app)
    assert "Choose the customer." in shown_errors and "Choose the service asked for." in shown_errors
    assert app.text_input(key="rq_subject").value == "Something urgent"


def test_the_page_works_on_an_empty_database(empty_app_db):
    app = open_page()
    assert not app.exception
    assert any("No open requests." in caption.value for caption in app.caption)


def test_a_request_logged_long_after_opening_the_page_is_received_when_logged(app_db):
    import datetime as dt

    app = open_page()
    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    shown = (two_hours_ago.astimezone(dt.timezone.utc).date(), two_hours_ago.time().replace(second=0, microsecond=0))
    app.session_state["rq_shown_now"] = shown  # as if the page had been opened two hours ago and left alone
    app.date_input(key="rq_date").set_value(shown[0])
    app.time_input(key="rq_time").set_value(shown[1])
    app.selectbox(key="rq_customer").set_value(7)
    app.selectbox(key="rq_service").set_value(2)
    app = click(app, "Log request")
    request_id = int(re.search(r"#(\d+)", successes(app)[0]).group(1))
    with app_db.reading() as db:
        received = db.execute("SELECT received_at FROM requests WHERE request_id = ?", [request_id]).fetchone()[0]
    assert abs(received - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)


def test_a_resolved_request_takes_the_customers_feedback_once(app_db):
    app, request_id = log_a_request(open_page(), "Market size of coatings")
    assert not any(button.label == "Save feedback" for button in app.button)  # open: no feedback asked yet
    app.selectbox(key="st_status").set_value("resolved")
    app = click(app, "Save status")
    assert (f"Request #{request_id} is now resolved. Find it under Recently closed to record the customer's feedback."
            in successes(app))
    # it leaves the open list; among the recently closed it is still the one chosen
    app.button_group(key="rq_list").set_value("closed").run()
    assert any(block.value == f"**Request #{request_id}**" for block in app.markdown)
    app = click(app, "Save feedback")
    assert "Choose how satisfied the customer was, from 1 to 5." in errors(app)
    app.button_group(key="fb_csat").set_value(4)
    app.text_input(key="fb_comment").input("Found it at once")
    app = click(app, "Save feedback")
    assert not app.exception
    assert f"Recorded the customer's feedback on request #{request_id}." in successes(app)
    with app_db.reading() as db:
        assert db.execute("SELECT r.customer_id, r.csat, r.comment, r.entered_by, s.post_request "
                          "FROM survey_responses r "
                          "JOIN survey_waves w USING (wave_id) JOIN surveys s USING (survey_id) WHERE r.request_id = ?",
                          [request_id]).fetchall() == [(7, 4, "Found it at once", "Desk Person", True)]
    # what was recorded is shown instead of the form
    assert any(text.value.startswith("CSAT 4 Satisfied, recorded ")
               and text.value.endswith("by Desk Person.\nFound it at once") for text in app.text)
    assert not any(button.label == "Save feedback" for button in app.button)
    closed = next(table.value for table in app.dataframe if "feedback" in table.value)
    # shown as text: the requests without feedback show a blank, not "None"
    assert closed.set_index("request_id").at[request_id, "feedback"] == "4"
    assert "" in set(closed["feedback"]) and "None" not in set(closed["feedback"])
