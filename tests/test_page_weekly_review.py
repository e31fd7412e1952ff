"""The weekly review page as a user sees it (streamlit.testing AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from infodash.db import Store
from infodash.filters import Filters
from infodash.findings import anomalies, review_anomaly
from infodash.movers import what_changed
from infodash.periods import first_days, last_complete_week, span_label, week_containing
from infodash.review import compared_week, weekly_summary
from infodash.surveys import MEASURE_TITLES, WaveSummary, latest_wave_summary
from infodash.ui.text import escape_markdown
from tests import apptest_helpers
from tests.conftest import LONDON
from tests.people import staff

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "weekly_review.py")


def run_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def latest_waves(store: Store) -> tuple[WaveSummary, WaveSummary | None]:
    """The wave survey and the post-request feedback the review shows (which survey depends on today's date)."""
    last_day = last_complete_week(dt.datetime.now(LONDON).date()).end - dt.timedelta(days=1)
    return latest_wave_summary(store, last_day), latest_wave_summary(store, last_day, post_request=True)


def test_the_review_shows_last_weeks_figures_from_the_library(app_db):
    app = run_page()
    assert not app.exception
    week = last_complete_week(dt.datetime.now(LONDON).date())
    expected = weekly_summary(app_db, week, LONDON).current
    shown = metrics(app)
    survey, feedback = latest_waves(app_db)
    survey_cards = (1 + (survey.nps is not None) + (survey.csat is not None) + bool(survey.invited)
                    + (feedback is not None and feedback.csat is not None))
    assert survey_cards >= 4  # overall score, NPS, response rate, after-request CSAT at least
    assert len(shown) == 15 + survey_cards + 5  # and the five feedback cards (test_page_feedback.py)
    assert shown["SLA attainment"].endswith("%")
    assert shown["Requests in"] == f"{expected['received']:,.0f}"
    assert shown["Touchpoints"] == f"{expected['touchpoints']:,.0f}"
    assert shown["Median, elapsed"] == f"{expected['median_resolution_hours']:.1f} h"
    assert shown["Share reached"] == f"{expected['reach_share'] * 100:.1f}%"
    assert expected["received"] > 50  # the demo week is a busy one, not an empty state
    assert any("Demo data" in block.value for block in app.sidebar.info)
    assert not app.tabs and not app.get("plotly_chart")  # the cards' lines show the 12 weeks; the charts wait
    app.session_state["review_trends"] = True  # the expander opened
    app.run()
    assert [tab.label for tab in app.tabs] == ["Requests", "Resolution time", "Touchpoints by channel", "Table"]
    charts = [len(app.get("plotly_chart"))]
    for tab in ("Resolution time", "Touchpoints by channel"):
        app.session_state["review_trend"] = tab
        charts.append(len(app.run().get("plotly_chart")))
    assert charts == [1, 1, 1]  # one trend at a time: only the open tab reads and draws


def test_the_review_shows_the_latest_survey_wave_and_its_change(app_db):
    app = run_page()
    survey, feedback = latest_waves(app_db)
    shown = {metric.label: metric for metric in app.metric}
    overall = f"Overall {MEASURE_TITLES[survey.headline_measure].split(' (')[0].lower()}"  # e.g. "Overall gap"
    assert shown[overall].value == f"{survey.headline['mean']:.2f}"
    assert shown[overall].delta == f"{survey.headline['change']:+.2f}"
    assert shown[f"NPS (± {survey.nps['margin']:.0f})"].value == f"{survey.nps['nps']:,.0f}"
    assert shown["Response rate"].value == f"{survey.responses / survey.invited * 100:.1f}%"
    assert shown["After-request CSAT"].value == f"{feedback.csat['share'] * 100:.1f}%"
    assert any(survey.wave in apptest_helpers.shown(caption.value) for caption in app.caption)


def test_choosing_a_customer_group_filters_every_card(app_db):
    app = run_page()
    before = metrics(app)
    app.sidebar.multiselect(key="filter_groups").select(9).run()  # Operations, the shop floor
    week = last_complete_week(dt.datetime.now(LONDON).date())
    expected = weekly_summary(app_db, week, LONDON, Filters(group_ids=(9,))).current
    shown = metrics(app)
    counts = {"Requests in": "received", "Resolved": "resolved", "Open at week end": "open_at_end",
              "Declined": "declined", "Touchpoints": "touchpoints", "Customers served": "customers_served",
              "Follow-ups due": "follow_ups_due", "Follow-ups open": "follow_ups_open"}
    assert {label: shown[label] for label in counts} == {label: f"{expected[name]:,.0f}" for label, name in counts.items()}
    assert shown["Share reached"] == f"{expected['reach_share'] * 100:.1f}%"
    assert shown["Requests in"] != before["Requests in"]


def test_choosing_an_earlier_week(app_db):
    app = run_page()
    picker = app.selectbox(key="review_week")
    picker.select(picker.value.previous()).run()
    week = last_complete_week(dt.datetime.now(LONDON).date()).previous()
    assert metrics(app)["Requests in"] == f"{weekly_summary(app_db, week, LONDON).current['received']:,.0f}"


def test_an_organisation_without_activity_shows_an_empty_state_not_an_error(quiet_app_db):
    app = run_page()
    assert not app.exception
    assert any("Nothing was logged in this week" in block.value for block in app.info)
    assert metrics(app)["Requests in"] == "0"
    assert metrics(app)["Median, elapsed"] == "-"


def test_the_first_start_creates_demo_data_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("INFODASH_DB", str(tmp_path / "new" / "infodash.duckdb"))
    app = run_page()
    assert not app.exception
    assert (tmp_path / "new" / "infodash.duckdb").exists()
    assert any("Demo data" in block.value for block in app.sidebar.info)
    assert metrics(app)["Requests in"] != "0"


def test_the_survey_and_wave_names_are_shown_as_typed(app_db):
    week = last_complete_week(dt.datetime.now(LONDON).date())
    survey = latest_wave_summary(app_db, week.end - dt.timedelta(days=1))
    feedback = latest_wave_summary(app_db, week.end - dt.timedelta(days=1), post_request=True)
    with app_db.writing() as db:
        db.execute("UPDATE surveys SET name = 'Services *2026*' WHERE survey_id = ?", [survey.survey_id])
        db.execute("UPDATE survey_waves SET name = '[Autumn](https://example.org)' WHERE wave_id = ?",
                   [survey.wave_id])
        db.execute("UPDATE survey_waves SET name = 'After **Q4**' WHERE wave_id = ?", [feedback.wave_id])
    app = run_page()
    caption = next(caption.value for caption in app.caption if caption.value.startswith("Survey:"))
    assert caption.startswith("Survey: Services \\*2026\\*, \\[Autumn\\]\\(https\\:")
    after_request = next(metric for metric in app.metric if metric.label == "After-request CSAT")
    assert "resolved; After \\*\\*Q4\\*\\*. Change" in after_request.proto.help


def test_anomalies_actioned_in_the_week_and_the_hours_they_saved_are_shown(app_db):
    week = last_complete_week(dt.datetime.now(LONDON).date())
    found = anomalies(app_db)
    in_week = dt.datetime.combine(week.start, dt.time(10), LONDON) + dt.timedelta(days=2)
    review_anomaly(app_db, int(found.iloc[0]["anomaly_id"]), "actioned", staff("Ana Costa"), in_week, "Taught lists", 90)
    review_anomaly(app_db, int(found.iloc[1]["anomaly_id"]), "actioned", staff("Ana Costa"), in_week, "Fixed the link")
    review_anomaly(app_db, int(found.iloc[2]["anomaly_id"]), "actioned", staff("Ana Costa"),
                   in_week - dt.timedelta(weeks=1), "Training", 30)  # the week before
    shown = {metric.label: metric for metric in run_page().metric}
    assert (shown["Anomalies actioned"].value, shown["Anomalies actioned"].delta) == ("2", "+1")
    assert shown["Anomalies actioned"].proto.delta_description == "1.5 h saved"


def test_the_week_so_far_is_compared_with_the_same_days_of_the_week_before_and_no_change_shows_no_arrow(app_db):
    app = run_page()
    app.selectbox(key="review_week").set_value(app.selectbox(key="review_week").options[0]).run()
    assert not app.exception
    today = dt.datetime.now(LONDON).date()
    if today.weekday() < 6:  # on a Sunday the week so far has every day of the week before
        assert any("arrows compare with the same days of the week before" in caption.value
                   for caption in app.caption)
    unchanged = [metric for metric in app.metric if metric.proto.delta in ("0", "0.0 h", "0.0 pts")]
    assert unchanged and all(metric.proto.color == Metric.GRAY and metric.proto.direction == Metric.NONE
                              for metric in unchanged), [
        (metric.label, metric.proto.delta, metric.proto.color, metric.proto.direction) for metric in unchanged]


def test_the_twelve_weeks_are_a_labelled_table_to_download(app_db):
    app = run_page()
    app.session_state["review_trends"] = True
    app.session_state["review_trend"] = "Table"
    app.run()
    table = next(frame for frame in app.dataframe if "touchpoint_minutes" in frame.value)
    assert len(table.value) == 12 and "period_start" not in table.value
    assert table.value["reach_share"].between(0, 100).all()  # in percent, as the card shows it
    assert any(button.proto.label == "Download CSV" for button in app.get("download_button"))


def test_the_survey_gap_says_in_words_whether_service_meets_expectations(app_db):
    card = next(metric for metric in run_page().metric if metric.label == "Overall gap")
    gap = float(card.value.replace("−", "-"))
    assert card.proto.delta_description == ("short of expectations" if gap < 0 else "meets expectations")


def test_what_changed_says_the_weeks_biggest_significant_movers_in_words(app_db):
    app = run_page()
    assert not app.exception
    week = last_complete_week(dt.datetime.now(LONDON).date())
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    expected = what_changed(app_db, week, week.previous(), LONDON, now=now)
    assert [header.value for header in app.subheader][0] == "What changed"
    shown = " ".join(block.value for block in app.markdown)
    assert all(f"- {escape_markdown(sentence)}" in shown for sentence in expected.sentences)
    assert any(escape_markdown(expected.summary) in caption.value for caption in app.caption)
    assert not expected.movers.empty  # the demo week has movers, each with its test and p-values in a table
    assert not app.dataframe  # drawn when its expander is opened
    app.session_state["review_what_changed_tests"] = True
    table = app.run().dataframe[0].value
    assert list(table["change"]) == expected.sentences
    assert list(table["test"]) == list(expected.movers["test"])


def test_what_changed_says_so_when_nothing_moved(quiet_app_db):
    app = run_page()
    assert not app.exception
    assert any("- No figure changed significantly from the previous week\\." in block.value
               for block in app.markdown)


def test_the_week_so_far_is_compared_with_the_same_days_of_the_week_before(app_db):
    app = run_page()
    picker = app.selectbox(key="review_week")
    running = week_containing(dt.datetime.now(LONDON).date())
    picker.select(running).run()
    assert not app.exception
    today = dt.datetime.now(LONDON).date()
    compared = compared_week(running, today)
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    expected = what_changed(app_db, first_days(running, compared.days), compared, LONDON, now=now,
                            compared_with=f"the same days of the previous week ({span_label(compared)})")
    shown = " ".join(block.value for block in app.markdown)
    assert all(f"- {escape_markdown(sentence)}" in shown for sentence in expected.sentences)
    assert any(escape_markdown(expected.summary) in caption.value for caption in app.caption)
