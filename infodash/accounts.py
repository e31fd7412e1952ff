"""Local accounts: who may sign in, with which role, and their passwords.

Passwords are hashed with Argon2id (``argon2-cffi``); a hash is upgraded on the next sign-in when
the library's parameters grow. Repeated failures lock an account for a while, doubling with
each further failure (30 s after the fifth, at most 15 minutes), so a password cannot be guessed
by trying; a sign-in resets the count. A refusal never says whether the e-mail or the password
was wrong. Every change and every sign-in is in the audit log, without the password.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from infodash import audit
from infodash.db import Store
from infodash.errors import ValidationError

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


@dataclass(frozen=True)
class Account:
    """A person who may sign in (never with the password or its hash)."""

    account_id: int
    email: str
    name: str
    role: str


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


def add_account(store: Store, email: str, name: str, role: str, password: str | None, actor: str) -> Account:
    """Create an account; ``password`` None makes one that signs in only through the identity provider.

    Raises ValidationError naming each field that is wrong (email, name, role, password).
    """
    errors: dict[str, str] = {}
    address = _normal_email(email)
    if not _EMAIL.match(address):
        errors["email"] = "Give an e-mail address such as ana.costa@example.org."
    if not name.strip():
        errors["name"] = "Give the person's name."
    if role not in ROLES:
        errors["role"] = f"Choose one of {', '.join(ROLES)}."
    if password is not None:
        _check_password(password, errors)
    with store.writing() as db:
        if "email" not in errors and _row(db, address):
            errors["email"] = f"{address} has an account already."
        if errors:
            raise ValidationError(errors)
        [(account_id,)] = db.execute(
            "INSERT INTO accounts (email, name, role, password_hash) VALUES (?, ?, ?, ?) RETURNING account_id",
            [address, name.strip(), role, None if password is None else _HASHER.hash(password)]).fetchall()
        audit.record(db, actor, "insert", "accounts", account_id, {"email": address, "role": role})
    return Account(account_id, address, name.strip(), role)


_UPDATES = {
    "reset_password": "UPDATE accounts SET password_hash = ?, failed_attempts = 0, locked_until = NULL "
                      "WHERE account_id = ?",
    "disabled": "UPDATE accounts SET disabled = ? WHERE account_id = ?",
    "role": "UPDATE accounts SET role = ? WHERE account_id = ?",
}


def _change(store: Store, email: str, actor: str, action: str, update: str, value: object,
            details: dict[str, object]) -> None:
    with store.writing() as db:
        row = _row(db, email)
        if row is None:
            raise ValidationError({"email": f"No account has the e-mail {_normal_email(email)}."})
        db.execute(_UPDATES[update], [value, row[0]])
        audit.record(db, actor, action, "accounts", row[0], details)


def reset_password(store: Store, email: str, password: str, actor: str) -> None:
    """Give the account a new password and lift any lock."""
    errors: dict[str, str] = {}
    _check_password(password, errors)
    if errors:
        raise ValidationError(errors)
    _change(store, email, actor, "reset_password", "reset_password", _HASHER.hash(password), {})


def set_disabled(store: Store, email: str, disabled: bool, actor: str) -> None:
    """Disable the account (it can no longer sign in; its history stays) or enable it again."""
    _change(store, email, actor, "disable" if disabled else "enable", "disabled", disabled, {"disabled": disabled})


def set_role(store: Store, email: str, role: str, actor: str) -> None:
    """Change what the account may do."""
    if role not in ROLES:
        raise ValidationError({"role": f"Choose one of {', '.join(ROLES)}."})
    _change(store, email, actor, "update", "role", role, {"role": role})


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


def sign_in(store: Store, email: str, password: str, now: dt.datetime | None = None) -> Account:
    """The account whose e-mail and password these are. Raises SignInRefused (wrong e-mail or password,
    disabled, or locked after repeated failures, with the seconds to wait)."""
    now = now or dt.datetime.now(dt.UTC)
    with store.writing() as db:  # a refusal is decided here and raised after the failure count is committed
        refusal, account = _judge(db, email, password, now)
    if refusal is not None:
        raise refusal
    return account


def _judge(db: duckdb.DuckDBPyConnection, email: str, password: str, now: dt.datetime
           ) -> tuple[SignInRefused | None, Account | None]:
    row = _row(db, email)
    if row is None or row[4] is None:
        _HASHER.hash(password[:MAX_PASSWORD_CHARS])  # as slow as a real check: the time tells nothing
        return SignInRefused(WRONG), None
    account_id, address, name, role, password_hash, disabled, failures, locked_until = row
    if locked_until is not None and locked_until > now:
        wait = int((locked_until - now).total_seconds()) + 1
        return SignInRefused(f"Too many failed attempts: try again in {wait} seconds.", wait), None
    try:
        _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        lock = _lock_after(failures + 1)
        db.execute("UPDATE accounts SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE account_id = ?",
                   [None if lock is None else now + lock, account_id])
        audit.record(db, address, "sign_in_failed", "accounts", account_id, {"failed_attempts": failures + 1})
        return SignInRefused(WRONG), None
    if disabled:
        return SignInRefused("This account is disabled: ask a lead to enable it."), None
    new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(password_hash) else password_hash
    db.execute("UPDATE accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ?, password_hash = ? "
               "WHERE account_id = ?", [now, new_hash, account_id])
    audit.record(db, address, "sign_in", "accounts", account_id)
    return None, Account(account_id, address, name, role)


def provider_sign_in(store: Store, email: str, now: dt.datetime | None = None) -> Account:
    """The enabled account of a person the organisation's identity provider signed in (by e-mail).
    Raises SignInRefused when there is none: the provider says who someone is, InfoDash what they may do."""
    address = _normal_email(email)
    with store.writing() as db:
        row = _row(db, address)
        if row is not None and not row[5]:
            db.execute("UPDATE accounts SET last_sign_in_at = ? WHERE account_id = ?",
                       [now or dt.datetime.now(dt.UTC), row[0]])
            audit.record(db, address, "sign_in", "accounts", row[0], {"through": "identity provider"})
    if row is None:
        raise SignInRefused(f"{address} has no InfoDash account: ask a lead to add one "
                            f"(python -m infodash users add {address} --name NAME --role staff --no-password).")
    if row[5]:
        raise SignInRefused("This account is disabled: ask a lead to enable it.")
    return Account(row[0], row[1], row[2], row[3])


def has_accounts(store: Store) -> bool:
    """Whether anyone can sign in yet (the first start on a real database creates the lead's account)."""
    with store.reading() as db:
        return db.execute("SELECT count(*) FROM accounts").fetchone()[0] > 0
