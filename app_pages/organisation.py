"""Organisation: the customer groups the team serves, its service portfolio (and what it does not do), and the
team itself. A lead's set-up work: each change is checked field by field and recorded in the audit log."""

import streamlit as st

from infodash.organisation import (STAFF_ROLES, GroupDraft, ServiceDraft, StaffDraft, delete_group, groups_table,
                                   save_group, save_service, save_staff, services_table, staff_table)
from infodash.ui.layout import lazy_tabs, page_context
from infodash.ui.pickers import staff_name_input
from infodash.ui.record_editor import Field, RecordForm, record_editor

GROUPS = RecordForm(
    "org_group", "customer group", "group_id", GroupDraft, save_group,
    (Field("name", "Name"), Field("description", "Who is in it", "area"),
     Field("sort_order", "Place in lists", "number", "Groups are listed by this number, smallest first.")),
    groups_table, {"group_id": "Id", "name": "Customer group", "description": "Who is in it",
                   "sort_order": "Order", "customers": st.column_config.NumberColumn("Active customers")},
    remove=delete_group)
SERVICES = RecordForm(
    "org_service", "service", "service_id", ServiceDraft, save_service,
    (Field("name", "Name"), Field("description", "What it is", "area"),
     Field("value_statement", "The value it gives customers", "area",
           "One sentence for the management pack, e.g. 'Decisions rest on checked facts within a day'."),
     Field("in_scope", "The team offers it", "check",
           "Untick for what the team does not do: such requests are declined and referred, and counted."),
     Field("referral", "Where requests are referred when not offered"),
     Field("active", "Still offered (untick to retire it; its history stays)", "check")),
    services_table, {"service_id": "Id", "name": "Service", "description": "What it is",
                     "value_statement": "Value", "in_scope": "Offered", "referral": "Referred to",
                     "active": "Active", "requests": st.column_config.NumberColumn("Requests", format="%d")})
STAFF = RecordForm(
    "org_staff", "staff member", "staff_id", StaffDraft, save_staff,
    (Field("name", "Name"), Field("email", "E-mail"), Field("role", "Role", "choice", choices=STAFF_ROLES),
     Field("active", "In the team", "check")),
    staff_table, {"staff_id": "Id", "name": "Name", "email": "E-mail", "role": "Role", "active": "In the team"})

context = page_context(with_filters=False)
store = context.store
st.title("Organisation")
st.caption("The customer groups every figure is broken down by, the service portfolio requests are logged "
           "against, and the team. Every change is recorded with your name.")
staff_name_input()
lazy_tabs({"Customer groups": lambda _: record_editor(GROUPS, store),
           "Services": lambda _: record_editor(SERVICES, store),
           "Staff": lambda _: record_editor(STAFF, store)}, "org_tab", None, store)
