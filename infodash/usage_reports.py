"""How the team's systems are used: weekly events and active users by system and by customer group,
the most and least used resources with what the subscribed ones cost per use, and adoption (the
share of each customer group's active customers who used each system; :func:`adoption_by` gives it per
department, seniority or relationship too).

Every figure is aggregated in DuckDB from ``usage_events`` (tens of millions of rows become a few
hundred); weeks run Monday to Sunday in the organisation's time zone. The customer-group filter
keeps the events of customers in the chosen groups (logins not mapped to a customer then drop
out); the service filter does not apply to usage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.groups import scope_sql
from infodash.periods import Period

UNMAPPED = "(logins not mapped to a customer)"

DEFINITIONS: dict[str, str] = {
    "events": "Usage events recorded in the systems' logs (queries, page views, downloads, searches, log-ins).",
    "active_users": "Distinct people with at least one event in the week: customers, plus logins not mapped to "
                    "a customer (unless a customer group is chosen).",
    "group_active_users": "Distinct customers of the group with at least one event in the week, in any system.",
    "resource_events": "Events on the resource in the period; resources in the catalogue that nobody used "
                       "count as 0.",
    "cost_per_use": "For subscribed resources: the annual cost prorated to the period (annual cost x days / 365) "
                    "divided by the period's events on it.",
    "adoption": "Share of the group's active customers with at least one event in the system during the period.",
}

_WEEK_US = 7 * 24 * 3600 * 1_000_000
_BITS = 62  # weeks of activity kept as the bits of one BIGINT per person (and run of 62 weeks)


def _offset_changes(start: dt.datetime, end: dt.datetime, time_zone: ZoneInfo) -> list[tuple[dt.datetime, int]]:
    """The UTC offsets (microseconds) in force from ``start`` to ``end``: (from this instant, offset)."""
    def offset(moment: dt.datetime) -> int:
        return moment.astimezone(time_zone).utcoffset() // dt.timedelta(microseconds=1)

    changes = [(start, offset(start))]
    moment = start
    while moment < end:
        following = min(moment + dt.timedelta(days=1), end)
        if offset(following) != changes[-1][1]:
            low, high = 0, int((following - moment) / dt.timedelta(minutes=1))  # clocks change on a minute
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(moment + dt.timedelta(minutes=middle)) == changes[-1][1] \
                    else (low, middle)
            changed_at = moment + dt.timedelta(minutes=high)
            changes.append((changed_at, offset(changed_at)))
        moment = following
    return changes


def _local_week(period: Period, time_zone: ZoneInfo) -> tuple[str, dict[str, object]]:
    """SQL for the local week an event of ``e`` falls in (0 = the week of the period's first day), and its parameters.

    The same as ``date_trunc('week', timezone($tz, e.occurred_at))`` but plain integer arithmetic:
    the UTC offset is looked up among the few in force during the period (a summer-time change or
    two), where converting every one of millions of events to local time takes most of a second.
    """
    changes = _offset_changes(*period.bounds(time_zone), time_zone)
    params: dict[str, object] = {f"offset_{i}": offset for i, (_, offset) in enumerate(changes)}
    params |= {f"change_{i}": moment for i, (moment, _) in enumerate(changes) if i}
    offset_sql = "$offset_0" if len(changes) == 1 else (
        "CASE " + " ".join(f"WHEN e.occurred_at < $change_{i} THEN $offset_{i - 1}" for i in range(1, len(changes)))
        + f" ELSE $offset_{len(changes) - 1} END")
    monday = period.start - dt.timedelta(days=period.start.weekday())
    params["origin_us"] = (dt.datetime.combine(monday, dt.time()) - dt.datetime(1970, 1, 1)) \
        // dt.timedelta(microseconds=1)
    return f"((epoch_us(e.occurred_at) + {offset_sql} - $origin_us) // {_WEEK_US})", params


def _weeks_of(period: Period) -> int:
    monday = period.start - dt.timedelta(days=period.start.weekday())
    return -(-(period.end - monday).days // 7)


def _params(period: Period, time_zone: ZoneInfo, filters: Filters) -> dict[str, object]:
    start, end = period.bounds(time_zone)
    return {"start": start, "end": end, **_group_filter(filters).params()}


def _group_filter(filters: Filters) -> Filters:
    """Only the customer groups: the service filter has no meaning for usage."""
    return Filters(group_ids=filters.group_ids)


# The two passes over the period's events. Per person (a customer, or a login not mapped to one) and
# system: the weeks they were active in, as the bits of one number (``chunk`` counts runs of 62
# weeks) -- one hash-table entry per person rather than per person and week is what makes distinct
# people per week affordable. And events per system, customer group and week.
_PEOPLE = """
CREATE OR REPLACE TEMP TABLE overview_people AS
SELECT e.system_id, e.customer_id, NULL::VARCHAR AS login, {chunk} AS chunk, {bits} AS active_weeks
FROM usage_events e
WHERE e.occurred_at >= $start AND e.occurred_at < $end AND e.customer_id IS NOT NULL {filters}
GROUP BY ALL
UNION ALL
SELECT e.system_id, NULL, e.login, {chunk}, {bits}
FROM usage_events e
WHERE e.occurred_at >= $start AND e.occurred_at < $end AND e.customer_id IS NULL {filters}
GROUP BY ALL
"""
_EVENTS = """
CREATE OR REPLACE TEMP TABLE overview_events AS
SELECT e.system_id, c.group_id, {week} AS w, count(*) AS events
FROM usage_events e LEFT JOIN customers c ON c.customer_id = e.customer_id
WHERE e.occurred_at >= $start AND e.occurred_at < $end {filters}
GROUP BY ALL
"""
# The period's weeks, so that a week without use shows as 0 rather than as a gap in a line.
_WEEKS = "SELECT w, $monday::DATE + CAST(7 * w AS INTEGER) AS week FROM range($weeks) t(w)"

_BY_SYSTEM = f"""
WITH weeks AS ({_WEEKS}),
events AS (SELECT system_id, w, sum(events) AS events FROM overview_events GROUP BY ALL),
active AS (
    SELECT system_id, chunk * $bits + b AS w, count(*) AS active_users
    FROM overview_people, range(least($bits, $weeks)) t(b)
    WHERE (active_weeks >> b::INTEGER) & 1 = 1
    GROUP BY ALL
)
SELECT k.week, s.name AS system, coalesce(n.events, 0) AS events, coalesce(a.active_users, 0) AS active_users
FROM weeks k CROSS JOIN systems s
LEFT JOIN events n ON n.w = k.w AND n.system_id = s.system_id
LEFT JOIN active a ON a.w = k.w AND a.system_id = s.system_id
ORDER BY k.week, s.name
"""
_BY_GROUP = f"""
WITH weeks AS ({_WEEKS}),
events AS (SELECT group_id, w, sum(events) AS events FROM overview_events GROUP BY ALL),
people AS (
    SELECT c.group_id, p.chunk, bit_or(p.active_weeks) AS active_weeks
    FROM overview_people p LEFT JOIN customers c ON c.customer_id = p.customer_id
    GROUP BY c.group_id, p.customer_id, p.login, p.chunk
),
active AS (
    SELECT group_id, chunk * $bits + b AS w, count(*) AS active_users
    FROM people, range(least($bits, $weeks)) t(b)
    WHERE (active_weeks >> b::INTEGER) & 1 = 1
    GROUP BY ALL
),
shown_groups AS (
    SELECT group_id, name, sort_order FROM customer_groups
    WHERE len($shown::INTEGER[]) = 0 OR list_contains($shown::INTEGER[], group_id)
    UNION ALL
    SELECT NULL, $unmapped, NULL WHERE EXISTS (SELECT 1 FROM overview_events WHERE group_id IS NULL)
)
SELECT k.week, g.name AS customer_group, coalesce(n.events, 0) AS events,
       coalesce(a.active_users, 0) AS active_users
FROM weeks k CROSS JOIN shown_groups g
LEFT JOIN events n ON n.w = k.w AND n.group_id IS NOT DISTINCT FROM g.group_id
LEFT JOIN active a ON a.w = k.w AND a.group_id IS NOT DISTINCT FROM g.group_id
ORDER BY k.week, g.sort_order NULLS LAST, g.name
"""
_ADOPTION = """
WITH active_customers AS (
    SELECT customer_id, group_id FROM customers
    WHERE active AND (len($shown::INTEGER[]) = 0 OR list_contains($shown::INTEGER[], group_id))
),
users AS (SELECT DISTINCT system_id, customer_id FROM overview_people WHERE customer_id IS NOT NULL)
SELECT g.name AS customer_group, s.name AS system, count(a.customer_id) AS customers,
       count(u.customer_id) AS users, count(u.customer_id) / nullif(count(a.customer_id), 0) AS share
FROM customer_groups g CROSS JOIN systems s
LEFT JOIN active_customers a ON a.group_id = g.group_id
LEFT JOIN users u ON u.customer_id = a.customer_id AND u.system_id = s.system_id
WHERE len($shown::INTEGER[]) = 0 OR list_contains($shown::INTEGER[], g.group_id)
GROUP BY g.group_id, g.name, g.sort_order, s.system_id, s.name
ORDER BY g.sort_order, g.name, s.name
"""


@dataclass(frozen=True)
class UsageOverview:
    """How the systems were used in one period, for the chosen customer groups."""

    by_system: pd.DataFrame  # week (its Monday), system, events, active_users: every week and system
    by_group: pd.DataFrame  # week, customer_group, events, active_users: every week and group (+ UNMAPPED)
    adoption: pd.DataFrame  # customer_group, system, customers, users, share: every group and system


def usage_overview(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters()) -> UsageOverview:
    """Weekly events and active users by system and by customer group, and adoption, in ``period``.

    ``by_system``: one row per week and system; ``active_users`` counts distinct people that week
    (see :data:`DEFINITIONS`). ``by_group``: one row per week and customer group; ``active_users``
    counts the group's customers active that week in any system; events of logins not mapped to a
    customer form their own row, :data:`UNMAPPED`, when there are any and no group is chosen.
    ``adoption``: one row per customer group and system: ``customers`` (the group's active
    customers), ``users`` (those of them with an event in the system in the period) and ``share``
    (users / customers; empty for a group without active customers). Weeks without use show 0.

    The three come from two passes over the period's events (a few hundred milliseconds for a
    quarter of a 20-million-event store), kept in temporary tables of this connection.
    """
    week, week_params = _local_week(period, time_zone)
    weeks = _weeks_of(period)
    chunk = "0" if weeks <= _BITS else f"{week} // {_BITS}"
    bits = f"bit_or(1::BIGINT << ({week} % {_BITS})::INTEGER)"
    filters_sql = _group_filter(filters).conditions("e.customer_id")
    params = {**_params(period, time_zone, filters), **week_params}
    shape = {"monday": period.start - dt.timedelta(days=period.start.weekday()), "weeks": weeks, "bits": _BITS}
    shown = {"shown": list(filters.group_ids)}
    with store.reading() as db:
        try:
            db.execute(_PEOPLE.format(chunk=chunk, bits=bits, filters=filters_sql), params)
            db.execute(_EVENTS.format(week=week, filters=filters_sql), params)
            return UsageOverview(db.execute(_BY_SYSTEM, shape).df(),
                                 db.execute(_BY_GROUP, {**shape, **shown, "unmapped": UNMAPPED}).df(),
                                 db.execute(_ADOPTION, shown).df())
        finally:
            db.execute("DROP TABLE IF EXISTS overview_people; DROP TABLE IF EXISTS overview_events")


_RESOURCES = """
WITH used AS (
    SELECT e.system_id, e.resource, count(*) AS events
    FROM usage_events e
    WHERE e.occurred_at >= $start AND e.occurred_at < $end AND e.resource IS NOT NULL {filters}
    GROUP BY ALL
),
every_resource AS (
    SELECT coalesce(u.system_id, r.system_id) AS system_id, coalesce(u.resource, r.name) AS resource,
           coalesce(u.events, 0) AS events,
           coalesce(r.subscribed, false) AS subscribed, r.annual_cost
    FROM used u FULL JOIN resources r ON r.system_id = u.system_id AND r.name = u.resource
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY events DESC, system_id, resource) AS most,
              row_number() OVER (ORDER BY events ASC, system_id, resource) AS least
    FROM every_resource
)
SELECT ranking, rank, s.name AS system, r.resource, r.events, r.subscribed, r.annual_cost,
       CASE WHEN r.subscribed THEN r.annual_cost * $days / 365.0 / nullif(r.events, 0) END AS cost_per_use
FROM (SELECT 'most used' AS ranking, most AS rank, * FROM ranked WHERE most <= $limit
      UNION ALL
      SELECT 'least used', least, * FROM ranked WHERE least <= $limit) r
JOIN systems s ON s.system_id = r.system_id
ORDER BY ranking DESC, rank
"""


def resource_ranking(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                     limit: int = 10) -> pd.DataFrame:
    """The ``limit`` most used and ``limit`` least used resources in ``period``, by events.

    Columns: ``ranking`` ('most used' or 'least used'), ``rank`` (1 = the most, or the least, used),
    ``system``, ``resource``, ``events``, ``subscribed``, ``annual_cost``
    and ``cost_per_use`` (subscribed resources: annual cost x days / 365 / events; empty when unused).
    Resources in the catalogue with no events count as 0; with fewer than 2 x ``limit`` resources a
    resource can be in both lists.
    """
    sql = _RESOURCES.format(filters=_group_filter(filters).conditions("e.customer_id"))
    params = {**_params(period, time_zone, filters), "days": period.days, "limit": limit}
    with store.reading() as db:
        return db.execute(sql, params).df()


_ADOPTION_BY = """
WITH {scope},
users AS (
    SELECT DISTINCT system_id, customer_id FROM usage_events
    WHERE occurred_at >= $start AND occurred_at < $end AND customer_id IS NOT NULL
)
SELECT k.cell, s.name AS system, count(a.customer_id) AS customers, count(u.customer_id) AS users,
       count(u.customer_id) / nullif(count(a.customer_id), 0) AS share
FROM cells k CROSS JOIN systems s
LEFT JOIN scope a ON a.cell = k.cell AND a.active
LEFT JOIN users u ON u.customer_id = a.customer_id AND u.system_id = s.system_id
GROUP BY k.cell, k.cell_order, s.name
ORDER BY k.cell_order, k.cell, s.name
"""


def adoption_by(store: Store, dimension: str, period: Period, time_zone: ZoneInfo,
                filters: Filters = Filters()) -> pd.DataFrame:
    """Adoption per cell of ``dimension`` (a key of :data:`infodash.groups.BREAKDOWNS`: customer group,
    department, seniority or relationship) and system in ``period``, as :attr:`UsageOverview.adoption` is
    per customer group: ``cell``, ``system``, ``customers`` (the cell's active customers), ``users`` (those
    of them with an event in the system in the period) and ``share`` (users / customers; empty for a cell
    without active customers). Every cell and system is listed. Raises ValueError for an unknown dimension.
    """
    sql = _ADOPTION_BY.format(scope=scope_sql(dimension, _group_filter(filters)))
    with store.reading() as db:
        return db.execute(sql, _params(period, time_zone, filters)).df()
