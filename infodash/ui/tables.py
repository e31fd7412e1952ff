"""Tables as people take them away: CSV downloads of what a page shows, each noted in the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from infodash.audit import record_download
from infodash.db import StoreError
from infodash.errors import NotAllowed
from infodash.spreadsheets import csv_bytes
from infodash.ui.pickers import acting_account
from infodash.ui.store import get_store


def download_button(frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A "Download CSV" button for ``frame``, safe to open in a spreadsheet."""
    st.download_button("Download CSV", csv_bytes(frame), file_name=file_name, mime="text/csv",
                       key=key or f"download_{file_name}", icon=":material/download:", on_click=note_download,
                       args=(file_name, len(frame)))


def note_download(file_name: str, rows: int | None = None) -> None:
    """Callback of a download button: who took which file, in the audit log. The file has gone already, so
    a busy database only earns a notice."""
    store = get_store()
    try:
        record_download(store, acting_account(store, unnamed="someone").name, file_name, rows)
    except (StoreError, NotAllowed) as error:
        st.toast(f"The download was not noted in the audit log: {error}", icon=":material/warning:")
