"""The public feedback form, through dashboard.py as a visitor who has not signed in: it is the one page they
reach besides the sign-in, it reads nothing stored, it is throttled, and bad input is explained with nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from infodash.accounts import add_account
from infodash.feedback import PUBLIC_ACTOR
from infodash.ui.feedback_forms import THANKS
from tests.apptest_helpers import errors, successes
from tests.people import lead

ROOT = Path(__file__).resolve().parents[1]
FORM = "app_pages/feedback_form.py"


@pytest.fixture
def visitor(quiet_app_db) -> AppTest:
    """The dashboard of a team's own database (accounts exist), opened by someone not signed in, at the form."""
    add_account(quiet_app_db, "ana.costa@example.org", "Ana Costa", "lead", "correct horse battery", lead())
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert [title.value for title in app.title] == ["InfoDash"]  # the sign-in
    return app.switch_page(FORM).run()


def send(app: AppTest, kind: str | None = "complaint", category: str | None = "timeliness", message: str = "",
         email: str = "") -> AppTest:
    if kind:
        app.segmented_control(key="pf_kind").set_value(kind)
    if category:
        app.selectbox(key="pf_category").set_value(category)
    app.text_area(key="pf_description").input(message)
    app.text_input(key="pf_email").input(email)
    next(button for button in app.button if button.label == "Send").click()
    return app.run()


def items(store):
    with store.reading() as db:
        return db.execute("SELECT kind, customer_id, contact_email, description, source, created_by "
                          "FROM feedback_items ORDER BY feedback_id").fetchall()


def test_a_visitor_who_has_not_signed_in_reaches_the_form_and_no_other_page(visitor):
    assert not visitor.exception and visitor.title[0].value == "Tell us what you think"
    assert any("replies within 1 working day and tells you" in block.value for block in visitor.markdown)
    assert not visitor.dataframe and not visitor.metric and not visitor.sidebar.markdown  # nothing stored is shown
    for page in ("app_pages/weekly_review.py", "app_pages/feedback.py", "app_pages/customer_profile.py",
                 "app_pages/audit.py", "app_pages/requests.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            visitor.switch_page(page)


def test_feedback_is_thanked_the_same_whether_or_not_the_e_mail_is_known(visitor, quiet_app_db):
    send(visitor, message="My request took over a week", email="Alice@Example.org")
    known = successes(visitor)
    assert known == [THANKS] and not errors(visitor)
    assert visitor.text_area(key="pf_description").value == ""  # ready for another
    send(visitor, message="My request took over a week", email="stranger@example.org")
    assert successes(visitor) == known  # the form does not tell who is a customer
    assert items(quiet_app_db) == [
        ("complaint", None, "alice@example.org", "My request took over a week", "public_form", PUBLIC_ACTOR),
        ("complaint", None, "stranger@example.org", "My request took over a week", "public_form", PUBLIC_ACTOR)]


def test_bad_input_is_explained_by_its_field_and_what_was_typed_is_kept(visitor, quiet_app_db):
    send(visitor, kind=None, message="The reading room is too cold", email="not an e-mail")
    assert errors(visitor) == ["Choose whether it is a complaint, a compliment or a suggestion.",
                               "This does not look like an e-mail address: check it, or leave it empty."]
    assert visitor.text_area(key="pf_description").value == "The reading room is too cold"
    assert visitor.text_input(key="pf_email").value == "not an e-mail"
    assert items(quiet_app_db) == []


def test_many_messages_from_one_computer_are_held_back_for_a_while(visitor, quiet_app_db, monkeypatch):
    monkeypatch.setattr("infodash.feedback.PUBLIC_FREE_SUBMISSIONS", 2)
    for number in range(2):
        send(visitor, kind="suggestion", category="other", message=f"Idea {number}")
        assert successes(visitor) == [THANKS]
    send(visitor, kind="suggestion", category="other", message="Idea 2")
    assert errors(visitor) == ["Many messages have come from this computer in the last few minutes: please try "
                               "again in 10 minutes. What you typed is kept."]
    assert visitor.text_area(key="pf_description").value == "Idea 2"
    assert [row[3] for row in items(quiet_app_db)] == ["Idea 0", "Idea 1"]
