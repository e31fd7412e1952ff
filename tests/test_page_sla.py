"""The Service levels page (streamlit.testing AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from infodash.formatting import target_verdict
from infodash.periods import Period, last_complete_week
from infodash.sla_reports import attainment_by
from tests.apptest_helpers import sign_in_as_demo
from tests.conftest import LONDON

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "sla_performance.py")


def test_the_page_shows_the_librarys_attainment_for_the_last_12_weeks(app_db):
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    last_week = last_complete_week(dt.datetime.now(LONDON).date())
    period = Period(last_week.end - dt.timedelta(weeks=12), last_week.end)
    expected = attainment_by(app_db, "all", period, LONDON).iloc[0]
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Attainment"] == f"{expected['attainment'] * 100:.1f}%"
    assert shown["Promised"] == "95.0%"
    assert 0.85 < expected["attainment"] < 0.97  # mostly met, some worse services
    card = next(metric for metric in app.metric if metric.label == "Attainment").proto
    verdict = target_verdict(expected["attainment"], 0.95)  # the card says it in words and colour
    assert card.delta.endswith("95.0% target") and card.color == {"met": Metric.GREEN, "close": Metric.ORANGE,
                                                                  "missed": Metric.RED}[verdict]
    assert card.delta.startswith("meets") == (verdict == "met")
    assert any("Attainment = requests resolved within target" in caption.value for caption in app.caption)
    assert [tab.label for tab in app.tabs] == ["By week", "Breakdown", "Time to resolve", "Late or at risk now",
                                               "Breaches and reasons"]
    charts = [len(app.get("plotly_chart"))]
    for tab in ("Breakdown", "Time to resolve", "Late or at risk now", "Breaches and reasons"):
        app.session_state["sla_section"] = tab
        charts.append(len(app.run().get("plotly_chart")))
    assert charts == [1, 1, 1, 0, 1]  # only the open tab draws: one chart each, the late list none
    assert [metric.label for metric in app.metric][:2] == ["Attainment", "Promised"]  # the cards stay on top


def test_switching_the_breakdown_and_the_span(app_db):
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.session_state["sla_section"] = "Breakdown"
    app.run().selectbox(key="sla_dimension").set_value("customer group").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) == 10 and "Operations" in set(table["value"])
    app.session_state["sla_span"] = 4
    app.run()
    assert not app.exception
    last_week = last_complete_week(dt.datetime.now(LONDON).date())
    four_weeks = Period(last_week.end - dt.timedelta(weeks=4), last_week.end).label()
    assert any(caption.value.startswith(four_weeks) for caption in app.caption)


def test_an_organisation_without_requests_says_there_is_nothing_to_judge(quiet_app_db):
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    assert any("No requests with a service-level policy" in block.value for block in app.info)


def test_a_breach_reason_is_recorded_from_the_page(app_db):
    app = sign_in_as_demo(AppTest.from_file(PAGE, default_timeout=60))
    app.session_state["staff_name"] = "Lead Person"
    app.session_state["sla_section"] = "Breaches and reasons"
    app.run()
    request_id = app.selectbox(key="br_request").value
    app.selectbox(key="br_reason").set_value("capacity")
    next(button for button in app.button if button.label == "Record reason").click()
    app.run()
    assert not app.exception
    with app_db.reading() as db:
        assert db.execute("SELECT breach_reason FROM requests WHERE request_id = ?", [request_id]).fetchone() == (
            "capacity",)
    assert request_id not in app.selectbox(key="br_request").options


def test_any_dates_can_be_chosen(app_db):
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.session_state["sla_span"] = "custom"
    app.session_state["sla_dates"] = (dt.date(2026, 1, 5), dt.date(2026, 1, 11))
    app.run()
    assert not app.exception
    assert any(caption.value.startswith("Week 2, 05 Jan - 11 Jan 2026") for caption in app.caption)
