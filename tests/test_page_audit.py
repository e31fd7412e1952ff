"""The Audit log page (streamlit.testing AppTest): a lead reads who did what, filtered by person and table;
anyone else is turned away."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from infodash.accounts import Account, add_account
from infodash.detection import set_sensitivity
from infodash.ui.store import get_store
from tests.apptest_helpers import PAGES, shown
from tests.people import lead

LEAD = Account(1, "ana.costa@example.org", "Ana Costa", "lead")


def open_as(account: Account | None) -> AppTest:
    app = AppTest.from_file(str(PAGES / "audit.py"), default_timeout=60)
    if account is not None:
        app.session_state["signed_in_account"] = account
    return app.run()


def test_only_a_lead_may_read_the_audit_log(app_db):
    for account in (None, Account(2, "ben@example.org", "Ben Okafor", "staff"),
                    Account(3, "vera@example.org", "Vera Board", "viewer")):
        app = open_as(account)
        assert not app.exception
        assert [shown(error.value) for error in app.error] == ["Only a lead can see the audit log."]
        assert not app.dataframe


def test_a_lead_sees_every_entry_newest_first_and_can_narrow_to_one_person(app_db):
    add_account(app_db, "ben.okafor@example.org", "Ben Okafor", "staff", None, lead("Ana Costa"))
    set_sensitivity(app_db, "high", lead("Ben Okafor"))
    app = open_as(LEAD)
    assert not app.exception
    table = app.dataframe[0].value
    assert table[["actor", "action", "entity"]].head(2).values.tolist() == [
        ["Ben Okafor", "update", "settings"], ["Ana Costa", "insert", "accounts"]]
    app.selectbox(key="audit_actor").select("Ana Costa").run()
    narrowed = app.dataframe[0].value
    assert set(narrowed["actor"]) == {"Ana Costa"} and "accounts" in set(narrowed["entity"])
    app.selectbox(key="audit_entity").select("settings").run()
    assert app.dataframe[0].value.empty  # Ana changed no setting
    assert any(caption.value.startswith("0 of 0 entries") for caption in app.caption)


@pytest.fixture
def files_offered(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """What each "Download CSV" drawn writes when taken, by file name: AppTest has no browser to ask for the file,
    so a test takes it as Streamlit does when the browser asks."""
    offered: dict[str, Callable[[], bytes]] = {}
    draw = st.download_button

    def recording(label: str, data: Callable[[], bytes], *args: object, **kwargs: object) -> object:
        assert kwargs.get("on_click") == "ignore"  # taking the file does not run the page again
        offered[str(kwargs["file_name"])] = data
        return draw(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return offered


def breakdown_as(account: Account) -> AppTest:
    app = AppTest.from_file(str(PAGES / "sla_performance.py"), default_timeout=60)
    app.session_state["signed_in_account"] = account
    app.session_state["sla_section"] = "Breakdown"  # the tab with the breakdown's table
    return app.run()


def test_a_table_taken_away_as_csv_is_noted_with_who_took_it_and_its_rows(app_db, files_offered):
    levels = breakdown_as(add_account(app_db, "vera.board@example.org", "Vera Board", "viewer", None, lead()))
    assert not levels.exception
    shown_rows = len(levels.dataframe[0].value)
    with app_db.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'download'").fetchone()[0] == 0  # drawn only
    written = files_offered["sla-by-service.csv"]()
    assert len(written.decode("utf-8-sig").strip().splitlines()) == shown_rows + 1  # a header, then the rows
    with app_db.reading() as db:
        assert db.execute("SELECT actor, action, entity, details FROM audit_log WHERE action = 'download'"
                          ).fetchall() == [("Vera Board", "download", "files", f'{{"rows": {shown_rows}}}')]


def test_a_download_shows_on_the_audit_log_at_once_while_the_other_pages_keep_their_cached_figures(app_db,
                                                                                                   files_offered):
    viewer = add_account(app_db, "vera.board@example.org", "Vera Board", "viewer", None, lead())
    audit = open_as(LEAD)
    breakdown_as(viewer)
    app_store = get_store()  # the app's own, which knows its bookkeeping writes
    version = app_store.data_version()
    files_offered["sla-by-service.csv"]()
    assert app_store.data_version() == version  # taking a CSV away changes no figure: no page reads again
    audit.run()
    assert audit.dataframe[0].value[["actor", "action", "entity_id"]].iloc[0].tolist() == [
        "Vera Board", "download", "sla-by-service.csv"]
