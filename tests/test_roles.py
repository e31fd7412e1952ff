"""Roles are enforced in the library: every write function, called directly with a viewer, staff and a lead,
refuses the roles below the one it needs with a clear message and writes nothing, and lets the others through
(to be judged on their input as usual). Staff may change only their own touchpoints and the requests that are
theirs; a lead may change anyone's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from infodash import accounts, personal_data, retention
from infodash.customer_import import CustomerImportOptions, import_customers
from infodash.db import Store
from infodash.detection import set_sensitivity
from infodash.errors import NotAllowed
from infodash.feedback import (FeedbackDraft, acknowledge_feedback, link_feedback_to_sender, mark_customer_told,
                               record_feedback, record_feedback_response, resolve_feedback, triage_feedback)
from infodash.feedback_figures import FeedbackTargets, set_feedback_targets
from infodash.findings import review_anomaly
from infodash.importers import save_mapping
from infodash.initiatives import InitiativeDraft, ReviewDraft, record_initiative, record_review, update_initiative
from infodash.instruments import SurveyDraft, WaveDraft, create_survey, open_wave
from infodash.organisation import (GroupDraft, ServiceDraft, StaffDraft, delete_group, save_group, save_service,
                                   save_staff)
from infodash.pack import PackTexts
from infodash.permissions import Account
from infodash.policies import PolicyDraft, save_calendar, save_policy_version
from infodash.reports import save_pack
from infodash.request_import import SERVICENOW, import_requests
from infodash.service_requests import RequestDraft, StatusUpdate, change_status, log_request
from infodash.settings import set_reporting_year_start_month
from infodash.sla_reports import record_breach_reason
from infodash.survey_import import SurveyImportOptions, import_survey_responses
from infodash.survey_responses import ResponseDraft, record_request_feedback, record_response
from infodash.touchpoints import TouchpointDraft, delete_touchpoint, log_touchpoint, mark_follow_up_done, \
    update_touchpoint
from infodash.usage_import import UsageLoadOptions, load_usage
from tests.people import lead, staff, viewer

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
ROLES = ("viewer", "staff", "lead")
PERSON = {"viewer": viewer, "staff": staff, "lead": lead}
CSV = b"name,email\nAda Byron,ada@example.org\n"


def touchpoint(customer_id: int = 1) -> TouchpointDraft:
    return TouchpointDraft(customer_id, "email", "request", 10, 2, "Sent the report", NOW - dt.timedelta(hours=1))


def initiative() -> InitiativeDraft:
    return InitiativeDraft("Answer same day", "internal", "", "attainment", "all", None, None, "at_least", 0.95,
                           NOW.date(), NOW.date() + dt.timedelta(weeks=12), owner="Ana Costa")


def first(store: Store, sql: str, params: list | None = None):
    with store.reading() as db:
        return db.execute(sql, params or []).fetchone()[0]


# Each write function with the least role it needs and a call with sensible input.
WRITES: dict[str, tuple[str, Callable[[Store, Account], object]]] = {
    "log_touchpoint": ("staff", lambda s, a: log_touchpoint(s, touchpoint(), a, LONDON, NOW)),
    "log_request": ("staff", lambda s, a: log_request(
        s, RequestDraft(1, 1, "email", "normal", "Market report", NOW - dt.timedelta(hours=1)), a, NOW)),
    "record_request_feedback": ("staff", lambda s, a: record_request_feedback(
        s, first(s, "SELECT max(request_id) FROM requests WHERE status = 'resolved' AND request_id NOT IN "
                    "(SELECT request_id FROM survey_responses WHERE request_id IS NOT NULL)"), 4, "", a, NOW, LONDON)),
    "record_response": ("staff", lambda s, a: record_response(
        s, ResponseDraft(first(s, "SELECT max(wave_id) FROM survey_waves"), customer_id=1, csat=4), a, NOW)),
    "review_anomaly": ("staff", lambda s, a: review_anomaly(
        s, first(s, "SELECT min(anomaly_id) FROM anomalies"), "reviewing", a, NOW)),
    "save_pack": ("viewer", lambda s, a: save_pack(s, None, PackTexts(), a, formats=("no such format",))),
    "set_sensitivity": ("lead", lambda s, a: set_sensitivity(s, "high", a)),
    "set_reporting_year_start_month": ("lead", lambda s, a: set_reporting_year_start_month(s, 4, a)),
    "save_policy_version": ("lead", lambda s, a: save_policy_version(
        s, PolicyDraft("Rush", dt.date(2026, 12, 1), first(s, "SELECT min(calendar_id) FROM calendars"),
                       resolution_hours=4), a)),
    "save_calendar": ("lead", lambda s, a: save_calendar(
        s, None, "Night shift", "Europe/London", None, None, {0: [(dt.time(20), dt.time(23))]}, {}, a)),
    "create_survey": ("lead", lambda s, a: create_survey(
        s, SurveyDraft("Pulse", "perception", 1, 5, (("reliability", "On time"),)), a)),
    "open_wave": ("lead", lambda s, a: open_wave(
        s, WaveDraft(first(s, "SELECT min(survey_id) FROM surveys"), "Winter", dt.date(2026, 12, 1)), a)),
    "save_mapping": ("lead", lambda s, a: save_mapping(s, "customers", "HR export", {"columns": {}}, a)),
    "save_group": ("lead", lambda s, a: save_group(s, GroupDraft("Legal"), a)),
    "save_service": ("lead", lambda s, a: save_service(s, ServiceDraft("Translation"), a)),
    "save_staff": ("lead", lambda s, a: save_staff(s, StaffDraft("Nora New"), a)),
    "delete_group": ("lead", lambda s, a: delete_group(
        s, first(s, "SELECT group_id FROM customer_groups WHERE name = 'Brief'"), a)),
    "import_customers": ("lead", lambda s, a: import_customers(
        s, CSV, CustomerImportOptions({"name": "name", "email": "email"}), a, dry_run=True)),
    "import_requests": ("lead", lambda s, a: import_requests(s, CSV, SERVICENOW, a, dry_run=True)),
    "import_survey_responses": ("lead", lambda s, a: import_survey_responses(
        s, CSV, first(s, "SELECT max(wave_id) FROM survey_waves"), SurveyImportOptions({}), a, dry_run=True)),
    "load_usage": ("lead", lambda s, a: load_usage(s, "no-such-file-*.csv", UsageLoadOptions(), a, dry_run=True)),
    "add_account": ("lead", lambda s, a: accounts.add_account(s, "nora@example.org", "Nora New", "staff", None, a)),
    "set_role": ("lead", lambda s, a: accounts.set_role(s, "kept@example.org", "viewer", a)),
    "set_disabled": ("lead", lambda s, a: accounts.set_disabled(s, "kept@example.org", True, a)),
    "reset_password": ("lead", lambda s, a: accounts.reset_password(s, "kept@example.org", "a brand new passphrase",
                                                                     a)),
    "export_customer": ("lead", lambda s, a: personal_data.export_customer(s, 1, a)),
    "erase_customer": ("lead", lambda s, a: personal_data.erase_customer(s, 1, a)),
    "set_retention_periods": ("lead", lambda s, a: retention.set_periods(s, 24, 12, a)),
    "apply_retention": ("lead", lambda s, a: retention.apply(s, a)),
    "record_feedback": ("staff", lambda s, a: record_feedback(
        s, FeedbackDraft("suggestion", "other", "Open earlier", NOW - dt.timedelta(hours=1), 1), a, NOW)),
    "acknowledge_feedback": ("staff", lambda s, a: acknowledge_feedback(s, unowned_feedback(s), a, now=NOW)),
    "triage_feedback": ("staff", lambda s, a: triage_feedback(s, unowned_feedback(s), "", "quality", None, a)),
    "record_feedback_response": ("staff", lambda s, a: record_feedback_response(s, unowned_feedback(s), "Done", a)),
    "resolve_feedback": ("staff", lambda s, a: resolve_feedback(s, unowned_feedback(s), a, now=NOW)),
    "mark_customer_told": ("staff", lambda s, a: mark_customer_told(s, unowned_feedback(s), a, now=NOW)),
    "link_feedback_to_sender": ("staff", lambda s, a: link_feedback_to_sender(s, public_feedback(s), a)),
    "set_feedback_targets": ("lead", lambda s, a: set_feedback_targets(s, FeedbackTargets(2, 8), a)),
    "record_initiative": ("lead", lambda s, a: record_initiative(s, initiative(), a, NOW.date(), NOW)),
    "update_initiative": ("lead", lambda s, a: update_initiative(s, 1, initiative(), a, NOW.date(), NOW)),
    "record_review": ("lead", lambda s, a: record_review(s, 1, ReviewDraft(NOW.date(), "On track", "continue"), a,
                                                         NOW.date())),
}


def unowned_feedback(store: Store) -> int:
    """A feedback item nobody owns yet (any staff may work it), made for the test if the demo has none."""
    found = first(store, "SELECT max(feedback_id) FROM feedback_items WHERE owner IS NULL AND status = 'received'")
    return found if found is not None else record_feedback(
        store, FeedbackDraft("suggestion", "other", "Open earlier", NOW - dt.timedelta(hours=1), 1), lead(), NOW)


def public_feedback(store: Store) -> int:
    """A public-form message sent with a directory customer's e-mail, linked to nobody yet (put there by hand, so
    that the audit log holds only what the write under test does)."""
    with store.writing() as db:
        return db.execute(
            "INSERT INTO feedback_items (kind, category, contact_email, description, received_at, source, created_by) "
            "SELECT 'complaint', 'access', min(lower(trim(email))), 'Locked out', ?, 'public_form', 'public form' "
            "FROM customers WHERE active AND email IS NOT NULL RETURNING feedback_id", [NOW]).fetchone()[0]


def audit_rows(store: Store) -> int:
    return first(store, "SELECT count(*) FROM audit_log")


@pytest.fixture
def store(demo_store: Store) -> Store:
    accounts.add_account(demo_store, "kept@example.org", "Kept Person", "staff", None, lead())
    save_group(demo_store, GroupDraft("Brief"), lead())
    return demo_store


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_write_refuses_the_roles_below_the_one_it_needs_and_writes_nothing(store, write):
    least, call = WRITES[write]
    for role in ROLES:
        before = audit_rows(store)
        acting = PERSON[role]()
        if ROLES.index(role) < ROLES.index(least):
            with pytest.raises(NotAllowed) as refused:
                call(store, acting)
            assert f"is signed in as {'staff' if role == 'staff' else 'a ' + role}" in str(refused.value)
            assert audit_rows(store) == before, f"{write} wrote something for a {role}"
        else:
            try:
                call(store, acting)
            except NotAllowed as error:  # any other outcome is the input being judged, as for anyone
                pytest.fail(f"{write} refused a {role}: {error}")
            except Exception:  # noqa: BLE001,S110  (bad input for this role is judged as usual, not refused)
                pass


def test_the_refusal_says_who_may_and_who_is_signed_in(store):
    with pytest.raises(NotAllowed) as refused:
        set_sensitivity(store, "high", staff("Ben Okafor"))
    assert str(refused.value) == ("Only a lead may change the anomaly sensitivity; Ben Okafor is signed in as "
                                  "staff.")
    with pytest.raises(NotAllowed) as refused:
        log_touchpoint(store, touchpoint(), viewer("Vera Board"), LONDON, NOW)
    assert str(refused.value) == "Staff and leads may log touchpoints; Vera Board is signed in as a viewer."


def test_staff_change_only_their_own_touchpoints_and_a_lead_anyones(store):
    saved = log_touchpoint(store, touchpoint(), staff("Ben Okafor"), LONDON, NOW)
    for change in (lambda a: update_touchpoint(store, saved.touchpoint_id, touchpoint(2), a, LONDON, NOW),
                   lambda a: mark_follow_up_done(store, saved.touchpoint_id, a, NOW),
                   lambda a: delete_touchpoint(store, saved.touchpoint_id, a)):
        with pytest.raises(NotAllowed, match="Only Ben Okafor, who logged it, or a lead, may"):
            change(staff("Cleo Diaz"))
    update_touchpoint(store, saved.touchpoint_id, touchpoint(2), staff("Ben Okafor"), LONDON, NOW)
    delete_touchpoint(store, saved.touchpoint_id, lead("Ana Costa"))
    with store.reading() as db:
        assert db.execute("SELECT actor, action FROM audit_log WHERE entity = 'touchpoints' AND entity_id = ? "
                          "ORDER BY audit_id", [str(saved.touchpoint_id)]).fetchall() == [
            ("Ben Okafor", "insert"), ("Ben Okafor", "update"), ("Ana Costa", "delete")]


def test_staff_work_the_requests_they_logged_are_assigned_or_nobody_is_and_a_lead_any(store):
    mine = log_request(store, RequestDraft(1, 1, "email", "normal", "Mine", NOW - dt.timedelta(hours=3),
                                           assigned_to="Ben Okafor"), staff("Ben Okafor"), NOW)
    theirs = log_request(store, RequestDraft(1, 1, "email", "normal", "Theirs", NOW - dt.timedelta(hours=3),
                                             assigned_to="Cleo Diaz"), lead("Ana Costa"), NOW)
    nobodys = log_request(store, RequestDraft(1, 1, "email", "normal", "Open", NOW - dt.timedelta(hours=3)),
                          lead("Ana Costa"), NOW)
    responded = StatusUpdate("responded", NOW - dt.timedelta(hours=2))
    change_status(store, mine, responded, staff("Ben Okafor"), NOW)
    change_status(store, nobodys, responded, staff("Ben Okafor"), NOW)
    with pytest.raises(NotAllowed) as refused:
        change_status(store, theirs, responded, staff("Ben Okafor"), NOW)
    assert str(refused.value) == ("Only Cleo Diaz (assigned) and Ana Costa (who logged it), or a lead, may change "
                                  "this request.")
    change_status(store, theirs, responded, lead("Ana Costa"), NOW)
    with pytest.raises(NotAllowed):
        change_status(store, theirs, StatusUpdate("resolved", NOW), viewer(), NOW)
    assert first(store, "SELECT count(*) FROM request_status_history WHERE request_id = ?", [theirs]) == 2


def test_staff_explain_only_the_breaches_of_requests_that_are_theirs(store):
    with store.reading() as db:
        breached, assigned = db.execute(
            "SELECT r.request_id, r.assigned_to FROM sla_results s JOIN requests r USING (request_id) "
            "WHERE s.outcome = 'breached' AND r.assigned_to IS NOT NULL ORDER BY 1 LIMIT 1").fetchone()
    with pytest.raises(NotAllowed, match=f"Only {assigned}"):
        record_breach_reason(store, breached, "capacity", "", staff("Someone Else"))
    record_breach_reason(store, breached, "capacity", "", staff(assigned))
    assert first(store, "SELECT breach_reason FROM requests WHERE request_id = ?", [breached]) == "capacity"
