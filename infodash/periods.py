"""Reporting periods in the organisation's local time (weeks run Monday to Sunday)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Local calendar days ``start`` (inclusive) to ``end`` (exclusive)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days

    def bounds(self, time_zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The period as two instants: local midnight at start and at end (DST-aware)."""
        return (dt.datetime.combine(self.start, dt.time(), time_zone),
                dt.datetime.combine(self.end, dt.time(), time_zone))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - (self.end - self.start), self.start)

    def label(self) -> str:
        """E.g. 'Week 47, 16-22 Nov 2026' for a week, else '1 Jan 2026 - 31 Mar 2026'."""
        last = self.end - dt.timedelta(days=1)
        if self.days == 7 and self.start.isoweekday() == 1:
            return f"Week {self.start.isocalendar().week}, {self.start:%d %b} - {last:%d %b %Y}"
        return f"{self.start:%d %b %Y} - {last:%d %b %Y}"


def week_containing(day: dt.date) -> Period:
    """The Monday-to-Sunday week that contains ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=7))


def last_complete_week(today: dt.date) -> Period:
    """The most recent week that has fully ended before ``today``."""
    return week_containing(today).previous()


def weeks_ending_with(week: Period, count: int) -> list[Period]:
    """``count`` consecutive weeks, oldest first, the last being ``week``."""
    weeks = [week]
    while len(weeks) < count:
        weeks.insert(0, weeks[0].previous())
    return weeks


class NonexistentLocalTime(ValueError):
    """A wall-clock time that the clocks skipped (the hour lost when summer time starts)."""


def local_datetime(day: dt.date, time: dt.time, time_zone: ZoneInfo) -> dt.datetime:
    """The instant a person means by ``day`` and ``time`` on the clocks of ``time_zone``.

    In the hour that happens twice when clocks go back, the first (summer-time) occurrence is
    meant. A time the clocks skipped raises :class:`NonexistentLocalTime`.
    """
    candidate = dt.datetime.combine(day, time, time_zone)
    if candidate.astimezone(dt.UTC).astimezone(time_zone).replace(tzinfo=None) != candidate.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{time:%H:%M} on {day:%d %b %Y} did not exist in {time_zone.key}: the clocks went forward. "
            "Choose a time an hour later."
        )
    return candidate
