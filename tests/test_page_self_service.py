"""The Self-service page on the demo: the routine candidates ranked by the staff hours they cost, where they come
from, one candidate's requests, and every figure with its definition."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from infodash.accounts import add_account
from infodash.self_service import subject_groups
from tests.apptest_helpers import open_page, sign_in_as
from tests.people import lead

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def test_the_page_ranks_routine_requests_by_the_staff_hours_they_cost(app_db):
    app = open_page("self_service.py", "Ana Costa")
    assert not app.exception and app.title[0].value == "Self-service opportunities"
    cards = {metric.label: metric for metric in app.metric}
    assert list(cards) == ["Routine requests", "Share of requests", "Staff hours a month", "Of all staff hours",
                           "Routine candidates"]
    assert all(card.help for card in cards.values())  # every card has its definition
    ranked = app.dataframe[0].value
    # today's demo: which wording of a template is the most typical one varies with the day the demo ends
    assert [label.split()[0] for label in ranked["label"].head(3)] == ["Access", "Password", "Licence"]
    assert ranked["label"].iloc[0].startswith("Access to account pipeline in the data warehouse")
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["hours_per_month"].is_monotonic_decreasing
    assert int(cards["Routine candidates"].value) == len(ranked)
    assert [tab.label for tab in app.tabs] == ["Candidates", "Where they come from", "One candidate"]
    assert len(app.get("plotly_chart")) == 1  # hours by candidate: only the open tab draws
    app.session_state["ss_section"] = "Where they come from"
    app.run()
    assert any("Of each service's (or customer group's) requests" in caption.value for caption in app.caption)
    assert len(app.get("plotly_chart")) == 2  # share by service, share by group


def test_every_candidate_can_be_shown_with_the_criterion_it_misses(app_db):
    app = open_page("self_service.py", "Ana Costa")
    routine_only = len(app.dataframe[0].value)
    app.toggle(key="ss_show_all").set_value(True).run()
    every = app.dataframe[0].value
    assert len(every) > routine_only
    profile = every[every["label"].str.startswith("Company profile")].iloc[0]
    assert profile["repeats"] and not profile["short_effort"] and not profile["routine"]


def test_a_candidate_shows_its_services_groups_and_example_subjects_to_staff(app_db):
    app = open_page("self_service.py", "Ana Costa")
    candidates = subject_groups(app_db).candidates
    resets = int(candidates[candidates["label"].str.startswith("Password reset")]["candidate"].iloc[0])
    app.session_state["ss_section"] = "One candidate"
    app.session_state["ss_candidate"] = resets  # (AppTest picks by value)
    app.run()
    assert app.selectbox(key="ss_candidate").value == resets
    assert not app.exception
    by_service, by_group, examples = (frame.value for frame in app.dataframe[0:3])
    assert "Data warehouse reports" in by_service["value"].tolist()
    assert by_group["candidate_requests"].sum() == by_service["candidate_requests"].sum()
    assert examples["subject"].str.contains("password", case=False).all()


def test_a_viewer_reads_the_figures_but_not_the_subjects_that_name_customers(app_db):
    vera = add_account(app_db, "vera.board@example.org", "Vera Board", "viewer", None, lead())
    app = sign_in_as(AppTest.from_file(DASHBOARD, default_timeout=60), vera).run()
    app.switch_page("app_pages/self_service.py").run()
    assert not app.exception and app.title[0].value == "Self-service opportunities"
    assert app.dataframe and app.metric
    app.session_state["ss_section"] = "One candidate"
    app.run()
    assert any(caption.value == "Example subjects name the customers who asked: staff see them."
               for caption in app.caption)
    assert "subject" not in [column for frame in app.dataframe for column in frame.value.columns]


def test_without_subjects_the_page_says_what_to_do(quiet_app_db):
    with quiet_app_db.writing() as db:
        db.execute("INSERT INTO requests (customer_id, service_id, channel, received_at, created_by) "
                   "VALUES (1, 1, 'email', now() - INTERVAL 10 DAY, 'fixture')")
    app = open_page("self_service.py", "Ana Costa")
    assert not app.exception
    assert any("No request has a subject yet" in info.value for info in app.info)


def test_the_reports_page_previews_the_packs_self_service_part(app_db):
    app = open_page("reports.py", None)
    app.session_state["pack_section"] = "Self-service"
    app.run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1
    assert app.dataframe[0].value["candidate"].iloc[0] == "Access to account pipeline in the data warehouse for ‹name›"


def test_the_sidebar_filters_narrow_the_figures_to_a_service(app_db):
    app = open_page("self_service.py", "Ana Costa")
    everything = app.metric[0].value
    app.sidebar.multiselect(key="filter_services").select(5).run()  # Data warehouse reports
    assert not app.exception
    assert app.metric[0].value != everything
    share = float(app.metric[1].value.rstrip("%"))
    assert 20 < share < 40  # access, password and licence requests: a third of the systems service's requests
    app.session_state["ss_section"] = "One candidate"
    mixes = [frame.value for frame in app.run().dataframe[0:2]]
    assert mixes[0]["value"].tolist() == ["Data warehouse reports"]


def test_without_service_levels_nothing_counts_as_quick_and_the_page_says_why(quiet_app_db):
    with quiet_app_db.writing() as db:
        db.execute("INSERT INTO requests (customer_id, service_id, channel, subject, received_at, status, closed_at, "
                   "created_by) SELECT 1, 1, 'email', 'Password reset ' || i, now() - INTERVAL 10 DAY, 'resolved', "
                   "now() - INTERVAL 10 DAY + INTERVAL 1 HOUR, 'fixture' FROM range(12) t(i)")
    app = open_page("self_service.py", "Ana Costa")
    assert not app.exception
    assert any("No request has a service-level verdict" in info.value for info in app.info)
    app.toggle(key="ss_show_all").set_value(True).run()
    every = app.dataframe[0].value
    assert every[["label", "requests"]].values.tolist() == [["Password reset ‹number›", 12]]
    assert every["repeats"].tolist() == [True] and every["quick"].tolist() == [False]
