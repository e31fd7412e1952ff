"""Feedback figures worked out by hand: working days to acknowledge and resolve across a weekend and a
Christmas closure, shares in time and told, repeat complainants, "you said, we did", and an empty period."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.errors import NotAllowed, ValidationError
from infodash.feedback_figures import (FeedbackTargets, feedback_by, feedback_calendar, feedback_targets,
                                       feedback_timeliness, repeat_complainants, set_feedback_targets,
                                       late_flags, working_day_numbers, you_said_we_did)
from infodash.periods import Period
from tests.conftest import LONDON, at
from tests.people import lead, staff

NOW = at("2026-11-23 12:00")  # a Monday
FORTNIGHT = Period(dt.date(2026, 11, 9), dt.date(2026, 11, 23))
COLUMNS = ("feedback_id, kind, category, severity, customer_id, contact_email, description, status, received_at, "
           "acknowledged_at, resolved_at, response, customer_told_at, source, created_by, service_id")


def insert(store, items):
    with store.writing() as db:
        db.executemany(f"INSERT INTO feedback_items ({COLUMNS}) VALUES "
                       f"(?, ?, 'timeliness', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'staff', 'fixture', ?)", items)


@pytest.fixture
def items(fixture_store):
    """Six items received in 9-22 Nov 2026 and one before, on a Monday-to-Friday calendar (the fixture has none)."""
    insert(fixture_store, [
        # id, kind, severity, customer, e-mail, said, status, received, acknowledged, resolved, response, told, service
        # Friday 16:00, acknowledged Monday (1 working day: in time), resolved Monday a week later (6)
        (1, "complaint", "high", 1, None, "Late report", "resolved", at("2026-11-13 16:00"), at("2026-11-16 10:00"),
         at("2026-11-23 09:30"), "Daily run", at("2026-11-23 10:00"), 1),
        # Saturday, acknowledged Tuesday: 2 working days (Mon, Tue), late; open 6 working days, not yet late
        (2, "complaint", "medium", 1, None, "Wrong figures", "acknowledged", at("2026-11-14 11:00"),
         at("2026-11-17 09:00"), None, None, None, 1),
        # the same day (0), resolved Thursday and told
        (3, "suggestion", None, 2, None, "Open earlier", "resolved", at("2026-11-18 09:00"), at("2026-11-18 11:00"),
         at("2026-11-19 15:00"), "We open at 8 from December", at("2026-11-19 16:00"), 1),
        # anonymous, Thursday, never acknowledged: by Monday 2 working days have passed (Fri, Mon), late
        (4, "compliment", None, None, None, "Great help", "received", at("2026-11-19 14:00"), None, None, None, None,
         None),
        # Friday, acknowledged on resolving Monday (1 and 1), not told
        (5, "complaint", "low", 3, None, "Rude reply", "resolved", at("2026-11-20 10:00"), at("2026-11-23 10:00"),
         at("2026-11-23 10:00"), "Apologised", None, 2),
        # Sunday evening, not acknowledged: 1 working day (Mon) has passed, not yet late
        (6, "compliment", None, 5, None, "Thanks", "received", at("2026-11-22 20:00"), None, None, None, None, 1),
        # before the fortnight: not in its figures, but an open complaint at its end
        (7, "complaint", "low", 1, None, "Old", "received", at("2026-11-02 10:00"), None, None, None, None, 1),
    ])
    return fixture_store


def test_timeliness_counts_working_days_across_the_weekend(items):
    figures = feedback_timeliness(items, FORTNIGHT, LONDON, NOW)
    assert (figures.received, figures.complaints, figures.compliments, figures.suggestions) == (6, 3, 2, 1)
    # judged: 1, 2, 3, 5 (acknowledged) and 4 (2 working days waiting > 1); in time: 1 (1 day), 3 (0), 5 (1)
    assert (figures.acknowledge_judged, figures.acknowledged_in_time, figures.acknowledge_share) == (5, 3, 0.6)
    assert figures.median_acknowledge_days == 1.0  # of 1, 2, 0, 1
    # complaints judged: 1 (6 days) and 5 (1 day), both within 10; 2 has waited 6 working days only
    assert (figures.resolve_judged, figures.resolved_in_time, figures.resolve_share) == (2, 2, 1.0)
    assert figures.median_resolve_days == 3.5
    # resolved with someone to tell: 1, 3, 5; told: 1 and 3
    assert (figures.resolved_tellable, figures.told, figures.told_share) == (3, 2, pytest.approx(2 / 3))
    # complaints received before 23 Nov 00:00 and unresolved then: 1 and 5 (resolved on the 23rd), 2 and 7
    assert figures.open_complaints == 4


def test_a_longer_target_changes_what_is_in_time(items):
    set_feedback_targets(items, FeedbackTargets(acknowledge_days=2, resolve_days=5), lead())
    figures = feedback_timeliness(items, FORTNIGHT, LONDON, NOW)
    # acknowledgements: 4 has waited 2 working days, not yet late; 1, 2, 3, 5 all within 2
    assert (figures.acknowledge_judged, figures.acknowledged_in_time) == (4, 4)
    # complaints: 1 took 6 > 5 (late), 5 took 1; 2 has waited 6 > 5 (late)
    assert (figures.resolve_judged, figures.resolved_in_time) == (3, 1)


def test_an_empty_period_has_no_shares_and_no_medians(items):
    figures = feedback_timeliness(items, Period(dt.date(2026, 6, 1), dt.date(2026, 6, 8)), LONDON, NOW)
    assert (figures.received, figures.acknowledge_judged, figures.resolve_judged, figures.told) == (0, 0, 0, 0)
    assert (figures.acknowledge_share, figures.resolve_share, figures.told_share) == (None, None, None)
    assert (figures.median_acknowledge_days, figures.median_resolve_days) == (None, None)
    assert figures.open_complaints == 0
    assert repeat_complainants(items, Period(dt.date(2026, 6, 1), dt.date(2026, 6, 8)), LONDON).empty
    assert feedback_by(items, Period(dt.date(2026, 6, 1), dt.date(2026, 6, 8)), LONDON, "kind").empty


def test_items_by_kind_service_and_group(items):
    by_kind = feedback_by(items, FORTNIGHT, LONDON, "kind")
    assert by_kind[["label", "total"]].values.tolist() == [["Complaint", 3], ["Compliment", 2], ["Suggestion", 1]]
    by_group = feedback_by(items, FORTNIGHT, LONDON, "group")
    assert by_group[["label", "complaints", "compliments", "suggestions", "total"]].values.tolist() == [
        ["Research", 2, 0, 1, 3], ["Anonymous or not in the directory", 0, 1, 0, 1], ["Operations", 0, 1, 0, 1],
        ["Sales", 1, 0, 0, 1]]
    by_service = feedback_by(items, FORTNIGHT, LONDON, "service")
    assert by_service[["label", "total"]].values.tolist() == [
        ["Desk research", 4], ["Legal opinions", 1], ["No service given", 1]]
    with pytest.raises(ValueError, match="cannot be broken down"):
        feedback_by(items, FORTNIGHT, LONDON, "name; DROP TABLE feedback_items")


def test_repeat_complainants_have_two_or_more_complaints_in_the_period(items):
    repeat = repeat_complainants(items, FORTNIGHT, LONDON)
    assert repeat[["customer", "customer_group", "complaints", "open"]].values.tolist() == [
        ["Alice Adams", "Research", 2, 1]]
    # with the 2 Nov complaint in the period too
    assert repeat_complainants(items, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 23)), LONDON)[
        "complaints"].tolist() == [3]


def test_you_said_we_did_lists_resolved_complaints_and_suggestions_with_the_response(items):
    listed = you_said_we_did(items, FORTNIGHT, LONDON)
    assert listed[["kind", "service", "you_said", "we_did"]].values.tolist() == [
        ["suggestion", "Desk research", "Open earlier", "We open at 8 from December"]]
    week = you_said_we_did(items, Period(dt.date(2026, 11, 23), dt.date(2026, 11, 30)), LONDON)
    assert week["we_did"].tolist() == ["Apologised", "Daily run"]  # newest first


def test_working_days_skip_christmas_holidays_and_a_closure(sla_store):
    calendar = feedback_calendar(sla_store, LONDON)  # the Office calendar: England's holidays, closed 29 Dec
    days, numbers = working_day_numbers(calendar, dt.date(2026, 12, 24), dt.date(2026, 12, 30))
    # Thu 24 works; Fri 25 Christmas, Sat, Sun, Mon 28 Boxing Day (substitute), Tue 29 closure; Wed 30 works
    assert numbers == [1, 1, 1, 1, 1, 1, 2]
    insert(sla_store, [(1, "complaint", "low", 1, None, "Late", "acknowledged", at("2026-12-24 16:00"),
                        at("2026-12-30 09:00"), None, None, None, 1)])
    figures = feedback_timeliness(sla_store, Period(dt.date(2026, 12, 21), dt.date(2026, 12, 28)), LONDON,
                                  at("2026-12-31 12:00"))
    assert (figures.acknowledge_judged, figures.acknowledged_in_time, figures.median_acknowledge_days) == (1, 1, 1.0)


def test_targets_default_and_only_a_lead_changes_them_within_bounds(fixture_store):
    assert feedback_targets(fixture_store) == FeedbackTargets(1, 10)
    with pytest.raises(NotAllowed):
        set_feedback_targets(fixture_store, FeedbackTargets(2, 5), staff())
    with pytest.raises(ValidationError) as error:
        set_feedback_targets(fixture_store, FeedbackTargets(3, 2), lead())
    assert error.value.errors == {"resolve_days": "Resolving cannot take less time than acknowledging."}
    with pytest.raises(ValidationError) as error:
        set_feedback_targets(fixture_store, FeedbackTargets(-1, 99), lead())
    assert set(error.value.errors) == {"acknowledge_days", "resolve_days"}
    set_feedback_targets(fixture_store, FeedbackTargets(2, 15), lead())
    assert feedback_targets(fixture_store) == FeedbackTargets(2, 15)


def test_late_flags_say_what_is_late_in_working_days(items):
    from infodash.feedback import feedback_list
    listed = feedback_list(items).set_index("feedback_id", drop=False)
    flags = dict(zip(listed["feedback_id"], late_flags(items, listed, LONDON, NOW), strict=True))
    # 2: acknowledged on the 2nd working day; 4: waiting 2 working days; 7: complaint open 15 working days
    assert flags == {1: "", 2: "acknowledged late", 3: "", 4: "acknowledgement overdue", 5: "", 6: "",
                     7: "resolution overdue"}
    assert late_flags(items, listed.iloc[:0], LONDON, NOW).empty
