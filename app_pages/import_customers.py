"""Import customers: the customer directory from an HR or directory export; a re-import updates people, adds
newcomers and marks leavers inactive."""

import streamlit as st

from infodash.catalogue import customer_group_options
from infodash.customer_import import (FIELDS, KIND, RELATIONSHIPS, SENIORITIES, CustomerImportOptions,
                                      import_customers, option_problems, suggest_columns)
from infodash.errors import ValidationError
from infodash.importers import load_mapping, mapping_names, parse_pairs
from infodash.ui.import_form import check_and_import, previewed, field_problem, reading_options, save_mapping_form
from infodash.ui.layout import page_context
from infodash.ui.pickers import acting_account, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.text import escape_markdown

NONE = "(not in the file)"
context = page_context(with_filters=False)
store = context.store

st.title("Import customers")
st.caption("The people the team serves, from an HR or directory export (CSV or Excel), one row per person. "
           "Importing the updated directory later updates the people it finds (by id, e-mail or login), adds "
           "newcomers and marks inactive those it no longer lists; nothing is deleted and history stays. Every "
           "row is checked first: nothing is written unless the whole file is good.")
me = staff_name_input()
upload = st.file_uploader("Directory export", type=["csv", "xlsx"], key="customers_file")
if upload is None:
    st.stop()
with store_errors(store):
    saved = cached(mapping_names, store, KIND)
    groups = dict(cached(customer_group_options, store))
starts = {"suggested": "Matched from the file's headers", **{f"saved:{name}": f"{name} (saved mapping)"
                                                             for name in saved}}
start = st.selectbox("Start from", list(starts), format_func=starts.get, key="customers_start")
base = (CustomerImportOptions.from_dict(cached(load_mapping, store, KIND, start.removeprefix("saved:")))
        if start.startswith("saved:") else CustomerImportOptions(columns={}))
key = f"customers_{start}_{upload.name}"
reading = reading_options(base.encoding, base.missing_marker, None, context.time_zone.key, key, with_times=False)
preview = previewed(upload, reading)
suggested = base.columns if start.startswith("saved:") else suggest_columns(preview.columns)

st.markdown("**Which column holds what**")
columns: dict[str, str] = {}
for row_start in range(0, len(FIELDS), 4):
    for cell, (name, meaning) in zip(st.columns(4), list(FIELDS.items())[row_start:row_start + 4]):
        choices = [NONE, *preview.columns]
        default = suggested.get(name)
        column = cell.selectbox(meaning.capitalize(), choices, key=f"{key}_column_{name}",
                                index=choices.index(default) if default in choices else 0)
        if column != NONE:
            columns[name] = column

group_col, create_col, partial_col = st.columns(3)
group_id = group_col.selectbox("Group of everyone (when the file has no group column)", [None, *groups],
                               format_func=lambda gid: "-" if gid is None else groups[gid], key=f"{key}_group",
                               index=[None, *groups].index(base.group_id) if base.group_id in groups else 0)
create_groups = create_col.checkbox("Create the customer groups the file names that do not exist yet",
                                    value=base.create_groups, key=f"{key}_create_groups")
partial = partial_col.checkbox("The file lists some people only (nobody has left)", value=base.partial,
                               key=f"{key}_partial", help="e.g. one department's list: people not in it are left "
                                                          "as they are, not marked as having left.")
maps: dict[str, dict[str, str]] = {}
map_problems: dict[str, str] = {}
for name, noun, allowed, current in (("seniority_map", "grade", SENIORITIES, base.seniority_map),
                                     ("relationship_map", "relationship", RELATIONSHIPS, base.relationship_map)):
    typed = st.text_area(f"The file's {noun} values, translated", "\n".join(f"{value}={code}" for value, code
                                                                            in current.items()),
                         key=f"{key}_{name}", height=80, max_chars=4_000,
                         placeholder=f"One per line, e.g. {'E1=executive' if noun == 'grade' else 'Vendor=partner'}",
                         help=f"The file's value = one of {', '.join(allowed)}. Values already among these need no "
                              "line.")
    try:
        maps[name] = parse_pairs(typed.splitlines(), name)
    except ValidationError as error:
        maps[name], map_problems[name] = {}, error.errors[name]
options = CustomerImportOptions(columns=columns, encoding=reading.encoding, missing_marker=reading.missing_marker,
                                group_id=group_id, create_groups=create_groups, partial=partial,
                                seniority_map=maps["seniority_map"], relationship_map=maps["relationship_map"])
problems = {**option_problems(options), **map_problems}
for message in problems.values():
    field_problem(message)
report = check_and_import(lambda dry_run, progress: import_customers(
    store, upload.getvalue(), options, acting_account(store, unnamed="import"), upload.name, dry_run=dry_run, progress=progress),
    me, "customers", "customer", problems, outcome=lambda report: report.outcome())
if report is not None and not report.errors and report.changes:
    st.caption("First changes: " + "; ".join(escape_markdown(change) for change in report.changes))
save_mapping_form(store, KIND, options.to_dict(), "e.g. HR system export")
