"""The Surveys page as a lead sees it (streamlit.testing AppTest) on the small demo organisation."""

from __future__ import annotations

import datetime as dt

from infodash.instruments import SurveyDraft, WaveDraft, create_survey, load_instrument, open_wave
from infodash.survey_responses import ResponseDraft, record_response
from infodash.comment_themes import MIN_COMMENTS, survey_comment_themes
from infodash.surveys import SUPPRESSED, csat_with_interval, dimension_scores, nps_with_margin
from tests.people import lead, staff
from tests import apptest_helpers


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def open_tab(app, tab: str):
    """``app`` with the tab ``tab`` open (only the open tab runs)."""
    app.session_state["survey_section"] = tab
    return app.run()


def frame_text(app) -> str:
    return "\n".join(frame.value.to_csv(index=False) for frame in app.dataframe)


def test_the_latest_wave_of_the_rater_survey_is_shown_with_the_librarys_figures(app_db):
    app = apptest_helpers.open_page("surveys.py", None)
    assert not app.exception
    scores = dimension_scores(app_db, 1)
    latest = scores[(scores["wave_order"] == scores["wave_order"].max()) & (scores["unit"] == "overall")
                    & (scores["measure"] == "gap")].iloc[0]
    nps = nps_with_margin(app_db, 1).iloc[-1]
    csat = csat_with_interval(app_db, 1).iloc[-1]
    shown = metrics(app)
    assert app.selectbox(key="survey_wave_1").value == latest["wave_id"]
    assert shown["Overall gap"] == f"{latest['mean']:.2f}"
    assert shown[f"NPS (± {nps['margin']:.0f})"] == f"{nps['nps']:,.0f}"
    assert shown["CSAT"] == f"{csat['share'] * 100:.1f}%"
    assert "Tangibles" in frame_text(app)
    assert [tab.label for tab in app.tabs] == ["This wave", "Across waves", "NPS and CSAT", "Breakdown", "Comments",
                                               "Comment themes"]
    assert len(app.get("plotly_chart")) == 1  # only the open tab draws: the wave's expected against perceived
    assert len(open_tab(app, "Across waves").get("plotly_chart")) == 1  # the dimensions' trend
    assert not app.dataframe  # the wave's table is not drawn meanwhile
    assert len(open_tab(app, "NPS and CSAT").get("plotly_chart")) == 3  # NPS, CSAT, response rates
    assert metrics(app)["CSAT"] == f"{csat['share'] * 100:.1f}%"  # the wave's cards stay above the tabs


def test_the_libqual_style_survey_shows_the_zone_of_tolerance_and_flags_items_below_minimum(app_db):
    app = apptest_helpers.open_page("surveys.py", None)
    app.selectbox(key="survey_id").set_value(3).run()
    assert not app.exception
    assert "Overall adequacy gap" in metrics(app) and "Weighted gap" in metrics(app)
    app.segmented_control(key="survey_level").set_value("item").run()
    flags = [apptest_helpers.shown(warning.value) for warning in app.warning]
    assert len(flags) == 1 and "2. " in flags[0] and "4. " in flags[0]


def test_small_groups_show_fewer_than_5_responses_instead_of_a_score(app_db):
    app = open_tab(apptest_helpers.open_page("surveys.py", None), "Breakdown")
    app.selectbox(key="survey_by").set_value("department").run()
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "Department" in frame.value.columns)
    small = table[table["responses"].astype(int) < 5]
    assert len(small) and (small["Overall"] == SUPPRESSED).all() and (small["NPS"] == SUPPRESSED).all()
    assert (small["CSAT"] == SUPPRESSED).all() and (small["Tangibles"] == SUPPRESSED).all()
    large = table[table["responses"].astype(int) >= 5]
    assert len(large) and (large["Overall"] != SUPPRESSED).all()
    assert large["Overall"].astype(float).lt(0).all()  # every department perceives less than it expects
    assert "Anonymous (not known)" in set(table["Department"])


def test_comments_of_a_narrow_choice_are_withheld(app_db):
    app = open_tab(apptest_helpers.open_page("surveys.py", None), "Comments")
    assert any("lowest-scoring respondents first" in caption.value for caption in app.caption)
    app.sidebar.multiselect(key="filter_groups").select(1).run()  # the executive board: a handful of people
    app.selectbox(key="comment_band").set_value("low").run()
    assert not app.exception
    assert any("comments are withheld" in info.value for info in app.info)


def test_post_request_feedback_shows_csat_only_and_by_group(app_db):
    app = apptest_helpers.open_page("surveys.py", None)
    app.selectbox(key="survey_id").set_value(2).run()
    assert not app.exception
    assert set(metrics(app)) == {"CSAT", "Responses"}
    assert any("asks no RATER item" in caption.value for caption in app.caption)
    open_tab(app, "NPS and CSAT")
    assert any("does not ask the recommendation question" in caption.value for caption in app.caption)
    open_tab(app, "Breakdown").selectbox(key="survey_by").set_value("customer group").run()
    table = next(frame.value for frame in app.dataframe if "Customer group" in frame.value.columns)
    assert list(table.columns) == ["Customer group", "responses", "CSAT"]
    assert table["CSAT"].str.endswith("%").any()


def test_a_survey_without_responses_says_so(app_db):
    survey_id = create_survey(app_db, SurveyDraft("Pulse", "perception", 1, 5, (("empathy", "We listen."),)), lead("Lead"))
    app = apptest_helpers.open_page("surveys.py", None)
    app.selectbox(key="survey_id").set_value(survey_id).run()
    assert not app.exception
    assert any("no responses yet" in info.value for info in app.info)


def test_a_wave_opened_but_not_answered_yet_shows_no_scores_and_no_error(app_db):
    # SERVQUAL (expected against perceived) and LibQUAL-style (zone of tolerance): invitations sent, no answers
    opened = {survey_id: open_wave(app_db, WaveDraft(survey_id, f"Just opened {survey_id}", dt.date.today(), None,
                                                     {1: 5}), lead("Lead")) for survey_id in (1, 3)}
    app = apptest_helpers.open_page("surveys.py", None)
    for survey_id, wave_id in opened.items():
        app.selectbox(key="survey_id").set_value(survey_id).run()
        assert not app.exception
        assert app.selectbox(key=f"survey_wave_{survey_id}").value == wave_id
        assert any("No item answers in this wave" in caption.value for caption in app.caption)


def test_wave_names_and_item_texts_are_shown_as_typed(app_db):
    with app_db.writing() as db:
        db.execute("UPDATE survey_items SET text = 'The *intranet* guides' WHERE survey_id = 3 AND position = 2")
        db.execute("UPDATE survey_waves SET name = 'Autumn **2026**' WHERE wave_id = "
                   "(SELECT max(wave_id) FROM survey_waves WHERE survey_id = 3)")
    app = apptest_helpers.open_page("surveys.py", None)
    app.selectbox(key="survey_id").set_value(3).run()
    app.segmented_control(key="survey_level").set_value("item").run()
    assert not app.exception
    assert "Autumn \\*\\*2026\\*\\*: dimensions and items" in [header.value for header in app.subheader]
    assert "2\\. The \\*intranet\\* guides" in app.warning[0].value


def test_a_perception_only_survey_weighs_its_perceived_levels_not_a_gap(app_db):
    survey_id = create_survey(app_db, SurveyDraft("Pulse with weights", "perception", 1, 5,
                                                  (("reliability", "On time."), ("empathy", "We listen.")),
                                                  asks_importance=True), lead("Lead"))
    wave_id = open_wave(app_db, WaveDraft(survey_id, "Pulse 1", dt.date.today(), None, {}), lead("Lead"))
    items = [item.item_id for item in load_instrument(app_db, survey_id).items]
    points = {"reliability": 40, "assurance": 10, "tangibles": 10, "empathy": 20, "responsiveness": 20}
    for _ in range(5):
        record_response(app_db, ResponseDraft(wave_id, group_id=1, answers={items[0]: {"perception": 3},
                                                                          items[1]: {"perception": 5}},
                                              importance=points, submitted_at=dt.datetime.now(dt.UTC)),
                        staff("Lead"), dt.datetime.now(dt.UTC))
    app = apptest_helpers.open_page("surveys.py", None)
    app.selectbox(key="survey_id").set_value(survey_id).run()
    assert not app.exception
    # reliability 40 and empathy 20 points: weights 2/3 and 1/3 of perceived 3 and 5
    assert metrics(app)["Weighted perceived"] == f"{2 / 3 * 3 + 1 / 3 * 5:.2f}"
    assert "Weighted gap" not in metrics(app)


def test_a_group_invited_but_not_answering_yet_shows_no_figures_rather_than_missing_questions(app_db):
    with app_db.writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (99, 'New graduates', NULL, 99)")
    open_wave(app_db, WaveDraft(1, "Graduates first", dt.date.today(), None, {99: 12}), lead("Lead"))
    app = apptest_helpers.open_page("surveys.py", None)
    app.sidebar.multiselect(key="filter_groups").set_value([99]).run()
    assert not app.exception
    assert "No item answers in this wave for the chosen filters." in [caption.value for caption in app.caption]
    captions = [caption.value for caption in open_tab(app, "NPS and CSAT").caption]
    assert "No NPS answers for the chosen filters." in captions and "No CSAT answers for the chosen filters." in captions


def test_the_comment_themes_of_the_chosen_wave_are_shown_with_the_librarys_figures_and_comments(app_db):
    app = open_tab(apptest_helpers.open_page("surveys.py", None), "Comment themes")
    assert not app.exception
    wave_id = app.selectbox(key="survey_wave_1").value
    themes = survey_comment_themes(app_db, 1, wave_ids=[wave_id])
    assert themes.found and len(themes.themes) >= 3
    table = next(frame.value for frame in app.dataframe if "top_words" in frame.value.columns)
    assert table["label"].tolist() == themes.themes["label"].tolist()
    assert table["comments"].astype(int).tolist() == themes.themes["comments"].tolist()
    scores = [f"{value:.2f}" for value in themes.themes["mean_score"] if value == value]
    assert [value for value in table["average_score"] if value != SUPPRESSED] == scores
    said = "\n".join(apptest_helpers.shown(block.value) for block in app.markdown)
    for comment in themes.examples["comment"]:
        assert f"\u201c{comment}\u201d" in said
    captions = [apptest_helpers.shown(caption.value) for caption in app.caption]
    assert any("fall into" in caption and "TF-IDF" in caption for caption in captions)


def test_comment_themes_need_twenty_comments_and_say_so(app_db):
    app = open_tab(apptest_helpers.open_page("surveys.py", None), "Comment themes")
    app.sidebar.multiselect(key="filter_groups").select(1).run()  # the executive board: a handful of people
    assert not app.exception
    messages = [apptest_helpers.shown(info.value) for info in app.info]
    assert any(f"at least {MIN_COMMENTS} are needed to find themes" in message for message in messages)
