"""Self-service opportunities: subjects grouped by text similarity, and the figures of each candidate, worked
out by hand on a few requests."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest

from infodash import self_service
from infodash.db import Store
from infodash.demo_subjects import add_subjects_to_existing_demo
from infodash.periods import Period
from infodash.self_service import (cluster_subjects, example_subjects, figures_from, group_subjects,
                                   grouping_summary, normalised_subjects, opportunities, share_by, subject_groups,
                                   typed_subjects)
from tests.conftest import DEMO_END, LONDON, at

NOVEMBER = Period(dt.date(2026, 11, 2), dt.date(2026, 12, 2))  # 30 days
MONTHS = 30 / (365.25 / 12)  # 0.9856 months


@pytest.fixture
def subjects_store(store: Store) -> Store:
    """Three customers, two services, five requests in November 2026 and the effort logged on three of them."""
    with store.writing() as db:
        db.execute("INSERT INTO settings VALUES ('time_zone', 'Europe/London')")
        db.executemany("INSERT INTO customer_groups VALUES (?, ?, NULL, ?)", [(1, "Research", 1), (2, "Sales", 2)])
        db.executemany(
            "INSERT INTO customers (customer_id, name, email, login, group_id, department, seniority, relationship) "
            "VALUES (?, ?, ?, ?, ?, 'Lab', 'staff', 'customer')",
            [(1, "John Smith", "john@example.org", "jsmith", 1), (2, "Alice Adams", "alice@example.org", "aadams", 1),
             (3, "Bob Brown", "bob@example.org", "bbrown", 2)])
        db.executemany("INSERT INTO services (service_id, name) VALUES (?, ?)",
                       [(1, "Data warehouse"), (2, "Desk research")])
        db.executemany(
            "INSERT INTO requests (request_id, customer_id, service_id, channel, subject, received_at, status, "
            "closed_at, created_by) VALUES (?, ?, ?, 'email', ?, ?, 'resolved', ?, 'fixture')",
            [(1, 1, 1, "Password reset for J. Smith", at("2026-11-03 09:00"), at("2026-11-03 10:00")),
             (2, 1, 1, "password reset - jsmith", at("2026-11-10 09:00"), at("2026-11-10 09:30")),
             (3, 2, 1, "Password reset for A. Adams", at("2026-11-11 09:00"), at("2026-11-11 09:20")),
             (4, 3, 2, "Market report on lithium", at("2026-11-12 09:00"), at("2026-11-13 16:00")),
             (5, 2, 2, "Market report on lithium", at("2026-11-20 09:00"), at("2026-11-23 12:00"))])
        db.executemany(
            "INSERT INTO touchpoints (customer_id, service_id, request_id, channel, kind, minutes, read_level, "
            "occurred_at, created_by) VALUES (?, ?, ?, 'email', 'request', ?, 2, ?, 'Ana Costa')",
            [(1, 1, 1, 10, at("2026-11-03 10:00")), (1, 1, 2, 20, at("2026-11-10 09:30")),
             (3, 2, 4, 60, at("2026-11-13 16:00"))])
    return store


def test_a_subject_is_normalised_without_the_requesters_name_numbers_or_e_mails(subjects_store):
    with subjects_store.writing() as db:
        db.execute("INSERT INTO requests (request_id, customer_id, service_id, channel, subject, received_at, "
                   "created_by) VALUES (6, 3, 1, 'email', 'Access for bob@example.org, ticket INC-123 (Factiva)', "
                   "TIMESTAMPTZ '2026-11-04 09:00:00+00', 'fixture')")
    normalised = dict(typed_subjects(subjects_store)[["subject", "normalised"]].itertuples(index=False))
    assert normalised == {
        "Password reset for J. Smith": "password reset for xname",
        "password reset - jsmith": "password reset xname",
        "Password reset for A. Adams": "password reset for xname",
        "Market report on lithium": "market report on lithium",
        "Access for bob@example.org, ticket INC-123 (Factiva)": "access for xemail ticket xnumber factiva",
    }


def test_password_resets_group_together_and_apart_from_a_market_report():
    labels = cluster_subjects(["password reset for j smith", "password reset jsmith", "password reset for a adams",
                               "market report on lithium", "market report on lithium prices"])
    assert list(labels) == [0, 0, 0, 1, 1]


def test_grouping_is_the_same_every_time_and_names_each_candidate_by_its_typical_subject(subjects_store):
    distinct = normalised_subjects(typed_subjects(subjects_store))
    assert distinct.values.tolist() == [["market report on lithium", 2], ["password reset for xname", 2],
                                        ["password reset xname", 1]]
    first, again = group_subjects(distinct), group_subjects(distinct)
    assert first.subjects["candidate"].tolist() == again.subjects["candidate"].tolist() == [0, 1, 1]
    assert first.candidates[["candidate", "label", "subjects", "requests"]].values.tolist() == [
        [0, "Market report on lithium", 1, 2], [1, "Password reset for ‹name›", 2, 3]]
    assert first.candidates["top_words"].tolist() == ["lithium, market, report", "password, reset"]


def test_subjects_beyond_the_cap_join_the_nearest_group_or_stay_ungrouped():
    distinct = pd.DataFrame({"normalised": ["password reset for xname", "market report on lithium",
                                            "password reset xname", "canteen menu"], "requests": [5, 4, 1, 1]})
    grouped = group_subjects(distinct, max_clustered=2)
    assert grouped.subjects["candidate"].tolist() == [0, 1, 0, -1]
    assert (grouped.distinct, grouped.clustered, grouped.ungrouped_requests) == (4, 2, 1)


def test_hours_per_month_count_logged_minutes_and_estimate_the_rest_from_the_service(subjects_store):
    found = opportunities(subjects_store, NOVEMBER, LONDON)
    figures = found.candidates.set_index("label")
    resets, reports = figures.loc["Password reset for ‹name›"], figures.loc["Market report on lithium"]
    # resets: 10 and 20 minutes logged; request 3 has none and its candidate fewer than 5 measured, so it counts at
    # the Data warehouse's median, 15: 45 minutes = 0.75 h in 30 days
    assert resets["requests"] == 3 and resets["share"] == pytest.approx(3 / 5)
    assert resets["median_effort_minutes"] == 15 and resets["measured_share"] == pytest.approx(2 / 3)
    assert resets["hours_per_month"] == pytest.approx(0.75 / MONTHS)
    assert resets["requests_per_month"] == pytest.approx(3 / MONTHS)
    # reports: 60 logged, the other at Desk research's median, 60: 2 h
    assert reports["requests"] == 2 and reports["hours_per_month"] == pytest.approx(2 / MONTHS)
    assert found.requests == 5 and found.ungrouped_requests == 0
    assert found.all_hours_per_month == pytest.approx(2.75 / MONTHS)
    # five requests are not "again and again": nothing is routine, and the table lists the larger cost first
    assert found.routine_requests == 0 and not found.candidates["routine"].any()
    assert found.candidates["label"].tolist() == ["Market report on lithium", "Password reset for ‹name›"]
    assert found.candidates["rank"].isna().all()


def test_shares_by_service_and_group_and_the_examples_as_typed(subjects_store):
    found = opportunities(subjects_store, NOVEMBER, LONDON)
    resets = int(found.candidates.set_index("label").loc["Password reset for ‹name›", "candidate"])
    by_service = share_by(found, "service", (resets,))
    assert by_service.values.tolist() == [["Data warehouse", 3, 3, 1.0], ["Desk research", 2, 0, 0.0]]
    by_group = share_by(found, "customer group", (resets,))
    assert by_group.values.tolist() == [["Research", 4, 3, 0.75], ["Sales", 1, 0, 0.0]]
    examples = example_subjects(subjects_store, resets, NOVEMBER, LONDON)
    assert examples.values.tolist() == [["Password reset for A. Adams", 1], ["Password reset for J. Smith", 1],
                                        ["password reset - jsmith", 1]]


def test_filters_narrow_the_requests_counted(subjects_store):
    from infodash.filters import Filters

    found = opportunities(subjects_store, NOVEMBER, LONDON, Filters(group_ids=(2,)))
    assert found.requests == 1
    assert found.candidates[["label", "requests", "share"]].values.tolist() == [["Market report on lithium", 1, 1.0]]


def _aggregates(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["candidate", "requests", "median_effort_minutes", "measured_share",
                                       "median_hours", "hours", "effort_ratio", "below_usual", "above_usual"])


def test_a_candidate_is_routine_when_it_repeats_takes_less_effort_than_usual_and_is_quick():
    groups = self_service.SubjectGroups(pd.DataFrame(), pd.DataFrame({
        "candidate": [0, 1, 2, 3, 4], "label": ["Resets", "Reports", "Slow resets", "Rare", "Access"],
        "top_words": ["", "", "", "", ""]}), 5, 5, 0)
    frame = _aggregates([
        (0, 40, 10.0, 1.0, 2.0, 10.0, 0.5, 30, 2),   # routine: 30 of 32 below usual (sign test p < 0.000001)
        (1, 40, 40.0, 1.0, 2.0, 30.0, 0.8, 12, 10),  # 12 of 22 below: could be chance
        (2, 40, 10.0, 1.0, 12.0, 10.0, 0.5, 30, 2),  # more than a business day to resolve
        (3, 9, 10.0, 1.0, 2.0, 2.0, 0.5, 9, 0),      # fewer than 10 requests
        (4, 40, 10.0, 1.0, 2.0, 20.0, 0.5, 30, 2),   # routine, and costs more
        (-1, 1832, None, 0.0, None, 0.0, None, 0, 0)])
    found = figures_from(frame, pd.DataFrame(), groups, 2.0)
    table = found.candidates.set_index("label")
    assert table["repeats"].to_dict() == {"Access": True, "Resets": True, "Reports": True, "Slow resets": True,
                                          "Rare": False}
    assert table["short_effort"].to_dict() == {"Access": True, "Resets": True, "Reports": False,
                                               "Slow resets": True, "Rare": True}
    assert table["quick"].to_dict() == {"Access": True, "Resets": True, "Reports": True, "Slow resets": False,
                                        "Rare": True}
    # ranked by hours per month: Access 20 h / 2 months = 10, Resets 5; then the others by their hours
    assert found.candidates["label"].tolist() == ["Access", "Resets", "Reports", "Slow resets", "Rare"]
    assert found.candidates["rank"].tolist()[:2] == [1, 2] and found.candidates["rank"].isna().sum() == 3
    assert found.candidates["hours_per_month"].tolist() == [10.0, 5.0, 15.0, 5.0, 1.0]
    assert found.requests == 2001 and found.routine_requests == 80 and found.routine_hours_per_month == 15.0
    assert found.candidates["share"].iloc[0] == pytest.approx(40 / 2001)


def test_no_requests_or_no_subjects_give_no_candidates(store):
    assert grouping_summary(store) == self_service.GroupingSummary(0, 0, 0, 0)
    found = opportunities(store, NOVEMBER, LONDON)
    assert found.candidates.empty and found.requests == 0 and found.all_hours_per_month == 0.0


def test_one_request_is_one_candidate_with_all_of_the_share(subjects_store):
    found = opportunities(subjects_store, Period(dt.date(2026, 11, 3), dt.date(2026, 11, 4)), LONDON)
    assert found.candidates[["label", "requests", "share", "median_effort_minutes"]].values.tolist() == [
        ["Password reset for ‹name›", 1, 1.0, 10.0]]
    assert found.candidates["hours_per_month"].iloc[0] == pytest.approx((10 / 60) / (1 / (365.25 / 12)))


def test_a_new_subject_of_a_known_template_joins_its_group_without_grouping_again(subjects_store, monkeypatch):
    first = subject_groups(subjects_store)
    with subjects_store.writing() as db:
        db.execute("INSERT INTO requests (request_id, customer_id, service_id, channel, subject, received_at, "
                   "created_by) VALUES (6, 3, 1, 'email', 'Password reset for B. Brown', "
                   "TIMESTAMPTZ '2026-11-05 09:00:00+00', 'fixture')")
    monkeypatch.setattr(self_service, "group_subjects", None)  # grouping again would fail
    again = subject_groups(subjects_store)
    resets = int(first.candidates.set_index("label").loc["Password reset for ‹name›", "candidate"])
    assert again.typed.set_index("subject").loc["Password reset for B. Brown", "candidate"] == resets
    found = opportunities(subjects_store, NOVEMBER, LONDON)
    assert found.candidates.set_index("label").loc["Password reset for ‹name›", "requests"] == 4


def test_the_grouping_is_kept_until_a_subject_changes(subjects_store):
    first = subject_groups(subjects_store)
    with subjects_store.writing() as db:
        db.execute("INSERT INTO touchpoints (customer_id, channel, kind, minutes, read_level, occurred_at, created_by) "
                   "VALUES (1, 'email', 'proactive', 5, 1, TIMESTAMPTZ '2026-11-05 09:00:00+00', 'Ana Costa')")
    assert subject_groups(subjects_store) is first  # other writes leave it be
    with subjects_store.writing() as db:
        db.execute("UPDATE requests SET subject = 'Canteen menu' WHERE request_id = 5")
    again = subject_groups(subjects_store)
    assert again is not first and "canteen menu" in again.subjects["normalised"].tolist()


def test_the_demo_asks_for_access_passwords_and_licences_in_a_third_of_its_systems_requests(module_demo_store):
    found = opportunities(module_demo_store, Period(DEMO_END - dt.timedelta(weeks=26), DEMO_END), LONDON)
    routine = found.candidates[found.candidates["routine"]]
    assert routine["label"].head(3).tolist() == ["Access to account pipeline in the data warehouse for ‹name›",
                                                 "Password reset ‹name›", "Licence for the reporting tool for ‹name›"]
    by_service = share_by(found, "service").set_index("value")["share"]
    assert 0.2 < by_service["Data warehouse reports"] < 0.4
    assert by_service["Patent & standards search"] == 0  # searches take long: never routine
    # a repeated template that takes as long as usual is not routine
    assert not found.candidates[found.candidates["label"].str.startswith("Company profile")]["routine"].any()


def test_subjects_added_to_an_older_demo_are_the_ones_a_new_build_gives(demo_store):
    with demo_store.reading() as db:
        built = db.execute("SELECT sum(hash(request_id, subject)), count(subject) FROM requests").fetchone()
    with demo_store.writing() as db:
        db.execute("UPDATE requests SET subject = NULL")
    assert add_subjects_to_existing_demo(demo_store) == built[1]
    with demo_store.reading() as db:
        assert db.execute("SELECT sum(hash(request_id, subject)), count(subject) FROM requests").fetchone() == built


def test_subjects_are_added_only_to_demo_data(subjects_store):
    with pytest.raises(ValueError, match="does not hold demo data"):
        add_subjects_to_existing_demo(subjects_store)


def test_a_page_asking_while_the_warm_up_groups_waits_for_that_grouping_and_does_not_group_again(subjects_store,
                                                                                                 monkeypatch):
    grouping, release, calls = threading.Event(), threading.Event(), []
    real = self_service.group_subjects

    def slow_grouping(*args, **kwargs):
        calls.append(threading.current_thread().name)
        grouping.set()
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(self_service, "group_subjects", slow_grouping)
    results = {}
    warm_up = threading.Thread(target=lambda: results.update(warm_up=subject_groups(subjects_store)), name="warm-up")
    page = threading.Thread(target=lambda: results.update(page=subject_groups(subjects_store)), name="page")
    warm_up.start()
    assert grouping.wait(timeout=60)  # the warm-up is grouping
    page.start()
    page.join(timeout=0.5)  # were the page to group as well, it would be in the grouping by now
    release.set()
    warm_up.join(timeout=60), page.join(timeout=60)
    assert calls == ["warm-up"]
    assert results["page"] is results["warm_up"]
