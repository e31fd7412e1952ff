"""Organisation-wide settings stored in the database."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from infodash.db import Store

DEFAULT_TIME_ZONE = "Europe/London"


def get_setting(store: Store, key: str, default: str | None = None) -> str | None:
    """The value stored under ``key``, or ``default``."""
    with store.reading() as db:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def organisation_time_zone(store: Store) -> ZoneInfo:
    """The time zone weeks, days and follow-up dates are counted in."""
    return ZoneInfo(get_setting(store, "time_zone", DEFAULT_TIME_ZONE) or DEFAULT_TIME_ZONE)


def demo_size(store: Store) -> str | None:
    """'small' or 'large' while the database holds generated demo data, else None."""
    source = get_setting(store, "data_source", "") or ""
    return source.removeprefix("demo-") if source.startswith("demo-") else None


def mark_as_own_data(store: Store) -> None:
    """Record that this database holds the organisation's own data (unless it already says what it holds)."""
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES ('data_source', 'own') ON CONFLICT (key) DO NOTHING")


def reporting_year_start_month(store: Store) -> int:
    """The month (1-12) the organisation's reporting year starts in, for quarters and years (default 1:
    the calendar year); stored under ``year_start_month``."""
    value = get_setting(store, "year_start_month", "1") or "1"
    return int(value) if value.isdigit() and 1 <= int(value) <= 12 else 1
