"""Usage by system, customer group and resource, and adoption, on a handful of hand-made events.

The fixture organisation (see conftest) has Research (Alice, Bob), Sales (Cara; Dan, inactive),
Operations (Eve) and an empty group. Twelve events fall around two summer weeks, 6-12 and 13-19
July 2026, when London is an hour ahead of UTC, so a Monday 00:30 event is a Sunday in UTC:

    week of 6 Jul   Alice  Data warehouse / sales_cube      Mon 00:30, Tue 10:00, Tue 11:00
                    Bob    Research databases / PatentBase  Wed 09:00, Wed 09:05
                    guest01 (no customer) Data warehouse / sales_cube  Thu 14:00
    week of 13 Jul  Alice  Research databases / PatentBase  Mon 00:30
                    Cara   Research databases / ChemAbstracts  Tue 10:00
                    Dan    Data warehouse / sales_cube      Wed 10:00
                    Eve    Data warehouse / (no resource: a log-in)  Thu 10:00
    outside         Alice  Data warehouse / sales_cube      Sun 5 Jul 23:30 and Mon 20 Jul 00:30
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from infodash.filters import Filters
from infodash.periods import Period
from infodash.usage_reports import UNMAPPED, resource_ranking, usage_overview
from tests.conftest import LONDON, at

TWO_WEEKS = Period(dt.date(2026, 7, 6), dt.date(2026, 7, 20))
W1, W2 = pd.Timestamp("2026-07-06"), pd.Timestamp("2026-07-13")
DW, RDB = "Data warehouse", "Research databases"


@pytest.fixture
def usage_store(fixture_store):
    with fixture_store.writing() as db:
        db.executemany("INSERT INTO systems VALUES (?, ?, ?)",
                       [(1, DW, "data warehouse"), (2, RDB, "subscribed databases")])
        db.executemany("INSERT INTO resources VALUES (?, ?, ?, ?)",
                       [(1, "sales_cube", False, None), (2, "PatentBase", True, 36_500.0),
                        (2, "ChemAbstracts", True, 7_300.0), (2, "Unused journal", True, 1_000.0)])
        events = [
            (at("2026-07-06 00:30"), 1, "aadams", 1, "sales_cube"),
            (at("2026-07-07 10:00"), 1, "aadams", 1, "sales_cube"),
            (at("2026-07-07 11:00"), 1, "aadams", 1, "sales_cube"),
            (at("2026-07-08 09:00"), 2, "bbrown", 2, "PatentBase"),
            (at("2026-07-08 09:05"), 2, "bbrown", 2, "PatentBase"),
            (at("2026-07-09 14:00"), 1, "guest01", None, "sales_cube"),
            (at("2026-07-13 00:30"), 2, "aadams", 1, "PatentBase"),
            (at("2026-07-14 10:00"), 2, "cclarke", 3, "ChemAbstracts"),
            (at("2026-07-15 10:00"), 1, "ddubois", 4, "sales_cube"),
            (at("2026-07-16 10:00"), 1, "eevans", 5, None),
            (at("2026-07-05 23:30"), 1, "aadams", 1, "sales_cube"),
            (at("2026-07-20 00:30"), 1, "aadams", 1, "sales_cube"),
        ]
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource) "
                       "VALUES (?, ?, ?, ?, 'query', ?)", events)
    return fixture_store


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


def test_weekly_usage_by_system_counts_events_and_distinct_logins_in_local_weeks(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON).by_system
    assert rows(frame, "week", "system", "events", "active_users") == [
        (W1, DW, 4, 2), (W1, RDB, 2, 1), (W2, DW, 2, 2), (W2, RDB, 2, 2)]


def test_a_customer_group_filter_keeps_its_customers_events_and_shows_empty_weeks_as_zero(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON, Filters(group_ids=(1,))).by_system
    assert rows(frame, "week", "system", "events", "active_users") == [
        (W1, DW, 3, 1), (W1, RDB, 2, 1), (W2, DW, 0, 0), (W2, RDB, 1, 1)]


def test_weekly_usage_by_group_lists_every_group_and_the_unmapped_logins(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON).by_group
    assert rows(frame, "week", "customer_group", "events", "active_users") == [
        (W1, "Research", 5, 2), (W1, "Sales", 0, 0), (W1, "Operations", 0, 0), (W1, "Empty group", 0, 0),
        (W1, UNMAPPED, 1, 1),
        (W2, "Research", 1, 1), (W2, "Sales", 2, 2), (W2, "Operations", 1, 1), (W2, "Empty group", 0, 0),
        (W2, UNMAPPED, 0, 0)]


def test_weekly_usage_by_group_shows_only_the_chosen_groups(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON, Filters(group_ids=(2,))).by_group
    assert rows(frame, "week", "customer_group", "events", "active_users") == [(W1, "Sales", 0, 0),
                                                                                 (W2, "Sales", 2, 2)]


def test_most_and_least_used_resources_with_the_cost_of_each_use_of_a_subscription(usage_store):
    frame = resource_ranking(usage_store, TWO_WEEKS, LONDON, limit=2)
    assert rows(frame, "ranking", "rank", "system", "resource", "events", "subscribed") == [
        ("most used", 1, DW, "sales_cube", 5, False), ("most used", 2, RDB, "PatentBase", 3, True),
        ("least used", 1, RDB, "Unused journal", 0, True), ("least used", 2, RDB, "ChemAbstracts", 1, True)]
    cost = dict(zip(frame["resource"], frame["cost_per_use"]))
    # 14 days of a 36,500 a year subscription cost 1,400; used 3 times; unused: no cost per use
    assert cost["PatentBase"] == pytest.approx(1_400 / 3)
    assert cost["ChemAbstracts"] == pytest.approx(280.0)
    assert pd.isna(cost["Unused journal"]) and pd.isna(cost["sales_cube"])


def test_with_few_resources_each_is_in_both_lists(usage_store):
    frame = resource_ranking(usage_store, TWO_WEEKS, LONDON, limit=10)
    assert frame.groupby("ranking").size().to_dict() == {"most used": 4, "least used": 4}


def test_a_group_filter_counts_only_its_use_of_each_resource(usage_store):
    frame = resource_ranking(usage_store, TWO_WEEKS, LONDON, Filters(group_ids=(2,)), limit=1)
    assert rows(frame, "ranking", "resource", "events") == [("most used", "sales_cube", 1),
                                                            ("least used", "PatentBase", 0)]


def test_adoption_is_the_share_of_each_groups_active_customers_who_used_each_system(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON).adoption
    assert rows(frame.fillna({"share": -1}), "customer_group", "system", "customers", "users", "share") == [
        ("Research", DW, 2, 1, 0.5), ("Research", RDB, 2, 2, 1.0),
        ("Sales", DW, 1, 0, 0.0), ("Sales", RDB, 1, 1, 1.0),  # Dan used the warehouse, but he has left
        ("Operations", DW, 1, 1, 1.0), ("Operations", RDB, 1, 0, 0.0),
        ("Empty group", DW, 0, 0, -1), ("Empty group", RDB, 0, 0, -1)]


def test_adoption_for_the_chosen_groups_only(usage_store):
    frame = usage_overview(usage_store, TWO_WEEKS, LONDON, Filters(group_ids=(3,))).adoption
    assert rows(frame, "customer_group", "system", "share") == [("Operations", DW, 1.0), ("Operations", RDB, 0.0)]


def test_an_organisation_without_usage_gets_empty_weeks_not_errors(fixture_store):
    assert usage_overview(fixture_store, TWO_WEEKS, LONDON).by_system.empty  # no systems yet
    assert usage_overview(fixture_store, TWO_WEEKS, LONDON).by_group["events"].tolist() == [0] * 8
    assert resource_ranking(fixture_store, TWO_WEEKS, LONDON).empty
    assert usage_overview(fixture_store, TWO_WEEKS, LONDON).adoption.empty


def test_weeks_follow_the_clocks_when_summer_time_ends(usage_store):
    with usage_store.writing() as db:
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) "
                       "VALUES (?, 1, 'eevans', 5, 'query')",
                       [(at("2026-10-19 00:30"),),  # Monday, summer time: still Sunday in UTC
                        (at("2026-10-25 01:30"),),  # the first of the two 01:30s of Sunday 25 October
                        (at("2026-10-25 23:30"),),  # Sunday night, winter time
                        (at("2026-10-26 00:30"),)])  # Monday
    frame = usage_overview(usage_store, Period(dt.date(2026, 10, 19), dt.date(2026, 11, 2)), LONDON).by_system
    assert rows(frame[frame["system"] == DW], "week", "events", "active_users") == [
        (pd.Timestamp("2026-10-19"), 3, 1), (pd.Timestamp("2026-10-26"), 1, 1)]


def test_weeks_in_a_time_zone_a_quarter_hour_off_utc(usage_store):
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45 all year
    with usage_store.writing() as db:
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) "
                       "VALUES (?, 2, 'eevans', 5, 'query')",
                       [(dt.datetime(2026, 8, 2, 18, 14, tzinfo=dt.UTC),),  # Sunday 23:59 there
                        (dt.datetime(2026, 8, 2, 18, 15, tzinfo=dt.UTC),)])  # Monday 00:00 there
    frame = usage_overview(usage_store, Period(dt.date(2026, 7, 27), dt.date(2026, 8, 10)), kathmandu).by_system
    assert rows(frame[frame["system"] == RDB], "week", "events") == [(pd.Timestamp("2026-07-27"), 1),
                                                                     (pd.Timestamp("2026-08-03"), 1)]


def test_a_period_longer_than_62_weeks_counts_people_the_same(usage_store):
    long = Period(TWO_WEEKS.end - dt.timedelta(weeks=70), TWO_WEEKS.end)
    frame = usage_overview(usage_store, long, LONDON).by_system
    assert len(frame) == 70 * 2
    assert rows(frame[frame["week"] >= W1], "week", "system", "events", "active_users") == [
        (W1, DW, 4, 2), (W1, RDB, 2, 1), (W2, DW, 2, 2), (W2, RDB, 2, 2)]
    assert frame[frame["week"] < W1]["events"].sum() == 1  # Alice's Sunday-night query before the period
