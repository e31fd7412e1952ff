"""The Feedback page's themes in what customers wrote over the last four weeks (streamlit.testing AppTest) on
today's small demo organisation."""

from __future__ import annotations

import datetime as dt

from infodash.comment_themes import feedback_themes
from infodash.periods import Period
from tests.apptest_helpers import open_page, shown
from tests.conftest import LONDON


def test_the_feedback_page_shows_the_themes_of_the_last_four_weeks_with_their_share_of_complaints(app_db):
    app = open_page("feedback.py", "Ana Costa")
    app.session_state["fb_themes"] = True
    assert not app.run().exception
    today = dt.datetime.now(LONDON).date()
    themes = feedback_themes(app_db, Period(today - dt.timedelta(days=27), today + dt.timedelta(days=1)), LONDON)
    assert themes.found
    table = next(frame.value for frame in app.dataframe if "top_words" in frame.value.columns)
    assert table["label"].tolist() == themes.themes["label"].tolist()
    assert table["average_score"].str.endswith("%").any()
    assert "Themes in what customers wrote, last four weeks" in [expander.label for expander in app.expander]
    quoted = "\n".join(shown(block.value) for block in app.markdown)
    assert all(f"\u201c{comment}\u201d" in quoted for comment in themes.examples["comment"])
