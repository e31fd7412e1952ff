"""Query templates and detector 1 (the same query run many times with different values).

The normaliser is checked on tricky SQL with templates written out by hand; the detector on a
hand-made store of one analyst and one colleague around Wednesday 14 October 2026 (British
Summer Time, UTC+1), and on the small demo, where exactly one repeated query was planted.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infodash.db import Store
from infodash.findings import save_findings
from infodash.query_templates import NormalisedQuery, normalise_query, repeated_queries
from tests.conftest import at

LOOKUP = "SELECT company_name, revenue, ebitda FROM company_financials WHERE company_id = {}"
LOOKUP_TEMPLATE = "SELECT company_name, revenue, ebitda FROM company_financials WHERE company_id = ?"
ACTION = ("Show them how to pass a list of ids in one query (WHERE company_id IN (...)) or a batch report, "
          "or build the report they need.")


# -- the normaliser ----------------------------------------------------------------------------

TRICKY_SQL = [
    pytest.param(LOOKUP.format(1042), LOOKUP_TEMPLATE, [("company_id", "1042")],
                 id="a number becomes a placeholder named by the column it is compared with"),
    pytest.param("SELECT * FROM contacts WHERE last_name = 'O''Brien' AND city = 'Cork'",
                 "SELECT * FROM contacts WHERE last_name = ? AND city = ?",
                 [("last_name", "O'Brien"), ("city", "Cork")], id="a string with an embedded quote is one literal"),
    pytest.param("select name from accounts where account_id in (1, 2, 3)",
                 "SELECT name FROM accounts WHERE account_id IN (?)", [("account_id", "1, 2, 3")],
                 id="an in list of numbers collapses to one placeholder"),
    pytest.param("select name from accounts where account_id in (7)",
                 "SELECT name FROM accounts WHERE account_id IN (?)", [("account_id", "7")],
                 id="an in list of one number has the same template as a longer list"),
    pytest.param("SELECT * FROM account_pipeline WHERE region IN ('EMEA', 'APAC') AND stage = 'won'",
                 "SELECT * FROM account_pipeline WHERE region IN (?) AND stage = ?",
                 [("region", "EMEA, APAC"), ("stage", "won")], id="an in list of strings collapses to one placeholder"),
    pytest.param("SELECT * FROM prices WHERE change < -2.5 AND price > 10.75 AND delta = -3",
                 "SELECT * FROM prices WHERE change < ? AND price > ? AND delta = ?",
                 [("change", "-2.5"), ("price", "10.75"), ("delta", "-3")],
                 id="negative and decimal numbers are one literal each"),
    pytest.param("SELECT * FROM orders WHERE order_date >= '2024-01-01' AND shipped < DATE '2024-02-01'",
                 "SELECT * FROM orders WHERE order_date >= ? AND shipped < CAST(? AS DATE)",
                 [("order_date", "2024-01-01"), ("shipped", "2024-02-01")], id="dates written as strings are literals"),
    pytest.param("SELECT * FROM sales WHERE amount BETWEEN 100 AND 200 LIMIT 10",
                 "SELECT * FROM sales WHERE amount BETWEEN ? AND ? LIMIT ?",
                 [("amount", "100"), ("amount", "200"), ("limit", "10")],
                 id="a range names both bounds by its column and a limit by its clause"),
]


@pytest.mark.parametrize(("text", "template", "literals"), TRICKY_SQL)
def test_tricky_sql_gets_the_template_and_literals_written_out(text, template, literals):
    assert normalise_query(text) == NormalisedQuery(template, tuple(literals), parsed=True)


def test_line_and_block_comments_are_dropped():
    query = normalise_query("SELECT revenue -- in euros\nFROM company_financials /* audited */ WHERE company_id = 5")
    assert query.template == "SELECT revenue FROM company_financials WHERE company_id = ?"


def test_case_of_keywords_and_identifiers_and_white_space_are_folded():
    messy = normalise_query("  select  Company_Name, REVENUE,ebitda\n\tFROM   Company_Financials\n"
                            "WHERE COMPANY_ID=1042  ")
    tidy = normalise_query("SELECT company_name, revenue, ebitda FROM company_financials WHERE company_id = 1177")
    assert messy.template == tidy.template == LOOKUP_TEMPLATE


def test_negative_and_decimal_numbers_are_one_literal_each():
    query = normalise_query("SELECT * FROM prices WHERE change < -2.5 AND price > 10.75 AND delta = -3")
    assert query.template == "SELECT * FROM prices WHERE change < ? AND price > ? AND delta = ?"
    assert query.literals == (("change", "-2.5"), ("price", "10.75"), ("delta", "-3"))


def test_dates_written_as_strings_are_literals():
    query = normalise_query("SELECT * FROM orders WHERE order_date >= '2024-01-01' AND shipped < DATE '2024-02-01'")
    assert query.template == "SELECT * FROM orders WHERE order_date >= ? AND shipped < CAST(? AS DATE)"
    assert query.literals == (("order_date", "2024-01-01"), ("shipped", "2024-02-01"))


def test_a_range_names_both_bounds_by_its_column_and_limit_by_its_clause():
    query = normalise_query("SELECT * FROM sales WHERE amount BETWEEN 100 AND 200 LIMIT 10")
    assert query.template == "SELECT * FROM sales WHERE amount BETWEEN ? AND ? LIMIT ?"
    assert query.literals == (("amount", "100"), ("amount", "200"), ("limit", "10"))


def test_queries_differing_only_in_literals_share_a_template_and_other_columns_do_not():
    by_id = normalise_query(LOOKUP.format(1042))
    assert normalise_query(LOOKUP.format(1043)).template == by_id.template
    by_year = normalise_query("SELECT company_name, revenue, ebitda FROM company_financials WHERE fiscal_year = 1042")
    assert by_year.template != by_id.template


def test_text_that_is_not_sql_falls_back_to_patterns():
    query = normalise_query("revenue of O'Brien & Sons 2024")
    assert query == NormalisedQuery("revenue of o'brien & sons ?", (("value", "2024"),), parsed=False)


def test_sql_the_parser_rejects_gets_the_same_replacements_from_the_fallback():
    query = normalise_query("SELEC name FROM Contacts -- typo\nWHERE last_name = 'O''Brien' "
                            "AND id IN (1, -2) AND score > -1.5 /* end */")
    assert query == NormalisedQuery("selec name from contacts where last_name = ? and id in (?) and score > ?",
                                    (("last_name", "O'Brien"), ("id", "1, -2"), ("score", "-1.5")), parsed=False)


def test_the_size_of_a_type_is_not_a_literal():
    for value in (1, 2):  # the second text reuses what the parser made of the first one's shape
        query = normalise_query(f"SELECT CAST(name AS VARCHAR(10)) FROM contacts WHERE contact_id = {value}")
        assert query == NormalisedQuery("SELECT CAST(name AS VARCHAR(10)) FROM contacts WHERE contact_id = ?",
                                        (("contact_id", str(value)),), parsed=True)


def test_literals_follow_the_order_of_the_placeholders_in_the_template():
    query = normalise_query("WITH recent AS (SELECT * FROM orders WHERE amount > .5) "
                            "SELECT * FROM recent WHERE region IN ('EMEA') LIMIT 20")
    assert query == NormalisedQuery(
        "WITH recent AS (SELECT * FROM orders WHERE amount > ?) SELECT * FROM recent WHERE region IN (?) LIMIT ?",
        (("amount", "0.5"), ("region", "EMEA"), ("limit", "20")), parsed=True)


def test_sql_nested_too_deep_for_the_parser_falls_back():
    query = normalise_query("SELECT " + "(" * 3000 + "1" + ")" * 3000)
    assert (query.parsed, query.literals) == (False, (("value", "1"),))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_every_text_gets_a_template(text):
    assert isinstance(normalise_query(text).template, str)


@settings(max_examples=100, deadline=None)
@given(st.integers())
def test_any_company_id_gives_the_lookup_template(company_id):
    assert normalise_query(LOOKUP.format(company_id)) == NormalisedQuery(
        LOOKUP_TEMPLATE, (("company_id", str(company_id)),), parsed=True)


def test_equal_literal_keys_mean_equal_values():
    assert normalise_query(LOOKUP.format(1042)).literal_key == normalise_query(f"{LOOKUP.format(1042)} ").literal_key
    assert normalise_query(LOOKUP.format(1042)).literal_key != normalise_query(LOOKUP.format(1043)).literal_key


# -- the detector on hand-made usage -----------------------------------------------------------

DAY = dt.date(2026, 10, 14)  # a Wednesday in British Summer Time
START, END = at("2026-10-01 00:00"), at("2026-11-01 00:00")


@pytest.fixture
def usage_store(store: Store) -> Store:
    """Two analysts (kclarke mapped to customer 1, bbrown to customer 2) and the data warehouse."""
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES ('time_zone', 'Europe/London')")
        db.execute("INSERT INTO customer_groups VALUES (1, 'Finance & controlling', NULL, 1)")
        db.executemany("INSERT INTO customers (customer_id, name, login, group_id, department, seniority, "
                       "relationship) VALUES (?, ?, ?, 1, ?, 'staff', 'customer')",
                       [(1, "Kim Clarke", "kclarke", "Business analysis"), (2, "Bob Brown", "bbrown", "Controlling")])
        db.execute("INSERT INTO systems VALUES (1, 'Data warehouse', 'database')")
    return store


def add_queries(store: Store, rows: list[tuple[dt.datetime, str, str]]) -> None:
    """Query events (time, login, text) on the data warehouse's company_financials table."""
    with store.writing() as db:
        db.executemany("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource, "
                       "query_text) VALUES (?, 1, ?, ?, 'query', 'company_financials', ?)",
                       [(when, login, {"kclarke": 1, "bbrown": 2}[login], text) for when, login, text in rows])


def lookups(count: int, first: dt.datetime, every: dt.timedelta = dt.timedelta(minutes=3),
            login: str = "kclarke") -> list[tuple[dt.datetime, str, str]]:
    """``count`` company lookups, 1042 upwards, one every ``every`` from ``first``."""
    return [(first + k * every, login, LOOKUP.format(1042 + k)) for k in range(count)]


def test_the_analyst_who_ran_136_lookups_in_a_day_is_found_and_explained(usage_store):
    add_queries(usage_store, lookups(136, at("2026-10-14 09:05")) + lookups(3, at("2026-10-14 11:00"), login="bbrown"))
    [finding] = repeated_queries(usage_store, START, END)
    assert finding.explanation == ("Ran the same query 136 times on Wed 14 Oct 2026, "
                                   "changing only the company id: 1042, 1043, 1044, ... 1177.")
    assert finding.suggested_action == ACTION
    assert (finding.detector, finding.subject_kind, finding.subject) == ("repeated_query", "user", "kclarke")
    assert (finding.customer_id, finding.system_id, finding.resource) == (1, 1, "company_financials")
    assert (finding.window_start, finding.window_end) == (at("2026-10-14 00:00"), at("2026-10-15 00:00"))
    assert finding.observed == 136
    assert finding.score == pytest.approx(136 / 30)
    assert (finding.pattern, finding.grain) == (LOOKUP_TEMPLATE, "hour")
    assert finding.evidence["runs"] == 136
    assert finding.evidence["varying"] == "company_id"
    assert finding.evidence["examples"] == ["1042", "1043", "1044", "1045", "1046", "1047", "1048", "1049", "1050",
                                            "1051"]
    assert finding.evidence["template"] == LOOKUP_TEMPLATE
    # 09:05 to 15:50, one every three minutes: 19 runs in the 09:00 hour, 20 in each full hour, 17 after 15:00
    assert finding.evidence["by_hour"] == {"09:00": 19, "10:00": 20, "11:00": 20, "12:00": 20, "13:00": 20,
                                           "14:00": 20, "15:00": 17}


def test_a_user_with_ten_runs_in_a_day_is_not_flagged(usage_store):
    add_queries(usage_store, lookups(10, at("2026-10-14 09:05")))
    assert repeated_queries(usage_store, START, END) == []


def test_the_same_query_run_unchanged_is_not_flagged(usage_store):
    add_queries(usage_store, [(at("2026-10-14 08:00") + k * dt.timedelta(minutes=5), "kclarke", LOOKUP.format(1042))
                              for k in range(50)])
    assert repeated_queries(usage_store, START, END) == []


def test_runs_spread_over_two_days_are_counted_per_day(usage_store):
    # 25 a day, one every 20 minutes (3 an hour): neither day reaches 30, though together they make 50.
    # The second day's runs start at 00:20 local time, 23:20 UTC the day before: days are local.
    add_queries(usage_store, lookups(25, at("2026-10-14 09:00"), dt.timedelta(minutes=20))
                + lookups(25, at("2026-10-15 00:20"), dt.timedelta(minutes=20)))
    assert repeated_queries(usage_store, START, END) == []
    found = repeated_queries(usage_store, START, END, min_runs=25)
    assert [(f.window_start, f.observed) for f in found] == [(at("2026-10-14 00:00"), 25), (at("2026-10-15 00:00"), 25)]


def test_events_outside_the_range_are_ignored(usage_store):
    runs = lookups(136, at("2026-10-14 09:05"))
    add_queries(usage_store, runs)
    # from 10:00 (the 20th run, 10:02) up to, not including, the 101st run (14:05): runs 20 to 100
    [finding] = repeated_queries(usage_store, at("2026-10-14 10:00"), runs[100][0])
    assert finding.observed == 81
    assert finding.explanation.endswith("changing only the company id: 1061, 1062, 1063, ... 1141.")


def test_a_burst_within_one_hour_is_flagged_on_an_otherwise_quiet_day(usage_store):
    add_queries(usage_store, lookups(20, at("2026-10-14 09:00")))
    [finding] = repeated_queries(usage_store, START, END)
    assert finding.explanation == ("Ran the same query 20 times on Wed 14 Oct 2026 (all between 09:00 and 10:00), "
                                   "changing only the company id: 1042, 1043, 1044, ... 1061.")
    assert finding.score == pytest.approx(20 / 15)


def test_two_changing_values_are_both_named(usage_store):
    text = "SELECT revenue FROM company_financials WHERE company_id = {} AND fiscal_year = {}"
    add_queries(usage_store, [(at("2026-10-14 09:00") + k * dt.timedelta(minutes=5), "kclarke",
                               text.format(1042 + k, 2020 + k % 2)) for k in range(40)])
    [finding] = repeated_queries(usage_store, START, END)
    assert finding.explanation == ("Ran the same query 40 times on Wed 14 Oct 2026, changing the company id and "
                                   "fiscal year: 1042 / 2020, 1043 / 2021, 1044 / 2020, ... 1081 / 2021.")


def test_days_not_over_by_now_are_left_for_a_later_run(usage_store):
    add_queries(usage_store, lookups(136, at("2026-10-14 09:05")))
    assert repeated_queries(usage_store, START, END, now=at("2026-10-14 18:00")) == []
    assert len(repeated_queries(usage_store, START, END, now=at("2026-10-15 00:00"))) == 1


def test_a_dismissed_template_is_not_saved_again_for_that_user(usage_store):
    add_queries(usage_store, lookups(136, at("2026-10-14 09:05")) + lookups(40, at("2026-10-21 09:05")))
    findings = repeated_queries(usage_store, START, END)
    assert [f.window_start for f in findings] == [at("2026-10-14 00:00"), at("2026-10-21 00:00")]
    with usage_store.writing() as db:
        db.execute("INSERT INTO anomaly_dismissals VALUES ('repeated_query', 'user', 'kclarke', ?, "
                   "'Month-end lookups, agreed with the team', 'Ana Costa', ?)",
                   [LOOKUP_TEMPLATE, at("2026-10-20 10:00")])
        assert save_findings(db, findings, at("2026-10-22 08:00")) == 0


def test_the_same_finding_is_saved_once(usage_store):
    add_queries(usage_store, lookups(136, at("2026-10-14 09:05")))
    with usage_store.writing() as db:
        assert save_findings(db, repeated_queries(usage_store, START, END), at("2026-10-15 08:00")) == 1
        assert save_findings(db, repeated_queries(usage_store, START, END), at("2026-10-16 08:00")) == 0


def test_naive_datetimes_are_refused(usage_store):
    with pytest.raises(ValueError, match="time-zone aware"):
        repeated_queries(usage_store, dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1))


# -- the detector on the small demo ------------------------------------------------------------

def test_on_the_demo_the_planted_analyst_is_found_and_nobody_else(demo_store):
    with demo_store.reading() as db:
        planted = db.execute("SELECT customer_id, system_id, resource, window_start FROM planted_anomalies "
                             "WHERE kind = 'repeated_query'").fetchall()
    findings = repeated_queries(demo_store, at("2025-01-01 00:00"), at("2027-01-01 00:00"))
    # precision 1 (nobody else) and recall 1 (the planted one)
    assert [(f.customer_id, f.system_id, f.resource, f.window_start) for f in findings] == planted
    assert findings[0].observed == 136
    assert findings[0].explanation.endswith("changing only the company id: 1042, 1043, 1044, ... 1177.")
