"""The trend charts of the weekly review, built from the frames ``infodash.review`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from infodash.touchpoints import CHANNELS
from infodash.ui.charts import CHANNEL_COLOURS, styled


def volume_chart(trend: pd.DataFrame) -> go.Figure:
    """Requests received and resolved per week."""
    # graph_objects rather than Plotly Express: half the time per figure, paid on every first visit of the page
    figure = go.Figure([go.Scatter(x=trend["week"], y=trend[column], name=column, mode="lines+markers")
                        for column in ("received", "resolved")])
    figure.update_layout(xaxis_title="Week starting", yaxis_title="Requests")
    return styled(figure, "Requests per week")


def resolution_chart(trend: pd.DataFrame) -> go.Figure:
    """Median elapsed hours to resolve per week."""
    figure = go.Figure(go.Scatter(x=trend["week"], y=trend["median_resolution_hours"], name="Median hours",
                                  mode="lines+markers", showlegend=False))
    figure.update_layout(xaxis_title="Week starting", yaxis_title="Median hours")
    return styled(figure, "Median time to resolve (elapsed hours)")


def channel_chart(channels: pd.DataFrame) -> go.Figure:
    """Touchpoints per week, stacked by channel, in each channel's fixed colour."""
    named = channels.assign(channel=channels["channel"].map(CHANNELS).fillna(channels["channel"]))
    colours = {CHANNELS[key]: colour for key, colour in CHANNEL_COLOURS.items()}
    figure = go.Figure([go.Bar(x=rows["period"], y=rows["touchpoints"], name=channel, marker_color=colours.get(channel))
                        for channel, rows in named.groupby("channel", sort=False)])
    figure.update_layout(barmode="relative", xaxis_title="Week starting", yaxis_title="Touchpoints")
    return styled(figure, "Touchpoints by channel")
