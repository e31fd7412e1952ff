"""One look for every chart: a Plotly template and fixed colours per channel; and the names in a chart
(customer groups, services, resources, waves...) shown as typed, never read as HTML."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
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


# Every figure starts with the InfoDash template (setting it on a built figure validates it all again: 2 ms a
# figure).
pio.templates.default = "infodash"


def styled(figure: go.Figure, title: str, height: int = 320) -> go.Figure:
    """A title and a height for ``figure`` (built with the InfoDash template, the default)."""
    figure.update_layout(title={"text": title, "x": 0}, height=height, legend_title_text="")
    return figure


def cached_chart(name: str, build: Callable[..., go.Figure], *args: Any) -> go.Figure:
    """``build(*args)``, remembered for the same arguments: building a figure takes milliseconds (Plotly
    Express tens of them), too much to repeat on every rerun of a page. The figure is shared, not copied
    (unpickling a figure validates it all again): draw it, do not change it."""
    return _cached_figure(name, build, *args)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_figure(name: str, _build: Callable[..., go.Figure], *args: Any) -> go.Figure:
    return shown_as_typed(_build(*args))


# Where a chart carries values from the data; Plotly reads a few HTML tags (<b>, <a href=...>) and entities
# in all of them. Its own labels (``text``, hover templates) are the charts' and may use <br> on purpose.
_TRACE_VALUES = ("x", "y", "labels", "ids", "customdata", "name", "legendgroup")
_UNSAFE = ("<", ">", "&")


def _has_markup(value: Any) -> bool:
    if isinstance(value, str):
        return any(mark in value for mark in _UNSAFE)
    if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.dtype == object):
        return any(_has_markup(item) for item in np.ravel(np.asarray(value, dtype=object)))
    return False


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, (tuple, list)):
        return type(value)(_escaped(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.frompyfunc(_escaped, 1, 1)(value)
    return value


def shown_as_typed(figure: go.Figure) -> go.Figure:
    """``figure`` with every name from the data (categories, series, hover data, category orders, titles and
    notes) escaped, so that '<b>R&D</b>' shows as typed: Plotly turns entities back into the characters."""
    for trace in figure.data:
        for attribute in _TRACE_VALUES:
            value = getattr(trace, attribute, None)
            if _has_markup(value):
                trace[attribute] = _escaped(value)
    for axis in (*figure.select_xaxes(), *figure.select_yaxes()):
        for holder, attribute in ((axis, "categoryarray"), (axis.title, "text")):
            if _has_markup(holder[attribute]):
                holder[attribute] = _escaped(holder[attribute])
    for holder in (figure.layout.title, *figure.layout.annotations):
        if _has_markup(holder.text):
            holder.text = _escaped(holder.text)
    return figure
