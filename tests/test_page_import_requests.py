"""The Import requests page before a file is chosen (the upload itself is driven in test_browser.py)."""

from __future__ import annotations

from tests import apptest_helpers


def test_the_page_explains_the_import_and_waits_for_a_file(app_db):
    app = apptest_helpers.open_page("import_requests.py", "Import Tester")
    assert not app.exception
    assert any("nothing is written unless the whole" in caption.value for caption in app.caption)
    assert app.text_input(key="staff_name").value == "Import Tester"
