"""The demo organisation: deterministic, realistic, and carrying its planted anomalies."""

from __future__ import annotations

import pytest

from infodash.comment_themes import survey_comment_themes
from infodash.db import Store
from infodash.demo import build_demo
from infodash.surveys import dimension_scores, wave_table, weighted_scores
from tests.conftest import DEMO_END, LONDON


def _fingerprint(store: Store) -> tuple:
    with store.reading() as db:
        return tuple(db.execute(f"SELECT count(*), sum(hash(t::VARCHAR)) FROM {table} t").fetchone()
                     for table in ("customers", "requests", "touchpoints", "survey_answers", "usage_events"))


def test_the_same_seed_gives_the_same_database(demo_store, tmp_path):
    again = Store(tmp_path / "again.duckdb")  # (how fast it builds is the benchmark's business, not a test's)
    build_demo(again, "small", seed=7, end_date=DEMO_END)
    assert _fingerprint(again) == _fingerprint(demo_store)
    other = Store(tmp_path / "other.duckdb")
    build_demo(other, "small", seed=8, end_date=DEMO_END)
    assert _fingerprint(other) != _fingerprint(demo_store)


def test_the_demo_builds_in_little_memory_a_run_of_days_at_a_time_with_the_same_events(demo_store, tmp_path,
                                                                                     monkeypatch):
    """The large demo builds on a laptop because DuckDB is held to a memory limit and the usage events are
    generated a run of days at a time. Scaled down to the small demo: in runs of 50,000 events it builds
    within 64 MB (all 400,000 events at once do not fit), with the same events in time order, and the
    app's other sessions get DuckDB's usual limit back."""
    monkeypatch.setattr("infodash.demo.USAGE_EVENTS_PER_STATEMENT", 50_000)
    monkeypatch.setattr("infodash.demo.BUILD_MEMORY_LIMIT", "64MB")
    store = Store(tmp_path / "in_runs.duckdb")
    with store.session():  # keeps the database instance open around the build, as another session of the app would
        with store.reading() as db:
            # DuckDB needs memory per thread: fixed, so that 64 MB means the same on any computer
            db.execute("SET threads = 2")
            [(usual_limit,)] = db.execute("SELECT current_setting('memory_limit')").fetchall()
        build_demo(store, "small", seed=7, end_date=DEMO_END)
        with store.reading() as db:
            [(limit_after,)] = db.execute("SELECT current_setting('memory_limit')").fetchall()
            # the planted anomalies are appended afterwards, out of time order
            [(out_of_order,)] = db.execute(
                "SELECT count(*) FILTER (occurred_at < previous) FROM (SELECT occurred_at, "
                "lag(occurred_at) OVER (ORDER BY rowid) AS previous FROM usage_events "
                "WHERE resource IS DISTINCT FROM '/hr/benefits' AND coalesce(query_text, '') NOT LIKE '%company_id =%')"
            ).fetchall()
    assert limit_after == usual_limit
    assert _fingerprint(store) == _fingerprint(demo_store)
    assert out_of_order == 0


def test_demo_data_never_overwrites_a_database_silently(demo_store):
    with pytest.raises(ValueError, match="already holds customers"):
        build_demo(demo_store, "small")


def test_the_organisation_spans_the_shop_floor_to_the_board(demo_store):
    with demo_store.reading() as db:
        assert db.execute("SELECT count(*) FROM customer_groups").fetchone()[0] == 10
        assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 1500
        seniorities = dict(db.execute("SELECT seniority, count(*) FROM customers GROUP BY ALL").fetchall())
        relationships = dict(db.execute("SELECT relationship, count(*) FROM customers GROUP BY ALL").fetchall())
        services = db.execute("SELECT count(*), count(*) FILTER (NOT in_scope) FROM services").fetchone()
    assert set(seniorities) == {"executive", "senior", "middle", "staff"}
    assert set(relationships) == {"customer", "partner", "both"}
    assert services == (10, 3)


def test_requests_follow_a_weekday_and_office_hours_rhythm(demo_store):
    with demo_store.reading() as db:
        weekend, office_hours, total = db.execute(
            "SELECT count(*) FILTER (isodow(timezone(?, received_at)) >= 6), "
            "count(*) FILTER (hour(timezone(?, received_at)) BETWEEN 8 AND 17), count(*) FROM requests",
            [str(LONDON), str(LONDON)]).fetchone()
        christmas = db.execute("SELECT count(*) FROM requests WHERE CAST(timezone(?, received_at) AS DATE) = "
                               "DATE '2025-12-25'", [str(LONDON)]).fetchone()[0]
        months = db.execute("SELECT count(DISTINCT date_trunc('month', received_at)) FROM requests").fetchone()[0]
    assert 11_000 < total < 13_000
    assert weekend / total < 0.03
    assert office_hours / total > 0.85
    assert christmas <= 3
    assert months >= 18


def test_most_requests_are_resolved_and_out_of_scope_ones_are_referred(demo_store):
    with demo_store.reading() as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM requests GROUP BY ALL").fetchall())
        unreferred = db.execute("SELECT count(*) FROM requests r JOIN services s USING (service_id) "
                                "WHERE NOT s.in_scope AND r.closed_at IS NOT NULL "
                                "AND (r.status <> 'declined' OR r.referred_to IS NULL)").fetchone()[0]
        vendors = db.execute("SELECT count(DISTINCT vendor), count(*) FROM request_status_history "
                             "WHERE status = 'waiting_vendor'").fetchone()
    assert statuses["resolved"] / sum(statuses.values()) > 0.9
    assert statuses["declined"] > 300
    assert unreferred == 0
    assert vendors[0] >= 5 and vendors[1] > 200


def test_touchpoints_use_every_channel_and_kind(demo_store):
    with demo_store.reading() as db:
        channels = {row[0] for row in db.execute("SELECT DISTINCT channel FROM touchpoints").fetchall()}
        kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM touchpoints").fetchall()}
        levels = {row[0] for row in db.execute("SELECT DISTINCT read_level FROM touchpoints").fetchall()}
    assert channels == {"email", "face_to_face", "phone", "chat", "intranet", "presentation", "training", "deliverable"}
    assert kinds == {"request", "follow_up", "proactive", "feedback", "training"}
    assert levels == {1, 2, 3, 4, 5, 6}


def test_quarterly_rater_waves_show_responsiveness_improving(demo_store):
    scores = dimension_scores(demo_store, 1)
    trend = scores[(scores["unit"] == "responsiveness") & (scores["measure"] == "perception")]
    assert len(trend) == 6
    assert trend["mean"].iloc[-1] > trend["mean"].iloc[0] + 0.5


def test_the_libqual_style_survey_shows_two_intranet_items_below_the_minimum(demo_store):
    items = dimension_scores(demo_store, 3, level="item")
    latest = wave_table(items, items["wave_id"].max())
    assert sorted(latest.loc[latest["below_minimum"], "unit"]) == ["2", "4"]
    assert weighted_scores(demo_store, 3)["weighted_gap"].notna().all()


def test_the_analyst_ran_one_query_136_times_changing_only_the_company_id(demo_store):
    with demo_store.reading() as db:
        planted = db.execute("SELECT customer_id, window_start, window_end FROM planted_anomalies "
                             "WHERE kind = 'repeated_query'").fetchone()
        queries = db.execute(
            "SELECT count(*), count(DISTINCT query_text), "
            "count(DISTINCT regexp_replace(query_text, '\\d+$', '?')) FROM usage_events "
            "WHERE customer_id = ? AND occurred_at >= ? AND occurred_at < ? AND resource = 'company_financials' "
            "AND query_text LIKE '%company_id =%'", list(planted)).fetchone()
        kinds = {row[0] for row in db.execute("SELECT kind FROM planted_anomalies").fetchall()}
    assert queries == (136, 136, 1)
    assert kinds == {"repeated_query", "quiet_customer", "volume_spike", "volume_drop", "unused_resource"}


def test_the_quiet_customer_really_goes_quiet(demo_store):
    with demo_store.reading() as db:
        customer, since = db.execute("SELECT customer_id, window_start FROM planted_anomalies "
                                     "WHERE kind = 'quiet_customer'").fetchone()
        before, after = db.execute("SELECT count(*) FILTER (occurred_at < ?), count(*) FILTER (occurred_at >= ?) "
                                   "FROM usage_events WHERE customer_id = ?", [since, since, customer]).fetchone()
    assert before > 200 and after == 0


def test_the_rater_comments_fall_into_themes_where_complaints_score_lower(demo_store):
    themes = survey_comment_themes(demo_store, 1).themes.set_index("label")
    assert len(themes) >= 5 and not themes["suppressed"].any()

    def score_of(words: str) -> float:
        return float(themes.loc[themes["top_words"].str.startswith(words), "mean_score"].iloc[0])

    complaints = [score_of("opening hours"), score_of("intranet search")]
    praise = [score_of("news alerts"), score_of("training")]
    assert max(complaints) < 3.9 < 4.1 < min(praise)
