"""Importing the customer directory: columns matched from an HR export's headers, people matched by id, e-mail
or login on a re-import, newcomers added, leavers marked inactive (never deleted), every bad row reported and
nothing written. The fixture organisation (conftest.py) has groups Research, Sales, Operations and Empty
group, and customers alice, bob, cara, dan (inactive) and eve, none of them from a directory yet."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from infodash.customer_import import CustomerImportOptions, import_customers, suggest_columns
from infodash.errors import ValidationError
from tests.people import lead

HEADER = "Employee ID,Full name,Email,Department,Grade,Division\n"
DIRECTORY = CustomerImportOptions(
    columns={"external_id": "Employee ID", "name": "Full name", "email": "Email", "department": "Department",
             "seniority": "Grade", "group": "Division"}, create_groups=True)
HR = "Hana Reyes"


def write(tmp_path: Path, text: str, name: str = "directory.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def people(store) -> dict[str, tuple]:
    """e-mail -> (external id, name, department, seniority, group, active, source)."""
    with store.reading() as db:
        return {row[0]: row[1:] for row in db.execute(
            "SELECT email, external_id, c.name, department, seniority, g.name, active, source "
            "FROM customers c JOIN customer_groups g USING (group_id) ORDER BY customer_id").fetchall()}


def test_an_hr_exports_headers_are_matched_to_the_fields():
    assert suggest_columns(["Employee ID", "Full name", "Email", "Department", "Grade", "Division", "Phone"]) == {
        "external_id": "Employee ID", "name": "Full name", "email": "Email", "department": "Department",
        "seniority": "Grade", "group": "Division"}
    assert suggest_columns(["displayName", "userPrincipalName", "sAMAccountName", "department"]) == {
        "name": "displayName", "email": "userPrincipalName", "login": "sAMAccountName", "department": "department"}


def test_a_first_directory_updates_the_people_it_knows_and_adds_the_others(fixture_store, tmp_path):
    path = write(tmp_path, HEADER + "E1,Alice Adams,ALICE@example.org,Lab,Middle,Research\n"
                                    "E2,Bob Brown,bob@example.org,Lab,staff,research\n"
                                    "E9,Gina Green,gina@example.org,,Senior,Legal & compliance\n")
    report = import_customers(fixture_store, path, DIRECTORY, lead(HR))
    assert report.ok and report.written
    assert (report.added, report.updated, report.unchanged, report.left) == (1, 2, 0, 0)
    assert report.groups_created == ["Legal & compliance"]
    found = people(fixture_store)
    assert found["alice@example.org"] == ("E1", "Alice Adams", "Lab", "middle", "Research", True, "directory")
    assert found["gina@example.org"] == ("E9", "Gina Green", "(not given)", "senior", "Legal & compliance", True,
                                         "directory")
    assert found["eve@example.org"][5:] == (True, None)  # not in the directory, never listed by one: left alone


def test_a_month_later_the_changes_are_made_leavers_marked_inactive_and_returners_active(fixture_store, tmp_path):
    import_customers(fixture_store, write(tmp_path, HEADER + "E1,Alice Adams,alice@example.org,Lab,middle,Research\n"
                                                             "E2,Bob Brown,bob@example.org,Lab,staff,Research\n"),
                     DIRECTORY, lead(HR))
    later = write(tmp_path, HEADER + "E1,Alice Adams-Lee,alice.lee@example.org,Plant North,senior,Operations\n"
                                     "E7,Hal Hart,hal@example.org,Sales desk,staff,Sales\n")
    report = import_customers(fixture_store, later, DIRECTORY, lead(HR))
    assert (report.added, report.updated, report.unchanged, report.left) == (1, 1, 0, 1)
    assert report.changes == ["line 2, Alice Adams: name Alice Adams -> Alice Adams-Lee, email alice@example.org -> "
                              "alice.lee@example.org, department Lab -> Plant North, seniority middle -> senior, "
                              "group Research -> Operations"]
    found = people(fixture_store)
    assert found["alice.lee@example.org"][:5] == ("E1", "Alice Adams-Lee", "Plant North", "senior", "Operations")
    assert found["bob@example.org"][5] is False  # left: kept, with his history, but inactive
    assert found["eve@example.org"][5] is True
    with fixture_store.reading() as db:  # nothing deleted: Bob's requests are still his
        assert db.execute("SELECT count(*) FROM requests WHERE customer_id = 2").fetchone()[0] == 2
    bob_again = write(tmp_path, HEADER + "E2,Bob Brown,bob@example.org,Lab,staff,Research\n")
    back = import_customers(fixture_store, bob_again, dataclasses.replace(DIRECTORY, partial=True), lead(HR))
    assert (back.reactivated, back.left) == (1, 0)
    assert people(fixture_store)["bob@example.org"][5] is True
    assert people(fixture_store)["hal@example.org"][5] is True  # a partial list marks nobody as having left


def test_every_bad_row_is_reported_and_nothing_is_written(fixture_store, tmp_path):
    path = write(tmp_path, HEADER + "E1,,alice@example.org,Lab,middle,Research\n"
                                    "E2,Bob Brown,bob at example,Lab,staff,Research\n"
                                    "E3,Cara Clarke,cara@example.org,Lab,Boss,Research\n"
                                    "e3,Cara Twin,cara2@example.org,Lab,staff,Research\n"
                                    ",No Keys,,Lab,staff,Research\n"
                                    "E6,Ed Edge,ed@example.org,Lab,staff,Nowhere\n")
    before = people(fixture_store)
    report = import_customers(fixture_store, path, dataclasses.replace(DIRECTORY, create_groups=False), lead(HR))
    assert not report.written and people(fixture_store) == before
    assert [(error.line, error.column, error.reason) for error in report.errors] == [
        (2, "Full name", "name is missing"),
        (3, "Email", "'bob at example' is not an e-mail address"),
        (4, "Grade", "unknown seniority 'Boss': map it to one of executive, senior, middle, staff"),
        (5, "Employee ID", "the same id as line 4"),
        (6, "Employee ID", "no id or email to recognise the person by"),
        (7, "Division", "unknown customer group 'Nowhere': create it on the Organisation page, map it to a group, "
                        "or let the import create the groups it names")]


def test_two_rows_that_are_one_person_on_file_are_refused(fixture_store, tmp_path):
    with fixture_store.writing() as db:
        db.execute("UPDATE customers SET external_id = 'E5' WHERE email = 'eve@example.org'")
    path = write(tmp_path, HEADER + "E5,Eve Evans,eve.evans@example.org,Plant,staff,Operations\n"
                                    "E8,Eve E.,eve@example.org,Plant,staff,Operations\n")
    report = import_customers(fixture_store, path, DIRECTORY, lead(HR))
    assert [(error.line, error.reason) for error in report.errors] == [(3, "the same customer on file as line 2")]
    assert not report.written and people(fixture_store)["eve@example.org"][1] == "Eve Evans"


def test_a_dry_run_says_what_would_change_and_writes_nothing(fixture_store, tmp_path):
    path = write(tmp_path, HEADER + "E9,Gina Green,gina@example.org,Legal,senior,Legal & compliance\n")
    before = people(fixture_store)
    report = import_customers(fixture_store, path, DIRECTORY, lead(HR), dry_run=True)
    assert (report.to_add, report.written, report.notes) == (
        1, False, ["will create 1 customer group: Legal & compliance"])
    assert people(fixture_store) == before


@pytest.mark.parametrize(("options", "errors"), [
    (CustomerImportOptions(columns={"email": "Email"}), {"columns": "Map the column holding each person's name.",
                                                         "group_id": "Map the customer group column, or choose the "
                                                                     "group every person is in."}),
    (CustomerImportOptions(columns={"name": "Full name"}, group_id=1),
     {"columns": "Map an id, e-mail or login column: a person is recognised by it when the next directory is "
                 "imported."}),
    (CustomerImportOptions(columns={"name": "Full name", "email": "Email"}, group_id=99),
     {"group_id": "Unknown customer group 99."}),
    (dataclasses.replace(DIRECTORY, encoding="klingon", seniority_map={"Boss": "chief"}),
     {"encoding": "Unknown text encoding 'klingon': use utf-8, cp1252 (Excel on Windows), latin-1 or utf-16.",
      "seniority_map": "Translate into one of executive, senior, middle, staff, not chief."}),
])
def test_options_that_cannot_work_are_refused_before_the_file_is_read(fixture_store, tmp_path, options, errors):
    with pytest.raises(ValidationError) as refused:
        import_customers(fixture_store, tmp_path / "never-read.csv", options, lead(HR))
    assert refused.value.errors == errors
