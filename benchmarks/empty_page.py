"""A page that draws one line: its AppTest time is the test harness's own cost, for comparison."""

import streamlit as st

st.write("empty page")
