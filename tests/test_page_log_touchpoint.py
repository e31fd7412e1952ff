"""The Log touchpoint page as a staff member uses it (streamlit.testing AppTest)."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from infodash.db import Store
from infodash.settings import mark_as_own_data
from tests import apptest_helpers
from tests.apptest_helpers import click, successes
from tests.apptest_helpers import errors as field_errors
from tests.conftest import LONDON
from tests.processes import holding_database


def open_page(name: str | None = "Test Person") -> AppTest:
    return apptest_helpers.open_page("log_touchpoint.py", name)


def fill(app: AppTest, customer: int | None = 3, minutes: int = 20, note: str = "Sent the battery study",
         channel: str = "phone", read: int = 3) -> AppTest:
    if customer is not None:
        app.selectbox(key="tp_customer").set_value(customer)
    app.selectbox(key="tp_channel").set_value(channel)
    app.number_input(key="tp_minutes").set_value(minutes)
    app.selectbox(key="tp_read").set_value(read)
    app.text_area(key="tp_note").input(note)
    return app


def stored(store: Store, where: str = "created_by = 'Test Person'") -> list[tuple]:
    with store.reading() as db:  # fixed test conditions, no user input
        return db.execute(f"SELECT customer_id, channel, minutes, read_level, note FROM touchpoints WHERE {where} "
                          "ORDER BY touchpoint_id").fetchall()


def test_saving_a_valid_touchpoint_confirms_it_and_lists_it_at_once(app_db):
    app = click(fill(open_page()), "Save")
    assert not app.exception
    assert stored(app_db) == [(3, "phone", 20, 3, "Sent the battery study")]
    assert any(message.startswith("Saved touchpoint #") for message in successes(app))
    assert any("Sent the battery study" in text.value for text in app.text)  # in "My recent entries"
    assert app.session_state["tp_customer"] is None and app.session_state["tp_note"] == ""


def test_bad_input_is_explained_next_to_the_field_and_what_was_typed_stays(app_db):
    app = click(fill(open_page(), minutes=-5, note="x" * 1200), "Save")
    errors = field_errors(app)
    assert "Minutes cannot be negative." in errors
    assert any("1200 characters" in error for error in errors)
    assert app.number_input(key="tp_minutes").value == -5
    assert app.text_area(key="tp_note").value == "x" * 1200
    assert app.selectbox(key="tp_customer").value == 3
    assert stored(app_db) == []
    app.number_input(key="tp_minutes").set_value(5)
    app.text_area(key="tp_note").input("short")
    app = click(app, "Save")
    assert field_errors(app) == [] and stored(app_db) == [(3, "phone", 5, 3, "short")]


def test_without_a_name_or_customer_nothing_is_saved(app_db):
    app = click(fill(open_page(name=None), customer=None), "Save")
    errors = field_errors(app)
    assert any("Enter your name" in error for error in errors)
    assert "Choose the customer." in errors
    with app_db.reading() as db:
        assert db.execute("SELECT count(*) FROM touchpoints WHERE created_at > now() - INTERVAL 1 MINUTE "
                          "AND note = 'Sent the battery study'").fetchone()[0] == 0


def test_save_and_log_another_keeps_the_contact_details_but_not_the_customer(app_db):
    app = click(fill(open_page(), channel="face_to_face", minutes=45, read=4), "Save and log another like this")
    assert app.session_state["tp_customer"] is None
    assert app.selectbox(key="tp_channel").value == "face_to_face"
    assert app.number_input(key="tp_minutes").value == 45
    app.selectbox(key="tp_customer").set_value(5)
    app.text_area(key="tp_note").input("Second of the morning's visits")
    app = click(app, "Save")
    assert [row[:3] for row in stored(app_db)] == [(3, "face_to_face", 45), (5, "face_to_face", 45)]


def test_the_author_can_edit_and_undo_their_entry(app_db):
    app = click(fill(open_page()), "Save")
    app = click(app, "Edit")
    assert app.selectbox(key="tp_customer").value == 3
    assert app.number_input(key="tp_minutes").value == 20
    app.number_input(key="tp_minutes").set_value(35)
    app = click(app, "Save changes")
    assert stored(app_db) == [(3, "phone", 35, 3, "Sent the battery study")]
    assert any("Saved changes" in message for message in successes(app))
    app = click(app, "Undo")
    assert stored(app_db) == []
    assert any("Undone" in message for message in successes(app))


def test_notes_are_shown_as_plain_text(app_db):
    note = "<script>alert(1)</script> **not bold** [link](http://x)"
    app = click(fill(open_page(), note=note), "Save")
    assert any(note in text.value for text in app.text)
    assert not any("<script>" in block.value for block in app.markdown)


def test_due_follow_ups_are_listed_and_can_be_closed(app_db):
    open_due = ("SELECT count(*) FROM touchpoints WHERE created_by = ? AND follow_up_done_at IS NULL "
                "AND follow_up_on <= current_date")
    with app_db.reading() as db:
        staff = db.execute("SELECT created_by FROM touchpoints WHERE follow_up_done_at IS NULL AND follow_up_on <= "
                           "current_date GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        due = db.execute(open_due, [staff]).fetchone()[0]
    app = open_page(name=staff)
    done_buttons = [button for button in app.button if button.label == "Done"]
    assert len(done_buttons) == min(due, 20) > 0
    if due > 20:
        assert any(f"and {due - 20:,} more" in caption.value for caption in app.caption)
    done_buttons[0].click()
    app.run()
    assert any("marked done" in message for message in successes(app))
    with app_db.reading() as db:
        assert db.execute(open_due, [staff]).fetchone()[0] == due - 1


def test_the_page_works_on_an_empty_database(tmp_path, monkeypatch):
    empty = Store(tmp_path / "empty.duckdb")
    mark_as_own_data(empty)  # what `python -m infodash init` does: an empty database of one's own, no demo
    monkeypatch.setenv("INFODASH_DB", str(empty.path))
    app = click(fill(open_page(), customer=None), "Save")
    assert not app.exception
    assert "Choose the customer." in field_errors(app)


def test_while_a_job_holds_the_database_the_form_says_so_and_keeps_the_entry(app_db, monkeypatch):
    monkeypatch.setenv("INFODASH_BUSY_TIMEOUT", "0.5")
    app = fill(open_page())
    with holding_database(app_db.path):
        app = click(app, "Save")  # held until the page has given up waiting
    assert any("The database app.duckdb is in use by another InfoDash process" in error
               and "Nothing was written" in error and str(app_db.path.parent) not in error
               for error in field_errors(app))
    assert app.selectbox(key="tp_customer").value == 3
    assert app.text_area(key="tp_note").value == "Sent the battery study"
    app = click(app, "Save")  # the job has finished: the same entry now saves
    assert stored(app_db) == [(3, "phone", 20, 3, "Sent the battery study")]


def test_a_large_organisation_searches_customers_before_picking(app_db, monkeypatch):
    monkeypatch.setattr("infodash.customers.FULL_LIST_LIMIT", 100)
    with app_db.reading() as db:
        customer_id, email = db.execute("SELECT customer_id, email FROM customers WHERE active "
                                        "ORDER BY customer_id DESC LIMIT 1").fetchone()
    app = open_page()
    app.text_input(key="tp_search").input(email).run()
    options = app.selectbox(key="tp_customer").options
    assert len(options) == 1 and email in options[0]
    app = click(fill(app, customer=customer_id), "Save")
    assert stored(app_db)[0][0] == customer_id


def test_a_time_left_alone_means_the_moment_of_saving(app_db):
    app = fill(open_page())
    an_hour_ago = dt.datetime.now(LONDON) - dt.timedelta(hours=1)
    shown_day, shown_time = an_hour_ago.date(), an_hour_ago.time().replace(second=0, microsecond=0)
    # as if the form had been opened an hour ago and left alone since
    app.session_state["tp_when"] = (shown_day, shown_time, None)
    app.date_input(key="tp_date").set_value(shown_day)
    app.time_input(key="tp_time").set_value(shown_time)
    click(app, "Save")
    with app_db.reading() as db:
        logged = db.execute("SELECT occurred_at FROM touchpoints WHERE created_by = 'Test Person'").fetchone()[0]
    assert abs(logged - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)


def test_a_late_entry_keeps_the_time_typed(app_db):
    app = fill(open_page())
    app.date_input(key="tp_date").set_value(dt.date(2026, 11, 2))
    app.time_input(key="tp_time").set_value(dt.time(9, 15))
    click(app, "Save")
    with app_db.reading() as db:
        logged = db.execute("SELECT occurred_at FROM touchpoints WHERE created_by = 'Test Person'").fetchone()[0]
    assert logged == dt.datetime(2026, 11, 2, 9, 15, tzinfo=LONDON)


def test_a_time_skipped_by_the_clocks_is_explained_next_to_the_time(app_db):
    app = fill(open_page())
    app.date_input(key="tp_date").set_value(dt.date(2026, 3, 29))
    app.time_input(key="tp_time").set_value(dt.time(1, 30))
    app = click(app, "Save")
    assert any("did not exist in Europe/London" in error for error in field_errors(app))
    assert stored(app_db) == []


def test_undoing_the_entry_being_edited_empties_the_form(app_db):
    app = click(click(fill(open_page()), "Save"), "Edit")
    assert app.session_state["tp_editing"] is not None
    app = click(app, "Undo")
    assert app.session_state["tp_editing"] is None
    assert app.selectbox(key="tp_customer").value is None and app.text_area(key="tp_note").value == ""
    assert any(button.label == "Save" for button in app.button)
