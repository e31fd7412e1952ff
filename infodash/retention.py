"""How long personal detail is kept: usage events and free-text notes older than the team's retention
periods are removed by ``python -m infodash retention`` (nightly), which can say first what would go.

Usage events are deleted (the usage pages and detectors then start where the kept events start).
Notes are cleared, not their records: touchpoints, status changes, breach reasons and feedback items stay and
count; only what someone wrote by or about a person goes (a feedback item's message, the reply and the address
to reply to). No period set means nothing is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from infodash import audit
from infodash.accounts import Account
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.permissions import require
from infodash.settings import get_setting

USAGE_SETTING = "retention_usage_months"
NOTES_SETTING = "retention_notes_months"
LONGEST_MONTHS = 240
CLEARED_FEEDBACK = "Cleared after the retention period."  # a feedback item's message once its text has gone

_COUNTS = """
    SELECT (SELECT count(*) FROM usage_events WHERE $usage_before IS NOT NULL AND occurred_at < $usage_before),
           (SELECT count(*) FROM touchpoints WHERE $notes_before IS NOT NULL AND occurred_at < $notes_before
                                               AND note <> ''),
           (SELECT count(*) FROM request_status_history WHERE $notes_before IS NOT NULL
                                                          AND changed_at < $notes_before AND note IS NOT NULL),
           (SELECT count(*) FROM requests WHERE $notes_before IS NOT NULL AND received_at < $notes_before
                                            AND breach_note IS NOT NULL),
           (SELECT count(*) FROM feedback_items WHERE $notes_before IS NOT NULL AND received_at < $notes_before
                                                  AND description NOT IN ($cleared, 'Erased.'))
"""
# What goes, statement by statement (each is given only the parameters it reads: DuckDB refuses the others).
_REMOVE = (
    "DELETE FROM usage_events WHERE $usage_before IS NOT NULL AND occurred_at < $usage_before",
    "UPDATE touchpoints SET note = '' WHERE $notes_before IS NOT NULL AND occurred_at < $notes_before AND note <> ''",
    "UPDATE request_status_history SET note = NULL WHERE $notes_before IS NOT NULL AND changed_at < $notes_before "
    "AND note IS NOT NULL",
    "UPDATE requests SET breach_note = NULL WHERE $notes_before IS NOT NULL AND received_at < $notes_before "
    "AND breach_note IS NOT NULL",
    # 'Erased.': what erasing the customer left (infodash.personal_data); nothing more to clear
    "UPDATE feedback_items SET description = $cleared, contact_email = NULL, "
    "response = CASE WHEN response IS NOT NULL THEN $cleared END WHERE $notes_before IS NOT NULL "
    "AND received_at < $notes_before AND description NOT IN ($cleared, 'Erased.')",
)


@dataclass(frozen=True)
class RetentionPlan:
    """What the retention periods remove as of a moment."""

    usage_before: dt.datetime | None  # usage events before this go (None: kept)
    notes_before: dt.datetime | None  # notes written before this are cleared (None: kept)
    usage_events: int
    notes: int  # touchpoint notes, status-change notes, breach notes and feedback messages

    def in_words(self, done: bool) -> list[str]:
        """One line per kind, e.g. 'deleted 1,204 usage events before 2024-12-04'."""
        verb = ("deleted", "cleared") if done else ("would delete", "would clear")
        lines = []
        if self.usage_before is not None:
            lines.append(f"{verb[0]} {count_of(self.usage_events, 'usage event')} before {self.usage_before:%Y-%m-%d}")
        if self.notes_before is not None:
            lines.append(f"{verb[1]} {count_of(self.notes, 'note')} written before {self.notes_before:%Y-%m-%d}")
        return lines or ["no retention period is set: nothing is removed (set --usage-months or --notes-months)"]


def periods(store: Store) -> tuple[int | None, int | None]:
    """The months usage events and notes are kept (None: for ever)."""
    usage, notes = get_setting(store, USAGE_SETTING), get_setting(store, NOTES_SETTING)
    return (int(usage) if usage else None), (int(notes) if notes else None)


def set_periods(store: Store, usage_months: int | None, notes_months: int | None, account: Account) -> None:
    """Store the retention periods in months (None leaves a period as it is); a lead's decision, audited."""
    require(account, "lead", "set retention periods")
    errors = {field: f"Give a whole number of months from 1 to {LONGEST_MONTHS}."
              for field, months in (("usage_months", usage_months), ("notes_months", notes_months))
              if months is not None and not 1 <= months <= LONGEST_MONTHS}
    if errors:
        raise ValidationError(errors)
    with store.writing() as db:
        for key, months in ((USAGE_SETTING, usage_months), (NOTES_SETTING, notes_months)):
            if months is not None:
                db.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           [key, str(months)])
                audit.record(db, account.name, "update", "settings", key, {"value": months})


def _months_before(moment: dt.datetime, months: int | None) -> dt.datetime | None:
    """``months`` calendar months before ``moment`` (31 March less one month is 28 or 29 February)."""
    return None if months is None else (pd.Timestamp(moment) - pd.DateOffset(months=months)).to_pydatetime()


def _bounds(store: Store, now: dt.datetime | None) -> dict[str, dt.datetime | None]:
    usage_months, notes_months = periods(store)
    now = now or dt.datetime.now(dt.UTC)
    return {"usage_before": _months_before(now, usage_months), "notes_before": _months_before(now, notes_months)}


def _planned(db: duckdb.DuckDBPyConnection, bounds: dict[str, dt.datetime | None]) -> RetentionPlan:
    usage, touchpoint_notes, status_notes, breach_notes, feedback = db.execute(
        _COUNTS, {**bounds, "cleared": CLEARED_FEEDBACK}).fetchone()
    return RetentionPlan(bounds["usage_before"], bounds["notes_before"], usage,
                         touchpoint_notes + status_notes + breach_notes + feedback)


def plan(store: Store, now: dt.datetime | None = None) -> RetentionPlan:
    """What applying the retention periods now would remove (a dry run)."""
    bounds = _bounds(store, now)
    with store.reading() as db:
        return _planned(db, bounds)


def apply(store: Store, account: Account, now: dt.datetime | None = None) -> RetentionPlan:
    """Remove what the retention periods say should go, in one transaction; audited with the counts."""
    require(account, "lead", "apply retention periods")
    bounds = _bounds(store, now)
    with store.writing() as db:
        done = _planned(db, bounds)
        parameters = {**bounds, "cleared": CLEARED_FEEDBACK}
        for statement in _REMOVE:
            db.execute(statement, {name: value for name, value in parameters.items() if f"${name}" in statement})
        audit.record(db, account.name, "retention", "usage_events", None,
                     {"usage_events": done.usage_events, "notes": done.notes, **bounds})
    return done
