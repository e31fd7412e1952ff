"""Logging requests and moving them through their statuses."""

from __future__ import annotations

import pytest

from infodash.errors import ValidationError
from infodash.service_requests import (RequestDraft, StatusUpdate, change_status, log_request, open_requests,
                                       request_history)
from infodash.sla import evaluate_requests
from tests.conftest import LONDON, at
from tests.people import lead, staff

NOW = at("2026-11-23 12:00")


def new_request(store, **changes) -> int:
    values = dict(customer_id=3, service_id=1, channel="email", priority="normal", subject="Market size of X",
                  received_at=at("2026-11-23 09:00"))
    values.update(changes)
    return log_request(store, RequestDraft(**values), staff("Ana Costa"), now=NOW)


def test_a_logged_request_is_received_with_its_history_and_audit(fixture_store):
    request_id = new_request(fixture_store)
    with fixture_store.reading() as db:
        status, created_by = db.execute("SELECT status, created_by FROM requests WHERE request_id = ?",
                                        [request_id]).fetchone()
        audited = db.execute("SELECT count(*) FROM audit_log WHERE entity = 'requests'").fetchone()[0]
    assert (status, created_by, audited) == ("received", "Ana Costa", 1)
    assert request_history(fixture_store, request_id, LONDON)["status"].tolist() == ["received"]
    assert request_id in open_requests(fixture_store, LONDON)["request_id"].tolist()


def test_bad_requests_are_refused_field_by_field(fixture_store):
    with pytest.raises(ValidationError) as raised:
        log_request(fixture_store, RequestDraft(customer_id=4, service_id=99, channel="fax", priority="asap",
                                                subject="x" * 300, received_at=at("2026-11-23 13:00")), staff(" "), now=NOW)
    assert set(raised.value.errors) == {"author", "customer_id", "service_id", "channel", "priority", "subject",
                                        "received_at"}


def test_a_request_moves_through_waiting_on_a_vendor_to_resolved(fixture_store):
    request_id = new_request(fixture_store)
    change_status(fixture_store, request_id, StatusUpdate("responded", at("2026-11-23 09:20")), lead("Ana Costa"), now=NOW)
    change_status(fixture_store, request_id, StatusUpdate("waiting_vendor", at("2026-11-23 09:30"), vendor="Questel"),
                  lead("Ana Costa"), now=NOW)
    change_status(fixture_store, request_id, StatusUpdate("responded", at("2026-11-23 10:30")), lead("Ana Costa"), now=NOW)
    change_status(fixture_store, request_id, StatusUpdate("resolved", at("2026-11-23 11:00")), lead("Ana Costa"), now=NOW)
    with fixture_store.reading() as db:
        row = db.execute("SELECT status, first_response_at, closed_at, vendor FROM requests WHERE request_id = ?",
                         [request_id]).fetchone()
    assert row == ("resolved", at("2026-11-23 09:20"), at("2026-11-23 11:00"), "Questel")
    assert request_history(fixture_store, request_id, LONDON)["status"].tolist() == [
        "received", "responded", "waiting_vendor", "responded", "resolved"]


def test_the_sla_page_sees_the_logged_request_and_its_pause(sla_store):
    request_id = new_request(sla_store)
    change_status(sla_store, request_id, StatusUpdate("waiting_customer", at("2026-11-23 09:30")), lead("Ana Costa"),
                  now=NOW)
    change_status(sla_store, request_id, StatusUpdate("resolved", at("2026-11-23 11:30")), lead("Ana Costa"), now=NOW)
    assert evaluate_requests(sla_store, as_of=NOW).recomputed
    with sla_store.reading() as db:
        outcome, paused = db.execute("SELECT outcome, paused_seconds FROM sla_results WHERE request_id = ?",
                                     [request_id]).fetchone()
    assert (outcome, paused) == ("met", 2 * 3600)


def test_changes_that_do_not_fit_are_refused(fixture_store):
    request_id = new_request(fixture_store)
    cases = [
        (StatusUpdate("waiting_vendor", at("2026-11-23 10:00")), "vendor"),
        (StatusUpdate("declined", at("2026-11-23 10:00")), "reason"),
        (StatusUpdate("responded", at("2026-11-23 08:00")), "changed_at"),  # before it was received
        (StatusUpdate("responded", at("2026-11-23 12:30")), "changed_at"),  # in the future
        (StatusUpdate("received", at("2026-11-23 10:00")), "status"),
    ]
    for update, field in cases:
        with pytest.raises(ValidationError) as raised:
            change_status(fixture_store, request_id, update, lead("Ana Costa"), now=NOW)
        assert field in raised.value.errors, (update, raised.value.errors)
    change_status(fixture_store, request_id, StatusUpdate("declined", at("2026-11-23 10:00"), reason="Legal advice",
                                                          referral="Legal department"), lead("Ana Costa"), now=NOW)
    with pytest.raises(ValidationError, match="reopen it"):
        change_status(fixture_store, request_id, StatusUpdate("resolved", at("2026-11-23 11:00")), lead("Ana Costa"),
                      now=NOW)
    change_status(fixture_store, request_id, StatusUpdate("responded", at("2026-11-23 11:00")), lead("Ana Costa"), now=NOW)
    with fixture_store.reading() as db:
        assert db.execute("SELECT status, closed_at, referred_to FROM requests WHERE request_id = ?",
                          [request_id]).fetchone() == ("responded", None, None)
    with pytest.raises(LookupError):
        change_status(fixture_store, 999, StatusUpdate("responded", at("2026-11-23 11:00")), lead("Ana Costa"), now=NOW)
