"""Tables as people take them away: CSV downloads of what a page shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def download_button(frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A "Download CSV" button for ``frame``."""
    st.download_button("Download CSV", frame.to_csv(index=False).encode("utf-8"), file_name=file_name,
                       mime="text/csv", key=key or f"download_{file_name}", icon=":material/download:")
