"""Local accounts: adding, signing in, throttling repeated failures, and the users command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from infodash.accounts import (FREE_ATTEMPTS, SOURCE_FREE_ATTEMPTS, WRONG, SignInRefused, accounts, add_account,
                               add_first_lead, current, provider_sign_in, reset_password, set_disabled, set_role,
                               sign_in)
from infodash.cli import main
from infodash.errors import NotAllowed, ValidationError
from infodash.organisation import StaffDraft, save_staff
from tests.people import lead as as_lead

NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def lead(store):
    add_account(store, " Ana.Costa@Example.org ", "Ana Costa", "lead", PASSWORD, as_lead("setup"))
    return store


def refused(store, password: str, at: dt.datetime = NOW, email: str = "ana.costa@example.org") -> SignInRefused:
    with pytest.raises(SignInRefused) as raised:
        sign_in(store, email, password, at)
    return raised.value


def test_an_account_signs_in_with_its_password_whatever_the_case_of_its_e_mail(lead):
    account = sign_in(lead, "ANA.COSTA@example.org", PASSWORD, NOW)
    assert (account.email, account.name, account.role) == ("ana.costa@example.org", "Ana Costa", "lead")
    listed = accounts(lead)
    assert listed[["email", "role", "local", "disabled"]].values.tolist() == [
        ["ana.costa@example.org", "lead", True, False]]
    assert "password_hash" not in listed.columns  # no hash leaves the library


def test_the_password_is_stored_hashed_with_argon2_and_never_audited(lead):
    with lead.reading() as db:
        [(stored,)] = db.execute("SELECT password_hash FROM accounts").fetchall()
        audit = db.execute("SELECT details FROM audit_log WHERE entity = 'accounts'").fetchall()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert all(PASSWORD not in json.dumps(details) for (details,) in audit)


def test_a_wrong_password_and_an_unknown_e_mail_get_the_same_answer(lead):
    assert str(refused(lead, "not the password")) == WRONG
    assert str(refused(lead, PASSWORD, email="nobody@example.org")) == WRONG


def test_repeated_failures_lock_the_account_for_longer_each_time_and_a_success_resets(lead):
    for _ in range(FREE_ATTEMPTS - 1):
        assert refused(lead, "guess").retry_after_s is None
    assert str(refused(lead, "guess")) == WRONG  # the fifth failure locks it for 30 s
    locked = refused(lead, PASSWORD, NOW + dt.timedelta(seconds=10))  # even the right password waits
    assert locked.retry_after_s == 21 and "try again in 21 seconds" in str(locked)
    later = NOW + dt.timedelta(seconds=31)
    refused(lead, "guess", later)  # the sixth: 60 s
    assert refused(lead, PASSWORD, later + dt.timedelta(seconds=59)).retry_after_s == 2
    assert sign_in(lead, "ana.costa@example.org", PASSWORD, later + dt.timedelta(seconds=61)).role == "lead"
    assert refused(lead, "guess", later + dt.timedelta(seconds=62)).retry_after_s is None  # the count restarted


def test_failed_and_successful_sign_ins_are_audited_without_the_password(lead):
    refused(lead, "guess")
    sign_in(lead, "ana.costa@example.org", PASSWORD, NOW)
    with lead.reading() as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log WHERE entity = 'accounts' "
                                                "ORDER BY audit_id").fetchall()]
    assert actions == ["insert", "sign_in_failed", "sign_in"]


def test_a_disabled_account_cannot_sign_in_until_enabled_and_a_reset_lifts_a_lock(lead):
    add_account(lead, "ben.okafor@example.org", "Ben Okafor", "lead", PASSWORD, as_lead("setup"))
    set_disabled(lead, "ana.costa@example.org", True, as_lead("Ben Okafor"))
    assert "disabled" in str(refused(lead, PASSWORD))
    set_disabled(lead, "ana.costa@example.org", False, as_lead("Ben Okafor"))
    for _ in range(FREE_ATTEMPTS):
        refused(lead, "guess")
    reset_password(lead, "ana.costa@example.org", "a brand new passphrase", as_lead("Ben Okafor"))
    assert sign_in(lead, "ana.costa@example.org", "a brand new passphrase", NOW).email == "ana.costa@example.org"


def test_bad_accounts_are_refused_naming_each_field(lead):
    with pytest.raises(ValidationError) as raised:
        add_account(lead, "not-an-address", " ", "admin", "short", as_lead("setup"))
    assert set(raised.value.errors) == {"email", "name", "role", "password"}
    with pytest.raises(ValidationError) as raised:
        add_account(lead, "ANA.COSTA@example.org", "Ana again", "staff", PASSWORD, as_lead("setup"))
    assert raised.value.errors == {"email": "ana.costa@example.org has an account already."}
    with pytest.raises(ValidationError):
        set_role(lead, "ana.costa@example.org", "owner", as_lead("setup"))
    with pytest.raises(ValidationError) as raised:
        set_disabled(lead, "nobody@example.org", True, as_lead("setup"))
    assert raised.value.errors == {"email": "No account has the e-mail nobody@example.org."}


def test_an_identity_provider_account_has_no_password_to_sign_in_with(store):
    add_account(store, "viewer@example.org", "Vera Board", "viewer", None, as_lead("setup"))
    assert str(refused(store, "", email="viewer@example.org")) == WRONG
    assert accounts(store)["local"].tolist() == [False]


def test_the_users_command_adds_lists_changes_and_refuses_with_a_clear_message(store, monkeypatch, capsys):
    path = str(store.path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", path, "users", "add", "Ana.Costa@example.org", "--name", "Ana Costa", "--role", "lead",
                 "--password-stdin"]) == 0
    assert capsys.readouterr().out == "added ana.costa@example.org (lead)\n"
    assert main(["--db", path, "users", "role", "ana.costa@example.org", "staff"]) == 65
    assert capsys.readouterr().err == ("infodash: EMAIL: ana.costa@example.org is the only lead who can sign in: make "
                                       "someone else a lead first, so that someone can still manage accounts.\n")
    assert main(["--db", path, "users", "add", "ben.okafor@example.org", "--name", "Ben Okafor", "--role", "lead",
                 "--no-password"]) == 0
    assert main(["--db", path, "users", "role", "ana.costa@example.org", "staff"]) == 0
    assert main(["--db", path, "users", "disable", "ana.costa@example.org"]) == 0
    capsys.readouterr()
    assert main(["--db", path, "users", "list"]) == 0
    assert capsys.readouterr().out == (
        "ben.okafor@example.org\tBen Okafor\tlead\tidentity provider only\tlast signed in never\n"
        "ana.costa@example.org\tAna Costa\tstaff\tdisabled\tlast signed in never\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", path, "users", "reset", "ana.costa@example.org", "--password-stdin"]) == 65
    assert capsys.readouterr().err == ("infodash: password: Use at least 12 characters (a few words make a good "
                                       "one).\n")


def test_a_person_the_identity_provider_signed_in_is_matched_to_their_account_by_e_mail(store):
    add_account(store, "vera.board@example.org", "Vera Board", "viewer", None, as_lead("setup"))
    account = provider_sign_in(store, "Vera.Board@Example.org", NOW)
    assert (account.name, account.role) == ("Vera Board", "viewer")
    with pytest.raises(SignInRefused) as raised:
        provider_sign_in(store, "stranger@example.org", NOW)
    assert str(raised.value).startswith("stranger@example.org has no InfoDash account: ask a lead to add them")
    set_disabled(store, "vera.board@example.org", True, as_lead("setup"))
    with pytest.raises(SignInRefused, match="disabled"):
        provider_sign_in(store, "vera.board@example.org", NOW)
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in'").fetchone()[0] == 1


def test_failures_from_one_computer_are_throttled_whatever_e_mails_it_tries(lead):
    for number in range(SOURCE_FREE_ATTEMPTS):  # unknown e-mails: no account to lock
        with pytest.raises(SignInRefused, match=WRONG):
            sign_in(lead, f"guess{number}@example.org", "hunter2 hunter2", NOW, source="203.0.113.9")
    with pytest.raises(SignInRefused) as raised:  # even a right password waits
        sign_in(lead, "ana.costa@example.org", PASSWORD, NOW, source="203.0.113.9")
    assert str(raised.value).startswith("Too many failed sign-ins from this computer: try again in ")
    assert 590 <= raised.value.retry_after_s <= 601
    assert sign_in(lead, "ana.costa@example.org", PASSWORD, NOW, source="198.51.100.4").name == "Ana Costa"
    with lead.reading() as db:
        details = db.execute("SELECT DISTINCT actor, details FROM audit_log WHERE action = 'sign_in_failed'").fetchall()
    assert details == [("an unknown e-mail", '{"source": "203.0.113.9"}')]  # not the e-mail typed


def test_only_a_lead_manages_accounts_and_the_first_lead_only_on_a_database_without_any(store):
    ana = add_first_lead(store, "ana.costa@example.org", "Ana Costa", PASSWORD)
    with pytest.raises(ValidationError, match="has accounts already"):
        add_first_lead(store, "mallory@example.org", "Mallory", PASSWORD)
    ben = add_account(store, "ben.okafor@example.org", "Ben Okafor", "staff", None, ana)
    for change in (lambda: add_account(store, "eve@example.org", "Eve", "lead", PASSWORD, ben),
                   lambda: set_role(store, ben.email, "lead", ben),
                   lambda: reset_password(store, ana.email, "taken over at last", ben)):
        with pytest.raises(NotAllowed, match="Only a lead may"):
            change()
    with pytest.raises(ValidationError) as raised:
        add_account(store, "ana.c@example.org", "ana costa", "staff", None, ana)
    assert raised.value.errors == {"name": "Another account has this name, and entries are attributed by name: add "
                                           "a middle initial or the department."}
    with pytest.raises(ValidationError, match="the only lead who can sign in"):
        set_disabled(store, ana.email, True, ana)
    set_role(store, ben.email, "viewer", ana)
    assert current(store, ben).role == "viewer"  # an open session sees the change at its next step
    set_disabled(store, ben.email, True, ana)
    with pytest.raises(NotAllowed, match="disabled"):
        current(store, ben)


def test_a_member_of_the_staff_list_signs_in_through_the_provider_with_the_role_the_list_gives(store):
    add_first_lead(store, "ana.costa@example.org", "Ana Costa", PASSWORD)
    farid_id = save_staff(store, StaffDraft("Farid Haddad", "Farid.Haddad@example.org", "staff"), as_lead())
    save_staff(store, StaffDraft("Grace Kim", "grace.kim@example.org", "admin"), as_lead())
    save_staff(store, StaffDraft("Left Already", "left@example.org", "staff", active=False), as_lead())
    save_staff(store, StaffDraft("ana costa", "ana.other@example.org", "staff"), as_lead())
    before = store.data_version()
    farid = provider_sign_in(store, "farid.haddad@example.org", NOW)
    assert (farid.name, farid.role) == ("Farid Haddad", "staff")
    assert store.data_version() != before  # his account was made: pages read again
    assert provider_sign_in(store, "GRACE.KIM@example.org", NOW).role == "lead"
    made = store.data_version()
    assert provider_sign_in(store, "farid.haddad@example.org", NOW) == farid  # one account, the second time too
    assert store.data_version() == made  # only stamped: every page's cached figures stay good
    with pytest.raises(SignInRefused, match="has no InfoDash account"):  # a namesake of an account
        provider_sign_in(store, "ana.other@example.org", NOW)
    with pytest.raises(SignInRefused, match="no longer active"):
        provider_sign_in(store, "left@example.org", NOW)
    save_staff(store, StaffDraft("Farid Haddad", "farid.haddad@example.org", "staff", active=False), as_lead(), farid_id)
    with pytest.raises(SignInRefused, match="no longer active"):  # an account made before he left
        provider_sign_in(store, "farid.haddad@example.org", NOW)
    with pytest.raises(SignInRefused, match="gave no e-mail"):
        provider_sign_in(store, " ", NOW)
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'insert' AND entity = 'accounts' "
                          "AND json_extract_string(details, '$.from') = 'staff list'").fetchone()[0] == 2
