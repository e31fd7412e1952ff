"""Comment themes on hand-made comments: three clear topics come out as three themes with their words, sizes,
hand-computed average scores and customer groups; small themes and groups are suppressed; too few comments
give no themes; the same comments always give the same themes; survey comments and feedback items are read
with the filters."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from infodash.comment_themes import (MAX_FITTED, MIN_COMMENTS, ScoreMeaning, _fit, feedback_themes, find_themes,
                                     survey_comment_themes, survey_comments, theme_table)
from infodash.filters import Filters
from infodash.periods import Period
from infodash.surveys import SUPPRESSED
from tests.conftest import LONDON, at

CSAT = ScoreMeaning("Average CSAT (1-5)", "Mean satisfaction.", 1, 5)

HOURS = ["The opening hours are too short for shift workers.", "Please extend the opening hours on Fridays.",
         "Opening hours end before my shift does.", "Longer opening hours in the evening would help.",
         "The reading room opening hours are too short.", "Weekend opening hours would be great.",
         "Opening hours clash with my shift.", "I cannot visit within the opening hours.",
         "Opening hours should start earlier for the early shift.", "Opening hours on Mondays are too short.",
         "Short opening hours again this month.", "Opening hours do not suit the night shift."]
ACCESS = ["Database access keeps failing at login.", "I lost access to the patent database.",
          "Database access from home does not work.", "Please give our team access to the market database.",
          "My access to the database expired.", "The database login is confusing; access denied twice.",
          "New starters need database access on day one.", "Database access was removed without notice.",
          "Access to the Scopus database is blocked.", "Database access requests take days."]
SLOW = ["Answers are too slow.", "A slow answer to a simple question.", "Slow answers when the team is busy.",
        "The answer came too slow for my deadline.", "Slow answers by e-mail.", "My answer was slow again.",
        "Answers are slow in the busy weeks.", "Slow answer, I had to chase."]
# CSAT per comment: hours mean 26/12, access 42/10 = 4.2, slow 24/8 = 3.0
HOURS_CSAT = [2, 2, 3, 3, 2, 1, 2, 3, 2, 2, 3, 1]
ACCESS_CSAT = [4, 5, 4, 4, 5, 3, 4, 4, 5, 4]
SLOW_CSAT = [3, 3, 2, 4, 3, 3, 2, 4]
# groups: hours 6 Research, 4 Sales, 2 Legal; access 5 Sales, 5 Legal; slow all 8 Research
HOURS_GROUPS = ["Research"] * 6 + ["Sales"] * 4 + ["Legal"] * 2
ACCESS_GROUPS = ["Sales"] * 5 + ["Legal"] * 5
SLOW_GROUPS = ["Research"] * 8


def three_topics() -> pd.DataFrame:
    texts = HOURS + ACCESS + SLOW + ["Ok.", "  "]
    return pd.DataFrame({"id": range(1, len(texts) + 1), "text": texts,
                         "score": HOURS_CSAT + ACCESS_CSAT + SLOW_CSAT + [5, None],
                         "group": HOURS_GROUPS + ACCESS_GROUPS + SLOW_GROUPS + ["Sales", "Sales"]})


def test_three_clear_topics_come_out_as_three_themes_with_their_words_sizes_and_scores():
    result = find_themes(three_topics(), CSAT)
    themes = result.themes
    assert result.message is None and (result.comments, result.fitted, result.unthemed) == (31, 31, 1)
    assert themes["theme"].tolist() == [1, 2, 3]
    assert themes["comments"].tolist() == [12, 10, 8]  # largest first
    assert themes["label"].str.lower().str.contains("opening hours").iloc[0]
    assert themes["top_words"].iloc[0].startswith("opening hours")
    assert themes["label"].str.lower().str.contains("database access").iloc[1]
    assert "slow" in themes["top_words"].iloc[2].split(", ")
    assert themes["mean_score"].tolist() == pytest.approx([26 / 12, 4.2, 3.0])
    assert themes["groups"].tolist() == ["Research 6; 6 from groups with fewer than 5 each", "Legal 5, Sales 5",
                                         "Research 8"]
    assert not themes["suppressed"].any()
    # each comment in its topic's theme; "Ok." in none; the blank one is not a comment
    assigned = result.assignments.set_index("id")["theme"]
    assert assigned.loc[1:12].tolist() == [1] * 12 and assigned.loc[13:22].tolist() == [2] * 10
    assert assigned.loc[23:30].tolist() == [3] * 8 and pd.isna(assigned.loc[31]) and 32 not in assigned.index


def test_each_theme_quotes_its_three_most_typical_comments_from_that_theme():
    result = find_themes(three_topics(), CSAT)
    examples = result.examples
    assert examples.groupby("theme").size().tolist() == [3, 3, 3]
    for theme, topic in ((1, HOURS), (2, ACCESS), (3, SLOW)):
        quoted = examples[examples["theme"] == theme]
        assert set(quoted["comment"]) <= set(topic)
        assert quoted["weight"].is_monotonic_decreasing


def test_the_themes_table_reads_as_people_read_it():
    table = theme_table(find_themes(three_topics(), CSAT))
    assert list(table.columns) == ["theme", "label", "top_words", "comments", "average_score", "groups"]
    assert table["average_score"].tolist() == ["2.17", "4.20", "3.00"]


def test_the_same_comments_give_the_same_themes():
    first = find_themes(three_topics(), CSAT)
    _fit.cache_clear()  # fitted again, not remembered
    second = find_themes(three_topics(), CSAT)
    pd.testing.assert_frame_equal(first.themes, second.themes)
    pd.testing.assert_frame_equal(first.examples, second.examples)
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


def test_the_same_texts_are_fitted_once_and_their_scores_and_groups_read_each_time():
    _fit.cache_clear()
    before = find_themes(three_topics(), CSAT)
    rescored = three_topics().assign(score=5, group="Sales")
    after = find_themes(rescored, CSAT)

    assert _fit.cache_info().hits == 1  # the same texts: the fit was remembered
    pd.testing.assert_frame_equal(before.assignments, after.assignments)
    assert (after.themes["mean_score"] == 5).all() and not (before.themes["mean_score"] == 5).all()
    assert after.themes["groups"].str.startswith("Sales").all()


def small_topic() -> pd.DataFrame:
    # 20 comments on opening hours and 4 on database access
    texts = HOURS + HOURS[:8] + ACCESS[:4]
    return pd.DataFrame({"id": range(1, 25), "text": texts, "score": [4] * 20 + [1, 2, 1, 2],
                         "group": ["Research"] * 20 + ["Sales"] * 4})


def test_a_theme_of_fewer_than_five_comments_shows_no_score_groups_or_comments():
    result = find_themes(small_topic(), CSAT, n_themes=2)
    small = result.themes[result.themes["comments"] == 4].iloc[0]
    assert bool(small["suppressed"]) and pd.isna(small["mean_score"]) and small["groups"] == ""
    assert small["theme"] not in set(result.examples["theme"])
    shown = theme_table(result).set_index("theme").loc[small["theme"]]
    assert (shown["average_score"], shown["groups"]) == (SUPPRESSED, SUPPRESSED)
    large = result.themes[result.themes["comments"] == 20].iloc[0]
    assert large["mean_score"] == 4 and large["groups"] == "Research 20"


def test_comments_that_do_not_split_into_themes_of_five_or_more_give_no_themes_and_say_why():
    result = find_themes(small_topic(), CSAT)  # 2 themes would leave one of 4 comments
    assert not result.found and "do not fall into distinct themes" in result.message


@pytest.mark.parametrize("count", [0, 1, MIN_COMMENTS - 1])
def test_too_few_comments_give_no_themes_and_say_so(count):
    frame = three_topics().head(count)
    result = find_themes(frame, CSAT)
    assert not result.found and result.examples.empty
    assert result.message == (f"{count:,} comment{'' if count == 1 else 's'} for this choice: at least "
                              f"{MIN_COMMENTS} are needed to find themes.")


def test_comments_sharing_no_words_give_no_themes():
    frame = pd.DataFrame({"id": range(25), "text": [f"word{i}" for i in range(25)], "score": 3, "group": "A"})
    assert find_themes(frame).message == "The comments share too few words to be grouped into themes."


def test_only_the_latest_comments_are_fitted_and_all_are_counted():
    frame = pd.concat([three_topics()] * 70, ignore_index=True)  # 2,240 rows, newest first
    result = find_themes(frame, CSAT, total=5_000)
    assert (result.fitted, result.comments) == (MAX_FITTED, 5_000)


# ---------------------------------------------------------------------------------------------------------------
# Survey comments as a source


@pytest.fixture
def commented_store(store):
    """One RATER-style survey asking NPS and CSAT, one wave, the three topics' comments from two groups."""
    with store.writing() as db:
        db.executemany("INSERT INTO customer_groups VALUES (?, ?, NULL, ?)", [(1, "Research", 1), (2, "Sales", 2),
                                                                             (3, "Legal", 3)])
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, "
                   "asks_importance) VALUES (1, 'Pulse', 'perception', 1, 5, true, true, false)")
        db.execute("INSERT INTO survey_waves VALUES (1, 1, 'Autumn', DATE '2026-11-02', DATE '2026-11-20')")
        frame = three_topics()
        names = {"Research": 1, "Sales": 2, "Legal": 3}
        for row in frame.itertuples():
            db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at, nps, csat, "
                       "comment) VALUES (?, 1, ?, ?, 8, ?, ?)",
                       [row.id, names[row.group], at("2026-11-03 09:00") + dt.timedelta(hours=row.id),
                        None if pd.isna(row.score) else int(row.score), row.text])
    return store


def test_survey_comments_are_themed_on_csat_newest_first(commented_store):
    frame, total = survey_comments(commented_store, 1, score="csat")
    assert total == 31 and frame["id"].tolist()[:2] == [31, 30]  # the blank comment left out
    result = survey_comment_themes(commented_store, 1)
    assert result.score.label == "Average CSAT (1-5)"
    assert result.themes["comments"].tolist() == [12, 10, 8]
    assert result.themes["mean_score"].tolist() == pytest.approx([26 / 12, 4.2, 3.0])


def test_survey_comment_themes_follow_the_group_filter(commented_store):
    research = survey_comment_themes(commented_store, 1, Filters(group_ids=(1,)))  # 6 + 8 comments
    assert not research.found and research.message.startswith("14 comments for this choice")


def test_the_chart_colours_each_theme_by_its_average_score_and_greys_a_small_one():
    from infodash.ui.theme_sections import theme_chart

    result = find_themes(small_topic(), CSAT, n_themes=2)
    figure = theme_chart(result.themes, result.score)
    scored, withheld = figure.data
    assert list(scored.x) == [20] and list(scored.marker.color) == [4.0]
    assert (scored.marker.cmin, scored.marker.cmax) == (1, 5)
    assert list(withheld.x) == [4] and withheld.marker.color == "#adb5bd" and list(withheld.customdata) == [SUPPRESSED]


# ---------------------------------------------------------------------------------------------------------------
# Feedback items as a source


def test_feedback_items_of_the_period_are_themed_with_their_share_of_complaints(fixture_store):
    """12 items on opening hours (9 complaints; 6 from Alice of Research, 6 anonymous), 10 on database access
    (3 complaints; Cara of Sales), and one on opening hours received the day after the period."""
    items = ([(HOURS[i], "complaint" if i < 9 else "suggestion", 1 if i < 6 else None, at("2026-11-02 10:00"))
              for i in range(12)]
             + [(ACCESS[i], "complaint" if i < 3 else "compliment", 3, at("2026-11-03 10:00")) for i in range(10)]
             + [(HOURS[0], "complaint", 1, at("2026-12-01 10:00"))])
    with fixture_store.writing() as db:
        db.executemany("INSERT INTO feedback_items (kind, category, customer_id, description, received_at, source, "
                       "created_by) VALUES (?, 'other', ?, ?, ?, 'staff', 'Ana Costa')",
                       [(kind, customer, text, received) for text, kind, customer, received in items])
    result = feedback_themes(fixture_store, Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1)), LONDON)
    assert (result.comments, result.fitted) == (22, 22)
    themes = result.themes
    assert themes["comments"].tolist() == [12, 10]
    assert themes["top_words"].iloc[0].startswith("opening hours")
    assert themes["mean_score"].tolist() == pytest.approx([9 / 12, 3 / 10])
    assert themes["groups"].tolist() == ["Group not known 6, Research 6", "Sales 10"]
    assert theme_table(result)["average_score"].tolist() == ["75.0%", "30.0%"]
    sales = feedback_themes(fixture_store, Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1)), LONDON,
                            Filters(group_ids=(2,)))
    assert sales.message.startswith("10 comments for this choice")
