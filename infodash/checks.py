"""Checks that several kinds of entry share; each adds a message for its field to ``errors``.

The callers collect every problem of an entry first and raise one ValidationError, so a
form can show all messages next to their fields at once.
"""

from __future__ import annotations

import datetime as dt

import duckdb

MAX_AUTHOR_CHARS = 80
# Late entries are welcome; entries in the future are a typo (a little clock skew is tolerated).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# Times an export can really hold: earlier ones are a spreadsheet's placeholder or a typo (-1 reads as the
# year 2 BC, 0 as 1900), and so are times more than a day ahead (a day allows for any time zone mix-up).
EARLIEST_PLAUSIBLE = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
PLAUSIBLE_AHEAD = dt.timedelta(days=1)


def plausible_range(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The first and last instant an imported or stored time may be, ``now`` (default: now) deciding the last."""
    return EARLIEST_PLAUSIBLE, (now or dt.datetime.now(dt.UTC)) + PLAUSIBLE_AHEAD


TOO_EARLY = f"before {EARLIEST_PLAUSIBLE:%Y}: a placeholder or a typo"
TOO_LATE = "more than a day in the future"


def implausible_time(moment: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """Why ``moment`` (time zone-aware) cannot be a real time of an entry (:data:`TOO_EARLY`,
    :data:`TOO_LATE`), or None when it can."""
    earliest, latest = plausible_range(now)
    return TOO_EARLY if moment < earliest else TOO_LATE if moment > latest else None


def check_author(author: str, errors: dict[str, str]) -> None:
    """The person making the entry must be named: an account always is; on the demo, where anyone may try
    the forms, it is the name typed in "Your name"."""
    if not author.strip():
        errors["author"] = "Enter your name so your entry can be attributed to you."
    elif len(author.strip()) > MAX_AUTHOR_CHARS:
        errors["author"] = f"Use at most {MAX_AUTHOR_CHARS} characters."


def check_moment(moment: dt.datetime | None, now: dt.datetime, field: str, errors: dict[str, str],
                 missing: str = "Enter the date and time.", future: str = "This time is in the future.") -> None:
    """A time zone-aware instant that is not in the future."""
    if moment is None:
        errors[field] = missing
    elif moment.tzinfo is None:
        errors[field] = "The time needs a time zone."
    elif moment > now + FUTURE_TOLERANCE:
        errors[field] = future
    elif moment < EARLIEST_PLAUSIBLE:
        errors[field] = f"This time is before {EARLIEST_PLAUSIBLE:%Y}: check the year."


def check_customer(db: duckdb.DuckDBPyConnection, customer_id: int | None, errors: dict[str, str],
                   field: str = "customer_id") -> None:
    """A chosen, active customer."""
    if customer_id is None:
        errors[field] = "Choose the customer."
    elif not db.execute("SELECT count(*) FROM customers WHERE customer_id = ? AND active",
                        [customer_id]).fetchone()[0]:
        errors[field] = "Unknown customer: pick one from the list."


def check_service(db: duckdb.DuckDBPyConnection, service_id: int | None, errors: dict[str, str],
                  required: str | None = None, field: str = "service_id") -> None:
    """An existing service; ``required`` is the message when none is chosen (None: optional)."""
    if service_id is None:
        if required:
            errors[field] = required
    elif not db.execute("SELECT count(*) FROM services WHERE service_id = ?", [service_id]).fetchone()[0]:
        errors[field] = f"Unknown service {service_id}."


def check_customer_group(db: duckdb.DuckDBPyConnection, group_id: int | None, errors: dict[str, str],
                         field: str = "group_id") -> None:
    """An existing customer group, when one is given."""
    if group_id is not None and not db.execute("SELECT count(*) FROM customer_groups WHERE group_id = ?",
                                               [group_id]).fetchone()[0]:
        errors[field] = f"Unknown customer group {group_id}."
