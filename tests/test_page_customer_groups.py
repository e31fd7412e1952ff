"""The Customer groups page as a lead uses it (streamlit.testing AppTest) on the small demo organisation:
the breakdown and its figures, another breakdown, the drill-down into a group's customers and on to a
customer's profile, every section and its downloads."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit as st

from infodash.groups import breakdown, group_customers
from infodash.periods import Period, last_complete_week
from infodash.ui.group_sections import SECTIONS
from tests import apptest_helpers
from tests.conftest import LONDON
from tests.people import viewer

PAGE = "customer_groups.py"


def default_period() -> Period:
    last_week = last_complete_week(dt.datetime.now(LONDON).date())
    return Period(last_week.end - dt.timedelta(weeks=13), last_week.end)


def table(app, key: str):
    return next(frame.value for frame in app.dataframe if frame.key == key)


def select_row(app, key: str, row: int):
    app.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return app.run()


def downloads(app) -> int:
    return len(app.get("download_button"))


def test_the_page_shows_every_customer_group_with_the_librarys_figures(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    assert not app.exception and app.title[0].value == "Customer groups"
    expected = breakdown(app_db, "customer group", default_period(), LONDON).cells
    shown = table(app, "groups_table_customer group")
    assert shown["cell"].tolist() == expected["cell"].tolist()
    assert shown["customers_served"].tolist() == expected["customers_served"].tolist()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Customers served"] == f"{expected['customers_served'].sum():,}"
    assert metrics["Requests received"] == f"{expected['received'].sum():,}"
    assert all(metric.help for metric in app.metric)  # every card has its definition
    assert app.tabs[0].label == "Reach" and len(app.get("plotly_chart")) == 1  # only the open tab draws
    assert downloads(app) == 1  # the breakdown table
    app.session_state["groups_section"] = "Channels and effort"
    assert len(app.run().get("plotly_chart")) == 2 and downloads(app) == 2  # and the channel table


def test_switching_the_breakdown_to_seniority(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.selectbox(key="groups_dimension").set_value("seniority").run()
    assert not app.exception
    assert table(app, "groups_table_seniority")["cell"].tolist() == ["executive", "senior", "middle", "staff"]


def test_choosing_a_quarter_compares_it_with_the_period_before(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.segmented_control(key="groups_span").set_value("quarter").run()
    assert not app.exception
    quarter = app.selectbox(key="groups_quarter").value
    assert any(caption.value.startswith(quarter.covered(dt.datetime.now(LONDON).date()).label())
               for caption in app.caption)


def test_selecting_a_group_lists_its_customers_and_a_customer_opens_their_profile(app_db, monkeypatch):
    opened = []
    monkeypatch.setattr(st, "switch_page", lambda page, **kwargs: opened.append(page))
    app = apptest_helpers.open_page(PAGE, None)
    groups = table(app, "groups_table_customer group")
    app = select_row(app, "groups_table_customer group", 1)
    assert not app.exception
    customers = table(app, "groups_customers")
    expected = group_customers(app_db, "customer group", groups["cell"].iloc[1], default_period(), LONDON)
    assert customers["customer"].tolist() == expected["customer"].tolist()
    assert any(f"{groups['cell'].iloc[1]}**" in apptest_helpers.shown(block.value) for block in app.markdown)
    app = select_row(app, "groups_customers", 0)
    assert opened == ["app_pages/customer_profile.py"]
    assert app.session_state["profile_customer"] == int(expected["customer_id"].iloc[0])


@pytest.mark.parametrize("section", list(SECTIONS)[1:])
def test_every_section_opens_with_its_tables_to_download(app_db, section):
    app = apptest_helpers.open_page(PAGE, None)
    app.session_state["groups_section"] = section
    app.run()
    assert not app.exception
    assert downloads(app) > 1, section  # the breakdown table's and the section's own


def test_satisfaction_per_department_hides_small_departments(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.selectbox(key="groups_dimension").set_value("department").run()
    app.session_state["groups_section"] = "Satisfaction"
    app.run()
    scores = next(frame.value for frame in app.dataframe if "Department" in frame.value.columns)
    small = scores[scores["responses"].astype(int) < 5]
    assert len(small) and (small["NPS"] == "fewer than 5 responses").all()


def test_the_not_contacted_list_names_customers_silent_for_90_days(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.session_state["groups_section"] = "Not contacted"
    app.run()
    silent = next(frame.value for frame in app.dataframe if "days_since_contact" in frame.value.columns
                  and "email" in frame.value.columns)
    assert len(silent) and (silent["days_since_contact"].dropna() >= 90).all()


def test_a_group_without_customers_says_so(quiet_app_db):
    with quiet_app_db.writing() as db:
        db.execute("INSERT INTO customer_groups VALUES (2, 'Sales', NULL, 2)")
    app = apptest_helpers.open_page(PAGE, None)
    app.sidebar.multiselect(key="filter_groups").select(2).run()
    app.selectbox(key="groups_dimension").select("department").run()  # (by group, the empty group is a cell)
    assert not app.exception
    assert any("No customers in the chosen customer groups" in info.value for info in app.info)


def test_a_period_without_activity_shows_every_section_empty_but_whole(app_db):
    app = apptest_helpers.open_page(PAGE, None)
    app.segmented_control(key="groups_span").set_value("custom").run()
    app.date_input(key="groups_dates").set_value((dt.date(2020, 1, 6), dt.date(2020, 1, 12))).run()
    for section in SECTIONS:
        app.session_state["groups_section"] = section
        app.run()
        assert not app.exception, section
    assert {metric.label: metric.value for metric in app.metric}["Customers served"] == "0"


def test_a_viewer_sees_a_groups_customers_but_is_not_sent_to_profiles_it_may_not_open(app_db, monkeypatch):
    opened = []
    monkeypatch.setattr(st, "switch_page", lambda page, **kwargs: opened.append(page))
    app = apptest_helpers.sign_in_as(apptest_helpers.AppTest.from_file(str(apptest_helpers.PAGES / PAGE),
                                                                               default_timeout=60),
                                     viewer("Vera Board")).run()
    app = select_row(app, "groups_table_customer group", 1)
    assert not app.exception and len(app.dataframe) == 2  # the breakdown, the group's customers
    assert not any("Select a customer" in block.value for block in app.markdown)
    app = select_row(app, "groups_customers", 0)
    assert not app.exception and opened == []
