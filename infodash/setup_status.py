"""How far a team's own database is set up: what the pages need before their figures mean anything, and
the day history starts (for a first service-level policy that judges all of it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from infodash.db import Store


@dataclass(frozen=True)
class SetupCounts:
    """What the organisation holds so far."""

    groups: int
    services: int
    customers: int
    staff: int
    calendars: int
    policies: int
    requests: int

    @property
    def has_organisation(self) -> bool:
        """Customer groups, services and customers: without them every review page is empty."""
        return bool(self.groups and self.services and self.customers)

    @property
    def complete(self) -> bool:
        """The organisation, and a calendar and policy to judge its requests by."""
        return self.has_organisation and bool(self.calendars and self.policies)


def setup_counts(store: Store) -> SetupCounts:
    """How many groups, services, active customers, active staff, calendars, policies and requests there are."""
    with store.reading() as db:
        return SetupCounts(*db.execute("""
            SELECT (SELECT count(*) FROM customer_groups), (SELECT count(*) FROM services WHERE active),
                   (SELECT count(*) FROM customers WHERE active), (SELECT count(*) FROM staff WHERE active),
                   (SELECT count(*) FROM calendars), (SELECT count(*) FROM sla_policies),
                   (SELECT count(*) FROM requests)
        """).fetchone())


def first_request_day(store: Store, time_zone: ZoneInfo) -> dt.date | None:
    """The local day the earliest request on file arrived (None without requests): a first policy taking
    effect then judges all imported history, where one taking effect today would judge none of it."""
    with store.reading() as db:
        first = db.execute("SELECT min(received_at) FROM requests").fetchone()[0]
    return None if first is None else first.astimezone(time_zone).date()


@dataclass(frozen=True)
class DataSpan:
    """The local days the organisation's activity (requests, touchpoints, survey answers, usage) spans."""

    first_day: dt.date
    last_day: dt.date


def data_span(store: Store, time_zone: ZoneInfo) -> DataSpan | None:
    """First and last local day that hold a request, touchpoint, survey response or usage event (None when the
    database holds none): pages offer every period in between, and open on the latest complete week of it."""
    with store.reading() as db:
        first, last = db.execute("""
            SELECT min(first), max(last) FROM (
                SELECT min(received_at) AS first, max(coalesce(closed_at, received_at)) AS last FROM requests
                UNION ALL SELECT min(occurred_at), max(occurred_at) FROM touchpoints
                UNION ALL SELECT min(submitted_at), max(submitted_at) FROM survey_responses
                UNION ALL SELECT min(occurred_at), max(occurred_at) FROM usage_events)
        """).fetchone()
    if first is None:
        return None
    return DataSpan(first.astimezone(time_zone).date(), last.astimezone(time_zone).date())
