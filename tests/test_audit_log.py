"""Reading the audit log back: by person, by table and by time, newest first."""

from __future__ import annotations

import datetime as dt

from infodash import audit


def test_entries_are_filtered_by_person_table_and_time_and_counted(store):
    with store.writing() as db:
        for moment, actor, entity in (("2026-11-30 09:00", "Ana Costa", "services"),
                                      ("2026-12-01 10:00", "Ben Okafor", "touchpoints"),
                                      ("2026-12-02 11:00", "Ana Costa", "touchpoints")):
            audit.record(db, actor, "insert", entity, 1)
            db.execute("UPDATE audit_log SET logged_at = ?::TIMESTAMPTZ WHERE audit_id = (SELECT max(audit_id) "
                       "FROM audit_log)", [f"{moment}+00"])
    assert audit.entries(store)["actor"].tolist() == ["Ana Costa", "Ben Okafor", "Ana Costa"]  # newest first
    assert audit.entries(store, actor="Ana Costa")["entity"].tolist() == ["touchpoints", "services"]
    assert audit.entries(store, entity="touchpoints")["actor"].tolist() == ["Ana Costa", "Ben Okafor"]
    december = (dt.datetime(2026, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    assert audit.entries(store, start=december[0], end=december[1])["actor"].tolist() == ["Ben Okafor"]
    assert audit.entry_count(store, actor="Ana Costa") == 2 and len(audit.entries(store, limit=1)) == 1
    assert audit.who_and_what(store) == (["Ana Costa", "Ben Okafor"], ["services", "touchpoints"])
