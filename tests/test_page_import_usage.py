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
                                           "was loaded; fix them, or skip the bad rows to load the rest"]
    rejected = app.dataframe[1].value
    assert rejected[["line", "column"]].values.tolist() == [[7, "line"], [17, "time"]]
    app.checkbox(key="usage_skip_bad_rows").check()
    app = apptest_helpers.click(app.run(), "Load")
    assert apptest_helpers.successes(app)[0].startswith("Loaded 16 events from 1 file (0 loaded before) in ")
    assert usage_events(app_db) == before + 16
    assert app.dataframe[-1].value["file_name"].tolist() == ["intranet_access.log"]  # loaded before
    app = apptest_helpers.click(app, "Load")
    assert apptest_helpers.successes(app)[0].startswith("Loaded 0 events from 1 file (16 loaded before) in ")
    assert usage_events(app_db) == before + 16
