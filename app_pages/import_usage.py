"""Import usage: upload usage files or web-server access logs, check them, and load what is new."""

import streamlit as st

from infodash.errors import NotAllowed, ValidationError
from infodash.importers import ImportFileError
from infodash.ui.layout import page_context, set_aside_list
from infodash.ui.pickers import acting_account, staff_name_input
from infodash.ui.store import cached, store_errors
from infodash.ui.text import escape_markdown
from infodash.ui.usage_import_form import file_layout, load_uploads, show_usage_report, system_choice
from infodash.usage_import import FORMATS, UsageLoadOptions, system_names, usage_load_history

FORMAT_LABELS = {"auto": "Tell by the file", "csv": "CSV", "parquet": "Parquet", "access-log": "Access log"}
context = page_context(with_filters=False)
store = context.store

st.title("Import usage")
st.caption("Usage events from CSV or Parquet files, one row per event with the columns timestamp, user, system, "
           "action, resource and, optionally, query and duration_ms (other names can be given under File layout); or "
           "from a web server's access logs (common or "
           "combined log format), one system per log. Only what is new is added: loading a file again adds "
           "nothing, and a log that has grown adds its new lines. A file with a bad row is not loaded unless you "
           "skip bad rows.")
me = staff_name_input()
set_aside_list(store)
with store_errors(store):
    systems = cached(system_names, store)
uploads = st.file_uploader("Usage files", type=["csv", "parquet", "log", "txt", "gz"], accept_multiple_files=True,
                           key="usage_files", help="Several at once, e.g. a week of rotated logs.")
system_col, format_col = st.columns(2)
with system_col:
    system, create = system_choice(systems, "usage")
file_format = format_col.radio("Format", FORMATS, format_func=FORMAT_LABELS.get, horizontal=True, key="usage_format",
                               help="Tell by the file: by its name (.csv, .parquet), else by its first lines.")
skip_bad_rows = st.checkbox("Skip bad rows", key="usage_skip_bad_rows",
                            help="Load each file's good rows and list the rest, instead of loading nothing of a file "
                                 "with a bad row. Access logs often hold a few junk lines.")
layout = file_layout("usage", context.time_zone.key)
options = UsageLoadOptions(format=file_format, system=system, create_systems=create, skip_bad_rows=skip_bad_rows,
                           columns=layout.columns, action_map=layout.action_map, time_zone=layout.time_zone,
                           time_format=layout.time_format, encoding=layout.encoding,
                           skip_static_files=layout.skip_static_files, keep_bots=layout.keep_bots)

if uploads:
    blocked = "Fix the file layout first (see above)." if layout.problems else None
    check_col, load_col = st.columns(2)
    checked = check_col.button("Check the files", key="usage_check", disabled=bool(blocked), help=blocked)
    run = load_col.button("Load", type="primary", key="usage_load", disabled=not me or bool(blocked),
                          help=blocked or (None if me else "Enter your name first: the load is attributed to you."))
    if checked or run:
        try:
            report = load_uploads(store, uploads, options, acting_account(store, unnamed="import"), dry_run=not run)
        except ImportFileError as error:
            st.error(escape_markdown(str(error)))
        except ValidationError as error:
            for message in error.errors.values():
                st.error(escape_markdown(message))
        except NotAllowed as error:
            st.error(escape_markdown(str(error)))
        else:
            show_usage_report(report, "usage")

st.subheader("Loaded before")
with store_errors(store):
    history = cached(usage_load_history, store)
if history.empty:
    st.caption("No usage has been loaded from a file yet.")
else:
    st.dataframe(history, hide_index=True, column_config={
        "file_name": "File", "loaded_by": "Loaded by", "loaded_at": st.column_config.DatetimeColumn("Last loaded"),
        "events": st.column_config.NumberColumn("Events", help="Events loaded from this file, over all its loads"),
        "rejected": st.column_config.NumberColumn("Rejected", help="Rows skipped as bad, over all its loads"),
        "bytes_loaded": st.column_config.NumberColumn("Bytes read", help="How far into the file the loads have "
                                                                         "read; a log is read on from here"),
    })
