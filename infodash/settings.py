"""Organisation-wide settings stored in the database."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require

DEFAULT_TIME_ZONE = "Europe/London"
YEAR_START_SETTING = "year_start_month"


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
    value = get_setting(store, YEAR_START_SETTING, "1") or "1"
    return int(value) if value.isdigit() and 1 <= int(value) <= 12 else 1


def set_reporting_year_start_month(store: Store, month: int, actor: Account) -> None:
    """Start the reporting year in ``month`` (1-12; e.g. 4 for a year running April to March), recorded in the
    audit log under ``author``. Quarters and years are counted from it; packs already made keep their periods.
    Raises ValidationError (fields ``year_start_month``, ``author``)."""
    require(actor, "lead", "change the reporting year")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        errors["year_start_month"] = "Choose the month the reporting year starts in, January to December."
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   [YEAR_START_SETTING, str(month)])
        audit.record(db, author.strip(), "update", "settings", YEAR_START_SETTING, {"value": month})
