"""Service-level verdicts, worked out by hand, from both the Python due_at and the SQL evaluation.

Calendar: London office, Monday to Friday 09:00-12:30 and 13:30-17:30, English holidays.
Standard policy: received before 14:00, resolved by the end of that business day; otherwise by
11:00 the next business day; first response within 2 business hours; every request within three
business days (22.5 business hours); waiting on the customer or a vendor pauses the clock.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from infodash.periods import Period
from infodash.sla import Policy, StatusChange, due_at, evaluate_requests, load_policies
from infodash.errors import ValidationError
from infodash.sla_reports import (attainment_by, attainment_by_each, breaches_by_reason, late_and_at_risk,
                                  open_requests_at_risk, open_verdicts,
                                  record_breach_reason, requests_behind, resolution_histogram, unexplained_breaches,
                                  weekly_attainment)
from tests.conftest import LONDON, at
from tests.people import lead
from tests.test_sla_calendar import OFFICE

STANDARD = Policy(1, "Standard", dt.date(2026, 1, 1), 1, OFFICE, cutoff=dt.time(14), next_day_deadline=dt.time(11),
                  first_response=dt.timedelta(hours=2), primary_target_share=0.95,
                  hard_limit=dt.timedelta(hours=22.5))
TWO_HOURS = Policy(2, "Urgent", dt.date(2026, 1, 1), 1, OFFICE, priority="urgent",
                   resolution=dt.timedelta(hours=2))


@pytest.mark.parametrize(("received", "due"), [
    ("2026-11-16 10:00", "2026-11-16 17:30"),   # Monday morning: the same day
    ("2026-11-16 13:59", "2026-11-16 17:30"),   # a minute before the cut-off
    ("2026-11-16 14:00", "2026-11-17 11:00"),   # at the cut-off: next morning
    ("2026-11-16 17:29", "2026-11-17 11:00"),   # a minute before closing
    ("2026-11-16 19:00", "2026-11-17 17:30"),   # evening: counts from Tuesday's opening, before the cut-off
    ("2026-11-20 15:00", "2026-11-23 11:00"),   # Friday afternoon: Monday 11:00
    ("2026-11-21 10:00", "2026-11-23 17:30"),   # Saturday: from Monday's opening
    ("2026-12-24 15:00", "2026-12-30 11:00"),   # Christmas Eve afternoon: Christmas and Boxing Day observed
    ("2026-10-23 15:00", "2026-10-26 11:00"),   # Friday in summer time, due Monday in winter time
])
def test_cut_off_rule(received, due):
    assert due_at(at(received), STANDARD) == at(due)


def test_a_duration_target_a_minute_before_closing_and_across_the_clock_change():
    assert due_at(at("2026-11-16 17:29"), TWO_HOURS) == at("2026-11-17 10:59")
    # Friday 16:00 BST + 8 business hours: 1.5 h on Friday, 6.5 h on Monday (GMT) up to 16:30
    eight_hours = Policy(3, "Day", dt.date(2026, 1, 1), 1, OFFICE, resolution=dt.timedelta(hours=8))
    assert due_at(at("2026-10-23 16:00"), eight_hours) == at("2026-10-26 16:30")


def test_two_pauses_push_the_deadline_back_by_their_business_time():
    history = [StatusChange("received", at("2026-11-16 15:00")),
               StatusChange("waiting_customer", at("2026-11-16 16:00")),   # 1.5 business hours (to 17:30)
               StatusChange("responded", at("2026-11-17 09:00")),
               StatusChange("waiting_vendor", at("2026-11-17 09:30")),     # 1 business hour
               StatusChange("responded", at("2026-11-17 10:30")),
               StatusChange("resolved", at("2026-11-17 13:00"))]
    # after the cut-off: 11:00 Tuesday, plus 2.5 paused business hours: 11:00-12:30, then 13:30-14:30
    assert due_at(at("2026-11-16 15:00"), STANDARD, history, until=at("2026-11-17 13:00")) == at("2026-11-17 14:30")
    no_vendor_pause = Policy(1, "Standard", dt.date(2026, 1, 1), 1, OFFICE, cutoff=dt.time(14),
                             next_day_deadline=dt.time(11), pause_on_vendor=False)
    # only the customer's 1.5 hours count: 11:00-12:30, ending exactly at the lunch closing
    assert due_at(at("2026-11-16 15:00"), no_vendor_pause, history, until=at("2026-11-17 13:00")) == at(
        "2026-11-17 12:30")


def test_a_policy_needs_a_complete_target():
    with pytest.raises(ValueError, match="resolution target"):
        Policy(9, "Empty", dt.date(2026, 1, 1), 1, OFFICE)
    with pytest.raises(ValueError, match="both"):
        Policy(9, "Half", dt.date(2026, 1, 1), 1, OFFICE, cutoff=dt.time(14))


# --- the SQL evaluation over stored requests -------------------------------------------------

AS_OF = at("2026-11-23 12:00")


def verdicts(store) -> dict[int, tuple]:
    with store.reading() as db:
        rows = db.execute("SELECT request_id, policy_id, outcome, due_at, business_seconds, paused_seconds, "
                          "margin_seconds, first_response_met, within_hard_limit FROM sla_results").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_every_request_gets_the_verdict_worked_out_by_hand(sla_store):
    summary = evaluate_requests(sla_store, as_of=AS_OF)
    assert summary.recomputed and summary.requests == 9
    got = verdicts(sla_store)
    hour = 3600
    # 11: Monday 10:00, due 17:30, resolved 16:00 (5 business hours: 10:00-12:30, 13:30-16:00)
    assert got[11] == (1, "met", at("2026-11-16 17:30"), 5 * hour, 0, 1.5 * hour, True, True)
    # 12: after the cut-off, due Tue 11:00; an hour waiting on the customer moves it to 12:00; resolved 12:00.
    # Business time: Mon 15:00-17:30 and Tue 09:00-12:00 less the hour paused. No first response logged:
    # the resolution answered, long after the 2 hours (Mon 17:00)
    assert got[12] == (1, "met", at("2026-11-17 12:00"), 4.5 * hour, hour, 0, False, True)
    # 13: Saturday, after the change to 4 hours: from Monday 09:00 to 14:00; resolved 17:45, after closing
    assert got[13] == (1, "breached", at("2026-11-23 14:00"), 7.5 * hour, 0, -3.5 * hour, True, True)
    # 14: urgent: 2 business hours (12:00) beat the standard 17:30; resolved 13:00 after 2.5 business hours
    assert got[14] == (2, "breached", at("2026-11-16 12:00"), 2.5 * hour, 0, -0.5 * hour, True, None)
    # 15: after the policy changed on 18 Nov: 4 business hours from Thursday 09:00 -> 14:00
    assert got[15][:3] == (1, "met", at("2026-11-19 14:00"))
    # 16: Friday 10:00, 4 hours, waiting on the customer since 11:00 until Monday noon (8.5 business hours):
    # due Monday 16:00; one business hour worked; on track with 3 of 12.5 allowed hours left
    assert got[16] == (1, "open_on_track", at("2026-11-23 16:00"), hour, 8.5 * hour, 3 * hour, True, True)
    # 17: received Monday 09:00, due 14:00: at noon one of four hours is left (25%), on track
    assert got[17][:3] == (1, "open_on_track", at("2026-11-23 14:00"))
    # 19: declined, outside the verdicts that count
    assert got[19][1] == "declined" and got[19][3] is None


def test_open_requests_turn_at_risk_and_then_breached_as_time_passes(sla_store):
    evaluate_requests(sla_store, as_of=at("2026-11-23 13:20"))
    got = verdicts(sla_store)
    # 17 (due 14:00 Monday: 4 business hours from 09:00 across lunch) has 30 of 240 minutes left: at risk
    assert got[17][1:3] == ("open_at_risk", at("2026-11-23 14:00"))
    evaluate_requests(sla_store, as_of=at("2026-11-23 15:00"), force=True)
    assert verdicts(sla_store)[17][1] == "open_breached"


def test_re_evaluation_is_skipped_until_something_changes(sla_store):
    assert evaluate_requests(sla_store, as_of=AS_OF).recomputed
    assert not evaluate_requests(sla_store, as_of=AS_OF).recomputed
    with sla_store.writing() as db:
        db.execute("UPDATE requests SET status = 'resolved', closed_at = ? WHERE request_id = 18",
                   [at("2026-11-23 11:00")])
    assert evaluate_requests(sla_store, as_of=AS_OF).recomputed
    assert verdicts(sla_store)[18][1] == "met"


def test_python_and_sql_agree_on_due_times(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    policies = {(policy.policy_id, policy.effective_from): policy for policy in load_policies(sla_store)}
    with sla_store.reading() as db:
        rows = db.execute("SELECT s.request_id, s.policy_id, s.effective_from, r.received_at, s.due_at FROM sla_results s "
                          "JOIN requests r USING (request_id) WHERE s.paused_seconds = 0").fetchall()
    assert len(rows) >= 6
    for request_id, policy_id, effective_from, received, sql_due in rows:
        assert due_at(received.astimezone(LONDON), policies[(policy_id, effective_from)]) == sql_due, request_id


def test_no_requests_and_no_policies_are_not_errors(store):
    assert evaluate_requests(store).requests == 0


# --- the figures pages read from the verdicts --------------------------------------------------

WEEK_47 = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 23))


def test_attainment_counts_the_weeks_requests_by_hand(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    # received 16-22 Nov: 11, 12, 15 met; 13, 14 breached; 16 open on track; 19 declined -> 3 / 5
    row = attainment_by(sla_store, "all", WEEK_47, LONDON, now=AS_OF).iloc[0]
    assert (row["met"], row["breached"], row["open_breached"], row["open_on_track"], row["declined"]) == (3, 2, 0, 1, 1)
    assert row["attainment"] == pytest.approx(0.6)
    assert row["within_hard_limit"] == 1.0  # 14's urgent policy has no longer limit, so it is left out
    assert row["primary_target"] == 0.95
    assert row["median_hours"] == pytest.approx(4.5)  # 2.5, 3, 4.5, 5, 7.5 business hours
    by_priority = attainment_by(sla_store, "priority", WEEK_47, LONDON, now=AS_OF).set_index("value")
    assert by_priority.loc["normal", "attainment"] == pytest.approx(0.75)
    assert by_priority.loc["urgent", "attainment"] == 0.0


def test_several_breakdowns_from_one_pass_equal_each_read_alone(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    together = attainment_by_each(sla_store, ("all", "priority", "week", "service"), WEEK_47, LONDON, now=AS_OF)
    assert list(together) == ["all", "priority", "week", "service"]
    for dimension, table in together.items():
        alone = attainment_by(sla_store, dimension, WEEK_47, LONDON, now=AS_OF)
        pd.testing.assert_frame_equal(table, alone, check_dtype=False)
    assert together["all"]["attainment"].iloc[0] == pytest.approx(0.6)  # by hand above
    assert together["priority"].set_index("value").loc["normal", "attainment"] == pytest.approx(0.75)
    assert [value.date() for value in together["week"]["value"]] == [dt.date(2026, 11, 16)]


def test_weekly_attainment_has_a_row_for_every_week(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    weeks = weekly_attainment(sla_store, WEEK_47, LONDON, weeks=3, now=AS_OF)
    assert weeks["week"].tolist() == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert weeks["attainment"].iloc[-1] == pytest.approx(0.6)
    assert weeks["attainment"].iloc[:2].isna().all()


def test_open_requests_at_risk_are_judged_live(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    # at 13:40 request 17 (due 14:00) has 20 of 240 minutes left: at risk; 18 (due 15:00) has a third left;
    # 16 is waiting on the customer, so its clock stands still however late it gets
    risky = open_requests_at_risk(sla_store, LONDON, now=at("2026-11-23 13:40"))
    assert risky["request_id"].tolist() == [17]
    assert risky["outcome"].tolist() == ["open_at_risk"]
    later = open_requests_at_risk(sla_store, LONDON, now=at("2026-11-23 16:30"))
    assert later.set_index("request_id")["outcome"].to_dict() == {17: "open_breached", 18: "open_breached"}
    assert late_and_at_risk(risky) == (0, 1) and late_and_at_risk(later) == (2, 0)
    # a list cut short still says how many there are in all (the pages showed the limit as the total)
    assert late_and_at_risk(open_requests_at_risk(sla_store, LONDON, now=at("2026-11-23 16:30"), limit=1)) == (2, 0)
    week = attainment_by(sla_store, "all", WEEK_47, LONDON, now=at("2026-11-23 16:30")).iloc[0]
    assert (week["open_breached"], week["open_on_track"]) == (0, 1)  # 16, paused, is not late


def test_editing_a_calendar_changes_the_verdicts(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    assert verdicts(sla_store)[11][2] == at("2026-11-16 17:30")
    with sla_store.writing() as db:  # the office closed on Monday 16 November after all
        db.execute("INSERT INTO calendar_closures VALUES (1, DATE '2026-11-16', 'Flood')")
    evaluate_requests(sla_store, as_of=AS_OF)
    assert verdicts(sla_store)[11][2] == at("2026-11-17 17:30")  # counts from Tuesday's opening


def test_moving_a_customer_to_another_group_re_judges_their_requests(sla_store):
    with sla_store.writing() as db:
        db.execute("INSERT INTO sla_policies VALUES (4, 'Sales team', NULL)")
        db.execute("INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, group_id, "
                   "resolution_seconds) VALUES (4, DATE '2026-01-01', 1, 2, 3600)")
    evaluate_requests(sla_store, as_of=AS_OF)
    assert verdicts(sla_store)[11][0] == 1  # Alice is in Research
    with sla_store.writing() as db:
        db.execute("UPDATE customers SET group_id = 2 WHERE customer_id = 1")  # Alice moves to Sales
    assert evaluate_requests(sla_store, as_of=AS_OF).recomputed
    assert verdicts(sla_store)[11][0] == 4


def test_the_requests_behind_a_row_put_breaches_first(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    behind = requests_behind(sla_store, "priority", "normal", WEEK_47, LONDON, now=AS_OF)
    assert behind["request_id"].tolist()[0] == 13
    assert set(behind["request_id"]) == {11, 12, 13, 15, 16, 19}
    with pytest.raises(ValueError, match="unknown dimension"):
        attainment_by(sla_store, "shoe size", WEEK_47, LONDON)


def test_the_resolution_histogram_bins_business_hours(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    bins = resolution_histogram(sla_store, WEEK_47, LONDON, bin_hours=2)
    # 2.5 h (14, breached) and 3 h (15, met) fall in 2-4 h; 4.5 (12) and 5 (11) in 4-6 h; 7.5 (13, breached) in 6-8 h
    # (the 98th percentile, 7.3 h, rounded up to a bin: 8 h would start the last bin, "and longer")
    assert [tuple(row) for row in bins.itertuples(index=False)] == [
        (2.0, "breached", 1, 2.0, False), (2.0, "met", 1, 2.0, False), (4.0, "met", 2, 2.0, False),
        (6.0, "breached", 1, 2.0, False)]
    # left to choose, the width spreads the 98th percentile (7.3 h) over at most 40 bins: 0.25 h
    assert set(resolution_histogram(sla_store, WEEK_47, LONDON)["bin_hours"]) == {0.25}


def test_a_few_very_long_requests_do_not_squeeze_the_rest_into_one_bar(demo_store):
    quarter = Period(dt.date(2026, 8, 24), dt.date(2026, 11, 23))
    evaluate_requests(demo_store, as_of=AS_OF)
    before = resolution_histogram(demo_store, quarter, LONDON)
    with demo_store.writing() as db:  # one request took 3,000 business hours
        db.execute("UPDATE sla_results SET business_seconds = 3000 * 3600 WHERE request_id = (SELECT min(request_id) "
                   "FROM sla_results JOIN requests USING (request_id) WHERE outcome = 'breached' AND received_at >= ?)",
                   [at("2026-09-01 00:00")])
    after = resolution_histogram(demo_store, quarter, LONDON)
    assert len(before) >= 20 and after["bin_hours"].iloc[0] == before["bin_hours"].iloc[0] <= 1  # the bulk keeps its shape
    width = after["bin_hours"].iloc[0]
    assert after["hours_from"].max() <= before["hours_from"].max() + width  # the long one is in the last bin,
    assert after["open_ended"].iloc[-1] and after["requests"].sum() == before["requests"].sum()  # "and longer"


def test_vendor_involvement_shows_its_effect_on_attainment(sla_store):
    with sla_store.writing() as db:
        db.execute("UPDATE requests SET vendor = 'Questel' WHERE request_id = 13")
    evaluate_requests(sla_store, as_of=AS_OF)
    rows = attainment_by(sla_store, "vendor involvement", WEEK_47, LONDON, now=AS_OF).set_index("value")
    assert rows.loc["a vendor involved", "breached"] == 1 and rows.loc["a vendor involved", "attainment"] == 0.0
    assert rows.loc["no vendor", "attainment"] == pytest.approx(3 / 4)


def test_breach_reasons_are_recorded_and_counted_by_week(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    assert unexplained_breaches(sla_store, WEEK_47, LONDON, now=AS_OF)["request_id"].tolist() == [13, 14]
    assert unexplained_breaches(sla_store, WEEK_47, LONDON, now=AS_OF, limit=1)["total"].tolist() == [2]
    record_breach_reason(sla_store, 13, "customer", "Away until Monday", lead("Ana Costa"))
    with pytest.raises(ValidationError) as raised:
        record_breach_reason(sla_store, 11, "nonsense", "", lead("Ana Costa"))  # 11 was met
    assert set(raised.value.errors) == {"reason", "request"}
    counts = breaches_by_reason(sla_store, WEEK_47, LONDON, now=AS_OF)
    assert [tuple(row) for row in counts.itertuples(index=False)] == [
        (dt.date(2026, 11, 16), "customer", 1), (dt.date(2026, 11, 16), "not yet explained", 1)]
    assert unexplained_breaches(sla_store, WEEK_47, LONDON, now=AS_OF)["request_id"].tolist() == [14]


def test_business_time_to_the_first_response(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    with sla_store.reading() as db:
        taken = dict(db.execute("SELECT request_id, first_response_seconds / 60 FROM sla_results").fetchall())
    # 11: 10:00 -> 10:30; 12: no response, resolved Tue 12:00 (Mon 15:00-17:30 + Tue 09:00-12:00);
    # 13: Saturday -> Monday 09:10 counts from the opening; 14: 10:00 -> 10:10; 19 declined
    assert (taken[11], taken[12], taken[13], taken[14], taken[19]) == (30, 330, 10, 10, None)
    row = attainment_by(sla_store, "all", WEEK_47, LONDON, now=AS_OF).iloc[0]
    # 5 (16), 10 (13), 10 (14), 30 (11), 30 (15) and 330 (12) minutes: the median is 20 minutes
    assert row["median_first_response_hours"] == pytest.approx(20 / 60)
    bins = resolution_histogram(sla_store, WEEK_47, LONDON, bin_hours=1, measure="first response")
    assert bins["requests"].sum() == 5  # the resolved ones


def test_each_policy_version_starts_on_its_own_calendars_date(sla_store):
    # From 17 November urgent requests have 5 business hours on a desk in Auckland (13 hours ahead of London),
    # open 00:00-06:00 on weekdays: that version starts at midnight in Auckland, 11:00 on the 16th in London
    with sla_store.writing() as db:
        db.execute("INSERT INTO calendars VALUES (2, 'Auckland desk', 'Pacific/Auckland', NULL, NULL)")
        db.executemany("INSERT INTO calendar_hours VALUES (2, ?, '00:00', '06:00')", [(day,) for day in range(5)])
        db.execute("INSERT INTO sla_policy_versions (policy_id, effective_from, calendar_id, priority, "
                   "resolution_seconds) VALUES (2, DATE '2026-11-17', 2, 'urgent', 18000)")
        db.executemany(
            "INSERT INTO requests (request_id, customer_id, service_id, channel, priority, received_at, status, "
            "closed_at, created_by) VALUES (?, 1, 1, 'email', 'urgent', ?, 'resolved', ?, 'fixture')",
            [(31, at("2026-11-16 10:30"), at("2026-11-16 12:00")),
             (32, at("2026-11-16 11:30"), at("2026-11-16 13:00"))])
    evaluate_requests(sla_store, as_of=AS_OF)
    with sla_store.reading() as db:
        judged = {row[0]: row[1:] for row in db.execute(
            "SELECT request_id, policy_id, effective_from, due_at FROM sla_results WHERE request_id > 30").fetchall()}
    # 31: 23:30 on the 16th in Auckland, so the London version: 2 business hours from 10:30 end at 12:30
    assert judged[31] == (2, dt.date(2026, 1, 1), at("2026-11-16 12:30"))
    # 32: 00:30 on the 17th in Auckland: 5 hours there, to 05:30 (16:30 in London), though London's 2 hours
    # would end sooner (14:30) and the standard policy later (17:30)
    assert judged[32] == (2, dt.date(2026, 11, 17), at("2026-11-16 16:30"))


def test_time_after_the_calendars_last_working_slot_counts_for_nothing(sla_store):
    closing = dt.date(2026, 11, 24)  # the office closes for good after Monday 23 November
    with sla_store.writing() as db:  # (up to well past where its slots end, 120 days after today)
        db.execute("DELETE FROM calendar_closures")
        db.executemany("INSERT INTO calendar_closures VALUES (1, ?, 'Closed')",
                       [(closing + dt.timedelta(days=day),) for day in range((dt.date.today() - closing).days + 200)])
    evaluate_requests(sla_store, as_of=at("2026-11-25 12:00"))
    got = verdicts(sla_store)
    hour = 3600
    # 17: received Monday 09:00, due 14:00; as of Wednesday it has taken all of Monday, 7.5 business hours
    assert got[17][:6] == (1, "open_breached", at("2026-11-23 14:00"), 7.5 * hour, 0, -3.5 * hour)
    # 16: waiting on the customer since Friday 11:00, which pauses its clock for 13 business hours up to
    # Monday's close; one business hour worked before that, from 10:00
    assert got[16][3:5] == (hour, 13 * hour)


def test_a_request_removed_since_the_last_evaluation_loses_its_verdict(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)
    with sla_store.writing() as db:
        db.execute("DELETE FROM requests WHERE request_id = 11")
    again = evaluate_requests(sla_store, as_of=AS_OF)
    assert (again.requests, again.judged) == (8, 3)  # the open 16, 17 and 18 judged again
    assert 11 not in verdicts(sla_store)


def test_after_a_change_only_changed_and_open_requests_are_judged_again_with_the_same_verdicts(sla_store):
    first = evaluate_requests(sla_store, as_of=AS_OF)
    assert first.judged == 9
    with sla_store.writing() as db:  # request 18 is resolved; nothing else changes
        db.execute("UPDATE requests SET status = 'resolved', closed_at = ? WHERE request_id = 18",
                   [at("2026-11-23 11:00")])
    again = evaluate_requests(sla_store, as_of=AS_OF)
    assert again.recomputed and again.judged == 3  # 18, and the still-open 16 and 17
    incremental = verdicts(sla_store)
    evaluate_requests(sla_store, as_of=AS_OF, force=True)
    assert verdicts(sla_store) == incremental
    # a policy change judges everything again
    with sla_store.writing() as db:
        db.execute("UPDATE sla_policy_versions SET primary_target_share = 0.9 WHERE policy_id = 2")
    assert evaluate_requests(sla_store, as_of=AS_OF).judged == 9


def test_the_open_verdicts_digest_changes_only_when_an_open_request_falls_at_risk_or_past_due(sla_store):
    evaluate_requests(sla_store, as_of=AS_OF)

    def digest(time: str) -> tuple[int, int]:
        return open_verdicts(sla_store, now=at(f"2026-11-23 {time}"))

    assert digest("11:00") == digest("12:00")  # 17 and 18 on track all morning (16 waits on the customer)
    # 17 (due 14:00) falls at risk at 12:12, with 48 of its 240 business minutes left
    assert digest("12:20") != digest("12:00")
    assert digest("12:20") == digest("13:40")  # lunch stops the clock; then 18 still has 80 minutes left
    assert digest("14:05") != digest("13:40")  # 17 is past due
    assert digest("14:05")[0] == 3  # 16, 17 and 18 are open
