"""Feedback items: recorded from touchpoints, requests, survey comments and staff entries, sent through the public
form, acknowledged, assigned, answered, resolved and the customer told; every step kept and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.errors import NotAllowed, ValidationError
from infodash.feedback import (PUBLIC_ACTOR, FeedbackDraft, PublicFeedback, TooManySubmissions, acknowledge_feedback,
                               customer_feedback, feedback_history, feedback_list, get_feedback,
                               link_feedback_to_sender, mark_customer_told,
                               record_feedback, record_feedback_response, resolve_feedback, source_choices,
                               submit_public_feedback, triage_feedback)
from tests.conftest import at
from tests.people import lead, staff

NOW = at("2026-11-23 12:00")


def complaint(**changes) -> FeedbackDraft:
    values = {"kind": "complaint", "category": "timeliness", "description": "  The report came two days late  ",
              "received_at": at("2026-11-20 10:00"), "customer_id": 1, "service_id": 1, "severity": "medium"}
    return FeedbackDraft(**{**values, **changes})


def rows(store, sql, params=()):
    with store.reading() as db:
        return db.execute(sql, list(params)).fetchall()


def test_a_complaint_is_stored_received_with_its_history_and_audit(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(), staff("Ana Costa"), NOW)
    item = get_feedback(fixture_store, feedback_id)
    assert (item.kind, item.status, item.description, item.source, item.created_by) == (
        "complaint", "received", "The report came two days late", "staff", "Ana Costa")
    assert rows(fixture_store, "SELECT status, changed_by FROM feedback_status_history") == [("received", "Ana Costa")]
    assert rows(fixture_store, "SELECT actor, action FROM audit_log WHERE entity = 'feedback_items'") == [
        ("Ana Costa", "insert")]


def test_an_item_from_a_touchpoint_takes_its_customer_and_service(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(customer_id=None, service_id=None, source="touchpoint",
                                                           source_id=2), staff(), NOW)
    item = get_feedback(fixture_store, feedback_id)
    assert (item.customer_id, item.service_id, item.source_id) == (5, None, 2)
    from_request = record_feedback(fixture_store, complaint(customer_id=None, service_id=None, source="request",
                                                            source_id=3), staff(), NOW)
    assert (get_feedback(fixture_store, from_request).customer_id, get_feedback(fixture_store, from_request).service_id
            ) == (3, 2)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"severity": None}, "severity", "Choose how serious the complaint is."),
    ({"kind": "compliment"}, "severity", "Only complaints have a severity."),
    ({"description": "x" * 2001}, "description", "This is 2,001 characters; shorten it to 2,000 at most."),
    ({"description": "   "}, "description", "Write what the customer said."),
    ({"category": None}, "category", "Choose what it is about."),
    ({"source": "request", "source_id": 999}, "source_id", "Choose the request it came from."),
    ({"source": "survey", "source_id": None}, "source_id", "Choose the survey comment it came from."),
    ({"received_at": at("2026-11-24 12:00")}, "received_at",
     "This time is in the future; record feedback once it has been given."),
])
def test_bad_input_gets_a_message_for_its_field_and_nothing_is_written(fixture_store, changes, field, message):
    with pytest.raises(ValidationError) as error:
        record_feedback(fixture_store, complaint(**changes), staff(), NOW)
    assert error.value.errors[field] == message
    assert rows(fixture_store, "SELECT count(*) FROM feedback_items") == [(0,)]


def test_closing_the_loop_acknowledge_assign_respond_resolve_and_tell(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(), staff("Ana Costa"), NOW)
    acknowledge_feedback(fixture_store, feedback_id, staff("Ana Costa"), at("2026-11-20 11:00"), NOW)
    triage_feedback(fixture_store, feedback_id, "Ben Okafor", "quality", "high", staff("Ana Costa"))
    with pytest.raises(ValidationError) as error:
        resolve_feedback(fixture_store, feedback_id, staff("Ben Okafor"), now=NOW)
    assert error.value.errors == {"response": "Record the response given before resolving."}
    record_feedback_response(fixture_store, feedback_id, "Moved the report to a daily run", staff("Ben Okafor"))
    resolve_feedback(fixture_store, feedback_id, staff("Ben Okafor"), at("2026-11-23 09:00"), NOW)
    mark_customer_told(fixture_store, feedback_id, staff("Ben Okafor"), at("2026-11-23 09:30"), NOW)
    item = get_feedback(fixture_store, feedback_id)
    assert (item.status, item.owner, item.category, item.severity, item.response) == (
        "resolved", "Ben Okafor", "quality", "high", "Moved the report to a daily run")
    assert (item.acknowledged_at, item.resolved_at, item.customer_told_at) == (
        at("2026-11-20 11:00"), at("2026-11-23 09:00"), at("2026-11-23 09:30"))
    assert feedback_history(fixture_store, feedback_id)[["status", "changed_by"]].values.tolist() == [
        ["received", "Ana Costa"], ["acknowledged", "Ana Costa"], ["resolved", "Ben Okafor"]]
    assert [action for (action,) in rows(fixture_store, "SELECT action FROM audit_log WHERE entity = "
                                         "'feedback_items' ORDER BY audit_id")] == [
        "insert", "acknowledge", "update", "respond", "resolve", "customer_told"]
    assert customer_feedback(fixture_store, 1)["status"].tolist() == ["resolved"]


def test_resolving_an_unacknowledged_item_acknowledges_it_at_the_same_moment(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(), staff(), NOW)
    record_feedback_response(fixture_store, feedback_id, "Apologised and re-sent", staff())
    resolve_feedback(fixture_store, feedback_id, staff(), at("2026-11-23 10:00"), NOW)
    item = get_feedback(fixture_store, feedback_id)
    assert item.acknowledged_at == item.resolved_at == at("2026-11-23 10:00")
    assert feedback_history(fixture_store, feedback_id)["status"].tolist() == ["received", "acknowledged", "resolved"]


def test_times_before_receipt_and_a_second_acknowledgement_are_refused(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(), staff(), NOW)
    with pytest.raises(ValidationError) as error:
        acknowledge_feedback(fixture_store, feedback_id, staff(), at("2026-11-19 10:00"), NOW)
    assert error.value.errors == {"acknowledged_at": "This is before the feedback was received."}
    acknowledge_feedback(fixture_store, feedback_id, staff(), now=NOW)
    with pytest.raises(ValidationError) as error:
        acknowledge_feedback(fixture_store, feedback_id, staff(), now=NOW)
    assert error.value.errors == {"status": "This item is acknowledged already."}


def test_staff_work_items_they_own_or_nobody_owns_and_a_lead_any(fixture_store):
    feedback_id = record_feedback(fixture_store, complaint(owner="Cleo Diaz"), lead("Ana Costa"), NOW)
    with pytest.raises(NotAllowed, match="Only Cleo Diaz"):
        acknowledge_feedback(fixture_store, feedback_id, staff("Ben Okafor"), now=NOW)
    acknowledge_feedback(fixture_store, feedback_id, staff("Cleo Diaz"), now=NOW)
    triage_feedback(fixture_store, feedback_id, "Ben Okafor", "quality", "low", lead("Ana Costa"))
    record_feedback_response(fixture_store, feedback_id, "Fixed", staff("Ben Okafor"))


def test_an_anonymous_item_cannot_be_marked_told(fixture_store):
    feedback_id = submit_public_feedback(fixture_store, PublicFeedback("compliment", "staff", "Lovely help"), "1.2.3.4",
                                         NOW)
    record_feedback_response(fixture_store, feedback_id, "Thanked the team", staff())
    with pytest.raises(ValidationError) as error:
        mark_customer_told(fixture_store, feedback_id, staff(), now=NOW)
    assert error.value.errors == {"customer_told_at": "This feedback is anonymous: there is no one to tell."}


def test_the_public_form_attributes_nothing_to_a_typed_email_and_says_the_same_for_an_unknown_one(fixture_store):
    # anyone can type a colleague's address: the item names the directory's match as unverified, counts for nobody
    known = submit_public_feedback(fixture_store, PublicFeedback("complaint", "access", "Cannot log in",
                                                                 " Alice@Example.org "), "1.2.3.4", NOW)
    unknown = submit_public_feedback(fixture_store, PublicFeedback("complaint", "access", "Cannot log in",
                                                                   "nobody@example.org"), "1.2.3.4", NOW)
    assert (get_feedback(fixture_store, known).customer_id, get_feedback(fixture_store, unknown).customer_id) == \
        (None, None)
    assert get_feedback(fixture_store, known).source == "public_form"
    assert get_feedback(fixture_store, known).created_by == PUBLIC_ACTOR
    listed = feedback_list(fixture_store)
    assert listed["customer"].tolist() == ["Not in the directory", "Unverified e-mail of Alice Adams"]  # newest first


def test_staff_link_a_public_message_to_its_sender_once_checked_and_only_to_a_directory_match(fixture_store):
    known = submit_public_feedback(fixture_store, PublicFeedback("complaint", "access", "Cannot log in",
                                                                 "alice@example.org"), "1.2.3.4", NOW)
    unknown = submit_public_feedback(fixture_store, PublicFeedback("complaint", "access", "Cannot log in",
                                                                   "nobody@example.org"), "1.2.3.4", NOW)
    assert link_feedback_to_sender(fixture_store, known, staff()) == 1
    assert get_feedback(fixture_store, known).customer_id == 1
    assert feedback_list(fixture_store)["customer"].tolist() == ["Not in the directory", "Alice Adams"]
    with pytest.raises(ValidationError) as again:
        link_feedback_to_sender(fixture_store, known, staff())
    assert again.value.errors == {"form": "This feedback is linked to a customer already."}
    with pytest.raises(ValidationError) as stranger:
        link_feedback_to_sender(fixture_store, unknown, staff())
    assert stranger.value.errors == {"form": "No customer in the directory has the e-mail this feedback came with."}
    assert rows(fixture_store, "SELECT details FROM audit_log WHERE entity = 'feedback_items' AND action = 'update'") \
        == [('{"before": {"customer_id": null}, "after": {"customer_id": 1}}',)]


@pytest.mark.parametrize(("entry", "field", "message"), [
    (PublicFeedback("complaint", "access", "x" * 2001), "description",
     "This is 2,001 characters; shorten it to 2,000 at most."),
    (PublicFeedback("complaint", "access", "  "), "description", "Write your message."),  # to the customer
    (PublicFeedback("complaint", "access", "Slow", "not-an-email"), "email",
     "This does not look like an e-mail address: check it, or leave it empty."),
    (PublicFeedback("complaint", "access", "Slow", "a" * 250 + "@x.org"), "email", "Use at most 254 characters."),
    (PublicFeedback(None, "access", "Slow"), "kind", "Choose whether it is a complaint, a compliment or a suggestion."),
    (PublicFeedback("complaint", "access", "Slow", service_id=2), "service_id",
     "Choose one of the services listed, or leave it empty."),
])
def test_the_public_form_refuses_bad_input_by_field(fixture_store, entry, field, message):
    with pytest.raises(ValidationError) as error:
        submit_public_feedback(fixture_store, entry, "1.2.3.4", NOW)
    assert error.value.errors[field] == message
    assert rows(fixture_store, "SELECT count(*) FROM feedback_items") == [(0,)]


def test_the_public_form_is_throttled_per_source_for_ten_minutes(fixture_store):
    entry = PublicFeedback("suggestion", "other", "Open on Saturdays")
    for minute in range(5):
        submit_public_feedback(fixture_store, entry, "1.2.3.4", NOW + dt.timedelta(minutes=minute))
    with pytest.raises(TooManySubmissions) as refused:
        submit_public_feedback(fixture_store, entry, "1.2.3.4", NOW + dt.timedelta(minutes=5))
    assert refused.value.retry_after_s == 300  # the first of the five is ten minutes old at 12:10
    assert "try again in 5 minutes" in refused.value.errors["form"]
    submit_public_feedback(fixture_store, entry, "5.6.7.8", NOW + dt.timedelta(minutes=5))  # another computer
    submit_public_feedback(fixture_store, entry, "1.2.3.4", NOW + dt.timedelta(minutes=10, seconds=1))
    assert rows(fixture_store, "SELECT count(*) FROM feedback_items") == [(7,)]


def test_the_public_form_takes_at_most_sixty_messages_an_hour_whatever_computers_they_come_from(fixture_store):
    entry = PublicFeedback("suggestion", "other", "Open on Saturdays")
    for number in range(60):
        submit_public_feedback(fixture_store, entry, f"10.0.0.{number}", NOW + dt.timedelta(seconds=number))
    with pytest.raises(TooManySubmissions) as refused:
        submit_public_feedback(fixture_store, entry, "10.0.1.1", NOW + dt.timedelta(minutes=30))
    assert refused.value.retry_after_s == 1800  # the first of the sixty is an hour old at 13:00
    assert refused.value.errors["form"].startswith("The form has taken many messages in the last hour")
    submit_public_feedback(fixture_store, entry, "10.0.1.1", NOW + dt.timedelta(hours=1, seconds=1))
    assert rows(fixture_store, "SELECT count(*) FROM feedback_items") == [(61,)]


def test_source_choices_offer_feedback_touchpoints_not_yet_recorded(fixture_store):
    with fixture_store.writing() as db:
        db.execute("UPDATE touchpoints SET kind = 'feedback', note = 'Unhappy with the wait' WHERE touchpoint_id IN (1, 2)")
    assert list(source_choices(fixture_store, "touchpoint")) == [2, 1]
    record_feedback(fixture_store, complaint(source="touchpoint", source_id=2), staff(), NOW)
    assert list(source_choices(fixture_store, "touchpoint")) == [1]
    assert source_choices(fixture_store, "staff") == {}


def test_the_list_filters_by_status_kind_service_and_owner(fixture_store):
    first = record_feedback(fixture_store, complaint(owner="Ben Okafor"), staff(), NOW)
    record_feedback(fixture_store, complaint(kind="suggestion", severity=None, service_id=None), staff(), NOW)
    acknowledge_feedback(fixture_store, first, staff("Ben Okafor"), now=NOW)
    assert feedback_list(fixture_store, status="acknowledged")["feedback_id"].tolist() == [first]
    assert feedback_list(fixture_store, kind="suggestion")["feedback_id"].tolist() == [first + 1]
    assert feedback_list(fixture_store, service_id=1)["feedback_id"].tolist() == [first]
    assert feedback_list(fixture_store, owner="")["feedback_id"].tolist() == [first + 1]
    assert feedback_list(fixture_store, owner="Ben Okafor")["total"].tolist() == [1]


def test_a_customers_feedback_is_exported_with_their_data_and_erased_with_it_while_still_counted(fixture_store):
    import io
    import zipfile

    from infodash.personal_data import erase_customer, export_customer
    feedback_id = submit_public_feedback(fixture_store, PublicFeedback("complaint", "staff", "Ben Brown was rude",
                                                                       "alice@example.org"), "1.2.3.4", NOW)
    record_feedback_response(fixture_store, feedback_id, "Apologised to Alice Adams", lead())
    archive = zipfile.ZipFile(io.BytesIO(export_customer(fixture_store, 1, lead())))
    assert "Ben Brown was rude" in archive.read("feedback_items.csv").decode()
    erase_customer(fixture_store, 1, lead())
    assert rows(fixture_store, "SELECT kind, customer_id, contact_email, description, response FROM feedback_items") == [
        ("complaint", None, None, "Erased.", "Erased.")]  # sent by the public form from their e-mail: theirs


def test_an_item_from_a_survey_comment_takes_its_customer_and_leaves_it_out_of_the_choices(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, customer_id, submitted_at, comment) "
                   "VALUES (1, 1, 1, 2, ?, 'Results arrive after my deadline'), (2, 1, 1, 3, ?, NULL)",
                   [at("2026-11-18 10:00"), at("2026-11-18 11:00")])
    assert source_choices(fixture_store, "survey") == {1: "2026-11-18 · Bob Brown · Results arrive after my deadline"}
    feedback_id = record_feedback(fixture_store, complaint(customer_id=None, service_id=None, source="survey",
                                                           source_id=1), staff(), NOW)
    assert (get_feedback(fixture_store, feedback_id).customer_id, source_choices(fixture_store, "survey")) == (2, {})
    with pytest.raises(ValidationError) as error:  # a response without a comment is not feedback
        record_feedback(fixture_store, complaint(source="survey", source_id=2), staff(), NOW)
    assert error.value.errors == {"source_id": "Choose the survey comment it came from."}
