"""One look for every chart: a Plotly template and fixed colours per channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from infodash.formatting import PALETTE
from infodash.touchpoints import CHANNELS

CHANNEL_COLOURS = {channel: PALETTE[i % len(PALETTE)] for i, channel in enumerate(CHANNELS)}

pio.templates["infodash"] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Source Sans Pro, Arial, sans-serif", "size": 13},
        colorway=list(PALETTE),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # legend above the plot, right-aligned, so it never covers the axis title
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
        hovermode="x unified",
        plot_bgcolor="white",
        xaxis={"showgrid": False},
        yaxis={"gridcolor": "#e9ecef", "rangemode": "tozero"},
    )
)


def styled(figure: go.Figure, title: str, height: int = 320) -> go.Figure:
    """Apply the InfoDash template, a title and a height."""
    figure.update_layout(template="infodash", title={"text": title, "x": 0}, height=height, legend_title_text="")
    return figure


def cached_chart(name: str, build: Callable[..., go.Figure], *args: Any) -> go.Figure:
    """``build(*args)``, remembered for the same arguments: Plotly Express takes tens of
    milliseconds per figure, too much to repeat on every rerun of a page."""
    return _cached_figure(name, build, *args)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_figure(name: str, _build: Callable[..., go.Figure], *args: Any) -> go.Figure:
    return _build(*args)
