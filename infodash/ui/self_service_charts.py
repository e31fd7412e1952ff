"""The charts of the Self-service page, built from the frames ``infodash.self_service`` returns."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from infodash.formatting import PALETTE
from infodash.ui.charts import styled

ROUTINE_COLOURS = {"routine": PALETTE[0], "not routine": "#adb5bd"}


def _unique(labels: pd.Series) -> list[str]:
    """Labels as bar names: a label repeated (two candidates alike) gets its count, so bars never merge."""
    seen: dict[str, int] = {}
    names = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        names.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return names


def hours_chart(candidates: pd.DataFrame) -> go.Figure:
    """Staff hours per month by candidate, largest at the top, routine ones in colour."""
    # graph_objects rather than Plotly Express: half the time per figure, paid on every first visit of the page
    shown = candidates.assign(name=_unique(candidates["label"]),
                              kind=candidates["routine"].map({True: "routine", False: "not routine"}))
    figure = go.Figure([
        go.Bar(x=rows["hours_per_month"], y=rows["name"], orientation="h", name=kind, showlegend=True,
               marker_color=ROUTINE_COLOURS[kind], texttemplate="%{x:.1f} h", textposition="outside",
               cliponaxis=False, customdata=rows[["requests", "top_words"]].to_numpy(dtype=object),
               hovertemplate="%{y}<br>Staff hours per month: %{x:.1f}<br>Requests: %{customdata[0]}"
                             "<br>Top words: %{customdata[1]}<extra></extra>")
        for kind, rows in shown.groupby("kind", sort=False)])
    figure.update_xaxes(title="Staff hours per month",
                        range=[0, 1.15 * max(float(shown["hours_per_month"].max()), 0.1)])  # room for the labels
    figure.update_yaxes(categoryorder="total ascending", title=None)
    figure.update_layout(barmode="relative", hovermode="closest")
    return styled(figure, "Staff hours per month by candidate", height=max(300, 30 * len(shown) + 120))


def mix_chart(mix: pd.DataFrame, label: str) -> go.Figure:
    """Of each service's (or group's) requests, the share in routine candidates (``share_by``), as horizontal
    bars."""
    figure = go.Figure(go.Bar(
        x=mix["share"], y=mix["value"], orientation="h", marker_color=PALETTE[0], texttemplate="%{x:.1%}",
        textposition="outside", cliponaxis=False, customdata=mix[["requests", "candidate_requests"]].to_numpy(),
        hovertemplate=f"{html.escape(label)}: %{{y}}<br>Share of its requests that are routine: %{{x:.1%}}"
                      "<br>Requests: %{customdata[0]}<br>Routine requests: %{customdata[1]}<extra></extra>"))
    figure.update_xaxes(title="Share of its requests that are routine", tickformat=".0%",
                        range=[0, 1.2 * max(float(mix["share"].max()), 0.01)])
    figure.update_yaxes(categoryorder="total ascending", title=None)
    figure.update_layout(hovermode="closest")
    return styled(figure, f"Routine share by {label.lower()}", height=max(300, 30 * len(mix) + 120))
