"""The Import customers page: an HR export's columns matched from its headers, checked, then imported; a grade
the file uses is translated on the page; what the import did is said in words."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import apptest_helpers

PAGE = "import_customers.py"
EXPORT = ("Employee ID,Full name,Email,Department,Grade,Division\n"
          "E1,Alice Adams,alice@example.org,Lab,E1,Research\n"
          "E9,Gina Green,gina@example.org,Legal,Staff,Legal & compliance\n").encode()


def upload(app: AppTest, content: bytes = EXPORT) -> AppTest:
    app.file_uploader(key="customers_file").set_value(("hr.csv", content, "text/csv"))
    return app.run()


def test_an_hr_export_is_matched_checked_and_imported(quiet_app_db):
    app = upload(apptest_helpers.open_page(PAGE, "Hana Reyes"))
    key = "customers_suggested_hr.csv"
    assert not app.exception
    assert [app.selectbox(key=f"{key}_column_{name}").value for name in ("external_id", "name", "group")] == [
        "Employee ID", "Full name", "Division"]
    app = apptest_helpers.click(app, "Check every row")
    assert [error for error in apptest_helpers.errors(app) if "problem" in error] == [
        "2 problems in 2 rows; nothing was written. Fix them in the file (or the mapping) and check again."]
    app.text_area(key=f"{key}_seniority_map").input("E1=executive")
    app.checkbox(key=f"{key}_create_groups").check()
    app = apptest_helpers.click(app.run(), "Check every row")
    assert apptest_helpers.successes(app) == [
        "Every row is good. On Import: 1 new, 1 changed, 0 unchanged, 0 back after leaving, 0 marked as having left."]
    app = apptest_helpers.click(app, "Import")
    assert not app.exception
    assert apptest_helpers.successes(app) == [
        "Imported: 1 new, 1 changed, 0 unchanged, 0 back after leaving, 0 marked as having left."]  # Alice was known
    with quiet_app_db.reading() as db:
        assert db.execute("SELECT c.name, seniority, g.name FROM customers c JOIN customer_groups g USING (group_id) "
                          "WHERE source = 'directory' ORDER BY 1").fetchall() == [
            ("Alice Adams", "executive", "Research"), ("Gina Green", "staff", "Legal & compliance")]


def test_a_translation_typed_wrong_is_said_under_its_box(quiet_app_db):
    app = upload(apptest_helpers.open_page(PAGE, "Hana Reyes"))
    app.text_area(key="customers_suggested_hr.csv_seniority_map").input("E1 executive").run()
    assert not app.exception
    assert "Write NAME=VALUE, not 'E1 executive'." in apptest_helpers.errors(app)
    assert app.button(key="customers_check").disabled
