"""Retention periods: usage events and notes older than them go; a dry run says what would go."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash import retention
from infodash.accounts import Account
from infodash.cli import main
from infodash.errors import ValidationError
from infodash.permissions import NotAllowed

LEAD = Account(1, "ana.costa@example.org", "Ana Costa", "lead")
NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def kept(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO systems (system_id, name, kind) VALUES (99, 'Old intranet', 'intranet') "
                   "ON CONFLICT DO NOTHING")
        db.execute("""
            INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action)
            VALUES (TIMESTAMPTZ '2024-11-30 10:00+00', 99, 'old', 1, 'view'),   -- 24 months and 4 days before
                   (TIMESTAMPTZ '2024-12-05 10:00+00', 99, 'old', 1, 'view')    -- just inside 24 months
        """)
        db.execute("UPDATE touchpoints SET note = 'Old note', occurred_at = TIMESTAMPTZ '2023-01-10 10:00+00' "
                   "WHERE touchpoint_id = (SELECT min(touchpoint_id) FROM touchpoints)")
        db.execute("""
            INSERT INTO feedback_items (kind, category, customer_id, contact_email, description, status, received_at,
                                        response, source, created_by)
            VALUES ('complaint', 'staff', 1, 'alice@example.org', 'Old complaint about Ben', 'resolved',
                    TIMESTAMPTZ '2023-02-01 10:00+00', 'Spoke to Ben', 'public_form', 'public form'),  -- 34 months old
                   ('suggestion', 'other', 1, NULL, 'Recent idea', 'received',
                    TIMESTAMPTZ '2024-01-01 10:00+00', NULL, 'staff', 'Ana Costa')                     -- kept
        """)
    return fixture_store


def test_nothing_goes_until_a_period_is_set(kept):
    planned = retention.plan(kept, NOW)
    assert (planned.usage_events, planned.notes) == (0, 0)
    assert planned.in_words(done=False) == [
        "no retention period is set: nothing is removed (set --usage-months or --notes-months)"]


def test_a_dry_run_counts_and_applying_removes_exactly_that(kept):
    retention.set_periods(kept, 24, 36, LEAD)
    with kept.reading() as db:
        events_before = db.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    planned = retention.plan(kept, NOW)
    assert planned.usage_before == dt.datetime(2024, 12, 4, 9, 0, tzinfo=dt.UTC)
    assert (planned.usage_events, planned.notes) == (1, 2)  # the touchpoint note and the old feedback message
    assert planned.in_words(done=False) == ["would delete 1 usage event before 2024-12-04",
                                            "would clear 2 notes written before 2023-12-04"]
    done = retention.apply(kept, LEAD, NOW)
    assert (done.usage_events, done.notes) == (1, 2)
    with kept.reading() as db:
        assert db.execute("SELECT count(*) FROM usage_events").fetchone()[0] == events_before - 1
        assert db.execute("SELECT count(*) FROM touchpoints WHERE note = 'Old note'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM touchpoints WHERE occurred_at < '2023-02-01'").fetchone()[0] == 1
        assert db.execute("SELECT actor FROM audit_log WHERE action = 'retention'").fetchall() == [("Ana Costa",)]
        assert db.execute("SELECT kind, description, contact_email, response FROM feedback_items "
                          "ORDER BY received_at").fetchall() == [
            ("complaint", retention.CLEARED_FEEDBACK, None, retention.CLEARED_FEEDBACK),  # still counted
            ("suggestion", "Recent idea", None, None)]
    assert (retention.plan(kept, NOW).usage_events, retention.plan(kept, NOW).notes) == (0, 0)


def test_periods_are_checked_and_only_a_lead_sets_or_applies_them(kept):
    with pytest.raises(ValidationError) as raised:
        retention.set_periods(kept, 0, 500, LEAD)
    assert set(raised.value.errors) == {"usage_months", "notes_months"}
    staff = Account(2, "ben@example.org", "Ben Okafor", "staff")
    with pytest.raises(NotAllowed):
        retention.set_periods(kept, 12, None, staff)
    with pytest.raises(NotAllowed):
        retention.apply(kept, staff, NOW)


def test_the_retention_command_sets_the_periods_and_says_what_it_did(kept, capsys):
    # The command judges against today's clock, so the two old events sit either side of ten years before today
    # (the fixture's own events, from 2026, stay inside ten years until 2036).
    with kept.writing() as db:
        db.execute("UPDATE usage_events SET occurred_at = now() - INTERVAL 120 MONTH - INTERVAL 4 DAY "
                   "WHERE occurred_at = TIMESTAMPTZ '2024-11-30 10:00+00'")
        db.execute("UPDATE usage_events SET occurred_at = now() - INTERVAL 120 MONTH + INTERVAL 4 DAY "
                   "WHERE occurred_at = TIMESTAMPTZ '2024-12-05 10:00+00'")
    path = str(kept.path)
    assert main(["--db", path, "retention", "--usage-months", "120", "--dry-run"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("would delete 1 usage event before ")
    assert main(["--db", path, "retention"]) == 0
    assert capsys.readouterr().out.startswith("deleted 1 usage event before ")
    assert main(["--db", path, "retention", "--notes-months", "0"]) == 65
    assert "--notes-months: Give a whole number of months from 1 to 240." in capsys.readouterr().err
