"""Service-level figures for pages and reports, read from the verdicts ``infodash.sla`` stores.

Requests count in the period they were received in (a cohort: a week's requests keep their
week however late they are resolved). Open requests are judged live against ``now``: past their
due time they are breached, with less than a fifth of their target business time left they are
at risk, and while they wait on the customer or a vendor (where the policy pauses) their clock
stands still, so they count as on track.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.periods import Period, weeks_ending_with
from infodash.permissions import Account, require
from infodash.service_requests import require_request_worker
from infodash.sla import AT_RISK_SHARE, ATTAINMENT_DEFINITION  # noqa: F401  (re-exported for pages)

# What a breakdown may be by: the user's choice maps to a fixed SQL expression, never to their text.
DIMENSIONS: dict[str, str] = {
    "all": "'All requests'",
    "week": "CAST(date_trunc('week', timezone($time_zone, r.received_at)) AS DATE)",
    "service": "sv.name",
    "customer group": "g.name",
    "department": "c.department",
    "seniority": "c.seniority",
    "relationship": "c.relationship",
    "channel": "r.channel",
    "priority": "r.priority",
    "assignee": "coalesce(r.assigned_to, '(unassigned)')",
    "policy": "p.name",
    "vendor involvement": "CASE WHEN r.vendor IS NULL THEN 'no vendor' ELSE 'a vendor involved' END",
}

_JUDGED = """
WITH now_seconds AS (
    SELECT calendar_id,
           max(seconds_before + least(greatest(epoch($now - opens), 0), epoch(closes - opens)))
               FILTER (opens <= $now) AS seconds
    FROM calendar_slots GROUP BY calendar_id
),
judged AS (
    SELECT r.*, x.policy_id, x.due_at, x.business_seconds, x.paused_seconds, x.margin_seconds, x.first_response_seconds,
           x.within_hard_limit, x.first_response_met, x.allowed_seconds, v.primary_target_share,
           CASE WHEN x.outcome NOT LIKE 'open%' THEN x.outcome
                -- waiting on the customer or a vendor: the clock stands still, the deadline moves with it
                WHEN (r.status = 'waiting_customer' AND v.pause_on_customer)
                     OR (r.status = 'waiting_vendor' AND v.pause_on_vendor) THEN 'open_paused'
                WHEN $now > x.due_at THEN 'open_breached'
                WHEN x.due_seconds - n.seconds <= $at_risk * (x.allowed_seconds - x.paused_seconds)
                    THEN 'open_at_risk'
                ELSE 'open_on_track' END AS outcome,
           CASE WHEN (r.status = 'waiting_customer' AND v.pause_on_customer)
                     OR (r.status = 'waiting_vendor' AND v.pause_on_vendor) THEN x.margin_seconds
                ELSE x.due_seconds - n.seconds END AS seconds_left
    FROM requests r JOIN sla_results x USING (request_id)
    JOIN sla_policy_versions v ON v.policy_id = x.policy_id AND v.effective_from = x.effective_from
    LEFT JOIN now_seconds n ON n.calendar_id = x.calendar_id
    WHERE r.received_at >= $start AND r.received_at < $end {filters}
)
"""
# Open requests only: the few a live "at risk" list needs, found without judging the whole history.
_OPEN_ONLY = " AND x.outcome LIKE 'open%'"


def _params(period: Period, time_zone: ZoneInfo, filters: Filters, now: dt.datetime | None) -> dict[str, object]:
    start, end = period.bounds(time_zone)
    return {"start": start, "end": end, "now": now or dt.datetime.now(dt.UTC), "at_risk": AT_RISK_SHARE,
            **filters.params()}


def judged_requests_sql(conditions: str = "") -> str:
    """SQL opening a ``WITH`` clause whose CTE ``judged`` holds the requests received in [``$start``, ``$end``)
    with their service-level verdict judged live against ``$now``, for other modules' queries to build on.

    ``judged`` has every column of ``requests`` and of the verdict, among them ``outcome`` (met, breached,
    declined, open_on_track, open_at_risk, open_breached or open_paused), ``due_at`` and ``seconds_left``;
    requests no policy has judged are absent. ``conditions`` is the caller's constant ``AND ...`` SQL on
    ``r`` (requests) and ``x`` (sla_results), its values bound as parameters besides :func:`judged_params`.
    """
    return _JUDGED.format(filters=conditions)


def judged_params(period: Period, time_zone: ZoneInfo, now: dt.datetime | None = None) -> dict[str, object]:
    """The parameters :func:`judged_requests_sql` refers to: the period's bounds, ``now`` (default: the
    current time) and the at-risk share."""
    return _params(period, time_zone, Filters(), now)


# What the breakdown expressions of DIMENSIONS can refer to: r (judged request), c, g, sv, p.
_BREAKDOWN_JOINS = """FROM judged r
JOIN customers c ON c.customer_id = r.customer_id
JOIN customer_groups g ON g.group_id = c.group_id
JOIN services sv ON sv.service_id = r.service_id
JOIN sla_policies p ON p.policy_id = r.policy_id
"""

# Attainment and the median business hours to resolve, as aggregates over judged requests ``r`` (the rows of
# judged_requests_sql), for other modules' breakdowns to state them exactly as attainment_by does.
ATTAINMENT_SQL = ("count(*) FILTER (r.outcome = 'met') "
                  "/ nullif(count(*) FILTER (r.outcome IN ('met', 'breached', 'open_breached')), 0)")
MEDIAN_HOURS_SQL = "median(r.business_seconds / 3600.0) FILTER (r.outcome IN ('met', 'breached'))"

_ATTAINMENT_FIGURES = """count(*) AS requests,
       count(*) FILTER (r.outcome = 'met') AS met,
       count(*) FILTER (r.outcome = 'breached') AS breached,
       count(*) FILTER (r.outcome = 'open_breached') AS open_breached,
       count(*) FILTER (r.outcome = 'open_at_risk') AS open_at_risk,
       count(*) FILTER (r.outcome IN ('open_on_track', 'open_paused')) AS open_on_track,
       count(*) FILTER (r.outcome = 'declined') AS declined,
       """ + ATTAINMENT_SQL + """ AS attainment,
       avg(r.within_hard_limit::INTEGER) FILTER (r.outcome IN ('met', 'breached')) AS within_hard_limit,
       max(r.primary_target_share) AS primary_target,
       -- the median and the 90th percentile from one sort each (as median() and quantile_cont(0.9) give them)
       quantile_cont(r.business_seconds / 3600.0, [0.5, 0.9]) FILTER (r.outcome IN ('met', 'breached'))
           AS resolution_hours,
       quantile_cont(r.first_response_seconds / 3600.0, [0.5, 0.9]) AS first_response_hours"""
# _ATTAINMENT_FIGURES' columns in the order attainment_by gives them.
_ATTAINMENT_COLUMNS = """requests, met, breached, open_breached, open_at_risk, open_on_track, declined, attainment,
       within_hard_limit, primary_target, resolution_hours[1] AS median_hours, resolution_hours[2] AS p90_hours,
       first_response_hours[1] AS median_first_response_hours, first_response_hours[2] AS p90_first_response_hours"""


BREACH_REASONS: dict[str, str] = {
    "vendor": "Waiting on a vendor or supplier", "complex": "More complex than it looked",
    "capacity": "Staff absence or workload", "customer": "Customer unreachable or unclear",
    "missed": "Overlooked", "other": "Other (see note)",
}
NOT_EXPLAINED = "not yet explained"


def breaches_by_reason(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                       now: dt.datetime | None = None) -> pd.DataFrame:
    """Breached requests received in ``period`` per week and recorded reason (``not yet explained`` if none)."""
    sql = _JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id")) + """
    SELECT CAST(date_trunc('week', timezone($time_zone, received_at)) AS DATE) AS week,
           coalesce(breach_reason, $unexplained) AS reason, count(*) AS breaches
    FROM judged WHERE outcome IN ('breached', 'open_breached') GROUP BY ALL ORDER BY 1, 2
    """
    with store.reading() as db:
        frame = db.execute(sql, {**_params(period, time_zone, filters, now), "time_zone": time_zone.key,
                                 "unexplained": NOT_EXPLAINED}).df()
    frame["week"] = frame["week"].dt.date
    return frame


def unexplained_breaches(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                         now: dt.datetime | None = None, limit: int = 200, worker: str | None = None) -> pd.DataFrame:
    """Breached requests received in ``period`` with no reason recorded yet, most recent first: at most ``limit``
    of them, with ``total`` saying how many there are in all. With ``worker`` (a staff member's name), only those
    they may explain: logged by them, assigned to them or to nobody (see :func:`require_request_worker`)."""
    sql = _JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id")) + """
    SELECT j.request_id, timezone($time_zone, j.received_at) AS received, timezone($time_zone, j.due_at) AS due,
           j.outcome, c.name AS customer, sv.name AS service, j.assigned_to, j.vendor, count(*) OVER () AS total
    FROM judged j JOIN customers c USING (customer_id) JOIN services sv USING (service_id)
    WHERE j.outcome IN ('breached', 'open_breached') AND j.breach_reason IS NULL
      AND ($worker IS NULL OR j.assigned_to IS NULL OR lower(j.assigned_to) = lower($worker)
           OR lower(j.created_by) = lower($worker))
    ORDER BY j.received_at DESC LIMIT $limit
    """
    with store.reading() as db:
        return db.execute(sql, {**_params(period, time_zone, filters, now), "time_zone": time_zone.key,
                                "limit": limit, "worker": worker}).df()


def record_breach_reason(store: Store, request_id: int | None, reason: str, note: str, actor: Account) -> None:
    """Record why a breached request missed its service level (ValidationError for a bad reason or request;
    NotAllowed unless ``actor`` may work the request: see :func:`require_request_worker`)."""
    require(actor, "staff", "explain breaches")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    if reason not in BREACH_REASONS:
        errors["reason"] = "Choose a reason from the list."
    if len(note.strip()) > 500:
        errors["note"] = "Use at most 500 characters."
    check_author(author, errors)
    with store.writing() as db:
        missed = db.execute("SELECT outcome = 'breached' OR (outcome LIKE 'open%' AND due_at < now()) "
                            "FROM sla_results WHERE request_id = ?", [request_id]).fetchone()
        if request_id is None:
            errors["request"] = "Choose the request."
        elif not missed or not missed[0]:
            errors["request"] = f"Request #{request_id} has not missed its service level."
        else:
            require_request_worker(db, request_id, actor, "explain why this request missed its service level")
        if errors:
            raise ValidationError(errors)
        db.execute("UPDATE requests SET breach_reason = ?, breach_note = ? WHERE request_id = ?",
                   [reason, note.strip() or None, request_id])
        audit.record(db, author, "breach_reason", "requests", request_id, {"reason": reason, "note": note})


def attainment_by(store: Store, dimension: str, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                  now: dt.datetime | None = None) -> pd.DataFrame:
    """Service levels per value of ``dimension`` (a key of :data:`DIMENSIONS`) for requests received in ``period``.

    Columns: ``value``, ``requests`` (all judged, declined included), ``met``, ``breached``, ``open_breached``, ``open_at_risk``, ``open_on_track``,
    ``declined``, ``attainment`` (met / (met + breached + open_breached), None when nothing counts),
    ``within_hard_limit`` (share of resolved requests within the policy's longer limit),
    ``primary_target`` (the share the policy promises), ``median_hours`` and ``p90_hours``
    (business hours to resolve, pauses excluded), ``median_first_response_hours`` and
    ``p90_first_response_hours`` (business hours to the first response, or to the resolution
    where nobody responded first).
    """
    return attainment_by_each(store, (dimension,), period, time_zone, filters, now)[dimension]


def attainment_by_each(store: Store, dimensions: tuple[str, ...], period: Period, time_zone: ZoneInfo,
                       filters: Filters = Filters(), now: dt.datetime | None = None) -> dict[str, pd.DataFrame]:
    """:func:`attainment_by` for each of ``dimensions``, from one pass over the period's judged requests
    (grouping sets): a page showing the overall figure, the weekly one and a breakdown reads them once."""
    unknown = [dimension for dimension in dimensions if dimension not in DIMENSIONS]
    if unknown or not dimensions:
        raise ValueError(f"unknown dimension {unknown[0] if unknown else None!r}; choose one of {', '.join(DIMENSIONS)}")
    chosen = list(dict.fromkeys(dimensions))
    values = ", ".join(f"{DIMENSIONS[dimension]} AS value_{number}" for number, dimension in enumerate(chosen))
    sets = ", ".join(f"(value_{number})" for number in range(len(chosen)))
    columns = ", ".join(f"value_{number}" for number in range(len(chosen)))
    sql = (_JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id"))
           + f", figures AS (SELECT grouping({columns}) AS grouping_set, {values}, {_ATTAINMENT_FIGURES}\n"
           + _BREAKDOWN_JOINS + f"GROUP BY GROUPING SETS ({sets}))\n"
           + f"SELECT grouping_set, {columns}, {_ATTAINMENT_COLUMNS} FROM figures")
    params = _params(period, time_zone, filters, now)
    if any("$time_zone" in DIMENSIONS[dimension] for dimension in chosen):
        params["time_zone"] = time_zone.key
    with store.reading() as db:
        frame = db.execute(sql, params).df()
    found = {}
    for number, dimension in enumerate(chosen):
        # grouping() sets a column's bit (the first column the highest) when the row is not grouped by it
        mine = (1 << len(chosen)) - 1 - (1 << (len(chosen) - 1 - number))
        rows = frame[frame["grouping_set"] == mine]
        table = rows.drop(columns=["grouping_set", *(f"value_{other}" for other in range(len(chosen)))])
        table.insert(0, "value", rows[f"value_{number}"])
        found[dimension] = table.sort_values("value", na_position="last", kind="stable").reset_index(drop=True)
    return {dimension: found[dimension] for dimension in dimensions}


# What a histogram can measure: business seconds to resolve (pauses excluded) or to the first response.
MEASURES: dict[str, str] = {"resolution": "business_seconds", "first response": "first_response_seconds"}
# The columns of attainment_by that summarise each measure: (median, 90th percentile), in hours.
MEASURE_SUMMARY: dict[str, tuple[str, str]] = {"resolution": ("median_hours", "p90_hours"),
                                               "first response": ("median_first_response_hours",
                                                                  "p90_first_response_hours")}


# Widths a histogram of business hours may use, and how many bins it aims to spread the bulk over.
BIN_CHOICES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 96.0)
TARGET_BINS = 40


def resolution_histogram(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                         bin_hours: float | None = None, measure: str = "resolution") -> pd.DataFrame:
    """Requests resolved in the cohort by business hours to ``measure`` (a key of :data:`MEASURES`), in bins.

    The bins fit the data: ``bin_hours`` wide (default: the first of :data:`BIN_CHOICES` that spreads the
    98th percentile over at most ``TARGET_BINS`` bins), and the last bin holds everything from the 98th
    percentile on, so a few very long requests do not squeeze the rest into one bar. Columns ``hours_from``
    (bin start), ``outcome`` (met/breached), ``requests``, ``bin_hours`` and ``open_ended`` (the last bin,
    "and longer"); computed in SQL so a year of a large organisation's requests arrives as a few dozen rows.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    sql = _JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id")) + """
    , done AS (SELECT {seconds} / 3600.0 AS hours, outcome FROM judged
               WHERE outcome IN ('met', 'breached') AND {seconds} IS NOT NULL),
    spread AS (SELECT quantile_cont(hours, 0.98) AS p98 FROM done),
    width AS (SELECT coalesce($bin, (SELECT min(choice) FROM unnest($choices) t(choice) WHERE choice * $target >= p98),
                              list_max($choices)) AS bin, p98 FROM spread),
    edge AS (SELECT bin, greatest(ceil(p98 / bin), 1) * bin AS cap FROM width)
    SELECT least(floor(hours / bin) * bin, cap) AS hours_from, outcome, count(*) AS requests, bin AS bin_hours,
           least(floor(hours / bin) * bin, cap) >= cap AS open_ended
    FROM done, edge GROUP BY ALL ORDER BY 1, 2
    """.replace("{seconds}", MEASURES[measure])
    with store.reading() as db:
        return db.execute(sql, {**_params(period, time_zone, filters, None), "bin": bin_hours,
                                "choices": list(BIN_CHOICES), "target": TARGET_BINS}).df()


def open_requests_at_risk(store: Store, time_zone: ZoneInfo, filters: Filters = Filters(),
                          now: dt.datetime | None = None, limit: int = 200) -> pd.DataFrame:
    """Open requests late (past their due time) or at risk (less than a fifth of their business time left) now,
    the longest overdue first: at most ``limit`` of them, with ``late_total`` and ``at_risk_total`` saying how
    many there are of each in all."""
    now = now or dt.datetime.now(dt.UTC)
    everything = Period(dt.date(1900, 1, 1), (now.astimezone(time_zone) + dt.timedelta(days=1)).date())
    sql = _JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id") + _OPEN_ONLY) + """
    SELECT j.request_id, timezone($time_zone, j.received_at) AS received, timezone($time_zone, j.due_at) AS due,
           j.outcome, j.seconds_left / 3600.0 AS business_hours_left,
           c.name AS customer, sv.name AS service, j.status, j.vendor, j.assigned_to,
           count(*) FILTER (WHERE j.outcome = 'open_breached') OVER () AS late_total,
           count(*) FILTER (WHERE j.outcome = 'open_at_risk') OVER () AS at_risk_total
    FROM judged j JOIN customers c USING (customer_id) JOIN services sv USING (service_id)
    WHERE j.outcome IN ('open_breached', 'open_at_risk')
    ORDER BY j.due_at LIMIT $limit
    """
    with store.reading() as db:
        return db.execute(sql, {**_params(everything, time_zone, filters, now), "limit": limit,
                                "time_zone": time_zone.key}).df()


def open_verdicts(store: Store, now: dt.datetime | None = None) -> tuple[int, int]:
    """(how many open requests there are, a digest of each one's verdict) as of ``now`` (default: the present).

    A figure that depends on ``now`` only through the verdicts (attainment, counts of late requests, outcomes in
    a list) is the same for every ``now`` with the same digest: between two moments when an open request falls
    at risk or past due, it need not be worked out again."""
    everything = Period(dt.date(1900, 1, 1), dt.date(3000, 1, 1))
    sql = _JUDGED.format(filters=_OPEN_ONLY) + "SELECT count(*), coalesce(sum(hash(request_id, outcome)), 0) FROM judged"
    with store.reading() as db:
        count, digest = db.execute(sql, _params(everything, ZoneInfo("UTC"), Filters(), now)).fetchone()
    return int(count), int(digest)


def late_and_at_risk(open_at_risk: pd.DataFrame) -> tuple[int, int]:
    """How many open requests are late and how many at risk, from :func:`open_requests_at_risk` (all of them,
    not only those it lists)."""
    if open_at_risk.empty:
        return 0, 0
    return int(open_at_risk["late_total"].iloc[0]), int(open_at_risk["at_risk_total"].iloc[0])


def requests_behind(store: Store, dimension: str, value: object, period: Period, time_zone: ZoneInfo,
                    filters: Filters = Filters(), now: dt.datetime | None = None, limit: int = 500) -> pd.DataFrame:
    """The judged requests behind one row of :func:`attainment_by`, breaches first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; choose one of {', '.join(DIMENSIONS)}")
    sql = _JUDGED.format(filters=filters.conditions("r.customer_id", "r.service_id")) + """
    SELECT r.request_id, timezone($time_zone, r.received_at) AS received, timezone($time_zone, r.closed_at) AS closed,
           timezone($time_zone, r.due_at) AS due, r.outcome, r.business_seconds / 3600.0 AS business_hours,
           r.paused_seconds / 3600.0 AS paused_hours, c.name AS customer, sv.name AS service, r.channel, r.priority,
           r.assigned_to, r.vendor
    {joins}WHERE {value} = $value
    ORDER BY CASE WHEN r.outcome IN ('breached', 'open_breached') THEN 0 WHEN r.outcome = 'open_at_risk' THEN 1
                  WHEN r.outcome = 'declined' THEN 3 ELSE 2 END, r.received_at LIMIT $limit
    """.replace("{value}", DIMENSIONS[dimension]).replace("{joins}", _BREAKDOWN_JOINS)
    params = {**_params(period, time_zone, filters, now), "value": value, "limit": limit, "time_zone": time_zone.key}
    with store.reading() as db:
        return db.execute(sql, params).df()


def weekly_attainment(store: Store, week: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                      weeks: int = 12, now: dt.datetime | None = None) -> pd.DataFrame:
    """:func:`attainment_by` week for the ``weeks`` weeks ending with ``week``, one row per week (oldest
    first, ``week`` column), weeks without judged requests included with empty figures."""
    periods = weeks_ending_with(week, weeks)
    frame = attainment_by(store, "week", Period(periods[0].start, week.end), time_zone, filters, now)
    frame = frame.set_index(frame["value"].map(lambda value: value.date() if hasattr(value, "date") else value))
    table = frame.reindex([period.start for period in periods]).drop(columns="value")
    return table.rename_axis("week").reset_index()
