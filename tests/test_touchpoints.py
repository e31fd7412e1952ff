"""Logging, validating, correcting and undoing touchpoints, and follow-ups."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from infodash.errors import NotAllowed, ValidationError
from infodash.touchpoints import (DUPLICATE_WINDOW, MAX_NOTE_CHARS, TouchpointDraft, delete_touchpoint,
                                  follow_ups_due, get_touchpoint, log_touchpoint, mark_follow_up_done,
                                  recent_touchpoints, update_touchpoint)
from tests.conftest import LONDON, at
from tests.people import staff

NOW = at("2026-11-23 12:00")


def draft(**changes) -> TouchpointDraft:
    values = dict(customer_id=3, channel="phone", kind="follow_up", minutes=15, read_level=3,
                  note="Discussed the market study", occurred_at=at("2026-11-23 11:40"),
                  follow_up_on=dt.date(2026, 11, 30))
    values.update(changes)
    return TouchpointDraft(**values)


def errors_for(store, entry: TouchpointDraft, author: str = "Ana Costa") -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        log_touchpoint(store, entry, staff(author), LONDON, now=NOW)
    return raised.value.errors


def test_a_valid_touchpoint_is_stored_and_audited(fixture_store):
    saved = log_touchpoint(fixture_store, draft(note="  Discussed the market study  "), staff("Ana Costa"), LONDON, now=NOW)
    assert saved.touchpoint_id == 6 and not saved.duplicate
    stored = get_touchpoint(fixture_store, 6)
    assert stored.draft == draft() and stored.created_by == "Ana Costa"
    with fixture_store.reading() as db:
        action, details = db.execute("SELECT action, details FROM audit_log WHERE entity_id = '6'").fetchone()
    assert action == "insert" and json.loads(details)["note"] == "Discussed the market study"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"customer_id": 999}, "customer_id", "Unknown customer"),
    ({"customer_id": 4}, "customer_id", "Unknown customer"),  # left the organisation
    ({"customer_id": None}, "customer_id", "Choose the customer"),
    ({"minutes": -5}, "minutes", "cannot be negative"),
    ({"minutes": 601}, "minutes", "At most 600 minutes"),
    ({"minutes": None}, "minutes", "Enter the minutes"),
    ({"follow_up_on": dt.date(2026, 11, 22)}, "follow_up_on", "in the past"),
    ({"note": "x" * (MAX_NOTE_CHARS + 1)}, "note", "1001 characters"),
    ({"occurred_at": at("2026-11-23 13:00")}, "occurred_at", "in the future"),
    ({"read_level": 7}, "read_level", "from 1 to 6"),
    ({"channel": "pigeon"}, "channel", "Choose a channel"),
    ({"kind": None}, "kind", "Choose what kind"),
    ({"service_id": 42}, "service_id", "Unknown service"),
])
def test_bad_input_is_rejected_with_a_message_for_its_field(fixture_store, changes, field, message):
    errors = errors_for(fixture_store, draft(**changes))
    assert list(errors) == [field] and message in errors[field]


def test_every_problem_is_reported_at_once_and_nothing_is_written(fixture_store):
    errors = errors_for(fixture_store, draft(customer_id=None, minutes=-1, note="y" * 2000), author=" ")
    assert set(errors) == {"author", "customer_id", "minutes", "note"}
    with fixture_store.reading() as db:
        assert db.execute("SELECT count(*) FROM touchpoints").fetchone()[0] == 5


def test_a_follow_up_today_and_a_late_entry_from_last_week_are_fine(fixture_store):
    saved = log_touchpoint(fixture_store, draft(follow_up_on=dt.date(2026, 11, 23), occurred_at=at("2026-11-16 10:00")),
                           staff("Ana Costa"), LONDON, now=NOW)
    assert get_touchpoint(fixture_store, saved.touchpoint_id).draft.occurred_at == at("2026-11-16 10:00")


def test_a_double_click_saves_once(fixture_store):
    first = log_touchpoint(fixture_store, draft(), staff("Ana Costa"), LONDON, now=NOW)
    second = log_touchpoint(fixture_store, draft(), staff("Ana Costa"), LONDON, now=NOW + dt.timedelta(seconds=1))
    assert second.duplicate and second.touchpoint_id == first.touchpoint_id
    # a form left on "now" sends another time with the second click: still the same contact
    clicked_again = log_touchpoint(fixture_store, draft(occurred_at=at("2026-11-23 11:39")),
                                   staff("Ana Costa"), LONDON, now=NOW + dt.timedelta(seconds=1))
    assert clicked_again.duplicate and clicked_again.touchpoint_id == first.touchpoint_id
    later = log_touchpoint(fixture_store, draft(), staff("Ana Costa"), LONDON, now=NOW + DUPLICATE_WINDOW * 2)
    assert not later.duplicate  # the same contact logged again later is a new entry
    other_customer = log_touchpoint(fixture_store, draft(customer_id=1), staff("Ana Costa"), LONDON,
                                    now=NOW + dt.timedelta(seconds=1))
    assert not other_customer.duplicate


def test_the_author_can_edit_and_the_old_values_are_audited(fixture_store):
    saved = log_touchpoint(fixture_store, draft(), staff("Ana Costa"), LONDON, now=NOW)
    update_touchpoint(fixture_store, saved.touchpoint_id, draft(minutes=45, note="Longer than I thought"),
                      staff("Ana Costa"), LONDON, now=NOW)
    assert get_touchpoint(fixture_store, saved.touchpoint_id).draft.minutes == 45
    with fixture_store.reading() as db:
        details = json.loads(db.execute("SELECT details FROM audit_log WHERE action = 'update'").fetchone()[0])
    assert details["before"]["minutes"] == 15 and details["after"]["note"] == "Longer than I thought"


def test_an_edit_may_keep_a_follow_up_date_that_has_since_passed(fixture_store):
    # touchpoint 1 (fixture) has a follow-up on 20 Nov, before NOW
    update_touchpoint(fixture_store, 1, TouchpointDraft(1, "email", "request", 12, 2, "", at("2026-11-17 10:00"),
                                                        dt.date(2026, 11, 20), 1), staff("Ana Costa"), LONDON, now=NOW)
    assert get_touchpoint(fixture_store, 1).draft.minutes == 12


def test_nobody_else_can_edit_or_undo_an_entry(fixture_store):
    saved = log_touchpoint(fixture_store, draft(), staff("Ana Costa"), LONDON, now=NOW)
    with pytest.raises(NotAllowed, match="Only Ana Costa"):
        update_touchpoint(fixture_store, saved.touchpoint_id, draft(minutes=1), staff("Ben Okafor"), LONDON, now=NOW)
    with pytest.raises(NotAllowed):
        delete_touchpoint(fixture_store, saved.touchpoint_id, staff("Ben Okafor"))
    assert get_touchpoint(fixture_store, saved.touchpoint_id).draft.minutes == 15


def test_undo_removes_the_entry_and_keeps_it_in_the_audit_log(fixture_store):
    saved = log_touchpoint(fixture_store, draft(note="Oops, wrong customer"), staff("Ana Costa"), LONDON, now=NOW)
    delete_touchpoint(fixture_store, saved.touchpoint_id, staff("Ana Costa"))
    assert get_touchpoint(fixture_store, saved.touchpoint_id) is None
    with fixture_store.reading() as db:
        details = json.loads(db.execute("SELECT details FROM audit_log WHERE action = 'delete'").fetchone()[0])
    assert details["note"] == "Oops, wrong customer"
    with pytest.raises(LookupError):
        delete_touchpoint(fixture_store, saved.touchpoint_id, staff("Ana Costa"))


def test_recent_entries_are_the_authors_newest_first(fixture_store):
    first = log_touchpoint(fixture_store, draft(), staff("Chloe Martin"), LONDON, now=NOW)
    second = log_touchpoint(fixture_store, draft(customer_id=1), staff("Chloe Martin"), LONDON, now=NOW + dt.timedelta(minutes=1))
    log_touchpoint(fixture_store, draft(customer_id=2), staff("Ben Okafor"), LONDON, now=NOW)
    recent = recent_touchpoints(fixture_store, "Chloe Martin", limit=2)
    assert recent["touchpoint_id"].tolist() == [second.touchpoint_id, first.touchpoint_id]
    assert recent["customer"].tolist() == ["Alice Adams", "Cara Clarke"]


def test_follow_ups_due_lists_overdue_and_today_but_not_done_or_future(fixture_store):
    due = follow_ups_due(fixture_store, "Ana Costa", dt.date(2026, 11, 23))
    # touchpoint 1 was due 20 Nov (3 days overdue), 2 is due today, 3 is done
    assert due["touchpoint_id"].tolist() == [1, 2]
    assert due["days_overdue"].tolist() == [3, 0]
    assert due["total_due"].tolist() == [2, 2]
    only_first = follow_ups_due(fixture_store, "Ana Costa", dt.date(2026, 11, 23), limit=1)
    assert only_first["touchpoint_id"].tolist() == [1] and only_first["total_due"].tolist() == [2]
    mark_follow_up_done(fixture_store, 1, staff("Ana Costa"), now=NOW)
    assert follow_ups_due(fixture_store, "Ana Costa", dt.date(2026, 11, 23))["touchpoint_id"].tolist() == [2]
    assert follow_ups_due(fixture_store, "Ben Okafor", dt.date(2026, 11, 23)).empty
