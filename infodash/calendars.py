"""Business calendars: working hours, public holidays and closures, and time measured on them.

A :class:`Calendar` is a time zone, one or more working-hour slots per weekday, public holidays
of a country (and region) from the ``holidays`` package, and the team's own closure days.
:func:`business_duration` and :func:`add_business_time` measure and add business time between
time zone-aware instants; both are exact across daylight-saving changes because every slot is
turned into real instants before anything is added up.

For many requests at once, :func:`business_slots` gives the same slots as rows with the business
time before each, so SQL can do the arithmetic with joins (see ``infodash.sla``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# How far ahead add_business_time looks for enough working time before giving up.
SEARCH_HORIZON = dt.timedelta(days=3 * 366)


@dataclass(frozen=True)
class Calendar:
    """When the team works. ``hours`` maps a weekday (0 = Monday) to its (opens, closes) slots."""

    time_zone: ZoneInfo
    hours: Mapping[int, tuple[tuple[dt.time, dt.time], ...]]
    country: str | None = None
    subdivision: str | None = None
    closures: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for weekday, slots in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
            for opens, closes in slots:
                if closes <= opens:
                    raise ValueError(f"a slot must close after it opens: {opens:%H:%M}-{closes:%H:%M}")
            ordered = sorted(slots)
            if any(later[0] < earlier[1] for earlier, later in zip(ordered, ordered[1:], strict=False)):
                raise ValueError(f"slots overlap on weekday {weekday}")

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` has working hours: not a weekend without slots, a public holiday or a closure."""
        return bool(self.hours.get(day.weekday())) and day not in self.closures and not self.is_holiday(day)

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a public holiday in the calendar's country/region."""
        return self.country is not None and day in _public_holidays(self.country, self.subdivision, day.year)

    def slots_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working slots of ``day`` as UTC instants (empty on a closed day), in order."""
        if not self.is_working_day(day):
            return []
        return [(_instant(day, opens, self.time_zone), _instant(day, closes, self.time_zone))
                for opens, closes in sorted(self.hours[day.weekday()])]

    def slots_from(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working slots (UTC) that end after ``moment``, the first possibly already open, as long as asked."""
        moment = moment.astimezone(dt.UTC)
        day = moment.astimezone(self.time_zone).date() - dt.timedelta(days=1)  # a slot may cross midnight in UTC
        last = day + SEARCH_HORIZON
        while day <= last:
            for opens, closes in self.slots_on(day):
                if closes > moment:
                    yield opens, closes
            day += dt.timedelta(days=1)


def public_holidays(country: str, subdivision: str | None, years: range) -> frozenset[dt.date]:
    """The public holidays of a country (and region) in the given years."""
    return frozenset().union(*(_public_holidays(country, subdivision, year) for year in years))


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _instant(day: dt.date, time: dt.time, time_zone: ZoneInfo) -> dt.datetime:
    # In UTC, because Python compares and subtracts datetimes that share a tzinfo by their wall
    # clocks, which is wrong across a clock change. A skipped wall time maps to just after the jump.
    return dt.datetime.combine(day, time, time_zone).astimezone(dt.UTC)


def _require_aware(*moments: dt.datetime) -> None:
    if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
        raise ValueError("business time needs time zone-aware datetimes")


def business_duration(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> dt.timedelta:
    """Working time between two instants on ``calendar``; zero when ``end`` is not after ``start``.

    Raises ValueError for naive datetimes.
    """
    _require_aware(start, end)
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    day = start.astimezone(calendar.time_zone).date() - dt.timedelta(days=1)
    last = end.astimezone(calendar.time_zone).date() + dt.timedelta(days=1)
    while day <= last:
        for opens, closes in calendar.slots_on(day):
            overlap = min(closes, end) - max(opens, start)
            if overlap > dt.timedelta(0):
                total += overlap
        day += dt.timedelta(days=1)
    return total


def add_business_time(start: dt.datetime, duration: dt.timedelta, calendar: Calendar) -> dt.datetime:
    """The instant at which ``duration`` of working time has passed since ``start``.

    Time outside working hours does not count, so work received in the evening starts at the
    next opening. A duration that ends exactly at a closing time gives that closing time.
    A zero duration gives ``start`` itself. Raises ValueError for a negative duration, a
    naive datetime, or a calendar without enough working time in :data:`SEARCH_HORIZON`.
    """
    _require_aware(start)
    if duration < dt.timedelta(0):
        raise ValueError("duration must not be negative")
    if duration == dt.timedelta(0):
        return start
    remaining, utc_start = duration, start.astimezone(dt.UTC)
    for opens, closes in calendar.slots_from(utc_start):
        begin = max(opens, utc_start)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= available
    raise ValueError(f"the calendar has less than {duration} of working time in {SEARCH_HORIZON.days} days")


def next_opening(moment: dt.datetime, calendar: Calendar) -> dt.datetime:
    """``moment`` itself if the team is working then, else when it next starts working."""
    _require_aware(moment)
    for opens, _closes in calendar.slots_from(moment):
        return max(opens, moment.astimezone(dt.UTC)).astimezone(moment.tzinfo)
    raise ValueError(f"the calendar has no working time in {SEARCH_HORIZON.days} days")


@dataclass(frozen=True)
class BusinessSlot:
    """One working slot as UTC instants, with the working seconds of all earlier slots in the range."""

    opens: dt.datetime
    closes: dt.datetime
    seconds_before: int


def business_slots(calendar: Calendar, first_day: dt.date, last_day: dt.date) -> list[BusinessSlot]:
    """Every working slot from ``first_day`` to ``last_day`` (local dates, inclusive), in order."""
    slots: list[BusinessSlot] = []
    seconds = 0
    day = first_day
    while day <= last_day:
        for opens, closes in calendar.slots_on(day):
            slots.append(BusinessSlot(opens, closes, seconds))
            seconds += int((closes - opens).total_seconds())
        day += dt.timedelta(days=1)
    return slots
