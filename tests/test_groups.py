"""Customer-group figures against values worked out by hand from the fixture in conftest.py, extended here.

The organisation: Research (Alice, Bob, and Fay, who was never contacted), Sales (Cara; Dan, inactive),
Operations (Eve) and an empty group. Departments: Archive (Fay), Key accounts (Cara, Dan), Lab (Alice, Bob),
Plant North (Eve). Seniority: executive Fay, senior Cara, middle Alice, staff Bob, Dan and Eve.
Relationship: customer Alice, Bob, Dan; partner Eve, Fay; both Cara.

Week 47 (16-22 Nov 2026), the period; week 46 (9-15 Nov), the one before it:

    requests     W47  Alice 1, 5 (Sun 23:30), 7 (Mon 00:00); Cara 3 (declined: out of scope, referred to
                      Legal), 4 (open); Eve 9 (declined, no reason recorded); resolved in W47: 1, 7, and
                      Bob's 2 (received in W46)
                 W46  Bob 6 (resolved the same day), 2
                 before: Eve 8 (19 Oct)
    touchpoints  W47  Alice 1 (e-mail, 10 min, READ 3), Eve 2 (phone, 20 min, READ 4), Dan 4 (chat, 5 min)
                 W46  Bob 3 (face to face, 30 min, READ 2)
                 before: Alice 5 (25 Oct, 15 min)
    verdicts     W47  1 met (4 h), 7 met (2 h), 5 breached (3 h), 3 declined, 4 open (due Tue 24 Nov 11:00)
                 W46  6 met (2 h), 2 breached (9 h)
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from infodash.filters import Filters
from infodash.groups import (LIFECYCLE_STAGES, NO_REASON, NOT_ABOUT_A_GROUP, NOT_REFERRED, anomalies_by_group,
                             breakdown, declined_share_by_service, declines_by, effort_concentration,
                             group_customers, key_customers, lifecycle, not_contacted, services_by)
from infodash.periods import Period
from infodash.sla_reports import attainment_by
from infodash.usage_reports import adoption_by
from tests.conftest import LONDON, at

WEEK_47 = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 23))
QUIET_WEEK = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 13))
NOW = at("2026-11-23 12:00")  # request 4 is not yet due


@pytest.fixture
def groups_store(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO customers (customer_id, name, email, group_id, department, seniority, relationship) "
                   "VALUES (6, 'Fay Foster', 'fay@example.org', 1, 'Archive', 'executive', 'partner')")
        db.execute("UPDATE requests SET decline_reason = 'Outside our service portfolio', "
                   "referred_to = 'Legal department' WHERE request_id = 3")
        db.execute("INSERT INTO requests (request_id, customer_id, service_id, channel, received_at, status, "
                   "closed_at, created_by) VALUES (9, 5, 2, 'phone', ?, 'declined', ?, 'fixture')",
                   [at("2026-11-20 09:00"), at("2026-11-20 10:00")])
        db.execute("UPDATE touchpoints SET read_level = 3 WHERE touchpoint_id = 1")
        db.execute("UPDATE touchpoints SET read_level = 4 WHERE touchpoint_id = 2")
        db.execute("INSERT INTO sla_policies VALUES (1, 'Standard', NULL)")
        db.execute("INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, resolution_seconds, "
                   "primary_target_share) VALUES (1, DATE '2026-01-01', 1, 14400, 0.95)")
        verdicts = [  # request, due, outcome, business hours
            (1, at("2026-11-16 13:00"), "met", 4), (7, at("2026-11-16 13:00"), "met", 2),
            (5, at("2026-11-23 13:00"), "breached", 3), (3, at("2026-11-18 14:00"), "declined", None),
            (4, at("2026-11-24 11:00"), "open_on_track", None),
            (6, at("2026-11-09 14:00"), "met", 2), (2, at("2026-11-16 13:00"), "breached", 9)]
        db.executemany(
            "INSERT INTO sla_results (request_id, policy_id, effective_from, calendar_id, due_at, due_seconds, "
            "allowed_seconds, paused_seconds, business_seconds, outcome) "
            "VALUES (?, 1, DATE '2026-01-01', 1, ?, 0, 14400, 0, ? * 3600, ?)",
            [(request, due, hours, outcome) for request, due, outcome, hours in verdicts])
    return fixture_store


def cells(frame: pd.DataFrame, *columns: str) -> dict[str, tuple]:
    return {row["cell"]: tuple(None if pd.isna(row[c]) else row[c] for c in columns) for _, row in frame.iterrows()}


def test_breakdown_by_customer_group_matches_the_hand_count(groups_store):
    figures = breakdown(groups_store, "customer group", WEEK_47, LONDON, now=NOW)
    table = figures.cells
    assert table["cell"].tolist() == ["Research", "Sales", "Operations", "Empty group"]
    # active customers, served, reach; Dan is inactive, Fay never contacted
    assert cells(table, "customers", "customers_served", "reach_share") == {
        "Research": (3, 1, 1 / 3), "Sales": (1, 1, 1.0), "Operations": (1, 1, 1.0), "Empty group": (0, 0, None)}
    # Alice last on Sun 22 Nov (0 days), Bob on Fri 13 Nov (9 days); Fay never, so not in the median;
    # Cara on Sat 21 Nov (request 4), Eve on Fri 20 Nov (request 9)
    assert cells(table, "median_days_since_contact") == {
        "Research": (4.5,), "Sales": (1.0,), "Operations": (2.0,), "Empty group": (None,)}
    assert cells(table, "received", "resolved", "declined") == {
        "Research": (3, 3, 0), "Sales": (2, 0, 1), "Operations": (1, 0, 1), "Empty group": (0, 0, 0)}
    # Dan's chat counts in Sales' volumes although he is inactive
    assert cells(table, "touchpoints", "minutes", "mean_read_level") == {
        "Research": (1, 10, 3.0), "Sales": (1, 5, 2.0), "Operations": (1, 20, 4.0), "Empty group": (0, 0, None)}
    # Research: 1 and 7 met, 5 breached; Sales: 3 declined, 4 open and not yet due, so nothing counts
    assert cells(table, "attainment", "median_business_hours") == {
        "Research": (2 / 3, 3.0), "Sales": (None, None), "Operations": (None, None), "Empty group": (None, None)}
    assert figures.reach_share == pytest.approx(3 / 5)
    assert not table["under_served"].any()  # no cell has the 10 customers the rule needs


def test_breakdown_compares_with_the_week_before(groups_store):
    table = breakdown(groups_store, "customer group", WEEK_47, LONDON, now=NOW).cells.set_index("cell")
    research = table.loc["Research"]
    # week 46: Bob served (requests 6 and 2, touchpoint 3); 6 resolved; Alice last on 25 Oct (21 days), Bob 2 days
    assert (research["previous_customers_served"], research["previous_received"], research["previous_resolved"]) \
        == (1, 2, 1)
    assert (research["previous_touchpoints"], research["previous_minutes"]) == (1, 30)
    assert research["previous_median_days_since_contact"] == 11.5
    assert (research["previous_attainment"], research["previous_median_business_hours"]) == (0.5, 5.5)
    assert (research["received_change"], research["resolved_change"], research["minutes_change"]) == (1, 2, -20)
    assert research["attainment_change"] == pytest.approx(2 / 3 - 0.5)
    assert research["median_days_since_contact_change"] == -7.0
    sales = table.loc["Sales"]
    assert (sales["previous_customers_served"], sales["customers_served_change"]) == (0, 1)
    assert pd.isna(sales["previous_median_days_since_contact"])  # Cara's first contact is in week 47
    assert pd.isna(sales["median_days_since_contact_change"])


def test_touchpoints_by_channel_per_cell_in_both_weeks(groups_store):
    channels = breakdown(groups_store, "customer group", WEEK_47, LONDON, now=NOW).channels
    assert channels.to_dict("records") == [
        {"cell": "Research", "channel": "email", "touchpoints": 1, "minutes": 10, "previous_touchpoints": 0,
         "previous_minutes": 0},
        {"cell": "Research", "channel": "face_to_face", "touchpoints": 0, "minutes": 0, "previous_touchpoints": 1,
         "previous_minutes": 30},
        {"cell": "Sales", "channel": "chat", "touchpoints": 1, "minutes": 5, "previous_touchpoints": 0,
         "previous_minutes": 0},
        {"cell": "Operations", "channel": "phone", "touchpoints": 1, "minutes": 20, "previous_touchpoints": 0,
         "previous_minutes": 0}]


def test_a_request_open_past_its_due_time_counts_against_attainment(groups_store):
    later = breakdown(groups_store, "customer group", WEEK_47, LONDON, now=at("2026-11-25 12:00")).cells
    assert cells(later, "attainment")["Sales"] == (0.0,)


def test_attainment_per_cell_is_the_service_level_pages(groups_store):
    for dimension in ("department", "seniority", "relationship", "customer group"):
        table = breakdown(groups_store, dimension, WEEK_47, LONDON, now=NOW).cells
        levels = attainment_by(groups_store, dimension, WEEK_47, LONDON, now=NOW).set_index("value")
        mine = table.set_index("cell").loc[levels.index]
        assert mine["attainment"].tolist() == pytest.approx(levels["attainment"].tolist(), nan_ok=True), dimension
        assert mine["median_business_hours"].tolist() == pytest.approx(levels["median_hours"].tolist(),
                                                                      nan_ok=True), dimension


def test_breakdown_by_department_lists_departments_by_name(groups_store):
    table = breakdown(groups_store, "department", WEEK_47, LONDON, now=NOW).cells
    assert cells(table, "customers", "customers_served", "received", "declined", "touchpoints", "minutes") == {
        "Archive": (1, 0, 0, 0, 0, 0), "Key accounts": (1, 1, 2, 1, 1, 5), "Lab": (2, 1, 3, 0, 1, 10),
        "Plant North": (1, 1, 1, 1, 1, 20)}
    assert table["cell"].tolist() == ["Archive", "Key accounts", "Lab", "Plant North"]  # the empty group has none


def test_breakdown_by_seniority_runs_from_executive_to_staff(groups_store):
    table = breakdown(groups_store, "seniority", WEEK_47, LONDON, now=NOW).cells
    assert table["cell"].tolist() == ["executive", "senior", "middle", "staff"]
    # staff: Bob (resolved 2) and Eve (served, request 9 declined); Dan's chat and Eve's call: READ 2 and 4
    assert cells(table, "customers", "customers_served", "received", "resolved", "touchpoints", "minutes",
                 "mean_read_level") == {
        "executive": (1, 0, 0, 0, 0, 0, None), "senior": (1, 1, 2, 0, 0, 0, None),
        "middle": (1, 1, 3, 2, 1, 10, 3.0), "staff": (2, 1, 1, 1, 2, 25, 3.0)}


def test_breakdown_by_relationship(groups_store):
    table = breakdown(groups_store, "relationship", WEEK_47, LONDON, now=NOW).cells
    assert table["cell"].tolist() == ["customer", "partner", "both"]
    assert cells(table, "customers", "customers_served", "received", "resolved", "declined", "minutes") == {
        "customer": (2, 1, 3, 3, 0, 15), "partner": (2, 1, 1, 0, 1, 20), "both": (1, 1, 2, 0, 1, 0)}


def test_a_week_without_activity_gives_zeros_and_every_customer(groups_store):
    figures = breakdown(groups_store, "customer group", QUIET_WEEK, LONDON, now=NOW)
    assert cells(figures.cells, "customers", "customers_served", "reach_share", "received", "touchpoints",
                 "median_days_since_contact", "attainment") == {
        "Research": (3, 0, 0.0, 0, 0, None, None), "Sales": (1, 0, 0.0, 0, 0, None, None),
        "Operations": (1, 0, 0.0, 0, 0, None, None), "Empty group": (0, 0, None, 0, 0, None, None)}
    assert figures.channels.empty
    assert figures.total("received") == (0, 0) and figures.reach_share == 0.0


def test_filters_keep_the_chosen_groups_and_services(groups_store):
    research = breakdown(groups_store, "department", WEEK_47, LONDON, Filters(group_ids=(1,)), NOW).cells
    assert cells(research, "customers", "received") == {"Archive": (1, 0), "Lab": (2, 3)}
    legal = breakdown(groups_store, "customer group", WEEK_47, LONDON, Filters(service_ids=(2,)), NOW).cells
    # requests 3 and 9 only; touchpoints without that service drop out, and so does Alice's reach
    assert cells(legal, "received", "declined", "touchpoints", "customers_served") == {
        "Research": (0, 0, 0, 0), "Sales": (1, 1, 0, 1), "Operations": (1, 1, 0, 1), "Empty group": (0, 0, 0, 0)}


def test_a_large_cell_reached_less_than_half_as_well_as_the_rest_is_under_served(groups_store):
    with groups_store.writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (5, 'Warehouse', NULL, 5)")
        db.executemany("INSERT INTO customers (customer_id, name, group_id, department, seniority, relationship) "
                       "VALUES (?, ?, 5, 'Depot', 'staff', 'customer')", [(10 + i, f"Picker {i}") for i in range(12)])
        db.execute("INSERT INTO touchpoints (customer_id, channel, kind, minutes, read_level, occurred_at, created_by) "
                   "VALUES (10, 'training', 'training', 60, 2, ?, 'Ana Costa')", [at("2026-11-18 10:00")])
    figures = breakdown(groups_store, "customer group", WEEK_47, LONDON, now=NOW)
    # 4 of 17 active customers reached overall (23.5%); Warehouse 1 of 12 (8.3%) is below half of that
    assert figures.reach_share == pytest.approx(4 / 17)
    assert cells(figures.cells, "under_served") == {"Research": (False,), "Sales": (False,), "Operations": (False,),
                                                    "Empty group": (False,), "Warehouse": (True,)}


def test_an_unknown_breakdown_is_refused(groups_store):
    with pytest.raises(ValueError, match="unknown breakdown"):
        breakdown(groups_store, "shoe size", WEEK_47, LONDON)


def test_lifecycle_at_the_end_of_the_week_and_of_the_week_before(groups_store):
    stages = lifecycle(groups_store, "customer group", WEEK_47, LONDON)
    counts = stages.counts.set_index(["cell", "stage"])
    assert len(counts) == 4 * len(LIFECYCLE_STAGES)  # every cell and stage, zeros included
    nonzero = counts[(counts["customers"] > 0) | (counts["previous_customers"] > 0)]
    assert nonzero[["customers", "previous_customers", "change"]].to_dict("index") == {
        # Alice: quiet in W46 (last contact 25 Oct), active in W47; Bob: new in W46, quiet in W47; Fay: never
        ("Research", "new"): {"customers": 0, "previous_customers": 1, "change": -1},
        ("Research", "active"): {"customers": 1, "previous_customers": 0, "change": 1},
        ("Research", "quiet"): {"customers": 1, "previous_customers": 1, "change": 0},
        ("Research", "never contacted"): {"customers": 1, "previous_customers": 1, "change": 0},
        # Cara's first contact is in W47; Dan is inactive and not counted
        ("Sales", "new"): {"customers": 1, "previous_customers": 0, "change": 1},
        ("Sales", "never contacted"): {"customers": 0, "previous_customers": 1, "change": -1},
        # Eve: request 8 on 19 Oct, then silent until the call in W47
        ("Operations", "active"): {"customers": 1, "previous_customers": 0, "change": 1},
        ("Operations", "quiet"): {"customers": 0, "previous_customers": 1, "change": -1}}
    assert stages.moves().to_dict("records") == [
        {"previous_stage": "quiet", "stage": "active", "customers": 2},
        {"previous_stage": "never contacted", "stage": "new", "customers": 1},
        {"previous_stage": "new", "stage": "quiet", "customers": 1}]


def test_silence_longer_than_the_quiet_days_before_the_period_is_lapsed(groups_store):
    counts = lifecycle(groups_store, "customer group", WEEK_47, LONDON, quiet_days=20).counts
    counts = counts.set_index(["cell", "stage"])
    # W46 starts 9 Nov: Eve's last contact (19 Oct) is 21 days before it, Alice's (25 Oct) 15 days
    assert counts.loc[("Operations", "lapsed"), "previous_customers"] == 1
    assert counts.loc[("Research", "quiet"), "previous_customers"] == 1
    # W47 starts 16 Nov: Bob's last contact (13 Nov) is recent
    assert counts.loc[("Research", "quiet"), "customers"] == 1


def test_lifecycle_of_a_week_before_any_contact(groups_store):
    counts = lifecycle(groups_store, "seniority", QUIET_WEEK, LONDON).counts
    assert counts[counts["stage"] == "never contacted"]["customers"].tolist() == [1, 1, 1, 2]
    assert counts[counts["stage"] != "never contacted"]["customers"].sum() == 0


def test_key_customers_by_minutes_and_by_requests(groups_store):
    by_minutes = key_customers(groups_store, WEEK_47, LONDON)
    assert by_minutes[["rank", "customer", "customer_group", "minutes", "active"]].to_dict("records") == [
        {"rank": 1, "customer": "Eve Evans", "customer_group": "Operations", "minutes": 20, "active": True},
        {"rank": 2, "customer": "Alice Adams", "customer_group": "Research", "minutes": 10, "active": True},
        {"rank": 3, "customer": "Dan Dubois", "customer_group": "Sales", "minutes": 5, "active": False}]
    assert by_minutes["share"].tolist() == pytest.approx([20 / 35, 10 / 35, 5 / 35])
    assert by_minutes["cumulative_share"].tolist() == pytest.approx([20 / 35, 30 / 35, 1.0])
    by_requests = key_customers(groups_store, WEEK_47, LONDON, by="requests", limit=2)
    assert by_requests[["customer", "requests", "touchpoints"]].to_dict("records") == [
        {"customer": "Alice Adams", "requests": 3, "touchpoints": 1},
        {"customer": "Cara Clarke", "requests": 2, "touchpoints": 0}]
    assert by_requests["share"].tolist() == pytest.approx([3 / 6, 2 / 6])


def test_effort_concentration_is_the_share_of_the_top_tenth_of_customers(groups_store):
    pareto = effort_concentration(groups_store, WEEK_47, LONDON)
    # three customers with minutes: the top 10% rounds up to one customer, Eve, with 20 of 35 minutes
    assert (pareto.customers, pareto.total, pareto.top_customers) == (3, 35.0, 1)
    assert pareto.top_share == pytest.approx(20 / 35)
    assert pareto.curve["customer_share"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert pareto.curve["effort_share"].tolist() == pytest.approx([20 / 35, 30 / 35, 1.0])
    empty = effort_concentration(groups_store, QUIET_WEEK, LONDON, by="requests")
    assert (empty.customers, empty.top_share, len(empty.curve)) == (0, None, 0)


def test_the_pareto_curve_of_many_customers_is_thinned_but_keeps_its_ends(groups_store):
    with groups_store.writing() as db:
        db.executemany("INSERT INTO customers (customer_id, name, group_id, department, seniority, relationship) "
                       "VALUES (?, ?, 3, 'Depot', 'staff', 'customer')", [(100 + i, f"P{i}") for i in range(997)])
        db.execute("INSERT INTO touchpoints (customer_id, channel, kind, minutes, read_level, occurred_at, created_by) "
                   "SELECT customer_id, 'email', 'request', 1, 1, ?, 'Ana Costa' FROM customers "
                   "WHERE customer_id >= 100", [at("2026-11-18 10:00")])
    pareto = effort_concentration(groups_store, WEEK_47, LONDON)
    # 1,000 customers: Eve 20, Alice 10, Dan 5 and 997 one-minute touchpoints; the top 100 take 35 + 97 minutes
    assert (pareto.customers, pareto.top_customers, pareto.total) == (1000, 100, 1032.0)
    assert pareto.top_share == pytest.approx(132 / 1032)
    assert len(pareto.curve) == 201 and pareto.curve["rank"].iloc[[0, -1]].tolist() == [1, 1000]


def test_the_customers_of_one_group_busiest_first(groups_store):
    customers = group_customers(groups_store, "customer group", "Research", WEEK_47, LONDON)
    assert customers[["customer", "requests", "touchpoints", "minutes", "days_since_contact"]].to_dict("records") == [
        {"customer": "Alice Adams", "requests": 3, "touchpoints": 1, "minutes": 10, "days_since_contact": 0},
        {"customer": "Bob Brown", "requests": 0, "touchpoints": 0, "minutes": 0, "days_since_contact": 9},
        {"customer": "Fay Foster", "requests": 0, "touchpoints": 0, "minutes": 0, "days_since_contact": None}]
    assert customers["last_contact"].iloc[0] == pd.Timestamp("2026-11-22 23:30")  # local time
    assert pd.isna(customers["last_contact"].iloc[2])
    assert group_customers(groups_store, "customer group", "Empty group", WEEK_47, LONDON).empty
    staff = group_customers(groups_store, "seniority", "staff", WEEK_47, LONDON)
    assert staff["customer"].tolist() == ["Eve Evans", "Bob Brown"]  # Dan is inactive


def test_not_contacted_lists_the_never_contacted_then_the_longest_silent(groups_store):
    today = dt.date(2026, 11, 23)
    assert not_contacted(groups_store, LONDON, 90, today=today)["customer"].tolist() == ["Fay Foster"]
    week = not_contacted(groups_store, LONDON, 7, today=today)
    assert week[["customer", "customer_group", "email", "days_since_contact"]].to_dict("records") == [
        {"customer": "Fay Foster", "customer_group": "Research", "email": "fay@example.org",
         "days_since_contact": None},
        {"customer": "Bob Brown", "customer_group": "Research", "email": "bob@example.org", "days_since_contact": 10}]
    # Bob's last contact was on 13 Nov, 10 days before today: listed at 10 days, not at 11
    assert "Bob Brown" in not_contacted(groups_store, LONDON, 10, today=today)["customer"].tolist()
    assert "Bob Brown" not in not_contacted(groups_store, LONDON, 11, today=today)["customer"].tolist()
    lab = not_contacted(groups_store, LONDON, 7, dimension="department", cell="Lab", today=today)
    assert lab["customer"].tolist() == ["Bob Brown"]
    assert not_contacted(groups_store, LONDON, 7, Filters(group_ids=(3,)), today=today).empty
    with pytest.raises(ValueError):
        not_contacted(groups_store, LONDON, 7, cell="Lab")


def test_services_used_per_cell(groups_store):
    used = services_by(groups_store, "customer group", WEEK_47, LONDON)
    assert used.to_dict("records") == [
        {"cell": "Research", "service": "Desk research", "in_scope": True, "requests": 3},
        {"cell": "Sales", "service": "Desk research", "in_scope": True, "requests": 1},
        {"cell": "Sales", "service": "Legal opinions", "in_scope": False, "requests": 1},
        {"cell": "Operations", "service": "Legal opinions", "in_scope": False, "requests": 1}]
    assert services_by(groups_store, "customer group", QUIET_WEEK, LONDON).empty


def test_declines_per_cell_with_reasons_and_referrals(groups_store):
    declines = declines_by(groups_store, "relationship", WEEK_47, LONDON)
    assert declines.to_dict("records") == [
        {"cell": "partner", "reason": NO_REASON, "referred_to": NOT_REFERRED, "declined": 1},
        {"cell": "both", "reason": "Outside our service portfolio", "referred_to": "Legal department", "declined": 1}]
    shares = declined_share_by_service(groups_store, WEEK_47, LONDON)
    assert shares[["service", "received", "declined", "declined_share"]].to_dict("records") == [
        {"service": "Legal opinions", "received": 2, "declined": 2, "declined_share": 1.0},
        {"service": "Desk research", "received": 4, "declined": 0, "declined_share": 0.0}]
    assert shares["referral"].tolist()[0] == "Legal department"
    assert declines_by(groups_store, "customer group", QUIET_WEEK, LONDON).empty


def test_adoption_per_cell_counts_active_customers_who_used_each_system(groups_store):
    with groups_store.writing() as db:
        db.executemany("INSERT INTO systems VALUES (?, ?, 'system')", [(1, "Data warehouse"), (2, "Intranet")])
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) "
                       "VALUES (?, ?, ?, ?, 'view')",
                       [(at("2026-11-17 09:00"), 1, "aadams", 1), (at("2026-11-17 10:00"), 1, "aadams", 1),
                        (at("2026-11-18 09:00"), 1, "cclarke", 3), (at("2026-11-18 09:00"), 1, "ddubois", 4),
                        (at("2026-11-19 09:00"), 2, "eevans", 5), (at("2026-11-23 09:00"), 2, "bbrown", 2)])
    adoption = adoption_by(groups_store, "seniority", WEEK_47, LONDON)
    assert [(row.cell, row.system, row.customers, row.users) for row in adoption.itertuples()] == [
        ("executive", "Data warehouse", 1, 0), ("executive", "Intranet", 1, 0),
        ("senior", "Data warehouse", 1, 1), ("senior", "Intranet", 1, 0),
        ("middle", "Data warehouse", 1, 1), ("middle", "Intranet", 1, 0),
        # staff: Bob and Eve (Dan is inactive); Bob's visit is on the Monday after the week
        ("staff", "Data warehouse", 2, 0), ("staff", "Intranet", 2, 1)]
    assert adoption["share"].tolist()[-1] == 0.5
    groups = adoption_by(groups_store, "customer group", WEEK_47, LONDON)
    assert groups[groups["cell"] == "Empty group"]["share"].isna().all()


def test_open_anomalies_are_counted_per_customer_group():
    found = pd.DataFrame({"customer_group": ["Sales", None, "Sales", "Research"],
                          "detector": ["quiet_customer", "unused_resource", "quiet_customer", "volume_spike"]})
    assert anomalies_by_group(found).to_dict("records") == [
        {"customer_group": "Sales", "detector": "quiet_customer", "anomalies": 2},
        {"customer_group": NOT_ABOUT_A_GROUP, "detector": "unused_resource", "anomalies": 1},
        {"customer_group": "Research", "detector": "volume_spike", "anomalies": 1}]
    assert anomalies_by_group(found.iloc[0:0]).empty


def test_no_customers_at_all(store):
    figures = breakdown(store, "customer group", WEEK_47, LONDON)
    assert figures.cells.empty and figures.reach_share is None
    assert lifecycle(store, "department", WEEK_47, LONDON).counts.empty
    assert not_contacted(store, LONDON).empty
