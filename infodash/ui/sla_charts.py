"""The charts of the Service levels page, built from the frames ``infodash.sla_reports`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from infodash.ui.charts import styled


def weekly_chart(by_week: pd.DataFrame, target: float) -> go.Figure:
    """Attainment per week with the promised share as a dashed line."""
    figure = px.line(by_week, x="value", y="attainment", markers=True,
                     labels={"value": "Week received", "attainment": "Attainment"})
    figure.add_hline(y=target, line_dash="dash", annotation_text="promised")
    figure.update_yaxes(tickformat=".0%", rangemode="normal")
    return styled(figure, "Attainment by week")


def breakdown_chart(breakdown: pd.DataFrame, label: str, target: float) -> go.Figure:
    """Attainment per value of a breakdown, as horizontal bars against the promise."""
    figure = px.bar(breakdown.dropna(subset=["attainment"]), x="attainment", y="value", orientation="h",
                    labels={"value": label, "attainment": "Attainment"})
    figure.add_vline(x=target, line_dash="dash")
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    return styled(figure, f"Attainment by {label.lower()}", height=360)


def times_chart(times: pd.DataFrame, median: float, p90: float, title: str) -> go.Figure:
    """The binned business hours to resolve, met and breached, with the median and 90th percentile."""
    figure = px.bar(times, x="hours_from", y="requests", color="outcome",
                    labels={"hours_from": "Business hours", "requests": "Requests"})
    figure.update_traces(offset=0, width=0.5)
    for value, name, side in ((median, "median", "top left"), (p90, "90%", "top right")):
        figure.add_vline(x=value, line_dash="dot", annotation_text=name, annotation_position=side)
    return styled(figure, title, height=360)


def reasons_chart(reasons: pd.DataFrame) -> go.Figure:
    """Breaches per week, stacked by recorded reason."""
    return styled(px.bar(reasons, x="week", y="breaches", color="reason",
                         labels={"week": "Week received", "breaches": "Breaches", "reason": "Reason"}),
                  "Breaches by week and reason")

