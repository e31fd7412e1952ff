"""Weeks run Monday to Sunday in local time."""

import datetime as dt

import pytest

from infodash.periods import (NonexistentLocalTime, Period, last_complete_week, local_datetime, week_containing,
                              weeks_ending_with)
from tests.conftest import LONDON


def test_week_containing_a_sunday_starts_the_monday_before():
    assert week_containing(dt.date(2026, 11, 22)) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 23))


def test_on_a_monday_the_last_complete_week_is_the_one_just_ended():
    assert last_complete_week(dt.date(2026, 11, 23)).start == dt.date(2026, 11, 16)


def test_on_a_sunday_the_current_week_is_not_yet_complete():
    assert last_complete_week(dt.date(2026, 11, 22)).start == dt.date(2026, 11, 9)


def test_weeks_across_new_year_are_consecutive():
    weeks = weeks_ending_with(week_containing(dt.date(2027, 1, 4)), 3)
    assert [week.start for week in weeks] == [dt.date(2026, 12, 21), dt.date(2026, 12, 28), dt.date(2027, 1, 4)]
    assert weeks[1].label() == "Week 53, 28 Dec - 03 Jan 2027"


def test_previous_period_has_the_same_length():
    quarter = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))
    assert quarter.previous() == Period(dt.date(2026, 3, 31), dt.date(2026, 7, 1))


def test_a_wall_clock_time_in_the_hour_skipped_in_spring_is_refused():
    with pytest.raises(NonexistentLocalTime, match="clocks went forward"):
        local_datetime(dt.date(2026, 3, 29), dt.time(1, 30), LONDON)
    assert local_datetime(dt.date(2026, 3, 29), dt.time(2, 30), LONDON).astimezone(dt.UTC).hour == 1


def test_in_the_hour_repeated_in_autumn_the_first_occurrence_is_meant():
    first = local_datetime(dt.date(2026, 10, 25), dt.time(1, 30), LONDON)
    assert first.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 01:30 BST


@pytest.mark.parametrize(("text", "year_start_month", "expected"), [
    # Wednesday 2 December 2026 is in ISO week 49
    ("last-week", 1, "2026-W48"), ("this-week", 1, "2026-W49"),
    ("last-month", 1, "2026-11"), ("This-Month", 1, "2026-12"),
    ("last-quarter", 1, "2026-Q3"), ("this-quarter", 1, "2026-Q4"),
    ("last-year", 1, "2025"), ("this-year", 1, "2026"),
    # a year from April: October-December 2026 is the third quarter of the year 2026/27
    ("last-quarter", 4, "2026-Q2"), ("this-year", 4, "2026"),
])
def test_a_scheduled_job_names_the_period_relative_to_today(text, year_start_month, expected):
    from infodash.periods import parse_period

    assert parse_period(text, year_start_month, today=dt.date(2026, 12, 2)).key == expected


def test_the_first_week_of_january_is_preceded_by_the_last_week_of_the_year_before():
    from infodash.periods import parse_period

    assert parse_period("last-week", today=dt.date(2027, 1, 6)).key == "2026-W53"  # 2026 has 53 ISO weeks
    assert parse_period("last-month", today=dt.date(2027, 1, 6)).key == "2026-12"


def test_a_relative_period_needs_today():
    from infodash.periods import parse_period

    with pytest.raises(ValueError, match="last-month"):
        parse_period("last-month")
