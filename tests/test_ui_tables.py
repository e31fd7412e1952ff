"""What a table's CSV holds: the table's own headers and percentages, whatever the library names its columns."""

import pandas as pd
import streamlit as st

from infodash.ui.tables import COLUMNS, as_shown, readable


def test_a_csv_is_headed_and_scaled_as_its_table_shows_it():
    frame = readable(pd.DataFrame({"value": ["Loans"], "attainment": [0.955], "reach": [0.25], "code": ["x"]}))
    config = {column: COLUMNS[column] for column in frame if column in COLUMNS} | {
        "value": st.column_config.TextColumn("Service"),
        "reach": st.column_config.NumberColumn("Reached", format="percent"),
        "code": None}  # a column the table hides keeps its name in the file
    exported = as_shown(frame, config)
    assert list(exported.columns) == ["Service", "Attainment (%)", "Reached (%)", "code"]
    assert exported.iloc[0].tolist() == ["Loans", 95.5, 25.0, "x"]
    assert frame["reach"].iloc[0] == 0.25  # the table's own frame is left as it was
