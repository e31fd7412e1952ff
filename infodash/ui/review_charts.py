"""The trend charts of the weekly review, built from the frames ``infodash.review`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from infodash.touchpoints import CHANNELS
from infodash.ui.charts import CHANNEL_COLOURS, styled


def volume_chart(trend: pd.DataFrame) -> go.Figure:
    """Requests received and resolved per week."""
    volume = trend.melt(id_vars="week", value_vars=["received", "resolved"], var_name="Requests", value_name="count")
    return styled(px.line(volume, x="week", y="count", color="Requests", markers=True,
                          labels={"week": "Week starting", "count": "Requests"}), "Requests per week")


def resolution_chart(trend: pd.DataFrame) -> go.Figure:
    """Median elapsed hours to resolve per week."""
    return styled(px.line(trend, x="week", y="median_resolution_hours", markers=True,
                          labels={"week": "Week starting", "median_resolution_hours": "Median hours"}),
                  "Median time to resolve (elapsed hours)")


def channel_chart(channels: pd.DataFrame) -> go.Figure:
    """Touchpoints per week, stacked by channel, in each channel's fixed colour."""
    named = channels.assign(channel=channels["channel"].map(CHANNELS).fillna(channels["channel"]))
    colours = {CHANNELS[key]: colour for key, colour in CHANNEL_COLOURS.items()}
    return styled(px.bar(named, x="period", y="touchpoints", color="channel", color_discrete_map=colours,
                         labels={"period": "Week starting", "touchpoints": "Touchpoints", "channel": "Channel"}),
                  "Touchpoints by channel")
