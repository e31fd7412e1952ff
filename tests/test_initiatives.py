"""Performance initiatives: progress computed from the data (weekly actual against the target, baseline, on track,
trend), the checks on what a lead enters, and the reviews kept.

The fixture's requests received per week (see conftest.fixture_store): week of 19 Oct 1 (#8), 9 Nov 2 (#2, #6),
16 Nov 5 (#1, #3, #4, #5, #7); every other week 0. Today is Monday 23 Nov 2026, so the last whole week is 16-22 Nov.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from infodash.errors import NotAllowed, ValidationError
from infodash.initiatives import (METRICS, InitiativeDraft, ReviewDraft, all_initiatives, get_initiative,
                                  initiative_progress, progress_from_weeks, record_initiative, record_review, reviews,
                                  scorecard, summary_line, update_initiative, weekly_actuals)
from infodash.periods import Period, week_containing, weeks_ending_with
from infodash.sla_reports import attainment_by
from infodash.surveys import csat_with_interval, weekly_satisfaction
from tests.conftest import DEMO_END, LONDON, at
from tests.people import lead, staff

TODAY = dt.date(2026, 11, 23)
NOW = at("2026-11-23 12:00")


def received(target: float = 2.0, starts_on: dt.date = dt.date(2026, 11, 9), **changes: object) -> InitiativeDraft:
    values = dict(statement="Answer more questions", perspective="value", metric="received", scope="all",
                  direction="at_least", target=target, starts_on=starts_on,
                  review_on=starts_on + dt.timedelta(weeks=12), owner="Ana Costa")
    return InitiativeDraft(**{**values, **changes})


def weeks(values: list[float | None], first: dt.date = dt.date(2026, 1, 5)) -> pd.DataFrame:
    return pd.DataFrame({"week": [first + dt.timedelta(weeks=number) for number in range(len(values))],
                         "actual": pd.Series(values, dtype=float)})


def test_weekly_requests_received_are_counted_against_the_target_with_the_baseline_before_the_start(fixture_store):
    initiative_id = record_initiative(fixture_store, received(), lead(), TODAY, NOW)
    progress = initiative_progress(fixture_store, get_initiative(fixture_store, initiative_id), TODAY, LONDON, NOW)
    since = progress.weeks[progress.weeks["phase"] == "since start"]
    assert since["week"].tolist() == [dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert since["actual"].tolist() == [2.0, 5.0]
    assert since["meets"].tolist() == [True, True]
    # 12 weeks before 9 Nov (17 Aug - 2 Nov): one request, in the week of 19 Oct
    baseline_weeks = progress.weeks[progress.weeks["phase"] == "baseline"]
    assert len(baseline_weeks) == 12 and baseline_weeks["week"].iloc[0] == dt.date(2026, 8, 17)
    assert progress.baseline == pytest.approx(1 / 12)
    assert (progress.latest, progress.latest_week) == (5.0, dt.date(2026, 11, 16))
    assert progress.recent == 3.5 and progress.recent_weeks == 2  # (2 + 5) / 2, only two weeks since the start
    assert progress.verdict == "on_track"
    assert progress.trend is None  # fewer than three weeks


def test_a_target_above_the_recent_average_is_not_on_track(fixture_store):
    initiative_id = record_initiative(fixture_store, received(target=4), lead(), TODAY, NOW)
    entry = scorecard(fixture_store, TODAY, LONDON, NOW)[0]
    assert entry.initiative.initiative_id == initiative_id
    assert entry.progress.verdict == "off_track"  # 3.5 < 4, though the latest week (5) met it
    assert entry.progress.weeks["meets"].tolist()[-2:] == [False, True]
    assert summary_line(entry) == ("Baseline 0.1; latest (week of 16 Nov 2026) 5; last 2 weeks 3.5 against at least "
                                   "4: not on track.")


def test_an_initiative_starting_today_is_not_yet_measured_but_has_its_baseline(fixture_store):
    initiative_id = record_initiative(fixture_store, received(starts_on=TODAY), lead(), TODAY, NOW)
    progress = initiative_progress(fixture_store, get_initiative(fixture_store, initiative_id), TODAY, LONDON, NOW)
    assert progress.verdict == "not_measured"
    assert progress.latest is None and progress.recent is None and progress.recent_weeks == 0
    # 31 Aug - 16 Nov: 1 + 2 + 5 requests over 12 weeks
    assert progress.baseline == pytest.approx(8 / 12)
    assert (progress.weeks["phase"] == "since start").sum() == 0


def test_on_track_judges_the_average_of_the_latest_four_weeks_and_the_trend_is_the_weekly_slope():
    # since the start: 0.5, 0.9, 0.9, 0.96, 0.97; the latest four average 0.9325, below 0.95
    progress = progress_from_weeks(weeks([0.9, 0.92, 0.5, 0.9, 0.9, 0.96, 0.97]), dt.date(2026, 1, 19), 0.95,
                                   "at_least", "share")
    assert progress.baseline == pytest.approx(0.91)
    assert progress.recent == pytest.approx(0.9325) and progress.recent_weeks == 4
    assert progress.verdict == "off_track"
    # x = 0..4, mean 2; y mean 0.846; sum (x - 2)(y - 0.846) = 1.0 over sum (x - 2)^2 = 10
    assert progress.slope == pytest.approx(0.1)
    assert progress.trend == "improving"
    assert progress.latest == 0.97


def test_at_most_targets_are_met_from_below_and_a_falling_figure_improves():
    # median hours since the start: 3, 2, 1.5, 1.5; the latest four average 2.0, exactly the target
    progress = progress_from_weeks(weeks([3.0, 2.0, 1.5, 1.5]), dt.date(2026, 1, 5), 2.0, "at_most", "hours")
    assert progress.baseline is None  # no weeks before the start
    assert progress.recent == 2.0 and progress.verdict == "on_track"
    assert progress.weeks["meets"].tolist() == [False, True, True, True]
    assert progress.slope == pytest.approx(-0.5) and progress.trend == "improving"


def test_a_week_without_a_figure_is_left_out_of_the_baseline_the_verdict_and_the_trend():
    progress = progress_from_weeks(weeks([0.6, None, 0.8, None, 0.7, 0.9]), dt.date(2026, 1, 19), 0.75,
                                   "at_least", "share")
    assert progress.baseline == pytest.approx(0.6)  # the missing week is not a zero
    assert progress.recent == pytest.approx(0.8) and progress.recent_weeks == 3  # 0.8, 0.7, 0.9
    assert progress.verdict == "on_track"
    assert progress.weeks["meets"].tolist() == [None, None, True, None, False, True]
    # weeks 0, 2, 3 after the first figure: x mean 5/3, y mean 0.8; sum (x - 5/3)(y - 0.8) = 0.1 over
    # sum (x - 5/3)^2 = 42/9, so 0.021 a week
    assert progress.slope == pytest.approx(0.1 / (42 / 9)) and progress.trend == "improving"


def test_weekly_csat_counts_each_weeks_answers_and_withholds_weeks_with_fewer_than_five(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max) "
                   "VALUES (1, 'Pulse', 'perception', 1, 5)")
        db.execute("INSERT INTO survey_waves VALUES (1, 1, 'Autumn', DATE '2026-11-01', DATE '2026-11-30')")
        answers = ([("2026-11-03 10:00", 5), ("2026-11-03 11:00", 4), ("2026-11-04 10:00", 4),
                    ("2026-11-05 10:00", 4), ("2026-11-06 10:00", 2)]  # week of 2 Nov: 4 of 5 satisfied
                   + [("2026-11-17 10:00", 5), ("2026-11-18 10:00", 1), ("2026-11-19 10:00", 5)])  # 16 Nov: only 3
        db.executemany("INSERT INTO survey_responses (wave_id, group_id, submitted_at, csat, nps) "
                       "VALUES (1, 1, ?, ?, NULL)", [(at(when), score) for when, score in answers])
    week_list = weeks_ending_with(week_containing(dt.date(2026, 11, 16)), 3)
    frame = weekly_satisfaction(fixture_store, week_list, LONDON)
    assert frame["csat_n"].tolist() == [5, 0, 3]
    assert frame["csat"].iloc[0] == 0.8 and frame["csat"].iloc[1:].isna().all()
    actual = weekly_actuals(fixture_store, "csat", week_list, LONDON)
    assert actual["week"].tolist() == [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert actual["actual"].iloc[0] == 0.8 and actual["actual"].iloc[1:].isna().all()
    # the same formula as the Surveys page's: the wave holds the same eight answers
    assert csat_with_interval(fixture_store, 1)["share"].iloc[0] == pytest.approx(6 / 8)
    assert weekly_satisfaction(fixture_store, [Period(dt.date(2026, 11, 2), dt.date(2026, 11, 23))],
                               LONDON)["csat"].iloc[0] == pytest.approx(6 / 8)


def test_weekly_attainment_is_the_service_levels_pages_figure(demo_store):
    week = week_containing(dt.date(2026, 11, 9))
    actual = weekly_actuals(demo_store, "attainment", [week.previous(), week], LONDON, now=at("2026-11-23 12:00"))
    page = [attainment_by(demo_store, "all", period, LONDON, now=at("2026-11-23 12:00"))["attainment"].iloc[0]
            for period in (week.previous(), week)]
    assert actual["actual"].tolist() == pytest.approx(page)


def test_a_target_outside_the_metrics_range_is_refused_next_to_the_target(fixture_store):
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(metric="attainment", target=1.2), lead(), TODAY, NOW)
    assert refused.value.errors == {"target": "Service-level attainment: a target is between 0.0% and 100.0%."}
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(metric="nps", target=-120), lead(), TODAY, NOW)
    assert refused.value.errors == {"target": "Net Promoter Score: a target is between -100 and +100."}


def test_an_unknown_metric_a_missing_statement_and_a_review_before_the_start_are_each_named(fixture_store):
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(metric="happiness", statement=" ", review_on=dt.date(2026, 11, 1)),
                          lead(), TODAY, NOW)
    assert set(refused.value.errors) == {"metric", "statement", "review_on"}
    assert refused.value.errors["metric"] == "Unknown measure 'happiness': choose one from the list."
    assert refused.value.errors["review_on"] == "The review comes after the start (09 Nov 2026)."
    assert all_initiatives(fixture_store) == []


def test_a_scope_the_metric_has_not_and_a_missing_group_are_refused(fixture_store):
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(metric="csat", scope="service", service_id=1, target=0.8), lead(),
                          TODAY, NOW)
    assert refused.value.errors == {"scope": "CSAT (share satisfied) can be targeted for: all, one customer group."}
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(scope="group"), lead(), TODAY, NOW)
    assert refused.value.errors == {"group_id": "Choose the customer group."}


def test_the_scope_names_the_group_and_the_unused_id_is_dropped(fixture_store):
    initiative_id = record_initiative(fixture_store, received(scope="group", group_id=1, service_id=1,
                                                              statement="  More from Research  "), lead(), TODAY, NOW)
    saved = get_initiative(fixture_store, initiative_id)
    assert (saved.draft.statement, saved.draft.group_id, saved.draft.service_id) == ("More from Research", 1, None)
    assert saved.target_text() == "Requests received per week of Research at least 2"
    progress = initiative_progress(fixture_store, saved, TODAY, LONDON, NOW)
    # Research (Alice, Bob): #2 and #6 in the week of 9 Nov, #1, #5 and #7 in the week of 16 Nov
    assert progress.weeks["actual"].tolist()[-2:] == [2.0, 3.0]


def test_reviews_are_kept_and_a_close_decision_closes_the_initiative(fixture_store):
    initiative_id = record_initiative(fixture_store, received(), lead(), TODAY, NOW)
    with pytest.raises(ValidationError) as refused:
        record_review(fixture_store, initiative_id, ReviewDraft(dt.date(2026, 11, 2), "Too early", "continue"),
                      lead(), TODAY)
    assert refused.value.errors == {"reviewed_on": "The review cannot come before the initiative started "
                                                   "(09 Nov 2026)."}
    record_review(fixture_store, initiative_id, ReviewDraft(dt.date(2026, 11, 16), "Going well", "continue"),
                  lead("Ana Costa"), TODAY)
    record_review(fixture_store, initiative_id, ReviewDraft(dt.date(2026, 11, 23), "Target met", "close"),
                  lead("Ben Okafor"), TODAY)
    kept = reviews(fixture_store)
    assert kept[["reviewed_on", "decision", "notes", "reviewed_by"]].astype(str).values.tolist() == [
        ["2026-11-23", "close", "Target met", "Ben Okafor"], ["2026-11-16", "continue", "Going well", "Ana Costa"]]
    assert get_initiative(fixture_store, initiative_id).closed_on == dt.date(2026, 11, 23)
    with pytest.raises(ValidationError) as refused:
        record_review(fixture_store, initiative_id, ReviewDraft(TODAY, "Again", "continue"), lead(), TODAY)
    assert refused.value.errors == {"form": "This initiative was closed on 23 Nov 2026."}
    with pytest.raises(ValidationError):
        update_initiative(fixture_store, initiative_id, received(target=3), lead(), TODAY)
    with fixture_store.reading() as db:
        assert db.execute("SELECT action FROM audit_log WHERE entity = 'initiatives' ORDER BY audit_id").fetchall() \
            == [("insert",), ("review",), ("review",)]


def test_a_review_needs_notes_a_decision_and_a_day_that_has_come(fixture_store):
    initiative_id = record_initiative(fixture_store, received(), lead(), TODAY, NOW)
    with pytest.raises(ValidationError) as refused:
        record_review(fixture_store, initiative_id, ReviewDraft(TODAY + dt.timedelta(days=1), "", None), lead(),
                      TODAY)
    assert set(refused.value.errors) == {"reviewed_on", "notes", "decision"}
    assert reviews(fixture_store).empty


def test_an_edit_keeps_the_old_values_in_the_audit_log(fixture_store):
    initiative_id = record_initiative(fixture_store, received(), lead(), TODAY, NOW)
    update_initiative(fixture_store, initiative_id, received(target=3, barriers="Holidays"), lead(), TODAY)
    assert get_initiative(fixture_store, initiative_id).draft.target == 3.0
    with fixture_store.reading() as db:
        details = db.execute("SELECT details FROM audit_log WHERE action = 'update'").fetchone()[0]
    assert '"target": 2.0' in details and '"target": 3.0' in details and '"barriers": "Holidays"' in details


def test_only_a_lead_records_initiatives_and_reviews(fixture_store):
    with pytest.raises(NotAllowed, match="Only a lead may record initiatives; Ben Okafor is signed in as staff"):
        record_initiative(fixture_store, received(), staff(), TODAY, NOW)


def test_every_metric_has_a_definition_and_a_source():
    for metric in METRICS.values():
        assert metric.definition.endswith((".", ")")) and metric.low < metric.high


def test_the_demo_has_initiatives_over_the_four_perspectives_some_on_track_and_some_not(demo_store):
    entries = scorecard(demo_store, DEMO_END, LONDON, at("2026-11-23 12:00"))
    assert len(entries) == 8
    assert {entry.initiative.draft.perspective for entry in entries} == {"customer", "internal", "learning", "value"}
    verdicts = {entry.initiative.draft.statement: entry.progress.verdict for entry in entries}
    assert verdicts["Reach more of the shop floor"] == "off_track"  # about 16% of Operations against 20%
    assert sum(verdict == "on_track" for verdict in verdicts.values()) >= 3
    assert sum(len(entry.reviews) for entry in entries) == 6
    assert sum(entry.initiative.closed_on is not None for entry in entries) == 1
    assert not np.isnan([entry.progress.baseline for entry in entries]).any()


def test_the_form_shows_the_baseline_before_the_initiative_is_saved(fixture_store):
    from infodash.initiatives import draft_baseline
    assert draft_baseline(fixture_store, received(starts_on=TODAY), TODAY, LONDON, NOW) == pytest.approx(8 / 12)
    assert draft_baseline(fixture_store, received(metric=None), TODAY, LONDON, NOW) is None
    assert draft_baseline(fixture_store, received(scope="group", group_id=1, starts_on=TODAY), TODAY, LONDON,
                          NOW) == pytest.approx(5 / 12)  # Research: 2 + 3


def test_an_unnamed_author_is_named_among_the_other_problems(fixture_store):
    with pytest.raises(ValidationError) as refused:
        record_initiative(fixture_store, received(statement=""), lead(" "), TODAY, NOW)
    assert set(refused.value.errors) == {"author", "statement"}


def test_a_review_is_due_once_the_review_day_comes_until_one_is_recorded_on_or_after_it(fixture_store):
    record_initiative(fixture_store, received(review_on=dt.date(2026, 11, 20)), lead(), TODAY, NOW)
    [entry] = scorecard(fixture_store, TODAY, LONDON, NOW)
    assert not entry.review_due(dt.date(2026, 11, 19)) and entry.review_due(TODAY)
    record_review(fixture_store, entry.initiative.initiative_id, ReviewDraft(dt.date(2026, 11, 16), "Early look",
                                                                             "continue"), lead(), TODAY)
    [entry] = scorecard(fixture_store, TODAY, LONDON, NOW)
    assert entry.review_due(TODAY)  # reviewed before the review day
    record_review(fixture_store, entry.initiative.initiative_id, ReviewDraft(dt.date(2026, 11, 20), "On track",
                                                                             "continue"), lead(), TODAY)
    [entry] = scorecard(fixture_store, TODAY, LONDON, NOW)
    assert not entry.review_due(TODAY)


def test_weekly_nps_counts_promoters_less_detractors_of_each_weeks_answers(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max) "
                   "VALUES (1, 'Pulse', 'perception', 1, 5)")
        db.execute("INSERT INTO survey_waves VALUES (1, 1, 'Autumn', DATE '2026-11-01', DATE '2026-11-30')")
        answers = ([("2026-11-09 10:00", score) for score in (9, 10, 7, 3, 6)]  # 2 promoters, 2 detractors of 5
                   + [("2026-11-16 10:00", score) for score in (10, 10, 9, 8, 2)])  # 3 and 1 of 5
        db.executemany("INSERT INTO survey_responses (wave_id, group_id, submitted_at, nps) VALUES (1, 1, ?, ?)",
                       [(at(when), score) for when, score in answers])
    actual = weekly_actuals(fixture_store, "nps", weeks_ending_with(week_containing(dt.date(2026, 11, 16)), 2),
                            LONDON)
    assert actual["actual"].tolist() == [0.0, 40.0]


def test_reach_counts_the_active_customers_met_in_the_thirteen_weeks_ending_with_each_week(fixture_store):
    # four active customers (Dan is inactive); first contacts: Eve 19 Oct, Alice 25 Oct, Bob 9 Nov, Cara 18 Nov
    actual = weekly_actuals(fixture_store, "reach_share", weeks_ending_with(week_containing(dt.date(2026, 11, 16)), 6),
                            LONDON)
    assert actual["week"].iloc[0] == dt.date(2026, 10, 12)
    assert actual["actual"].tolist() == [0.0, 0.5, 0.5, 0.5, 0.75, 1.0]
