"""The Feedback page (staff): record an item (a problem shown by its field, the text kept), acknowledge, respond,
resolve, tell the customer; and where feedback shows elsewhere: the customer profile and the weekly review."""

from __future__ import annotations

import datetime as dt

from infodash.feedback import get_feedback
from infodash.feedback_figures import FeedbackTargets, feedback_targets, feedback_timeliness
from infodash.periods import Period, last_complete_week
from tests.conftest import LONDON
from tests.apptest_helpers import click, errors, open_page, shown, successes


def one(store, sql, params=()):
    with store.reading() as db:
        return db.execute(sql, list(params)).fetchone()


def test_recording_working_and_closing_a_complaint(app_db):
    customer_id = one(app_db, "SELECT min(customer_id) FROM customers WHERE active")[0]
    app = open_page("feedback.py", "Ben Okafor")
    assert not app.exception and app.title[0].value == "Feedback"
    assert [metric.label for metric in app.metric][:4] == [
        "Received", "Acknowledged in time", "Complaints resolved in time", "Customer told"]
    assert not app.text_area  # the form is drawn when its expander is opened
    app.session_state["fb_record"] = True
    app.run()
    app.selectbox(key="fi_kind").set_value("complaint")
    app.selectbox(key="fi_severity").set_value("high")
    app.selectbox(key="fi_customer").set_value(customer_id)
    app.text_area(key="fi_description").input("The alert came a day late, again")
    click(app, "Record feedback")
    assert errors(app) == ["Choose what it is about."]
    assert app.text_area(key="fi_description").value == "The alert came a day late, again"  # nothing lost
    app.session_state["fb_record"] = False
    assert not app.run().text_area
    app.session_state["fb_record"] = True  # closed and opened again: still there
    assert app.run().text_area(key="fi_description").value == "The alert came a day late, again"
    assert app.selectbox(key="fi_severity").value == "high"
    app.selectbox(key="fi_category").set_value("timeliness")
    click(app, "Record feedback")
    assert not errors(app)
    [(feedback_id,)] = [(int(message.split("#")[1].split(" ")[0]),) for message in successes(app)
                        if "recorded" in message]
    item = get_feedback(app_db, feedback_id)
    assert (item.kind, item.severity, item.customer_id, item.created_by, item.status) == (
        "complaint", "high", customer_id, "Ben Okafor", "received")
    assert app.text_area(key="fi_description").value == ""  # emptied for the next one

    name = one(app_db, "SELECT name FROM customers WHERE customer_id = ?", [customer_id])[0]
    assert f"From {name}; no service given; came in as staff entry; nobody owns it yet." in [
        shown(caption.value) for caption in app.caption]
    click(app, "Acknowledge")  # the new item is the one selected
    assert f"Feedback #{feedback_id} acknowledged." in successes(app)
    click(app, "Resolve")
    assert errors(app) == ["Record the response given before resolving."]
    app.text_area(key="ft_response").input("Moved the alert to an earlier run")
    click(app, "Save response")
    click(app, "Resolve")
    click(app, "Customer told the outcome")
    assert not errors(app)
    item = get_feedback(app_db, feedback_id)
    assert (item.status, item.response) == ("resolved", "Moved the alert to an earlier run")
    assert item.acknowledged_at is not None and item.customer_told_at is not None
    assert one(app_db, "SELECT count(*) FROM feedback_status_history WHERE feedback_id = ?", [feedback_id])[0] == 3


def test_the_list_filters_by_kind_and_status(app_db):
    app = open_page("feedback.py", "Ben Okafor")
    app.selectbox(key="fl_kind").set_value("compliment").run()
    app.selectbox(key="fl_status").set_value("resolved").run()
    shown = next(frame.value for frame in app.dataframe if "feedback_id" in frame.value.columns)
    expected = one(app_db, "SELECT count(*) FROM feedback_items WHERE kind = 'compliment' AND status = 'resolved'")[0]
    assert expected > 0 and len(shown) == min(expected, 200)
    assert set(shown["kind"]) == {"Compliment"} and set(shown["status"]) == {"Resolved"}
    assert set(shown["late"]) <= {"", "acknowledged late"}  # a resolved compliment can only have been late to hear


def test_the_customer_profile_lists_the_customers_feedback(app_db):
    customer_id, items = one(app_db, "SELECT customer_id, count(*) FROM feedback_items WHERE customer_id IS NOT NULL "
                                     "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
    app = open_page("customer_profile.py", None)
    app.session_state["profile_customer"] = customer_id
    app.session_state["profile_section"] = "Complaints, compliments and suggestions"
    app.run()
    assert not app.exception
    table = next(frame for frame in app.dataframe if "customer_told_at" in frame.value.columns)
    assert len(table.value) == items


def test_the_weekly_review_shows_the_weeks_feedback(app_db):
    app = open_page("weekly_review.py", None)
    assert not app.exception
    cards = {metric.label: metric for metric in app.metric}
    for label in ("Feedback received", "Open complaints", "Acknowledged in time", "Complaints resolved in time",
                  "Customer told"):
        assert cards[label].help, label  # each with its definition
    assert "Target: 1 working day(s)." in cards["Acknowledged in time"].help
    week = last_complete_week(dt.datetime.now(LONDON).date())
    figures = feedback_timeliness(app_db, week, LONDON)
    assert cards["Feedback received"].value == f"{figures.received:,}"
    assert cards["Open complaints"].value == f"{figures.open_complaints:,}"


def test_the_figures_break_feedback_down_and_a_lead_changes_the_targets_with_errors_by_the_field(app_db):
    app = open_page("feedback.py", "Ana Costa")
    assert not [frame for frame in app.dataframe if "label" in frame.value.columns]  # read once opened
    app.session_state["fb_figures"] = app.session_state["fb_targets"] = True
    app.run()
    by_service = next(frame.value for frame in app.dataframe if "label" in frame.value.columns)
    today = dt.datetime.now(LONDON).date()
    four_weeks = Period(today - dt.timedelta(days=27), today + dt.timedelta(days=1))
    assert by_service["total"].sum() == feedback_timeliness(app_db, four_weeks, LONDON).received
    app.number_input(key="fg_acknowledge").set_value(5)
    app.number_input(key="fg_resolve").set_value(3)
    click(app, "Save targets")
    assert errors(app) == ["Resolving cannot take less time than acknowledging."]
    assert app.number_input(key="fg_resolve").value == 3  # kept
    app.number_input(key="fg_resolve").set_value(15)
    click(app, "Save targets")
    assert "Targets saved: the figures use them from now on." in successes(app)
    assert feedback_targets(app_db) == FeedbackTargets(5, 15)
    assert "acknowledge within 5 working day(s)" in " ".join(caption.value for caption in app.caption)


def test_the_reports_page_previews_you_said_we_did(app_db):
    app = open_page("reports.py", None)
    app.session_state["pack_section"] = "You said, we did"
    app.run()
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "we_did" in frame.value.columns)
    assert len(table) > 0 and table["we_did"].str.len().min() > 0
    assert any(caption.value.startswith("Received ") for caption in app.caption)


def test_a_public_message_counts_for_its_sender_only_once_staff_link_it(app_db):
    from infodash.feedback import PublicFeedback, submit_public_feedback

    customer_id, name, email = one(app_db, "SELECT customer_id, name, email FROM customers WHERE active AND email "
                                           "IS NOT NULL ORDER BY customer_id LIMIT 1")
    feedback_id = submit_public_feedback(app_db, PublicFeedback("complaint", "access", "Locked out again", email),
                                         "10.9.8.7")
    assert get_feedback(app_db, feedback_id).customer_id is None  # anyone could have typed the address
    app = open_page("feedback.py", "Ben Okafor")
    app.session_state["fl_selected"] = feedback_id
    app.run()
    click(app, f"Link to {name}")
    assert not errors(app)
    assert f"Feedback #{feedback_id} now counts for the customer who sent it." in successes(app)
    assert get_feedback(app_db, feedback_id).customer_id == customer_id
    assert not [button for button in app.button if button.label.startswith("Link to")]  # linked: no second offer
