"""Setting up the organisation a team serves and the team itself: customer groups, the service portfolio
(what the team does, and what it does not, with where those requests are referred) and staff.

Each save validates every field first (a ValidationError names each problem by field), writes in one
transaction and records the change with its old values in the audit log. Names are unique whatever
their case (the database leaves that to the library: see migration 011). Groups and services are never
deleted while anything refers to them: a service is retired (inactive), a group must be emptied first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import Account, require

MAX_NAME_CHARS = 80
MAX_TEXT_CHARS = 1_000
STAFF_ROLES = {"staff": "Staff", "lead": "Lead", "admin": "Administrator"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Per kind of record: its key, the columns a person sets, and the SQL that finds a clashing name. The SQL is
# built once from these fixed names; values are always parameters.
_TABLES = {
    "customer_groups": ("group_id", ("name", "description", "sort_order")),
    "services": ("service_id", ("name", "description", "value_statement", "in_scope", "referral", "active")),
    "staff": ("staff_id", ("name", "email", "role", "active")),
}
_SAME_NAME = {table: f"SELECT {key} FROM {table} WHERE lower(name) = lower(?) AND {key} <> ?"
              for table, (key, _) in _TABLES.items()}
_NEXT_ID = {table: f"SELECT coalesce(max({key}), 0) + 1 FROM {table}" for table, (key, _) in _TABLES.items()}
_ROW = {table: f"SELECT * FROM {table} WHERE {key} = ?" for table, (key, _) in _TABLES.items()}
_INSERT = {table: f"INSERT INTO {table} ({key}, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})"
           for table, (key, columns) in _TABLES.items()}
_UPDATE = {table: f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in columns)} WHERE {key} = ?"
           for table, (key, columns) in _TABLES.items()}
Check = Callable[[duckdb.DuckDBPyConnection, dict[str, str]], None]

@dataclass(frozen=True)
class GroupDraft:
    """A customer group as a lead enters it; ``sort_order`` None puts a new group last."""

    name: str
    description: str = ""
    sort_order: int | None = None


@dataclass(frozen=True)
class ServiceDraft:
    """A service of the portfolio: what it is, the value it gives, and, out of scope, where such requests go."""

    name: str
    description: str = ""
    value_statement: str = ""
    in_scope: bool = True
    referral: str = ""
    active: bool = True


@dataclass(frozen=True)
class StaffDraft:
    """A member of the team."""

    name: str
    email: str = ""
    role: str = "staff"
    active: bool = True


def _check_name(db: duckdb.DuckDBPyConnection, table: str, name: str, record_id: int | None, noun: str,
                errors: dict[str, str]) -> None:
    if not name:
        errors["name"] = f"Name the {noun}."
    elif len(name) > MAX_NAME_CHARS:
        errors["name"] = f"Use at most {MAX_NAME_CHARS} characters."
    elif db.execute(_SAME_NAME[table], [name, -1 if record_id is None else record_id]).fetchone():
        errors["name"] = f"There is already a {noun} named {name!r}."


def _check_text(value: str, field: str, errors: dict[str, str]) -> None:
    if len(value) > MAX_TEXT_CHARS:
        errors[field] = f"Use at most {MAX_TEXT_CHARS:,} characters."


def _save(store: Store, table: str, record_id: int | None, values: dict[str, object], actor: Account, noun: str,
          check: Check) -> int:
    """Validate (``check(db, errors)`` adds field problems), then insert or update one row and audit it with
    its old values. ``values`` holds every column of ``_TABLES[table]``."""
    require(actor, "lead", "change the organisation")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    with store.writing() as db:
        before = None
        if record_id is not None:
            found = db.execute(_ROW[table], [record_id])
            row = found.fetchone()
            if row is None:
                errors["form"] = f"There is no {noun} {record_id} any more: it may have been removed meanwhile."
            else:
                before = dict(zip([column[0] for column in found.description], row, strict=True))
        check(db, errors)
        if errors:
            raise ValidationError(errors)
        ordered = [values[column] for column in _TABLES[table][1]]
        if record_id is None:
            record_id = db.execute(_NEXT_ID[table]).fetchone()[0]
            db.execute(_INSERT[table], [record_id, *ordered])
        else:
            db.execute(_UPDATE[table], [*ordered, record_id])
        audit.record(db, author.strip(), "update" if before else "create", table, record_id,
                     {"before": before, "after": values})
    return int(record_id)


def save_group(store: Store, draft: GroupDraft, actor: Account, group_id: int | None = None) -> int:
    """Add a customer group (``group_id`` None) or change one; returns its id. Raises NotAllowed for anyone but
    a lead, ValidationError."""
    name, description = draft.name.strip(), draft.description.strip()

    def check(db: duckdb.DuckDBPyConnection, errors: dict[str, str]) -> None:
        _check_name(db, "customer_groups", name, group_id, "customer group", errors)
        _check_text(description, "description", errors)
        if draft.sort_order is not None and not 0 <= draft.sort_order <= 10_000:
            errors["sort_order"] = "Use a whole number from 0 to 10,000."

    with store.reading() as db:
        order = draft.sort_order if draft.sort_order is not None else db.execute(
            "SELECT coalesce(max(sort_order), 0) + 1 FROM customer_groups").fetchone()[0]
    return _save(store, "customer_groups", group_id,
                 {"name": name, "description": description or None, "sort_order": order}, actor,
                 "customer group", check)


def save_service(store: Store, draft: ServiceDraft, actor: Account, service_id: int | None = None) -> int:
    """Add a service (``service_id`` None) or change one; returns its id. An out-of-scope service needs the
    referral its requests are sent to. Raises NotAllowed for anyone but a lead, ValidationError."""
    name = draft.name.strip()
    texts = {"description": draft.description.strip(), "value_statement": draft.value_statement.strip(),
             "referral": draft.referral.strip()}

    def check(db: duckdb.DuckDBPyConnection, errors: dict[str, str]) -> None:
        _check_name(db, "services", name, service_id, "service", errors)
        for field, text in texts.items():
            _check_text(text, field, errors)
        if not draft.in_scope and not texts["referral"]:
            errors["referral"] = "Say where requests for a service the team does not offer are referred."

    return _save(store, "services", service_id,
                 {"name": name, **{field: text or None for field, text in texts.items()},
                  "in_scope": bool(draft.in_scope), "active": bool(draft.active)}, actor, "service", check)


def save_staff(store: Store, draft: StaffDraft, actor: Account, staff_id: int | None = None) -> int:
    """Add a staff member (``staff_id`` None) or change one; returns the id. Raises NotAllowed for anyone but a
    lead, ValidationError."""
    name, email = draft.name.strip(), draft.email.strip()

    def check(db: duckdb.DuckDBPyConnection, errors: dict[str, str]) -> None:
        _check_name(db, "staff", name, staff_id, "staff member", errors)
        if email and not _EMAIL.match(email):
            errors["email"] = f"{email!r} is not an e-mail address."
        if draft.role not in STAFF_ROLES:
            errors["role"] = f"Choose one of {', '.join(STAFF_ROLES.values())}."

    return _save(store, "staff", staff_id, {"name": name, "email": email or None, "role": draft.role,
                                             "active": bool(draft.active)}, actor, "staff member", check)


def delete_group(store: Store, group_id: int, actor: Account) -> None:
    """Remove an empty customer group; one that still has customers, or that a policy or survey names, is
    refused (move them first). Raises NotAllowed for anyone but a lead, ValidationError."""
    require(actor, "lead", "change the organisation")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    with store.writing() as db:
        row = db.execute(_ROW["customer_groups"], [group_id]).fetchone()
        used = db.execute("""
            SELECT (SELECT count(*) FROM customers WHERE group_id = $id),
                   (SELECT count(*) FROM sla_policy_versions WHERE group_id = $id)
                   + (SELECT count(*) FROM survey_invitations WHERE group_id = $id)
                   + (SELECT count(*) FROM survey_responses WHERE group_id = $id)
        """, {"id": group_id}).fetchone()
        if row is None:
            errors["form"] = f"There is no customer group {group_id}."
        elif used[0]:
            errors["form"] = f"{used[0]:,} customers are in this group: move them to another group first."
        elif used[1]:
            errors["form"] = "Service-level policies or surveys name this group: it stays, so their history does."
        if errors:
            raise ValidationError(errors)
        db.execute("DELETE FROM customer_groups WHERE group_id = ?", [group_id])
        audit.record(db, author.strip(), "delete", "customer_groups", group_id, {"before": {"name": row[1]}})


def groups_table(store: Store) -> pd.DataFrame:
    """Customer groups in display order with their active customers: group_id, name, description, sort_order,
    customers."""
    with store.reading() as db:
        return db.execute("""
            SELECT g.group_id, g.name, g.description, g.sort_order,
                   count(c.customer_id) FILTER (c.active) AS customers
            FROM customer_groups g LEFT JOIN customers c USING (group_id)
            GROUP BY ALL ORDER BY g.sort_order, g.name
        """).df()


def services_table(store: Store) -> pd.DataFrame:
    """The portfolio, in scope first: service_id, name, description, value_statement, in_scope, referral, active,
    requests (all time)."""
    with store.reading() as db:
        return db.execute("""
            SELECT s.service_id, s.name, s.description, s.value_statement, s.in_scope, s.referral, s.active,
                   coalesce(r.requests, 0) AS requests
            FROM services s LEFT JOIN (SELECT service_id, count(*) AS requests FROM requests GROUP BY 1) r
            USING (service_id)
            ORDER BY NOT s.in_scope, NOT s.active, s.name
        """).df()


def staff_table(store: Store) -> pd.DataFrame:
    """The team: staff_id, name, email, role, active."""
    with store.reading() as db:
        return db.execute("SELECT staff_id, name, email, role, active FROM staff ORDER BY NOT active, name").df()
