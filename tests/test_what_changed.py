"""What changed, in words: the biggest significant movers between two periods, each tested, written as sentences.

Expected p-values are worked out on paper: the exact binomial test of 40 of 50 against a fair split is
2 x sum(C(50, k), k = 40..50) / 2^50 = 2.3861e-05; of 5 of 8 it is 0.7265625; of 5 of 25 (a fall) it is
2 x (1 + 25 + 300 + 2,300 + 12,650 + 53,130) / 2^25 = 0.0040773. Attainment 950 of 1,000 then 890 of 1,000: pooled
share 0.92, standard error sqrt(0.92 x 0.08 x 2 / 1,000) = 0.012133, z = 4.9454, p = 7.6006e-07.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from infodash.filters import Filters
from infodash.movers import (TESTS, attainment_candidates, count_tests, rank_movers, sentence, share_tests,
                             survey_tests, what_changed)
from infodash.sla_reports import attainment_by_each
from infodash.periods import Period
from infodash.surveys import SCORE_COLUMNS, WaveSummary
from tests.conftest import LONDON, at

WEEK = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 23))  # week 47; the week before: 9-15 Nov


@pytest.fixture
def moved_store(store):
    """Legal's Desk research requests rose from 10 to 40 (by e-mail); Sales' Translation requests from 3 to 5 (by
    phone); Intranet usage fell from 20 events to 5."""
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES ('time_zone', 'Europe/London')")
        db.executemany("INSERT INTO customer_groups VALUES (?, ?, NULL, ?)", [(1, "Legal", 1), (2, "Sales", 2)])
        db.executemany("INSERT INTO customers (customer_id, name, email, group_id, department, seniority, relationship)"
                       " VALUES (?, ?, ?, ?, 'Dept', 'staff', 'customer')",
                       [(1, "Alice Adams", "alice@example.org", 1), (2, "Bob Brown", "bob@example.org", 2)])
        db.executemany("INSERT INTO services (service_id, name) VALUES (?, ?)", [(1, "Desk research"),
                                                                                   (2, "Translation")])
        rows = ([(1, 1, "email", at("2026-11-10 10:00") + dt.timedelta(minutes=k)) for k in range(10)]
                + [(1, 1, "email", at("2026-11-17 10:00") + dt.timedelta(minutes=k)) for k in range(40)]
                + [(2, 2, "phone", at("2026-11-11 10:00") + dt.timedelta(minutes=k)) for k in range(3)]
                + [(2, 2, "phone", at("2026-11-18 10:00") + dt.timedelta(minutes=k)) for k in range(5)])
        db.executemany("INSERT INTO requests (customer_id, service_id, channel, received_at, created_by) "
                       "VALUES (?, ?, ?, ?, 'fixture')", rows)
        db.execute("INSERT INTO systems VALUES (1, 'Intranet', 'web')")
        events = ([(at("2026-11-12 09:00") + dt.timedelta(minutes=k),) for k in range(20)]
                  + [(at("2026-11-19 09:00") + dt.timedelta(minutes=k),) for k in range(5)])
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action) "
                       "VALUES (?, 1, 'aadams', 1, 'view')", events)
    return store


def test_a_rise_from_10_to_40_requests_is_written_out_and_ties_keep_a_fixed_order(moved_store):
    changes = what_changed(moved_store, WEEK, WEEK.previous(), LONDON, now=at("2026-11-23 12:00"))
    # Desk research, Legal and e-mail all rose 10 -> 40 (the same effect): services, then groups, then channels.
    assert changes.sentences == [
        "Requests for Desk research rose 300% to 40, the largest rise.",
        "Requests from Legal rose 300% to 40.",
        "Requests via E-mail rose 300% to 40.",
        "Usage events in Intranet fell 75% to 5.",
    ]
    assert changes.tested == 7  # 2 services, 2 groups, 2 channels, 1 system; Translation's 3 -> 5 is not listed
    assert changes.summary == "4 of the 7 figures tested changed significantly from the previous week."
    movers = changes.movers
    assert movers["p_value"].iloc[0] == pytest.approx(2.3861331676755526e-05, rel=1e-9)
    assert movers["adjusted_p_value"].iloc[0] == pytest.approx(2.3861331676755526e-05 * 7 / 3, rel=1e-9)  # BH
    assert movers["p_value"].iloc[3] == pytest.approx(0.0040773, rel=1e-4)
    assert movers["adjusted_p_value"].iloc[3] == pytest.approx(0.0040773 * 7 / 4, rel=1e-4)
    assert set(movers["test"]) == {TESTS["count"]}
    assert list(changes.table().columns) == ["change", "test", "p_value", "adjusted_p_value"]
    assert changes.table()["p_value"].iloc[0] == "< 0.001"


def test_a_rise_from_3_to_5_is_not_significant_and_not_listed():
    tested = count_tests("requests by service", pd.DataFrame({"subject": ["Translation"], "then": [3], "now": [5]}),
                         7, 7)
    assert tested["p_value"].iloc[0] == pytest.approx(0.7265625)
    changes = rank_movers(tested, "the previous week")
    assert changes.sentences == ["No figure changed significantly from the previous week."]
    assert changes.summary == "None of the 1 figures tested changed significantly from the previous week."


def test_a_month_is_compared_with_a_shorter_month_per_day_and_says_so_in_the_verb():
    # February (28 days) had 2,800 requests, 100 a day; March (31 days) 2,790, 90 a day: a fall of 10% a day,
    # though the counts barely move
    tested = count_tests("requests by service", pd.DataFrame({"subject": ["Research"], "then": [2800], "now": [2790]}),
                         31, 28)
    assert tested["then"].iloc[0] == pytest.approx(3100) and tested["then_n"].iloc[0] == 2800
    assert tested["effect"].iloc[0] == pytest.approx(abs(math.log(2790.5 / 31) - math.log(2800.5 / 28)))
    changes = rank_movers(tested, "February")
    assert changes.sentences == ["Requests for Research fell 10% to 2,790."]


def test_counts_too_small_in_both_periods_are_not_tested():
    tested = count_tests("requests by customer group", pd.DataFrame({"subject": ["Board"], "then": [0], "now": [4]}),
                         7, 7)
    assert tested.empty


def test_an_attainment_fall_names_the_target_it_misses():
    shares = pd.DataFrame({"subject": ["Document delivery"], "then_met": [950], "then_n": [1000], "now_met": [890],
                           "now_n": [1000], "target": [0.95]})
    tested = share_tests("attainment by service", shares)
    assert tested["p_value"].iloc[0] == pytest.approx(7.6006e-07, rel=1e-4)
    assert tested["effect"].iloc[0] == pytest.approx(0.2251, abs=1e-4)  # Cohen's h
    changes = rank_movers(tested, "the previous week")
    assert changes.sentences == ["Attainment for Document delivery fell 6.0 points to 89.0%, below its 95% target."]
    assert changes.movers["test"].iloc[0] == "two-sample z-test for proportions"


def test_attainment_of_fewer_than_five_requests_is_not_tested():
    shares = pd.DataFrame({"subject": ["Translation"], "then_met": [4], "then_n": [4], "now_met": [0],
                           "now_n": [4], "target": [0.95]})
    assert share_tests("attainment by service", shares).empty


def test_the_target_verdict_reads_met_or_just_below():
    assert sentence("attainment by service", "Desk research", 0.90, 0.97, 0.95) == (
        "Attainment for Desk research rose 7.0 points to 97.0%, meeting its 95% target.")
    assert sentence("attainment by customer group", "Legal", 0.99, 0.94, 0.95) == (
        "Attainment for requests from Legal fell 5.0 points to 94.0%, just below its 95% target.")
    assert sentence("requests by customer group", "Legal", 0, 12) == "Requests from Legal rose from none to 12."


def _wave_summary() -> WaveSummary:
    """Reliability rose from 3.50 to 4.00 (sd 0.5, 30 respondents each: Welch p = 0.000276); empathy had 4
    respondents this wave (suppressed, no p-value); CSAT fell from 90% to 80% of 100 (p = 0.01, as given)."""
    def row(wave_id, wave, order, unit, n, mean, change, p_value):
        return dict(zip(SCORE_COLUMNS, (wave_id, wave, dt.date(2026, 3 + 6 * (order - 1), 1), order, "All respondents",
                                        unit, "perception", n, mean, 0.5, None, None, change, p_value,
                                        bool(p_value < 0.05), n < 5)))
    scores = pd.DataFrame([row(1, "Spring 2026", 1, "reliability", 30, 3.5, None, float("nan")),
                           row(1, "Spring 2026", 1, "empathy", 30, 3.9, None, float("nan")),
                           row(2, "Autumn 2026", 2, "reliability", 30, 4.0, 0.5, 0.00027570269282589904),
                           row(2, "Autumn 2026", 2, "empathy", 4, None, None, float("nan"))])
    csat = pd.Series({"n": 100, "share": 0.8, "change": -0.1, "p_value": 0.01})
    return WaveSummary(1, "Library services", 2, "Autumn 2026", True, "perception", None, scores, None, csat, 130, 400)


def test_a_survey_dimension_and_csat_are_compared_with_the_wave_before():
    changes = rank_movers(survey_tests(_wave_summary(), "Spring 2026"), "the previous week")
    assert changes.sentences == [
        "Perceived score for Reliability in the Autumn 2026 wave rose 0.50 to 4.00 against the Spring 2026 wave.",
        "CSAT in the Autumn 2026 wave fell 10.0 points to 80.0% against the Spring 2026 wave.",
    ]  # d = 0.5 / 0.5 = 1.0 before h = 0.28; empathy (4 respondents) is not tested
    assert changes.tested == 2
    assert list(changes.movers["test"]) == [TESTS["mean"], TESTS["share"]]
    assert changes.movers["adjusted_p_value"].tolist() == pytest.approx([0.00027570269282589904 * 2, 0.01])


def test_empty_periods_say_that_nothing_changed(store):
    changes = what_changed(store, WEEK, WEEK.previous(), LONDON, now=at("2026-11-23 12:00"))
    assert changes.sentences == ["No figure changed significantly from the previous week."]
    assert changes.tested == 0 and changes.movers.empty
    assert changes.summary.startswith("Nothing to test")


def test_attainment_is_the_one_the_service_level_pages_show(demo_store):
    week, now = Period(dt.date(2026, 11, 9), dt.date(2026, 11, 16)), at("2026-11-23 12:00")
    tested = attainment_candidates(demo_store, week, week.previous(), LONDON, now=now)
    shown = attainment_by_each(demo_store, ("service", "customer group"), week, LONDON, now=now)
    before = attainment_by_each(demo_store, ("service", "customer group"), week.previous(), LONDON, now=now)
    for figure, dimension in (("attainment by service", "service"), ("attainment by customer group", "customer group")):
        mine = tested[tested["figure"] == figure].set_index("subject")
        theirs, then = shown[dimension].set_index("value"), before[dimension].set_index("value")
        assert len(mine) >= 5
        assert mine["now"].to_dict() == pytest.approx(theirs.loc[mine.index, "attainment"].to_dict())
        assert mine["then"].to_dict() == pytest.approx(then.loc[mine.index, "attainment"].to_dict())
        judged = theirs["met"] + theirs["breached"] + theirs["open_breached"]
        assert mine["now_n"].to_dict() == judged.loc[mine.index].astype(float).to_dict()
        assert mine["target"].to_dict() == pytest.approx(theirs.loc[mine.index, "primary_target"].to_dict())


def test_a_customer_group_filter_keeps_only_that_groups_figures(moved_store):
    changes = what_changed(moved_store, WEEK, WEEK.previous(), LONDON, Filters(group_ids=(2,)),
                           now=at("2026-11-23 12:00"))
    # Sales only: Translation, Sales and phone each 3 -> 5; Legal's requests and usage are left out
    assert changes.sentences == ["No figure changed significantly from the previous week."]
    assert changes.tested == 3
    assert changes.summary == "None of the 3 figures tested changed significantly from the previous week."
