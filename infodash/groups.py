"""Customer groups: who the team serves, how much, through which channels, and whom it is missing,
broken down by customer group, department, seniority or relationship.

Every function takes the breakdown by name (a key of :data:`BREAKDOWNS`, mapped to a fixed SQL
expression; the user's text is never SQL), a :class:`~infodash.periods.Period` in the
organisation's time zone and the shared :class:`~infodash.filters.Filters`, and aggregates in
DuckDB. A *cell* is one value of the breakdown (one group, one department, ...). Customers belong
to the cell of their current group, department, seniority and relationship.

Definitions, so a lead can explain every number:

- A *contact* is a request received from the customer or a touchpoint with them; the service
  filter keeps the contacts about the chosen services.
- *Customers* are the cell's active customers; inactive customers' requests and touchpoints still
  count in the volumes but not in reach, lifecycle or the contact lists.
- *Customers served*: active customers with a contact in the period. *Share reached*: served /
  customers. *Days since last contact*: per customer, from the local day of their last contact
  before the period ended to the period's last day; the cell's median over its customers who
  were ever contacted.
- *Under-served* (:data:`UNDER_SERVED_RULE`): a cell with at least :data:`MIN_CELL_CUSTOMERS`
  customers whose share reached is below half the share reached over all cells shown.
- Requests *received* in the period, *resolved* or *declined* in the period (whenever received),
  as on the weekly review. *SLA attainment* and the *median business hours* to resolve are those
  of :func:`infodash.sla_reports.attainment_by`, computed with its SQL (the stored verdicts on the
  requests received in the period, open ones judged against ``now``).
- *Touchpoints*, their *minutes* of effort and their mean *READ level* (1-6) in the period.
- *Lifecycle* (:data:`LIFECYCLE_STAGES`), each active customer at the end of a period:
  *new* (first contact ever in the period), *active* (a contact in the period, first contact
  before it), *quiet* (no contact in the period, last contact within ``quiet_days`` before the
  period started), *lapsed* (last contact longer ago), *never contacted*.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from infodash.db import Store
from infodash.filters import Filters
from infodash.periods import Period
from infodash.review import _PERIODS_CTE, _REQUEST_ROWS, _period_params
from infodash.sla_reports import ATTAINMENT_SQL, MEDIAN_HOURS_SQL, judged_params, judged_requests_sql

# What a breakdown may be by: the user's choice maps to a fixed SQL expression over customers c and
# customer_groups g, never to their text.
BREAKDOWNS: dict[str, str] = {
    "customer group": "g.name",
    "department": "c.department",
    "seniority": "c.seniority",
    "relationship": "c.relationship",
}
# The order cells are listed in: groups in their display order, seniority from the top, others by name.
_CELL_ORDER: dict[str, str] = {
    "customer group": "g.sort_order",
    "department": "0",
    "seniority": "CASE c.seniority WHEN 'executive' THEN 1 WHEN 'senior' THEN 2 WHEN 'middle' THEN 3 ELSE 4 END",
    "relationship": "CASE c.relationship WHEN 'customer' THEN 1 WHEN 'partner' THEN 2 ELSE 3 END",
}
MIN_CELL_CUSTOMERS = 10
UNDER_SERVED_RULE = (f"A cell is under-served when it has at least {MIN_CELL_CUSTOMERS} active customers and its share "
                     "reached is below half the share reached over all cells shown (smaller cells swing too much "
                     "to judge).")
QUIET_DAYS = 90
LIFECYCLE_STAGES: dict[str, str] = {
    "new": "First contact ever in the period.",
    "active": "A contact in the period; first contacted before it.",
    "quiet": "No contact in the period; the last one within {quiet_days} days before the period started.",
    "lapsed": "No contact in the period; the last one more than {quiet_days} days before it started.",
    "never contacted": "No request or touchpoint on record up to the period's end.",
}
FIGURES = ("customers", "customers_served", "reach_share", "median_days_since_contact", "received", "resolved",
           "declined", "attainment", "median_business_hours", "touchpoints", "minutes", "mean_read_level")
DEFINITIONS: dict[str, str] = {
    "customers": "Active customers in the cell.",
    "customers_served": "Active customers of the cell with a request received or a touchpoint in the period.",
    "reach_share": "Customers served as a share of the cell's active customers.",
    "median_days_since_contact": "Median, over the cell's active customers ever contacted, of the days from their "
                                 "last contact to the period's last day.",
    "received": "Requests received in the period from the cell's customers.",
    "resolved": "Requests resolved in the period, whenever received.",
    "declined": "Requests declined in the period (out of scope, referred elsewhere), whenever received.",
    "attainment": "Service-level attainment of the requests received in the period: resolved within target / "
                  "(resolved + open already past due); declined ones excluded.",
    "median_business_hours": "Median business hours to resolve the requests received in the period, time "
                             "waiting on the customer or a vendor excluded.",
    "touchpoints": "Interactions logged with the cell's customers in the period, across all channels.",
    "minutes": "Minutes of effort recorded on those touchpoints.",
    "mean_read_level": "Mean READ level (1 quick answer - 6 in-depth research) of those touchpoints.",
    "under_served": UNDER_SERVED_RULE,
}
NO_REASON = "(no reason recorded)"
NOT_REFERRED = "(no referral recorded)"


def _check(dimension: str) -> None:
    if dimension not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {dimension!r}; choose one of {', '.join(BREAKDOWNS)}")


def scope_sql(dimension: str, filters: Filters, cell: str | None = None) -> str:
    """CTEs (without ``WITH``) for queries broken down by ``dimension``: ``cells`` (cell, cell_order, cell_id:
    every cell of the breakdown, numbered in display order, groups without customers included when breaking
    down by group; only ``cell`` when one is given, bound as ``$cell``) and ``scope`` (customer_id, active,
    cell, cell_id: the customers of those cells in the chosen groups). Parameters: :meth:`Filters.params`
    and ``$cell``.
    Raises ValueError for an unknown ``dimension``."""
    _check(dimension)
    groups = " AND list_contains($groups::INTEGER[], g.group_id)" if filters.group_ids else ""
    chosen = f" AND {BREAKDOWNS[dimension]} = $cell" if cell is not None else ""
    expression, order = BREAKDOWNS[dimension], _CELL_ORDER[dimension]
    return f"""
cells AS (
    SELECT cell, cell_order, row_number() OVER (ORDER BY cell_order, cell) AS cell_id FROM (
        SELECT DISTINCT {expression} AS cell, {order} AS cell_order
        FROM customer_groups g LEFT JOIN customers c ON c.group_id = g.group_id
        WHERE {expression} IS NOT NULL{groups}{chosen}
    )
),
scope AS (
    SELECT c.customer_id, c.active, k.cell, k.cell_id
    FROM customers c JOIN customer_groups g ON g.group_id = c.group_id JOIN cells k ON k.cell = {expression}
    WHERE true{groups}
)"""


def _services(filters: Filters, column: str = "service_id") -> str:
    """The service filter alone: the group filter is applied through ``scope``."""
    return Filters(service_ids=filters.service_ids).conditions(service_column=column)


def _contact_summary(filters: Filters) -> str:
    """CTE ``contact_summary``: per customer with a contact before ``$last_end`` (join it to ``scope``), their
    first contact and their last before ``$first_start`` (the previous period's start), ``$split`` (the period's
    start) and ``$last_end`` (its end). One pass over requests and touchpoints serves reach, lifecycle and
    the contact lists."""
    services = _services(filters)
    return f"""
contacts AS (
    SELECT customer_id, received_at AS contact_at FROM requests WHERE received_at < $last_end{services}
    UNION ALL
    SELECT customer_id, occurred_at FROM touchpoints WHERE occurred_at < $last_end{services}
),
contact_summary AS (
    SELECT customer_id, min(contact_at) AS first_at,
           max(contact_at) FILTER (contact_at < $first_start) AS last_before_previous,
           max(contact_at) FILTER (contact_at < $split) AS last_before_start, max(contact_at) AS last_before_end
    FROM contacts GROUP BY customer_id
)"""


def _activity(filters: Filters) -> str:
    """CTE ``activity``: per customer of ``scope``, requests received, touchpoints and their minutes in
    [``$split``, ``$last_end``)."""
    services = _services(filters)
    return f"""
activity_rows AS (
    SELECT customer_id, count(*) AS requests, 0 AS touchpoints, 0 AS minutes FROM requests
    WHERE received_at >= $split AND received_at < $last_end{services} GROUP BY customer_id
    UNION ALL
    SELECT customer_id, 0, count(*), sum(minutes) FROM touchpoints
    WHERE occurred_at >= $split AND occurred_at < $last_end{services} GROUP BY customer_id
),
activity AS (
    SELECT customer_id, sum(requests)::BIGINT AS requests, sum(touchpoints)::BIGINT AS touchpoints,
           sum(minutes)::BIGINT AS minutes
    FROM activity_rows SEMI JOIN scope USING (customer_id) GROUP BY customer_id
)"""


def _params(period: Period, time_zone: ZoneInfo, filters: Filters, **extra: object) -> dict[str, object]:
    """``$first_start`` (the previous period's start), ``$split`` (the period's start), ``$last_end`` (its end),
    ``$last_day`` (its last local day), ``$time_zone`` and the filters'."""
    (first_start, split), (_, last_end) = period.previous().bounds(time_zone), period.bounds(time_zone)
    return {"first_start": first_start, "split": split, "last_end": last_end,
            "last_day": period.end - dt.timedelta(days=1), "time_zone": time_zone.key, **filters.params(), **extra}


def _query(store: Store, sql: str, params: dict[str, object]) -> pd.DataFrame:
    """Run ``sql`` with only the parameters it names (DuckDB refuses unused named parameters)."""
    with store.reading() as db:
        return db.execute(sql, {name: value for name, value in params.items()
                                if re.search(rf"\${name}\b", sql)}).df()


# ---------------------------------------------------------------------------------------------------------------
# The breakdown table

_BREAKDOWN_SQL = """,
{periods},
{scope},
{contact_summary},
last_contacts AS (  -- each active customer's last contact before each of the two periods ended
    SELECT p.period_start, p.end_day, s.cell_id,
           CASE WHEN p.period_start = $split THEN l.last_before_end ELSE l.last_before_start END AS last_at
    FROM periods p CROSS JOIN scope s LEFT JOIN contact_summary l ON l.customer_id = s.customer_id
    WHERE s.active
),
reach AS (
    SELECT period_start, cell_id, count(*) AS customers, count(*) FILTER (last_at >= period_start) AS customers_served,
           median(date_diff('day', CAST(timezone($time_zone, last_at) AS DATE), end_day - 1))
               AS median_days_since_contact
    FROM last_contacts GROUP BY ALL
),
{request_rows},
request_figures AS (
    SELECT p.period_start, s.cell_id,
           count(*) FILTER (r.received_at >= p.period_start AND r.received_at < p.period_end) AS received,
           count(*) FILTER (r.status = 'resolved' AND r.closed_at >= p.period_start AND r.closed_at < p.period_end)
               AS resolved,
           count(*) FILTER (r.status = 'declined' AND r.closed_at >= p.period_start AND r.closed_at < p.period_end)
               AS declined
    FROM periods p JOIN request_rows r
      ON (r.received_at >= p.period_start AND r.received_at < p.period_end)
         OR (r.closed_at >= p.period_start AND r.closed_at < p.period_end)
    JOIN scope s ON s.customer_id = r.customer_id
    GROUP BY ALL
),
channel_figures AS (
    SELECT p.period_start, s.cell_id, t.channel, count(*) AS touchpoints, sum(t.minutes) AS minutes,
           sum(t.read_level) AS read_total
    FROM periods p JOIN touchpoints t ON t.occurred_at >= p.period_start AND t.occurred_at < p.period_end
    JOIN scope s ON s.customer_id = t.customer_id
    WHERE t.occurred_at >= $first_start AND t.occurred_at < $last_end{touchpoint_services}
    GROUP BY ALL
),
touchpoint_figures AS (
    SELECT period_start, cell_id, sum(touchpoints) AS touchpoints, sum(minutes) AS minutes,
           sum(read_total) / sum(touchpoints) AS mean_read_level,
           list({{'channel': channel, 'touchpoints': touchpoints, 'minutes': minutes}} ORDER BY channel) AS channels
    FROM channel_figures GROUP BY ALL
),
service_levels AS (  -- the stored verdicts, judged as infodash.sla_reports judges them
    SELECT p.period_start, s.cell_id, {attainment} AS attainment, {median_hours} AS median_business_hours
    FROM periods p JOIN judged r ON r.received_at >= p.period_start AND r.received_at < p.period_end
    JOIN scope s ON s.customer_id = r.customer_id
    GROUP BY ALL
)
SELECT p.period_start, k.cell, k.cell_order,
       coalesce(a.customers, 0) AS customers, coalesce(a.customers_served, 0) AS customers_served,
       a.customers_served / nullif(a.customers, 0) AS reach_share, a.median_days_since_contact,
       coalesce(q.received, 0) AS received, coalesce(q.resolved, 0) AS resolved, coalesce(q.declined, 0) AS declined,
       v.attainment, v.median_business_hours,
       coalesce(t.touchpoints, 0)::BIGINT AS touchpoints, coalesce(t.minutes, 0)::BIGINT AS minutes, t.mean_read_level,
       t.channels
FROM periods p CROSS JOIN cells k
LEFT JOIN reach a ON a.period_start = p.period_start AND a.cell_id = k.cell_id
LEFT JOIN request_figures q ON q.period_start = p.period_start AND q.cell_id = k.cell_id
LEFT JOIN touchpoint_figures t ON t.period_start = p.period_start AND t.cell_id = k.cell_id
LEFT JOIN service_levels v ON v.period_start = p.period_start AND v.cell_id = k.cell_id
ORDER BY k.cell_order, k.cell, p.period_start
"""


_ADDITIVE = ("customers", "customers_served", "received", "resolved", "declined", "touchpoints", "minutes")


@dataclass(frozen=True)
class GroupBreakdown:
    """Every figure per cell for a period and the previous period of the same length."""

    dimension: str
    period: Period
    cells: pd.DataFrame  # cell, then each of FIGURES, previous_<figure>, <figure>_change; under_served
    channels: pd.DataFrame  # cell, channel, touchpoints, minutes, previous_touchpoints, previous_minutes
    reach_share: float | None  # over all cells shown, in the period
    previous_reach_share: float | None

    def total(self, figure: str) -> tuple[int, int]:
        """A count over all cells (customers, customers_served, received, resolved, declined, touchpoints or
        minutes): (this period, the previous one)."""
        if figure not in _ADDITIVE:
            raise ValueError(f"{figure!r} cannot be added up over cells; choose one of {', '.join(_ADDITIVE)}")
        return int(self.cells[figure].sum()), int(self.cells[f"previous_{figure}"].sum())


def breakdown(store: Store, dimension: str, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
              now: dt.datetime | None = None) -> GroupBreakdown:
    """Every figure of :data:`FIGURES` per cell of ``dimension`` (a key of :data:`BREAKDOWNS`) for ``period``
    and the period of the same length before it, with the changes (see the module's definitions).

    ``cells`` has one row per cell in display order (groups without customers included when breaking down
    by group): ``cell``, each figure, ``previous_<figure>``, ``<figure>_change`` (current minus previous;
    missing where either is) and ``under_served`` (:data:`UNDER_SERVED_RULE`). ``channels`` has the
    touchpoints and minutes per cell and channel in both periods (only channels used in either).
    Open requests are judged against ``now`` (default: the present) for attainment. Raises ValueError
    for an unknown ``dimension``.
    """
    periods = [period.previous(), period]
    sql = judged_requests_sql(_services(filters, "r.service_id")) + _BREAKDOWN_SQL.format(
        periods=_PERIODS_CTE.removeprefix("\nWITH "), scope=scope_sql(dimension, filters),
        contact_summary=_contact_summary(filters), request_rows=_REQUEST_ROWS.format(filters=_services(filters)),
        touchpoint_services=_services(filters, "t.service_id"), attainment=ATTAINMENT_SQL,
        median_hours=MEDIAN_HOURS_SQL)
    params = {**_period_params(periods, time_zone, filters), **_params(period, time_zone, filters),
              **judged_params(Period(periods[0].start, period.end), time_zone, now)}
    frame = _query(store, sql, params)
    previous, current = (frame[frame["period_start"] == pd.Timestamp(chosen.bounds(time_zone)[0])]
                         .drop(columns=["period_start", "cell_order"]).reset_index(drop=True) for chosen in periods)
    cells = _with_changes(current, previous, FIGURES)
    reach, previous_reach = (_share(part["customers_served"].sum(), part["customers"].sum())
                             for part in (current, previous))  # every active customer is in exactly one cell
    threshold = np.nan if reach is None else reach / 2
    cells["under_served"] = (cells["customers"] >= MIN_CELL_CUSTOMERS) & (cells["reach_share"] < threshold)
    return GroupBreakdown(dimension, period, cells, _channel_frame(current, previous), reach, previous_reach)


def _with_changes(current: pd.DataFrame, previous: pd.DataFrame, figures: tuple[str, ...]) -> pd.DataFrame:
    """``current``'s cells and figures, with ``previous_<figure>`` and ``<figure>_change`` beside each."""
    table = current[["cell", *figures]].copy()
    before = previous.set_index("cell").reindex(table["cell"])
    for figure in figures:
        table[f"previous_{figure}"] = before[figure].to_numpy()
        table[f"{figure}_change"] = (table[figure].astype(float) - table[f"previous_{figure}"].astype(float))
    return table


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def _channel_frame(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    def long(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[["cell", "channels"]].explode("channels").dropna(subset=["channels"])
        return pd.DataFrame({"cell": rows["cell"].to_numpy(),
                             "channel": [item["channel"] for item in rows["channels"]],
                             "touchpoints": [int(item["touchpoints"]) for item in rows["channels"]],
                             "minutes": [int(item["minutes"]) for item in rows["channels"]]})

    now, before = long(current), long(previous)
    merged = now.merge(before, on=["cell", "channel"], how="outer", suffixes=("", "_before"))
    order = {cell: position for position, cell in enumerate(current["cell"])}
    merged = merged.fillna({"touchpoints": 0, "minutes": 0, "touchpoints_before": 0, "minutes_before": 0})
    merged = merged.rename(columns={"touchpoints_before": "previous_touchpoints", "minutes_before": "previous_minutes"})
    merged = merged.astype({column: "int64" for column in ("touchpoints", "minutes", "previous_touchpoints",
                                                            "previous_minutes")})
    return merged.sort_values(["cell", "channel"], key=lambda column: column.map(order) if column.name == "cell"
                              else column, ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# Services used and requests declined

_SERVICES_SQL = """
WITH {scope}
SELECT k.cell, sv.name AS service, sv.in_scope, count(*) AS requests
FROM requests r JOIN scope s ON s.customer_id = r.customer_id JOIN cells k ON k.cell = s.cell
JOIN services sv ON sv.service_id = r.service_id
WHERE r.received_at >= $split AND r.received_at < $last_end{services}
GROUP BY k.cell, k.cell_order, sv.name, sv.in_scope
ORDER BY k.cell_order, k.cell, sv.name
"""


def services_by(store: Store, dimension: str, period: Period, time_zone: ZoneInfo,
                filters: Filters = Filters()) -> pd.DataFrame:
    """Requests received in ``period`` per cell of ``dimension`` and service (for a cell x service heat map).

    Columns: cell, service, in_scope, requests; only pairs with requests, cells in display order.
    """
    sql = _SERVICES_SQL.format(scope=scope_sql(dimension, filters), services=_services(filters, "r.service_id"))
    return _query(store, sql, _params(period, time_zone, filters))


_DECLINES_SQL = """
WITH {scope}
SELECT k.cell, coalesce(r.decline_reason, $no_reason) AS reason, coalesce(r.referred_to, $not_referred) AS referred_to,
       count(*) AS declined
FROM requests r JOIN scope s ON s.customer_id = r.customer_id JOIN cells k ON k.cell = s.cell
WHERE r.status = 'declined' AND r.closed_at >= $split AND r.closed_at < $last_end{services}
GROUP BY k.cell, k.cell_order, reason, referred_to
ORDER BY k.cell_order, k.cell, declined DESC, reason, referred_to
"""


def declines_by(store: Store, dimension: str, period: Period, time_zone: ZoneInfo,
                filters: Filters = Filters()) -> pd.DataFrame:
    """Requests declined in ``period`` (whenever received) per cell, reason given and where the customer was
    referred. Columns: cell, reason, referred_to, declined; a missing reason or referral reads
    :data:`NO_REASON` / :data:`NOT_REFERRED`. Cells in display order, most frequent first within each."""
    sql = _DECLINES_SQL.format(scope=scope_sql(dimension, filters), services=_services(filters, "r.service_id"))
    return _query(store, sql, _params(period, time_zone, filters, no_reason=NO_REASON, not_referred=NOT_REFERRED))


_DECLINED_SHARE_SQL = """
WITH {scope}
SELECT sv.name AS service, sv.in_scope, sv.referral, count(*) AS received,
       count(*) FILTER (r.status = 'declined') AS declined,
       count(*) FILTER (r.status = 'declined') / count(*) AS declined_share
FROM requests r JOIN services sv ON sv.service_id = r.service_id
WHERE r.received_at >= $split AND r.received_at < $last_end{services}
  AND r.customer_id IN (SELECT customer_id FROM scope)
GROUP BY ALL ORDER BY declined_share DESC, service
"""


def declined_share_by_service(store: Store, period: Period, time_zone: ZoneInfo,
                              filters: Filters = Filters()) -> pd.DataFrame:
    """Per service, the requests received in ``period`` and the share of them declined (so far).

    Columns: service, in_scope, referral (where the portfolio sends out-of-scope requests), received,
    declined, declined_share; services without requests in the period are absent; highest share first.
    """
    sql = _DECLINED_SHARE_SQL.format(scope=scope_sql("customer group", filters),
                                     services=_services(filters, "r.service_id"))
    return _query(store, sql, _params(period, time_zone, filters))


# ---------------------------------------------------------------------------------------------------------------
# Lifecycle


def _stage_sql(first: str, last_before_start: str, last_before_end: str, start: str, quiet_from: str) -> str:
    return f"""CASE WHEN {last_before_end} IS NULL THEN 'never contacted'
                WHEN {first} >= {start} THEN 'new'
                WHEN {last_before_end} >= {start} THEN 'active'
                WHEN {last_before_start} >= {quiet_from} THEN 'quiet'
                ELSE 'lapsed' END"""


_LIFECYCLE_SQL = """
WITH {scope},
{contact_summary},
staged AS (
    SELECT s.cell,
           {previous_stage} AS previous_stage,
           {stage} AS stage
    FROM scope s LEFT JOIN contact_summary x ON x.customer_id = s.customer_id
    WHERE s.active
)
SELECT k.cell, x.previous_stage, x.stage, count(x.cell) AS customers
FROM cells k LEFT JOIN staged x ON x.cell = k.cell
GROUP BY k.cell, k.cell_order, x.previous_stage, x.stage
ORDER BY k.cell_order, k.cell
"""


@dataclass(frozen=True)
class Lifecycle:
    """Active customers by lifecycle stage per cell at the end of a period and of the one before it."""

    quiet_days: int
    counts: pd.DataFrame  # cell, stage, customers, previous_customers, change: every cell and stage
    movement: pd.DataFrame  # cell, previous_stage, stage, customers: who moved from which stage to which

    def moves(self) -> pd.DataFrame:
        """Customers who changed stage, over all cells: previous_stage, stage, customers; most first."""
        moved = self.movement[self.movement["previous_stage"] != self.movement["stage"]]
        return moved.groupby(["previous_stage", "stage"], as_index=False)["customers"].sum().sort_values(
            ["customers", "previous_stage", "stage"], ascending=[False, True, True], ignore_index=True)


def lifecycle(store: Store, dimension: str, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
              quiet_days: int = QUIET_DAYS) -> Lifecycle:
    """Each active customer classed by their contacts (requests received and touchpoints) at the end of
    ``period`` and at the end of the period of the same length before it, counted per cell of ``dimension``.

    Stages (:data:`LIFECYCLE_STAGES`), for a period starting at S: *never contacted* (no contact before its
    end), *new* (first contact ever in the period), *active* (a contact in the period, the first before S),
    *quiet* (no contact in the period, the last on or after S - ``quiet_days`` days), *lapsed* (the last
    before S - ``quiet_days``). ``counts`` has every cell and stage (zeros included) with ``change`` =
    customers - previous_customers; ``movement`` has each cell's customers per (previous_stage, stage) pair.
    Raises ValueError for an unknown ``dimension`` or a negative ``quiet_days``.
    """
    if quiet_days < 0:
        raise ValueError("quiet_days must be zero or more")
    previous = period.previous()
    quiet = dt.timedelta(days=quiet_days)
    sql = _LIFECYCLE_SQL.format(
        scope=scope_sql(dimension, filters), contact_summary=_contact_summary(filters),
        stage=_stage_sql("x.first_at", "x.last_before_start", "x.last_before_end", "$split", "$quiet_from"),
        previous_stage=_stage_sql("x.first_at", "x.last_before_previous", "x.last_before_start", "$first_start",
                                  "$previous_quiet_from"))
    params = _params(period, time_zone, filters,
                     quiet_from=Period(period.start - quiet, period.end).bounds(time_zone)[0],
                     previous_quiet_from=Period(previous.start - quiet, previous.end).bounds(time_zone)[0])
    moves = _query(store, sql, params)
    cells = list(dict.fromkeys(moves["cell"]))
    grid = pd.MultiIndex.from_product([cells, list(LIFECYCLE_STAGES)], names=["cell", "stage"])
    now = moves.groupby(["cell", "stage"])["customers"].sum().reindex(grid, fill_value=0)
    before = moves.groupby(["cell", "previous_stage"])["customers"].sum()
    before = before.rename_axis(["cell", "stage"]).reindex(grid, fill_value=0)
    counts = pd.DataFrame({"customers": now.astype("int64"), "previous_customers": before.astype("int64")})
    counts["change"] = counts["customers"] - counts["previous_customers"]
    movement = moves.dropna(subset=["stage"]).astype({"customers": "int64"}).reset_index(drop=True)
    return Lifecycle(quiet_days, counts.reset_index(), movement)


# ---------------------------------------------------------------------------------------------------------------
# Key customers and where the effort goes

# What effort is measured in: the user's choice maps to a fixed column of ``activity``.
EFFORT_MEASURES: dict[str, str] = {"minutes": "minutes", "requests": "requests"}
TOP_PERCENT = 10  # the Pareto headline: the share of effort that goes to the top 10% of customers
_CURVE_POINTS = 200

_EFFORT_SQL = """
WITH {scope},
{activity},
ranked AS (
    SELECT *, {measure} AS effort, row_number() OVER (ORDER BY {measure} DESC, customer_id) AS rank,
           count(*) OVER () AS customers, sum({measure}) OVER () AS total
    FROM activity WHERE {measure} > 0
),
effort AS (
    SELECT *, sum(effort) OVER (ORDER BY rank ROWS UNBOUNDED PRECEDING) AS cumulative FROM ranked
)
"""


def _effort_sql(by: str, filters: Filters) -> str:
    if by not in EFFORT_MEASURES:
        raise ValueError(f"unknown effort measure {by!r}; choose one of {', '.join(EFFORT_MEASURES)}")
    return _EFFORT_SQL.format(scope=scope_sql("customer group", filters), activity=_activity(filters),
                              measure=EFFORT_MEASURES[by])


def key_customers(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                  by: str = "minutes", limit: int = 20) -> pd.DataFrame:
    """The ``limit`` customers the team spent most on in ``period``, by touchpoint minutes or by requests
    received (``by``, a key of :data:`EFFORT_MEASURES`), inactive customers included.

    Columns: rank, customer_id, customer, customer_group, department, seniority, active, requests,
    touchpoints, minutes, share (of all the period's effort by that measure), cumulative_share.
    Ties are ranked by customer id. Raises ValueError for an unknown ``by``.
    """
    sql = _effort_sql(by, filters) + """
    SELECT e.rank, e.customer_id, c.name AS customer, g.name AS customer_group, c.department, c.seniority, c.active,
           e.requests, e.touchpoints, e.minutes, e.effort / e.total AS share, e.cumulative / e.total AS cumulative_share
    FROM effort e JOIN customers c ON c.customer_id = e.customer_id JOIN customer_groups g ON g.group_id = c.group_id
    WHERE e.rank <= $limit ORDER BY e.rank
    """
    return _query(store, sql, _params(period, time_zone, filters, limit=limit))


@dataclass(frozen=True)
class EffortConcentration:
    """How concentrated the team's effort is on few customers (a Pareto curve)."""

    by: str  # minutes or requests
    customers: int  # customers with any effort in the period
    total: float  # all the effort (minutes or requests)
    top_customers: int  # how many make the top 10% (rounded up)
    top_share: float | None  # the share of the effort that went to them; None without effort
    curve: pd.DataFrame  # rank, customer_share, effort_share: up to ~200 points of the cumulative curve


def effort_concentration(store: Store, period: Period, time_zone: ZoneInfo, filters: Filters = Filters(),
                         by: str = "minutes") -> EffortConcentration:
    """The cumulative share of effort (``by``: touchpoint minutes or requests) by customer rank, most effort
    first, over the customers with any effort in ``period``; and the share that went to the top 10% of them.

    The curve is thinned in SQL to about 200 points (the first rank, the last, and the first rank past each
    0.5% of customers), which draws the same line as every customer would.
    """
    sql = _effort_sql(by, filters) + """,
    topped AS (
        SELECT *, (customers * $top_percent + 99) // 100 AS top_customers,  -- rounded up, in whole numbers
               max(cumulative) FILTER (rank <= (customers * $top_percent + 99) // 100) OVER () / total AS top_share
        FROM effort
    )
    SELECT rank, rank / customers AS customer_share, cumulative / total AS effort_share, customers, total,
           top_customers, top_share
    FROM topped
    WHERE rank = 1 OR rank = customers OR floor(rank * $points / customers) > floor((rank - 1) * $points / customers)
    ORDER BY rank
    """
    curve = _query(store, sql, _params(period, time_zone, filters, top_percent=TOP_PERCENT, points=_CURVE_POINTS))
    if curve.empty:
        return EffortConcentration(by, 0, 0.0, 0, None, curve[["rank", "customer_share", "effort_share"]])
    first = curve.iloc[0]
    return EffortConcentration(by, int(first["customers"]), float(first["total"]), int(first["top_customers"]),
                               float(first["top_share"]), curve[["rank", "customer_share", "effort_share"]])


# ---------------------------------------------------------------------------------------------------------------
# Customers: of one cell, and those not contacted lately

_CUSTOMER_LIST_SQL = """
WITH {scope},
{contact_summary}{activity}
SELECT s.customer_id, c.name AS customer, g.name AS customer_group, c.department, c.seniority, c.relationship,
       c.email, {figures}
       timezone($time_zone, x.last_before_end) AS last_contact,
       date_diff('day', CAST(timezone($time_zone, x.last_before_end) AS DATE), $last_day) AS days_since_contact
FROM scope s JOIN customers c ON c.customer_id = s.customer_id JOIN customer_groups g ON g.group_id = c.group_id
LEFT JOIN contact_summary x ON x.customer_id = s.customer_id{activity_join}
WHERE s.active{condition}
ORDER BY {order}, c.name, s.customer_id
LIMIT $limit
"""


def group_customers(store: Store, dimension: str, cell: str, period: Period, time_zone: ZoneInfo,
                    filters: Filters = Filters()) -> pd.DataFrame:
    """The active customers of one cell (a row of :func:`breakdown`) with what they had from the team in
    ``period``, the busiest first.

    Columns: customer_id, customer, customer_group, department, seniority, relationship, email, requests
    (received in the period), touchpoints, minutes, last_contact (local time, up to the period's end; empty if
    never) and days_since_contact (to the period's last day). Raises ValueError for an unknown ``dimension``.
    """
    sql = _CUSTOMER_LIST_SQL.format(
        scope=scope_sql(dimension, filters, cell), contact_summary=_contact_summary(filters),
        activity="," + _activity(filters), activity_join="\nLEFT JOIN activity a ON a.customer_id = s.customer_id",
        condition="", figures="coalesce(a.requests, 0) AS requests, coalesce(a.touchpoints, 0) AS touchpoints, "
                "coalesce(a.minutes, 0) AS minutes,",
        order="coalesce(a.minutes, 0) DESC, coalesce(a.requests, 0) DESC")
    return _query(store, sql, _params(period, time_zone, filters, cell=cell, limit=None))


def not_contacted(store: Store, time_zone: ZoneInfo, days: int = QUIET_DAYS, filters: Filters = Filters(),
                  dimension: str | None = None, cell: str | None = None, today: dt.date | None = None,
                  limit: int | None = None) -> pd.DataFrame:
    """The proactive contact list: active customers with no request received and no touchpoint in the
    ``days`` days up to ``today`` (default: today in ``time_zone``), that is whose last contact was ``days``
    or more days ago, or who were never contacted.

    Never contacted first, then the longest silent. Columns: customer_id, customer, customer_group,
    department, seniority, relationship, email, last_contact (local time; empty if never) and
    days_since_contact (to ``today``). ``dimension`` and ``cell`` narrow it to one cell of a breakdown;
    ``limit`` caps the rows. Raises ValueError for a negative ``days``, an unknown ``dimension`` or a
    ``cell`` without one.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    if cell is not None and dimension is None:
        raise ValueError("a cell needs the dimension it belongs to")
    today = today or dt.datetime.now(time_zone).date()
    # contacts up to the end of today; silent since the start of the day ``days`` days ago + 1
    window = Period(today - dt.timedelta(days=days - 1), today + dt.timedelta(days=1))
    sql = _CUSTOMER_LIST_SQL.format(
        scope=scope_sql(dimension or "customer group", filters, cell), contact_summary=_contact_summary(filters),
        activity="", activity_join="", figures="", order="x.last_before_end NULLS FIRST",
        condition=" AND (x.last_before_end IS NULL OR x.last_before_end < $split)")
    return _query(store, sql, {**_params(window, time_zone, filters, cell=cell, limit=limit), "last_day": today})


# ---------------------------------------------------------------------------------------------------------------
# Open anomalies per customer group

NOT_ABOUT_A_GROUP = "(system-wide)"


def anomalies_by_group(open_anomalies: pd.DataFrame) -> pd.DataFrame:
    """Counts per customer group and detector of the findings :func:`infodash.findings.anomalies` lists (a
    finding about a customer counts in the customer's group); findings about a system or resource as a
    whole count under :data:`NOT_ABOUT_A_GROUP`. Columns: customer_group, detector, anomalies; most first."""
    groups = open_anomalies["customer_group"].fillna(NOT_ABOUT_A_GROUP)
    counts = open_anomalies.assign(customer_group=groups).groupby(["customer_group", "detector"]).size()
    return counts.rename("anomalies").reset_index().sort_values(
        ["anomalies", "customer_group", "detector"], ascending=[False, True, True], ignore_index=True)
