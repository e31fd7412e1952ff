"""The Import survey responses page: choosing the wave, uploading an export, checking and importing it."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from infodash.instruments import waves
from tests import apptest_helpers

EXPORT = Path(__file__).parent / "fixtures" / "survey_export.csv"
PAGE = "import_surveys.py"


def upload(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader(key="survey_import_file").set_value((name, content, "text/csv"))
    return app.run()


def stored_responses(store, source_key_pattern: str) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT source_key, nps, comment FROM survey_responses WHERE source_key LIKE ? "
                          "ORDER BY source_key", [source_key_pattern]).fetchall()


def test_the_page_explains_the_import_and_lists_the_surveys_and_their_waves(app_db):
    app = apptest_helpers.open_page(PAGE, "Import Tester")
    assert not app.exception
    assert any("nothing is written unless the whole file is good" in caption.value for caption in app.caption)
    assert app.selectbox(key="survey_import_survey").options == ["Service quality (SERVQUAL 22)",
                                                                 "Library services (LibQUAL-style)"]
    wave_labels = app.selectbox(key="survey_import_wave_1").options
    assert [label.split(" (opened")[0] for label in wave_labels] == waves(app_db, 1)["name"].tolist()
    assert app.selectbox(key="survey_import_wave_1").index == len(wave_labels) - 1  # the latest wave


def latest_wave_opened(store, survey_id: int = 1):
    """The day the survey's latest wave (the page's default) opened: the demo's waves follow today's date."""
    return waves(store, survey_id)["opened_on"].iloc[-1].date()


def test_a_file_with_problems_is_listed_row_by_row_and_nothing_is_written(app_db):
    # the fixture's answers, dated on the day the wave chosen for them opened
    export = re.sub(rb"\d\d/\d\d/\d{4}", latest_wave_opened(app_db).strftime("%d/%m/%Y").encode(), EXPORT.read_bytes())
    app = upload(apptest_helpers.open_page(PAGE, "Import Tester"), "survey_export.csv", export)
    key = "survey_import_1_suggested_survey_export.csv"
    assert app.selectbox(key=f"{key}_customer").value == "Email"
    assert app.selectbox(key=f"{key}_item:22:perception").value == "Q22 perception"
    app.text_input(key=f"{key}_date_format").set_value("%d/%m/%Y %H:%M:%S")
    app = apptest_helpers.click(app.run(), "Check every row")
    assert not app.exception
    # the fixture's people and its group Sales are not the demo organisation's (its Operations group is)
    assert apptest_helpers.errors(app) == ["4 problems in 5 rows; nothing was written. Fix them in the file "
                                           "(or the mapping) and check again."]
    table = app.dataframe[-1].value
    assert table["reason"].tolist() == ["unknown customer 'alice@example.org' (matched by email)",
                                        "unknown customer 'bob@example.org' (matched by email)",
                                        "unknown customer group 'Sales'",
                                        "unknown customer 'cara@example.org' (matched by email)"]
    assert stored_responses(app_db, "%R-100%") == []


def test_a_good_file_is_checked_then_imported_once(app_db):
    with app_db.reading() as db:
        email = db.execute("SELECT email FROM customers WHERE active ORDER BY customer_id LIMIT 1").fetchone()[0]
    day = latest_wave_opened(app_db)
    content = (f"Respondent ID,Submitted,Email,Group,NPS,Comments\n"
               f"P-1,{day} 10:00,{email},,9,Great help\n"
               f"P-2,{day} 11:00,,Operations,6,\n").encode()
    app = upload(apptest_helpers.open_page(PAGE, "Import Tester"), "pulse.csv", content)
    app = apptest_helpers.click(app, "Check every row")
    assert apptest_helpers.successes(app) == ["Every row is good: 2 responses to add on Import, 0 imported before."]
    app = apptest_helpers.click(app, "Import")
    assert apptest_helpers.successes(app) == ["Imported 2 responses (0 were imported before)."]
    assert [(nps, comment) for _, nps, comment in stored_responses(app_db, "%: P-_")] == [(9, "Great help"), (6, None)]
    app = apptest_helpers.click(app, "Import")
    assert apptest_helpers.successes(app) == ["Every row is good, and nothing is new: 2 responses imported before."]


def test_a_date_format_typed_wrong_is_said_under_its_box_and_nothing_is_checked_until_fixed(app_db):
    app = upload(apptest_helpers.open_page(PAGE, "Import Tester"), "survey_export.csv", EXPORT.read_bytes())
    key = "survey_import_1_suggested_survey_export.csv"
    app.text_input(key=f"{key}_date_format").set_value("%Q")
    app = app.run()
    assert not app.exception
    assert apptest_helpers.errors(app) == ["'%Q' is not a date format ('Q' is a bad directive in format '%Q'): use "
                                           "strptime codes, e.g. %d/%m/%Y %H:%M."]
    assert app.button(key="survey_import_check").disabled
