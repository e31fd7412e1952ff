"""Importing the customer directory: an HR or directory export (CSV or Excel), one row per person.

A re-import of an updated directory updates the people it matches (by the organisation's own id column,
else e-mail, else login, whatever their case), adds newcomers and marks inactive the people an earlier
directory import listed and this one does not (unless the file is ``partial``, e.g. one department's list).
Nothing is deleted: a leaver keeps their history and comes back active if a later directory lists them.

Like every import, every row is checked first and nothing is written unless the whole file is good; each
problem is reported by line, column and reason.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.importers import ImportReport, RowError, add_row_errors, read_table, reading_problems, require_columns
from infodash.permissions import Account, require

KIND = "customers"
SENIORITIES = ("executive", "senior", "middle", "staff")
RELATIONSHIPS = ("customer", "partner", "both")
FIELDS = {"external_id": "the organisation's id for the person (e.g. employee number)", "name": "full name",
          "email": "e-mail", "login": "login in the monitored systems", "department": "department",
          "seniority": "seniority (executive, senior, middle or staff)", "group": "customer group",
          "relationship": "relationship (customer, partner or both)"}
MATCH_FIELDS = ("external_id", "email", "login")  # how a row finds the person it updates, in this order
NO_DEPARTMENT = "(not given)"
MAX_PERSON_NAME_CHARS = 200
SOURCE = "directory"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Header words that name each field in common exports (HR systems, Entra ID / Azure AD, Google Workspace).
_HEADER_WORDS = {
    "external_id": ("employee id", "employee number", "employee no", "staff id", "staff number", "personnel number",
                    "person id", "id", "employeeid", "employeenumber"),
    "name": ("name", "full name", "display name", "displayname", "fullname", "employee name"),
    "email": ("email", "e-mail", "mail", "email address", "work email", "userprincipalname", "primary email"),
    "login": ("login", "username", "user name", "user", "account", "samaccountname", "user id", "userid"),
    "department": ("department", "dept", "org unit", "organisational unit", "organizational unit", "unit"),
    "seniority": ("seniority", "grade", "level", "band", "job level"),
    "group": ("customer group", "group", "division", "business unit", "segment"),
    "relationship": ("relationship", "type", "customer type", "relation"),
}


@dataclass(frozen=True)
class CustomerImportOptions:
    """How to read one directory export."""

    columns: dict[str, str]  # field -> the file's column
    encoding: str = "utf-8"
    missing_marker: str = ""
    group_id: int | None = None  # the group of every row, when the file has no group column
    create_groups: bool = False  # groups the file names that do not exist yet are created (else refused)
    group_map: dict[str, str] = field(default_factory=dict)  # the file's value -> a group's name
    seniority_map: dict[str, str] = field(default_factory=dict)  # the file's value -> one of SENIORITIES
    relationship_map: dict[str, str] = field(default_factory=dict)  # the file's value -> one of RELATIONSHIPS
    default_seniority: str = "staff"
    default_relationship: str = "customer"
    partial: bool = False  # the file lists some people only: nobody is marked as having left

    def to_dict(self) -> dict[str, Any]:
        """The options as plain data, for saving a mapping."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomerImportOptions:
        """Options saved with :meth:`to_dict`."""
        return cls(**data)


@dataclass
class DirectoryReport(ImportReport):
    """What a directory import found and did, besides the common counts (``added``: newcomers)."""

    unchanged: int = 0
    reactivated: int = 0  # people listed again after having left
    left: int = 0  # people an earlier directory listed and this one does not: marked inactive
    groups_created: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the first few changes, in words, for the summary

    def outcome(self) -> str:
        """What the import did (or, checked only, would do), in words."""
        return (f"{self.added:,} new, {self.updated:,} changed, {self.unchanged:,} unchanged, "
                f"{self.reactivated:,} back after leaving, {self.left:,} marked as having left")


def suggest_columns(file_columns: Sequence[str]) -> dict[str, str]:
    """Each field's column in a file never seen before, matched from its headers (each column used once)."""
    def words(header: str) -> str:
        return re.sub(r"[\s_.\-]+", " ", header.strip().lower())
    chosen: dict[str, str] = {}
    for field_name, names in _HEADER_WORDS.items():
        for column in file_columns:
            if words(column) in names and column not in chosen.values():
                chosen[field_name] = column
                break
    return chosen


def option_problems(options: CustomerImportOptions) -> dict[str, str]:
    """What is wrong with ``options``, by field; empty when nothing is. Checked before the file is read."""
    problems = reading_problems(options.encoding, None, None)
    unknown = sorted(set(options.columns) - set(FIELDS))
    if unknown:
        problems["columns"] = f"Unknown field {', '.join(unknown)}: the fields are {', '.join(FIELDS)}."
    elif "name" not in options.columns:
        problems["columns"] = "Map the column holding each person's name."
    elif not any(key in options.columns for key in MATCH_FIELDS):
        problems["columns"] = ("Map an id, e-mail or login column: a person is recognised by it when the next "
                               "directory is imported.")
    if "group" not in options.columns and options.group_id is None:
        problems["group_id"] = "Map the customer group column, or choose the group every person is in."
    for name, mapping, allowed, default in (
            ("seniority_map", options.seniority_map, SENIORITIES, options.default_seniority),
            ("relationship_map", options.relationship_map, RELATIONSHIPS, options.default_relationship)):
        wrong = sorted({value for value in [*mapping.values(), default] if value not in allowed})
        if wrong:
            problems[name] = f"Translate into one of {', '.join(allowed)}, not {', '.join(wrong)}."
    return problems


def import_customers(store: Store, source: str | Path | bytes, options: CustomerImportOptions, actor: Account,
                     file_name: str | None = None, dry_run: bool = False,
                     progress: Callable[[float, str], None] | None = None) -> DirectoryReport:
    """Check a directory export and, unless ``dry_run`` or any row has a problem, add, update and mark as
    having left the people it says, in one transaction.

    Raises ValidationError (by field) for options :func:`option_problems` refuses or an unknown
    ``group_id``, before the file is read; ImportFileError when the file cannot be read or lacks a column.
    """
    require(actor, "lead", "import customers")
    author = actor.name.strip()
    problems = option_problems(options)
    check_author(author, problems)
    if options.group_id is not None:
        with store.reading() as db:
            if not db.execute("SELECT count(*) FROM customer_groups WHERE group_id = ?",
                              [options.group_id]).fetchone()[0]:
                problems["group_id"] = f"Unknown customer group {options.group_id}."
    if problems:
        raise ValidationError(problems)
    step = progress or (lambda fraction, message: None)
    step(0.05, "Reading the file")
    frame = read_table(source, file_name, options.encoding, options.missing_marker)
    require_columns(frame, options.columns)
    report = DirectoryReport(rows_read=len(frame))
    rows = pd.DataFrame({name: frame[column] for name, column in options.columns.items()}, index=frame.index)
    for name in FIELDS:
        if name not in rows:
            rows[name] = None
    rows["line"] = range(2, len(rows) + 2)
    step(0.2, "Checking every row")
    people = _checked(store, rows, options, report)
    report.errors.sort(key=lambda error: (error.line, error.column))
    if report.errors:
        step(1.0, "Checked")
        return report
    step(0.6, "Comparing with the customers on file")
    with (store.reading() if dry_run else store.writing()) as db:
        _apply(db, people, options, report, write=not dry_run)
        if not dry_run and not report.errors:
            audit.record(db, author.strip(), "import", "customers", None, {
                "file": file_name or (None if isinstance(source, bytes) else str(source)), "rows": report.rows_read,
                "added": report.added, "updated": report.updated, "reactivated": report.reactivated,
                "left": report.left, "groups_created": report.groups_created})
    report.to_add, report.written = report.added, not dry_run and not report.errors
    step(1.0, "Done" if report.written else "Checked")
    return report


def _checked(store: Store, rows: pd.DataFrame, options: CustomerImportOptions, report: DirectoryReport
             ) -> pd.DataFrame:
    """Every row checked and translated: name, keys, department, seniority, relationship, group name."""
    column = options.columns.get
    name_too_long = rows["name"].notna() & (rows["name"].str.len() > MAX_PERSON_NAME_CHARS)
    add_row_errors(report, rows.loc[rows["name"].isna(), "line"], column("name", "name"), "name is missing")
    add_row_errors(report, rows.loc[name_too_long, "line"], column("name"),
                   f"a name of more than {MAX_PERSON_NAME_CHARS} characters: is this the name column?")
    keys = [key for key in MATCH_FIELDS if key in options.columns]
    unkeyed = rows[keys].isna().all(axis=1)
    add_row_errors(report, rows.loc[unkeyed, "line"], column(keys[0]),
                   f"no {' or '.join(key.replace('external_id', 'id') for key in keys)} to recognise the person by")
    if "email" in options.columns:
        bad = rows["email"].notna() & ~rows["email"].map(lambda value: bool(_EMAIL.match(str(value))))
        add_row_errors(report, rows.loc[bad, "line"], column("email"), lambda value: f"{value!r} is not an e-mail "
                       "address", rows.loc[bad, "email"])
    for key in keys:  # one person per id, e-mail and login within the file
        folded = rows[key].str.lower()
        first_line = rows.groupby(folded)["line"].transform("min")
        again = folded.notna() & folded.duplicated(keep="first")
        add_row_errors(report, rows.loc[again, "line"], column(key),
                       lambda line: f"the same {key.replace('external_id', 'id')} as line {int(line)}",
                       first_line[again])
    for name, mapping, allowed, default in (
            ("seniority", options.seniority_map, SENIORITIES, options.default_seniority),
            ("relationship", options.relationship_map, RELATIONSHIPS, options.default_relationship)):
        translated = rows[name].map(lambda value, mapping=mapping, allowed=allowed, default=default: (
            default if value is None else mapping.get(value, value.lower() if value.lower() in allowed else None)))
        bad = translated.isna()
        add_row_errors(report, rows.loc[bad, "line"], column(name, name),
                       lambda value, name=name, allowed=allowed: f"unknown {name} {value!r}: map it to one of "
                       f"{', '.join(allowed)}", rows.loc[bad, name])
        rows[name] = translated
    rows["department"] = rows["department"].fillna(NO_DEPARTMENT)
    rows["email"] = rows["email"].str.lower()  # addresses are matched whatever their case: kept in one
    with store.reading() as db:
        groups = {name.lower(): (group_id, name) for group_id, name in
                  db.execute("SELECT group_id, name FROM customer_groups").fetchall()}
    if "group" in options.columns:
        named = rows["group"].map(lambda value: None if value is None else options.group_map.get(value, value))
        add_row_errors(report, rows.loc[named.isna(), "line"], column("group"), "customer group is missing")
        unknown = named.notna() & ~named.str.lower().isin(list(groups))
        if not options.create_groups:
            add_row_errors(report, rows.loc[unknown, "line"], column("group"),
                           lambda value: f"unknown customer group {value!r}: create it on the Organisation page, "
                           "map it to a group, or let the import create the groups it names", named[unknown])
        rows["group_name"] = named.map(lambda value: groups.get(value.lower(), (None, value))[1]
                                       if value is not None else None)
    else:
        rows["group_name"] = next(name for group_id, name in groups.values() if group_id == options.group_id)
    return rows


# The file's people beside the customers they are: by id, else e-mail, else login (any case), each customer
# matched once (the first key that finds them wins).
_COMPARE = """
CREATE OR REPLACE TEMP TABLE directory_match AS
WITH file AS (SELECT * FROM directory_file),
by_id AS (
    SELECT f.line, min(c.customer_id) AS customer_id FROM file f JOIN customers c
      ON lower(c.external_id) = lower(f.external_id) GROUP BY f.line
), by_email AS (
    SELECT f.line, min(c.customer_id) AS customer_id FROM file f JOIN customers c ON lower(c.email) = lower(f.email)
    WHERE f.line NOT IN (SELECT line FROM by_id) GROUP BY f.line
), by_login AS (
    SELECT f.line, min(c.customer_id) AS customer_id FROM file f JOIN customers c ON lower(c.login) = lower(f.login)
    WHERE f.line NOT IN (SELECT line FROM by_id UNION ALL SELECT line FROM by_email) GROUP BY f.line
), matched AS (SELECT * FROM by_id UNION ALL SELECT * FROM by_email UNION ALL SELECT * FROM by_login)
SELECT f.*, m.customer_id, g.group_id,
       c.name AS old_name, c.email AS old_email, c.login AS old_login, c.external_id AS old_external_id,
       c.department AS old_department, c.seniority AS old_seniority, c.relationship AS old_relationship,
       c.group_id AS old_group_id, old_group.name AS old_group_name, c.active AS old_active
FROM file f LEFT JOIN matched m USING (line) LEFT JOIN customers c USING (customer_id)
LEFT JOIN customer_groups g ON lower(g.name) = lower(f.group_name)
LEFT JOIN customer_groups old_group ON old_group.group_id = c.group_id
"""
_SAME_CUSTOMER = ("SELECT list(line ORDER BY line) FROM directory_match WHERE customer_id IS NOT NULL "
                  "GROUP BY customer_id HAVING count(*) > 1 ORDER BY min(line)")
_CHANGED = """
(old_name IS DISTINCT FROM name OR coalesce(email, old_email) IS DISTINCT FROM old_email
 OR coalesce(login, old_login) IS DISTINCT FROM old_login
 OR coalesce(external_id, old_external_id) IS DISTINCT FROM old_external_id
 OR old_department IS DISTINCT FROM department OR old_seniority IS DISTINCT FROM seniority
 OR old_relationship IS DISTINCT FROM relationship OR old_group_id IS DISTINCT FROM group_id)
"""
_COUNTS = f"""
SELECT count(*) FILTER (customer_id IS NULL),
       count(*) FILTER (customer_id IS NOT NULL AND {_CHANGED}),
       count(*) FILTER (customer_id IS NOT NULL AND NOT {_CHANGED}),
       count(*) FILTER (customer_id IS NOT NULL AND NOT old_active)
FROM directory_match
"""
_COMPARED = ("name", "email", "login", "external_id", "department", "seniority", "relationship", "group_name")
_FIRST_CHANGES = f"""
SELECT line, old_name, {', '.join(f'old_{name}, {name}' for name in _COMPARED)}
FROM directory_match WHERE customer_id IS NOT NULL AND {_CHANGED} ORDER BY line LIMIT 5
"""
# People an earlier directory listed who are still active and not in this file: they have left.
_LEAVERS = """
CREATE OR REPLACE TEMP TABLE directory_leavers AS
SELECT customer_id FROM customers WHERE source = $source AND active AND NOT $partial
  AND customer_id NOT IN (SELECT customer_id FROM directory_match WHERE customer_id IS NOT NULL)
"""
_CREATE_GROUPS = """
INSERT INTO customer_groups (group_id, name, description, sort_order)
SELECT (SELECT coalesce(max(group_id), 0) FROM customer_groups) + row_number() OVER (ORDER BY name), name,
       'Created by a directory import',
       (SELECT coalesce(max(sort_order), 0) FROM customer_groups) + row_number() OVER (ORDER BY name)
FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS name)
"""
_UPDATE_PEOPLE = """
UPDATE customers SET name = m.name, email = coalesce(m.email, customers.email),
       login = coalesce(m.login, customers.login), external_id = coalesce(m.external_id, customers.external_id),
       department = m.department, seniority = m.seniority, relationship = m.relationship, group_id = m.group_id,
       active = true, source = $source
FROM directory_match m WHERE customers.customer_id = m.customer_id
"""
_ADD_PEOPLE = """
INSERT INTO customers (name, email, login, external_id, group_id, department, seniority, relationship, source)
SELECT name, email, login, external_id, group_id, department, seniority, relationship, $source
FROM directory_match WHERE customer_id IS NULL ORDER BY line
"""
_MARK_LEAVERS = "UPDATE customers SET active = false WHERE customer_id IN (SELECT customer_id FROM directory_leavers)"


_IN_WORDS = {"external_id": "id", "group_name": "group"}


def _change_in_words(row: tuple) -> str:
    """E.g. "line 2, Alice Adams: department Lab -> Plant North, seniority middle -> senior" (a value the file
    leaves blank keeps the one on file, so is no change)."""
    line, name, *pairs = row
    changed = [f"{_IN_WORDS.get(field, field)} {old if old is not None else '-'} -> {new}"
               for field, old, new in zip(_COMPARED, pairs[::2], pairs[1::2], strict=True)
               if new is not None and old != new]
    return f"line {line}, {name}: " + ", ".join(changed)


def _apply(db: duckdb.DuckDBPyConnection, people: pd.DataFrame, options: CustomerImportOptions,
           report: DirectoryReport, write: bool) -> None:
    """Compare the file with the customers on file, count what would change, and (``write``) change it."""
    db.register("directory_file", people[["line", "external_id", "name", "email", "login", "department",
                                          "seniority", "relationship", "group_name"]])
    existing = {name.lower() for (name,) in db.execute("SELECT name FROM customer_groups").fetchall()}
    created: dict[str, str] = {}
    for name in people["group_name"].dropna():  # one new group per name whatever its case in the file
        if name.lower() not in existing:
            created.setdefault(name.lower(), name)
    report.groups_created = sorted(created.values(), key=str.lower)
    db.execute(_COMPARE)
    for lines in db.execute(_SAME_CUSTOMER).fetchall():  # e.g. one row's id and another's e-mail are one person's
        for line in lines[0][1:]:
            report.errors.append(RowError(line, options.columns.get("name", "name"),
                                          f"the same customer on file as line {lines[0][0]}"))
    if report.errors:
        db.unregister("directory_file")
        return
    if write and report.groups_created:
        db.execute(_CREATE_GROUPS, [report.groups_created])
        db.execute(_COMPARE)  # again, now that every group the file names exists
    if not write:  # groups still to be created: their people count as placed
        db.execute("UPDATE directory_match SET group_id = -1 WHERE group_id IS NULL")
    # fetchall, not fetchone: DuckDB refuses unregister on a connection with an unfinished result
    [(report.added, report.updated, report.unchanged, report.reactivated)] = db.execute(_COUNTS).fetchall()
    report.changes = [_change_in_words(row) for row in db.execute(_FIRST_CHANGES).fetchall()]
    db.execute(_LEAVERS, {"source": SOURCE, "partial": options.partial})
    [(report.left,)] = db.execute("SELECT count(*) FROM directory_leavers").fetchall()
    if report.groups_created:
        report.notes.append(("created" if write else "will create") + f" {len(report.groups_created)} customer "
                            f"group{'s' if len(report.groups_created) != 1 else ''}: "
                            + ", ".join(report.groups_created))
    if write:
        db.execute(_UPDATE_PEOPLE, {"source": SOURCE})
        db.execute(_ADD_PEOPLE, {"source": SOURCE})
        db.execute(_MARK_LEAVERS)
    db.unregister("directory_file")
