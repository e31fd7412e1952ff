"""The app as a whole: navigation from dashboard.py, and filters that persist across pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_filters_chosen_on_one_page_are_still_set_after_visiting_another(app_db):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception and app.title[0].value == "Weekly review"
    app.sidebar.multiselect(key="filter_groups").select(3).run()
    app.switch_page("app_pages/log_touchpoint.py").run()
    assert not app.exception and app.title[0].value == "Log touchpoint"
    app.switch_page("app_pages/weekly_review.py").run()
    assert app.title[0].value == "Weekly review"
    assert app.sidebar.multiselect(key="filter_groups").value == [3]


def test_a_rejected_entry_is_still_there_after_a_look_at_another_page(app_db):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.session_state["staff_name"] = "Test Person"
    app.run().switch_page("app_pages/log_touchpoint.py").run()
    app.text_area(key="tp_note").input("Half-finished note")
    app.selectbox(key="tp_customer").set_value(5)
    app.number_input(key="tp_minutes").set_value(-5)
    next(button for button in app.button if button.label == "Save").click()
    app.run()
    assert app.error  # minutes rejected
    app.switch_page("app_pages/weekly_review.py").run()
    app.switch_page("app_pages/log_touchpoint.py").run()
    assert app.text_area(key="tp_note").value == "Half-finished note"
    assert app.selectbox(key="tp_customer").value == 5
    assert app.number_input(key="tp_minutes").value == -5


def test_a_sessions_first_run_has_the_browser_load_the_code_of_charts_and_tables_once_in_hidden_ones(app_db):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    # in a container the page's style hides
    assert len(app.sidebar.get("plotly_chart")) == len(app.sidebar.dataframe) == len(app.sidebar.metric) == 1
    assert '.st-key-element_code { display: none; }' in app.get("html")[0].proto.body
    app.switch_page("app_pages/log_touchpoint.py").run()
    assert not app.sidebar.get("plotly_chart") and not app.sidebar.dataframe  # loaded once: later runs draw none
