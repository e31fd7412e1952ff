"""Setting up the organisation: customer groups, the service portfolio and the team, each change checked
field by field and audited; the fixture organisation of conftest.py has groups 1-4 and services 1-2."""

from __future__ import annotations

import json

import pytest

from infodash.errors import ValidationError
from infodash.organisation import (GroupDraft, ServiceDraft, StaffDraft, delete_group, groups_table, save_group,
                                   save_service, save_staff, services_table, staff_table)
from tests.people import lead

LEAD = lead("Lena Lead")


def audit_rows(store, entity: str) -> list[tuple]:
    with store.reading() as db:
        return db.execute("SELECT actor, action, entity_id, details FROM audit_log WHERE entity = ? ORDER BY audit_id",
                          [entity]).fetchall()


def test_a_new_group_comes_last_and_the_change_is_audited(fixture_store):
    group_id = save_group(fixture_store, GroupDraft("  Legal & compliance ", "Lawyers and the DPO"), LEAD)
    assert group_id == 5
    table = groups_table(fixture_store)
    assert table[["name", "sort_order"]].values.tolist()[-1] == ["Legal & compliance", 5]
    [(actor, action, entity_id, details)] = audit_rows(fixture_store, "customer_groups")
    assert (actor, action, entity_id) == (LEAD.name, "create", "5")
    assert json.loads(details)["after"] == {"name": "Legal & compliance", "description": "Lawyers and the DPO",
                                            "sort_order": 5}


def test_a_group_with_customers_and_requests_is_renamed_and_the_old_name_is_kept_in_the_audit(fixture_store):
    save_group(fixture_store, GroupDraft("Research & development", sort_order=1), LEAD, group_id=1)
    assert groups_table(fixture_store).set_index("group_id").loc[1, ["name", "customers"]].tolist() == [
        "Research & development", 2]
    assert json.loads(audit_rows(fixture_store, "customer_groups")[0][3])["before"]["name"] == "Research"


@pytest.mark.parametrize(("draft", "group_id", "errors"), [
    (GroupDraft(""), None, {"name": "Name the customer group."}),
    (GroupDraft("sales"), None, {"name": "There is already a customer group named 'sales'."}),
    (GroupDraft("x" * 81), None, {"name": "Use at most 80 characters."}),
    (GroupDraft("Sales", sort_order=-1), 2, {"sort_order": "Use a whole number from 0 to 10,000."}),
    (GroupDraft("Gone"), 99, {"form": "There is no customer group 99 any more: it may have been removed meanwhile."}),
])
def test_a_group_is_refused_field_by_field(fixture_store, draft, group_id, errors):
    with pytest.raises(ValidationError) as refused:
        save_group(fixture_store, draft, LEAD, group_id)
    assert refused.value.errors == errors
    assert audit_rows(fixture_store, "customer_groups") == []


def test_only_an_empty_group_no_policy_names_can_be_removed(fixture_store):
    with pytest.raises(ValidationError, match="2 customers are in this group"):
        delete_group(fixture_store, 1, LEAD)
    delete_group(fixture_store, 4, LEAD)
    assert 4 not in groups_table(fixture_store)["group_id"].tolist()
    assert audit_rows(fixture_store, "customer_groups")[0][:3] == (LEAD.name, "delete", "4")


def test_an_out_of_scope_service_needs_its_referral_and_a_service_is_retired_not_deleted(fixture_store):
    with pytest.raises(ValidationError) as refused:
        save_service(fixture_store, ServiceDraft("Tax advice", in_scope=False), LEAD)
    assert refused.value.errors == {
        "referral": "Say where requests for a service the team does not offer are referred."}
    service_id = save_service(fixture_store, ServiceDraft("Tax advice", "Personal tax questions", in_scope=False,
                                                          referral="Payroll helpdesk"), LEAD)
    save_service(fixture_store, ServiceDraft("Desk research", "Literature and facts", "Answers in a day",
                                             active=False), LEAD, service_id=1)
    table = services_table(fixture_store).set_index("service_id")
    assert table.loc[service_id, ["in_scope", "referral", "requests"]].tolist() == [False, "Payroll helpdesk", 0]
    assert table.loc[1, ["active", "value_statement", "requests"]].tolist() == [False, "Answers in a day", 7]


def test_staff_need_a_real_e_mail_and_a_known_role(fixture_store):
    with pytest.raises(ValidationError) as refused:
        save_staff(fixture_store, StaffDraft("Ana Costa", "ana at example", "boss"), LEAD)
    assert refused.value.errors == {"email": "'ana at example' is not an e-mail address.",
                                    "role": "Choose one of Staff, Lead, Administrator."}
    staff_id = save_staff(fixture_store, StaffDraft("Ana Costa", "ana@example.org", "lead"), LEAD)
    save_staff(fixture_store, StaffDraft("Ana Costa", "ana@example.org", "lead", active=False), LEAD, staff_id)
    assert staff_table(fixture_store).values.tolist() == [[staff_id, "Ana Costa", "ana@example.org", "lead", False]]


def test_every_change_needs_the_name_of_who_makes_it(fixture_store):
    with pytest.raises(ValidationError) as refused:
        save_service(fixture_store, ServiceDraft("Translation"), lead("  "))
    assert set(refused.value.errors) == {"author"}
