"""Volumes for the weekly review: requests, resolution time, touchpoints, reach, follow-ups.

One function, :func:`period_figures`, computes every headline figure for any list of
periods in one DuckDB query; the weekly summary (this week against the previous one)
and the 12-week trend are both views of it, and so is any later report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.periods import Period, first_days, weeks_ending_with

FIGURE_COLUMNS = (
    "received", "resolved", "open_at_end", "median_resolution_hours", "declined", "touchpoints",
    "touchpoint_minutes", "customers_served", "customers_in_scope", "reach_share", "follow_ups_due",
    "follow_ups_open",
)

# What each figure means, shown next to it on every page that uses it.
DEFINITIONS: dict[str, str] = {
    "received": "Requests received in the period (any status).",
    "resolved": "Requests resolved in the period, whenever they were received.",
    "open_at_end": "Requests received before the period ended and neither resolved nor declined by then.",
    "median_resolution_hours": "Median elapsed hours from receipt to resolution of the requests resolved in the "
                               "period (calendar time; business-time service levels are on the SLA page).",
    "declined": "Requests declined in the period, most of them out of scope and referred elsewhere.",
    "touchpoints": "Interactions logged in the period, across all channels.",
    "touchpoint_minutes": "Minutes of effort recorded on the period's touchpoints.",
    "customers_served": "Distinct customers with a request received or a touchpoint in the period.",
    "customers_in_scope": "Active customers in the selected customer groups.",
    "reach_share": "Active customers served as a share of all active customers in the selected groups.",
    "follow_ups_due": "Follow-ups whose date falls in the period.",
    "follow_ups_open": "Of the follow-ups due in the period, those not yet marked done.",
}

# The periods a query reports on, bound as four parallel lists (see _period_params).
_PERIODS_CTE = """
WITH periods AS (
    SELECT unnest($starts::TIMESTAMPTZ[]) AS period_start, unnest($ends::TIMESTAMPTZ[]) AS period_end,
           unnest($first_days::DATE[]) AS first_day, unnest($end_days::DATE[]) AS end_day
)"""

# The requests that touch the periods: closed during or after them, or still open (``{filters}``: Filters.conditions).
_REQUEST_ROWS = """
request_rows AS (
    -- closed during or after the periods, or still open: the two branches let DuckDB skip old row groups
    SELECT customer_id, received_at, closed_at, status FROM requests
    WHERE closed_at >= $first_start AND received_at < $last_end {filters}
    UNION ALL
    SELECT customer_id, received_at, closed_at, status FROM requests
    WHERE closed_at IS NULL AND received_at < $last_end {filters}
)"""

_PERIOD_FIGURES_SQL = _PERIODS_CTE + """,
scope AS (
    SELECT customer_id, active FROM customers WHERE true {customer_filter}
),""" + _REQUEST_ROWS + """,
touchpoint_rows AS (
    SELECT customer_id, occurred_at, minutes FROM touchpoints
    WHERE occurred_at >= $first_start AND occurred_at < $last_end {filters}
),
follow_up_rows AS (
    SELECT follow_up_on, follow_up_done_at FROM touchpoints
    WHERE follow_up_on >= $first_day AND follow_up_on < $last_day {filters}
),
request_figures AS (
    SELECT p.period_start,
        count(*) FILTER (r.received_at >= p.period_start) AS received,
        count(*) FILTER (r.status = 'resolved' AND r.closed_at < p.period_end) AS resolved,
        count(*) FILTER (r.closed_at IS NULL OR r.closed_at >= p.period_end) AS open_at_end,
        -- epochs subtracted rather than the instants: a TIMESTAMPTZ difference goes through the time-zone
        -- calendar and costs a tenth of a second on a quarter of a million requests
        median((epoch(r.closed_at) - epoch(r.received_at)) / 3600.0)
            FILTER (r.status = 'resolved' AND r.closed_at < p.period_end) AS median_resolution_hours,
        count(*) FILTER (r.status = 'declined' AND r.closed_at < p.period_end) AS declined
    FROM periods p JOIN request_rows r
      ON r.received_at < p.period_end AND (r.closed_at IS NULL OR r.closed_at >= p.period_start)
    GROUP BY p.period_start
),
touchpoint_figures AS (
    SELECT p.period_start, count(*) AS touchpoints, sum(t.minutes)::BIGINT AS touchpoint_minutes
    FROM periods p JOIN touchpoint_rows t ON t.occurred_at >= p.period_start AND t.occurred_at < p.period_end
    GROUP BY p.period_start
),
follow_up_figures AS (
    SELECT p.period_start, count(*) AS follow_ups_due,
           count(*) FILTER (f.follow_up_done_at IS NULL) AS follow_ups_open
    FROM periods p JOIN follow_up_rows f ON f.follow_up_on >= p.first_day AND f.follow_up_on < p.end_day
    GROUP BY p.period_start
),
served AS (
    -- each period's customers made distinct once, then counted twice (one DISTINCT, not two)
    SELECT d.period_start, count(*) AS customers_served, count(*) FILTER (s.active) AS active_customers_served
    FROM (
        SELECT DISTINCT p.period_start, x.customer_id FROM periods p JOIN (
            SELECT customer_id, received_at AS at FROM request_rows WHERE received_at >= $first_start
            UNION ALL
            SELECT customer_id, occurred_at FROM touchpoint_rows
        ) x ON x.at >= p.period_start AND x.at < p.period_end
    ) d JOIN scope s USING (customer_id)
    GROUP BY d.period_start
),
active_scope AS (
    SELECT count(*) AS customers_in_scope FROM scope WHERE active
)
SELECT p.period_start, p.period_end,
       coalesce(rf.received, 0) AS received, coalesce(rf.resolved, 0) AS resolved,
       coalesce(rf.open_at_end, 0) AS open_at_end, rf.median_resolution_hours,
       coalesce(rf.declined, 0) AS declined,
       coalesce(tf.touchpoints, 0) AS touchpoints, coalesce(tf.touchpoint_minutes, 0) AS touchpoint_minutes,
       coalesce(s.customers_served, 0) AS customers_served,
       a.customers_in_scope,
       coalesce(s.active_customers_served, 0) / nullif(a.customers_in_scope, 0) AS reach_share,
       coalesce(ff.follow_ups_due, 0) AS follow_ups_due, coalesce(ff.follow_ups_open, 0) AS follow_ups_open
FROM periods p CROSS JOIN active_scope a
LEFT JOIN request_figures rf USING (period_start)
LEFT JOIN touchpoint_figures tf USING (period_start)
LEFT JOIN follow_up_figures ff USING (period_start)
LEFT JOIN served s USING (period_start)
ORDER BY p.period_start
"""


def _period_params(periods: list[Period], time_zone: ZoneInfo, filters: Filters) -> dict[str, object]:
    bounds = [period.bounds(time_zone) for period in periods]
    return {
        "starts": [start for start, _ in bounds],
        "ends": [end for _, end in bounds],
        "first_days": [period.start for period in periods],
        "end_days": [period.end for period in periods],
        "first_start": min(start for start, _ in bounds),
        "last_end": max(end for _, end in bounds),
        "first_day": min(period.start for period in periods),
        "last_day": max(period.end for period in periods),
        **filters.params(),
    }


def period_figures(store: Store, periods: list[Period], time_zone: ZoneInfo,
                   filters: Filters = Filters()) -> pd.DataFrame:
    """One row per period (oldest first) with every column of :data:`FIGURE_COLUMNS`.

    ``period_start``/``period_end`` are the period's bounds as instants in ``time_zone``.
    Periods with no activity get zeros (and a missing median), never a missing row.
    """
    if not periods:
        return pd.DataFrame(columns=["period_start", "period_end", *FIGURE_COLUMNS])
    sql = _PERIOD_FIGURES_SQL.format(filters=filters.conditions(),
                                      customer_filter=Filters(group_ids=filters.group_ids).conditions())
    with store.reading() as db:
        return db.execute(sql, _period_params(periods, time_zone, filters)).df()


@dataclass(frozen=True)
class WeeklySummary:
    """The chosen week's figures and the previous week's, by column name."""

    week: Period
    current: dict[str, float | None]
    previous: dict[str, float | None]

    def change(self, figure: str) -> float | None:
        """Current minus previous, or None where either is missing."""
        now, before = self.current.get(figure), self.previous.get(figure)
        if now is None or before is None or pd.isna(now) or pd.isna(before):
            return None
        return now - before

    @property
    def is_empty(self) -> bool:
        """True when nothing at all happened in the chosen week."""
        return not any(self.current[name] for name in ("received", "resolved", "touchpoints", "declined",
                                                       "follow_ups_due", "open_at_end"))


def weekly_summary(store: Store, week: Period, time_zone: ZoneInfo, filters: Filters = Filters()) -> WeeklySummary:
    """The headline figures of ``week`` and of the week before it."""
    return summary_from_figures(week, period_figures(store, [week.previous(), week], time_zone, filters))


def summary_from_figures(week: Period, figures: pd.DataFrame, compared: pd.DataFrame | None = None) -> WeeklySummary:
    """The summary of ``week`` from :func:`period_figures` rows whose last two are the week before and ``week``
    (e.g. a :func:`weekly_trend`), so a page showing both computes them once. ``compared`` (one row of
    :func:`period_figures`) replaces the week before, e.g. its same days for a week still running."""
    rows = [{name: _plain(row[name]) for name in FIGURE_COLUMNS} for _, row in figures.tail(2).iterrows()]
    if compared is not None:
        rows[0] = {name: _plain(compared[name].iloc[0]) for name in FIGURE_COLUMNS}
    return WeeklySummary(week, current=rows[1], previous=rows[0])


def compared_week(week: Period, today: dt.date) -> Period:
    """What ``week`` is compared with: the week before; for the week still running, the same days of the week
    before (a Wednesday's figures so far against last Monday to Wednesday, not against a whole week)."""
    if week.end <= today:
        return week.previous()
    return first_days(week.previous(), (today - week.start).days + 1)


def weekly_trend(store: Store, week: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                 weeks: int = 12) -> pd.DataFrame:
    """:func:`period_figures` for the ``weeks`` weeks ending with ``week``, with a ``week`` date column."""
    periods = weeks_ending_with(week, weeks)
    frame = period_figures(store, periods, time_zone, filters)
    frame.insert(0, "week", [period.start for period in periods])
    return frame


def touchpoints_by_channel(store: Store, periods: list[Period], time_zone: ZoneInfo,
                           filters: Filters = Filters()) -> pd.DataFrame:
    """Touchpoints and minutes per period start (local date) and channel; periods with none are absent."""
    if not periods:
        return pd.DataFrame(columns=["period", "channel", "touchpoints", "minutes"])
    params = _period_params(periods, time_zone, filters)
    sql = _PERIODS_CTE + """
        SELECT p.first_day AS period, t.channel, count(*) AS touchpoints, sum(t.minutes)::BIGINT AS minutes
        FROM periods p JOIN touchpoints t ON t.occurred_at >= p.period_start AND t.occurred_at < p.period_end
        WHERE t.occurred_at >= $first_start AND t.occurred_at < $last_end {filters}
        GROUP BY ALL ORDER BY p.first_day, t.channel
    """.format(filters=filters.conditions("t.customer_id", "t.service_id"))
    wanted = ("starts", "ends", "first_days", "end_days", "first_start", "last_end", *filters.params())
    with store.reading() as db:
        frame = db.execute(sql, {key: params[key] for key in wanted}).df()
    frame["period"] = frame["period"].dt.date
    return frame


def _plain(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)
