"""Customers whose use of the team's systems changed character: regular users who went quiet
(a possible unmet need or a lost customer) and newcomers who became heavy users at once (a
possible training need). Both are judged as of a moment, from weekly counts made in DuckDB.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from infodash.db import Store
from infodash.findings import Finding

BASELINE_WEEKS = 12
MIN_ACTIVE_WEEKS = 9  # a "regular rhythm": active in at least 9 of the 12 weeks before the silence
MIN_WEEKLY_EVENTS = 3.0  # and using the systems at least this often on average
QUIET_WEEKS = 3
NEW_USER_DAYS = 28
HEAVY_PERCENTILE = 0.95  # a newcomer using the systems as much as the top 5% of established users

_QUIET = """
    WITH stopped AS (  -- cheap first pass: who was active in the look-back but not since quiet_since
        SELECT customer_id, max(occurred_at) AS last_at FROM usage_events
        WHERE customer_id IS NOT NULL AND occurred_at >= $look_from AND occurred_at < $until
        GROUP BY ALL HAVING max(occurred_at) < $quiet_since
    ),
    weekly AS (
        SELECT e.customer_id, e.system_id, date_trunc('week', timezone($tz, e.occurred_at)) AS week,
               count(*) AS events
        FROM usage_events e SEMI JOIN stopped s ON s.customer_id = e.customer_id
        WHERE e.occurred_at >= $look_from AND e.occurred_at < $quiet_since
        GROUP BY ALL
    ),
    -- the rhythm of the 12 weeks up to and including the week they stopped
    per_customer AS (
        SELECT w.customer_id, count(DISTINCT w.week) AS active_weeks, sum(w.events) / $baseline_weeks AS weekly_events,
               any_value(s.last_at) AS last_at, arg_max(w.system_id, w.events) AS main_system
        FROM weekly w JOIN stopped s USING (customer_id)
        WHERE w.week > date_trunc('week', timezone($tz, s.last_at)) - INTERVAL 1 WEEK * $baseline_weeks
        GROUP BY ALL
    )
    SELECT p.customer_id, c.login, c.name, c.group_id, g.name AS customer_group, sy.name AS main_system,
           p.active_weeks, p.weekly_events, p.last_at
    FROM per_customer p JOIN customers c USING (customer_id)
    LEFT JOIN customer_groups g ON g.group_id = c.group_id LEFT JOIN systems sy ON sy.system_id = p.main_system
    WHERE p.active_weeks >= $min_active_weeks AND p.weekly_events >= $min_weekly
    ORDER BY p.weekly_events DESC
"""
# How far back a silence may have begun: older ones were raised by earlier runs.
LOOK_BACK_WEEKS = 26


def quiet_customers(store: Store, time_zone: ZoneInfo, until: dt.datetime, quiet_weeks: int = QUIET_WEEKS,
                    min_active_weeks: int = MIN_ACTIVE_WEEKS, min_weekly: float = MIN_WEEKLY_EVENTS) -> list[Finding]:
    """Regular users (active in ``min_active_weeks`` of the 12 weeks up to the week they stopped) silent for
    ``quiet_weeks`` or more."""
    quiet_since = until - dt.timedelta(weeks=quiet_weeks)
    with store.reading() as db:
        rows = db.execute(_QUIET, {
            "tz": time_zone.key, "look_from": until - dt.timedelta(weeks=LOOK_BACK_WEEKS + BASELINE_WEEKS),
            "until": until, "baseline_weeks": BASELINE_WEEKS, "min_active_weeks": min_active_weeks,
            "min_weekly": min_weekly, "quiet_since": quiet_since}).fetchall()
    findings = []
    for customer_id, login, name, group_id, group, system, active_weeks, weekly, last_at in rows:
        weeks_quiet = (until - last_at) / dt.timedelta(weeks=1)
        missed = weekly * weeks_quiet
        findings.append(Finding(
            "quiet_customer", "user", login or str(customer_id), last_at, until,
            score=weeks_quiet / quiet_weeks,
            explanation=(f"{name} ({login}, {group}) used the systems about {weekly:.0f} times a week, mostly the "
                         f"{system}, in {active_weeks} of the {BASELINE_WEEKS} weeks up to then, and has not used any "
                         f"since {last_at.astimezone(time_zone):%a %d %b %Y} ({weeks_quiet:.0f} weeks)."),
            suggested_action=("Get in touch: ask whether their needs changed, something stopped working for them, or "
                              "they moved role. Keeping a customer is easier than winning one back."),
            observed=0.0, expected_low=round(missed), expected_high=round(missed), customer_id=customer_id,
            group_id=group_id, pattern="quiet", grain="week",
            evidence={"series": "customer", "weekly_events": round(float(weekly), 1), "active_weeks": active_weeks}))
    return findings


_NEW_HEAVY = """
    WITH recent AS (
        SELECT customer_id, count(*) AS events, min(occurred_at) AS first_at FROM usage_events
        WHERE customer_id IS NOT NULL AND occurred_at >= $recent_from AND occurred_at < $until
        GROUP BY ALL
    ),
    seen_before AS (
        SELECT DISTINCT e.customer_id FROM usage_events e SEMI JOIN recent r ON r.customer_id = e.customer_id
        WHERE e.occurred_at < $recent_from
    ),
    established AS (
        SELECT quantile_cont(events, $percentile) AS heavy FROM recent SEMI JOIN seen_before USING (customer_id)
    )
    SELECT r.customer_id, c.login, c.name, c.group_id, g.name AS customer_group, r.events, r.first_at, e.heavy
    FROM recent r ANTI JOIN seen_before USING (customer_id) CROSS JOIN established e
    JOIN customers c USING (customer_id) LEFT JOIN customer_groups g ON g.group_id = c.group_id
    WHERE r.events >= e.heavy
    ORDER BY r.events DESC
"""


def new_heavy_users(store: Store, time_zone: ZoneInfo, until: dt.datetime, days: int = NEW_USER_DAYS,
                    percentile: float = HEAVY_PERCENTILE) -> list[Finding]:
    """Customers first seen in the last ``days`` who already use the systems as much as the top 5%."""
    recent_from = until - dt.timedelta(days=days)
    with store.reading() as db:
        rows = db.execute(_NEW_HEAVY, {"until": until, "recent_from": recent_from, "percentile": percentile}).fetchall()
    return [Finding(
        "new_heavy_user", "user", login or str(customer_id), first_at, until, score=events / heavy if heavy else 1.0,
        explanation=(f"{name} ({login}, {group}) first used the systems on {first_at.astimezone(time_zone):%a %d %b %Y} "
                     f"and has used them {events:,} times since, as much as the busiest {1 - percentile:.0%} of "
                     f"established users ({heavy:,.0f} or more in {days} days)."),
        suggested_action=("Welcome them: offer a short introduction or training, and ask what they are working on; "
                          "heavy use from day one often means a need the team can serve better."),
        observed=float(events), expected_high=float(heavy), customer_id=customer_id, group_id=group_id,
        pattern="new_heavy", grain="week", evidence={"series": "customer", "events": events})
        for customer_id, login, name, group_id, group, events, first_at, heavy in rows]
