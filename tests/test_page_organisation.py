"""The Organisation page: customer groups, services and staff listed, added and changed through its forms,
problems said under their boxes with what was typed kept."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import apptest_helpers

PAGE = "organisation.py"


def on_tab(tab: str) -> AppTest:
    app = apptest_helpers.open_page(PAGE, "Lena Lead")
    app.session_state["org_tab"] = tab
    return app.run()


def save(app: AppTest) -> AppTest:
    next(button for button in app.button if button.label.startswith("Save")).click()
    return app.run()


def test_a_group_is_added_and_shown_with_its_customers(empty_app_db):
    app = on_tab("Customer groups")
    assert not app.exception and app.dataframe[0].value.empty
    app.text_input(key="org_group_-1_name").input("Research & development")
    app.text_area(key="org_group_-1_description").input("Labs and pilot plants")
    app = save(app)
    assert not app.exception
    assert apptest_helpers.successes(app) == ["Saved the customer group 'Research & development'."]
    assert app.dataframe[0].value[["name", "customers"]].values.tolist() == [["Research & development", 0]]
    assert app.text_input(key="org_group_-1_name").value == ""  # ready for the next one
    with empty_app_db.reading() as db:
        assert db.execute("SELECT actor, action FROM audit_log WHERE entity = 'customer_groups'").fetchall() == [
            ("Lena Lead", "create")]


def test_a_name_already_taken_is_said_under_the_box_and_what_was_typed_stays(app_db):
    app = on_tab("Customer groups")
    app.text_input(key="org_group_-1_name").input("operations")
    app.text_area(key="org_group_-1_description").input("A second one")
    app = save(app)
    assert apptest_helpers.errors(app) == ["There is already a customer group named 'operations'."]
    assert app.text_area(key="org_group_-1_description").value == "A second one"


def test_a_service_the_team_does_not_offer_needs_its_referral_then_is_saved(empty_app_db):
    app = on_tab("Services")
    app.text_input(key="org_service_-1_name").input("Tax advice")
    app.checkbox(key="org_service_-1_in_scope").uncheck()
    app = save(app)
    assert apptest_helpers.errors(app) == ["Say where requests for a service the team does not offer are referred."]
    app.text_input(key="org_service_-1_referral").input("Payroll helpdesk")
    app = save(app)
    assert app.dataframe[0].value[["name", "in_scope", "referral"]].values.tolist() == [
        ["Tax advice", False, "Payroll helpdesk"]]


def test_an_existing_staff_member_is_picked_and_changed(empty_app_db):
    app = on_tab("Staff")
    app.text_input(key="org_staff_-1_name").input("Ana Costa")
    app.text_input(key="org_staff_-1_email").input("ana@example.org")
    app = save(app)
    app.selectbox(key="org_staff_chosen").select(1).run()
    app.selectbox(key="org_staff_1_role").select("lead")
    app = save(app)
    assert not app.exception
    assert app.dataframe[0].value[["name", "role"]].values.tolist() == [["Ana Costa", "lead"]]
