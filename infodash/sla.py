"""Service levels: policies on business calendars, due times, and the verdict on every request.

A policy selects requests by service, priority and/or customer group (unset selectors match
all) and is versioned by ``effective_from``: each request is judged by the versions in force
on the day it arrived, and when several policies match, the strictest (earliest) deadline
applies. A target is a business duration, or a cut-off rule ("received before 14:00: by the end
of that business day; otherwise by 11:00 the next business day"), counted from the next opening
when a request arrives outside working hours. Time waiting on the customer or a vendor pauses
the clock where the policy says so, as often as the status history shows.

:func:`due_at` judges one request in Python; :func:`evaluate_requests` judges all of them in
DuckDB SQL (slots of each calendar with the business seconds before them, and ASOF JOINs) and
stores the verdicts in ``sla_results``. Attainment = met / (resolved + open and breached);
declined requests are excluded and counted apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from infodash.calendars import (Calendar, add_business_time, business_duration, business_slots,  # noqa: F401
                                next_opening)
from infodash.checks import plausible_range
from infodash.db import Store

PAUSING_STATUSES = ("waiting_customer", "waiting_vendor")
# An open request is at risk once less than this share of its allowed business time is left.
AT_RISK_SHARE = 0.2
ATTAINMENT_DEFINITION = ("Attainment = requests resolved within target / (requests resolved + open requests already "
                         "past their due time). Declined requests are excluded and counted apart.")


@dataclass(frozen=True)
class Policy:
    """One version of a service-level policy, with the calendar it counts on."""

    policy_id: int
    name: str
    effective_from: dt.date
    calendar_id: int
    calendar: Calendar
    service_id: int | None = None
    priority: str | None = None
    group_id: int | None = None
    first_response: dt.timedelta | None = None
    resolution: dt.timedelta | None = None
    cutoff: dt.time | None = None
    next_day_deadline: dt.time | None = None
    primary_target_share: float | None = None
    hard_limit: dt.timedelta | None = None
    pause_on_customer: bool = True
    pause_on_vendor: bool = True

    def __post_init__(self) -> None:
        if (self.cutoff is None) != (self.next_day_deadline is None):
            raise ValueError("a cut-off rule needs both the cut-off time and the next-day deadline")
        if self.resolution is None and self.cutoff is None:
            raise ValueError("a policy needs a resolution target: a business duration or a cut-off rule")


@dataclass(frozen=True)
class StatusChange:
    """One entry of a request's status history."""

    status: str
    changed_at: dt.datetime


def paused_business_time(history: Sequence[StatusChange], policy: Policy, until: dt.datetime) -> dt.timedelta:
    """Business time the request spent in statuses that pause ``policy``'s clock, up to ``until``."""
    pausing = {"waiting_customer"} if policy.pause_on_customer else set()
    if policy.pause_on_vendor:
        pausing.add("waiting_vendor")
    ordered = sorted(history, key=lambda change: change.changed_at)
    total = dt.timedelta(0)
    for change, following in zip(ordered, [*ordered[1:], None], strict=True):
        if change.status in pausing:
            end = min(following.changed_at if following else until, until)
            total += business_duration(change.changed_at, end, policy.calendar)
    return total


def due_at(received_at: dt.datetime, policy: Policy, history: Sequence[StatusChange] = (),
           until: dt.datetime | None = None) -> dt.datetime:
    """When a request received at ``received_at`` must be resolved under ``policy``.

    Pauses in ``history`` (up to ``until``, the resolution or "now") push the deadline back by
    their business time.
    """
    calendar = policy.calendar
    if policy.cutoff is not None:
        start = next_opening(received_at, calendar)
        local = start.astimezone(calendar.time_zone)
        if local.time() < policy.cutoff:
            due = calendar.slots_on(local.date())[-1][1]
        else:
            day = local.date() + dt.timedelta(days=1)
            while not calendar.is_working_day(day):
                day += dt.timedelta(days=1)
            due = dt.datetime.combine(day, policy.next_day_deadline, calendar.time_zone).astimezone(dt.UTC)
    else:
        due = add_business_time(received_at, policy.resolution, calendar)
    if history and until is not None:
        due = add_business_time(due, paused_business_time(history, policy, until), calendar)
    return due.astimezone(received_at.tzinfo)


def load_calendar(store: Store, calendar_id: int) -> Calendar:
    """The calendar as stored: time zone, working hours, holiday country/region and closures."""
    with store.reading() as db:
        return _load_calendar(db, calendar_id)


def _load_calendar(db: duckdb.DuckDBPyConnection, calendar_id: int) -> Calendar:
    row = db.execute("SELECT time_zone, country, subdivision FROM calendars WHERE calendar_id = ?",
                     [calendar_id]).fetchone()
    if row is None:
        raise LookupError(f"no calendar {calendar_id}")
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in db.execute(
            "SELECT weekday, opens_at, closes_at FROM calendar_hours WHERE calendar_id = ? ORDER BY 1, 2",
            [calendar_id]).fetchall():
        hours.setdefault(weekday, []).append((opens, closes))
    closures = frozenset(day for (day,) in db.execute(
        "SELECT day FROM calendar_closures WHERE calendar_id = ?", [calendar_id]).fetchall())
    return Calendar(ZoneInfo(row[0]), {day: tuple(slots) for day, slots in hours.items()}, row[1], row[2], closures)


def load_policies(store: Store) -> list[Policy]:
    """Every version of every policy, oldest first."""
    with store.reading() as db:
        rows = db.execute("""
            SELECT v.policy_id, p.name, v.effective_from, v.calendar_id, v.service_id, v.priority, v.group_id,
                   v.first_response_seconds, v.resolution_seconds, v.cutoff_time, v.next_day_deadline,
                   v.primary_target_share, v.hard_limit_seconds, v.pause_on_customer, v.pause_on_vendor
            FROM sla_policy_versions v JOIN sla_policies p USING (policy_id)
            ORDER BY v.policy_id, v.effective_from
        """).fetchall()
        calendars = {calendar_id: _load_calendar(db, calendar_id) for calendar_id in {row[3] for row in rows}}

    def seconds(value: int | None) -> dt.timedelta | None:
        return None if value is None else dt.timedelta(seconds=value)

    return [Policy(row[0], row[1], row[2], row[3], calendars[row[3]], row[4], row[5], row[6], seconds(row[7]),
                   seconds(row[8]), row[9], row[10], row[11], seconds(row[12]), row[13], row[14]) for row in rows]


@dataclass(frozen=True)
class EvaluationSummary:
    """What one evaluation run did."""

    requests: int  # verdicts stored
    seconds: float
    as_of: dt.datetime
    recomputed: bool
    judged: int = 0  # requests judged in this run (all of them, or only the changed and the open ones)


def evaluate_requests(store: Store, as_of: dt.datetime | None = None, force: bool = False) -> EvaluationSummary:
    """Judge requests against their policies in SQL and store the verdicts in ``sla_results``.

    Skipped (``recomputed`` false) when requests, their history and the policies are unchanged
    since the last run, unless ``force``. When only requests changed, just the changed and the
    still-open ones are judged again; a change of policies or calendars (or ``force``) judges all.
    Open requests are judged as of ``as_of`` (default now).
    """
    as_of = as_of or dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    if not force:
        with store.reading() as db:
            unchanged = _unchanged_since_last(db)
        if unchanged:
            return unchanged
    with store.writing() as db:
        unchanged = None if force else _unchanged_since_last(db)  # another process may have just done it
        if unchanged:
            return unchanged
        rules, data = _fingerprints(db)
        last = db.execute("SELECT fingerprint FROM sla_evaluations ORDER BY evaluated_at DESC LIMIT 1").fetchone()
        same_rules = last is not None and last[0].split(":")[0] == rules
        _set_aside_implausible(db)
        rebuilt = _refresh_slots(db, rebuild=force or not same_rules)
        incremental = not force and not rebuilt and same_rules
        judged = _judge(db, as_of, incremental)
        stored = db.execute("SELECT count(*) FROM sla_results").fetchone()[0]
        elapsed = time.perf_counter() - started
        db.execute("INSERT INTO sla_evaluations VALUES (now(), ?, ?, ?, ?)", [as_of, f"{rules}:{data}", stored, elapsed])
    return EvaluationSummary(stored, elapsed, as_of, recomputed=True, judged=judged)


def unjudgeable_requests(store: Store) -> list[int]:
    """Requests no calendar can judge, left out of every verdict: a time of theirs (received, first response,
    closed or a status change) lies before 1990 or more than a day ahead (:func:`infodash.checks.plausible_range`).
    Imports and forms refuse such times; these came in before they did, or by hand."""
    with store.reading() as db:
        return [row[0] for row in db.execute(_IMPLAUSIBLE_IDS, _plausible_bounds()).fetchall()]


_IMPLAUSIBLE = """
SELECT request_id FROM requests
WHERE NOT (received_at BETWEEN $earliest AND $latest)
   OR NOT coalesce(first_response_at BETWEEN $earliest AND $latest, true)
   OR NOT coalesce(closed_at BETWEEN $earliest AND $latest, true)
UNION
SELECT request_id FROM request_status_history WHERE NOT (changed_at BETWEEN $earliest AND $latest)
"""
_IMPLAUSIBLE_IDS = _IMPLAUSIBLE + " ORDER BY 1"
_SET_ASIDE_IMPLAUSIBLE = "CREATE OR REPLACE TEMP TABLE sla_unjudgeable AS " + _IMPLAUSIBLE


def _plausible_bounds() -> dict[str, dt.datetime]:
    earliest, latest = plausible_range()
    return {"earliest": earliest, "latest": latest}


def _set_aside_implausible(db: duckdb.DuckDBPyConnection) -> None:
    """Keep the requests no calendar can judge in the temporary table sla_unjudgeable, which judging skips."""
    db.execute(_SET_ASIDE_IMPLAUSIBLE, _plausible_bounds())


def _unchanged_since_last(db: duckdb.DuckDBPyConnection) -> EvaluationSummary | None:
    last = db.execute("SELECT fingerprint, as_of, requests FROM sla_evaluations ORDER BY evaluated_at DESC LIMIT 1"
                      ).fetchone()
    if last and last[0] == ":".join(_fingerprints(db)):
        return EvaluationSummary(last[2], 0.0, last[1], recomputed=False)
    return None


def _fingerprints(db: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """Cheap digests of (the rules: policies and calendars) and (the data: requests and their history)."""
    parts = db.execute("""
        SELECT (SELECT coalesce(sum(hash(t)), 0) FROM sla_policy_versions t),
               (SELECT coalesce(sum(hash(t)), 0) FROM calendar_hours t),
               (SELECT coalesce(sum(hash(t)), 0) FROM calendar_closures t),
               (SELECT coalesce(sum(hash(t)), 0) FROM calendars t),
               (SELECT count(*) || ':' || coalesce(max(request_id), 0) || ':' || coalesce(sum(hash(status, closed_at,
                       first_response_at, received_at, service_id, priority, customer_id)), 0) FROM requests),
               (SELECT count(*) || ':' || coalesce(max(changed_at)::VARCHAR, '') FROM request_status_history),
               (SELECT coalesce(sum(hash(customer_id, group_id)), 0) FROM customers)
    """).fetchone()

    def digest(values: tuple) -> str:
        return hashlib.sha256("|".join(str(value) for value in values).encode()).hexdigest()

    return digest(parts[:4]), digest(parts[4:])


def _refresh_slots(db: duckdb.DuckDBPyConnection, rebuild: bool) -> bool:
    """Make every used calendar's slots cover the requests' span with room for due times; ``rebuild``
    them regardless after a change of calendars or policies.

    Returns True when the slots were rebuilt: business seconds then count from a new origin, so
    every stored verdict must be judged again.
    """
    span = db.execute("SELECT min(received_at), max(coalesce(closed_at, received_at)) FROM requests "
                      "WHERE request_id NOT IN (SELECT request_id FROM sla_unjudgeable)").fetchone()
    if span[0] is None:
        db.execute("DELETE FROM calendar_slots")
        return True
    wanted = {}
    for (calendar_id,) in db.execute("SELECT DISTINCT calendar_id FROM sla_policy_versions").fetchall():
        calendar = _load_calendar(db, calendar_id)
        first = span[0].astimezone(calendar.time_zone).date()
        last = max(span[1], dt.datetime.now(dt.UTC)).astimezone(calendar.time_zone).date() + dt.timedelta(days=30)
        wanted[calendar_id] = (calendar, first, last)
    present = {row[0]: row[1:] for row in db.execute(
        "SELECT calendar_id, min(day), max(day) FROM calendar_slots GROUP BY 1").fetchall()}
    # slots are built from a week before the first request to three months after "now + 30 days"
    if not rebuild and present.keys() == wanted.keys() and all(
            present[key][0] <= first and present[key][1] >= last for key, (_, first, last) in wanted.items()):
        return False
    db.execute("DELETE FROM calendar_slots")
    for calendar_id, (calendar, first, last) in wanted.items():
        slots = pd.DataFrame(
            [(calendar_id, slot.opens.astimezone(calendar.time_zone).date(), slot.opens, slot.closes,
              slot.seconds_before)
             for slot in business_slots(calendar, first - dt.timedelta(days=7), last + dt.timedelta(days=90))],
            columns=["calendar_id", "day", "opens", "closes", "seconds_before"])
        db.register("new_slots", slots)
        db.execute("INSERT INTO calendar_slots SELECT * FROM new_slots")
        db.unregister("new_slots")
    return True


# Each step is a temporary table, so DuckDB computes it once for the steps that reuse it.
_JUDGING_STEPS = (
    # business seconds at instant t, given the slot an ASOF JOIN found for it (the last opening at or before t)
    """CREATE OR REPLACE TEMP MACRO seconds_at(slot_seconds_before, slot_opens, slot_closes, t) AS
       coalesce(slot_seconds_before + least(greatest(epoch(t - slot_opens), 0), epoch(slot_closes - slot_opens)), 0)""",
    # each policy's version in force on the day a request arrived, kept where its selectors match
    """CREATE OR REPLACE TEMP TABLE sla_candidate AS
       WITH in_force AS (
           SELECT r.request_id, r.received_at, r.closed_at, r.status, r.first_response_at, r.service_id,
                  r.priority AS request_priority, c.group_id AS request_group, v.*, cal.time_zone
           FROM requests r JOIN customers c USING (customer_id)
           CROSS JOIN sla_policy_versions v
           JOIN calendars cal ON cal.calendar_id = v.calendar_id
           WHERE v.effective_from <= CAST(timezone(cal.time_zone, r.received_at) AS DATE) {scope}
             AND r.request_id NOT IN (SELECT request_id FROM sla_unjudgeable)
           QUALIFY row_number() OVER (PARTITION BY r.request_id, v.policy_id ORDER BY v.effective_from DESC) = 1
       )
       SELECT request_id, received_at, closed_at, status, first_response_at, policy_id, effective_from,
              calendar_id, time_zone, first_response_seconds, resolution_seconds, cutoff_time, next_day_deadline,
              hard_limit_seconds, pause_on_customer, pause_on_vendor
       FROM in_force
       WHERE (service_id_1 IS NULL OR service_id_1 = service_id)
         AND (priority IS NULL OR priority = request_priority)
         AND (group_id IS NULL OR group_id = request_group)""",
    # where the clock starts: at receipt, or at the next opening (the first slot closing after receipt)
    """CREATE OR REPLACE TEMP TABLE sla_started AS
       SELECT c.*, s.day AS start_day, greatest(c.received_at, s.opens) AS start_at,
              s.seconds_before + greatest(epoch(c.received_at - s.opens), 0) AS received_seconds
       FROM sla_candidate c ASOF JOIN calendar_slots s ON c.calendar_id = s.calendar_id AND c.received_at < s.closes""",
    # the cut-off rule's deadline: close of the start day, or the deadline time on the next working day
    """CREATE OR REPLACE TEMP TABLE sla_cutoff AS
       WITH working_day AS (
           SELECT calendar_id, day, max(closes) AS last_close,
                  lead(day) OVER (PARTITION BY calendar_id ORDER BY day) AS next_day
           FROM calendar_slots GROUP BY calendar_id, day
       )
       SELECT st.*,
              CASE WHEN st.cutoff_time IS NULL THEN NULL
                   WHEN CAST(timezone(st.time_zone, st.start_at) AS TIME) < st.cutoff_time THEN d.last_close
                   ELSE timezone(st.time_zone, d.next_day + st.next_day_deadline) END AS cutoff_due_at
       FROM sla_started st JOIN working_day d ON d.calendar_id = st.calendar_id AND d.day = st.start_day""",
    # spells in a pausing status, each closed by the next change, the resolution or "as of"
    """CREATE OR REPLACE TEMP TABLE sla_pause AS
       WITH spell AS (
           SELECT h.request_id, h.status, h.changed_at AS pause_start,
                  lead(h.changed_at) OVER (PARTITION BY h.request_id ORDER BY h.changed_at) AS next_change
           FROM request_status_history h
       ), bounded AS (
           SELECT s.request_id, s.status, s.pause_start,
                  least(coalesce(s.next_change, r.closed_at, $as_of), coalesce(r.closed_at, $as_of)) AS pause_end
           FROM spell s JOIN requests r USING (request_id)
           WHERE s.status IN ('waiting_customer', 'waiting_vendor')
       ), per_calendar AS (
           SELECT DISTINCT b.*, c.calendar_id FROM bounded b JOIN sla_candidate c USING (request_id)
       )
       SELECT p.request_id, p.calendar_id, p.status,
              greatest(seconds_at(e.seconds_before, e.opens, e.closes, p.pause_end)
                       - seconds_at(s.seconds_before, s.opens, s.closes, p.pause_start), 0) AS seconds
       FROM per_calendar p
       ASOF LEFT JOIN calendar_slots s ON p.calendar_id = s.calendar_id AND p.pause_start >= s.opens
       ASOF LEFT JOIN calendar_slots e ON p.calendar_id = e.calendar_id AND p.pause_end >= e.opens""",
    # due time of every candidate on the business-second scale, pauses added
    """CREATE OR REPLACE TEMP TABLE sla_due AS
       WITH paused AS (
           SELECT c.request_id, c.policy_id,
                  coalesce(sum(p.seconds) FILTER ((p.status = 'waiting_customer' AND c.pause_on_customer)
                                                  OR (p.status = 'waiting_vendor' AND c.pause_on_vendor)), 0)
                      AS paused_seconds
           FROM sla_cutoff c LEFT JOIN sla_pause p ON p.request_id = c.request_id AND p.calendar_id = c.calendar_id
           GROUP BY c.request_id, c.policy_id
       )
       SELECT c.*, p.paused_seconds,
              CASE WHEN c.cutoff_due_at IS NULL THEN c.received_seconds + c.resolution_seconds
                   ELSE seconds_at(s.seconds_before, s.opens, s.closes, c.cutoff_due_at) END
                  + p.paused_seconds AS due_seconds
       FROM sla_cutoff c JOIN paused p USING (request_id, policy_id)
       ASOF LEFT JOIN calendar_slots s ON c.calendar_id = s.calendar_id AND c.cutoff_due_at >= s.opens""",
    # back from business seconds to instants; a deadline ending exactly at a closing time is that closing time
    """CREATE OR REPLACE TEMP TABLE sla_due_at AS
       SELECT d.*,
              CASE WHEN d.cutoff_due_at IS NOT NULL AND d.paused_seconds = 0 THEN d.cutoff_due_at
                   ELSE s.opens + to_seconds(d.due_seconds - s.seconds_before) END AS due_at
       FROM sla_due d ASOF JOIN calendar_slots s ON d.calendar_id = s.calendar_id AND d.due_seconds > s.seconds_before""",
    # the strictest deadline wins; then the verdict
    """INSERT INTO sla_results
       WITH chosen AS (
           SELECT *, CASE WHEN status = 'resolved' THEN closed_at ELSE $as_of END AS end_at,
                  received_seconds + hard_limit_seconds + paused_seconds AS hard_seconds,
                  received_seconds + first_response_seconds AS first_response_seconds_due
           FROM sla_due_at
           QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY due_at, policy_id) = 1
       ), measured AS (
           SELECT c.*, seconds_at(e.seconds_before, e.opens, e.closes, c.end_at) AS end_seconds,
                  h.opens + to_seconds(c.hard_seconds - h.seconds_before) AS hard_due_at,
                  f.opens + to_seconds(c.first_response_seconds_due - f.seconds_before) AS first_response_due_at
           FROM chosen c
           ASOF LEFT JOIN calendar_slots e ON c.calendar_id = e.calendar_id AND c.end_at >= e.opens
           ASOF LEFT JOIN calendar_slots h ON c.calendar_id = h.calendar_id AND c.hard_seconds > h.seconds_before
           ASOF LEFT JOIN calendar_slots f
             ON c.calendar_id = f.calendar_id AND c.first_response_seconds_due > f.seconds_before
       ), responded AS (
           SELECT m.*,
                  CASE WHEN m.answered_at IS NOT NULL THEN greatest(
                      seconds_at(r.seconds_before, r.opens, r.closes, m.answered_at) - m.received_seconds, 0) END
                      AS first_response_taken
           FROM (SELECT *, coalesce(first_response_at, CASE WHEN status = 'resolved' THEN closed_at END) AS answered_at
                 FROM measured) m
           ASOF LEFT JOIN calendar_slots r ON m.calendar_id = r.calendar_id AND m.answered_at >= r.opens
       )
       SELECT request_id, policy_id, effective_from, calendar_id, due_at, due_seconds,
              due_seconds - received_seconds AS allowed_seconds, hard_due_at, first_response_due_at,
              CASE WHEN first_response_due_at IS NULL THEN NULL
                   ELSE coalesce(first_response_at, CASE WHEN status = 'resolved' THEN closed_at END, $as_of)
                        <= first_response_due_at END AS first_response_met,
              CASE WHEN status <> 'declined' THEN greatest(end_seconds - received_seconds - paused_seconds, 0) END
                  AS business_seconds,
              paused_seconds,
              CASE WHEN status <> 'declined' THEN due_seconds - end_seconds END AS margin_seconds,
              CASE WHEN status = 'declined' THEN 'declined'
                   WHEN status = 'resolved' THEN CASE WHEN closed_at <= due_at THEN 'met' ELSE 'breached' END
                   WHEN $as_of > due_at THEN 'open_breached'
                   WHEN due_seconds - end_seconds <= $at_risk * (due_seconds - received_seconds - paused_seconds)
                       THEN 'open_at_risk'
                   ELSE 'open_on_track' END AS outcome,
              CASE WHEN hard_due_at IS NULL OR status = 'declined' THEN NULL ELSE end_at <= hard_due_at END
                  AS within_hard_limit,
              CASE WHEN status <> 'declined' THEN first_response_taken END AS first_response_seconds,
              (SELECT signature FROM sla_signature g WHERE g.request_id = responded.request_id) AS signature
       FROM responded""",
)


# What each request looks like now, as far as its verdict is concerned.
_SIGNATURES = """
CREATE OR REPLACE TEMP TABLE sla_signature AS
SELECT r.request_id, hash(r.status, r.closed_at, r.first_response_at, r.received_at, r.service_id, r.priority,
                          c.group_id, coalesce(h.changes, 0)) AS signature
FROM requests r JOIN customers c USING (customer_id)
LEFT JOIN (SELECT request_id, sum(hash(status, changed_at)) AS changes FROM request_status_history GROUP BY 1) h
USING (request_id)
"""
# Requests to judge again: new ones, changed ones, and open ones (their verdict moves with time).
_CHANGED = """
CREATE OR REPLACE TEMP TABLE sla_scope AS
SELECT s.request_id FROM sla_signature s LEFT JOIN sla_results x USING (request_id)
WHERE x.request_id IS NULL OR x.signature IS DISTINCT FROM s.signature OR x.outcome LIKE 'open%'
"""


def _judge(db: duckdb.DuckDBPyConnection, as_of: dt.datetime, incremental: bool) -> int:
    """Judge every request, or (``incremental``) only the new, changed and open ones; returns how many."""
    db.execute(_SIGNATURES)
    if incremental:
        db.execute(_CHANGED)
        db.execute("DELETE FROM sla_results WHERE request_id IN (SELECT request_id FROM sla_scope) "
                   "OR request_id NOT IN (SELECT request_id FROM sla_signature)")
        scope = "AND r.request_id IN (SELECT request_id FROM sla_scope)"
    else:
        db.execute("DELETE FROM sla_results")
        scope = ""
    before = db.execute("SELECT count(*) FROM sla_results").fetchone()[0]
    for step in _JUDGING_STEPS:
        wanted = {name: value for name, value in (("as_of", as_of), ("at_risk", AT_RISK_SHARE)) if f"${name}" in step}
        db.execute(step.replace("{scope}", scope), wanted)
    return db.execute("SELECT count(*) FROM sla_results").fetchone()[0] - before
