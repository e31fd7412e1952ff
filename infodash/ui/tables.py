"""Tables as people take them away: CSV downloads of what a page shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from infodash.spreadsheets import csv_bytes


def download_button(frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A "Download CSV" button for ``frame``, safe to open in a spreadsheet."""
    st.download_button("Download CSV", csv_bytes(frame), file_name=file_name,
                       mime="text/csv", key=key or f"download_{file_name}", icon=":material/download:")
