"""The Import usage page: what it asks for, and an uploaded access log checked, loaded, and loaded again."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests import apptest_helpers

LOG = Path(__file__).parent / "fixtures" / "intranet_access.log"
PAGE = "import_usage.py"


def usage_events(store) -> int:
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM usage_events").fetchone()[0]


def upload_log(app: AppTest) -> AppTest:
    app.file_uploader(key="usage_files").set_value([("intranet_access.log", LOG.read_bytes(), "text/plain")])
    app.run()
    app.selectbox(key="usage_system").set_value("Intranet")
    return app.run()


def test_the_page_explains_the_import_and_offers_the_systems(app_db):
    app = apptest_helpers.open_page(PAGE, "Import Tester")
    assert not app.exception and app.title[0].value == "Import usage"
    assert any("Only what is new is added" in caption.value for caption in app.caption)
    assert app.selectbox(key="usage_system").options == [
        "(the file's system column)", "Data warehouse", "Intranet", "News alerts", "Research databases",
        "(a new system)"]
    assert any(caption.value == "No usage has been loaded from a file yet." for caption in app.caption)
    assert [button.label for button in app.button] == []  # nothing to check before a file is chosen


def test_an_uploaded_access_log_is_checked_then_loaded_once(app_db):
    before = usage_events(app_db)
    app = apptest_helpers.click(upload_log(apptest_helpers.open_page(PAGE, "Import Tester")), "Check the files")
    assert not app.exception
    assert apptest_helpers.errors(app) == ["intranet_access.log: 2 of 20 rows have problems, so nothing of the file "
                                           "was loaded; fix them, or skip the bad rows to load the rest (over 1% of a log's lines "
                                           "unreadable: is it an access log?)"]
    rejected = app.dataframe[1].value
    assert rejected[["line", "column"]].values.tolist() == [[7, "line"], [17, "time"]]
    app.checkbox(key="usage_skip_bad_rows").check()
    app = apptest_helpers.click(app.run(), "Load")
    assert apptest_helpers.successes(app)[0].startswith("Loaded 15 events from 1 file (0 loaded before) in ")
    assert usage_events(app_db) == before + 15
    assert app.dataframe[-1].value["file_name"].tolist() == ["intranet_access.log"]  # loaded before
    app = apptest_helpers.click(app, "Load")
    assert apptest_helpers.successes(app)[0].startswith("Loaded 0 events from 1 file (15 loaded before) in ")
    assert usage_events(app_db) == before + 15


EXPORT = ("when,login,app,event,page\n"
          "2026-11-16 09:00:00,ana.costa,Intranet,PAGE_VIEW,/import-test/benefits\n"
          "2026-11-16 09:05:00,ana.costa,Intranet,DL,/import-test/handbook.pdf\n"
          "2026-11-16 09:07:00,ben.ode,Intranet,search,/import-test/search\n")


def test_a_file_with_its_own_column_names_and_action_values_loads_once_told_them(app_db):
    before = usage_events(app_db)
    app = apptest_helpers.open_page(PAGE, "Import Tester")
    app.file_uploader(key="usage_files").set_value([("export.csv", EXPORT.encode(), "text/csv")])
    app = apptest_helpers.click(app.run(), "Check the files")
    assert any("the file has no column timestamp, user, system, action, resource" in error
               for error in apptest_helpers.errors(app))  # it says which columns the file has
    for field, column in {"timestamp": "when", "user": "login", "system": "app", "action": "event",
                          "resource": "page"}.items():
        app.text_input(key=f"usage_column_{field}").input(column)
    app.text_area(key="usage_actions").input("PAGE_VIEW=view\nDL=download")
    app = apptest_helpers.click(app.run(), "Load")
    assert not app.exception
    assert apptest_helpers.successes(app)[0].startswith("Loaded 3 events from 1 file (0 loaded before) in ")
    with app_db.reading() as db:
        actions = db.execute("SELECT resource, action FROM usage_events WHERE resource LIKE '/import-test/%' "
                             "ORDER BY occurred_at").fetchall()
    assert actions == [("/import-test/benefits", "view"), ("/import-test/handbook.pdf", "download"),
                       ("/import-test/search", "search")]
    assert usage_events(app_db) == before + 3


def test_a_wrong_action_translation_is_explained_under_it_and_nothing_can_be_checked(app_db):
    app = apptest_helpers.open_page(PAGE, "Import Tester")
    app.file_uploader(key="usage_files").set_value([("export.csv", EXPORT.encode(), "text/csv")])
    app.text_area(key="usage_actions").input("PAGE_VIEW").run()
    assert "Write NAME=VALUE, not 'PAGE_VIEW'." in apptest_helpers.errors(app)
    app.text_area(key="usage_actions").input("PAGE_VIEW=look").run()
    assert any(error.startswith("Translate into one of view, search") for error in apptest_helpers.errors(app))
    assert app.text_area(key="usage_actions").value == "PAGE_VIEW=look"  # kept as typed
    assert all(button.disabled for button in app.button if button.label in ("Check the files", "Load"))
