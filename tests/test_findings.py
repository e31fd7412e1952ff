"""The review workflow of stored findings: each anomaly is reviewed, actioned with a note (and the
hours it saved) or dismissed with a reason, which stops the same pattern coming back for that subject;
the weekly review counts what was actioned and the hours saved."""

from __future__ import annotations

import json

import pytest

from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.findings import (MAX_SCORE, Finding, actioned_between, anomalies, review_anomaly, save_findings, severity,
                               times_the_threshold)
from tests.conftest import at
from tests.people import staff

NOW = at("2026-11-23 09:00")


def finding(subject: str = "aadams", pattern: str = "select * from orders where id = ?", day: int = 17,
            score: float = 3.0, detector: str = "repeated_query", customer_id: int | None = 1,
            group_id: int | None = None) -> Finding:
    return Finding(detector, "user", subject, at(f"2026-11-{day:02d} 00:00"), at(f"2026-11-{day + 1:02d} 00:00"),
                   score, f"{subject} ran the same query 40 times.", "Show them lists.", customer_id=customer_id,
                   group_id=group_id, pattern=pattern, grain="hour")


def save(store, *findings: Finding) -> int:
    with store.writing() as db:
        return save_findings(db, list(findings), NOW)


def ids(store) -> dict[str, int]:
    with store.reading() as db:
        return dict(db.execute("SELECT subject || '/' || window_start::DATE, anomaly_id FROM anomalies").fetchall())


def stored(store, anomaly_id: int) -> tuple:
    with store.reading() as db:
        return db.execute("SELECT status, reviewed_by, reviewed_at, review_note, minutes_saved FROM anomalies "
                          "WHERE anomaly_id = ?", [anomaly_id]).fetchone()


@pytest.fixture
def one_finding(fixture_store):
    save(fixture_store, finding())
    return fixture_store, ids(fixture_store)["aadams/2026-11-17"]


def problems(call) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.errors


def test_saving_the_same_finding_twice_stores_it_once(fixture_store):
    assert save(fixture_store, finding(), finding()) == 1
    assert save(fixture_store, finding()) == 0
    assert save(fixture_store, finding(day=18)) == 1  # the same pattern on another day is another finding


def test_severity_bands_are_shared_and_stored_scores_stop_at_ten_times_the_threshold(fixture_store):
    assert [severity(score) for score in (1.0, 1.99, 2.0, 3.99, 4.0, 55.3)] == [
        "low", "low", "medium", "medium", "high", "high"]
    save(fixture_store, finding("aadams", score=55.3), finding("bbrown", score=1.4, customer_id=2))
    assert anomalies(fixture_store)["score"].tolist() == [MAX_SCORE, 1.4]
    assert times_the_threshold(MAX_SCORE) == "10 or more times its detector's threshold"
    assert times_the_threshold(1.4) == "1.4 times its detector's threshold"


def test_a_finding_with_an_occurrence_is_the_same_finding_whatever_its_window(fixture_store):
    quarterly = finding(detector="unused_resource")
    moved = Finding(**{**quarterly.__dict__, "window_start": at("2026-11-18 00:00")})
    assert quarterly.fingerprint != moved.fingerprint
    assert Finding(**{**quarterly.__dict__, "occurrence": "2026-Q4"}).fingerprint \
        == Finding(**{**moved.__dict__, "occurrence": "2026-Q4"}).fingerprint


def test_open_findings_list_those_being_reviewed_first_then_the_most_unusual(fixture_store):
    save(fixture_store, finding("aadams", score=2.0), finding("bbrown", score=9.0, customer_id=2),
         finding("cclarke", score=5.0, customer_id=3))
    review_anomaly(fixture_store, ids(fixture_store)["aadams/2026-11-17"], "reviewing", staff("Ana Costa"), NOW)
    assert anomalies(fixture_store)["subject"].tolist() == ["aadams", "bbrown", "cclarke"]
    assert anomalies(fixture_store, filters=Filters(group_ids=(2,)))["subject"].tolist() == ["cclarke"]


def test_actioning_needs_a_note_of_what_was_done(one_finding):
    store, anomaly_id = one_finding
    errors = problems(lambda: review_anomaly(store, anomaly_id, "actioned", staff("Ana Costa"), NOW, "  "))
    assert errors == {"note": "Say what was done, e.g. 'Showed them the batch report'."}
    assert stored(store, anomaly_id)[0] == "new"


def test_dismissing_needs_a_reason(one_finding):
    store, anomaly_id = one_finding
    errors = problems(lambda: review_anomaly(store, anomaly_id, "dismissed", staff("Ana Costa"), NOW))
    assert errors == {"note": "Say why this is not worth acting on, e.g. 'Month-end reporting run'."}


def test_every_problem_is_named_at_once(one_finding):
    store, anomaly_id = one_finding
    errors = problems(lambda: review_anomaly(store, anomaly_id, "dismissed", staff(" "), NOW, "", minutes_saved=30))
    assert errors == {"author": "Enter your name so your entry can be attributed to you.",
                      "note": "Say why this is not worth acting on, e.g. 'Month-end reporting run'.",
                      "minutes_saved": "Time saved is recorded when an anomaly is actioned."}


def test_time_saved_cannot_be_negative_nor_a_finding_reopened_as_new(one_finding):
    store, anomaly_id = one_finding
    assert problems(lambda: review_anomaly(store, anomaly_id, "actioned", staff("Ana Costa"), NOW, "Taught lists", -60)) \
        == {"minutes_saved": "Enter the time saved as zero or more hours."}
    assert problems(lambda: review_anomaly(store, anomaly_id, "new", staff("Ana Costa"), NOW)) \
        == {"status": "Choose reviewing, actioned or dismissed."}
    assert problems(lambda: review_anomaly(store, 999, "reviewing", staff("Ana Costa"), NOW)) \
        == {"anomaly_id": "This anomaly no longer exists."}


def test_actioning_records_who_what_when_and_the_time_saved_and_audits_it(one_finding):
    store, anomaly_id = one_finding
    review_anomaly(store, anomaly_id, "actioned", staff(" Ana Costa "), NOW, " Showed them the batch report ", 90)
    assert stored(store, anomaly_id) == ("actioned", "Ana Costa", NOW, "Showed them the batch report", 90)
    with store.reading() as db:
        actor, action, details = db.execute("SELECT actor, action, details FROM audit_log WHERE entity = 'anomaly' "
                                             "AND entity_id = ?", [str(anomaly_id)]).fetchone()
    assert (actor, action, json.loads(details)) == ("Ana Costa", "review", {"from": "new", "to": "actioned"})
    assert anomalies(store).empty
    assert anomalies(store, ("actioned", "dismissed"))["review_note"].tolist() == ["Showed them the batch report"]


def test_a_dismissal_is_remembered_and_the_same_pattern_is_not_raised_again_for_that_subject(one_finding):
    store, anomaly_id = one_finding
    review_anomaly(store, anomaly_id, "dismissed", staff("Ana Costa"), NOW, "Month-end reporting run")
    with store.reading() as db:
        assert db.execute("SELECT * FROM anomaly_dismissals").fetchall() == [
            ("repeated_query", "user", "aadams", "select * from orders where id = ?", "Month-end reporting run",
             "Ana Costa", NOW)]
    assert stored(store, anomaly_id)[0] == "dismissed"
    assert save(store, finding(day=19)) == 0  # same detector, subject and pattern, another day: not again
    assert save(store, finding(day=19, pattern="select * from invoices where id = ?")) == 1  # another pattern
    assert save(store, finding("bbrown", day=19, customer_id=2)) == 1  # the same pattern for someone else
    assert save(store, finding(day=19, detector="volume_spike")) == 1  # another detector


def test_actioned_between_counts_the_weeks_actions_and_adds_up_the_hours_saved(fixture_store):
    save(fixture_store, finding("aadams", day=10), finding("bbrown", day=11, customer_id=2),
         finding("cclarke", day=12, customer_id=3), finding("eevans", day=13, customer_id=5),
         finding("Research", day=14, customer_id=None, group_id=1))
    anomaly = ids(fixture_store)
    review_anomaly(fixture_store, anomaly["aadams/2026-11-10"], "actioned", staff("Ana"), at("2026-11-16 00:00"), "Lists", 90)
    review_anomaly(fixture_store, anomaly["bbrown/2026-11-11"], "actioned", staff("Ana"), at("2026-11-20 17:00"), "Report")
    review_anomaly(fixture_store, anomaly["cclarke/2026-11-12"], "actioned", staff("Ana"), at("2026-11-22 23:59"), "Call", 30)
    review_anomaly(fixture_store, anomaly["eevans/2026-11-13"], "actioned", staff("Ana"), at("2026-11-23 00:00"), "Next", 600)
    review_anomaly(fixture_store, anomaly["Research/2026-11-14"], "actioned", staff("Ana"), at("2026-11-18 12:00"), "Talk", 45)
    week = (at("2026-11-16 00:00"), at("2026-11-23 00:00"))
    assert actioned_between(fixture_store, *week).iloc[0].tolist() == [4, pytest.approx((90 + 30 + 45) / 60)]
    # customer groups: Alice and Bob are in Research, as is the group-level finding; Cara is in Sales
    assert actioned_between(fixture_store, *week, Filters(group_ids=(1,))).iloc[0].tolist() == [3, 2.25]
    assert actioned_between(fixture_store, *week, Filters(group_ids=(3,))).iloc[0].tolist() == [0, 0.0]


def test_dismissed_and_reviewing_findings_do_not_count_as_actioned(fixture_store):
    save(fixture_store, finding("aadams"), finding("bbrown", customer_id=2))
    anomaly = ids(fixture_store)
    review_anomaly(fixture_store, anomaly["aadams/2026-11-17"], "dismissed", staff("Ana"), at("2026-11-18 10:00"), "Fine")
    review_anomaly(fixture_store, anomaly["bbrown/2026-11-17"], "reviewing", staff("Ana"), at("2026-11-18 10:00"))
    assert actioned_between(fixture_store, at("2026-11-16 00:00"), at("2026-11-23 00:00")).iloc[0].tolist() == [0, 0]
