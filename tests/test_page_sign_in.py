"""Signing in to the app (streamlit.testing AppTest through dashboard.py): the demo signs in by itself, a
database of one's own first asks for the lead's account, then for an e-mail and password."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from infodash.accounts import add_account, set_disabled, set_role
from tests.apptest_helpers import shown, sign_in_as
from tests.people import lead
from tests.processes import holding_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


def dashboard() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def test_the_demo_signs_in_as_the_demo_lead_and_says_so(app_db):
    app = dashboard().run()
    assert not app.exception and app.title[0].value == "Weekly review"
    assert any("signed in as the demo lead automatically" in caption.value for caption in app.sidebar.caption)


def test_the_first_start_on_a_database_of_ones_own_creates_the_leads_account(empty_app_db):
    app = dashboard().run()
    assert not app.exception
    assert [title.value for title in app.title] == ["InfoDash"]  # no page before someone signs in
    app.text_input(key="lead_email").input("Ana.Costa@example.org")
    app.text_input(key="lead_name").input("Ana Costa")
    app.text_input(key="lead_password").input("short")
    app.text_input(key="lead_password_again").input("short")
    next(button for button in app.button if button.label == "Create and sign in").click()
    app.run()
    assert [shown(error.value) for error in app.error] == [
        "Use at least 12 characters (a few words make a good one)."]
    assert app.text_input(key="lead_email").value == "Ana.Costa@example.org"  # what was typed is kept
    app.text_input(key="lead_password").input(PASSWORD)
    app.text_input(key="lead_password_again").input(PASSWORD)
    next(button for button in app.button if button.label == "Create and sign in").click()
    app.run()
    assert not app.exception and "InfoDash" not in [title.value for title in app.title]
    assert any("**Customer groups**" in block.value for block in app.markdown)  # the review's set-up steps
    assert any("Signed in as **Ana Costa** (lead)" in caption.value for caption in app.sidebar.caption)
    with empty_app_db.reading() as db:
        assert db.execute("SELECT email, role FROM accounts").fetchall() == [("ana.costa@example.org", "lead")]


def test_a_wrong_password_is_refused_and_the_right_one_signs_in_under_the_accounts_name(empty_app_db):
    add_account(empty_app_db, "ben.okafor@example.org", "Ben Okafor", "staff", PASSWORD, lead("setup"))
    app = dashboard().run()
    assert not app.sidebar.children  # no empty sidebar beside the sign-in form
    app.text_input(key="sign_in_email").input("ben.okafor@example.org")
    app.text_input(key="sign_in_password").input("not it")
    next(button for button in app.button if button.label == "Sign in").click()
    app.run()
    assert [shown(error.value) for error in app.error] == ["The e-mail or the password is not right."]
    assert app.text_input(key="sign_in_password").value == ""  # a password is never kept
    app.text_input(key="sign_in_password").input(PASSWORD)
    next(button for button in app.button if button.label == "Sign in").click()
    app.run()
    assert not app.exception
    assert len(app.sidebar.get("plotly_chart")) == 1  # the browser loads the charts' code once someone is in
    app.switch_page("app_pages/log_touchpoint.py").run()
    name = app.text_input(key="staff_name")
    assert (name.value, name.disabled) == ("Ben Okafor", True)  # entries go under the person signed in
    next(button for button in app.sidebar.button if button.label == "Sign out").click()
    app.run()
    assert [title.value for title in app.title] == ["InfoDash"] and app.text_input(key="sign_in_email")


def test_signing_in_while_an_import_holds_the_database_says_so_and_works_once_it_is_free(empty_app_db, monkeypatch):
    add_account(empty_app_db, "ben.okafor@example.org", "Ben Okafor", "staff", PASSWORD, lead("setup"))
    monkeypatch.setenv("INFODASH_BUSY_TIMEOUT", "0.5")
    app = dashboard().run()
    app.text_input(key="sign_in_email").input("ben.okafor@example.org")
    app.text_input(key="sign_in_password").input(PASSWORD)
    with holding_database(empty_app_db.path):
        next(button for button in app.button if button.label == "Sign in").click()
        app.run()  # held until the sign-in has given up waiting
    assert not app.exception
    assert any("is in use by another InfoDash process" in shown(message.value) for message in [*app.error, *app.warning])
    next(button for button in app.button if button.label == "Try again").click()
    app.run()
    assert app.text_input(key="sign_in_email").value == "ben.okafor@example.org"  # what was typed is kept
    app.text_input(key="sign_in_password").input(PASSWORD)
    next(button for button in app.button if button.label == "Sign in").click()
    app.run()
    assert any("Signed in as **Ben Okafor**" in caption.value for caption in app.sidebar.caption)


@pytest.mark.parametrize("role, opens, cannot_open", [
    ("viewer", "app_pages/reports.py", ["app_pages/log_touchpoint.py", "app_pages/customer_profile.py",
                                        "app_pages/usage_monitoring.py", "app_pages/organisation.py"]),
    ("staff", "app_pages/log_touchpoint.py", ["app_pages/organisation.py", "app_pages/import_usage.py",
                                              "app_pages/audit.py"]),
    ("lead", "app_pages/audit.py", []),
])
def test_each_role_is_offered_only_the_pages_it_may_open(app_db, role, opens, cannot_open):
    app = sign_in_as(dashboard(), add_account(app_db, "someone@example.org", "Some One", role, None, lead()))
    app.run()
    assert not app.exception and app.title[0].value == "Weekly review"
    app.switch_page(opens).run()
    assert not app.exception
    for page in cannot_open:  # not in the navigation: no link, and no bookmark opens it
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)


def test_a_role_changed_by_a_lead_counts_from_the_next_step_and_a_disabled_account_is_signed_out(empty_app_db):
    add_account(empty_app_db, "ana.costa@example.org", "Ana Costa", "lead", PASSWORD, lead())
    ben = add_account(empty_app_db, "ben.okafor@example.org", "Ben Okafor", "lead", PASSWORD, lead())
    app = sign_in_as(dashboard(), ben).run()
    app.switch_page("app_pages/organisation.py").run()
    assert not app.exception and app.title[0].value == "Organisation"
    set_role(empty_app_db, ben.email, "staff", lead())
    app.switch_page("app_pages/weekly_review.py").run()
    assert any("Signed in as **Ben Okafor** (staff)" in caption.value for caption in app.sidebar.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("app_pages/organisation.py")
    set_disabled(empty_app_db, ben.email, True, lead())
    app.run()
    assert [title.value for title in app.title] == ["InfoDash"]  # the sign-in, and nothing else
    assert [shown(error.value) for error in app.error] == ["This account has been disabled: ask a lead to enable it."]
    assert "signed_in_account" not in app.session_state


def test_pages_offer_each_role_only_the_forms_it_may_use(app_db):
    vera = add_account(app_db, "vera.board@example.org", "Vera Board", "viewer", None, lead())
    app = sign_in_as(dashboard(), vera).run()
    app.session_state["sla_section"] = "Breaches and reasons"
    app.switch_page("app_pages/sla_performance.py").run()
    assert not app.exception and app.dataframe  # the breaches without a reason, without the form to give one
    assert "Record reason" not in [button.label for button in app.button]
    app.switch_page("app_pages/reports.py").run()
    assert not app.exception and "Make the pack" in [button.label for button in app.button]
    assert not [box for box in app.selectbox if box.key == "pack_year_start"]
    assert any(caption.value.startswith("Reporting year from ") for caption in app.caption)
    ben = add_account(app_db, "ben.okafor@example.org", "Ben Okafor", "staff", None, lead())
    app = sign_in_as(dashboard(), ben).run()
    app.switch_page("app_pages/usage_monitoring.py").run()
    assert not app.exception and not [radio for radio in app.radio if radio.key == "usage_sensitivity"]
    app.session_state["sla_section"] = "Breaches and reasons"
    app.switch_page("app_pages/sla_performance.py").run()
    assert "Record reason" in [button.label for button in app.button]


def test_staff_changing_a_request_that_is_someone_elses_are_told_so_next_to_the_form(app_db):
    # today's demo may hold no request still waiting for a first response (on a Saturday, say): make one
    assigned = "Ana Costa"
    with app_db.writing() as db:
        request_id = db.execute("SELECT max(request_id) FROM requests").fetchone()[0]
        db.execute("UPDATE requests SET status = 'received', first_response_at = NULL, closed_at = NULL, "
                   "assigned_to = ?, created_by = ? WHERE request_id = ?", [assigned, assigned, request_id])
    ben = add_account(app_db, "ben.okafor@example.org", "Ben Okafor", "staff", None, lead())
    app = sign_in_as(dashboard(), ben)
    app.session_state["rq_selected"] = request_id
    app.run()
    app.switch_page("app_pages/requests.py").run()
    app.selectbox(key="st_status").set_value("responded")
    next(button for button in app.button if button.label == "Save status").click()
    app.run()
    assert not app.exception
    assert [shown(error.value) for error in app.error] == [f"Only {assigned}, or a lead, may change this request."]
    with app_db.reading() as db:
        assert db.execute("SELECT status FROM requests WHERE request_id = ?", [request_id]).fetchone() == ("received",)


AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "not a real secret",
                 "client_id": "infodash", "client_secret": "not a real secret",
                 "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}}


def through_provider(user: dict) -> AppTest:
    app = dashboard()
    app.secrets.update(AUTH)
    app.user = user
    return app.run()


def test_with_an_identity_provider_people_sign_in_there_and_are_matched_to_their_account_by_e_mail(empty_app_db):
    app = through_provider({"is_logged_in": False})
    assert not app.exception and [title.value for title in app.title] == ["InfoDash"]
    assert [button.label for button in app.button] == ["Sign in with your organisation's account"]
    add_account(empty_app_db, "vera.board@example.org", "Vera Board", "viewer", None, lead())
    app = through_provider({"is_logged_in": True, "email": "Vera.Board@Example.org", "name": "Vera"})
    assert not app.exception
    assert any("Signed in as **Vera Board** (viewer)" in caption.value for caption in app.sidebar.caption)
    app = through_provider({"is_logged_in": True, "email": "stranger@example.org"})
    assert not app.exception
    assert [shown(error.value) for error in app.error][0].startswith(
        "stranger@example.org has no InfoDash account: ask a lead to add them")
    assert [button.label for button in app.button] == ["Sign out"]


def test_staff_are_offered_only_the_breaches_they_may_explain(app_db):
    ben = add_account(app_db, "ben.okafor@example.org", "Ben Okafor", "staff", None, lead())
    app = sign_in_as(dashboard(), ben).run()
    app.session_state["sla_section"] = "Breaches and reasons"
    app.switch_page("app_pages/sla_performance.py").run()
    offered = app.selectbox(key="br_request").options
    with app_db.reading() as db:
        whose = {f"#{request}": (assigned, created) for request, assigned, created in db.execute(
            "SELECT request_id, assigned_to, created_by FROM requests").fetchall()}
    assert offered and all(whose[request][0] in ("Ben Okafor", None) or whose[request][1] == "Ben Okafor"
                           for request in offered)


def test_once_a_lead_adds_accounts_to_a_demo_file_everyone_signs_in_and_an_open_demo_session_ends(app_db):
    app = dashboard().run()
    assert any("signed in as the demo lead automatically" in caption.value for caption in app.sidebar.caption)
    add_account(app_db, "ana.costa@example.org", "Ana Costa", "lead", PASSWORD, lead())
    app.run()  # the same browser session, at its next step
    assert [title.value for title in app.title] == ["InfoDash"] and app.text_input(key="sign_in_email")
    assert "signed_in_account" not in app.session_state


def test_a_crafted_your_name_is_ignored_once_someone_has_signed_in(app_db):
    ben = add_account(app_db, "ben.okafor@example.org", "Ben Okafor", "staff", None, lead())
    app = sign_in_as(dashboard(), ben).run()
    app.switch_page("app_pages/requests.py").run()
    app.session_state["staff_name"] = "Someone Else"  # what a browser could send for the disabled box
    app.selectbox(key="rq_customer").set_value(7)
    app.selectbox(key="rq_service").set_value(2)
    app.text_input(key="rq_subject").input("Crafted name test")
    next(button for button in app.button if button.label == "Log request").click()
    app.run()
    assert not app.exception
    with app_db.reading() as db:
        assert db.execute("SELECT created_by, assigned_to FROM requests WHERE subject = 'Crafted name test'"
                          ).fetchall() == [("Ben Okafor", "Ben Okafor")]
