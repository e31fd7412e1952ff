"""Service levels: policies on business calendars, due times, and the verdict on every request.

A policy selects requests by service, priority and/or customer group (unset selectors match
all) and is versioned by ``effective_from``: each request is judged by the versions in force
on the day it arrived, and when several policies match, the strictest (earliest) deadline
applies. A target is a business duration, or a cut-off rule ("received before 14:00: by the end
of that business day; otherwise by 11:00 the next business day"), counted from the next opening
when a request arrives outside working hours. Time waiting on the customer or a vendor pauses
the clock where the policy says so, as often as the status history shows.

:func:`due_at` judges one request in Python; :func:`evaluate_requests` judges all of them in
DuckDB SQL (slots of each calendar with the business seconds before them, found for each instant
through an index of the slots by the hour) and stores the verdicts in ``sla_results``.
Attainment = met / (resolved + open and breached); declined requests are excluded and counted apart.
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


# Every calendar's slots, listed under each hour (since the epoch, and of business time) that a lookup may need
# them for, so that the judging finds the slot of an instant or of a business second with a hash join on the
# hour: an ASOF JOIN sorts all its rows first, and the judging looks up several instants for each of a million
# requests. Instants and business seconds beyond the slots count as the first or last hour of the index, whose
# slots reach out to them. These are the hours the index spans.
_SLOT_INDEX_SPAN = """
SELECT min(epoch_us(opens)) // 3600000000 AS first_hour, max(epoch_us(opens)) // 3600000000 AS last_hour,
       max(seconds_before) // 3600 AS last_business_hour
FROM calendar_slots
"""
# Each step is a temporary table, so DuckDB computes it once for the steps that reuse it.
_JUDGING_STEPS = (
    # business seconds at instant t, in the slot found for it (the last opening at or before t)
    """CREATE OR REPLACE TEMP MACRO seconds_at(slot_seconds_before, slot_opens, slot_closes, t) AS
       coalesce(slot_seconds_before + least(greatest(epoch_us(t) - epoch_us(slot_opens), 0),
                                            epoch_us(slot_closes) - epoch_us(slot_opens)) / 1e6, 0)""",
    # the hour under which the slot index lists instant t, and business second s
    """CREATE OR REPLACE TEMP MACRO slot_hour(t, first_hour, last_hour) AS
       least(greatest(epoch_us(t) // 3600000000, first_hour), last_hour)""",
    """CREATE OR REPLACE TEMP MACRO business_hour(s, last_hour) AS
       least(greatest(CAST(floor(s / 3600) AS BIGINT), 0), last_hour)""",
    # a slot is the last opened from its opening until the next one opens, and the next to close from the
    # previous slot's close until its own: it is listed under every hour of both spans
    """CREATE OR REPLACE TEMP TABLE sla_slot_by_hour AS
       WITH neighbours AS (
           SELECT *, lag(closes) OVER (PARTITION BY calendar_id ORDER BY closes) AS previous_closes,
                  lead(opens) OVER (PARTITION BY calendar_id ORDER BY opens) AS next_opens
           FROM calendar_slots
       )
       SELECT calendar_id, day, opens, closes, seconds_before,
              coalesce(previous_closes, '-infinity') AS previous_closes, coalesce(next_opens, 'infinity') AS next_opens,
              unnest(range(CASE WHEN previous_closes IS NULL THEN $first_hour
                                ELSE slot_hour(least(previous_closes, opens), $first_hour, $last_hour) END,
                           CASE WHEN next_opens IS NULL THEN $last_hour
                                ELSE slot_hour(greatest(next_opens, closes), $first_hour, $last_hour) END + 1)) AS hour
       FROM neighbours""",
    # on the business-second scale, a slot holds the seconds after its own up to the next slot's
    """CREATE OR REPLACE TEMP TABLE sla_slot_by_business_hour AS
       WITH neighbours AS (
           SELECT *, lead(seconds_before) OVER (PARTITION BY calendar_id ORDER BY seconds_before)
                         AS next_seconds_before
           FROM calendar_slots
       )
       SELECT calendar_id, opens, seconds_before,
              coalesce(next_seconds_before, 'infinity'::DOUBLE) AS next_seconds_before,
              unnest(range(business_hour(seconds_before, $last_business_hour),
                           CASE WHEN next_seconds_before IS NULL THEN $last_business_hour
                                ELSE business_hour(next_seconds_before, $last_business_hour) END + 1))
                  AS business_hour
       FROM neighbours""",
    # each policy's version in force on the day a request in scope arrived, where its selectors match: the
    # version none of whose later versions had started, each counted in its own calendar's time zone (ranking
    # a million requests' versions costs more than the rest of the judging); and where the clock starts: at
    # receipt, or at the next opening (the first slot closing after receipt)
    """CREATE OR REPLACE TEMP TABLE sla_candidate AS
       WITH version AS (
           SELECT v.*, cal.time_zone,
                  list({'effective_from': later.effective_from, 'time_zone': later_calendar.time_zone})
                      FILTER (later.policy_id IS NOT NULL) AS later_versions
           FROM sla_policy_versions v JOIN calendars cal USING (calendar_id)
           LEFT JOIN sla_policy_versions later
             ON later.policy_id = v.policy_id AND later.effective_from > v.effective_from
           LEFT JOIN calendars later_calendar ON later_calendar.calendar_id = later.calendar_id
           GROUP BY ALL
       ), candidate AS (
           SELECT r.request_id, r.received_at, r.closed_at, r.status, r.first_response_at, v.policy_id,
                  v.effective_from, v.calendar_id
           FROM (SELECT * FROM requests
                 WHERE request_id NOT IN (SELECT request_id FROM sla_unjudgeable) AND {in_scope}) r
           JOIN customers c USING (customer_id) CROSS JOIN version v
           WHERE v.effective_from <= CAST(timezone(v.time_zone, r.received_at) AS DATE)
             AND list_bool_or(list_transform(v.later_versions, lambda later:
                     later.effective_from <= CAST(timezone(later.time_zone, r.received_at) AS DATE))) IS NOT TRUE
             AND (v.service_id IS NULL OR v.service_id = r.service_id)
             AND (v.priority IS NULL OR v.priority = r.priority)
             AND (v.group_id IS NULL OR v.group_id = c.group_id)
       )
       SELECT c.*, s.day AS start_day, greatest(c.received_at, s.opens) AS start_at,
              s.seconds_before + greatest(epoch_us(c.received_at) - epoch_us(s.opens), 0) / 1e6 AS received_seconds
       FROM candidate c JOIN sla_slot_by_hour s
         ON s.calendar_id = c.calendar_id AND s.hour = slot_hour(c.received_at, $first_hour, $last_hour)
        AND c.received_at >= s.previous_closes AND c.received_at < s.closes""",
    # the cut-off rule's two deadlines for a clock starting on each working day: the close of that day, or the
    # deadline time on the next working day; each also on the business-second scale
    """CREATE OR REPLACE TEMP TABLE sla_cutoff_deadline AS
       WITH working_day AS (
           SELECT calendar_id, day, max(closes) AS last_close,
                  lead(day) OVER (PARTITION BY calendar_id ORDER BY day) AS next_day
           FROM calendar_slots GROUP BY calendar_id, day
       ), deadline AS (
           SELECT v.policy_id, v.effective_from, v.calendar_id, d.day AS start_day, v.cutoff_time, cal.time_zone,
                  d.last_close AS same_day_due_at,
                  timezone(cal.time_zone, d.next_day + v.next_day_deadline) AS next_day_due_at
           FROM sla_policy_versions v JOIN calendars cal USING (calendar_id) JOIN working_day d USING (calendar_id)
           WHERE v.cutoff_time IS NOT NULL
       )
       SELECT d.*, seconds_at(a.seconds_before, a.opens, a.closes, d.same_day_due_at) AS same_day_due_seconds,
              seconds_at(n.seconds_before, n.opens, n.closes, d.next_day_due_at) AS next_day_due_seconds
       FROM deadline d
       LEFT JOIN sla_slot_by_hour a
         ON a.calendar_id = d.calendar_id AND a.hour = slot_hour(d.same_day_due_at, $first_hour, $last_hour)
        AND d.same_day_due_at >= a.opens AND d.same_day_due_at < a.next_opens
       LEFT JOIN sla_slot_by_hour n
         ON n.calendar_id = d.calendar_id AND n.hour = slot_hour(d.next_day_due_at, $first_hour, $last_hour)
        AND d.next_day_due_at >= n.opens AND d.next_day_due_at < n.next_opens""",
    # business seconds each request spent waiting on the customer and on a vendor, per calendar: spells in a
    # pausing status, each closed by the next change, the resolution or "as of"
    """CREATE OR REPLACE TEMP TABLE sla_pause AS
       WITH spell AS (
           SELECT h.request_id, h.status, h.changed_at AS pause_start,
                  lead(h.changed_at) OVER (PARTITION BY h.request_id ORDER BY h.changed_at) AS next_change
           FROM request_status_history h
           WHERE h.request_id IN (SELECT request_id FROM request_status_history
                                  WHERE status IN ('waiting_customer', 'waiting_vendor')
                                    AND request_id IN (SELECT request_id FROM sla_candidate))
       ), bounded AS (
           SELECT s.request_id, s.status, s.pause_start,
                  least(coalesce(s.next_change, r.closed_at, $as_of), coalesce(r.closed_at, $as_of)) AS pause_end
           FROM spell s JOIN requests r USING (request_id)
           WHERE s.status IN ('waiting_customer', 'waiting_vendor')
       ), per_calendar AS (
           SELECT DISTINCT b.*, c.calendar_id FROM bounded b JOIN sla_candidate c USING (request_id)
       ), spell_seconds AS (
           SELECT p.request_id, p.calendar_id, p.status,
                  greatest(seconds_at(e.seconds_before, e.opens, e.closes, p.pause_end)
                           - seconds_at(s.seconds_before, s.opens, s.closes, p.pause_start), 0) AS seconds
           FROM per_calendar p
           LEFT JOIN sla_slot_by_hour s
             ON s.calendar_id = p.calendar_id AND s.hour = slot_hour(p.pause_start, $first_hour, $last_hour)
            AND p.pause_start >= s.opens AND p.pause_start < s.next_opens
           LEFT JOIN sla_slot_by_hour e
             ON e.calendar_id = p.calendar_id AND e.hour = slot_hour(p.pause_end, $first_hour, $last_hour)
            AND p.pause_end >= e.opens AND p.pause_end < e.next_opens
       )
       SELECT request_id, calendar_id, sum(seconds) FILTER (status = 'waiting_customer') AS customer_seconds,
              sum(seconds) FILTER (status = 'waiting_vendor') AS vendor_seconds
       FROM spell_seconds GROUP BY request_id, calendar_id""",
    # due time of every candidate, pauses added, on the business-second scale and back as an instant (a
    # deadline ending exactly at a closing time is that closing time)
    """CREATE OR REPLACE TEMP TABLE sla_due AS
       WITH target AS (
           SELECT c.request_id, c.closed_at, c.status, c.first_response_at, c.policy_id, c.effective_from,
                  c.calendar_id, c.received_seconds, v.resolution_seconds, v.hard_limit_seconds,
                  v.first_response_seconds,
                  coalesce(CASE WHEN v.pause_on_customer THEN p.customer_seconds END, 0)
                      + coalesce(CASE WHEN v.pause_on_vendor THEN p.vendor_seconds END, 0) AS paused_seconds,
                  CAST(timezone(k.time_zone, c.start_at) AS TIME) < k.cutoff_time AS before_cutoff,
                  k.same_day_due_at, k.same_day_due_seconds, k.next_day_due_at, k.next_day_due_seconds
           FROM sla_candidate c JOIN sla_policy_versions v USING (policy_id, effective_from)
           LEFT JOIN sla_cutoff_deadline k USING (policy_id, effective_from, start_day)
           LEFT JOIN sla_pause p ON p.request_id = c.request_id AND p.calendar_id = c.calendar_id
       ), cutoff AS (
           SELECT * EXCLUDE (before_cutoff, same_day_due_at, same_day_due_seconds, next_day_due_at,
                             next_day_due_seconds),
                  CASE WHEN before_cutoff THEN same_day_due_at ELSE next_day_due_at END AS cutoff_due_at,
                  CASE WHEN before_cutoff THEN same_day_due_seconds ELSE next_day_due_seconds END AS cutoff_due_seconds
           FROM target
       ), due AS (
           SELECT * EXCLUDE (resolution_seconds, cutoff_due_seconds),
                  CASE WHEN cutoff_due_at IS NULL THEN received_seconds + resolution_seconds
                       ELSE cutoff_due_seconds END + paused_seconds AS due_seconds
           FROM cutoff
       )
       SELECT d.* EXCLUDE (cutoff_due_at),
              CASE WHEN d.cutoff_due_at IS NOT NULL AND d.paused_seconds = 0 THEN d.cutoff_due_at
                   ELSE s.opens + to_seconds(d.due_seconds - s.seconds_before) END AS due_at
       FROM due d JOIN sla_slot_by_business_hour s
         ON s.calendar_id = d.calendar_id AND s.business_hour = business_hour(d.due_seconds, $last_business_hour)
        AND d.due_seconds > s.seconds_before AND d.due_seconds <= s.next_seconds_before""",
    # the strictest deadline wins (ranking only the requests several policies apply to: ranking a million
    # requests one by one costs more than finding the few); then the verdict, from the instants of the chosen
    # policy: the end (resolution or "as of"), the hard limit, the first response's due time and the answer;
    # a row of sla_results, column for column
    """CREATE OR REPLACE TEMP TABLE sla_verdict AS
       WITH several AS (
           SELECT request_id FROM sla_due GROUP BY request_id HAVING count(*) > 1
       ), strictest AS (
           SELECT * FROM sla_due WHERE request_id NOT IN (SELECT request_id FROM several)
           UNION ALL
           (SELECT * FROM sla_due WHERE request_id IN (SELECT request_id FROM several)
            QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY due_at, policy_id) = 1)
       ), chosen AS (
           SELECT *, CASE WHEN status = 'resolved' THEN closed_at ELSE $as_of END AS end_at,
                  received_seconds + hard_limit_seconds + paused_seconds AS hard_seconds,
                  received_seconds + first_response_seconds AS first_response_seconds_due,
                  coalesce(first_response_at, CASE WHEN status = 'resolved' THEN closed_at END) AS answered_at
           FROM strictest
       ), measured AS (
           SELECT c.*, seconds_at(e.seconds_before, e.opens, e.closes, c.end_at) AS end_seconds,
                  h.opens + to_seconds(c.hard_seconds - h.seconds_before) AS hard_due_at,
                  f.opens + to_seconds(c.first_response_seconds_due - f.seconds_before) AS first_response_due_at,
                  CASE WHEN c.answered_at IS NOT NULL THEN greatest(
                      seconds_at(a.seconds_before, a.opens, a.closes, c.answered_at) - c.received_seconds, 0) END
                      AS first_response_taken
           FROM chosen c
           LEFT JOIN sla_slot_by_hour e
             ON e.calendar_id = c.calendar_id AND e.hour = slot_hour(c.end_at, $first_hour, $last_hour)
            AND c.end_at >= e.opens AND c.end_at < e.next_opens
           LEFT JOIN sla_slot_by_business_hour h
             ON h.calendar_id = c.calendar_id
            AND h.business_hour = business_hour(c.hard_seconds, $last_business_hour)
            AND c.hard_seconds > h.seconds_before AND c.hard_seconds <= h.next_seconds_before
           LEFT JOIN sla_slot_by_business_hour f
             ON f.calendar_id = c.calendar_id
            AND f.business_hour = business_hour(c.first_response_seconds_due, $last_business_hour)
            AND c.first_response_seconds_due > f.seconds_before
            AND c.first_response_seconds_due <= f.next_seconds_before
           LEFT JOIN sla_slot_by_hour a
             ON a.calendar_id = c.calendar_id AND a.hour = slot_hour(c.answered_at, $first_hour, $last_hour)
            AND c.answered_at >= a.opens AND c.answered_at < a.next_opens
       )
       SELECT request_id, policy_id, effective_from, calendar_id, due_at, CAST(due_seconds AS BIGINT) AS due_seconds,
              CAST(due_seconds - received_seconds AS BIGINT) AS allowed_seconds, hard_due_at, first_response_due_at,
              CASE WHEN first_response_due_at IS NULL THEN NULL
                   ELSE coalesce(first_response_at, CASE WHEN status = 'resolved' THEN closed_at END, $as_of)
                        <= first_response_due_at END AS first_response_met,
              CAST(CASE WHEN status <> 'declined' THEN greatest(end_seconds - received_seconds - paused_seconds, 0) END
                   AS BIGINT) AS business_seconds,
              CAST(paused_seconds AS BIGINT) AS paused_seconds,
              CAST(CASE WHEN status <> 'declined' THEN due_seconds - end_seconds END AS BIGINT) AS margin_seconds,
              CASE WHEN status = 'declined' THEN 'declined'
                   WHEN status = 'resolved' THEN CASE WHEN closed_at <= due_at THEN 'met' ELSE 'breached' END
                   WHEN $as_of > due_at THEN 'open_breached'
                   WHEN due_seconds - end_seconds <= $at_risk * (due_seconds - received_seconds - paused_seconds)
                       THEN 'open_at_risk'
                   ELSE 'open_on_track' END AS outcome,
              CASE WHEN hard_due_at IS NULL OR status = 'declined' THEN NULL ELSE end_at <= hard_due_at END
                  AS within_hard_limit,
              CAST(CASE WHEN status <> 'declined' THEN first_response_taken END AS BIGINT) AS first_response_seconds,
              g.signature
       FROM measured LEFT JOIN sla_signature g USING (request_id)""",
)


# Verdicts are rewritten only where they changed: deleting a million keyed rows to insert them again costs
# seconds at commit, and most verdicts come out as they were. A request judged again without a verdict coming
# out (it is gone, or no policy judges it now) loses its old one.
_STORE_VERDICTS = (
    """CREATE OR REPLACE TEMP TABLE sla_changed_verdict AS
       SELECT * FROM sla_verdict EXCEPT SELECT * FROM sla_results WHERE {in_scope}""",
    """DELETE FROM sla_results
       WHERE {in_scope} AND (request_id NOT IN (SELECT request_id FROM sla_verdict)
                             OR request_id IN (SELECT request_id FROM sla_changed_verdict))""",
    "INSERT INTO sla_results SELECT * FROM sla_changed_verdict",
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
# Requests to judge again: new ones, changed ones, open ones (their verdict moves with time), and gone ones
# (their verdict goes).
_CHANGED = """
CREATE OR REPLACE TEMP TABLE sla_scope AS
SELECT s.request_id FROM sla_signature s LEFT JOIN sla_results x USING (request_id)
WHERE x.request_id IS NULL OR x.signature IS DISTINCT FROM s.signature OR x.outcome LIKE 'open%'
UNION ALL
SELECT request_id FROM sla_results WHERE request_id NOT IN (SELECT request_id FROM sla_signature)
"""


def _judge(db: duckdb.DuckDBPyConnection, as_of: dt.datetime, incremental: bool) -> int:
    """Judge every request, or (``incremental``) only the new, changed and open ones; returns how many."""
    db.execute(_SIGNATURES)
    if incremental:
        db.execute(_CHANGED)
    in_scope = "request_id IN (SELECT request_id FROM sla_scope)" if incremental else "true"
    first_hour, last_hour, last_business_hour = db.execute(_SLOT_INDEX_SPAN).fetchone()
    values = {"as_of": as_of, "at_risk": AT_RISK_SHARE, "first_hour": first_hour, "last_hour": last_hour,
              "last_business_hour": last_business_hour}
    for step in _JUDGING_STEPS + _STORE_VERDICTS:
        db.execute(step.replace("{in_scope}", in_scope),
                   {name: value for name, value in values.items() if f"${name}" in step})
    return db.execute("SELECT count(*) FROM sla_verdict").fetchone()[0]
