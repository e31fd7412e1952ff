"""Business time on a calendar: office hours with a lunch break, English holidays, a team closure, DST.

The office is open Monday to Friday 09:00-12:30 and 13:30-17:30 in London (7.5 hours a day).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infodash.calendars import Calendar, add_business_time, business_duration, business_slots, next_opening
from tests.conftest import LONDON, at

OFFICE = Calendar(
    LONDON,
    {weekday: ((dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 30))) for weekday in range(5)},
    country="GB", subdivision="ENG", closures=frozenset({dt.date(2026, 12, 29)}),
)
HOUR = dt.timedelta(hours=1)


def hours(value: float) -> dt.timedelta:
    return dt.timedelta(hours=value)


def test_an_hour_in_the_morning_is_an_hour():
    assert business_duration(at("2026-11-16 10:00"), at("2026-11-16 11:00"), OFFICE) == HOUR


def test_the_lunch_break_does_not_count():
    assert business_duration(at("2026-11-16 12:00"), at("2026-11-16 14:00"), OFFICE) == HOUR


def test_a_weekend_does_not_count():
    # Friday 17:00-17:30 and Monday 09:00-09:30
    assert business_duration(at("2026-11-20 17:00"), at("2026-11-23 09:30"), OFFICE) == HOUR


def test_christmas_the_observed_boxing_day_and_the_team_closure_do_not_count():
    # Thu 24 Dec 17:00-17:30; Fri 25 (Christmas), Mon 28 (Boxing Day observed), Tue 29 (closure) closed;
    # Wed 30 Dec 09:00-10:00
    assert business_duration(at("2026-12-24 17:00"), at("2026-12-30 10:00"), OFFICE) == hours(1.5)


def test_a_full_week_is_five_working_days():
    assert business_duration(at("2026-11-16 00:00"), at("2026-11-23 00:00"), OFFICE) == hours(37.5)


def test_business_time_is_never_negative():
    assert business_duration(at("2026-11-17 10:00"), at("2026-11-16 10:00"), OFFICE) == dt.timedelta(0)


@pytest.mark.parametrize(("day", "real_hours"), [("2026-03-29", 5), ("2026-10-25", 7)])
def test_a_night_slot_across_a_clock_change_counts_real_time(day, real_hours):
    # open 00:00-06:00 on Sundays only: the clocks skip 01:00-02:00 in March and repeat it in October
    night = Calendar(LONDON, {6: ((dt.time(0), dt.time(6)),)})
    start = dt.datetime.fromisoformat(day).replace(tzinfo=LONDON)
    assert business_duration(start, start + dt.timedelta(days=1), night) == hours(real_hours)
    assert add_business_time(start, hours(real_hours), night).astimezone(LONDON).time() == dt.time(6)


def test_office_hours_across_the_autumn_clock_change():
    # Friday 23 Oct 17:00 BST to Monday 26 Oct 10:00 GMT: half an hour, then an hour
    assert business_duration(at("2026-10-23 17:00"), at("2026-10-26 10:00"), OFFICE) == hours(1.5)
    assert add_business_time(at("2026-10-23 17:00"), hours(1.5), OFFICE) == at("2026-10-26 10:00")


def test_adding_time_carries_over_to_the_next_morning():
    assert add_business_time(at("2026-11-16 16:30"), hours(2), OFFICE) == at("2026-11-17 10:00")


def test_a_minute_before_closing():
    assert add_business_time(at("2026-11-16 17:29"), dt.timedelta(minutes=1), OFFICE) == at("2026-11-16 17:30")
    assert add_business_time(at("2026-11-16 17:29"), dt.timedelta(minutes=2), OFFICE) == at("2026-11-17 09:01")


def test_work_received_on_a_saturday_starts_on_monday():
    assert add_business_time(at("2026-11-21 10:00"), HOUR, OFFICE) == at("2026-11-23 10:00")
    assert next_opening(at("2026-11-21 10:00"), OFFICE) == at("2026-11-23 09:00")
    assert next_opening(at("2026-11-23 09:15"), OFFICE) == at("2026-11-23 09:15")
    assert next_opening(at("2026-11-23 12:45"), OFFICE) == at("2026-11-23 13:30")


def test_three_business_days_from_christmas_eve_afternoon():
    # 24 Dec 14:00-17:30 (3.5 h), 30 Dec (7.5 h), 31 Dec (7.5 h), 1 Jan 2027 holiday,
    # Mon 4 Jan: the last 4 h are 09:00-12:30 and 13:30-14:00
    assert add_business_time(at("2026-12-24 14:00"), hours(22.5), OFFICE) == at("2027-01-04 14:00")


def test_adding_nothing_is_the_start_itself():
    assert add_business_time(at("2026-11-21 10:00"), dt.timedelta(0), OFFICE) == at("2026-11-21 10:00")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(at("2026-11-16 10:00"), -HOUR, OFFICE)
    with pytest.raises(ValueError, match="time zone-aware"):
        business_duration(dt.datetime(2026, 11, 16, 10), at("2026-11-16 11:00"), OFFICE)
    with pytest.raises(ValueError, match="less than"):
        add_business_time(at("2026-11-16 10:00"), HOUR, Calendar(LONDON, {}))
    with pytest.raises(ValueError, match="close after it opens"):
        Calendar(LONDON, {0: ((dt.time(12), dt.time(9)),)})
    with pytest.raises(ValueError, match="overlap"):
        Calendar(LONDON, {0: ((dt.time(9), dt.time(12)), (dt.time(11), dt.time(13)))})


def test_slots_carry_the_business_time_before_them():
    slots = business_slots(OFFICE, dt.date(2026, 11, 20), dt.date(2026, 11, 23))  # Friday to Monday
    assert [(slot.opens, slot.seconds_before) for slot in slots] == [
        (at("2026-11-20 09:00"), 0), (at("2026-11-20 13:30"), 12_600),
        (at("2026-11-23 09:00"), 27_000), (at("2026-11-23 13:30"), 39_600),
    ]


instants = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31),
                        timezones=st.just(LONDON))
durations = st.integers(min_value=0, max_value=60 * 60).map(lambda minutes: dt.timedelta(minutes=minutes))


@settings(max_examples=200, deadline=None)
@given(instants, durations)
def test_adding_then_measuring_gives_the_duration_back(start, duration):
    assert business_duration(start, add_business_time(start, duration, OFFICE), OFFICE) == duration


@settings(max_examples=200, deadline=None)
@given(instants, instants, instants)
def test_business_time_is_never_negative_and_adds_up(first, second, third):
    a, b, c = sorted([first, second, third])
    assert business_duration(third, first, OFFICE) >= dt.timedelta(0)
    assert business_duration(a, c, OFFICE) == business_duration(a, b, OFFICE) + business_duration(b, c, OFFICE)
