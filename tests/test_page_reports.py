"""The Reports page as a lead uses it (streamlit.testing AppTest) on today's small demo organisation:
the pack's figures previewed, texts typed and kept with the pack made, and the packs made before."""

from __future__ import annotations

import datetime as dt

import pytest

from infodash.filters import Filters
from infodash.findings import anomalies, review_anomaly
from infodash.pack_themes import themes_section
from infodash.movers import what_changed_section
from infodash.periods import recent_reporting_periods
from infodash.review import period_figures
from infodash.settings import organisation_time_zone
from infodash.surveys import SUPPRESSED
from infodash.ui.text import escape_markdown
from tests.people import staff
from tests import apptest_helpers


def _last_quarter(store):
    time_zone = organisation_time_zone(store)
    today = dt.datetime.now(time_zone).date()
    return recent_reporting_periods("quarter", today, 2)[1], time_zone


def open_section(app, section: str):
    app.session_state["pack_section"] = section
    return app.run()


def test_the_page_previews_the_last_complete_quarters_figures(app_db):
    app = apptest_helpers.open_page("reports.py", None)
    assert not app.exception
    quarter, time_zone = _last_quarter(app_db)
    figures = period_figures(app_db, [quarter.period], time_zone).iloc[0]
    shown = {metric.label: metric.value for metric in app.metric}
    assert app.selectbox(key="pack_period_quarter").value == quarter
    assert shown["Requests received"] == f"{int(figures['received']):,}"
    assert shown["Share of customers reached"] == f"{figures['reach_share'] * 100:.1f}%"
    assert not app.get("plotly_chart")  # the other sections are read only when their tab is opened
    assert "None yet." in [caption.value for caption in app.caption]


@pytest.mark.parametrize(("section", "charts"), [("Requests and service levels", 3), ("Reach", 2),
                                                 ("Satisfaction", 2)])
def test_each_section_opens_with_its_charts(app_db, section, charts):
    app = open_section(apptest_helpers.open_page("reports.py", None), section)
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts


def test_the_comment_themes_tab_shows_the_latest_waves_themes(app_db):
    app = open_section(apptest_helpers.open_page("reports.py", None), "Comment themes")
    assert not app.exception
    quarter, time_zone = _last_quarter(app_db)
    section = themes_section(app_db, quarter, time_zone, Filters(), dt.datetime.now(dt.UTC))
    assert section.themes.found
    table = next(frame.value for frame in app.dataframe if "top_words" in frame.value.columns)
    assert table["label"].tolist() == section.themes.themes["label"].tolist()
    assert len(app.get("plotly_chart")) == 1
    assert any(f"{section.survey}, {section.wave}" in apptest_helpers.shown(caption.value) for caption in app.caption)


def test_the_anomalies_actioned_in_the_period_are_listed_with_the_hours_saved(app_db):
    found = anomalies(app_db, ("new",)).iloc[0]
    review_anomaly(app_db, int(found["anomaly_id"]), "actioned", staff("Ana Costa"), dt.datetime.now(dt.UTC),
                   "Showed them the batch report", 90)
    app = apptest_helpers.open_page("reports.py", None)
    app.selectbox(key="pack_period_quarter").set_value(recent_reporting_periods(
        "quarter", dt.datetime.now(organisation_time_zone(app_db)).date(), 1)[0]).run()  # this quarter, so far
    app = open_section(app, "Anomalies actioned")
    listed = app.dataframe[0].value
    assert listed[["what_was_done", "hours_saved", "actioned_by"]].values.tolist() == [
        ["Showed them the batch report", 1.5, "Ana Costa"]]
    assert any("saving customers an estimated 1.5 h" in apptest_helpers.shown(caption.value)
               for caption in app.caption)


def test_texts_and_chosen_comments_are_kept_with_the_pack_made_and_listed(app_db):
    app = open_section(apptest_helpers.open_page("reports.py", "Ana Costa"), "Satisfaction")
    app.text_area(key="pack_achievements").input("Launched the patent alert service")
    app.text_area(key="pack_plans").input("Extend chat hours to 18:00")
    comments = next(box for box in app.multiselect if box.key.startswith("pack_comments"))
    comments.select(comments.options[0])
    app = open_section(app.run(), "Headline figures")  # the choice outlives its tab
    assert "Comments to quote: 1 chosen, on the Satisfaction tab." in [caption.value for caption in app.caption]
    app = apptest_helpers.click(app, "Make the pack")
    assert not app.exception and not app.error
    assert any(text.startswith("Made pack #1: Q") for text in apptest_helpers.successes(app))
    with app_db.reading() as db:
        row = db.execute("SELECT achievements, plans, len(comment_ids), created_by, period_key FROM management_packs"
                         ).fetchone()
        formats = db.execute("SELECT list(format ORDER BY format) FROM management_pack_files").fetchone()[0]
    quarter, _ = _last_quarter(app_db)
    assert row == ("Launched the patent alert service", "Extend chat hours to 18:00", 1, "Ana Costa", quarter.key)
    assert formats == ["html", "pptx", "xlsx"]
    assert [button.label for button in app.get("download_button")] == ["PowerPoint", "HTML report", "Excel tables"]
    listed = app.dataframe[-1].value
    assert listed[["pack_id", "created_by"]].values.tolist() == [[1, "Ana Costa"]]
    assert listed["period_label"].iloc[0] == quarter.label()


def test_a_pack_is_not_made_without_the_makers_name(app_db):
    app = apptest_helpers.click(apptest_helpers.open_page("reports.py", None), "Make the pack")
    assert "Enter your name so your entry can be attributed to you." in apptest_helpers.errors(app)
    with app_db.reading() as db:
        assert db.execute("SELECT count(*) FROM management_packs").fetchone()[0] == 0


def test_a_small_group_shows_no_survey_scores_and_offers_no_comments(app_db):
    app = apptest_helpers.open_page("reports.py", None)
    app.sidebar.multiselect(key="filter_groups").select(1).run()  # the Executive board: few respondents
    app = open_section(app, "Satisfaction")
    assert not app.exception
    assert SUPPRESSED in [metric.value for metric in app.metric]
    assert not [box for box in app.multiselect if box.key.startswith("pack_comments")]
    assert any("withheld" in apptest_helpers.shown(info.value) for info in app.info)


def test_a_reporting_year_from_april_renames_the_quarters_offered(app_db):
    app = apptest_helpers.open_page("reports.py", "Ana Costa")
    app.selectbox(key="pack_year_start").set_value(4)
    app.button(key="pack_year_start_save").click()
    app = app.run()
    assert not app.exception
    assert "The reporting year now starts in April (set by Ana Costa)." in apptest_helpers.successes(app)
    offered = app.selectbox(key="pack_period_quarter").options
    assert all("/" in label for label in offered[:4]), offered  # e.g. "Q2 2026/27 (1 Jul - 30 Sep 2026)"
    with app_db.reading() as db:
        assert db.execute("SELECT value FROM settings WHERE key = 'year_start_month'").fetchall() == [("4",)]


def test_the_reporting_year_is_not_changed_without_a_name(app_db):
    app = apptest_helpers.open_page("reports.py", None)
    app.selectbox(key="pack_year_start").set_value(4)
    app.button(key="pack_year_start_save").click()
    app = app.run()
    assert "Enter your name so your entry can be attributed to you." in apptest_helpers.errors(app)
    assert app.selectbox(key="pack_year_start").value == 4  # the choice is kept
    with app_db.reading() as db:
        assert db.execute("SELECT count(*) FROM settings WHERE key = 'year_start_month'").fetchall() == [(0,)]


def test_what_changed_previews_the_packs_first_page(app_db):
    app = open_section(apptest_helpers.open_page("reports.py", None), "What changed")
    assert not app.exception
    quarter, time_zone = _last_quarter(app_db)
    now = dt.datetime.now(dt.UTC)
    expected = what_changed_section(app_db, quarter, time_zone, Filters(), now)
    shown = " ".join(block.value for block in app.markdown)
    assert all(f"- {escape_markdown(sentence)}" in shown for sentence in expected.sentences)
    assert any(escape_markdown(expected.summary) in caption.value for caption in app.caption)
