"""The Import requests page: before a file is chosen, and options typed wrong (the whole upload is driven in
test_browser.py)."""

from __future__ import annotations

from pathlib import Path

from tests import apptest_helpers

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_page_explains_the_import_and_waits_for_a_file(app_db):
    app = apptest_helpers.open_page("import_requests.py", "Import Tester")
    assert not app.exception
    assert any("nothing is written unless the whole" in caption.value for caption in app.caption)
    assert app.text_input(key="staff_name").value == "Import Tester"


def test_options_typed_wrong_are_said_under_their_boxes_and_nothing_is_checked_until_fixed(app_db):
    app = apptest_helpers.open_page("import_requests.py", "Import Tester")
    app.file_uploader(key="import_file").set_value(("desk.csv", (FIXTURES / "servicenow_events.csv").read_bytes(),
                                                    "text/csv"))
    app = app.run()
    key = "import_preset:servicenow"
    app.text_input(key=f"{key}_time_zone").set_value("Mars/Base")
    app.text_input(key=f"{key}_date_format").set_value("%Q")
    app = app.run()
    assert not app.exception
    assert apptest_helpers.errors(app) == [
        "'%Q' is not a date format ('Q' is a bad directive in format '%Q'): use strptime codes, e.g. %d/%m/%Y %H:%M.",
        "Unknown time zone 'Mars/Base': use a name like Europe/London."]
    assert app.button(key="import_check").disabled and app.button(key="import_run").disabled
    app.text_input(key=f"{key}_encoding").set_value("klingon")
    app = app.run()
    assert not app.exception
    assert "Unknown text encoding 'klingon': use utf-8, cp1252 (Excel on Windows), latin-1 or utf-16." \
        in apptest_helpers.errors(app)
    app.text_input(key=f"{key}_encoding").set_value("utf-8")
    app.text_input(key=f"{key}_time_zone").set_value("Europe/London")
    app.text_input(key=f"{key}_date_format").set_value("%d/%m/%Y %H:%M")
    app = app.run()
    assert not app.exception and apptest_helpers.errors(app) == []
    assert not app.button(key="import_check").disabled
