"""Figures about feedback items: volumes by kind, service and customer group; time to acknowledge and to
resolve against the team's targets on its business calendar; the share of resolved items whose customer was
told the outcome; repeat complainants; and the "you said, we did" list for the management pack.

Times are counted in **working days** on the feedback calendar (the setting ``feedback_calendar_id``, else the
first calendar set up, else Monday to Friday): an item acknowledged on the N-th working day after the day it
was received took N working days, whatever the hour, so one received on a Friday (or on the Saturday) and
acknowledged on the Monday took 1. Targets are settings a lead changes: acknowledge within
``feedback_acknowledge_days`` (default 1) and resolve complaints within ``feedback_resolve_days`` (default 10).
Every figure is about the items *received* in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash import audit
from infodash.calendars import Calendar
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.periods import Period
from infodash.permissions import Account, require
from infodash.settings import get_setting
from infodash.sla import load_calendar

ACKNOWLEDGE_SETTING = "feedback_acknowledge_days"
RESOLVE_SETTING = "feedback_resolve_days"
CALENDAR_SETTING = "feedback_calendar_id"
DEFAULT_ACKNOWLEDGE_DAYS = 1
DEFAULT_RESOLVE_DAYS = 10
MAX_TARGET_DAYS = 60
_OFFICE_HOURS = ((dt.time(9), dt.time(17)),)

DEFINITIONS: dict[str, str] = {
    "received": "Feedback items received in the period: complaints, compliments and suggestions, from every way in "
                "(touchpoints, requests, survey comments, the public form, staff entries).",
    "open_complaints": "Complaints received before the period ended and not resolved by then.",
    "acknowledged_in_time": "Of the items received in the period that are acknowledged, or not yet and already past "
                            "the target, the share acknowledged within the target's working days (counted from the "
                            "day received to the day acknowledged on the team's business calendar).",
    "median_acknowledge_days": "Median working days from the day received to the day acknowledged (0: the same day), "
                               "over the period's acknowledged items.",
    "resolved_in_time": "Of the complaints received in the period that are resolved, or not yet and already past the "
                        "target, the share resolved within the target's working days.",
    "median_resolve_days": "Median working days from the day received to the day resolved, over the period's "
                           "resolved complaints.",
    "told_share": "Of the period's resolved items with a known customer or contact e-mail (anonymous ones cannot be "
                  "told), the share whose customer was told the outcome.",
    "repeat_complainants": "Customers with two or more complaints received in the period.",
    "you_said_we_did": "Complaints and suggestions resolved in the period, with the response the team gave.",
}


@dataclass(frozen=True)
class FeedbackTargets:
    """Working days to acknowledge any item and to resolve a complaint."""

    acknowledge_days: int = DEFAULT_ACKNOWLEDGE_DAYS
    resolve_days: int = DEFAULT_RESOLVE_DAYS


def _days_setting(store: Store, key: str, default: int) -> int:
    value = get_setting(store, key, str(default)) or ""
    return int(value) if value.isdigit() and int(value) <= MAX_TARGET_DAYS else default


def feedback_targets(store: Store) -> FeedbackTargets:
    """The targets in force (defaults: acknowledge within 1 working day, resolve complaints within 10)."""
    return FeedbackTargets(_days_setting(store, ACKNOWLEDGE_SETTING, DEFAULT_ACKNOWLEDGE_DAYS),
                           _days_setting(store, RESOLVE_SETTING, DEFAULT_RESOLVE_DAYS))


def set_feedback_targets(store: Store, targets: FeedbackTargets, actor: Account) -> None:
    """Change the targets (a lead); figures use them from the next reading. Raises ValidationError (fields
    ``acknowledge_days``, ``resolve_days``)."""
    require(actor, "lead", "change the feedback targets")
    errors: dict[str, str] = {}
    check_author(actor.name, errors)
    for field, value in (("acknowledge_days", targets.acknowledge_days), ("resolve_days", targets.resolve_days)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TARGET_DAYS:
            errors[field] = f"Enter whole working days from 0 to {MAX_TARGET_DAYS}."
    if not errors and targets.resolve_days < targets.acknowledge_days:
        errors["resolve_days"] = "Resolving cannot take less time than acknowledging."
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:
        for key, value in ((ACKNOWLEDGE_SETTING, targets.acknowledge_days), (RESOLVE_SETTING, targets.resolve_days)):
            db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       [key, str(value)])
        audit.record(db, actor.name.strip(), "update", "settings", "feedback_targets",
                     {"acknowledge_days": targets.acknowledge_days, "resolve_days": targets.resolve_days})


def feedback_calendar(store: Store, time_zone: ZoneInfo) -> Calendar:
    """The calendar working days are counted on: the one the setting names, else the first set up, else Monday to
    Friday in ``time_zone`` without holidays."""
    chosen = get_setting(store, CALENDAR_SETTING, "") or ""
    with store.reading() as db:
        first = db.execute("SELECT min(calendar_id) FROM calendars").fetchone()[0]
    calendar_id = int(chosen) if chosen.isdigit() else first
    if calendar_id is not None:
        try:
            return load_calendar(store, calendar_id)
        except LookupError:
            pass
    return Calendar(time_zone, {weekday: _OFFICE_HOURS for weekday in range(5)})


def working_day_numbers(calendar: Calendar, first: dt.date, last: dt.date) -> tuple[list[dt.date], list[int]]:
    """Each day from ``first`` to ``last`` with the number of working days up to and including it (counted from
    ``first``): the working days between two days are the difference of their numbers."""
    days, numbers, count = [], [], 0
    day = first
    while day <= last:
        count += calendar.is_working_day(day)
        days.append(day)
        numbers.append(count)
        day += dt.timedelta(days=1)
    return days, numbers


def _params(store: Store, period: Period, time_zone: ZoneInfo, now: dt.datetime) -> dict[str, object]:
    start, end = period.bounds(time_zone)
    today = now.astimezone(time_zone).date()
    days, numbers = working_day_numbers(feedback_calendar(store, time_zone), period.start - dt.timedelta(days=1),
                                        max(today, period.end))
    targets = feedback_targets(store)
    return {"start": start, "end": end, "tz": str(time_zone), "days": days, "numbers": numbers, "today": today,
            "ack_target": targets.acknowledge_days, "resolve_target": targets.resolve_days}


# The items received in the period with the working days they took to be acknowledged and resolved (or have been
# waiting so far, for those still open).
_ITEMS = """
WITH day_numbers AS (SELECT unnest($days::DATE[]) AS day, unnest($numbers::INTEGER[]) AS number),
items AS (
    SELECT f.*, CAST(timezone($tz, f.received_at) AS DATE) AS received_day,
           CAST(timezone($tz, f.acknowledged_at) AS DATE) AS acknowledged_day,
           CAST(timezone($tz, f.resolved_at) AS DATE) AS resolved_day
    FROM feedback_items f WHERE f.received_at >= $start AND f.received_at < $end {filters}
),
timed AS (
    SELECT i.*, a.number - r.number AS acknowledge_days, z.number - r.number AS resolve_days,
           t.number - r.number AS waited_days
    FROM items i JOIN day_numbers r ON r.day = i.received_day
    LEFT JOIN day_numbers a ON a.day = i.acknowledged_day
    LEFT JOIN day_numbers z ON z.day = i.resolved_day
    CROSS JOIN (SELECT number FROM day_numbers WHERE day = $today) t
)"""

_TIMELINESS_SQL = _ITEMS + """
SELECT count(*) AS received,
       count(*) FILTER (kind = 'complaint') AS complaints,
       count(*) FILTER (kind = 'compliment') AS compliments,
       count(*) FILTER (kind = 'suggestion') AS suggestions,
       count(*) FILTER (acknowledged_at IS NOT NULL OR waited_days > $ack_target) AS acknowledge_judged,
       count(*) FILTER (acknowledge_days <= $ack_target) AS acknowledged_in_time,
       median(acknowledge_days) AS median_acknowledge_days,
       count(*) FILTER (kind = 'complaint' AND (resolved_at IS NOT NULL OR waited_days > $resolve_target))
           AS resolve_judged,
       count(*) FILTER (kind = 'complaint' AND resolve_days <= $resolve_target) AS resolved_in_time,
       median(resolve_days) FILTER (kind = 'complaint') AS median_resolve_days,
       count(*) FILTER (status = 'resolved' AND (customer_id IS NOT NULL OR contact_email IS NOT NULL))
           AS resolved_tellable,
       count(*) FILTER (status = 'resolved' AND customer_told_at IS NOT NULL
                        AND (customer_id IS NOT NULL OR contact_email IS NOT NULL)) AS told
FROM timed
"""


@dataclass(frozen=True)
class FeedbackTimeliness:
    """The period's feedback in figures (see :data:`DEFINITIONS`); shares are None when nothing is judged."""

    received: int
    complaints: int
    compliments: int
    suggestions: int
    acknowledge_judged: int
    acknowledged_in_time: int
    median_acknowledge_days: float | None
    resolve_judged: int
    resolved_in_time: int
    median_resolve_days: float | None
    resolved_tellable: int
    told: int
    open_complaints: int
    targets: FeedbackTargets

    @property
    def acknowledge_share(self) -> float | None:
        return self.acknowledged_in_time / self.acknowledge_judged if self.acknowledge_judged else None

    @property
    def resolve_share(self) -> float | None:
        return self.resolved_in_time / self.resolve_judged if self.resolve_judged else None

    @property
    def told_share(self) -> float | None:
        return self.told / self.resolved_tellable if self.resolved_tellable else None


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def feedback_timeliness(store: Store, period: Period, time_zone: ZoneInfo, now: dt.datetime | None = None,
                        filters: Filters = Filters()) -> FeedbackTimeliness:
    """Volumes, time to acknowledge and to resolve against the targets, and the share told, for the items
    received in ``period`` (still-open items count as late once past a target by ``now``). A customer-group filter
    leaves out anonymous items and those from people not in the directory."""
    now = now or dt.datetime.now(dt.UTC)
    conditions = filters.conditions("f.customer_id", "f.service_id")
    with store.session(), store.reading() as db:  # one open file for the settings, the calendar and the figures
        params = {**_params(store, period, time_zone, now), **filters.params()}
        row = db.execute(_TIMELINESS_SQL.format(filters=conditions), params).fetchone()
        [(open_complaints,)] = db.execute(
            "SELECT count(*) FROM feedback_items f WHERE f.kind = 'complaint' AND f.received_at < $end "
            f"AND (f.resolved_at IS NULL OR f.resolved_at >= $end) {conditions}",
            {"end": params["end"], **filters.params()}).fetchall()
    (received, complaints, compliments, suggestions, ack_judged, ack_in_time, ack_median, res_judged, res_in_time,
     res_median, tellable, told) = row
    return FeedbackTimeliness(received, complaints, compliments, suggestions, ack_judged, ack_in_time,
                              _number(ack_median), res_judged, res_in_time, _number(res_median), tellable, told,
                              open_complaints, FeedbackTargets(params["ack_target"], params["resolve_target"]))


BREAKDOWNS: dict[str, tuple[str, str]] = {  # the user's choice -> (label, SQL expression of our own)
    "kind": ("Kind", "upper(f.kind[1]) || f.kind[2:]"),
    "service": ("Service", "coalesce(s.name, 'No service given')"),
    "group": ("Customer group", "coalesce(g.name, 'Anonymous or not in the directory')"),
    "category": ("Category", "f.category"),
}


def feedback_by(store: Store, period: Period, time_zone: ZoneInfo, by: str) -> pd.DataFrame:
    """Items received in ``period`` by kind, service, customer group or category (``by``): columns ``label``,
    ``complaints``, ``compliments``, ``suggestions``, ``total``, largest first. Raises ValueError for another
    ``by``."""
    if by not in BREAKDOWNS:
        raise ValueError(f"feedback cannot be broken down by {by!r}")
    start, end = period.bounds(time_zone)
    expression = BREAKDOWNS[by][1]
    with store.reading() as db:
        return db.execute(
            f"SELECT {expression} AS label, count(*) FILTER (f.kind = 'complaint') AS complaints, "
            "count(*) FILTER (f.kind = 'compliment') AS compliments, "
            "count(*) FILTER (f.kind = 'suggestion') AS suggestions, count(*) AS total "
            "FROM feedback_items f LEFT JOIN services s USING (service_id) LEFT JOIN customers c USING (customer_id) "
            "LEFT JOIN customer_groups g ON g.group_id = c.group_id "
            "WHERE f.received_at >= ? AND f.received_at < ? GROUP BY 1 ORDER BY total DESC, label",
            [start, end]).df()


def repeat_complainants(store: Store, period: Period, time_zone: ZoneInfo, minimum: int = 2) -> pd.DataFrame:
    """Customers with at least ``minimum`` complaints received in ``period``, most first: ``customer_id``,
    ``customer``, ``customer_group``, ``complaints``, ``open`` (not yet resolved), ``last_received``."""
    start, end = period.bounds(time_zone)
    with store.reading() as db:
        return db.execute(
            "SELECT f.customer_id, c.name AS customer, g.name AS customer_group, count(*) AS complaints, "
            "count(*) FILTER (f.status <> 'resolved') AS open, max(f.received_at) AS last_received "
            "FROM feedback_items f JOIN customers c USING (customer_id) "
            "JOIN customer_groups g ON g.group_id = c.group_id "
            "WHERE f.kind = 'complaint' AND f.received_at >= ? AND f.received_at < ? "
            "GROUP BY ALL HAVING count(*) >= ? ORDER BY complaints DESC, last_received DESC, customer",
            [start, end, minimum]).df()


def you_said_we_did(store: Store, period: Period, time_zone: ZoneInfo, limit: int = 10,
                    filters: Filters = Filters()) -> pd.DataFrame:
    """Complaints and suggestions resolved in ``period`` with the response given, newest first (at most ``limit``):
    ``kind``, ``service``, ``you_said``, ``we_did``, ``resolved_at``. No customer is named."""
    start, end = period.bounds(time_zone)
    with store.reading() as db:
        return db.execute(
            "SELECT f.kind, coalesce(s.name, '') AS service, f.description AS you_said, f.response AS we_did, "
            "f.resolved_at FROM feedback_items f LEFT JOIN services s USING (service_id) "
            "WHERE f.kind IN ('complaint', 'suggestion') AND f.status = 'resolved' AND f.response IS NOT NULL "
            f"AND f.resolved_at >= $start AND f.resolved_at < $end {filters.conditions('f.customer_id', 'f.service_id')} "
            "ORDER BY f.resolved_at DESC, f.feedback_id DESC LIMIT $limit",
            {"start": start, "end": end, "limit": limit, **filters.params()}).df()


def late_flags(store: Store, items: pd.DataFrame, time_zone: ZoneInfo, now: dt.datetime | None = None) -> pd.Series:
    """For each row of a feedback list (``received_at``, ``acknowledged_at``, ``resolved_at``, ``kind``), what is
    late against the targets, counted in working days as the figures count them: 'acknowledgement overdue' (still
    waiting), 'acknowledged late', 'resolution overdue' or 'resolved late' (complaints), or '' when on time."""
    if items.empty:
        return pd.Series([], dtype=object, index=items.index)
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(time_zone).date()
    targets = feedback_targets(store)

    def local_day(moment: object) -> dt.date:
        return today if moment is None or pd.isna(moment) else pd.Timestamp(moment).tz_convert(time_zone).date()

    received = [local_day(moment) for moment in items["received_at"]]
    days, numbers = working_day_numbers(feedback_calendar(store, time_zone), min(received), today)
    number = dict(zip(days, numbers, strict=True))
    flags = []
    for row, received_day in zip(items.itertuples(), received, strict=True):
        acknowledged, resolved = not pd.isna(row.acknowledged_at), not pd.isna(row.resolved_at)
        waited = number[min(local_day(row.acknowledged_at), today)] - number[received_day]
        took = number[min(local_day(row.resolved_at), today)] - number[received_day]
        if row.kind == "complaint" and took > targets.resolve_days:
            flags.append("resolved late" if resolved else "resolution overdue")
        elif waited > targets.acknowledge_days:
            flags.append("acknowledged late" if acknowledged else "acknowledgement overdue")
        else:
            flags.append("")
    return pd.Series(flags, index=items.index, dtype=object)
