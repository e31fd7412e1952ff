"""The charts of the Self-service page, built from the frames ``infodash.self_service`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
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
    shown = candidates.assign(name=_unique(candidates["label"]),
                              kind=candidates["routine"].map({True: "routine", False: "not routine"}))
    figure = px.bar(shown, x="hours_per_month", y="name", orientation="h", color="kind",
                    color_discrete_map=ROUTINE_COLOURS, text="hours_per_month",
                    labels={"hours_per_month": "Staff hours per month", "name": "Candidate", "kind": ""},
                    hover_data={"requests": True, "top_words": True})
    figure.update_traces(texttemplate="%{x:.1f} h", textposition="outside", cliponaxis=False)
    figure.update_xaxes(range=[0, 1.15 * max(float(shown["hours_per_month"].max()), 0.1)])  # room for the labels
    figure.update_yaxes(categoryorder="total ascending", title=None)
    figure.update_layout(hovermode="closest")
    return styled(figure, "Staff hours per month by candidate", height=max(300, 30 * len(shown) + 120))


def mix_chart(mix: pd.DataFrame, label: str) -> go.Figure:
    """Of each service's (or group's) requests, the share in routine candidates (``share_by``), as horizontal
    bars."""
    figure = px.bar(mix, x="share", y="value", orientation="h", text="share",
                    hover_data={"requests": True, "candidate_requests": True},
                    labels={"share": "Share of its requests that are routine", "value": label,
                            "requests": "Requests", "candidate_requests": "Routine requests"})
    figure.update_traces(texttemplate="%{x:.1%}", textposition="outside", cliponaxis=False,
                         marker_color=PALETTE[0])
    figure.update_xaxes(tickformat=".0%", range=[0, 1.2 * max(float(mix["share"].max()), 0.01)])
    figure.update_yaxes(categoryorder="total ascending", title=None)
    figure.update_layout(hovermode="closest")
    return styled(figure, f"Routine share by {label.lower()}", height=max(300, 30 * len(mix) + 120))
