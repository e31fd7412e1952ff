"""The Enter survey responses page as a staff member keys in paper forms (streamlit.testing AppTest).

The demo database has the SERVQUAL survey (#1: items 1-22, scale 1-7, NPS and CSAT) with quarterly
waves, the post-request survey (#2) and the LibQUAL-style survey (#3: items 101-122, scale 1-9,
NPS and 100 importance points).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from infodash.db import Store
from infodash.instruments import waves
from tests import apptest_helpers
from tests.apptest_helpers import click, errors, successes


def open_page(name: str | None = "Survey Clerk") -> AppTest:
    return apptest_helpers.open_page("survey_entry.py", name)


def box(app: AppTest, item_id: int, measure: str):
    return app.number_input(key=f"sv_{item_id}_{measure}")


def keyed_in(store: Store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT response_id, wave_id, group_id, customer_id, nps, csat, comment "
                          "FROM survey_responses WHERE entered_by = 'Survey Clerk' ORDER BY response_id").fetchall()


def answers_of(store: Store, response_id: int) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT item_id, expectation, minimum, desired, perception FROM survey_answers "
                          "WHERE response_id = ? ORDER BY item_id", [response_id]).fetchall()


def test_the_form_opens_on_the_newest_wave_of_the_first_regular_survey(app_db):
    app = open_page()
    assert not app.exception
    newest = int(waves(app_db, 1)["wave_id"].iloc[-1])
    assert app.selectbox(key="sv_survey").value == 1
    assert app.selectbox(key="sv_wave").value == newest
    answer_boxes = [widget for widget in app.number_input if widget.key.startswith("sv_") and widget.key[3].isdigit()]
    assert len(answer_boxes) == 44  # 22 items, expectation and perception each


def test_a_paper_form_keyed_in_is_stored_with_its_answers_and_the_form_empties(app_db):
    with app_db.reading() as db:
        group_of_7 = db.execute("SELECT group_id FROM customers WHERE customer_id = 7").fetchone()[0]
    app = open_page()
    wave = app.selectbox(key="sv_wave").value
    app.selectbox(key="sv_customer").set_value(7)
    box(app, 1, "expectation").set_value(6)
    box(app, 1, "perception").set_value(5)
    box(app, 22, "expectation").set_value(7)
    box(app, 22, "perception").set_value(7)
    app.number_input(key="sv_nps").set_value(9)
    app.number_input(key="sv_csat").set_value(4)
    app.text_area(key="sv_comment").input("Quick *and* kind")
    app = click(app, "Save response")
    assert not app.exception
    assert errors(app) == []
    [(response_id, *stored)] = keyed_in(app_db)
    assert stored == [wave, group_of_7, 7, 9, 4, "Quick *and* kind"]
    assert answers_of(app_db, response_id) == [(1, 6.0, None, None, 5.0), (22, 7.0, None, None, 7.0)]
    assert any(message.startswith(f"Saved response #{response_id}.") for message in successes(app))
    # ready for the next paper form: answers and respondent empty, survey, wave and date kept
    assert box(app, 1, "expectation").value is None and app.number_input(key="sv_nps").value is None
    assert app.selectbox(key="sv_customer").value is None and app.text_area(key="sv_comment").value == ""
    assert app.selectbox(key="sv_survey").value == 1 and app.selectbox(key="sv_wave").value == wave


def test_out_of_scale_and_half_answered_items_are_explained_under_their_row_and_kept(app_db):
    app = open_page()
    app.selectbox(key="sv_customer").set_value(7)
    box(app, 3, "expectation").set_value(9)
    box(app, 3, "perception").set_value(5)
    box(app, 4, "expectation").set_value(6)
    app = click(app, "Save response")
    assert errors(app) == ["Answer with a whole number from 1 to 7.",
                           "Answer every level of this item (expectation, perceived) or leave them all blank."]
    assert keyed_in(app_db) == []
    assert box(app, 3, "expectation").value == 9 and box(app, 3, "perception").value == 5
    assert box(app, 4, "expectation").value == 6 and app.selectbox(key="sv_customer").value == 7
    # each message sits right under its own item's row, before the next item's boxes
    nodes = list(app.main)
    position = {getattr(node, "key", None): index for index, node in enumerate(nodes)}
    shown_at = {node.value: index for index, node in enumerate(nodes) if node.type == "error"}
    first_error = next(index for message, index in shown_at.items() if "whole number" in message)
    second_error = next(index for message, index in shown_at.items() if "every level" in message)
    assert position["sv_3_perception"] < first_error < position["sv_4_expectation"]
    assert position["sv_4_perception"] < second_error < position["sv_5_expectation"]
    box(app, 3, "expectation").set_value(7)
    box(app, 4, "perception").set_value(6)
    app = click(app, "Save response")
    [(response_id, *_)] = keyed_in(app_db)
    assert answers_of(app_db, response_id) == [(3, 7.0, None, None, 5.0), (4, 6.0, None, None, 6.0)]


def test_an_anonymous_libqual_form_with_importance_points_is_stored_under_its_group(app_db):
    app = open_page()
    app.selectbox(key="sv_survey").set_value(3).run()
    newest = int(waves(app_db, 3)["wave_id"].iloc[-1])
    assert app.selectbox(key="sv_wave").value == newest
    app.radio(key="sv_respondent").set_value("anonymous").run()
    app.selectbox(key="sv_group").set_value(2)
    for measure, value in (("minimum", 5), ("desired", 8), ("perception", 7)):
        box(app, 101, measure).set_value(value)
    for dimension, points in (("reliability", 40), ("assurance", 20), ("tangibles", 10), ("empathy", 10)):
        app.number_input(key=f"sv_points_{dimension}").set_value(points)
    app.run()
    assert any(metric.value == "80 of 100" for metric in app.metric)  # the running total
    app = click(app, "Save response")
    assert "Give each of the five dimensions zero or more points." in errors(app)
    app.number_input(key="sv_points_responsiveness").set_value(20)
    app = click(app, "Save response")
    assert errors(app) == []
    [(response_id, wave, group, customer, nps, csat, comment)] = keyed_in(app_db)
    assert (wave, group, customer, nps, csat, comment) == (newest, 2, None, None, None, None)
    assert answers_of(app_db, response_id) == [(101, None, 5.0, 8.0, 7.0)]
    with app_db.reading() as db:
        assert db.execute("SELECT dimension, points FROM survey_importance WHERE response_id = ? ORDER BY dimension",
                          [response_id]).fetchall() == [("assurance", 20.0), ("empathy", 10.0), ("reliability", 40.0),
                                                        ("responsiveness", 20.0), ("tangibles", 10.0)]


def test_an_empty_form_or_a_missing_customer_is_refused(app_db):
    app = click(open_page(), "Save response")
    shown = errors(app)
    assert "Nothing was answered: enter at least one score or a comment." in shown
    assert "Choose the customer, or mark the response anonymous and choose the group." in shown
    assert keyed_in(app_db) == []


def test_item_text_is_shown_as_written(app_db):
    app = open_page()
    assert any("1\\. The team uses up\\-to\\-date tools and sources\\." in block.value for block in app.markdown)


def test_the_page_works_on_an_empty_database(empty_app_db):
    app = open_page()
    assert not app.exception
    assert any("There are no surveys yet" in message.value for message in app.info)


def test_the_date_follows_the_wave_chosen_and_stays_within_its_days(app_db):
    app = open_page()
    listed = waves(app_db, 1)
    first = listed.iloc[0]
    app.selectbox(key="sv_wave").set_value(int(first["wave_id"])).run()
    assert not app.exception
    # today is long after the first wave closed: the date moves to its last day
    assert app.date_input(key="sv_date").value == first["closed_on"].date()
    app.date_input(key="sv_date").set_value(first["opened_on"].date()).run()
    app.selectbox(key="sv_wave").set_value(int(listed.iloc[1]["wave_id"])).run()
    # the next wave opened later: the date moves to its first day
    assert app.date_input(key="sv_date").value == listed.iloc[1]["opened_on"].date()
