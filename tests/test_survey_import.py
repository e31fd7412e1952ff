"""Importing survey responses from a forms tool's export: good files for a SERVQUAL and a LibQUAL-style
survey, re-imports, every kind of malformed answer, anonymous rows, guessing the mapping from the
headers, saved mappings, and the command line.

Expected values are read off the files written here (and tests/fixtures/survey_export.csv) by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infodash.cli import EXIT_BAD_INPUT, main
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.importers import ImportFileError, load_mapping, mapping_names, save_mapping
from infodash.instruments import SurveyDraft, WaveDraft, create_survey, load_instrument, open_wave
from infodash.survey_import import (KIND, SurveyImportOptions, import_survey_responses, importance_target,
                                    item_target, suggest_columns, suggest_customer_key, suggest_options)
from infodash.survey_templates import RATER_DIMENSIONS, SERVQUAL_22
from infodash.surveys import comments, dimension_scores, nps_with_margin
from tests.conftest import LONDON
from tests.messy_files import BOUNDED, ENCODINGS, TIMES, cell, csv_text, encoded, every_page_opens, fingerprint, spoiled
from tests.people import lead

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "survey_export.csv"
AUTHOR = "Ana Costa"
LIBQUAL_ITEMS = (("reliability", "Answers arrive when promised."),
                 ("tangibles", "The intranet guides are easy to use."),
                 ("empathy", "Staff understand what I need."))
# tests/fixtures/survey_export.csv, as a forms tool exports it for the 22-item SERVQUAL survey
SERVQUAL_EXPORT = SurveyImportOptions(
    columns={"respondent": "Respondent ID", "customer": "Email", "group": "Group", "submitted_at": "Submitted",
             "nps": "How likely are you to recommend us to a colleague? (0-10)",
             "csat": "Overall satisfaction (1-5)", "comment": "Comments",
             **{item_target(i, measure): f"Q{i} {measure}" for i in range(1, 23)
                for measure in ("expectation", "perception")}},
    date_format="%d/%m/%Y %H:%M:%S")
LIBQUAL_EXPORT = SurveyImportOptions(
    columns={"respondent": "ResponseId", "customer": "RecipientEmail", "group": "Group",
             "submitted_at": "RecordedDate", "nps": "NPS",
             **{item_target(i, measure): f"{i}_{short}" for i in (1, 2, 3)
                for measure, short in (("minimum", "min"), ("desired", "desired"), ("perception", "per"))},
             **{importance_target(dimension): f"{dimension.title()} importance" for dimension in RATER_DIMENSIONS}})
LIBQUAL_HEADER = ("ResponseId,RecordedDate,RecipientEmail,Group,1_min,1_desired,1_per,2_min,2_desired,2_per,"
                  "3_min,3_desired,3_per,Reliability importance,Assurance importance,Tangibles importance,"
                  "Empathy importance,Responsiveness importance,NPS\n")


@pytest.fixture
def people(store: Store) -> Store:
    """Three customer groups and three customers, as a forms tool would know them by e-mail."""
    with store.writing() as db:
        db.executemany("INSERT INTO customer_groups VALUES (?, ?, NULL, ?)",
                       [(1, "Research", 1), (2, "Sales", 2), (3, "Operations", 3)])
        db.executemany(
            "INSERT INTO customers (customer_id, name, email, login, group_id, department, seniority, relationship) "
            "VALUES (?, ?, ?, ?, ?, 'Lab', 'staff', 'customer')",
            [(1, "Alice Adams", "alice@example.org", "aadams", 1), (2, "Bob Brown", "bob@example.org", "bbrown", 1),
             (3, "Cara Clarke", "cara@example.org", "cclarke", 2)])
    return store


@pytest.fixture
def servqual_wave(people: Store) -> int:
    """The 22-item SERVQUAL survey (scale 1-7, NPS and CSAT) with its autumn 2026 wave (5-30 October)."""
    survey_id = create_survey(people, SurveyDraft("Service quality (SERVQUAL 22)", "servqual", 1, 7, SERVQUAL_22),
                              lead(AUTHOR))
    return open_wave(people, WaveDraft(survey_id, "Autumn 2026", dt.date(2026, 10, 5), dt.date(2026, 10, 30),
                                       {1: 20, 2: 15, 3: 10}), lead(AUTHOR))


@pytest.fixture
def libqual_wave(people: Store) -> int:
    """A three-item LibQUAL-style survey (scale 1-9, NPS, 100 importance points) and its autumn wave."""
    survey_id = create_survey(people, SurveyDraft("Library services", "libqual", 1, 9, LIBQUAL_ITEMS, asks_nps=True,
                                                  asks_csat=False, asks_importance=True), lead(AUTHOR))
    return open_wave(people, WaveDraft(survey_id, "Library autumn 2026", dt.date(2026, 10, 5), dt.date(2026, 10, 30),
                                       {1: 20}), lead(AUTHOR))


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def responses(store: Store) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT source_key, customer_id, group_id, submitted_at, nps, csat, comment, entered_by "
                          "FROM survey_responses ORDER BY source_key").fetchall()


def answers(store: Store, source_key: str) -> list[tuple]:
    """(item position, expectation, minimum, desired, perception) of one response."""
    with store.reading() as db:
        return db.execute("SELECT i.position, a.expectation, a.minimum, a.desired, a.perception "
                          "FROM survey_answers a JOIN survey_responses r USING (response_id) "
                          "JOIN survey_items i USING (item_id) WHERE r.source_key = ? ORDER BY i.position",
                          [source_key]).fetchall()


def problems(report) -> list[tuple[int, str, str]]:
    return [(error.line, error.column, error.reason) for error in report.errors]


def test_a_servqual_export_adds_each_respondent_with_their_answers(people, servqual_wave):
    report = import_survey_responses(people, EXPORT, servqual_wave, SERVQUAL_EXPORT, lead(AUTHOR))
    assert report.ok and report.written
    assert (report.rows_read, report.added, report.already_imported) == (5, 5, 0)
    key = f"wave {servqual_wave}: "
    # October 2026 is British Summer Time until the 25th: 09:14 in London is 08:14 UTC; the 26th is GMT.
    assert responses(people) == [
        (key + "R-1001", 1, 1, dt.datetime(2026, 10, 5, 9, 14, 3, tzinfo=LONDON), 9, 4, "Quick answers, thank you.",
         AUTHOR),
        (key + "R-1002", 2, 1, dt.datetime(2026, 10, 6, 16, 40, 51, tzinfo=LONDON), 7, None,
         "The intranet guide on patents is out of date; please update it.", AUTHOR),
        (key + "R-1003", None, 2, dt.datetime(2026, 10, 7, 11, 2, 17, tzinfo=LONDON), 3, 2,
         "Hard to find the right person to ask.", AUTHOR),
        (key + "R-1004", 3, 2, dt.datetime(2026, 10, 12, 8, 55, 40, tzinfo=LONDON), 10, 5, None, AUTHOR),
        (key + "R-1005", None, 3, dt.datetime(2026, 10, 26, 13, 30, tzinfo=dt.UTC), 8, None,
         "Please keep the Friday opening hours.", AUTHOR),
    ]
    alice = answers(people, key + "R-1001")
    assert len(alice) == 22 and alice[4] == (5, 6, None, None, 3) and alice[21] == (22, 6, None, None, 5)
    assert [len(answers(people, key + f"R-100{n}")) for n in range(2, 6)] == [19, 22, 22, 0]  # Bob skipped 20-22
    with people.reading() as db:
        audit = db.execute("SELECT actor, action, entity, details FROM audit_log WHERE action = 'import'").fetchall()
    assert [(actor, action, entity) for actor, action, entity, _ in audit] == [(AUTHOR, "import", "survey_responses")]
    assert json.loads(audit[0][3])["added"] == 5


def test_importing_the_same_file_again_adds_nothing(people, servqual_wave):
    import_survey_responses(people, EXPORT, servqual_wave, SERVQUAL_EXPORT, lead(AUTHOR))
    again = import_survey_responses(people, EXPORT, servqual_wave, SERVQUAL_EXPORT, lead(AUTHOR))
    assert (again.ok, again.added, again.already_imported, again.written) == (True, 0, 5, False)
    with people.reading() as db:
        assert db.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 5
        assert db.execute("SELECT count(*) FROM survey_answers").fetchone()[0] == 22 + 19 + 22 + 22


def test_a_dry_run_checks_every_row_and_writes_nothing(people, servqual_wave):
    report = import_survey_responses(people, EXPORT, servqual_wave, SERVQUAL_EXPORT, lead(AUTHOR), dry_run=True)
    assert (report.ok, report.written, report.added) == (True, False, 0)
    assert responses(people) == []


def test_a_libqual_export_keeps_the_three_levels_and_the_importance_points(people, libqual_wave, tmp_path):
    path = write(tmp_path, LIBQUAL_HEADER
                 + "L-1,2026-10-06 10:00,alice@example.org,,6,8,7,5,9,4,,,,40,20,10,10,20,9\n"
                 + "L-2,2026-10-07 15:30,,research,4,7,7,6,8,8,5,6,6,,,,,,6\n")
    report = import_survey_responses(people, path, libqual_wave, LIBQUAL_EXPORT, lead(AUTHOR))
    assert report.ok and report.added == 2
    key = f"wave {libqual_wave}: "
    assert responses(people) == [
        (key + "L-1", 1, 1, dt.datetime(2026, 10, 6, 10, 0, tzinfo=LONDON), 9, None, None, AUTHOR),
        (key + "L-2", None, 1, dt.datetime(2026, 10, 7, 15, 30, tzinfo=LONDON), 6, None, None, AUTHOR)]
    assert answers(people, key + "L-1") == [(1, None, 6, 8, 7), (2, None, 5, 9, 4)]  # item 3 not answered
    assert answers(people, key + "L-2") == [(1, None, 4, 7, 7), (2, None, 6, 8, 8), (3, None, 5, 6, 6)]
    with people.reading() as db:
        points = db.execute("SELECT r.source_key, p.dimension, p.points FROM survey_importance p "
                            "JOIN survey_responses r USING (response_id) "
                            "ORDER BY p.points DESC, p.dimension").fetchall()
    assert points == [(key + "L-1", "reliability", 40), (key + "L-1", "assurance", 20),
                      (key + "L-1", "responsiveness", 20), (key + "L-1", "empathy", 10),
                      (key + "L-1", "tangibles", 10)]


def test_every_malformed_answer_is_reported_by_line_and_column_and_nothing_is_written(people, servqual_wave,
                                                                                       tmp_path):
    path = write(tmp_path, "Respondent ID,Email,Submitted,Q1 expectation,Q1 perception,Q2 expectation,"
                 "Q2 perception,NPS\n"
                 "R-1,alice@example.org,2026-10-06 09:00,6,5,7,7,9\n"           # good
                 "R-2,bob@example.org,2026-10-06 09:30,6,8,7,7,8\n"             # 8 on a 1-7 scale
                 "R-3,cara@example.org,2026-10-06 10:00,6,,7,7,8\n"             # expectation without perception
                 "R-4,alice@example.org,2026-10-06 10:30,seven,5,,,\n"          # a word for a number
                 "R-5,nobody@example.org,2026-10-06 11:00,5,5,,,7\n"            # not a customer
                 "R-2,bob@example.org,2026-10-06 11:30,5,5,,,7\n"               # R-2 again
                 "R-7,bob@example.org,2026-10-06 12:00,5,5,,,11\n"              # NPS runs from 0 to 10
                 "R-8,bob@example.org,the sixth,5,5,,,7\n")                     # not a date
    options = SurveyImportOptions(columns={
        "respondent": "Respondent ID", "customer": "Email", "submitted_at": "Submitted", "nps": "NPS",
        **{item_target(i, measure): f"Q{i} {measure}" for i in (1, 2) for measure in ("expectation", "perception")}})
    report = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert problems(report) == [
        (3, "Q1 perception", "Answer with a whole number from 1 to 7."),
        (4, "Q1 perception", "Answer every level of this item (expectation, perceived) or leave them all blank."),
        (5, "Q1 expectation", "'seven' is not a number (answer with a whole number from 1 to 7)"),
        (6, "Email", "unknown customer 'nobody@example.org' (matched by email)"),
        (7, "Respondent ID", "the same respondent as line 3"),
        (8, "NPS", "Answer with a whole number from 0 to 10."),
        (9, "Submitted", "unparseable date 'the sixth' (expected ISO 8601, e.g. 2026-11-23 14:05)"),
    ]
    assert (report.rows_read, report.written, report.added) == (8, False, 0)
    assert responses(people) == []


def test_a_minimum_above_the_desired_level_and_points_adding_up_to_90_are_refused(people, libqual_wave, tmp_path):
    path = write(tmp_path, LIBQUAL_HEADER
                 + "L-1,2026-10-06 10:00,alice@example.org,,8,6,7,,,,,,,,,,,,9\n"
                 + "L-2,2026-10-06 11:00,bob@example.org,,5,8,7,,,,,,,30,20,10,10,20,9\n"
                 + "L-3,2026-10-06 12:00,cara@example.org,,5,8,7,,,,,,,40,x,10,10,20,9\n")
    report = import_survey_responses(people, path, libqual_wave, LIBQUAL_EXPORT, lead(AUTHOR))
    assert problems(report) == [
        (2, "1_min", "The minimum level is above the desired level."),
        (3, "Reliability importance", "The points add up to 90; they should add up to 100."),
        (4, "Assurance importance", "'x' is not a number (give a number of points)"),
    ]
    assert responses(people) == []


def test_an_anonymous_row_needs_a_known_customer_group(people, servqual_wave, tmp_path):
    path = write(tmp_path, "Respondent ID,Email,Group,Submitted,NPS\n"
                 "A-1,,Sales,2026-10-06 09:00,9\n"
                 "A-2,,,2026-10-06 09:00,9\n"
                 "A-3,,Marketing,2026-10-06 09:00,9\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "customer": "Email", "group": "Group",
                                           "submitted_at": "Submitted", "nps": "NPS"})
    report = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert problems(report) == [
        (3, "Group", "For an anonymous response, choose the respondent's customer group."),
        (4, "Group", "unknown customer group 'Marketing'")]
    fixed = write(tmp_path, "Respondent ID,Email,Group,Submitted,NPS\nA-1,,Sales,2026-10-06 09:00,9\n")
    assert import_survey_responses(people, fixed, servqual_wave, options, lead(AUTHOR)).added == 1
    assert [(customer, group) for _, customer, group, *_ in responses(people)] == [(None, 2)]


def test_answers_dated_outside_the_wave_are_refused_as_probably_the_wrong_wave(people, servqual_wave, tmp_path):
    # The wave runs 5-30 October 2026 (London); 23:30 UTC on 4 October is 00:30 on the 5th in London.
    path = write(tmp_path, "Respondent ID,Group,Submitted,NPS\n"
                 "B-1,Sales,2026-10-04 22:30+00:00,9\n"
                 "B-2,Sales,2026-10-04 23:30+00:00,9\n"
                 "B-3,Sales,2026-10-30 22:59+00:00,9\n"
                 "B-4,Sales,2026-10-31 00:30+00:00,9\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "group": "Group",
                                           "submitted_at": "Submitted", "nps": "NPS"}, time_zone="Europe/London")
    report = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert problems(report) == [
        (2, "Submitted", "answered on 2026-10-04, before the wave 'Autumn 2026' opened on 2026-10-05: is this the "
                         "right wave?"),
        (5, "Submitted", "answered on 2026-10-31, after the wave 'Autumn 2026' closed on 2026-10-30: is this the "
                         "right wave?")]
    assert not report.written and responses(people) == []


def test_a_submission_time_of_minus_one_is_a_row_error_not_a_crash(people, servqual_wave, tmp_path):
    path = write(tmp_path, "Respondent ID,Group,Submitted,NPS\nB-1,Sales,-1,9\nB-2,Sales,-3,9\n"
                           "B-3,Sales,2026-10-06 09:00,9\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "group": "Group",
                                           "submitted_at": "Submitted", "nps": "NPS"})
    report = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert problems(report) == [(2, "Submitted", "the date '-1' is before 1990: a placeholder or a typo"),
                                (3, "Submitted", "the date '-3' is before 1990: a placeholder or a typo")]
    assert not report.written and responses(people) == []


def test_a_respondent_who_answered_nothing_is_skipped_and_counted_not_a_reason_to_refuse_the_file(
        people, servqual_wave, tmp_path):
    path = write(tmp_path, "Respondent ID,Email,Submitted,NPS,Comments\nR-1,alice@example.org,2026-10-06 09:00,,\n"
                           "R-2,bob@example.org,2026-10-06 10:00,9,\nR-3,nobody@example.org,2026-10-06 11:00,,\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "customer": "Email",
                                           "submitted_at": "Submitted", "nps": "NPS", "comment": "Comments"})
    report = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert report.ok and report.added == 1
    assert "2 respondents answered nothing: skipped, not counted as responses" in report.notes
    assert [row[0] for row in responses(people)] == [f"wave {servqual_wave}: R-2"]


def test_without_a_respondent_column_rows_are_recognised_by_their_answers(people, servqual_wave, tmp_path):
    # two people can answer alike: both identical rows count, and neither comes twice on a re-import
    path = write(tmp_path, "Group,CSAT\nSales,5\nSales,5\nResearch,4\n")
    options = SurveyImportOptions(columns={"group": "Group", "csat": "CSAT"})
    first = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    again = import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR))
    assert (first.added, again.added, again.already_imported) == (3, 0, 3)


def test_without_a_submission_time_each_response_is_dated_noon_on_the_wave_closing_day(people, servqual_wave,
                                                                                         tmp_path):
    path = write(tmp_path, "Email,NPS\nalice@example.org,9\n")
    report = import_survey_responses(people, path, servqual_wave,
                                     SurveyImportOptions(columns={"customer": "Email", "nps": "NPS"}), lead(AUTHOR))
    assert report.notes == ["The file has no submission time: every response counts as given at 12:00 "
                            "(Europe/London) on 2026-10-30, the day the wave closes."]
    assert responses(people)[0][3] == dt.datetime(2026, 10, 30, 12, 0, tzinfo=LONDON)


def test_an_excel_export_imports_like_a_csv(people, libqual_wave, tmp_path):
    path = tmp_path / "export.xlsx"
    columns = LIBQUAL_HEADER.strip().split(",")
    row = ["L-9", dt.datetime(2026, 10, 8, 9, 30), "bob@example.org", None, 5, 7, 6, 5, 8, 7, 4, 6, 5,
           20, 20, 20, 20, 20, 10]
    pd.DataFrame([row], columns=columns).to_excel(path, index=False)
    report = import_survey_responses(people, path, libqual_wave, LIBQUAL_EXPORT, lead(AUTHOR))
    assert report.ok, report.errors
    assert responses(people) == [(f"wave {libqual_wave}: L-9", 2, 1, dt.datetime(2026, 10, 8, 9, 30, tzinfo=LONDON),
                                  10, None, None, AUTHOR)]


def test_a_mapping_that_cannot_fit_the_survey_is_refused_before_any_row_is_read(people, servqual_wave, libqual_wave):
    half_an_item = SurveyImportOptions(columns={"customer": "Email", "item:3:perception": "Q3"})
    with pytest.raises(ImportFileError, match="Item 3 is only partly mapped: map a column to q3 expectation"):
        import_survey_responses(people, EXPORT, servqual_wave, half_an_item, lead(AUTHOR))
    too_far = SurveyImportOptions(columns={"customer": "Email", "item:23:perception": "Q23", "csat": "CSAT"})
    with pytest.raises(ImportFileError, match="asks no item:23:perception"):
        import_survey_responses(people, EXPORT, servqual_wave, too_far, lead(AUTHOR))
    no_csat = SurveyImportOptions(columns={"customer": "Email", "csat": "Overall satisfaction (1-5)"})
    with pytest.raises(ImportFileError, match="asks no csat"):
        import_survey_responses(people, EXPORT, libqual_wave, no_csat, lead(AUTHOR))
    with pytest.raises(ImportFileError, match="no column Score \\(for nps\\)"):
        import_survey_responses(people, EXPORT, servqual_wave,
                                SurveyImportOptions(columns={"customer": "Email", "nps": "Score"}), lead(AUTHOR))
    with pytest.raises(ImportFileError, match="no survey wave 99"):
        import_survey_responses(people, EXPORT, 99, SERVQUAL_EXPORT, lead(AUTHOR))


def test_headers_in_common_conventions_are_matched_and_no_column_is_guessed_twice(people):
    survey_id = create_survey(people, SurveyDraft("Four items", "servqual", 1, 7, SERVQUAL_22[:4]), lead(AUTHOR))
    headers = ["Respondent ID", "Email", "Group", "Submitted", "Start time", "Q1 expectation", "q1_per",
               "Item 2 - Expectation", "P2", "E3", "Q3 Perception (1-7)", "Q4 perception", "P4", "Q1 comment",
               "Likelihood to recommend", "CSAT", "Comments"]
    assert suggest_columns(load_instrument(people, survey_id), headers) == {
        "respondent": "Respondent ID", "customer": "Email", "group": "Group", "submitted_at": "Submitted",
        "nps": "Likelihood to recommend", "csat": "CSAT", "comment": "Comments",
        "item:1:expectation": "Q1 expectation", "item:1:perception": "q1_per",
        "item:2:expectation": "Item 2 - Expectation", "item:2:perception": "P2",
        "item:3:expectation": "E3", "item:3:perception": "Q3 Perception (1-7)",
        # item 4's perception is claimed by "Q4 perception" and "P4" alike: the person chooses
    }


def test_libqual_headers_and_importance_columns_are_matched(people):
    survey_id = create_survey(people, SurveyDraft("Library services", "libqual", 1, 9, LIBQUAL_ITEMS,
                                                  asks_csat=False, asks_importance=True), lead(AUTHOR))
    headers = ["ResponseId", "RecordedDate", "RecipientEmail", "3_min", "3_desired", "3_per", "MIN1", "Desired 1",
               "Perceived service level 1", "Reliability importance", "Assurance points", "tangibles",
               "Empathy weight", "Importance: responsiveness", "Net Promoter Score", "Overall satisfaction"]
    assert suggest_columns(load_instrument(people, survey_id), headers) == {
        "respondent": "ResponseId", "customer": "RecipientEmail", "submitted_at": "RecordedDate",
        "nps": "Net Promoter Score",  # no CSAT: this survey does not ask it
        "item:1:minimum": "MIN1", "item:1:desired": "Desired 1", "item:1:perception": "Perceived service level 1",
        "item:3:minimum": "3_min", "item:3:desired": "3_desired", "item:3:perception": "3_per",
        "importance:reliability": "Reliability importance", "importance:assurance": "Assurance points",
        "importance:tangibles": "tangibles", "importance:empathy": "Empathy weight",
        "importance:responsiveness": "Importance: responsiveness"}


def test_headers_holding_the_question_text_are_matched_to_their_item(people, servqual_wave):
    instrument = load_instrument(people, 1)
    headers = [f"{level} [{text}]" for level in ("Expectation", "Perception") for _, text in SERVQUAL_22]
    suggested = suggest_columns(instrument, headers)
    assert suggested[item_target(5, "expectation")] == f"Expectation [{SERVQUAL_22[4][1]}]"
    assert suggested[item_target(22, "perception")] == f"Perception [{SERVQUAL_22[21][1]}]"
    assert len(suggested) == 44


def test_the_customer_columns_header_says_how_customers_are_matched():
    assert [suggest_customer_key(header) for header in ("E-mail address", "Login", "Customer ID", "Full name")] == [
        "email", "login", "id", "name"]


def test_a_mapping_is_saved_for_the_next_file(people):
    save_mapping(people, KIND, "Forms: RATER", SERVQUAL_EXPORT.to_dict(), lead(AUTHOR))
    assert SurveyImportOptions.from_dict(load_mapping(people, KIND, "Forms: RATER")) == SERVQUAL_EXPORT
    assert mapping_names(people, KIND) == ["Forms: RATER"] and mapping_names(people, "requests") == []


def test_the_command_line_matches_the_headers_imports_and_then_adds_nothing(people, servqual_wave, capsys):
    database = str(people.path)
    assert main(["--db", database, "import", "survey", str(EXPORT), "--wave", "autumn 2026",
                 "--date-format", "%d/%m/%Y %H:%M:%S", "--save-mapping", "forms", "--author", AUTHOR]) == 0
    out = capsys.readouterr().out
    assert "matched 51 of the file's 51 columns to 'Service quality (SERVQUAL 22)'" in out
    assert "'Email' -> Customer (by email)" in out and "'Q22 perception' -> q22 perceived" in out
    assert "5 rows read, 0 responses imported before; added 5 responses" in out and "saved the mapping" in out
    assert main(["--db", database, "import", "survey", str(EXPORT), "--wave", str(servqual_wave),
                 "--mapping", "forms"]) == 0
    assert "5 responses imported before; added 0 responses" in capsys.readouterr().out
    assert len(responses(people)) == 5


def test_the_command_line_lists_bad_rows_and_exits_65(people, servqual_wave, tmp_path, capsys):
    path = write(tmp_path, "Respondent ID,Email,Submitted,Q1 expectation,Q1 perception\n"
                 "R-1,alice@example.org,2026-10-06 09:00,6,9\n")
    code = main(["--db", str(people.path), "import", "survey", str(path), "--wave", "Autumn 2026"])
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert "line 2, column Q1 perception: Answer with a whole number from 1 to 7." in captured.err
    assert "nothing written" in captured.out and responses(people) == []
    assert main(["--db", str(people.path), "import", "survey", str(path), "--wave", "Spring 2027"]) == EXIT_BAD_INPUT
    assert "no survey wave with the id or name 'Spring 2027'" in capsys.readouterr().err


def test_wall_clock_times_are_read_in_the_chosen_time_zone(people, servqual_wave, tmp_path):
    path = write(tmp_path, "Respondent ID,Email,Submitted,NPS\nR-1,alice@example.org,2026-10-06 09:00,9\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "customer": "Email",
                                           "submitted_at": "Submitted", "nps": "NPS"})
    report = import_survey_responses(people, path, servqual_wave, dataclasses.replace(options, time_zone="UTC"),
                                     lead(AUTHOR))
    assert report.ok and responses(people)[0][3] == dt.datetime(2026, 10, 6, 9, 0, tzinfo=dt.UTC)


def test_wall_clock_times_beside_times_with_an_offset_are_still_read_in_the_chosen_time_zone(people, servqual_wave,
                                                                                          tmp_path):
    path = write(tmp_path, "Respondent ID,Email,Submitted,NPS\nR-1,alice@example.org,2026-10-06 09:00,9\n"
                           "R-2,bob@example.org,2026-10-06T09:00:00+02:00,8\n")
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "customer": "Email",
                                           "submitted_at": "Submitted", "nps": "NPS"}, time_zone="Europe/London")
    assert import_survey_responses(people, path, servqual_wave, options, lead(AUTHOR)).ok
    assert [row[3] for row in responses(people)] == [dt.datetime(2026, 10, 6, 8, 0, tzinfo=dt.UTC),  # 09:00 BST
                                                     dt.datetime(2026, 10, 6, 7, 0, tzinfo=dt.UTC)]


SURVEY_TABLES = ("survey_responses", "survey_answers", "survey_importance", "customers")


def test_any_messy_export_is_imported_whole_or_refused_cleanly_and_what_is_stored_stays_readable(
        people, servqual_wave, tmp_path, monkeypatch):
    header = ["Respondent ID", "Submitted", "Email", "Group", "NPS", "CSAT", "Comments", "Q1 expectation",
              "Q1 perception"]
    options = SurveyImportOptions(columns={"respondent": "Respondent ID", "submitted_at": "Submitted",
                                           "customer": "Email", "group": "Group", "nps": "NPS", "csat": "CSAT",
                                           "comment": "Comments", item_target(1, "expectation"): "Q1 expectation",
                                           item_target(1, "perception"): "Q1 perception"})
    who = st.sampled_from([("alice@example.org", ""), ("bob@example.org", ""), ("", "Sales"), ("", "Research")])
    score = st.integers(1, 7).map(str)
    good_row = st.builds(lambda number, day, person, nps, csat, comment, expected, perceived: [
        f"R-{number}", day, *person, nps, csat, comment, expected, perceived],
        st.integers(1, 999), st.sampled_from(["2026-10-05 09:00", "2026-10-17 14:30", "2026-10-30 18:00"]), who,
        st.integers(0, 10).map(str), st.integers(1, 5).map(str), st.sampled_from(["", "Quick answers", "=1+1"]),
        score, score)
    messy_row = st.builds(spoiled, good_row, st.sampled_from([1, 1, 1, 0, 2, 3, 4, 5, 6, 7, 8]), cell([]), TIMES,
                          st.just((1,)))
    files = st.lists(st.one_of(good_row, good_row, messy_row), min_size=1, max_size=5, unique_by=lambda row: row[0])

    @BOUNDED
    @given(rows=files, encoding=ENCODINGS, date_format=st.sampled_from([None, None, None, "%Q"]))
    def import_once(rows, encoding, date_format):
        path = tmp_path / "messy.csv"
        path.write_bytes(encoded(csv_text(header, rows), encoding))
        before = fingerprint(people, SURVEY_TABLES)
        try:
            report = import_survey_responses(people, path, servqual_wave,
                                             dataclasses.replace(options, encoding=encoding, date_format=date_format),
                                             lead(AUTHOR))
        except (ValidationError, ImportFileError):
            report = None
        if report is None or not report.written:
            assert fingerprint(people, SURVEY_TABLES) == before
        else:
            assert not report.errors
            for read in (dimension_scores, nps_with_margin, comments):  # what the Surveys page reads
                read(people, 1)

    import_once()
    every_page_opens(people.path, monkeypatch)


def test_headers_go_to_the_item_with_that_code_never_to_the_item_in_that_place(people):
    # a survey whose items stand in another order than the forms tool numbered them
    survey_id = create_survey(people, SurveyDraft("Annual survey", "perception", 1, 7, SERVQUAL_22[:4],
                                                  codes=("q4", "q1", "q2", "Q3")), lead(AUTHOR))
    instrument = load_instrument(people, survey_id)
    assert [item.label for item in instrument.items] == ["q4", "q1", "q2", "Q3"]
    columns = suggest_columns(instrument, ["q2", "Q4", "q3", "q1 (1-7)", "q1 importance"])
    assert columns == {item_target(1, "perception"): "Q4", item_target(2, "perception"): "q1 (1-7)",
                       item_target(2, "importance"): "q1 importance", item_target(3, "perception"): "q2",
                       item_target(4, "perception"): "q3"}


def test_an_items_importance_is_kept_beside_its_answer(people, tmp_path):
    survey_id = create_survey(people, SurveyDraft("Annual survey", "perception", 1, 7, SERVQUAL_22[:2]), lead(AUTHOR))
    wave_id = open_wave(people, WaveDraft(survey_id, "2026", dt.date(2026, 10, 5), dt.date(2026, 10, 30)), lead(AUTHOR))
    path = write(tmp_path, "Email,Submitted,q1,q1 importance,q2,q2 importance\n"
                           "alice@example.org,2026-10-06 09:00,5,7,4,\n"
                           "bob@example.org,2026-10-06 10:00,6,9,3,2\n")
    options = suggest_options(load_instrument(people, survey_id), ["Email", "Submitted", "q1", "q1 importance", "q2",
                                                                    "q2 importance"])
    report = import_survey_responses(people, path, wave_id, options, lead(AUTHOR))
    assert [(error.line, error.column, error.reason) for error in report.errors] == [
        (3, "q1 importance", "Answer with a whole number from 1 to 7.")]
    path.write_text(path.read_text().replace(",6,9,", ",6,6,"), encoding="utf-8")
    assert import_survey_responses(people, path, wave_id, options, lead(AUTHOR)).added == 2
    with people.reading() as db:
        assert db.execute("SELECT i.code, a.perception, a.importance FROM survey_answers a JOIN survey_items i "
                          "USING (item_id) ORDER BY a.response_id, i.position").fetchall() == [
            ("q1", 5.0, 7.0), ("q2", 4.0, None), ("q1", 6.0, 6.0), ("q2", 3.0, 2.0)]


def test_a_scheduled_import_needs_no_page_survey_and_wave_from_the_command_line(people, tmp_path, capsys):
    db = ["--db", str(people.path)]
    items = write(tmp_path, "Code,Dimension,Question\nq4,Reliability,Answers arrive when promised.\n"
                            "q1,empathy,Staff understand my needs.\n", "items.csv")
    assert main([*db, "survey", "create", str(items), "--name", "Annual 2026", "--scale", "1-5"]) == 0
    assert main([*db, "survey", "wave", "--survey", "annual 2026", "--name", "2026", "--opens", "2026-10-01",
                 "--closes", "2026-10-31", "--invited", "Research=20", "--invited", "2=15"]) == 0
    assert "survey 1: 'Annual 2026', 2 items (q4, q1)" in capsys.readouterr().out
    export = write(tmp_path, "Email,Date,Agree (first),Agree (second),Recommend\n"
                             "alice@example.org,2026-10-02 09:00,5,0,9\nbob@example.org,2026-10-02 10:00,0,0,0\n")
    code = main([*db, "import", "survey", str(export), "--wave", "2026", "--map", "Agree (first)=q1 perception",
                 "--map", "Agree (second)=q4", "--map", "Recommend=nps", "--map", "Date=submitted_at",
                 "--missing", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 rows read, 0 responses imported before; added 2 responses" in out
    with people.reading() as connection:
        assert connection.execute("SELECT r.nps, i.code, a.perception FROM survey_responses r "
                                  "LEFT JOIN survey_answers a USING (response_id) LEFT JOIN survey_items i "
                                  "USING (item_id) ORDER BY r.customer_id, i.code").fetchall() == [
            (9, "q1", 5.0), (0, None, None)]
        assert connection.execute("SELECT sum(invited) FROM survey_invitations").fetchone() == (35,)


def test_a_field_the_survey_does_not_ask_is_named_in_the_refusal(people, servqual_wave, tmp_path, capsys):
    code = main(["--db", str(people.path), "import", "survey", str(EXPORT), "--wave", str(servqual_wave),
                 "--map", "Comments=mood"])
    assert code == EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("infodash: --map: 'mood' is not a field of 'Service quality (SERVQUAL")
