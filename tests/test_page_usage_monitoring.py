"""The Usage monitoring page as a team member uses it (streamlit.testing AppTest) on the small demo:
reviewing the open anomalies, closing them with a note, and the usage overview."""

from __future__ import annotations

import datetime as dt

from infodash.anomalies import SENSITIVITY
from infodash.detection import sensitivity_threshold
from infodash.findings import DETECTORS, MAX_SCORE, SEVERITY_DEFINITION, anomalies, severity
from infodash.periods import Period, last_complete_week
from tests import apptest_helpers
from tests.apptest_helpers import click, errors, shown, successes
from tests.conftest import LONDON

PAGE = "usage_monitoring.py"


def open_anomalies(store):
    found = anomalies(store)
    assert len(found) >= 3, "the small demo plants several anomalies"
    return found


def column_with(app, key: str):
    """The column holding the widget with ``key``: its messages are the ones shown next to that field."""
    return next(column for column in app.columns
                if any(widget.key == key for widget in [*column.text_area, *column.number_input]))


def test_the_open_anomalies_are_listed_most_unusual_first_with_the_top_one_explained(app_db):
    found = open_anomalies(app_db)
    app = apptest_helpers.open_page(PAGE, None)
    assert not app.exception
    labels = [shown(expander.label) for expander in app.expander]
    assert len(labels) == len(found)
    top = found.iloc[0]
    assert labels[0].startswith(f"**{DETECTORS[top['detector']]}: {top['subject']}**")
    assert any(shown(block.value) == top["explanation"] for block in app.markdown)
    assert any(shown(block.value) == f"**Suggested action:** {top['suggested_action']}" for block in app.markdown)
    assert len(app.get("plotly_chart")) == 1  # the open one's evidence; the overview is read in its own tab
    assert [button.label for button in app.button].count("Actioned") == 1  # only the open one's form is drawn


def test_opening_another_anomaly_draws_its_evidence_and_review_buttons(app_db):
    second = open_anomalies(app_db).iloc[1]
    app = apptest_helpers.open_page(PAGE, None)
    app.session_state[f"anomaly_{second['anomaly_id']}"] = True
    app.run()
    assert len(app.get("plotly_chart")) == 2
    assert any(shown(block.value) == second["explanation"] for block in app.markdown)
    assert [button.label for button in app.button].count("Actioned") == 2


def test_choosing_a_detector_lists_only_its_anomalies(app_db):
    found = open_anomalies(app_db)
    detector = found.iloc[-1]["detector"]
    app = apptest_helpers.open_page(PAGE, None)
    app.multiselect(key="usage_detectors").select(detector).run()
    labels = [shown(expander.label) for expander in app.expander]
    assert len(labels) == (found["detector"] == detector).sum()
    assert all(label.startswith(f"**{DETECTORS[detector]}: ") for label in labels)


def test_a_finding_about_a_customer_names_them_beside_the_login_with_a_severity_all_detectors_share(app_db):
    found = open_anomalies(app_db)
    quiet = found[found["detector"] == "quiet_customer"].iloc[0]
    app = apptest_helpers.open_page(PAGE, None)
    app.multiselect(key="usage_detectors").select("quiet_customer").run()
    label = shown(app.expander[0].label)
    assert label == f"**Customer gone quiet: {quiet['customer']} ({quiet['subject']})** · {severity(quiet['score'])} severity"
    assert quiet["explanation"].startswith(f"{quiet['customer']} ({quiet['subject']}, {quiet['customer_group']}) used")
    assert severity(quiet["score"]) in {"low", "medium", "high"}
    assert any(SEVERITY_DEFINITION in shown(caption.value) for caption in app.caption)
    # the 54.8-beside-1.0 problem: every detector's score is on the same scale, a few times its threshold at most
    assert found["score"].between(1.0, MAX_SCORE).all(), found[["detector", "score"]]


def test_marking_an_anomaly_actioned_with_a_note_and_hours_saved_closes_it(app_db):
    top = open_anomalies(app_db).iloc[0]
    anomaly_id = int(top["anomaly_id"])
    app = apptest_helpers.open_page(PAGE, "Ana Costa")
    app.text_area(key=f"done_{anomaly_id}").input("Showed them the batch report")
    app.number_input(key=f"hours_{anomaly_id}").set_value(1.5)
    click(app, "Actioned")
    assert not app.exception
    assert successes(app) == [f"Actioned: {DETECTORS[top['detector']]}: {top['subject']} (1.5 hours saved). "
                              "It is closed and counts in the weekly review."]
    assert all(f"{top['subject']}**" not in shown(expander.label) for expander in app.expander)
    closed = next(frame.value for frame in app.dataframe if "hours_saved" in frame.value.columns)
    assert closed.iloc[0][["status", "note", "by", "hours_saved"]].tolist() == [
        "Actioned", "Showed them the batch report", "Ana Costa", 1.5]
    with app_db.reading() as db:
        assert db.execute("SELECT status, review_note, reviewed_by, minutes_saved FROM anomalies "
                          "WHERE anomaly_id = ?", [anomaly_id]).fetchone() == (
            "actioned", "Showed them the batch report", "Ana Costa", 90)


def test_dismissing_without_a_reason_shows_the_error_next_to_the_field_and_keeps_what_was_typed(app_db):
    anomaly_id = int(open_anomalies(app_db).iloc[0]["anomaly_id"])
    app = apptest_helpers.open_page(PAGE, "Ana Costa")
    app.text_area(key=f"done_{anomaly_id}").input("Asked the vendor")
    app.text_area(key=f"reason_{anomaly_id}").input("   ")
    click(app, "Dismiss")
    message = "Say why this is not worth acting on, e.g. 'Month-end reporting run'."
    assert errors(app) == [message]
    assert [shown(error.value) for error in column_with(app, f"reason_{anomaly_id}").error] == [message]
    assert app.text_area(key=f"done_{anomaly_id}").value == "Asked the vendor"
    with app_db.reading() as db:
        assert db.execute("SELECT status FROM anomalies WHERE anomaly_id = ?", [anomaly_id]).fetchone() == ("new",)
        assert db.execute("SELECT count(*) FROM anomaly_dismissals").fetchone() == (0,)


def test_dismissing_with_a_reason_closes_it_and_remembers_the_pattern(app_db):
    top = open_anomalies(app_db).iloc[0]
    anomaly_id = int(top["anomaly_id"])
    app = apptest_helpers.open_page(PAGE, "Ana Costa")
    app.text_area(key=f"reason_{anomaly_id}").input("Planned migration")
    click(app, "Dismiss")
    assert successes(app) == [f"Dismissed: {DETECTORS[top['detector']]}: {top['subject']}. "
                              "This pattern will not be raised again for it."]
    with app_db.reading() as db:
        assert db.execute("SELECT subject, reason, dismissed_by FROM anomaly_dismissals").fetchall() == [
            (top["subject"], "Planned migration", "Ana Costa")]


def test_marking_one_as_being_reviewed_keeps_it_open_and_says_by_whom(app_db):
    top = open_anomalies(app_db).iloc[0]
    app = apptest_helpers.open_page(PAGE, "Ana Costa")
    click(app, "Reviewing")
    assert successes(app)[0].startswith("Marked as being reviewed by Ana Costa")
    assert shown(app.expander[0].label).endswith("· being reviewed by Ana Costa")
    assert f"{top['subject']}**" in shown(app.expander[0].label)


def test_a_review_without_a_name_asks_for_it(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    click(app, "Reviewing")
    assert errors(app) == ["Enter your name so your entry can be attributed to you."]


def test_running_detection_again_finds_nothing_new_and_says_so(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    assert any("Detection last looked at usage up to" in caption.value for caption in app.caption)
    click(app, "Run detection now")
    assert not app.exception
    assert successes(app)[0].startswith("Detection looked at the usage up to now in ")
    assert "0 new anomalies to review" in successes(app)[0]


def test_the_overview_tab_shows_use_by_system_group_resource_and_adoption(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.session_state["usage_section"] = "Usage overview"
    app.run()
    assert not app.exception
    # use by system, by group, most and least used resources, adoption
    assert len(app.get("plotly_chart")) == 5
    assert not app.expander  # the anomalies are not read while their tab is closed


def test_the_overview_follows_the_chosen_period_and_measure(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.session_state["usage_section"] = "Usage overview"
    app.run()
    app.segmented_control(key="usage_span").set_value(4).run()
    app.segmented_control(key="usage_measure").set_value("active_users").run()
    assert not app.exception
    titles = [chart.proto.spec for chart in app.get("plotly_chart")]
    assert any("Active users per week by system" in spec for spec in titles)
    assert any("Adoption" in spec for spec in titles)
    last_week = last_complete_week(dt.datetime.now(LONDON).date())
    period = Period(last_week.end - dt.timedelta(weeks=4), last_week.end)
    assert any(caption.value.startswith(f"{period.label()}, complete weeks") for caption in app.caption)


def test_an_organisation_without_usage_says_there_is_nothing_to_review(quiet_app_db):
    app = apptest_helpers.open_page(PAGE, None)
    assert not app.exception
    assert any("Nothing to review" in block.value for block in app.info)
    assert any("Detection has not run on this database yet." in caption.value for caption in app.caption)


def test_a_named_lead_can_make_detection_more_sensitive(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.radio(key="usage_sensitivity").set_value("high")
    click(app, "Save")
    assert errors(app) == ["Enter your name so your entry can be attributed to you."]
    app.session_state["staff_name"] = "Ana Costa"
    click(app, "Save")
    assert successes(app) == ["Sensitivity set to high by Ana Costa; it applies from the next detection run."]
    assert sensitivity_threshold(app_db) == SENSITIVITY["high"]
    assert any(shown(caption.value).startswith("Sensitivity: **high**") for caption in app.caption)
