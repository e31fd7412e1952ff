"""Reporting periods in the organisation's local time (weeks run Monday to Sunday)."""

from __future__ import annotations

import datetime as dt
import re
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


def reference_week(today: dt.date, last_data_day: dt.date | None = None) -> Period:
    """The week a page opens on: the last complete week, or, for data that ends earlier (an archive, a team's
    history imported before it went live), the week its last day falls in."""
    last_complete = last_complete_week(today)
    if last_data_day is None or last_data_day >= last_complete.start:
        return last_complete
    return week_containing(last_data_day)


def weeks_offered(today: dt.date, first_data_day: dt.date | None, at_least: int = 104) -> list[Period]:
    """The weeks a page offers, newest first: the one running (so far), then back to the week of the first day
    that holds data, and no fewer than ``at_least`` complete weeks."""
    weeks = [week_containing(today)]
    while len(weeks) <= at_least or (first_data_day is not None and weeks[-1].start > first_data_day):
        weeks.append(weeks[-1].previous())
    return weeks


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


# ---------------------------------------------------------------------------------------------------------------
# Reporting periods: the calendar week, month, quarter or year a management pack is about.

PERIOD_KINDS: dict[str, str] = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:W(?P<week>\d{1,2})|Q(?P<quarter>\d)|(?P<month>\d{1,2})))?$",
                         re.IGNORECASE)
_RELATIVE_PERIOD = re.compile(r"^(?P<which>last|this)-(?P<kind>week|month|quarter|year)$", re.IGNORECASE)
PERIOD_KEY_HELP = ("Write a year (2026), a quarter (2026-Q3), a month (2026-09) or an ISO week (2026-W38); or, for a "
                   "scheduled job, last-week, last-month, last-quarter or last-year (the last complete one), or "
                   "this-week ... this-year (so far).")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReportingPeriod:
    """A whole calendar week, month, quarter or year, named as people write it: '2026-W38', '2026-09',
    '2026-Q3', '2026'.

    Weeks are ISO weeks (Monday to Sunday; ``year`` is the ISO year). Quarters and years follow the
    organisation's reporting year, which starts in ``year_start_month`` (1: the calendar year). A year
    starting in another month is named by the calendar year it starts in, so with ``year_start_month``
    9, '2026' runs from 1 Sep 2026 to 31 Aug 2027 and its second quarter, '2026-Q2', from December to
    February: a quarter across the turn of the calendar year.
    """

    kind: str  # a key of PERIOD_KINDS
    year: int
    number: int = 1  # the week, month or quarter; 1 for a year
    year_start_month: int = 1

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise ValueError(f"unknown kind of period {self.kind!r}; choose one of {', '.join(PERIOD_KINDS)}")
        if not 1 <= self.year_start_month <= 12:
            raise ValueError("the reporting year starts in a month from 1 to 12")
        limit = {"week": dt.date(self.year, 12, 28).isocalendar().week, "month": 12, "quarter": 4, "year": 1}
        if not 1 <= self.number <= limit[self.kind] or not 1 <= self.year <= 9998:
            raise ValueError(f"there is no {self.kind} {self.number} in {self.year}")

    @property
    def period(self) -> Period:
        """The local calendar days of the whole period."""
        if self.kind == "week":
            monday = dt.date.fromisocalendar(self.year, self.number, 1)
            return Period(monday, monday + dt.timedelta(days=7))
        if self.kind == "month":
            first = dt.date(self.year, self.number, 1)
            return Period(first, _add_months(first, 1))
        year_start = dt.date(self.year, self.year_start_month, 1)
        if self.kind == "quarter":
            first = _add_months(year_start, 3 * (self.number - 1))
            return Period(first, _add_months(first, 3))
        return Period(year_start, _add_months(year_start, 12))

    @property
    def key(self) -> str:
        """The period's name as :func:`parse_period` reads it, e.g. '2026-Q3'."""
        suffix = {"week": f"-W{self.number:02d}", "month": f"-{self.number:02d}", "quarter": f"-Q{self.number}",
                  "year": ""}[self.kind]
        return f"{self.year}{suffix}"

    def short_label(self) -> str:
        """E.g. 'Q3 2026', 'Sep 2026', 'Week 38 2026', '2026' (a reporting year from September: '2026/27')."""
        year = str(self.year) if self.year_start_month == 1 else f"{self.year}/{(self.year + 1) % 100:02d}"
        return {"week": f"Week {self.number} {self.year}", "month": f"{self.period.start:%b %Y}",
                "quarter": f"Q{self.number} {year}", "year": year}[self.kind]

    def label(self) -> str:
        """E.g. 'Q3 2026 (1 Jul - 30 Sep 2026)', 'September 2026', 'Week 38 2026 (14 Sep - 20 Sep 2026)'."""
        if self.kind == "month":
            return f"{self.period.start:%B %Y}"
        if self.kind == "year" and self.year_start_month == 1:
            return f"Year {self.year}"
        return f"{'Year ' if self.kind == 'year' else ''}{self.short_label()} ({span_label(self.period)})"

    def previous(self) -> ReportingPeriod:
        """The period of the same kind just before: 2026-Q1 -> 2025-Q4, 2026-W01 -> 2025-W52 (or W53)."""
        if self.kind == "week":
            monday = self.period.start - dt.timedelta(days=7)
            year, week, _ = monday.isocalendar()
            return ReportingPeriod("week", year, week, self.year_start_month)
        count = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        index = self.year * count + self.number - 1 - 1
        return ReportingPeriod(self.kind, index // count, index % count + 1, self.year_start_month)

    def same_period_last_year(self) -> ReportingPeriod | None:
        """The same week, month, quarter or year a year earlier; None for week 53 when the year before had 52."""
        try:
            return ReportingPeriod(self.kind, self.year - 1, self.number, self.year_start_month)
        except ValueError:
            return None

    def is_partial(self, today: dt.date) -> bool:
        """Whether the period is still running on ``today`` (so its figures are so far only)."""
        return self.period.end > today

    def covered(self, today: dt.date) -> Period:
        """The days a report on it covers on ``today``: the whole period once it has ended, else its days up
        to and including today. Raises ValueError for a period that has not started."""
        days = self.period
        if days.start > today:
            raise ValueError(f"{self.key} has not started yet: it begins on {days.start.day} {days.start:%b %Y}.")
        return Period(days.start, min(days.end, today + dt.timedelta(days=1)))


def span_label(period: Period) -> str:
    """The days of ``period`` for a reader: '1 Jul - 30 Sep 2026', '28 Dec 2026 - 3 Jan 2027', '16 Nov 2026'."""
    last = period.end - dt.timedelta(days=1)
    if last == period.start:
        return f"{last.day} {last:%b %Y}"
    first_year = f" {period.start.year}" if period.start.year != last.year else ""
    return f"{period.start.day} {period.start:%b}{first_year} - {last.day} {last:%b %Y}"


def first_days(period: Period, days: int) -> Period:
    """The first ``days`` days of ``period`` (all of it when it is shorter): what a partial period is compared with."""
    return Period(period.start, min(period.end, period.start + dt.timedelta(days=days)))


def parse_period(text: str, year_start_month: int = 1, today: dt.date | None = None) -> ReportingPeriod:
    """'2026' (a year), '2026-Q3' (a quarter), '2026-09' (a month) or '2026-W38' (an ISO week) as a
    :class:`ReportingPeriod`; 'last-month' (and week, quarter, year) is the last complete one before ``today``
    and 'this-month' the one running on it, so a scheduled job needs no date. Raises ValueError with
    :data:`PERIOD_KEY_HELP` for anything else (and for a relative period without ``today``)."""
    relative = _RELATIVE_PERIOD.match(text.strip())
    if relative and today is not None:
        running = reporting_period_containing(relative["kind"].lower(), today, year_start_month)
        return running if relative["which"].lower() == "this" else running.previous()
    match = _PERIOD_KEY.match(text.strip())
    if not match:
        raise ValueError(f"{text.strip()!r} is not a period. {PERIOD_KEY_HELP}")
    year = int(match["year"])
    kind, number = next(((kind, int(match[kind])) for kind in ("week", "quarter", "month") if match[kind]),
                        ("year", 1))
    try:
        return ReportingPeriod(kind, year, number, year_start_month)
    except ValueError as error:
        raise ValueError(f"{text.strip()!r}: {error}. {PERIOD_KEY_HELP}") from None


def reporting_period_containing(kind: str, day: dt.date, year_start_month: int = 1) -> ReportingPeriod:
    """The week, month, quarter or year (``kind``) that contains ``day``."""
    if kind == "week":
        year, week, _ = day.isocalendar()
        return ReportingPeriod("week", year, week, year_start_month)
    if kind == "month":
        return ReportingPeriod("month", day.year, day.month, year_start_month)
    months_in = (day.month - year_start_month) % 12
    start_year = day.year if day.month >= year_start_month else day.year - 1
    number = months_in // 3 + 1 if kind == "quarter" else 1
    return ReportingPeriod(kind, start_year, number, year_start_month)


def recent_reporting_periods(kind: str, today: dt.date, count: int, year_start_month: int = 1,
                             first_data_day: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods of ``kind`` up to the one running on ``today`` (included), newest first: ``count`` of them,
    or back to the one holding ``first_data_day`` when that is earlier."""
    periods = [reporting_period_containing(kind, today, year_start_month)]
    while len(periods) < count or (first_data_day is not None and periods[-1].period.start > first_data_day):
        periods.append(periods[-1].previous())
    return periods
