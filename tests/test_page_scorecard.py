"""The Scorecard page: initiatives under the four perspectives for everyone; the forms to record an initiative
and a review for leads only (streamlit.testing AppTest)."""

from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

from tests import apptest_helpers
from tests.apptest_helpers import PAGES, click, errors, sign_in_as, successes
from tests.people import viewer


def open_page(tab: str | None = None, name: str | None = "Ana Costa") -> AppTest:
    """The page as the demo lead, with ``tab`` open below the table (the details tab when None)."""
    app = apptest_helpers.open_page("scorecard.py", name)
    if tab:
        app.session_state["sc_section"] = tab
        app.run()
    return app


def _texts(app: AppTest) -> str:
    return " ".join(markdown.value for markdown in app.markdown)


def test_a_viewer_reads_every_initiative_in_one_table_with_its_verdict_in_colour_but_finds_no_forms(app_db):
    app = sign_in_as(AppTest.from_file(str(PAGES / "scorecard.py"), default_timeout=60), viewer()).run()
    assert not app.exception
    assert app.title[0].value == "Scorecard"
    table = app.dataframe[0]
    listed = table.value
    assert "Reach more of the shop floor" in listed["initiative"].tolist()
    assert "Same-day service for everyone: 95% of requests within the service level" in listed["initiative"].tolist()
    assert listed["perspective"].tolist() == sorted(listed["perspective"], key=["Customer", "Internal process",
                                                                               "Learning and growth", "Value"].index)
    assert {"On track", "Not on track"} <= set(listed["verdict"])
    assert all(len(weeks) >= 12 and all(0 <= week for week in weeks) for weeks in listed["weekly"])  # sparklines
    styles = str(table.proto)
    assert "#3b8b5a" in styles and "#c73e1d" in styles  # the verdict colours of infodash.formatting
    assert [tab.label for tab in app.tabs] == ["Initiative details"]
    assert not [button for button in app.button if button.label in ("Save initiative", "Record review")]
    assert not app.text_area and "Leads record initiatives and their reviews here." in [
        caption.value for caption in app.caption]
    assert "Cut the time to first response to half an hour" not in listed["initiative"].tolist()  # closed: on request
    app.toggle(key="sc_closed").set_value(True).run()
    listed = app.dataframe[0].value
    closed = listed[listed["initiative"] == "Cut the time to first response to half an hour"]
    assert closed["review"].iloc[0].startswith("closed ")


def test_the_details_show_the_first_initiative_not_on_track_and_then_the_one_picked(app_db):
    app = open_page()
    listed = app.dataframe[0].value
    first_off_track = int(listed[listed["verdict"] == "Not on track"]["initiative_id"].iloc[0])
    chosen = app.selectbox(key="sc_detail")
    assert chosen.value == first_off_track != int(listed["initiative_id"].iloc[0])
    assert f"**#{chosen.value} " in _texts(app)
    assert {metric.label for metric in app.metric[-4:]} == {"Baseline", "Latest week", "Last 4 weeks", "Trend"}
    reach = app.selectbox(key="sc_detail").options[[option.endswith("Reach more of the shop floor")
                                                    for option in app.selectbox(key="sc_detail").options].index(True)]
    app.selectbox(key="sc_detail").set_value(int(reach.split()[0][1:])).run()
    assert "Reach more of the shop floor**" in _texts(app)
    assert len(app.get("plotly_chart")) == 1  # one chart: the chosen initiative's


def test_a_lead_records_an_initiative_after_a_target_out_of_range_is_explained_and_the_text_kept(app_db):
    app = open_page("Record or change an initiative")
    app.text_area(key="in_statement").input("Answer every request the same day")
    app.selectbox(key="in_perspective").set_value("internal")
    app.selectbox(key="in_metric").set_value("attainment").run()
    assert "Target (%)" in [box.label for box in app.number_input]
    # the baseline is computed as soon as the measure, its scope and the start are chosen, never typed
    assert [caption.value for caption in app.caption if re.match(r"Baseline: \d+\.\d%, the average weekly figure",
                                                                 caption.value)]
    app.number_input(key="in_target").set_value(120)
    app.text_area(key="in_barriers").input("Holiday peaks")
    app.selectbox(key="in_owner").set_value("Dev Patel")
    app = click(app, "Save initiative")
    assert errors(app) == ["Service-level attainment: a target is between 0.0% and 100.0%."]
    assert app.text_area(key="in_statement").value == "Answer every request the same day"
    assert app.text_area(key="in_barriers").value == "Holiday peaks"
    app.number_input(key="in_target").set_value(96)
    app = click(app, "Save initiative")
    assert not app.exception and not errors(app)
    [message] = successes(app)
    initiative_id = int(re.search(r"#(\d+)", message).group(1))
    with app_db.reading() as db:
        assert db.execute("SELECT statement, perspective, metric, scope, target, barriers, owner, created_by "
                          "FROM initiatives WHERE initiative_id = ?", [initiative_id]).fetchone() == (
            "Answer every request the same day", "internal", "attainment", "all", 0.96, "Holiday peaks",
            "Dev Patel", "Ana Costa")
    assert app.text_area(key="in_statement").value == ""  # ready for the next one
    assert "Answer every request the same day" in app.dataframe[0].value["initiative"].tolist()


def test_a_lead_records_a_review_and_a_review_before_the_start_is_refused(app_db):
    with app_db.reading() as db:
        starts_on = db.execute("SELECT starts_on FROM initiatives WHERE initiative_id = 1").fetchone()[0]
    app = open_page("Record a review")
    app.selectbox(key="rv_initiative").set_value(1)
    app.date_input(key="rv_date").set_value(starts_on - dt.timedelta(days=1))
    app.text_area(key="rv_notes").input("Attainment for R&D up since the vendor escalation")
    app = click(app, "Record review")
    assert errors(app) == [f"The review cannot come before the initiative started ({starts_on:%d %b %Y})."]
    assert app.text_area(key="rv_notes").value == "Attainment for R&D up since the vendor escalation"
    app.date_input(key="rv_date").set_value(starts_on + dt.timedelta(weeks=4))
    app.selectbox(key="rv_decision").set_value("refine")
    app = click(app, "Record review")
    assert successes(app) == ["Recorded the review of initiative #1."]
    with app_db.reading() as db:
        assert db.execute("SELECT reviewed_on, decision, notes, reviewed_by FROM initiative_reviews "
                          "WHERE initiative_id = 1").fetchall() == [
            (starts_on + dt.timedelta(weeks=4), "refine", "Attainment for R&D up since the vendor escalation",
             "Ana Costa")]


def test_the_page_works_on_an_empty_database_and_a_lead_can_record_the_first_initiative(empty_app_db):
    app = open_page()
    assert not app.exception
    assert [info.value for info in app.info] == [
        "No open initiative: leads record one below; closed ones show with the toggle above."]
    assert "No initiative to show." in [caption.value for caption in app.caption]
    app.session_state["sc_section"] = "Record or change an initiative"
    assert not app.run().exception
    assert app.text_area(key="in_statement").value == ""


def test_a_lead_changes_an_open_initiative_from_its_loaded_values(app_db):
    app = open_page("Record or change an initiative")
    app.selectbox(key="in_chosen").set_value(2).run()
    assert app.text_area(key="in_statement").value == "Lift satisfaction with how requests are handled"
    assert app.number_input(key="in_target").value == 75.0  # a share, typed in percent
    assert app.selectbox(key="in_owner").value == "Emma Lind"
    app.number_input(key="in_target").set_value(80)
    app = click(app, "Save initiative")
    assert successes(app) == ["Saved the changes to initiative #2."]
    with app_db.reading() as db:
        assert db.execute("SELECT target, owner FROM initiatives WHERE initiative_id = 2").fetchone() == (0.8, "Emma Lind")
        assert db.execute("SELECT count(*) FROM audit_log WHERE entity = 'initiatives' AND action = 'update'"
                          ).fetchone()[0] == 1


def test_the_reports_page_previews_the_packs_initiatives(app_db):
    app = apptest_helpers.open_page("reports.py", None)
    app.session_state["pack_section"] = "Initiatives"
    app = app.run()
    assert not app.exception
    listed = app.dataframe[0].value
    # started 16 weeks before the demo's end: within the last complete quarter, whatever today is
    assert "Same-day service for everyone: 95% of requests within the service level" in listed["initiative"].tolist()
    assert set(listed["verdict"]) <= {"On track", "Not on track", "Not yet measured"}
    assert any("On track when the average of the latest 4 whole weeks" in apptest_helpers.shown(caption.value)
               for caption in app.caption)


def test_a_review_recorded_today_is_the_tables_last_review_at_once(app_db):
    from infodash.initiatives import ReviewDraft, record_review
    from tests.conftest import LONDON
    from tests.people import lead

    today = dt.datetime.now(LONDON).date()
    record_review(app_db, 1, ReviewDraft(today, "Vendor escalation agreed", "continue"), lead("Lead"), today)
    listed = open_page().dataframe[0].value
    assert listed.set_index("initiative_id").loc[1, "last_review"] == f"{today:%d %b %Y}: continue"
