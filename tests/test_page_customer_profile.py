"""The Customer profile page as a team member uses it (streamlit.testing AppTest) on the small demo:
finding a customer, reading their profile, arriving from a link or another page, and logging a
touchpoint for them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from infodash.accounts import Account, add_account
from infodash.db import Store
from tests import apptest_helpers
from tests.apptest_helpers import click, shown
from tests.people import lead

PAGE = "customer_profile.py"
ROOT = Path(__file__).resolve().parents[1]
# Two pages under one navigation, as dashboard.py sets them up, so that the profile can switch pages.
NAVIGATION = """
import streamlit as st
st.navigation([st.Page("app_pages/log_touchpoint.py", title="Log touchpoint", default=True),
               st.Page("app_pages/customer_profile.py", title="Customer profile")]).run()
"""


def busiest_customer(store: Store, active: bool = True) -> tuple[int, str, str]:
    """(id, name, e-mail) of the active (or inactive) customer with the most requests."""
    with store.reading() as db:
        return db.execute("SELECT c.customer_id, c.name, c.email FROM customers c JOIN requests r USING (customer_id) "
                          "WHERE c.active = ? GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1", [active]).fetchone()


@pytest.fixture
def app_with_navigation(tmp_path: Path) -> AppTest:
    """The profile and Log touchpoint pages in one app (paths as in dashboard.py), on the Log touchpoint page."""
    (tmp_path / "app_pages").symlink_to(ROOT / "app_pages")
    (tmp_path / "app.py").write_text(NAVIGATION, encoding="utf-8")
    app = apptest_helpers.sign_in_as_demo(AppTest.from_file(str(tmp_path / "app.py"), default_timeout=60))
    app.session_state["staff_name"] = "Test Person"
    return app.run()


def open_profile(customer_id: int | None = None) -> AppTest:
    app = AppTest.from_file(str(apptest_helpers.PAGES / PAGE), default_timeout=60)
    if customer_id is not None:
        app.session_state["profile_customer"] = customer_id
    return app.run()


SECTIONS = ["Timeline", "Usage by week", "Anomalies", "Survey responses", "Complaints, compliments and suggestions"]


def profile_name(app: AppTest) -> str:
    return shown(app.subheader[0].value)


def timeline_of(app: AppTest):
    return next(frame.value for frame in app.dataframe if "title" in frame.value.columns)


def test_without_a_customer_the_page_asks_for_one(app_db):
    app = open_profile()
    assert not app.exception
    assert any("Search for a customer" in info.value for info in app.info)
    assert not app.metric


def test_searching_by_e_mail_opens_the_customers_profile_with_their_timeline(app_db, monkeypatch):
    monkeypatch.setattr("infodash.customers.FULL_LIST_LIMIT", 100)  # a large organisation: search first
    customer_id, name, email = busiest_customer(app_db)
    app = open_profile()
    app.text_input(key="profile_search").input(email).run()
    options = app.selectbox(key="profile_customer").options
    assert len(options) == 1 and options[0].startswith(f"{name} · {email} · ")
    app.selectbox(key="profile_customer").set_value(customer_id).run()
    assert not app.exception
    assert profile_name(app) == name
    with app_db.reading() as db:
        requests, touchpoints = db.execute(
            "SELECT (SELECT count(*) FROM requests WHERE customer_id = $id), "
            "(SELECT count(*) FROM touchpoints WHERE customer_id = $id)", {"id": customer_id}).fetchone()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Requests"] == f"{requests:,}" and metrics["Touchpoints"] == f"{touchpoints:,}"
    timeline = timeline_of(app)
    assert set(timeline["kind"]) >= {"Requests", "Touchpoints"}
    assert timeline["when"].is_monotonic_decreasing
    assert app.query_params["customer"] == str(customer_id)  # the address names the customer shown


def test_the_timeline_can_be_narrowed_to_one_kind(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    app = open_profile(customer_id)
    app.session_state["profile_kinds"] = ["touchpoint"]
    app.run()
    timeline = timeline_of(app)
    assert set(timeline["kind"]) == {"Touchpoints"}


def test_notes_on_the_timeline_are_plain_text(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    note = "<script>alert(1)</script> **not bold** [link](http://x)"
    with app_db.writing() as db:
        db.execute("UPDATE touchpoints SET note = ? WHERE touchpoint_id = (SELECT max(touchpoint_id) FROM touchpoints "
                   "WHERE customer_id = ?)", [note, customer_id])
    app = open_profile(customer_id)
    timeline = timeline_of(app)
    assert timeline["detail"].str.contains(note, regex=False).any()
    assert not any("<script>" in block.value for block in app.markdown)


def test_a_link_with_the_customer_id_opens_their_profile(app_db):
    customer_id, name, _ = busiest_customer(app_db)
    app = AppTest.from_file(str(apptest_helpers.PAGES / PAGE), default_timeout=60)
    app.query_params["customer"] = str(customer_id)
    app.run()
    assert not app.exception and profile_name(app) == name


def test_a_link_to_an_unknown_customer_says_so(app_db):
    app = AppTest.from_file(str(apptest_helpers.PAGES / PAGE), default_timeout=60)
    app.query_params["customer"] = "999999"
    app.run()
    assert not app.exception
    assert any("no customer #999999" in shown(warning.value) for warning in app.warning)
    assert not app.metric


def test_another_page_hands_a_customer_over_through_the_session(app_db, app_with_navigation):
    app = app_with_navigation
    assert app.title[0].value == "Log touchpoint"
    customer_id, name, _ = busiest_customer(app_db)
    app.session_state["profile_customer"] = customer_id  # what the Customer groups drill-down does
    app.switch_page("app_pages/customer_profile.py").run()
    assert not app.exception
    assert app.title[0].value == "Customer profile" and profile_name(app) == name


def test_log_a_touchpoint_opens_the_form_with_the_customer_chosen_every_time(app_db, app_with_navigation):
    app = app_with_navigation
    customer_id, _, _ = busiest_customer(app_db)
    app.session_state["profile_customer"] = customer_id
    app.switch_page("app_pages/customer_profile.py").run()
    app = click(app, "Log a touchpoint for this customer")
    assert not app.exception and app.title[0].value == "Log touchpoint"
    assert app.query_params["customer"] == str(customer_id)
    assert app.selectbox(key="tp_customer").value == customer_id
    app.switch_page("app_pages/log_touchpoint.py")  # AppTest's own record of the page the person is now on
    app.text_area(key="tp_note").input("Called back about the profile")
    app = click(app, "Save")
    with app_db.reading() as db:
        assert db.execute("SELECT customer_id FROM touchpoints WHERE note = 'Called back about the profile'"
                          ).fetchall() == [(customer_id,)]
    assert app.selectbox(key="tp_customer").value is None  # saved: the form is cleared for the next contact
    app.switch_page("app_pages/customer_profile.py").run()
    assert profile_name(app)  # still on the same customer
    app = click(app, "Log a touchpoint for this customer")  # the same customer again: chosen again
    assert app.selectbox(key="tp_customer").value == customer_id


def test_an_inactive_customer_can_be_looked_up_but_not_logged_for(app_db):
    customer_id, name, _ = busiest_customer(app_db, active=False)
    app = open_profile(customer_id)
    assert not app.exception and profile_name(app) == f"{name} (inactive)"
    button = next(button for button in app.button if button.label == "Log a touchpoint for this customer")
    assert button.disabled


def test_a_customer_without_any_contact_has_an_empty_profile_not_an_error(app_db):
    with app_db.writing() as db:
        db.execute("INSERT INTO customers (name, email, login, group_id, department, seniority, relationship) "
                   "SELECT 'Nova Newcomer', 'nova@example.org', 'nnova', min(group_id), 'Strategy', 'staff', "
                   "'customer' FROM customer_groups")
        customer_id = db.execute("SELECT customer_id FROM customers WHERE login = 'nnova'").fetchone()[0]
    app = open_profile(customer_id)
    assert not app.exception and profile_name(app) == "Nova Newcomer"
    assert {metric.label: metric.value for metric in app.metric}["Requests"] == "0"
    captions = [caption.value for caption in app.caption]
    assert any(caption.startswith("Nothing to show") for caption in captions)
    assert "No open requests." in captions and "No open follow-ups." in captions


def a_lead(store: Store) -> Account:
    """A lead's account on ``store``, as signed in."""
    return add_account(store, "ana.costa@example.org", "Ana Costa", "lead", None, lead())


def open_profile_as(account: Account | None, customer_id: int, section: str = "Their personal data") -> AppTest:
    """The profile of ``customer_id`` with ``account`` signed in (None: a page run on its own), on its tab
    ``section``."""
    app = AppTest.from_file(str(apptest_helpers.PAGES / PAGE), default_timeout=60)
    app.session_state["profile_customer"] = customer_id
    app.session_state["profile_section"] = section
    if account is not None:
        app.session_state["signed_in_account"] = account
    return app.run()


def test_a_lead_prepares_and_downloads_everything_held_about_the_customer_and_the_export_is_audited(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    app = open_profile_as(a_lead(app_db), customer_id)
    assert not app.exception
    next(button for button in app.button if button.label == "Prepare the export").click()
    app.run()
    assert not app.exception
    [download] = [element for element in app.get("download_button") if "everything held" in element.proto.label]
    with app_db.reading() as db:
        assert db.execute("SELECT actor FROM audit_log WHERE action = 'export' AND entity = 'customers' "
                          "AND entity_id = ?", [str(customer_id)]).fetchall() == [("Ana Costa",)]


def test_staff_and_pages_without_a_lead_offer_no_personal_data_export(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    for account in (None, Account(2, "ben@example.org", "Ben Okafor", "staff")):
        app = open_profile_as(account, customer_id)
        assert not app.exception and all(button.label != "Prepare the export" for button in app.button)
        assert [tab.label for tab in app.tabs] == SECTIONS  # no personal data tab to open


def test_a_lead_erases_a_customer_after_typing_their_name_and_the_profile_says_so(app_db):
    customer_id, name, _ = busiest_customer(app_db)
    app = open_profile_as(a_lead(app_db), customer_id)
    erase = next(button for button in app.button if button.label == "Erase their personal data")
    assert erase.disabled  # not before the name is typed
    app.text_input(key=f"erase_confirm_{customer_id}").input(name).run()
    next(button for button in app.button if button.label == "Erase their personal data").click()
    app.run()
    assert not app.exception
    assert profile_name(app).startswith(f"Erased customer {customer_id}")
    assert any("was erased" in caption.value for caption in app.caption)


def test_the_profile_reads_and_draws_only_the_open_tab(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    app = open_profile(customer_id)
    assert not app.exception
    assert [tab.label for tab in app.tabs] == SECTIONS
    drawn = [frame.value.columns[0] for frame in app.dataframe]
    assert drawn[-1] == "when" and set(drawn[:-1]) <= {"touchpoint_id", "request_id"}  # open items, the timeline
    assert not app.get("plotly_chart")  # the usage chart waits for its tab
    app.session_state["profile_section"] = "Usage by week"
    app.run()
    assert len(app.get("plotly_chart")) == 1
    assert "when" not in [frame.value.columns[0] for frame in app.dataframe]  # the timeline is not drawn meanwhile
    with app_db.reading() as db:
        responses = db.execute("SELECT count(*) FROM survey_responses WHERE customer_id = ?", [customer_id]).fetchone()[0]
    app.session_state["profile_section"] = "Survey responses"
    app.run()
    surveys = [frame.value for frame in app.dataframe if "response_id" in frame.value.columns]
    assert len(surveys) == 1 and len(surveys[0]) == responses > 0


def test_a_lead_has_a_tab_for_the_customers_personal_data(app_db):
    customer_id, _, _ = busiest_customer(app_db)
    app = open_profile_as(a_lead(app_db), customer_id, section="Timeline")
    assert [tab.label for tab in app.tabs] == [*SECTIONS, "Their personal data"]
    assert all(button.label != "Prepare the export" for button in app.button)  # drawn when its tab is open
