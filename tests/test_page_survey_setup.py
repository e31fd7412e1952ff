"""The Survey setup page: creating a survey and opening a wave through the page (streamlit.testing AppTest)."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from infodash.instruments import active_customers_by_group, load_instrument, waves
from infodash.survey_templates import PULSE_5
from tests import apptest_helpers
from tests.apptest_helpers import click, errors, successes


def open_page(name: str | None = "Survey Lead") -> AppTest:
    return apptest_helpers.open_page("survey_setup.py", name)


def survey_named(store, name: str) -> int | None:
    with store.reading() as db:
        found = db.execute("SELECT survey_id FROM surveys WHERE name = ?", [name]).fetchone()
    return found[0] if found else None


def test_the_page_lists_the_surveys_with_their_counts(app_db):
    app = open_page()
    assert not app.exception
    listed = app.dataframe[0].value
    assert list(listed["name"]) == ["Service quality (SERVQUAL 22)", "Library services (LibQUAL-style)",
                                    "Post-request feedback"]
    assert list(listed["items"]) == [22, 22, 0] and list(listed["scale"]) == ["1-7", "1-9", "1-5"]


def test_a_pulse_survey_from_the_template_then_a_wave_for_it(app_db):
    app = open_page()
    app.button_group(key="ns_template").set_value("Pulse, 5 items").run()
    assert app.selectbox(key="ns_style").value == "perception"  # the template's own style is suggested
    app.text_input(key="ns_name").input("Spring pulse")
    app.number_input(key="ns_scale_max").set_value(5)
    app.checkbox(key="ns_nps").uncheck()
    app = click(app, "Create survey")
    assert not app.exception
    assert any(message.startswith("Created survey Spring pulse with 5 items.") for message in successes(app))
    survey_id = survey_named(app_db, "Spring pulse")
    instrument = load_instrument(app_db, survey_id)
    assert (instrument.style, instrument.scale_min, instrument.scale_max) == ("perception", 1, 5)
    assert (instrument.asks_nps, instrument.asks_csat) == (False, True)
    assert [(item.dimension, item.text) for item in instrument.items] == list(PULSE_5)
    assert app.text_input(key="ns_name").value == ""  # emptied for the next survey
    # the new survey is chosen for its first wave; invitations start at each group's active customers
    assert app.selectbox(key="nw_survey").value == survey_id
    app.text_input(key="nw_name").input("Spring 2026")
    app.date_input(key="nw_opened").set_value(dt.date(2026, 3, 2))
    app.date_input(key="nw_closed").set_value(dt.date(2026, 3, 20))
    app = click(app, "Open wave")
    assert any("Opened wave Spring 2026" in message for message in successes(app))
    [wave] = waves(app_db, survey_id).to_dict("records")
    groups = active_customers_by_group(app_db)
    assert (wave["name"], wave["opened_on"].date(), wave["closed_on"].date(), wave["invited"], wave["responses"]) == (
        "Spring 2026", dt.date(2026, 3, 2), dt.date(2026, 3, 20), groups["active_customers"].sum(), 0)
    [listed_waves] = [table.value for table in app.dataframe
                      if table.editing_mode == "read_only" and "invited" in table.value]
    assert listed_waves["name"].tolist() == ["Spring 2026"]  # the survey's waves, listed at once


def test_own_items_typed_into_the_table_make_a_survey(app_db):
    app = open_page()
    app.button_group(key="ns_template").set_value("own").run()
    app.session_state["ns_items_own_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"code": "emp1", "dimension": "empathy", "text": "Staff listen."},
                       {"dimension": "reliability", "text": "On time."}]}
    app.text_input(key="ns_name").input("Two questions")
    app = click(app, "Create survey")
    assert errors(app) == []
    instrument = load_instrument(app_db, survey_named(app_db, "Two questions"))
    assert [(item.position, item.label, item.dimension, item.text) for item in instrument.items] == [
        (1, "emp1", "empathy", "Staff listen."), (2, "q2", "reliability", "On time.")]


def test_mistakes_are_explained_next_to_their_fields_and_kept(app_db):
    app = open_page()
    app.text_input(key="ns_name").input("Service quality (SERVQUAL 22)")
    app.number_input(key="ns_scale_min").set_value(7)
    app = click(app, "Create survey")
    shown = errors(app)
    assert "A survey with this name exists already." in shown
    assert "The scale runs from a lower to a higher whole number, e.g. 1 to 7." in shown
    assert app.text_input(key="ns_name").value == "Service quality (SERVQUAL 22)"
    assert app.number_input(key="ns_scale_min").value == 7
    app.text_input(key="nw_name").input("Late wave")
    app.date_input(key="nw_opened").set_value(dt.date(2026, 5, 10))
    app.date_input(key="nw_closed").set_value(dt.date(2026, 5, 1))
    app = click(app, "Open wave")
    assert "The wave cannot close before it opens." in errors(app)
    assert app.text_input(key="nw_name").value == "Late wave"
    assert "Late wave" not in waves(app_db, 1)["name"].tolist()


def test_the_first_survey_of_an_empty_database_can_be_created(empty_app_db):
    app = open_page()
    assert not app.exception
    assert any("Create a survey first." in caption.value for caption in app.caption)
    app.text_input(key="ns_name").input("First survey")
    app = click(app, "Create survey")
    assert not app.exception and survey_named(empty_app_db, "First survey") == 1
    assert app.selectbox(key="nw_survey").value == 1


def test_two_items_with_one_code_are_refused_under_the_table_and_kept(app_db):
    app = open_page()
    app.button_group(key="ns_template").set_value("own").run()
    rows = {"edited_rows": {}, "deleted_rows": [],
            "added_rows": [{"code": "q1", "dimension": "empathy", "text": "Staff listen."},
                           {"code": "Q1", "dimension": "reliability", "text": "On time."}]}
    app.session_state["ns_items_own_0"] = rows
    app.text_input(key="ns_name").input("Codes twice")
    app = click(app, "Create survey")
    assert "Two items have the same code: Q1, q1." in errors(app)
    assert app.text_input(key="ns_name").value == "Codes twice"
