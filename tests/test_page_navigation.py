"""The app as a whole: navigation from dashboard.py, and filters that persist across pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_filters_chosen_on_one_page_are_still_set_after_visiting_another(app_db):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception and app.title[0].value == "Weekly review"
    app.sidebar.multiselect(key="filter_groups").select(3).run()
    app.switch_page("pages/log_touchpoint.py").run()
    assert not app.exception and app.title[0].value == "Log touchpoint"
    app.switch_page("pages/weekly_review.py").run()
    assert app.title[0].value == "Weekly review"
    assert app.sidebar.multiselect(key="filter_groups").value == [3]
