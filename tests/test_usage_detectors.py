"""Usage detectors on hand-made usage, the demo's planted anomalies, and the labelled NAB series."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from infodash.anomalies import detect_events, detect_series
from infodash.customer_activity import new_heavy_users, quiet_customers
from infodash.detection import merge_findings, run_detection, sensitivity_threshold, set_sensitivity
from infodash.errors import ValidationError
from infodash.detector_scoring import normalised_score, score_planted, score_windows
from infodash.findings import Finding, anomalies
from infodash.periods import Period
from infodash.resource_use import unused_resources
from infodash.usage_reports import resource_ranking
from tests.conftest import LONDON
from tests.people import lead

NAB = Path(__file__).parent / "fixtures" / "nab"
UNTIL = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)  # a Monday morning


@pytest.fixture
def usage_store(fixture_store):
    """Two systems; Alice reads /news on the intranet hourly from 9:00 to 13:00 every weekday for 14 weeks,
    Bob does the same but stops four weeks before the end."""
    with fixture_store.writing() as db:
        db.execute("INSERT INTO systems VALUES (1, 'Intranet', 'intranet'), (2, 'Research databases', 'databases')")
        db.execute("INSERT INTO resources VALUES (1, '/news', false, NULL), (2, 'Factiva', true, 38000), "
                   "(2, 'Scopus', true, 52000), (2, 'Gartner', true, 60000)")
        db.execute("""
            INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource)
            SELECT d + INTERVAL 9 HOUR + INTERVAL 1 HOUR * k, 1, c.login, c.customer_id, 'view', '/news'
            FROM generate_series(TIMESTAMPTZ '2026-08-17 00:00+00', TIMESTAMPTZ '2026-11-22 00:00+00', INTERVAL 1 DAY) t(d),
                 range(5) r(k), customers c
            WHERE isodow(d) <= 5 AND (c.customer_id = 1 OR (c.customer_id = 2 AND d < TIMESTAMPTZ '2026-10-26 00:00+00'))
        """)
        # research databases: Factiva and Scopus used daily; Gartner twice in the last 90 days
        db.execute("""
            INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource)
            SELECT d + INTERVAL 11 HOUR, 2, 'aadams', 1, 'search', resource
            FROM generate_series(TIMESTAMPTZ '2026-05-25 00:00+00', TIMESTAMPTZ '2026-11-22 00:00+00', INTERVAL 1 DAY) t(d),
                 (VALUES ('Factiva'), ('Scopus')) v(resource)
            UNION ALL SELECT TIMESTAMPTZ '2026-10-01 09:00+00', 2, 'aadams', 1, 'search', 'Gartner'
            UNION ALL SELECT TIMESTAMPTZ '2026-10-02 09:00+00', 2, 'aadams', 1, 'search', 'Gartner'
        """)
    return fixture_store


def test_a_regular_user_who_stopped_is_a_quiet_customer(usage_store):
    [quiet] = quiet_customers(usage_store, LONDON, UNTIL)
    assert (quiet.customer_id, quiet.subject, quiet.detector) == (2, "bbrown", "quiet_customer")
    # 5 events each weekday (25 a week) from the week of 17 Aug to that of 19 Oct, when he stopped:
    # 10 of the 12 weeks up to then, 250 / 12 = 21 a week
    assert quiet.explanation == ("Bob Brown (bbrown, Research) used the systems about 21 times a week, mostly the "
                                 "Intranet, in 10 of the 12 weeks up to then, and has not used any since Fri 23 Oct "
                                 "2026 (4 weeks).")
    assert quiet.window_start == dt.datetime(2026, 10, 23, 13, 0, tzinfo=dt.UTC)


def test_an_occasional_user_is_not_a_quiet_customer(usage_store):
    with usage_store.writing() as db:  # Bob used the intranet in only 8 of those weeks
        db.execute("DELETE FROM usage_events WHERE customer_id = 2 AND occurred_at < TIMESTAMPTZ '2026-09-14 00:00+00'")
    assert quiet_customers(usage_store, LONDON, UNTIL) == []


def test_a_subscription_used_far_less_than_the_others_is_flagged(usage_store):
    [unused] = unused_resources(usage_store, LONDON, UNTIL)
    assert (unused.subject, unused.resource, unused.observed) == ("Research databases: Gartner", "Gartner", 2.0)
    # 90 days: Factiva 38,000 x 90/365 / 90 uses = 104.11 per use, Scopus 142.47, Gartner 60,000 x 90/365 / 2
    assert unused.explanation == ("Gartner (Research databases) costs 60,000 a year and was used 2 times in the 90 days "
                                  "from 25 Aug to 22 Nov 2026: 7,397.26 per use, against 142.47 for the system's typical "
                                  "subscription.")
    # the window is the 90 whole days the text speaks of, and the usage overview says the same of them
    days = Period(dt.date(2026, 8, 25), dt.date(2026, 11, 23))
    assert (unused.window_start, unused.window_end) == days.bounds(LONDON)
    ranked = resource_ranking(usage_store, days, LONDON)
    gartner = ranked[ranked["resource"] == "Gartner"].iloc[0]
    assert (gartner["events"], f"{gartner['cost_per_use']:,.2f}") == (2, "7,397.26")
    # one finding per quarter: a run a day later is the same finding
    [next_day] = unused_resources(usage_store, LONDON, UNTIL + dt.timedelta(days=1))
    assert next_day.fingerprint == unused.fingerprint


def test_a_subscription_with_no_use_at_all_is_flagged(usage_store):
    with usage_store.writing() as db:
        db.execute("DELETE FROM usage_events WHERE resource = 'Gartner'")
    [unused] = unused_resources(usage_store, LONDON, UNTIL)
    assert unused.explanation == ("Gartner (Research databases) costs 60,000 a year and was not used at all in the "
                                  "90 days from 25 Aug to 22 Nov 2026.")


def test_a_newcomer_using_the_systems_heavily_is_a_new_heavy_user(usage_store):
    with usage_store.writing() as db:
        db.execute("""
            INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource)
            SELECT TIMESTAMPTZ '2026-11-10 09:00+00' + INTERVAL 1 MINUTE * k, 2, 'eevans', 5, 'search', 'Scopus'
            FROM range(300) t(k)
        """)
    [heavy] = new_heavy_users(usage_store, LONDON, UNTIL)
    assert (heavy.customer_id, heavy.observed) == (5, 300.0)
    assert heavy.explanation.startswith("Eve Evans (eevans, Operations) first used the systems on Tue 10 Nov 2026 "
                                        "and has used them 300 times since")


def test_detection_finds_a_spike_once_and_an_incremental_run_adds_nothing_new(usage_store):
    with usage_store.writing() as db:  # 400 views of /news on Wednesday 18 November instead of 5
        db.execute("INSERT INTO usage_events (occurred_at, system_id, login, customer_id, action, resource) "
                   "SELECT TIMESTAMPTZ '2026-11-18 12:00+00' + INTERVAL 1 SECOND * k, 1, 'aadams', 1, 'view', '/news' "
                   "FROM range(400) t(k)")
    first = run_detection(usage_store, now=UNTIL, full=True)
    stored = anomalies(usage_store)
    spikes = stored[stored["detector"] == "volume_spike"]
    assert set(spikes["subject"]) >= {"Intranet: /news"}
    news = spikes[spikes["subject"] == "Intranet: /news"].iloc[0]
    assert news["explanation"].startswith("/news (Intranet): 405 events on Wed 18 Nov 2026")
    assert "Intranet" not in set(spikes["subject"])  # the system's own spike is explained by the page's
    assert first.added == len(stored)
    again = run_detection(usage_store, now=UNTIL + dt.timedelta(hours=2))
    assert again.added == 0
    with usage_store.reading() as db:
        assert db.execute("SELECT count(DISTINCT detector) FROM detection_runs").fetchone()[0] == 5


def test_merging_names_what_a_finding_explains():
    window = (dt.datetime(2026, 11, 18, tzinfo=dt.UTC), dt.datetime(2026, 11, 19, tzinfo=dt.UTC))
    page = Finding("volume_spike", "resource", "Intranet: /news", *window, 9, "page", "look", system_id=1,
                   resource="/news")
    group = Finding("volume_spike", "group", "Research", *window, 5, "group", "look", system_id=1, group_id=1)
    elsewhere = Finding("volume_spike", "group", "Sales", *window, 5, "group", "look", system_id=2, group_id=2)
    merged = merge_findings([page, group, elsewhere])
    assert [f.subject for f in merged] == ["Intranet: /news", "Sales"]
    assert merged[0].evidence["also_seen_in"] == ["Research"]


def test_the_demos_planted_anomalies_are_found_with_few_false_findings(demo_store):
    with demo_store.reading() as db:
        planted = db.execute("SELECT kind, customer_id, system_id, resource, window_start, window_end "
                             "FROM planted_anomalies").df()
    found = anomalies(demo_store, statuses=("new",))
    score = score_planted(found, planted)
    assert score.recall == 1.0  # all five: repeated query, quiet customer, spike, outage, unused subscription
    assert score.precision >= 0.8


def _tweets(name):
    frame = pd.read_csv(NAB / f"Twitter_volume_{name}.csv", parse_dates=["timestamp"])
    windows = [(pd.Timestamp(a), pd.Timestamp(b))
               for a, b in json.loads((NAB / "windows.json").read_text())[f"realTweets/Twitter_volume_{name}.csv"]]
    return frame, windows


@pytest.mark.parametrize("name, windows_found, most_false_alarms", [("AMZN", 3, 5), ("FB", 2, 8), ("GOOG", 2, 6)])
def test_labelled_nab_windows_are_found_as_events_with_few_false_alarms(name, windows_found, most_false_alarms):
    frame, windows = _tweets(name)
    events = detect_events(frame)
    score = score_windows(frame["timestamp"], events["start"], windows)
    assert score.windows_found >= windows_found
    assert score.false_alarms <= most_false_alarms
    # the per-point seasonal median raises an alarm at every run of flagged points: dozens
    flagged = detect_series(frame, with_all_points=True)
    runs = flagged["flagged"] & ~flagged["flagged"].shift(fill_value=False)
    assert score_windows(frame["timestamp"], flagged.loc[runs, "timestamp"], windows).false_alarms > 50


def test_the_nab_score_of_the_three_tweet_series_beats_the_old_detector():
    new, old = [], []
    for name in ("AMZN", "FB", "GOOG"):
        frame, windows = _tweets(name)
        new.append(score_windows(frame["timestamp"], detect_events(frame)["start"], windows))
        flagged = detect_series(frame, with_all_points=True)
        runs = flagged["flagged"] & ~flagged["flagged"].shift(fill_value=False)
        old.append(score_windows(frame["timestamp"], flagged.loc[runs, "timestamp"], windows))
    assert normalised_score(new) > 50 > 0 > normalised_score(old)


def test_sensitivity_is_a_stored_setting(usage_store):
    assert sensitivity_threshold(usage_store) == 6.0
    set_sensitivity(usage_store, "high", lead("Lead"))
    assert sensitivity_threshold(usage_store) == 4.5
    with pytest.raises(ValidationError) as raised:
        set_sensitivity(usage_store, "extreme", lead(""))
    assert set(raised.value.errors) == {"sensitivity", "author"}
