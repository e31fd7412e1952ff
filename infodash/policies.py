"""Setting up service levels: business calendars and versioned policies.

A policy change is a new version with the date it takes effect; requests that arrived before
keep being judged by the version they arrived under, so history is never rewritten. Saving a
version for a date that already has one replaces that version (a correction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require
from infodash.service_requests import PRIORITIES

HOUR = 3600
_EXISTS = {"calendar_id": "SELECT count(*) FROM calendars WHERE calendar_id = ?",
           "service_id": "SELECT count(*) FROM services WHERE service_id = ?",
           "group_id": "SELECT count(*) FROM customer_groups WHERE group_id = ?"}


@dataclass(frozen=True)
class PolicyDraft:
    """One policy version as a person enters it (durations in business hours)."""

    name: str
    effective_from: dt.date | None
    calendar_id: int | None
    service_id: int | None = None
    priority: str | None = None
    group_id: int | None = None
    first_response_hours: float | None = None
    resolution_hours: float | None = None
    cutoff: dt.time | None = None
    next_day_deadline: dt.time | None = None
    primary_target_share: float | None = 0.95
    hard_limit_hours: float | None = None
    pause_on_customer: bool = True
    pause_on_vendor: bool = True


def _hours_error(value: float | None) -> str | None:
    return None if value is None or value > 0 else "Use a positive number of business hours."


def save_policy_version(store: Store, draft: PolicyDraft, actor: Account) -> int:
    """Validate and store a policy version (creating the policy if the name is new); returns the policy id."""
    require(actor, "lead", "change service-level policies")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    name = draft.name.strip()
    if not name:
        errors["name"] = "Name the policy."
    if draft.effective_from is None:
        errors["effective_from"] = "Choose the date the version takes effect."
    if (draft.cutoff is None) != (draft.next_day_deadline is None):
        errors["cutoff"] = "A cut-off rule needs both the cut-off time and the next-day deadline."
    if draft.resolution_hours is None and draft.cutoff is None:
        errors["resolution_hours"] = "Give a resolution target: business hours, or a cut-off rule."
    if draft.resolution_hours is not None and draft.cutoff is not None:
        errors["resolution_hours"] = "Choose either business hours or a cut-off rule, not both."
    for field in ("first_response_hours", "resolution_hours", "hard_limit_hours"):
        if message := _hours_error(getattr(draft, field)):
            errors[field] = message
    if draft.primary_target_share is not None and not 0 < draft.primary_target_share <= 1:
        errors["primary_target_share"] = "The promised share is between 0 and 100%."
    if draft.priority is not None and draft.priority not in PRIORITIES:
        errors["priority"] = "Unknown priority."
    check_author(author, errors)
    with store.reading() as db:
        for field, sql in _EXISTS.items():
            value = getattr(draft, field)
            if value is None:
                if field == "calendar_id":
                    errors[field] = "Choose the business calendar the policy counts on."
                continue
            if not db.execute(sql, [value]).fetchone()[0]:
                errors[field] = "Unknown; choose one from the list."
    if errors:
        raise ValidationError(errors)

    def seconds(hours: float | None) -> int | None:
        return None if hours is None else round(hours * HOUR)

    with store.writing() as db:
        row = db.execute("SELECT policy_id FROM sla_policies WHERE name = ?", [name]).fetchone()
        policy_id = row[0] if row else db.execute(
            "INSERT INTO sla_policies SELECT coalesce(max(policy_id), 0) + 1, ?, NULL FROM sla_policies "
            "RETURNING policy_id", [name]).fetchone()[0]
        db.execute("DELETE FROM sla_policy_versions WHERE policy_id = ? AND effective_from = ?",
                   [policy_id, draft.effective_from])
        db.execute("INSERT INTO sla_policy_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [policy_id, draft.effective_from, draft.calendar_id, draft.service_id, draft.priority,
                    draft.group_id, seconds(draft.first_response_hours), seconds(draft.resolution_hours),
                    draft.cutoff, draft.next_day_deadline, draft.primary_target_share,
                    seconds(draft.hard_limit_hours), draft.pause_on_customer, draft.pause_on_vendor])
        audit.record(db, author.strip(), "save", "sla_policy_versions", policy_id, asdict(draft))
    return policy_id


def policy_versions(store: Store) -> pd.DataFrame:
    """Every policy version, newest first per policy, with readable selectors and targets in hours."""
    with store.reading() as db:
        return db.execute("""
            SELECT p.name AS policy, v.effective_from, c.name AS calendar, coalesce(s.name, 'any') AS service,
                   coalesce(v.priority, 'any') AS priority, coalesce(g.name, 'any') AS customer_group,
                   v.first_response_seconds / 3600 AS first_response_hours,
                   v.resolution_seconds / 3600 AS resolution_hours, v.cutoff_time AS cutoff,
                   v.next_day_deadline, v.primary_target_share, v.hard_limit_seconds / 3600 AS hard_limit_hours,
                   v.pause_on_customer, v.pause_on_vendor
            FROM sla_policy_versions v JOIN sla_policies p USING (policy_id)
            JOIN calendars c USING (calendar_id)
            LEFT JOIN services s ON s.service_id = v.service_id
            LEFT JOIN customer_groups g ON g.group_id = v.group_id
            ORDER BY p.name, v.effective_from DESC
        """).df()


def calendar_options(store: Store) -> list[tuple[int, str]]:
    """(calendar_id, name) of every calendar."""
    with store.reading() as db:
        return db.execute("SELECT calendar_id, name FROM calendars ORDER BY name").fetchall()


def save_calendar(store: Store, calendar_id: int | None, name: str, time_zone: str, country: str | None,
                  subdivision: str | None, hours: dict[int, list[tuple[dt.time, dt.time]]],
                  closures: dict[dt.date, str], actor: Account) -> int:
    """Create (``calendar_id`` None) or replace a calendar's settings, hours and closures; returns its id."""
    require(actor, "lead", "change business calendars")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the calendar."
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = f"Unknown time zone {time_zone!r}; use a name such as Europe/London."
    supported = holidays.list_supported_countries()
    if country and country not in supported:
        errors["country"] = f"Unknown country code {country!r}; use an ISO code such as GB or DE."
    elif country and subdivision and subdivision not in supported[country]:
        errors["subdivision"] = f"{country} has no region {subdivision!r}; choose one of {', '.join(supported[country])}."
    for weekday, slots in hours.items():
        ordered = sorted(slots)
        if any(closes <= opens for opens, closes in ordered):
            errors["hours"] = "Every slot must close after it opens."
        if any(later[0] < earlier[1] for earlier, later in zip(ordered, ordered[1:], strict=False)):
            errors["hours"] = f"Slots overlap on weekday {weekday}."
    if not any(hours.values()):
        errors["hours"] = "Give at least one working slot."
    check_author(author, errors)
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:
        if calendar_id is None:
            calendar_id = db.execute("INSERT INTO calendars SELECT coalesce(max(calendar_id), 0) + 1, ?, ?, ?, ? "
                                     "FROM calendars RETURNING calendar_id",
                                     [name.strip(), time_zone, country or None, subdivision or None]).fetchone()[0]
        else:
            db.execute("UPDATE calendars SET name = ?, time_zone = ?, country = ?, subdivision = ? "
                       "WHERE calendar_id = ?", [name.strip(), time_zone, country or None, subdivision or None,
                                                 calendar_id])
        db.execute("DELETE FROM calendar_hours WHERE calendar_id = ?", [calendar_id])
        db.executemany("INSERT INTO calendar_hours VALUES (?, ?, ?, ?)",
                       [(calendar_id, weekday, opens, closes) for weekday, slots in hours.items()
                        for opens, closes in slots])
        db.execute("DELETE FROM calendar_closures WHERE calendar_id = ?", [calendar_id])
        if closures:
            db.executemany("INSERT INTO calendar_closures VALUES (?, ?, ?)",
                           [(calendar_id, day, reason or "Closed") for day, reason in closures.items()])
        audit.record(db, author.strip(), "save", "calendars", calendar_id,
                     {"name": name, "time_zone": time_zone, "country": country, "subdivision": subdivision})
    return calendar_id
