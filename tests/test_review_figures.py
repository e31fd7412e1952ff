"""Weekly review figures against values worked out by hand from the fixture in conftest.py.

Week 47 (16-22 Nov 2026) receives requests 1, 3, 4, 5 and 7 (request 7 at exactly Monday
00:00, the week's first instant); it resolves 1 (4 h), 2 (received the week before, 90 h) and
7 (2 h), so the median is 4 h; it declines 3; 4 and 5 are open at its end (5 was received at
23:30 on Sunday). Touchpoints 1, 2 and 4 (35 minutes). Customers served: 1, 3 (requests),
1, 5, 4 (touchpoints) = 4, of whom 1, 3 and 5 are active: reach 3 of 4 active customers.
Follow-ups due: touchpoint 1 (20 Nov, open) and 3 (16 Nov, done).
"""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.filters import Filters
from infodash.periods import Period, week_containing
from infodash.review import period_figures, summary_from_figures, touchpoints_by_channel, weekly_summary, weekly_trend
from tests.conftest import LONDON

WEEK_47 = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 23))


def test_week_figures_match_the_hand_count(fixture_store):
    summary = weekly_summary(fixture_store, WEEK_47, LONDON)
    assert summary.current == {
        "received": 5, "resolved": 3, "open_at_end": 2, "median_resolution_hours": 4.0, "declined": 1,
        "touchpoints": 3, "touchpoint_minutes": 35, "customers_served": 4, "customers_in_scope": 4,
        "reach_share": 0.75, "follow_ups_due": 2, "follow_ups_open": 1,
    }


def test_previous_week_and_changes(fixture_store):
    summary = weekly_summary(fixture_store, WEEK_47, LONDON)
    # week 46 receives 2 and 6, resolves 6 (2 h); 2 is still open at Monday 00:00; touchpoint 3 only
    assert summary.previous["received"] == 2
    assert summary.previous["resolved"] == 1
    assert summary.previous["median_resolution_hours"] == 2.0
    assert summary.previous["open_at_end"] == 1
    assert summary.previous["touchpoints"] == 1
    assert summary.previous["customers_served"] == 1
    assert summary.previous["reach_share"] == 0.25
    assert summary.previous["follow_ups_due"] == 0
    assert summary.change("received") == 3
    assert summary.change("median_resolution_hours") == 2.0


def test_group_filter_keeps_only_that_groups_customers(fixture_store):
    current = weekly_summary(fixture_store, WEEK_47, LONDON, Filters(group_ids=(1,))).current
    assert (current["received"], current["resolved"], current["open_at_end"], current["declined"]) == (3, 3, 1, 0)
    assert (current["touchpoints"], current["customers_served"], current["customers_in_scope"]) == (1, 1, 2)
    assert current["reach_share"] == 0.5
    assert (current["follow_ups_due"], current["follow_ups_open"]) == (2, 1)


def test_service_filter_drops_touchpoints_without_that_service(fixture_store):
    current = weekly_summary(fixture_store, WEEK_47, LONDON, Filters(service_ids=(2,))).current
    assert (current["received"], current["declined"], current["resolved"], current["touchpoints"]) == (1, 1, 0, 0)
    assert current["median_resolution_hours"] is None


def test_group_without_customers_gives_zeros_not_errors(fixture_store):
    summary = weekly_summary(fixture_store, WEEK_47, LONDON, Filters(group_ids=(4,)))
    assert summary.is_empty
    assert summary.current["customers_in_scope"] == 0
    assert summary.current["reach_share"] is None


def test_empty_database_gives_an_empty_week(store):
    summary = weekly_summary(store, WEEK_47, LONDON)
    assert summary.is_empty
    assert summary.current["received"] == 0 and summary.current["median_resolution_hours"] is None


def test_week_across_the_end_of_summer_time_is_counted_in_local_time(fixture_store):
    week = week_containing(dt.date(2026, 10, 19))
    start, end = week.bounds(LONDON)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=169)
    figures = period_figures(fixture_store, [week], LONDON).iloc[0]
    # request 8 arrived at 00:30 BST on Monday 19 Oct, which is still Sunday 23:30 in UTC
    assert figures["received"] == 1 and figures["resolved"] == 1
    # 00:30 BST Monday to 23:30 GMT Sunday: 6 days 23 hours on the clock, plus the hour the clocks went back
    assert figures["median_resolution_hours"] == pytest.approx(168.0)
    # touchpoint 5 at 01:30 on the night the clocks went back belongs to that Sunday
    assert figures["touchpoints"] == 1


def test_trend_has_one_row_per_week_including_empty_weeks(fixture_store):
    trend = weekly_trend(fixture_store, WEEK_47, LONDON, weeks=12)
    assert len(trend) == 12
    assert trend["week"].iloc[-1] == dt.date(2026, 11, 16)
    assert trend["week"].iloc[0] == dt.date(2026, 8, 31)
    assert trend["received"].tolist()[-2:] == [2, 5]
    assert trend["received"].sum() == 8  # all eight requests fall inside these 12 weeks


def test_the_summary_read_off_a_trend_equals_the_summary_computed_directly(fixture_store):
    trend = weekly_trend(fixture_store, WEEK_47, LONDON, weeks=12)
    assert summary_from_figures(WEEK_47, trend) == weekly_summary(fixture_store, WEEK_47, LONDON)


def test_touchpoints_by_channel_per_week(fixture_store):
    frame = touchpoints_by_channel(fixture_store, [WEEK_47.previous(), WEEK_47], LONDON)
    rows = {(row.period, row.channel): (row.touchpoints, row.minutes) for row in frame.itertuples()}
    assert rows == {
        (dt.date(2026, 11, 9), "face_to_face"): (1, 30),
        (dt.date(2026, 11, 16), "chat"): (1, 5),
        (dt.date(2026, 11, 16), "email"): (1, 10),
        (dt.date(2026, 11, 16), "phone"): (1, 20),
    }


def test_one_request_alone_is_its_own_median(store):
    with store.writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (1, 'Only', NULL, 1)")
        db.execute("INSERT INTO customers (customer_id, name, group_id, department, seniority, relationship) "
                   "VALUES (1, 'Solo', 1, 'Lab', 'staff', 'customer')")
        db.execute("INSERT INTO services (service_id, name) VALUES (1, 'Desk research')")
        db.execute("INSERT INTO requests (customer_id, service_id, channel, received_at, status, closed_at, created_by) "
                   "VALUES (1, 1, 'phone', ?, 'resolved', ?, 'x')",
                   [dt.datetime(2026, 11, 18, 9, tzinfo=LONDON), dt.datetime(2026, 11, 18, 10, 30, tzinfo=LONDON)])
    current = weekly_summary(store, WEEK_47, LONDON).current
    assert (current["received"], current["resolved"], current["median_resolution_hours"]) == (1, 1, 1.5)
    assert current["reach_share"] == 1.0
