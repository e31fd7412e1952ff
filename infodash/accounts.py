"""Local accounts: who may sign in, with which role, and their passwords.

Passwords are hashed with Argon2id (``argon2-cffi``); a hash is upgraded on the next sign-in when
the library's parameters grow. Repeated failures lock an account for a while, doubling with
each further failure (30 s after the fifth, at most 15 minutes), so a password cannot be guessed
by trying; a sign-in resets the count. Twenty failures from one computer (its IP address) within ten
minutes, whatever e-mails they tried, refuse it until they are ten minutes old. A refusal never says
whether the e-mail or the password was wrong (only a lock, after five failures, says there is an account).
The password check is slow on purpose and runs outside the database's write lock. Every change and every sign-in is in the audit log, without the password.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from infodash import audit
from infodash.checks import MAX_AUTHOR_CHARS
from infodash.db import Store
from infodash.errors import NotAllowed, ValidationError
from infodash.permissions import Account, require

ROLES: dict[str, str] = {
    "viewer": "Viewer: aggregate pages and packs (senior management)",
    "staff": "Staff: log and edit their own work, review anomalies",
    "lead": "Lead: everything, including set-up, imports, privacy and accounts",
}
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1_000
FREE_ATTEMPTS = 5
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
WRONG = "The e-mail or the password is not right."
SOURCE_FREE_ATTEMPTS = 20
SOURCE_WINDOW = dt.timedelta(minutes=10)
UNKNOWN_EMAIL = "an unknown e-mail"  # the audit's actor for a failed sign-in with an e-mail no account has


class SignInRefused(Exception):
    """A sign-in that did not succeed, with the message to show and, when locked, the seconds to wait."""

    def __init__(self, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _check_password(password: str, errors: dict[str, str]) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        errors["password"] = f"Use at least {MIN_PASSWORD_CHARS} characters (a few words make a good one)."
    elif len(password) > MAX_PASSWORD_CHARS:
        errors["password"] = f"Use at most {MAX_PASSWORD_CHARS:,} characters."


def _normal_email(email: str) -> str:
    return email.strip().lower()


def _row(db: duckdb.DuckDBPyConnection, email: str) -> tuple | None:
    return db.execute("SELECT account_id, email, name, role, password_hash, disabled, failed_attempts, locked_until "
                      "FROM accounts WHERE email = ?", [_normal_email(email)]).fetchone()


def add_account(store: Store, email: str, name: str, role: str, password: str | None, actor: Account) -> Account:
    """Create an account (a lead's task); ``password`` None makes one that signs in only through the
    identity provider.

    Raises NotAllowed for anyone but a lead, ValidationError naming each field that is wrong (email, name,
    role, password): names must differ too, since entries are attributed to the name.
    """
    require(actor, "lead", "add accounts")
    return _insert(store, email, name, role, password, actor.name, first_lead=False)


def add_first_lead(store: Store, email: str, name: str, password: str) -> Account:
    """The lead's account on a database nobody can sign in to yet (the first start asks for it).
    Raises ValidationError once any account exists: from then on a lead adds accounts."""
    return _insert(store, email, name, "lead", password, _normal_email(email), first_lead=True)


def _insert(store: Store, email: str, name: str, role: str, password: str | None, actor_name: str,
            first_lead: bool) -> Account:
    errors: dict[str, str] = {}
    address = _normal_email(email)
    if not _EMAIL.match(address):
        errors["email"] = "Give an e-mail address such as ana.costa@example.org."
    if not name.strip():
        errors["name"] = "Give the person's name."
    elif len(name.strip()) > MAX_AUTHOR_CHARS:
        errors["name"] = f"Use at most {MAX_AUTHOR_CHARS} characters."
    if role not in ROLES:
        errors["role"] = f"Choose one of {', '.join(ROLES)}."
    if password is not None:
        _check_password(password, errors)
    with store.writing() as db:
        if first_lead and db.execute("SELECT count(*) FROM accounts").fetchone()[0]:
            raise ValidationError({"form": "This database has accounts already: sign in, or ask a lead."})
        if "email" not in errors and _row(db, address):
            errors["email"] = f"{address} has an account already."
        if "name" not in errors and db.execute("SELECT count(*) FROM accounts WHERE lower(name) = lower(?)",
                                               [name.strip()]).fetchone()[0]:
            errors["name"] = ("Another account has this name, and entries are attributed by name: add a middle "
                              "initial or the department.")
        if errors:
            raise ValidationError(errors)
        [(account_id,)] = db.execute(
            "INSERT INTO accounts (email, name, role, password_hash) VALUES (?, ?, ?, ?) RETURNING account_id",
            [address, name.strip(), role, None if password is None else _HASHER.hash(password)]).fetchall()
        audit.record(db, actor_name, "insert", "accounts", account_id, {"email": address, "role": role})
    return Account(account_id, address, name.strip(), role)


_UPDATES = {
    "reset_password": "UPDATE accounts SET password_hash = ?, failed_attempts = 0, locked_until = NULL "
                      "WHERE account_id = ?",
    "disabled": "UPDATE accounts SET disabled = ? WHERE account_id = ?",
    "role": "UPDATE accounts SET role = ? WHERE account_id = ?",
}
# Leads who could still sign in if this account stopped being one.
_OTHER_LEADS = "SELECT count(*) FROM accounts WHERE role = 'lead' AND NOT disabled AND account_id <> ?"


def _change(store: Store, email: str, actor: Account, action: str, update: str, value: object,
            details: dict[str, object], ends_a_lead: bool = False) -> None:
    require(actor, "lead", "change accounts")
    with store.writing() as db:
        row = _row(db, email)
        if row is None:
            raise ValidationError({"email": f"No account has the e-mail {_normal_email(email)}."})
        if ends_a_lead and row[3] == "lead" and not row[5] and not db.execute(_OTHER_LEADS, [row[0]]).fetchone()[0]:
            raise ValidationError({"email": f"{row[1]} is the only lead who can sign in: make someone else a "
                                            "lead first, so that someone can still manage accounts."})
        db.execute(_UPDATES[update], [value, row[0]])
        audit.record(db, actor.name, action, "accounts", row[0], details)


def reset_password(store: Store, email: str, password: str, actor: Account) -> None:
    """Give the account a new password and lift any lock (a lead's task)."""
    errors: dict[str, str] = {}
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    _change(store, email, actor, "reset_password", "reset_password", _HASHER.hash(password), {})


def set_disabled(store: Store, email: str, disabled: bool, actor: Account) -> None:
    """Disable the account (it can no longer sign in, and an open session ends at its next step; its history
    stays) or enable it again. The last lead who can sign in is not disabled."""
    _change(store, email, actor, "disable" if disabled else "enable", "disabled", disabled, {"disabled": disabled},
            ends_a_lead=disabled)


def set_role(store: Store, email: str, role: str, actor: Account) -> None:
    """Change what the account may do (from its next step, in an open session too); the last lead who can
    sign in stays a lead."""
    if role not in ROLES:
        raise ValidationError({"role": f"Choose one of {', '.join(ROLES)}."})
    _change(store, email, actor, "update", "role", role, {"role": role}, ends_a_lead=role != "lead")


def current(store: Store, account: Account) -> Account:
    """``account`` as it stands now: its role may have changed since it signed in. Raises NotAllowed when it
    has been disabled or removed. Accounts not kept in the database (the demo lead, the command line) are
    returned as they are."""
    if account.account_id == 0:
        return account
    with store.reading() as db:
        row = db.execute("SELECT account_id, email, name, role, disabled FROM accounts WHERE account_id = ?",
                         [account.account_id]).fetchone()
    if row is None or row[4]:
        raise NotAllowed("This account has been disabled: ask a lead to enable it.")
    return Account(*row[:4])


def accounts(store: Store) -> pd.DataFrame:
    """Every account: account_id, email, name, role, local (has a password), disabled, locked_until,
    last_sign_in_at, created_at. No password hash leaves the library."""
    with store.reading() as db:
        return db.execute("SELECT account_id, email, name, role, password_hash IS NOT NULL AS local, disabled, "
                          "locked_until, last_sign_in_at, created_at FROM accounts ORDER BY disabled, name").df()


def _lock_after(failures: int) -> dt.timedelta | None:
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_LOCK * 2 ** (failures - FREE_ATTEMPTS), LONGEST_LOCK)


def sign_in(store: Store, email: str, password: str, now: dt.datetime | None = None,
            source: str | None = None) -> Account:
    """The account whose e-mail and password these are. Raises SignInRefused (wrong e-mail or password,
    disabled, or locked after repeated failures, with the seconds to wait).

    ``source`` is where the attempt comes from (the browser's IP address): after
    ``SOURCE_FREE_ATTEMPTS`` failures from one source within ``SOURCE_WINDOW``, whatever e-mails they
    tried, it is refused until the window has passed, so unknown e-mails cannot be tried without end either.
    """
    now, source = now or dt.datetime.now(dt.UTC), source or ""
    with store.reading() as db:
        wait = _source_wait(db, source)
        row = None if wait is not None else _row(db, email)
    if wait is not None:
        raise SignInRefused(f"Too many failed sign-ins from this computer: try again in {wait} seconds.", wait)
    if row is not None and row[4] is not None and row[7] is not None and row[7] > now:
        wait = int((row[7] - now).total_seconds()) + 1
        raise SignInRefused(f"Too many failed attempts: try again in {wait} seconds.", wait)
    matches = _password_matches(row, password)  # slow on purpose, so outside the write lock other work needs
    with store.writing(bookkeeping=True) as db:  # the outcome is committed before a refusal is raised
        refusal = _record_attempt(db, row, matches, password, now, source)
    if refusal is not None:
        raise refusal
    return Account(*row[:4])


def _source_wait(db: duckdb.DuckDBPyConnection, source: str) -> int | None:
    """Seconds until ``source`` may try again, or None while it has failures to spare."""
    failures, wait = db.execute(
        "SELECT count(*), ceil(epoch(min(logged_at) + ? - now())) FROM audit_log "
        "WHERE action = 'sign_in_failed' AND logged_at > now() - ? "
        "AND coalesce(json_extract_string(details, '$.source'), '') = ?",
        [SOURCE_WINDOW, SOURCE_WINDOW, source]).fetchone()
    return max(int(wait), 1) if failures >= SOURCE_FREE_ATTEMPTS else None


def _password_matches(row: tuple | None, password: str) -> bool:
    """Whether ``password`` is the account's; as slow for no account as for one, so the time tells nothing."""
    if row is None or row[4] is None:
        _HASHER.hash(password[:MAX_PASSWORD_CHARS])
        return False
    try:
        return _HASHER.verify(row[4], password)
    except (VerificationError, InvalidHashError):
        return False


def _record_attempt(db: duckdb.DuckDBPyConnection, row: tuple | None, matches: bool, password: str,
                    now: dt.datetime, source: str) -> SignInRefused | None:
    """Count a failure (locking the account after repeated ones) or record the sign-in; the refusal, if any."""
    if row is None or row[4] is None:
        # counted for the source, without the e-mail typed (it may be a password typed in the wrong box)
        audit.record(db, UNKNOWN_EMAIL, "sign_in_failed", "accounts", None, {"source": source})
        return SignInRefused(WRONG)
    account_id, address, _, _, password_hash, disabled = row[:6]
    if not matches:
        [(failures,)] = db.execute("UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE account_id = ? "
                                   "RETURNING failed_attempts", [account_id]).fetchall()
        if (lock := _lock_after(failures)) is not None:
            db.execute("UPDATE accounts SET locked_until = ? WHERE account_id = ?", [now + lock, account_id])
        audit.record(db, address, "sign_in_failed", "accounts", account_id,
                     {"failed_attempts": failures, "source": source})
        return SignInRefused(WRONG)
    if disabled:
        return SignInRefused("This account is disabled: ask a lead to enable it.")
    new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(password_hash) else password_hash
    db.execute("UPDATE accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ?, password_hash = ? "
               "WHERE account_id = ?", [now, new_hash, account_id])
    audit.record(db, address, "sign_in", "accounts", account_id)
    return None


# The organisation's staff list (Organisation page) names the team; its leads and admins sign in as leads.
_STAFF_ROLE = {"staff": "staff", "lead": "lead", "admin": "lead"}


def provider_sign_in(store: Store, email: str, now: dt.datetime | None = None) -> Account:
    """The enabled account of a person the organisation's identity provider signed in (by e-mail).

    A person without an account yet who is an active member of the team's staff list (the Organisation page)
    with this e-mail gets one on their first sign-in, with the role the list gives (admin signs in as lead);
    one the list marks as no longer active is refused, account or not. Raises SignInRefused otherwise: the
    provider says who someone is, InfoDash what they may do."""
    address = _normal_email(email)
    if not address:
        raise SignInRefused("Your organisation's sign-in gave no e-mail address: ask a lead.")
    now = now or dt.datetime.now(dt.UTC)
    with store.reading() as db:
        known = _row(db, address) is not None
    # Someone with an account only has it and the audit log stamped, which no figure shows: a bookkeeping write,
    # so every page's cached figures stay good. A first sign-in makes the account: a change like any other.
    with store.writing(bookkeeping=known) as db:
        if _left_the_team(db, address):
            raise SignInRefused("The staff list marks you as no longer active: ask a lead.")
        row = _row(db, address)
        if row is None and not known:
            row = _from_staff_list(db, address)
        if row is not None and not row[5]:
            db.execute("UPDATE accounts SET last_sign_in_at = ? WHERE account_id = ?", [now, row[0]])
            audit.record(db, address, "sign_in", "accounts", row[0], {"through": "identity provider"})
    if row is None:
        raise SignInRefused(f"{address} has no InfoDash account: ask a lead to add them to the staff list on the "
                            f"Organisation page with this e-mail, or to add an account (python -m infodash users "
                            f"add {address} --name NAME --role viewer --no-password).")
    if row[5]:
        raise SignInRefused("This account is disabled: ask a lead to enable it.")
    return Account(row[0], row[1], row[2], row[3])


def _left_the_team(db: duckdb.DuckDBPyConnection, address: str) -> bool:
    """Whether the staff list knows ``address`` only as a member no longer active."""
    active, inactive = db.execute("SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE NOT active) "
                                  "FROM staff WHERE lower(trim(email)) = ?", [address]).fetchone()
    return inactive > 0 and active == 0


def _from_staff_list(db: duckdb.DuckDBPyConnection, address: str) -> tuple | None:
    """The account made for the active staff member with e-mail ``address`` (None when there is none)."""
    member = db.execute("SELECT name, role FROM staff WHERE lower(trim(email)) = ? AND active "
                        "ORDER BY staff_id LIMIT 1", [address]).fetchone()
    if member is None or db.execute("SELECT count(*) FROM accounts WHERE lower(name) = lower(?)",
                                    [member[0]]).fetchone()[0]:
        return None  # a namesake's account would share their entries: a lead adds this one by hand
    [(account_id,)] = db.execute("INSERT INTO accounts (email, name, role) VALUES (?, ?, ?) RETURNING account_id",
                                 [address, member[0], _STAFF_ROLE[member[1]]]).fetchall()
    audit.record(db, address, "insert", "accounts", account_id,
                 {"email": address, "role": _STAFF_ROLE[member[1]], "from": "staff list"})
    return _row(db, address)


def has_accounts(store: Store) -> bool:
    """Whether anyone can sign in yet (the first start on a real database creates the lead's account)."""
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM accounts").fetchone()[0] > 0
