"""Survey instruments and responses in the library: answer checks, recording a response, post-request
feedback, creating surveys and opening waves, and the upgrade of older files to stored instruments.

The fixture organisation (tests/conftest.py) has customer groups 1 Research, 2 Sales, 3 Operations and
4 Empty group; customer 3 is in Sales; request 1 is resolved, 3 declined and 4 still open.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from infodash import migrations
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.instruments import (TEMPLATES, Instrument, Item, SurveyDraft, WaveDraft, create_survey, load_instrument,
                                  open_wave, surveys, waves)
from infodash.migrations import latest_version
from infodash.service_requests import closed_requests
from infodash.survey_responses import (ResponseDraft, check_answers, dated_response_time, record_request_feedback,
                                       record_response, request_feedback)
from tests.conftest import LONDON, at
from tests.people import lead, staff

NOW = at("2026-11-23 12:00")
IN_WAVE = at("2026-11-19 12:00")  # the Autumn 2026 wave runs 2-20 November
SERVQUAL = Instrument(1, "Service quality", "servqual", 1, 7, True, True, False, 100, False,
                      items=(Item(1, 1, "reliability", "On time."), Item(2, 2, "empathy", "Listens.")))
LIBQUAL = Instrument(2, "Library", "libqual", 1, 9, True, False, True, 100, False,
                     items=(Item(3, 1, "reliability", "On time."), Item(4, 2, "tangibles", "Tools.")))
PULSE = Instrument(3, "Pulse", "perception", 1, 5, False, True, False, 100, False,
                   items=(Item(5, 1, "assurance", "Trust."),))
ALL_FIVE = {"reliability": 40, "assurance": 20, "tangibles": 10, "empathy": 10, "responsiveness": 20}
EVERY_LEVEL_SERVQUAL = "Answer every level of this item (expectation, perceived) or leave them all blank."
WHOLE_1_TO_7 = "Answer with a whole number from 1 to 7."


@pytest.fixture
def instrument_store(fixture_store: Store) -> Store:
    """The three instruments above stored with create_survey (surveys 1-3, items 1-5), a SERVQUAL
    wave (#1, 2-20 Nov 2026, 2 invited in Research and 2 in Sales) and a LibQUAL wave (#2, from 2 Nov)."""
    for instrument in (SERVQUAL, LIBQUAL, PULSE):
        draft = SurveyDraft(instrument.name, instrument.style, instrument.scale_min, instrument.scale_max,
                            tuple((item.dimension, item.text) for item in instrument.items), instrument.asks_nps,
                            instrument.asks_csat, instrument.asks_importance)
        assert create_survey(fixture_store, draft, lead("Ana Costa")) == instrument.survey_id
    assert open_wave(fixture_store, WaveDraft(1, "Autumn 2026", dt.date(2026, 11, 2), dt.date(2026, 11, 20),
                                              {1: 2, 2: 2}), lead("Ana Costa")) == 1
    assert open_wave(fixture_store, WaveDraft(2, "Library 2026", dt.date(2026, 11, 2)), lead("Ana Costa")) == 2
    return fixture_store


def problems(instrument: Instrument, answers: dict, nps=None, csat=None, importance=None) -> dict[str, str]:
    errors: dict[str, str] = {}
    check_answers(instrument, answers, nps, csat, importance or {}, errors)
    return errors


# --- answer checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("instrument", "answers", "expected"), [
    (SERVQUAL, {1: {"expectation": 6, "perception": 5}, 2: {"expectation": None, "perception": None}}, {}),
    (SERVQUAL, {1: {"expectation": 8, "perception": 5}}, {"item:1:expectation": WHOLE_1_TO_7}),
    (SERVQUAL, {1: {"expectation": 6, "perception": 0}}, {"item:1:perception": WHOLE_1_TO_7}),
    (SERVQUAL, {2: {"expectation": 5.5, "perception": 5}}, {"item:2:expectation": WHOLE_1_TO_7}),
    (SERVQUAL, {2: {"expectation": 6, "perception": None}}, {"item:2:perception": EVERY_LEVEL_SERVQUAL}),
    (SERVQUAL, {99: {"perception": 5}}, {"item:99": "This item is not part of the survey."}),
    (LIBQUAL, {3: {"minimum": 5, "desired": 8, "perception": 9}}, {}),
    (LIBQUAL, {3: {"minimum": 8, "desired": 6, "perception": 7}},
     {"item:3:minimum": "The minimum level is above the desired level."}),
    (LIBQUAL, {3: {"minimum": 7, "desired": 7, "perception": 2}}, {}),  # minimum equal to desired is a narrow zone
    (LIBQUAL, {4: {"minimum": None, "desired": None, "perception": 7}},
     {"item:4:minimum": "Answer every level of this item (minimum, desired, perceived) or leave them all blank."}),
    (LIBQUAL, {4: {"minimum": 5, "desired": 10, "perception": 7}},
     {"item:4:desired": "Answer with a whole number from 1 to 9."}),
    (PULSE, {5: {"perception": 5}}, {}),
    (PULSE, {5: {"perception": 6}}, {"item:5:perception": "Answer with a whole number from 1 to 5."}),
    (PULSE, {5: {"expectation": 3, "perception": 4}},
     {"item:5:expectation": "This survey does not ask the expectation level."}),
])
def test_each_answer_is_checked_against_the_survey_style_and_scale(instrument, answers, expected):
    assert problems(instrument, answers) == expected


@pytest.mark.parametrize(("instrument", "nps", "csat", "expected"), [
    (SERVQUAL, 0, 5, {}),
    (SERVQUAL, 10, 1, {}),
    (SERVQUAL, 11, None, {"nps": "Answer with a whole number from 0 to 10."}),
    (SERVQUAL, 7.5, None, {"nps": "Answer with a whole number from 0 to 10."}),
    (SERVQUAL, None, 0, {"csat": "Answer with a whole number from 1 to 5."}),
    (SERVQUAL, None, 6, {"csat": "Answer with a whole number from 1 to 5."}),
    (LIBQUAL, 9, 4, {"csat": "This survey does not ask for CSAT."}),  # LibQUAL survey asks NPS, not CSAT
    (PULSE, 9, 4, {"nps": "This survey does not ask for NPS."}),  # the pulse asks CSAT, not NPS
])
def test_nps_is_0_to_10_and_csat_1_to_5_and_only_when_the_survey_asks(instrument, nps, csat, expected):
    assert problems(instrument, {}, nps=nps, csat=csat) == expected


@pytest.mark.parametrize(("instrument", "importance", "expected"), [
    (LIBQUAL, ALL_FIVE, {}),
    (LIBQUAL, {**ALL_FIVE, "tangibles": 10.4}, {}),  # 100.4: rounding in a form tool, not a mistake
    (LIBQUAL, {**ALL_FIVE, "responsiveness": 10},
     {"importance": "The points add up to 90; they should add up to 100."}),
    (LIBQUAL, {**ALL_FIVE, "responsiveness": 21},
     {"importance": "The points add up to 101; they should add up to 100."}),
    (LIBQUAL, {**ALL_FIVE, "responsiveness": None, "reliability": 60},
     {"importance": "Give each of the five dimensions zero or more points."}),
    (LIBQUAL, {**ALL_FIVE, "tangibles": -10, "reliability": 60},
     {"importance": "Give each of the five dimensions zero or more points."}),
    (LIBQUAL, {dimension: None for dimension in ALL_FIVE}, {}),  # not answered at all
    (SERVQUAL, ALL_FIVE, {"importance": "This survey does not ask how important each dimension is."}),
])
def test_importance_points_cover_all_five_dimensions_and_add_up_to_the_total(instrument, importance, expected):
    assert problems(instrument, {}, importance=importance) == expected


# --- recording responses -------------------------------------------------------------------------------


def stored_response(store: Store, response_id: int) -> tuple:
    with store.reading() as db:
        return db.execute("SELECT wave_id, group_id, customer_id, request_id, submitted_at, nps, csat, comment, "
                          "entered_by FROM survey_responses WHERE response_id = ?", [response_id]).fetchone()


def stored_answers(store: Store, response_id: int) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT item_id, expectation, minimum, desired, perception FROM survey_answers "
                          "WHERE response_id = ? ORDER BY item_id", [response_id]).fetchall()


def stored_points(store: Store, response_id: int) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT dimension, points FROM survey_importance WHERE response_id = ? ORDER BY dimension",
                          [response_id]).fetchall()


def test_a_linked_response_is_stored_under_the_customers_group_with_exactly_the_answers_given(instrument_store):
    draft = ResponseDraft(wave_id=1, customer_id=3, group_id=None, nps=8, csat=4, comment="  Helpful  ",
                          answers={1: {"expectation": 6, "perception": 5},
                                   2: {"expectation": None, "perception": None}},
                          submitted_at=at("2026-11-10 12:00"))
    response_id = record_response(instrument_store, draft, staff(" Ana Costa "), NOW)
    assert stored_response(instrument_store, response_id) == (
        1, 2, 3, None, at("2026-11-10 12:00"), 8, 4, "Helpful", "Ana Costa")  # customer 3 is in Sales (group 2)
    assert stored_answers(instrument_store, response_id) == [(1, 6.0, None, None, 5.0)]  # item 2 was skipped
    assert stored_points(instrument_store, response_id) == []
    with instrument_store.reading() as db:
        assert db.execute("SELECT actor, action FROM audit_log WHERE entity = 'survey_response' AND entity_id = ?",
                          [str(response_id)]).fetchall() == [("Ana Costa", "create")]


def test_an_anonymous_response_is_stored_under_the_group_given_with_its_importance_points(instrument_store):
    draft = ResponseDraft(wave_id=2, group_id=3, answers={4: {"minimum": 5, "desired": 8, "perception": 7}},
                          importance=ALL_FIVE, submitted_at=at("2026-11-20 12:00"))
    response_id = record_response(instrument_store, draft, staff("Ana Costa"), NOW)
    assert stored_response(instrument_store, response_id)[:4] == (2, 3, None, None)
    assert stored_answers(instrument_store, response_id) == [(4, None, 5.0, 8.0, 7.0)]
    assert stored_points(instrument_store, response_id) == [
        ("assurance", 20.0), ("empathy", 10.0), ("reliability", 40.0), ("responsiveness", 20.0), ("tangibles", 10.0)]


def test_an_empty_response_is_refused_and_nothing_is_written(instrument_store):
    draft = ResponseDraft(wave_id=1, customer_id=3, answers={1: {"expectation": None, "perception": None}},
                          comment="   ", submitted_at=at("2026-11-10 12:00"))
    with pytest.raises(ValidationError) as raised:
        record_response(instrument_store, draft, staff("Ana Costa"), NOW)
    assert raised.value.errors == {"answers": "Nothing was answered: enter at least one score or a comment."}
    with instrument_store.reading() as db:
        assert db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 0


def test_every_problem_of_a_response_is_reported_at_once(instrument_store):
    draft = ResponseDraft(wave_id=1, answers={1: {"expectation": 9, "perception": 5}}, nps=11,
                          submitted_at=at("2026-11-24 12:00"))
    with pytest.raises(ValidationError) as raised:
        record_response(instrument_store, draft, staff(""), NOW)
    assert raised.value.errors == {
        "author": "Enter your name so your entry can be attributed to you.",
        "group_id": "For an anonymous response, choose the respondent's customer group.",
        "submitted_at": "This date is in the future.",
        "item:1:expectation": WHOLE_1_TO_7,
        "nps": "Answer with a whole number from 0 to 10.",
    }


def test_a_response_needs_a_known_wave_and_customer(instrument_store):
    with pytest.raises(ValidationError) as raised:
        record_response(instrument_store, ResponseDraft(wave_id=99, customer_id=3, nps=9, submitted_at=NOW), staff("Ana"), NOW)
    assert raised.value.errors == {"wave_id": "Unknown wave."}
    with pytest.raises(ValidationError) as raised:
        record_response(instrument_store, ResponseDraft(wave_id=1, customer_id=99, nps=9, submitted_at=IN_WAVE), staff("Ana"),
                        NOW)
    assert raised.value.errors == {"customer_id": "Unknown customer: pick one from the list."}


@pytest.mark.parametrize(("submitted", "problem"), [
    ("2026-11-01 23:30", "This date is before the wave 'Autumn 2026' opened on 2026-11-02: enter the day the answers "
                         "were given, or choose the wave they belong to."),
    ("2026-11-02 00:30", None),  # London: the wave's first day, from midnight
    ("2026-11-20 23:30", None),  # its last day, to midnight
    ("2026-11-21 00:30", "This date is after the wave 'Autumn 2026' closed on 2026-11-20: enter the day the answers "
                         "were given, or choose the wave they belong to."),
])
def test_answers_are_dated_within_their_wave(instrument_store, submitted, problem):
    draft = ResponseDraft(wave_id=1, customer_id=3, nps=9, submitted_at=at(submitted))
    if problem is None:
        assert record_response(instrument_store, draft, staff("Ana"), NOW) > 0
        return
    with pytest.raises(ValidationError) as raised:
        record_response(instrument_store, draft, staff("Ana"), NOW)
    assert raised.value.errors == {"submitted_at": problem}


def test_a_paper_form_dated_earlier_is_stored_at_noon_and_one_dated_today_not_after_now():
    morning = at("2026-11-23 09:00")
    assert dated_response_time(dt.date(2026, 11, 20), LONDON, morning) == at("2026-11-20 12:00")
    assert dated_response_time(dt.date(2026, 11, 23), LONDON, morning) == morning
    assert dated_response_time(dt.date(2026, 11, 23), LONDON, at("2026-11-23 15:00")) == at("2026-11-23 12:00")


# --- post-request feedback --------------------------------------------------------------------------------


def post_request_waves(store: Store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT w.wave_id, w.name, w.opened_on, w.closed_on FROM survey_waves w "
                          "JOIN surveys s USING (survey_id) WHERE s.post_request ORDER BY w.wave_id").fetchall()


def test_feedback_on_an_open_request_is_refused(fixture_store):
    with pytest.raises(ValidationError) as raised:
        record_request_feedback(fixture_store, 4, 5, "", staff("Ana Costa"), NOW, LONDON)
    assert raised.value.errors == {"request_id": "Feedback is asked once a request is resolved or declined."}
    with pytest.raises(ValidationError) as raised:
        record_request_feedback(fixture_store, 1, 6, "", staff("Ana Costa"), NOW, LONDON)
    assert raised.value.errors == {"csat": "Answer with a whole number from 1 to 5."}
    assert post_request_waves(fixture_store) == []


def test_the_first_feedback_creates_the_post_request_survey_and_its_quarter_wave(fixture_store):
    response_id = record_request_feedback(fixture_store, 1, 5, "Spot on", staff("Ana Costa"), NOW, LONDON)
    with fixture_store.reading() as db:
        assert db.execute("SELECT name, style, asks_nps, asks_csat, post_request FROM surveys").fetchall() == [
            ("Post-request feedback", "perception", False, True, True)]
    [(wave_id, name, opened, closed)] = post_request_waves(fixture_store)
    assert (name, opened, closed) == ("After-request 2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    # request 1 is Alice Adams's (customer 1, Research)
    assert stored_response(fixture_store, response_id) == (wave_id, 1, 1, 1, NOW, None, 5, "Spot on", "Ana Costa")
    feedback = request_feedback(fixture_store, 1)
    assert (feedback.csat, feedback.comment, feedback.entered_by) == (5, "Spot on", "Ana Costa")
    assert request_feedback(fixture_store, 3) is None
    # the recently closed list shows it: request 5 closed last, then 3, 2 and 1 (with its CSAT)
    closed = closed_requests(fixture_store, LONDON)
    assert closed["request_id"].tolist()[:4] == [5, 3, 2, 1]
    assert closed.set_index("request_id")["feedback"].fillna(0).to_dict() == {5: 0, 3: 0, 2: 0, 1: 5, 7: 0, 6: 0, 8: 0}


def test_the_post_request_survey_gets_a_free_name_when_a_team_survey_has_taken_its_name(fixture_store):
    create_survey(fixture_store, SurveyDraft("Post-request feedback", "perception", 1, 5, (("empathy", "Heard?"),)),
                  lead("Lead"))
    record_request_feedback(fixture_store, 1, 4, "", staff("Ana Costa"), NOW, LONDON)
    with fixture_store.reading() as db:
        assert db.execute("SELECT name, post_request FROM surveys ORDER BY survey_id").fetchall() == [
            ("Post-request feedback", False), ("Post-request feedback (2)", True)]


def test_a_request_takes_one_feedback_only(fixture_store):
    record_request_feedback(fixture_store, 3, 2, "", staff("Ana Costa"), NOW, LONDON)
    with pytest.raises(ValidationError) as raised:
        record_request_feedback(fixture_store, 3, 4, "", staff("Ana Costa"), NOW, LONDON)
    assert raised.value.errors == {"request_id": "Feedback for this request is recorded already."}


def test_feedback_lands_in_the_wave_that_covers_the_day(fixture_store):
    first = record_request_feedback(fixture_store, 1, 4, "", staff("Ana Costa"), NOW, LONDON)
    second = record_request_feedback(fixture_store, 3, 2, "", staff("Ana Costa"), at("2026-12-30 10:00"), LONDON)
    assert len(post_request_waves(fixture_store)) == 1
    assert stored_response(fixture_store, first)[0] == stored_response(fixture_store, second)[0]


def test_the_quarter_is_the_organisations_local_quarter(fixture_store):
    # 31 Dec 2026 23:30 UTC is already 1 Jan 2027 in Tokyo: the first quarter of 2027
    record_request_feedback(fixture_store, 1, 4, "", staff("Ana Costa"), dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
                            ZoneInfo("Asia/Tokyo"))
    [(_, name, opened, closed)] = post_request_waves(fixture_store)
    assert (name, opened, closed) == ("After-request 2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31))


def test_a_quarter_wave_closed_early_is_widened_not_repeated(fixture_store):
    with fixture_store.writing() as db:  # as the demo leaves it: the quarter's wave ends on the day the data ends
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, "
                   "asks_importance, post_request) VALUES (7, 'After requests', 'perception', 1, 5, false, true, "
                   "false, true)")
        db.execute("INSERT INTO survey_waves VALUES (70, 7, 'After-request 2026-Q4', DATE '2026-10-12', "
                   "DATE '2026-11-22')")
    response_id = record_request_feedback(fixture_store, 1, 4, "", staff("Ana Costa"), NOW, LONDON)
    assert post_request_waves(fixture_store) == [
        (70, "After-request 2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))]
    assert stored_response(fixture_store, response_id)[0] == 70


def test_feedback_uses_an_existing_wave_of_the_post_request_survey(fixture_store):
    with fixture_store.writing() as db:
        db.execute("INSERT INTO surveys (survey_id, name, style, scale_min, scale_max, asks_nps, asks_csat, "
                   "asks_importance, post_request) VALUES (7, 'After requests', 'perception', 1, 5, false, true, "
                   "false, true)")
        db.execute("INSERT INTO survey_waves VALUES (70, 7, 'Late autumn', DATE '2026-11-15', DATE '2026-12-15')")
    response_id = record_request_feedback(fixture_store, 3, 3, "Referred well", staff("Ana Costa"), NOW, LONDON)
    assert stored_response(fixture_store, response_id)[:4] == (70, 2, 3, 3)
    assert len(post_request_waves(fixture_store)) == 1


# --- creating surveys and opening waves -------------------------------------------------------------------


def test_a_survey_from_the_servqual_template_stores_its_22_items_in_order(store):
    survey_id = create_survey(store, SurveyDraft("Service quality 2027", "servqual", 1, 7,
                                                 TEMPLATES["SERVQUAL 22 items"]), lead("Ana Costa"))
    instrument = load_instrument(store, survey_id)
    assert [item.position for item in instrument.items] == list(range(1, 23))
    assert [item.dimension for item in instrument.items] == (
        ["tangibles"] * 4 + ["reliability"] * 5 + ["responsiveness"] * 4 + ["assurance"] * 4 + ["empathy"] * 5)
    assert instrument.items[0].text == "The team uses up-to-date tools and sources."
    assert instrument.items[-1].text == "Staff understand your specific needs."
    assert instrument.measures == ("expectation", "perception")
    listed = surveys(store).iloc[0]
    assert (listed["name"], listed["items"], listed["waves"], listed["responses"], listed["post_request"]) == (
        "Service quality 2027", 22, 0, 0, False)


@pytest.mark.parametrize(("draft", "expected"), [
    (SurveyDraft("SERVICE quality", "servqual", 1, 7, (("reliability", "On time."),)),
     {"name": "A survey with this name exists already."}),
    (SurveyDraft("New", "servqual", 7, 1, (("reliability", "On time."),)),
     {"scale": "The scale runs from a lower to a higher whole number, e.g. 1 to 7."}),
    (SurveyDraft("New", "servqual", 1, 101, (("reliability", "On time."),)),
     {"scale": "The scale runs from a lower to a higher whole number, e.g. 1 to 7."}),
    (SurveyDraft("New", "servqual", 1, 7, (("reliability", "On time."), ("kindness", "Smiles."))),
     {"items": "Item 2: choose one of the five RATER dimensions."}),
    (SurveyDraft("New", "servqual", 1, 7, (("reliability", "  "),)), {"items": "Item 1: the question text is empty."}),
    (SurveyDraft("New", "perception", 1, 5, (), asks_nps=False, asks_csat=False),
     {"items": "Add at least one item, or ask NPS or CSAT."}),
    (SurveyDraft(" ", "gallup", 1, 5, (("reliability", "On time."),)),
     {"name": "Give the survey a name.", "style": "Choose a style."}),
])
def test_surveys_with_a_taken_name_a_bad_scale_or_bad_items_are_refused(instrument_store, draft, expected):
    with pytest.raises(ValidationError) as raised:
        create_survey(instrument_store, draft, lead("Ana Costa"))
    assert raised.value.errors == expected
    assert len(surveys(instrument_store)) == 3


def test_a_csat_only_survey_needs_no_items(store):
    survey_id = create_survey(store, SurveyDraft("Desk card", "perception", 1, 5, (), asks_nps=False), lead("Ana Costa"))
    assert load_instrument(store, survey_id).items == ()


def test_a_wave_stores_its_invitations_per_group(instrument_store):
    wave_id = open_wave(instrument_store, WaveDraft(1, "Spring 2027", dt.date(2027, 3, 1), dt.date(2027, 3, 19),
                                                    {1: 10, 2: 4, 3: 0}), lead("Ana Costa"))
    with instrument_store.reading() as db:
        assert db.execute("SELECT group_id, invited FROM survey_invitations WHERE wave_id = ? ORDER BY group_id",
                          [wave_id]).fetchall() == [(1, 10), (2, 4)]  # a group with 0 invited is not invited
    listed = waves(instrument_store, 1)
    assert listed["name"].tolist() == ["Autumn 2026", "Spring 2027"]
    assert listed["invited"].tolist() == [4, 14] and listed["responses"].tolist() == [0, 0]


@pytest.mark.parametrize(("draft", "expected"), [
    (WaveDraft(1, "Short", dt.date(2027, 3, 10), dt.date(2027, 3, 9)),
     {"closed_on": "The wave cannot close before it opens."}),
    (WaveDraft(1, "autumn 2026", dt.date(2027, 3, 1)), {"name": "This survey has a wave with this name already."}),
    (WaveDraft(1, "Spring", None), {"opened_on": "Enter the day the wave opens."}),
    (WaveDraft(1, "Spring", dt.date(2027, 3, 1), None, {1: -1}), {"invitations": "Invited counts cannot be negative."}),
    (WaveDraft(1, "Spring", dt.date(2027, 3, 1), None, {9: 5}),
     {"invitations": "Invitations name a customer group that does not exist."}),
    (WaveDraft(99, "Spring", dt.date(2027, 3, 1)), {"survey_id": "Choose a survey."}),
])
def test_waves_that_close_before_they_open_or_repeat_a_name_are_refused(instrument_store, draft, expected):
    with pytest.raises(ValidationError) as raised:
        open_wave(instrument_store, draft, lead("Ana Costa"))
    assert raised.value.errors == expected
    assert len(waves(instrument_store, 1)) == 1


# --- upgrading an older file -------------------------------------------------------------------------------


def test_a_file_built_at_migration_6_upgrades_marking_its_csat_only_survey_as_post_request(tmp_path, monkeypatch):
    path = tmp_path / "v6.duckdb"
    with monkeypatch.context() as before_007:
        before_007.setattr("infodash.db.MIGRATIONS", migrations.MIGRATIONS[:6])
        before_007.setattr("infodash.db.latest_version", lambda: 6)
        old = Store(path)
        with old.writing() as db:
            db.execute("INSERT INTO surveys VALUES (1, 'Quarterly', 'servqual', 1, 7, true, true, false, NULL), "
                       "(2, 'After requests', 'perception', 1, 5, false, true, false, NULL), "
                       "(3, 'Pulse', 'perception', 1, 5, false, true, false, NULL), "
                       "(4, 'Recommend', 'perception', 1, 5, true, true, false, NULL)")
            db.execute("INSERT INTO survey_items (item_id, survey_id, position, dimension, text) "
                       "VALUES (1, 3, 1, 'reliability', 'On time.')")
            db.execute("INSERT INTO survey_waves VALUES (1, 2, 'Q3', DATE '2026-07-01', DATE '2026-09-30')")
            db.execute("INSERT INTO survey_responses (response_id, wave_id, group_id, submitted_at, csat) "
                       "VALUES (1, 1, 1, TIMESTAMPTZ '2026-08-03 10:00:00+01', 4)")
        assert old.schema_version() == 6
    upgraded = Store(path)
    assert upgraded.schema_version() == latest_version() >= 7
    with upgraded.reading() as db:
        # only the CSAT-only survey without items is the post-request one; a pulse with items is not
        assert db.execute("SELECT survey_id, post_request, importance_points FROM surveys ORDER BY survey_id"
                          ).fetchall() == [(1, False, 100), (2, True, 100), (3, False, 100), (4, False, 100)]
        assert db.execute("SELECT response_id, csat, entered_by FROM survey_responses").fetchall() == [(1, 4, None)]
    assert load_instrument(upgraded, 2).post_request
