"""One customer's profile: summary, timeline, usage by week and open items, worked out by hand on the
fixture organisation (conftest.fixture_store) plus, for Alice (customer 1), a survey response, usage
events and an anomaly added below, and Fay (customer 6), who has never been in contact."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from infodash.customer_profile import (anomalies_about, customer_summary, open_items, signed_survey_responses,
                                       timeline, usage_by_week)
from infodash.customers import customer_choice, find_customers
from infodash.sla import evaluate_requests
from tests.conftest import LONDON, at

NOW = at("2026-11-23 12:00")  # Monday of week 48
ALICE, BOB, CARA, DAN, EVE, FAY = 1, 2, 3, 4, 5, 6


@pytest.fixture
def profile_store(fixture_store):
    """The fixture plus Alice's survey response, her usage and an anomaly about her; noise from others."""
    with fixture_store.writing() as db:
        db.execute("INSERT INTO customers (customer_id, name, email, login, group_id, department, seniority, "
                   "relationship) VALUES (6, 'Fay Ford', NULL, 'fford', 3, 'Plant South', 'staff', 'customer')")
        db.executemany("INSERT INTO systems VALUES (?, ?, ?)", [(1, "Intranet", "web"), (2, "Data warehouse", "dw")])
        db.executemany(
            "INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) VALUES (?, ?, ?, ?, 'view')",
            [(at("2026-11-16 10:00"), 1, "aadams", ALICE)] * 3
            + [(at("2026-11-18 15:00"), 2, "aadams", ALICE)] * 2
            # Monday 19 Oct 00:30 BST is Sunday 18 Oct 23:30 UTC: the local week of 19 Oct, not of 12 Oct
            + [(at("2026-10-19 00:30"), 1, "aadams", ALICE),
               (at("2026-11-16 11:00"), 1, "bbrown", BOB), (at("2026-11-16 11:00"), 1, "guest", None)])
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max) "
                   "VALUES (1, 'Service quality', 'servqual', 1, 7)")
        db.executemany("INSERT INTO survey_items (item_id, survey_id, position, dimension, text) "
                       "VALUES (?, 1, ?, ?, ?)",
                       [(1, 1, "reliability", "Does what it promises"), (2, 2, "empathy", "Understands my needs")])
        db.execute("INSERT INTO survey_waves VALUES (1, 1, 'Autumn 2026', DATE '2026-11-01', NULL)")
        db.executemany(
            "INSERT INTO survey_responses (response_id, wave_id, group_id, customer_id, submitted_at, nps, csat, "
            "comment) VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
            [(1, 1, ALICE, at("2026-11-19 12:00"), 9, 4, "<b>Great</b> *service*"),
             (2, 1, None, at("2026-11-19 13:00"), 2, 1, "anonymous, never shown on a profile"),
             (3, 1, BOB, at("2026-11-20 09:00"), 5, 3, "Bob's")])
        # Alice: gaps 5 - 6 = -1 and 7 - 5 = +2 (mean +0.5); perceived 5 and 7 (mean 6)
        db.executemany("INSERT INTO survey_answers (response_id, item_id, expectation, perception) VALUES (?, ?, ?, ?)",
                       [(1, 1, 6, 5), (1, 2, 5, 7), (2, 1, 7, 1), (3, 1, 4, 4)])
        db.executemany(
            "INSERT INTO anomalies (anomaly_id, fingerprint, detector, subject_kind, subject, customer_id, "
            "window_start, window_end, explanation, suggested_action, status) "
            "VALUES (?, ?, ?, 'user', ?, ?, ?, ?, ?, ?, 'new')",
            [(1, "quiet|aadams", "quiet_customer", "aadams", ALICE, at("2026-11-02 09:00"), NOW,
              "aadams used the systems weekly and has not since 2 Nov.", "Get in touch."),
             (2, "spike|bbrown", "volume_spike", "bbrown", BOB, at("2026-11-16 00:00"), at("2026-11-17 00:00"),
              "bbrown's use spiked.", "Ask why.")])
    return fixture_store


# --- the summary ---------------------------------------------------------------------------------------

def test_a_customers_summary_adds_up_their_requests_touchpoints_surveys_and_usage(profile_store):
    summary = customer_summary(profile_store, ALICE, LONDON, now=NOW)
    assert (summary.name, summary.email, summary.customer_group, summary.department, summary.seniority,
            summary.relationship, summary.active) == ("Alice Adams", "alice@example.org", "Research", "Lab", "middle",
                                                      "customer", True)
    # requests 1, 5, 7 (all resolved); touchpoints 1 (10 min, follow-up open) and 5 (15 min)
    assert (summary.requests, summary.resolved, summary.declined, summary.open_requests) == (3, 3, 0, 0)
    assert (summary.touchpoints, summary.minutes, summary.open_follow_ups) == (2, 25, 1)
    assert (summary.surveys_answered, summary.usage_events) == (1, 6)  # Bob's and the anonymous response are not hers
    # first contact: touchpoint 5 at 01:30 BST on the morning the clocks went back; last: request 5
    assert summary.first_contact == at("2026-10-25 01:30")
    assert summary.first_contact.utcoffset() == dt.timedelta(hours=1)
    assert summary.last_contact == at("2026-11-22 23:30")
    assert summary.last_contact.tzinfo == LONDON
    assert summary.sla_counted == 0 and summary.sla_met_share is None  # no service-level policy in this fixture


def test_an_inactive_customer_still_has_a_profile(profile_store):
    summary = customer_summary(profile_store, DAN, LONDON, now=NOW)
    assert summary.active is False and summary.customer_group == "Sales"
    assert (summary.requests, summary.touchpoints, summary.minutes) == (0, 1, 5)
    assert summary.first_contact == summary.last_contact == at("2026-11-18 12:00")


def test_a_customer_never_in_contact_has_zeros_and_no_contact_dates(profile_store):
    summary = customer_summary(profile_store, FAY, LONDON, now=NOW)
    assert summary.email is None and summary.department == "Plant South"
    assert (summary.requests, summary.resolved, summary.declined, summary.touchpoints, summary.minutes,
            summary.open_follow_ups, summary.surveys_answered, summary.usage_events) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert summary.first_contact is None and summary.last_contact is None and summary.sla_met_share is None
    assert timeline(profile_store, FAY, LONDON, now=NOW).empty
    assert usage_by_week(profile_store, FAY, LONDON, now=NOW).empty
    items = open_items(profile_store, FAY, LONDON, now=NOW)
    assert items.follow_ups.empty and items.requests.empty
    assert anomalies_about(profile_store, FAY, LONDON).empty
    assert signed_survey_responses(profile_store, FAY, LONDON).empty


def test_an_unknown_customer_has_no_summary_and_an_empty_timeline(profile_store):
    with pytest.raises(KeyError, match="999"):
        customer_summary(profile_store, 999, LONDON, now=NOW)
    assert timeline(profile_store, 999, LONDON, now=NOW).empty


def test_the_service_level_share_counts_met_against_resolved_and_open_past_due(sla_store):
    evaluate_requests(sla_store, as_of=NOW)
    # Alice's requests 11-19: 11, 12, 15 met; 13, 14 breached; 16 paused, 17 and 18 on track; 19 declined
    summary = customer_summary(sla_store, ALICE, LONDON, now=NOW)
    assert (summary.sla_met, summary.sla_counted, summary.sla_met_share) == (3, 5, 0.6)
    assert (summary.requests, summary.resolved, summary.declined, summary.open_requests) == (9, 5, 1, 3)
    # at 16:30, 17 (due 14:00) and 18 (due 15:00) are past due; 16 waits on the customer, its clock stopped
    later = customer_summary(sla_store, ALICE, LONDON, now=at("2026-11-23 16:30"))
    assert (later.sla_met, later.sla_counted) == (3, 7)


# --- the timeline --------------------------------------------------------------------------------------

def test_the_timeline_holds_everything_newest_first(profile_store):
    entries = timeline(profile_store, ALICE, LONDON, now=NOW)
    assert list(zip(entries["when"], entries["kind"], strict=True)) == [
        (pd.Timestamp("2026-11-22 23:30"), "request"),       # request 5
        (pd.Timestamp("2026-11-19 12:00"), "survey"),
        (pd.Timestamp("2026-11-17 10:00"), "touchpoint"),    # touchpoint 1
        (pd.Timestamp("2026-11-16 09:00"), "request"),       # request 1
        (pd.Timestamp("2026-11-16 00:00"), "request"),       # request 7, at the same moment as...
        (pd.Timestamp("2026-11-16 00:00"), "usage week"),    # ...the start of the week's usage
        (pd.Timestamp("2026-11-02 09:00"), "anomaly"),
        (pd.Timestamp("2026-10-25 01:30"), "touchpoint"),    # touchpoint 5
        (pd.Timestamp("2026-10-19 00:00"), "usage week"),    # the event at 00:30 BST, Sunday night in UTC
    ]
    assert entries["request_id"].tolist()[:5] == [5, pd.NA, pd.NA, 1, 7]
    assert entries.loc[2, "touchpoint_id"] == 1 and entries.loc[1, "response_id"] == 1
    assert entries.loc[6, "anomaly_id"] == 1


def test_timeline_entries_read_as_plain_text_with_their_outcome(profile_store):
    entries = timeline(profile_store, ALICE, LONDON, now=NOW).set_index(["kind", "when"])
    request = entries.loc[("request", pd.Timestamp("2026-11-16 09:00"))]
    assert request["title"] == "Request #1: Desk research"
    assert request["detail"] == "E-mail · normal priority · Resolved 16 Nov 2026 13:00"
    assert request["outcome"] == "not judged"  # no policy covers it
    touchpoint = entries.loc[("touchpoint", pd.Timestamp("2026-11-17 10:00"))]
    assert touchpoint["title"] == "Request · E-mail"
    assert touchpoint["detail"] == "10 min, READ 2 · Desk research · logged by Ana Costa · follow up on 20 Nov 2026"
    assert touchpoint["outcome"] == "follow-up overdue"  # due Friday 20 Nov, not done by Monday
    assert pd.isna(entries.loc[("touchpoint", pd.Timestamp("2026-10-25 01:30")), "outcome"])
    survey = entries.loc[("survey", pd.Timestamp("2026-11-19 12:00"))]
    assert survey["title"] == "Service quality, Autumn 2026"
    assert survey["detail"] == "NPS 9 · CSAT 4 · 2 items, perceived 6.00 · gap +0.50 · <b>Great</b> *service*"
    assert survey["outcome"] == "promoter"
    anomaly = entries.loc[("anomaly", pd.Timestamp("2026-11-02 09:00"))]
    assert anomaly["title"] == "Customer gone quiet: aadams" and anomaly["outcome"] == "new"
    assert anomaly["detail"] == "aadams used the systems weekly and has not since 2 Nov. · Suggested: Get in touch."
    week = entries.loc[("usage week", pd.Timestamp("2026-11-16"))]
    assert (week["title"], week["detail"]) == ("5 usage events in the week", "Intranet: 3 · Data warehouse: 2")
    assert entries.loc[("usage week", pd.Timestamp("2026-10-19")), "title"] == "1 usage event in the week"


def test_requests_on_the_timeline_carry_their_service_level_judged_now(sla_store):
    evaluate_requests(sla_store, as_of=NOW)
    outcomes = timeline(sla_store, ALICE, LONDON, kinds=["request"], now=NOW).set_index("request_id")["outcome"]
    assert outcomes.to_dict() == {11: "met", 12: "met", 13: "breached", 14: "breached", 15: "met",
                                  16: "open_paused", 17: "open_on_track", 18: "open_on_track", 19: "declined"}
    later = timeline(sla_store, ALICE, LONDON, kinds=["request"], now=at("2026-11-23 16:30")).set_index("request_id")
    assert later.loc[17, "outcome"] == later.loc[18, "outcome"] == "open_breached"


def test_the_timeline_can_be_narrowed_to_some_kinds_and_cut_to_the_latest(profile_store):
    only = timeline(profile_store, ALICE, LONDON, kinds=["touchpoint", "anomaly"], now=NOW)
    assert only["kind"].tolist() == ["touchpoint", "anomaly", "touchpoint"]
    assert only["touchpoint_id"].tolist()[::2] == [1, 5]
    assert timeline(profile_store, ALICE, LONDON, kinds=["usage week"], now=NOW)["when"].tolist() == [
        pd.Timestamp("2026-11-16"), pd.Timestamp("2026-10-19")]
    assert timeline(profile_store, ALICE, LONDON, kinds=[], now=NOW).empty
    assert timeline(profile_store, ALICE, LONDON, limit=3, now=NOW)["kind"].tolist() == ["request", "survey",
                                                                                         "touchpoint"]
    with pytest.raises(ValueError, match="unknown timeline kind 'emails'"):
        timeline(profile_store, ALICE, LONDON, kinds=["emails"])


# --- usage, open items, anomalies, survey responses ----------------------------------------------------

def test_usage_by_week_counts_each_system_every_week_in_local_weeks(profile_store):
    usage = usage_by_week(profile_store, ALICE, LONDON, weeks=6, now=NOW)  # 19 Oct to the current week, 23 Nov
    assert usage["week"].dt.date.unique().tolist() == [dt.date(2026, 10, 19) + dt.timedelta(weeks=w) for w in range(6)]
    counts = usage.set_index([usage["week"].dt.date, "system"])["events"]
    assert len(counts) == 12 and counts.sum() == 6
    assert counts[(dt.date(2026, 10, 19), "Intranet")] == 1
    assert counts[(dt.date(2026, 10, 19), "Data warehouse")] == 0
    assert counts[(dt.date(2026, 11, 16), "Intranet")] == 3 and counts[(dt.date(2026, 11, 16), "Data warehouse")] == 2
    shorter = usage_by_week(profile_store, ALICE, LONDON, weeks=5, now=NOW)  # from 26 Oct: the BST event drops out
    assert len(shorter) == 10 and shorter["events"].sum() == 5


def test_open_items_are_unfinished_follow_ups_and_open_requests(profile_store):
    alice = open_items(profile_store, ALICE, LONDON, now=NOW)
    assert alice.follow_ups[["touchpoint_id", "days_overdue", "logged_by"]].values.tolist() == [[1, 3, "Ana Costa"]]
    assert alice.requests.empty  # all three resolved
    eve = open_items(profile_store, EVE, LONDON, now=NOW)
    assert eve.follow_ups["days_overdue"].tolist() == [0]  # due today
    assert open_items(profile_store, BOB, LONDON, now=NOW).follow_ups.empty  # his follow-up was done
    cara = open_items(profile_store, CARA, LONDON, now=NOW).requests
    assert cara[["request_id", "status", "service", "outcome"]].values.tolist() == [
        [4, "received", "Desk research", "not judged"]]
    assert cara.loc[0, "received"] == pd.Timestamp("2026-11-21 11:00")


def test_open_requests_come_with_their_due_time_and_business_hours_left(sla_store):
    evaluate_requests(sla_store, as_of=NOW)
    requests = open_items(sla_store, ALICE, LONDON, now=NOW).requests.set_index("request_id")
    assert requests.index.tolist() == [16, 17, 18]
    assert requests.loc[17, "due"] == pd.Timestamp("2026-11-23 14:00")
    assert requests.loc[17, "business_hours_left"] == pytest.approx(1.0)  # 12:00-12:30 and 13:30-14:00
    assert requests.loc[16, "outcome"] == "open_paused"


def test_anomalies_about_a_customer_are_theirs_only(profile_store):
    found = anomalies_about(profile_store, ALICE, LONDON)
    assert found[["anomaly_id", "detector", "status"]].values.tolist() == [[1, "quiet_customer", "new"]]
    assert found.loc[0, "window_start"] == pd.Timestamp("2026-11-02 09:00")


def test_only_responses_given_under_the_customers_name_are_shown_with_their_scores(profile_store):
    responses = signed_survey_responses(profile_store, ALICE, LONDON)
    assert len(responses) == 1
    row = responses.iloc[0]
    assert (row["survey"], row["wave"], row["nps"], row["csat"], row["items_answered"]) == (
        "Service quality", "Autumn 2026", 9, 4, 2)
    assert row["perceived"] == pytest.approx(6.0) and row["gap"] == pytest.approx(0.5)
    assert row["comment"] == "<b>Great</b> *service*"
    assert row["submitted"] == pd.Timestamp("2026-11-19 12:00")


# --- finding the customer ------------------------------------------------------------------------------

def test_the_profile_search_finds_former_customers_too_and_marks_them(profile_store):
    assert [choice.customer_id for choice in find_customers(profile_store, "key acc")] == [CARA]
    found = find_customers(profile_store, "key acc", include_inactive=True)
    assert [choice.label for choice in found] == ["Cara Clarke · cara@example.org · Key accounts",
                                                  "Dan Dubois · dan@example.org · Key accounts · inactive"]
    assert customer_choice(profile_store, DAN) is None
    assert customer_choice(profile_store, DAN, include_inactive=True).customer_id == DAN
    assert customer_choice(profile_store, FAY).label == "Fay Ford · - · Plant South"
