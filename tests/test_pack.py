"""The management pack's content: reporting periods as people write them, comparisons with the previous
period and the same period last year, partial periods, periods without data, suppression of small survey
cells, the lead's texts, and packs kept with their files.

Hand counts on the fixture organisation of conftest.py (requests 1-7 and touchpoints 1-4 in November
2026, request 8 and touchpoint 5 in October; no service-level policies, no surveys):

- The quarter November 2026 - January 2027 of a reporting year starting in November receives requests
  1-7, resolves 1, 2, 5, 6, 7 (4, 90, 10, 2 and 2 hours: median 4) and declines 3; touchpoints 1-4.
  Customers 1-5 are served, 4 of the 4 active ones. The quarter before (August - October) receives and
  resolves request 8 and has touchpoint 5; the same quarter a year before has nothing.
- Week 47 so far on Wednesday 18 Nov: requests 7, 1 and 3 received, 7, 1 and 2 resolved, 3 declined,
  touchpoints 1 and 4. The first three days of week 46: request 6 received and resolved, touchpoint 3.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.pack import ManagementPack, PackTexts, check_texts, pack_content
from infodash.pack_html import render_html
from infodash.pack_parts import last_whole_week
from infodash.periods import (Period, ReportingPeriod, parse_period, recent_reporting_periods,
                              reporting_period_containing)
from infodash.reports import save_pack, saved_pack_file, saved_packs
from infodash.surveys import SUPPRESSED
from tests.conftest import LONDON, at
from tests.people import lead


# ---------------------------------------------------------------------------------------------------------------
# Reporting periods


@pytest.mark.parametrize(("text", "key", "label", "start", "end"), [
    ("2026", "2026", "Year 2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ("2026-Q3", "2026-Q3", "Q3 2026 (1 Jul - 30 Sep 2026)", dt.date(2026, 7, 1), dt.date(2026, 10, 1)),
    ("2026-09", "2026-09", "September 2026", dt.date(2026, 9, 1), dt.date(2026, 10, 1)),
    ("2026-W38", "2026-W38", "Week 38 2026 (14 Sep - 20 Sep 2026)", dt.date(2026, 9, 14), dt.date(2026, 9, 21)),
    (" 2026-q1 ", "2026-Q1", "Q1 2026 (1 Jan - 31 Mar 2026)", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
])
def test_a_period_is_read_as_people_write_it(text, key, label, start, end):
    period = parse_period(text)
    assert (period.key, period.label(), period.period) == (key, label, Period(start, end))


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "2026-13", "2026-W54", "2025-W53", "26", "Q3 2026", ""])
def test_a_period_that_does_not_exist_is_refused_with_the_forms_accepted(text):
    with pytest.raises(ValueError, match=r"quarter \(2026-Q3\)"):
        parse_period(text)


def test_the_period_before_the_first_of_a_year_is_the_last_of_the_year_before():
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026-01").previous().key == "2025-12"
    assert parse_period("2027-W01").previous().key == "2026-W53"  # 2026 has 53 ISO weeks
    assert parse_period("2026-W01").previous().key == "2025-W52"


def test_week_53_has_no_same_week_the_year_before_when_that_year_had_52():
    assert parse_period("2026-W53").same_period_last_year() is None
    assert parse_period("2026-Q3").same_period_last_year().key == "2025-Q3"


def test_a_reporting_year_from_november_has_a_quarter_across_the_turn_of_the_year():
    quarter = parse_period("2026-Q1", year_start_month=11)
    assert quarter.period == Period(dt.date(2026, 11, 1), dt.date(2027, 2, 1))
    assert quarter.label() == "Q1 2026/27 (1 Nov 2026 - 31 Jan 2027)"
    assert quarter.previous().period == Period(dt.date(2026, 8, 1), dt.date(2026, 11, 1))
    assert quarter.previous().key == "2025-Q4"
    assert reporting_period_containing("quarter", dt.date(2027, 1, 15), 11) == quarter
    assert parse_period("2026", year_start_month=11).period == Period(dt.date(2026, 11, 1), dt.date(2027, 11, 1))


def test_recent_periods_run_back_from_the_one_running_today():
    keys = [period.key for period in recent_reporting_periods("quarter", dt.date(2026, 2, 10), 3)]
    assert keys == ["2026-Q1", "2025-Q4", "2025-Q3"]
    month = reporting_period_containing("month", dt.date(2026, 2, 10))
    assert month.is_partial(dt.date(2026, 2, 10)) and not month.is_partial(dt.date(2026, 3, 1))
    assert month.covered(dt.date(2026, 2, 10)) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 11))


# ---------------------------------------------------------------------------------------------------------------
# Comparisons, partial periods, no data


def test_a_quarter_across_the_turn_of_the_year_is_compared_with_the_quarter_before(fixture_store):
    content = pack_content(fixture_store, parse_period("2026-Q1", 11), LONDON, now=at("2027-02-15 12:00"))
    figures = {headline.key: headline.value for headline in content.headlines}
    assert not content.partial
    assert (figures["received"], figures["resolved"], figures["declined"], figures["touchpoints"]) == (7, 5, 1, 4)
    assert figures["median_resolution_hours"] == 4.0
    assert (figures["customers_served"], figures["reach_share"]) == (5, 1.0)
    assert figures["attainment"] is None  # no service-level policy judged anything
    previous, last_year = content.headline("received").changes
    assert (previous.short, previous.then, previous.change) == ("Q4 2025/26", 1, 6)
    assert previous.name == "the previous quarter, Q4 2025/26 (1 Aug - 31 Oct 2026)"
    assert not last_year.has_data and last_year.short == "Q1 2025/26"
    assert content.headline("received").note() == (
        "Requests received: 7. Requests received in the period (any status). In the previous quarter, Q4 2025/26 "
        "(1 Aug - 31 Oct 2026): 1, a change of +6. No data for the same quarter last year, Q1 2025/26 "
        "(1 Nov 2025 - 31 Jan 2026).")


def test_a_week_still_running_is_marked_partial_and_compared_with_as_many_days(fixture_store):
    content = pack_content(fixture_store, parse_period("2026-W47"), LONDON, now=at("2026-11-18 12:00"))
    assert content.partial and content.covered == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 19))
    assert content.title == "Week 47 2026 (16 Nov - 22 Nov 2026), so far (to 18 Nov 2026)"
    figures = {headline.key: headline.value for headline in content.headlines}
    assert (figures["received"], figures["resolved"], figures["declined"], figures["touchpoints"]) == (3, 3, 1, 2)
    previous, last_year = content.headline("received").changes
    assert previous.name == "the first 3 days of the previous week, Week 46 2026, 9 Nov - 11 Nov 2026"
    assert (previous.then, previous.change) == (1, 2)
    assert content.headline("touchpoints").changes[0].then == 1
    assert not last_year.has_data


def test_a_period_with_no_data_gives_zeros_and_no_comparison(fixture_store):
    content = pack_content(fixture_store, parse_period("2025-Q1"), LONDON, now=at("2026-11-23 12:00"))
    assert content.headline("received").value == 0 and content.headline("median_resolution_hours").value is None
    assert all(not change.has_data for headline in content.headlines for change in headline.changes)
    assert content.survey.satisfaction is None and content.survey.comment_choices.empty
    assert content.themes.themes is None and content.themes.message.startswith("No survey wave")
    pack = ManagementPack(content)
    assert [chart.key for chart in pack.charts()] == ["reach"]  # each group reached none of its customers
    assert pack.charts()[0].series[0][1] == (0.0, 0.0, 0.0, None)  # the fourth group has no customers
    assert pack.why_no_chart("requests_by_service").startswith("No requests")


def test_the_same_week_last_year_is_absent_when_that_year_had_no_week_53(fixture_store):
    content = pack_content(fixture_store, parse_period("2026-W53"), LONDON, now=at("2027-01-10 12:00"))
    last_year = content.headline("received").changes[1]
    assert not last_year.has_data and "2025 has no week 53" in last_year.name


def test_a_period_not_started_yet_is_refused(fixture_store):
    with pytest.raises(ValidationError) as refused:
        pack_content(fixture_store, parse_period("2027-Q1"), LONDON, now=at("2026-11-23 12:00"))
    assert refused.value.errors == {"period": "2027-Q1 has not started yet: it begins on 1 Jan 2027."}


def test_a_year_is_compared_once_with_the_year_before(fixture_store):
    content = pack_content(fixture_store, ReportingPeriod("year", 2026), LONDON, now=at("2026-11-23 12:00"))
    assert [change.short for change in content.headline("received").changes] == ["2025"]


# ---------------------------------------------------------------------------------------------------------------
# Suppression, the lead's texts, stored packs (the Executive board of the demo: fewer than 5 respondents a wave)


@pytest.fixture(scope="module")
def executive_content(module_demo_store):
    return pack_content(module_demo_store, parse_period("2026-Q3"), LONDON, Filters(group_ids=(1,)),
                        now=at("2026-11-23 12:00"))


def test_survey_figures_of_fewer_than_five_respondents_stay_withheld_in_the_pack(executive_content):
    survey = executive_content.survey.satisfaction
    shown = {headline.key: headline.text for headline in survey.headlines}
    assert shown["survey_score"] == SUPPRESSED and shown["nps"] == SUPPRESSED
    pack = ManagementPack(executive_content)
    assert "dimensions" not in {chart.key for chart in pack.charts()}
    assert SUPPRESSED in pack.why_no_chart("dimensions")
    dimensions = next(table for table in pack.tables() if table.key == "dimensions").frame
    assert set(dimensions["mean"]) == {SUPPRESSED}
    assert executive_content.survey.comments_withheld and executive_content.survey.comment_choices.empty
    assert executive_content.scope == "Customer groups: Executive board; all services"
    # and too few of its comments for themes: said in words, no themes table
    assert not executive_content.themes.themes.found
    assert "are needed to find themes" in executive_content.themes.message
    assert "comment_themes" not in {table.key for table in pack.tables()}
    assert f'<p class="meta">{executive_content.themes.message}</p>' in render_html(pack)


def test_texts_and_comments_are_checked(executive_content):
    with pytest.raises(ValidationError) as refused:
        check_texts(executive_content, PackTexts("x" * 2_001, "\n".join(["a line"] * 16), (1,)))
    assert set(refused.value.errors) == {"achievements", "plans", "comments"}
    check_texts(executive_content, PackTexts("x" * 2_000, "\n".join(["a line"] * 15)))


def test_a_saved_pack_keeps_its_texts_and_files_as_made(module_demo_store, executive_content):
    texts = PackTexts("  Launched the board briefing service  ", "Monthly board digest")
    with pytest.raises(ValidationError, match="Enter your name"):
        save_pack(module_demo_store, executive_content, texts, lead(" "))
    made = at("2026-11-23 12:00")
    pack_id = save_pack(module_demo_store, executive_content, texts, lead("Ana Costa"), ("html", "xlsx", "csv"), now=made)
    listed = saved_packs(module_demo_store).iloc[0]
    assert (listed["pack_id"], listed["period_key"], listed["created_by"], list(listed["formats"])) == (
        pack_id, "2026-Q3", "Ana Costa", ["csv", "html", "xlsx"])
    assert (listed["achievements"], listed["scope"]) == ("Launched the board briefing service",
                                                        "Customer groups: Executive board; all services")
    stored = saved_pack_file(module_demo_store, pack_id, "html")
    assert stored.file_name == "management-pack-2026-Q3-filtered.html"
    expected = render_html(ManagementPack(executive_content, PackTexts("Launched the board briefing service",
                                                                        "Monthly board digest"), "Ana Costa", made))
    assert stored.content == expected.encode("utf-8")
    assert saved_pack_file(module_demo_store, pack_id, "pptx") is None
    with module_demo_store.reading() as db:
        assert db.execute("SELECT actor, action FROM audit_log WHERE entity = 'management_packs'").fetchall() == [
            ("Ana Costa", "generate")]

    book = openpyxl.load_workbook(io.BytesIO(saved_pack_file(module_demo_store, pack_id, "xlsx").content))
    assert book.sheetnames[:4] == ["About", "headlines", "requests_by_service", "requests_by_group"]
    sheet = book["requests_by_group"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {"Executive board": executive_content.groups.requests_by_group["received"].iloc[0]}
    assert set(cell.value for cell in book["dimensions"]["D"][1:]) == {SUPPRESSED}
    archive = zipfile.ZipFile(io.BytesIO(saved_pack_file(module_demo_store, pack_id, "csv").content))
    assert "about.csv" in archive.namelist() and "reach.csv" in archive.namelist()


@pytest.mark.parametrize("first, end, today, last_week_start", [
    (dt.date(2026, 10, 1), dt.date(2026, 12, 5), dt.date(2026, 12, 4), dt.date(2026, 11, 23)),  # Q4 so far, Friday
    (dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2026, 12, 4), dt.date(2026, 9, 28)),  # Q3: its last week is over
    (dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 11, 30), dt.date(2026, 11, 23)),  # over on Monday
])
def test_the_packs_weekly_trend_ends_with_the_last_week_that_is_over(first, end, today, last_week_start):
    last = last_whole_week(Period(first, end), today)
    assert (last.start, last.days) == (last_week_start, 7)
