"""Import requests: upload a desk export, map its columns, check every row, then import."""

import dataclasses

import pandas as pd
import streamlit as st

from infodash.catalogue import customer_group_options, service_options
from infodash.importers import load_mapping, mapping_names
from infodash.request_import import (CUSTOMER_KEYS, DEFAULT_SERVICE, EVENT_FIELDS, KIND, OPTIONAL_FIELDS, PRESETS,
                                     REQUIRED_FIELDS, RequestImportOptions, import_requests, option_problems)
from infodash.request_import_write import HOLDING_GROUP
from infodash.service_requests import CHANNELS, PRIORITIES, STATUSES
from infodash.ui.import_form import check_and_import, previewed, field_problem, reading_options, save_mapping_form
from infodash.ui.layout import page_context, set_aside_list
from infodash.ui.pickers import acting_account, staff_name_input
from infodash.ui.store import cached, store_errors

NONE = "(not in the file)"
context = page_context(with_filters=False)
store = context.store

st.title("Import requests")
st.caption("From a service desk's export (CSV or Excel): one row per request, or an event log with one row per "
           "update. Every row is checked first; nothing is written unless the whole file is good, and requests "
           "imported before are skipped.")
me = staff_name_input()
set_aside_list(store)
upload = st.file_uploader("Export file", type=["csv", "xlsx"], key="import_file")
if upload is None:
    st.stop()
with store_errors(store):
    saved = cached(mapping_names, store, KIND)
    groups = dict(cached(customer_group_options, store))
    services = dict(cached(service_options, store))
starts = {**{f"preset:{name}": f"{name} export (preset)" for name in PRESETS},
          **{f"saved:{name}": f"{name} (saved mapping)" for name in saved}, "blank": "Start from scratch"}
start = st.selectbox("Start from", list(starts), format_func=starts.get, key="import_start")
base = (PRESETS[start.split(":", 1)[1]] if start.startswith("preset:") else
        RequestImportOptions.from_dict(cached(load_mapping, store, KIND, start.split(":", 1)[1]))
        if start.startswith("saved:") else RequestImportOptions(columns={}))

reading = reading_options(base.encoding, base.missing_marker, base.date_format, base.time_zone, f"import_{start}")
preview = previewed(upload, reading)

shape = st.radio("Shape", ["per_request", "event_log"], index=["per_request", "event_log"].index(base.shape),
                 format_func={"per_request": "One row per request", "event_log": "One row per update (event log)"}.get,
                 horizontal=True, key=f"shape_{start}")
fields = REQUIRED_FIELDS + (EVENT_FIELDS if shape == "event_log" else ()) + OPTIONAL_FIELDS
columns: dict[str, str] = {}
grid = st.columns(4)
for position, name in enumerate(fields):
    options = ([] if name in REQUIRED_FIELDS + EVENT_FIELDS else [NONE]) + preview.columns
    default = base.columns.get(name)
    chosen = grid[position % 4].selectbox(name.replace("_", " "), options, key=f"col_{start}_{name}",
                                          index=options.index(default) if default in options else 0)
    if chosen != NONE:
        columns[name] = chosen
match_col, group_col, blank_col = st.columns(3)
customer_key = match_col.selectbox("Customer column holds their", list(CUSTOMER_KEYS),
                                   index=list(CUSTOMER_KEYS).index(base.customer_key), key=f"key_{start}")
REFUSE, HOLD = "refuse", "hold"
unknown_choices = [REFUSE, HOLD, *groups]
create_in = group_col.selectbox(
    "Unknown customers", unknown_choices, key=f"create_{start}",
    index=unknown_choices.index(base.create_customers_in_group) if base.create_customers_in_group in groups
    else 1 if base.create_customers else 0,
    format_func=lambda choice: {REFUSE: "refuse their rows", HOLD: f"create in {HOLDING_GROUP}"}.get(
        choice, f"create in {groups.get(choice)}"))
unknown_customer = blank_col.text_input("A blank customer counts as", base.unknown_customer or "",
                                        key=f"blank_{start}", placeholder="(refuse such rows)",
                                        help="e.g. Unknown caller: requests with no caller are real requests too.")
service_col, create_services_col = st.columns(2)
service_id = service_col.selectbox("Service of every request (when no column)", [None, *services],
                                   format_func=lambda sid: "-" if sid is None else services[sid], key=f"svc_{start}")
create_services = create_services_col.checkbox(
    "Create the services the file names that do not exist yet", value=base.create_services, key=f"create_svc_{start}",
    help=f"Without a service column, every request then goes to one service, {DEFAULT_SERVICE!r}.")


IGNORE = "(ignore these rows)"


def value_map(title: str, column: str | None, current: dict, allowed: dict, key: str, can_ignore: bool = False) -> dict:
    """An editable table translating the file's values in ``column`` to InfoDash codes; values left
    empty are reported as unknown, never dropped silently."""
    if not column:
        return current
    def shown(value):
        mapped = current.get(value, value if value in allowed else "")
        return IGNORE if value in current and mapped is None else mapped
    values = preview.values.get(column, [])
    table = pd.DataFrame({"in the file": values, "InfoDash": [shown(value) for value in values]})
    edited = st.data_editor(table, key=key, hide_index=True, disabled=["in the file"], column_config={
        "InfoDash": st.column_config.SelectboxColumn(options=[*allowed, *([IGNORE] if can_ignore else [])],
                                                     help=title)})
    chosen = {value: (None if code == IGNORE else code)
              for value, code in zip(edited["in the file"], edited["InfoDash"], strict=True) if code}
    return {**{value: code for value, code in current.items() if value not in set(values)}, **chosen}


with st.expander("Translate the file's values", expanded=start == "blank"):
    state_map = value_map("status", columns.get("state" if shape == "event_log" else "status"), base.state_map,
                          STATUSES, f"states_{start}", can_ignore=shape == "event_log")
    priority_map = value_map("priority", columns.get("priority"), base.priority_map, PRIORITIES, f"prio_{start}")
    channel_map = value_map("channel", columns.get("channel"), base.channel_map, CHANNELS, f"chan_{start}")
options = dataclasses.replace(base, columns=columns, shape=shape, customer_key=customer_key,
                              create_customers=create_in != REFUSE,
                              create_customers_in_group=create_in if create_in in groups else None,
                              unknown_customer=unknown_customer.strip() or None, service_id=service_id,
                              create_services=create_services, state_map=state_map, priority_map=priority_map,
                              channel_map=channel_map, **reading.options())

problems = option_problems(options)
for field, message in problems.items():
    if field not in reading.problems:  # those are said under their boxes already
        field_problem(message)
check_and_import(lambda dry_run, progress: import_requests(store, upload.getvalue(), options, acting_account(store, unnamed="import"),
                                                           upload.name, dry_run=dry_run, progress=progress),
                 me, "import", "request", problems)
save_mapping_form(store, KIND, options.to_dict(), "e.g. ServiceNow IT desk")
