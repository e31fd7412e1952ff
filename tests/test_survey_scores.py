"""Survey analysis on a hand-made fixture whose figures are worked out on paper below.

Survey 1 (SERVQUAL style, 1-7): item 1 reliability, item 2 tangibles; NPS and CSAT.
Wave 1 (Spring, 6 responses: Research 4, Sales 2), wave 2 (Autumn, 5 responses: Research 4,
Operations 1). Answers are (E1, P1, E2, P2):

    wave 1  r1 Alice  6 7 5 4  nps 10 csat 5  "Great"
            r2 Bob    6 5 6 4  nps 9  csat 4
            r3 anon   7 6 6 5  nps 7  csat 3
            r4 anon   7 4 7 3  nps 3  csat 2  "Too slow"
            r5 Cara   5 6 5 5  nps 8  csat 4             (Sales)
            r6 anon   6 3 6 2  nps 0  csat 1  "Nobody answers"   (Sales)
    wave 2  r7 Alice  6 7 5 6  nps 10 csat 5
            r8 Bob    6 6 6 5  nps 9  csat 5
            r9 anon   7 7 6 5  nps 9  csat 4  "Much better now"
            r10 anon  7 5 7 4  nps 6  csat 3  "Still slow at times"
            r11 Eve   5 6 5 6  nps 8  csat 4             (Operations)

Survey 2 (LibQUAL style, 1-9, importance asked): one wave of 5 respondents in Research.
"""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.filters import Filters
from infodash.surveys import (
    SUPPRESSED, WITHHELD, comments, csat_with_interval, dimension_scores, latest_wave_summary, nps_with_margin,
    response_rates, wave_table, weighted_scores, with_suppression_text,
)
from tests.conftest import at

RESPONSES = [
    # id, wave, group, customer, nps, csat, comment, submitted, (E1, P1, E2, P2)
    (1, 1, 1, 1, 10, 5, "Great", "2026-03-03 10:00", (6, 7, 5, 4)),
    (2, 1, 1, 2, 9, 4, None, "2026-03-04 10:00", (6, 5, 6, 4)),
    (3, 1, 1, None, 7, 3, None, "2026-03-05 10:00", (7, 6, 6, 5)),
    (4, 1, 1, None, 3, 2, "Too slow", "2026-03-06 10:00", (7, 4, 7, 3)),
    (5, 1, 2, 3, 8, 4, None, "2026-03-07 10:00", (5, 6, 5, 5)),
    (6, 1, 2, None, 0, 1, "Nobody answers", "2026-03-08 10:00", (6, 3, 6, 2)),
    (7, 2, 1, 1, 10, 5, None, "2026-09-02 10:00", (6, 7, 5, 6)),
    (8, 2, 1, 2, 9, 5, None, "2026-09-03 10:00", (6, 6, 6, 5)),
    (9, 2, 1, None, 9, 4, "Much better now", "2026-09-04 10:00", (7, 7, 6, 5)),
    (10, 2, 1, None, 6, 3, "Still slow at times", "2026-09-05 10:00", (7, 5, 7, 4)),
    (11, 2, 3, 5, 8, 4, None, "2026-09-06 10:00", (5, 6, 5, 6)),
]
LIBQUAL = [
    # id, (min1, des1, per1, min2, des2, per2), points (reliability, tangibles, assurance, empathy, responsiveness)
    (21, (5, 8, 7, 6, 8, 5), (40, 10, 20, 15, 15)),
    (22, (6, 9, 6, 5, 7, 4), (30, 20, 20, 10, 20)),
    (23, (4, 7, 8, 5, 8, 6), (50, 10, 10, 20, 10)),
    (24, (5, 8, 5, 6, 9, 5), (40, 20, 20, 10, 10)),
    (25, (6, 8, 7, 5, 8, 3), (40, 40, 10, 5, 5)),
]
DIMENSIONS = ("reliability", "tangibles", "assurance", "empathy", "responsiveness")


@pytest.fixture
def survey_store(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, "
                   "asks_importance) VALUES (1, 'Service quality', 'servqual', 1, 7, true, true, false), "
                   "(2, 'Library', 'libqual', 1, 9, false, false, true)")
        db.execute("INSERT INTO survey_items (item_id, survey_id, position, dimension, text) VALUES "
                   "(1, 1, 1, 'reliability', 'On time'), (2, 1, 2, 'tangibles', "
                   "'Tools'), (3, 2, 1, 'reliability', 'On time'), (4, 2, 2, 'tangibles', 'Tools')")
        db.execute("INSERT INTO survey_waves VALUES (1, 1, 'Spring', DATE '2026-03-02', DATE '2026-03-20'), "
                   "(2, 1, 'Autumn', DATE '2026-09-01', DATE '2026-09-21'), "
                   "(3, 2, 'Library 2026', DATE '2026-06-01', DATE '2026-06-30')")
        db.execute("INSERT INTO survey_invitations VALUES (1, 1, 10), (1, 2, 4), (2, 1, 8), (2, 2, 5), (2, 3, 2)")
        for response_id, wave, group, customer, nps, csat, comment, submitted, (e1, p1, e2, p2) in RESPONSES:
            db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, customer_id, submitted_at, nps, "
                       "csat, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [response_id, wave, group, customer, at(submitted), nps, csat, comment])
            db.execute("INSERT INTO survey_answers (response_id, item_id, expectation, perception) "
                       "VALUES (?, 1, ?, ?), (?, 2, ?, ?)", [response_id, e1, p1, response_id, e2, p2])
        for response_id, (m1, d1, p1, m2, d2, p2), points in LIBQUAL:
            db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at) "
                       "VALUES (?, 3, 1, ?)", [response_id, at("2026-06-10 12:00")])
            db.execute("INSERT INTO survey_answers (response_id, item_id, minimum, desired, perception) "
                       "VALUES (?, 3, ?, ?, ?), (?, 4, ?, ?, ?)", [response_id, m1, d1, p1, response_id, m2, d2, p2])
            db.executemany("INSERT INTO survey_importance VALUES (?, ?, ?)",
                           [(response_id, dimension, value) for dimension, value in zip(DIMENSIONS, points)])
    return fixture_store


def score(scores, wave_id, unit, measure, cell="All respondents"):
    row = scores[(scores["wave_id"] == wave_id) & (scores["unit"] == unit) & (scores["measure"] == measure)
                 & (scores["cell"] == cell)]
    assert len(row) == 1
    return row.iloc[0]


def test_dimension_means_and_gaps_average_over_respondents(survey_store):
    scores = dimension_scores(survey_store, 1)
    assert score(scores, 1, "reliability", "perception")["mean"] == pytest.approx(31 / 6)
    assert score(scores, 1, "reliability", "gap")["mean"] == pytest.approx(-1.0)
    assert score(scores, 1, "tangibles", "perception")["mean"] == pytest.approx(23 / 6)
    assert score(scores, 1, "tangibles", "gap")["mean"] == pytest.approx(-2.0)
    assert score(scores, 1, "overall", "perception")["mean"] == pytest.approx(4.5)
    overall_gap = score(scores, 1, "overall", "gap")
    # respondents' gaps 0, -1.5, -1, -3.5, 0.5, -3.5: variance 14.5 / 5, t(0.975, 5) = 2.570582
    assert overall_gap["n"] == 6
    assert overall_gap["mean"] == pytest.approx(-1.5)
    assert overall_gap["sd"] == pytest.approx(2.9 ** 0.5)
    assert overall_gap["ci_low"] == pytest.approx(-1.5 - 2.570582 * 2.9 ** 0.5 / 6 ** 0.5, abs=1e-5)
    assert overall_gap["ci_high"] == pytest.approx(-1.5 + 2.570582 * 2.9 ** 0.5 / 6 ** 0.5, abs=1e-5)
    assert set(scores["measure"]) == {"expectation", "perception", "gap"}  # no LibQUAL measures for SERVQUAL


def test_change_from_the_previous_wave_is_tested_with_welchs_t_test(survey_store):
    later = score(dimension_scores(survey_store, 1), 2, "overall", "gap")
    # wave 2 gaps 1, -0.5, -0.5, -2.5, 1: mean -0.3, variance 8.3 / 4 = 2.075
    assert later["mean"] == pytest.approx(-0.3)
    assert later["change"] == pytest.approx(1.2)
    # se = sqrt(2.9/6 + 2.075/5) = 0.947804, t = 1.266718, Welch df = 8.98889, two-sided p = 0.2370
    assert later["p_value"] == pytest.approx(0.2370, abs=5e-4)
    assert not later["significant"]


def test_first_wave_has_no_change(survey_store):
    first = score(dimension_scores(survey_store, 1), 1, "overall", "gap")
    assert first["change"] != first["change"] and first["p_value"] != first["p_value"]  # NaN


def test_cells_with_fewer_than_five_responses_carry_no_figures(survey_store):
    by_group = dimension_scores(survey_store, 1, by="customer group")
    research_spring = score(by_group, 1, "overall", "gap", cell="Research")
    assert research_spring["n"] == 4 and research_spring["suppressed"]
    assert research_spring[["mean", "sd", "ci_low", "ci_high", "change", "p_value"]].isna().all()
    assert by_group["suppressed"].all()  # every group cell has at most 4 responses
    filtered = dimension_scores(survey_store, 1, Filters(group_ids=(1,)))
    assert score(filtered, 2, "overall", "gap")["suppressed"]


def add_spring_respondents(store, group_id: int, count: int, first_id: int) -> None:
    with store.writing() as db:
        for response_id in range(first_id, first_id + count):
            db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at, nps) "
                       "VALUES (?, 1, ?, ?, 8)", [response_id, group_id, at("2026-03-09 10:00")])
            db.execute("INSERT INTO survey_answers (response_id, item_id, expectation, perception) "
                       "VALUES (?, 1, 6, 6), (?, 2, 6, 6)", [response_id, response_id])


def test_one_small_cell_hides_the_next_smallest_too_so_it_cannot_be_worked_out_from_the_total(survey_store):
    # spring by group: Research 4 + 2 = 6, Sales 2, group 3 5 respondents. Sales alone hidden would be the
    # total minus Research and group 3, so group 3, the smallest shown, is withheld as well.
    add_spring_respondents(survey_store, 1, 2, first_id=30)
    add_spring_respondents(survey_store, 3, 5, first_id=40)
    by_group = dimension_scores(survey_store, 1, by="customer group", wave_ids=[1])
    overall = by_group[(by_group["unit"] == "overall") & (by_group["measure"] == "gap")].set_index("cell")
    assert {cell: (n, hidden) for cell, n, hidden in zip(overall.index, overall["n"], overall["suppressed"])} == {
        "Research": (6, False), "Sales": (2, True), "Operations": (5, True)}
    assert overall["mean"].isna().to_dict() == {"Operations": True, "Research": False, "Sales": True}
    shown = with_suppression_text(overall.reset_index(), {"mean": "{:.2f}"}).set_index("cell")["mean"]
    assert (shown["Sales"], shown["Operations"]) == (SUPPRESSED, WITHHELD)
    nps = nps_with_margin(survey_store, 1, by="customer group", wave_ids=[1]).set_index("cell")
    assert nps["suppressed"].to_dict() == {"Operations": True, "Research": False, "Sales": True}
    assert dimension_scores(survey_store, 1, wave_ids=[1])["suppressed"].eq(False).all()  # the total: 13


def test_anonymous_responses_count_as_not_known_by_department(survey_store):
    by_department = dimension_scores(survey_store, 1, by="department")
    autumn = by_department[(by_department["wave_id"] == 2) & (by_department["unit"] == "overall")
                           & (by_department["measure"] == "perception")].set_index("cell")["n"].to_dict()
    assert autumn == {"Lab": 2, "Anonymous (not known)": 2, "Plant North": 1}


def test_zone_of_tolerance_flags_items_below_minimum(survey_store):
    zones = wave_table(dimension_scores(survey_store, 2, level="item"), 3).set_index("unit")
    assert zones.loc["1", ["minimum", "desired", "perception"]].tolist() == pytest.approx([5.2, 8.0, 6.6])
    assert zones.loc["1", "adequacy_gap"] == pytest.approx(1.4)
    assert zones.loc["1", "superiority_gap"] == pytest.approx(-1.4)
    assert zones.loc["2", ["minimum", "desired", "perception"]].tolist() == pytest.approx([5.4, 8.0, 4.6])
    assert zones.loc["2", "adequacy_gap"] == pytest.approx(-0.8)
    assert (zones.loc["1", "below_minimum"], zones.loc["2", "below_minimum"]) == (False, True)
    assert not zones["above_desired"].any()


def test_weighted_score_shares_importance_over_the_surveys_dimensions(survey_store):
    weighted = weighted_scores(survey_store, 2).iloc[0]
    # mean points: reliability 40, tangibles 20 -> weights 2/3 and 1/3
    assert weighted["n"] == 5
    assert weighted["weighted_perception"] == pytest.approx(2 / 3 * 6.6 + 1 / 3 * 4.6)
    assert weighted["weighted_gap"] == pytest.approx(2 / 3 * 1.4 + 1 / 3 * -0.8)
    assert weighted_scores(survey_store, 1).empty  # survey 1 does not ask for importance


def test_nps_and_its_margin_of_error(survey_store):
    nps = nps_with_margin(survey_store, 1).set_index("wave_id")
    assert nps.loc[1, ["n", "promoters", "passives", "detractors"]].tolist() == [6, 2, 2, 2]
    assert nps.loc[1, "nps"] == pytest.approx(0.0)
    # p = d = 1/3: variance 2/3, se = sqrt(2/3 / 6) = 1/3 -> 33.33 points, margin 1.959964 x 33.33
    assert nps.loc[1, "margin"] == pytest.approx(1.959964 * 100 / 3, abs=1e-3)
    assert nps.loc[2, "nps"] == pytest.approx(40.0)
    # p = 0.6, d = 0.2: variance 0.8 - 0.16 = 0.64, se = sqrt(0.64 / 5) = 35.777 points
    assert nps.loc[2, "margin"] == pytest.approx(1.959964 * 35.77709, abs=1e-3)
    assert nps.loc[2, "change"] == pytest.approx(40.0)
    # z = 40 / sqrt(33.333^2 + 35.777^2) = 0.81801, two-sided p = 0.41335
    assert nps.loc[2, "p_value"] == pytest.approx(0.41335, abs=1e-4)


def test_csat_is_the_share_answering_four_or_five_with_a_wilson_interval(survey_store):
    csat = csat_with_interval(survey_store, 1).set_index("wave_id")
    assert csat.loc[1, ["n", "satisfied", "share"]].tolist() == [6, 3, 0.5]
    assert csat.loc[1, "ci_low"] == pytest.approx(0.18761, abs=1e-4)
    assert csat.loc[1, "ci_high"] == pytest.approx(0.81239, abs=1e-4)
    assert csat.loc[1, "mean_score"] == pytest.approx(19 / 6)
    assert csat.loc[2, "share"] == pytest.approx(0.8)
    assert csat.loc[2, "change"] == pytest.approx(0.3)


def test_response_rates_by_group_against_invitations(survey_store):
    rates = response_rates(survey_store, 1)
    table = {(row.wave, row.customer_group): (row.invited, row.responses) for row in rates.itertuples()}
    assert table == {("Spring", "Research"): (10, 4), ("Spring", "Sales"): (4, 2), ("Autumn", "Research"): (8, 4),
                     ("Autumn", "Sales"): (5, 0), ("Autumn", "Operations"): (2, 1)}
    assert rates.set_index(["wave", "customer_group"]).loc[("Autumn", "Sales"), "rate"] == 0.0
    assert rates.set_index(["wave", "customer_group"]).loc[("Spring", "Research"), "rate"] == pytest.approx(0.4)
    autumn = response_rates(survey_store, 1, wave_ids=[int(rates.loc[rates["wave"] == "Autumn", "wave_id"].iloc[0])])
    assert autumn["responses"].tolist() == [1, 4, 0] and set(autumn["wave"]) == {"Autumn"}  # Operations, Research, Sales


def test_comments_come_lowest_score_first(survey_store):
    selection = comments(survey_store, 1)
    assert selection.respondents == 11 and not selection.suppressed
    assert selection.comments["comment"].tolist() == [
        "Nobody answers", "Too slow", "Still slow at times", "Great", "Much better now"]
    assert selection.comments["score"].tolist() == [2.5, 3.5, 4.5, 5.5, 6.0]
    assert selection.comments["band"].tolist() == ["low", "middle", "middle", "high", "high"]


def test_comments_by_dimension_use_that_dimensions_score(survey_store):
    selection = comments(survey_store, 1, dimension="tangibles")
    # tangibles perception: r6 2, r4 3, r10 4, r1 4 (the tie goes to the later response), r9 5
    assert selection.comments["comment"].tolist() == [
        "Nobody answers", "Too slow", "Still slow at times", "Great", "Much better now"]


def test_comments_are_withheld_when_fewer_than_five_respondents_match(survey_store):
    low = comments(survey_store, 1, band="low")
    assert (low.respondents, low.suppressed, len(low.comments)) == (1, True, 0)
    research_autumn = comments(survey_store, 1, Filters(group_ids=(1,)), wave_ids=[2])
    assert (research_autumn.respondents, research_autumn.suppressed) == (4, True)


def test_latest_wave_summary_for_the_weekly_review(survey_store):
    summary = latest_wave_summary(survey_store, dt.date(2026, 11, 22))
    assert (summary.survey, summary.wave, summary.in_progress) == ("Service quality", "Autumn", False)
    assert summary.headline_measure == "gap"
    assert summary.headline["mean"] == pytest.approx(-0.3)
    assert summary.headline["change"] == pytest.approx(1.2)
    assert summary.nps["nps"] == pytest.approx(40.0)
    assert summary.csat["share"] == pytest.approx(0.8)
    assert (summary.responses, summary.invited) == (5, 15)
    assert latest_wave_summary(survey_store, dt.date(2026, 9, 10)).in_progress
    assert latest_wave_summary(survey_store, dt.date(2026, 7, 1)).wave == "Library 2026"
    assert latest_wave_summary(survey_store, dt.date(2026, 1, 1)) is None


def test_a_survey_without_responses_gives_empty_tables(survey_store):
    with survey_store.writing() as db:
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max) "
                   "VALUES (3, 'New', 'perception', 1, 5)")
    assert dimension_scores(survey_store, 3).empty
    assert nps_with_margin(survey_store, 3).empty
    assert csat_with_interval(survey_store, 3).empty
    assert response_rates(survey_store, 3).empty
    assert comments(survey_store, 3).suppressed


def test_a_single_response_is_suppressed_everywhere(survey_store):
    with survey_store.writing() as db:
        db.execute("DELETE FROM survey_answers WHERE response_id > 1 AND response_id < 20")
        db.execute("DELETE FROM survey_responses WHERE response_id > 1 AND response_id < 20")
    scores = dimension_scores(survey_store, 1)
    assert scores["suppressed"].all() and scores["mean"].isna().all()
    assert nps_with_margin(survey_store, 1)["nps"].isna().all()
    assert SUPPRESSED == "fewer than 5 responses"


def test_a_comment_names_no_customer_group_with_fewer_than_five_respondents_in_its_wave(survey_store):
    # spring: Research 4 and Sales 2 respondents, both cells suppressed in the breakdown by group
    spring = comments(survey_store, 1, wave_ids=[1])
    assert spring.comments["comment"].tolist() == ["Nobody answers", "Too slow", "Great"]
    assert set(spring.comments["customer_group"]) == {SUPPRESSED}
    with survey_store.writing() as db:  # a fifth Research respondent in spring
        db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at, nps) "
                   "VALUES (12, 1, 1, ?, 8)", [at("2026-03-09 10:00")])
        db.execute("INSERT INTO survey_answers (response_id, item_id, expectation, perception) "
                   "VALUES (12, 1, 6, 6), (12, 2, 6, 6)")
    spring = comments(survey_store, 1, wave_ids=[1]).comments.set_index("comment")["customer_group"]
    assert spring.to_dict() == {"Nobody answers": SUPPRESSED, "Too slow": "Research", "Great": "Research"}


def test_comments_of_a_wave_with_fewer_than_five_matching_respondents_are_withheld(survey_store):
    # high band (perception above 5): spring r1, r3, r5; autumn r7, r8, r9, r11: 7 respondents, fewer than 5 a wave
    high = comments(survey_store, 1, band="high")
    assert (high.respondents, high.suppressed, len(high.comments)) == (7, True, 0)
    research = comments(survey_store, 1, Filters(group_ids=(1,)))  # 4 in each wave
    assert (research.respondents, research.suppressed, len(research.comments)) == (8, True, 0)


def test_a_comment_from_a_respondent_who_answered_no_item_is_listed_last(survey_store):
    with survey_store.writing() as db:
        db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at, nps, comment) "
                   "VALUES (12, 2, 1, ?, 8, 'Only the NPS, sorry')", [at("2026-09-07 10:00")])
    listed = comments(survey_store, 1, wave_ids=[2]).comments
    assert listed["comment"].tolist() == ["Still slow at times", "Much better now", "Only the NPS, sorry"]
    assert listed["score"].isna().tolist() == [False, False, True]
    assert "Only the NPS, sorry" not in comments(survey_store, 1, wave_ids=[2], band="low").comments["comment"].tolist()


def test_items_are_listed_in_their_order_past_the_ninth(survey_store):
    with survey_store.writing() as db:  # the LibQUAL survey's items become items 2 and 10
        db.execute("UPDATE survey_items SET position = CASE item_id WHEN 3 THEN 2 ELSE 10 END WHERE survey_id = 2")
    assert wave_table(dimension_scores(survey_store, 2, level="item"), 3)["unit"].tolist() == ["2", "10"]


def test_waves_opened_on_the_same_day_keep_their_order_in_response_rates(survey_store):
    with survey_store.writing() as db:  # wave 4 invites only Sales, wave 5 (opened the same day) only Research
        db.execute("INSERT INTO survey_waves VALUES (4, 1, 'Winter A', DATE '2026-12-01', NULL), "
                   "(5, 1, 'Winter B', DATE '2026-12-01', NULL)")
        db.execute("INSERT INTO survey_invitations VALUES (4, 2, 5), (5, 1, 5)")
    rates = response_rates(survey_store, 1)
    assert rates["wave"].tolist()[-2:] == ["Winter A", "Winter B"]
