"""Subscribed resources whose use does not justify their cost: not used at all, use fallen by half,
or a cost per use far above the system's other subscriptions. Judged over the last 90 days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from infodash.db import Store
from infodash.findings import Finding
from infodash.periods import Period

WINDOW_DAYS = 90
FALL_SHARE = 0.5  # use fallen to half of the 90 days before, or less
COST_RATIO = 10.0  # cost per use ten times the median of the system's subscriptions
UNUSED_SCORE = 4.0  # not used at all: as far past the threshold as a finding needs to be to rank "high"

_USE = """
    WITH uses AS (
        SELECT system_id, resource, count(*) FILTER (occurred_at >= $recent_from) AS recent,
               count(*) FILTER (occurred_at < $recent_from) AS before
        FROM usage_events
        WHERE occurred_at >= $before_from AND occurred_at < $until AND resource IS NOT NULL
        GROUP BY ALL
    ),
    subscribed AS (
        SELECT r.system_id, s.name AS system, r.name AS resource, r.annual_cost, coalesce(u.recent, 0) AS recent,
               coalesce(u.before, 0) AS before,
               r.annual_cost * $window_days / 365.0 / nullif(coalesce(u.recent, 0), 0) AS cost_per_use
        FROM resources r JOIN systems s USING (system_id)
        LEFT JOIN uses u ON u.system_id = r.system_id AND u.resource = r.name
        WHERE r.subscribed
    )
    SELECT *, median(cost_per_use) OVER (PARTITION BY system_id) AS median_cost_per_use FROM subscribed
"""


def unused_resources(store: Store, time_zone: ZoneInfo, until: dt.datetime, window_days: int = WINDOW_DAYS,
                     fall_share: float = FALL_SHARE, cost_ratio: float = COST_RATIO) -> list[Finding]:
    """One finding per subscribed resource not worth its cost now, about the ``window_days`` whole local days
    before the day of ``until`` (its window: the figures are those the usage overview shows for those days);
    one per quarter, so a daily run does not repeat it."""
    local = until.astimezone(time_zone)
    judged_days = Period(local.date() - dt.timedelta(days=window_days), local.date())
    recent_from, day_end = judged_days.bounds(time_zone)
    before_from, _ = judged_days.previous().bounds(time_zone)
    with store.reading() as db:
        rows = db.execute(_USE, {"until": day_end, "recent_from": recent_from, "window_days": window_days,
                                 "before_from": before_from}).fetchall()
    quarter_start = dt.datetime(local.year, 3 * ((local.month - 1) // 3) + 1, 1, tzinfo=time_zone)
    last_day = judged_days.end - dt.timedelta(days=1)
    judged = f"in the {window_days} days from {judged_days.start:%d %b} to {last_day:%d %b %Y}"
    findings = []
    for system_id, system, resource, cost, recent, before, per_use, median_per_use in rows:
        cost_text = f"costs {cost:,.0f} a year and " if cost else ""
        if recent == 0:
            reason, score = f"was not used at all {judged}", UNUSED_SCORE
        elif before and recent <= fall_share * before:
            reason, score = (f"was used {recent:,} times {judged}, down from {before:,} in the "
                             f"{window_days} days before"), before / recent * fall_share
        elif per_use and median_per_use and per_use >= cost_ratio * median_per_use:
            reason = (f"was used {recent:,} times {judged}: {per_use:,.2f} per use, against "
                      f"{median_per_use:,.2f} for the system's typical subscription")
            score = per_use / median_per_use / cost_ratio
        else:
            continue
        findings.append(Finding(
            "unused_resource", "resource", f"{system}: {resource}", recent_from, day_end,
            score=score, explanation=f"{resource} ({system}) {cost_text}{reason}.",
            suggested_action=("Review it before renewal: ask its few users what they need it for, promote it to the "
                              "groups it was bought for, or cancel it and buy articles one by one."),
            observed=float(recent), expected_low=float(before) if before else None, system_id=system_id,
            resource=resource, pattern="unused", grain="week",
            evidence={"series": "resource_week", "recent": recent, "before": before, "annual_cost": cost},
            occurrence=quarter_start.astimezone(dt.UTC).isoformat()))
    return findings
