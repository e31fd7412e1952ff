"""The app's cached reads: a figure judged against the present is read again when a verdict or the day changes,
not every minute."""

from __future__ import annotations

import datetime as dt

from infodash.sla import evaluate_requests
from infodash.ui.store import _cached_judged_call, cached_judged
from tests.conftest import LONDON, at


def test_a_figure_judged_now_is_read_again_only_when_a_verdict_or_the_day_changes(sla_store):
    evaluate_requests(sla_store, as_of=at("2026-11-23 11:00"))
    _cached_judged_call.clear()
    read_at: list[dt.datetime] = []

    def figure(store, label: str, now: dt.datetime) -> str:
        read_at.append(now)
        return f"{label} as of {now:%H:%M}"

    def shown(moment: str) -> str:
        return cached_judged(figure, sla_store, "attainment", now=at(moment), time_zone=LONDON)

    assert shown("2026-11-23 11:00") == "attainment as of 11:00"
    assert shown("2026-11-23 12:00") == "attainment as of 11:00"  # an hour on, every verdict the same
    assert shown("2026-11-23 12:20") == "attainment as of 12:20"  # request 17 has fallen at risk
    assert shown("2026-11-23 18:00") == "attainment as of 18:00"  # 17 and 18 are past due
    assert shown("2026-11-23 23:30") == "attainment as of 18:00"  # the office is closed: nothing changes
    assert shown("2026-11-24 00:30") == "attainment as of 00:30"  # but a new day in London reads again
    assert len(read_at) == 4
    with sla_store.writing() as db:  # any change of the data reads again, whatever the verdicts
        db.execute("UPDATE requests SET subject = 'Renamed' WHERE request_id = 11")
    assert shown("2026-11-24 00:30") == "attainment as of 00:30" and len(read_at) == 5
