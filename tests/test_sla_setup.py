"""Setting up policies and calendars, in the library and on the SLA setup page."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.errors import ValidationError
from infodash.policies import PolicyDraft, policy_versions, save_calendar, save_policy_version
from infodash.sla import evaluate_requests, load_calendar
from tests import apptest_helpers
from tests.conftest import at
from tests.people import lead

OFFICE_HOURS = {day: [(dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 30))] for day in range(5)}


def test_a_new_version_judges_only_requests_that_arrive_after_it(sla_store):
    evaluate_requests(sla_store, as_of=at("2026-11-23 12:00"))
    # from 20 Nov the standard policy promises 2 business hours
    save_policy_version(sla_store, PolicyDraft("Standard", dt.date(2026, 11, 20), 1, resolution_hours=2,
                                               primary_target_share=0.9), lead("Ana Costa"))
    evaluate_requests(sla_store, as_of=at("2026-11-23 12:00"))
    with sla_store.reading() as db:
        judged = dict(db.execute("SELECT request_id, effective_from FROM sla_results").fetchall())
    assert judged[15] == dt.date(2026, 11, 18)  # arrived 19 Nov: the 4-hour version
    assert judged[17] == dt.date(2026, 11, 20)  # arrived 23 Nov: the new version
    assert len(policy_versions(sla_store)) == 4


@pytest.mark.parametrize(("draft", "field"), [
    (PolicyDraft("", dt.date(2026, 1, 1), 1, resolution_hours=4), "name"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1), "resolution_hours"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1, resolution_hours=4, cutoff=dt.time(14),
                 next_day_deadline=dt.time(11)), "resolution_hours"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1, cutoff=dt.time(14)), "cutoff"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1, resolution_hours=-1), "resolution_hours"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1, resolution_hours=4, primary_target_share=1.5), "primary_target_share"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 99, resolution_hours=4), "calendar_id"),
    (PolicyDraft("X", dt.date(2026, 1, 1), 1, resolution_hours=4, service_id=99), "service_id"),
])
def test_incomplete_policies_are_refused(sla_store, draft, field):
    with pytest.raises(ValidationError) as raised:
        save_policy_version(sla_store, draft, lead("Ana Costa"))
    assert field in raised.value.errors


def test_a_calendar_with_two_slots_a_day_holidays_and_a_closure(store):
    calendar_id = save_calendar(store, None, "Plant", "Europe/Berlin", "DE", "BY", OFFICE_HOURS,
                                {dt.date(2026, 12, 23): "Inventory"}, lead("Ana Costa"))
    calendar = load_calendar(store, calendar_id)
    assert calendar.is_holiday(dt.date(2026, 1, 6))  # Epiphany in Bavaria
    assert not calendar.is_working_day(dt.date(2026, 12, 23))
    assert len(calendar.slots_on(dt.date(2026, 12, 22))) == 2
    with pytest.raises(ValidationError) as raised:
        save_calendar(store, None, "Bad", "Mars/Olympus", "XX", None, {0: [(dt.time(12), dt.time(9))]}, {}, lead(""))
    assert set(raised.value.errors) == {"time_zone", "country", "hours", "author"}


def test_the_setup_page_saves_a_policy_version(app_db):
    app = apptest_helpers.open_page("sla_setup.py", "Lead Person")
    assert not app.exception
    app.text_input(key="pol_name").input("Urgent requests")
    app.selectbox(key="pol_priority").set_value("urgent")
    app.radio(key="pol_target").set_value("hours")
    app.number_input(key="pol_hours").set_value(2.0)
    app = apptest_helpers.click(app, "Save policy version")
    assert any("Saved Urgent requests" in message for message in apptest_helpers.successes(app))
    versions = policy_versions(app_db)
    assert versions.set_index("policy").loc["Urgent requests", "resolution_hours"] == 2.0
    app.text_input(key="pol_name").input("")
    app = apptest_helpers.click(app, "Save policy version")
    assert "Name the policy." in apptest_helpers.errors(app)
