"""Sixteen people logging at once through one server (one Store shared by every session, as the app's
cached store is): every touchpoint is stored once, none is lost, and nobody sees an error."""

from __future__ import annotations

import datetime as dt
import threading

from infodash.touchpoints import TouchpointDraft, log_touchpoint
from tests.conftest import LONDON
from tests.people import staff

SESSIONS = 16
ENTRIES_EACH = 5


def test_sixteen_sessions_logging_at_once_lose_no_row(fixture_store):
    start = threading.Barrier(SESSIONS)  # everyone saves at the same moment, not one after another
    failures: list[BaseException] = []
    when = dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)

    def session(person: int) -> None:
        try:
            start.wait(timeout=60)
            for entry in range(ENTRIES_EACH):
                draft = TouchpointDraft((1, 2, 3, 5)[(person + entry) % 4], "email", "follow_up", 5 + entry, 2,
                                        f"Session {person} entry {entry}", when)
                log_touchpoint(fixture_store, draft, staff(f"Person {person}"), LONDON, now=when + dt.timedelta(hours=1))
        except BaseException as error:  # noqa: BLE001 - any failure in a session fails the test
            failures.append(error)

    threads = [threading.Thread(target=session, args=(person,)) for person in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with fixture_store.reading() as db:
        stored = db.execute("SELECT created_by, note FROM touchpoints WHERE note LIKE 'Session %'").fetchall()
    assert len(stored) == len(set(stored)) == SESSIONS * ENTRIES_EACH
