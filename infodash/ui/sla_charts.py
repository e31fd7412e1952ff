"""The charts of the Service levels page, built from the frames ``infodash.sla_reports`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from infodash.formatting import VERDICT_COLOURS, target_verdict
from infodash.ui.charts import styled


def weekly_chart(by_week: pd.DataFrame, target: float) -> go.Figure:
    """Attainment per week with the promised share as a dashed line."""
    figure = px.line(by_week, x="value", y="attainment", markers=True,
                     labels={"value": "Week received", "attainment": "Attainment"})
    figure.add_hline(y=target, line_dash="dash", annotation_text="promised")
    figure.update_yaxes(tickformat=".0%", rangemode="normal")
    return styled(figure, "Attainment by week")


def breakdown_chart(breakdown: pd.DataFrame, label: str, target: float) -> go.Figure:
    """Attainment per value of a breakdown as horizontal bars, each labelled with its value and coloured by its
    verdict against the promise (met, close, missed), the promise drawn as a line. The axis starts near the
    lowest value, so 84% and 99% do not look alike."""
    shown = breakdown.dropna(subset=["attainment"]).assign(
        verdict=lambda frame: [target_verdict(share, target) for share in frame["attainment"]])
    figure = px.bar(shown, x="attainment", y="value", orientation="h", color="verdict",
                    color_discrete_map=VERDICT_COLOURS, text="attainment",
                    category_orders={"verdict": list(VERDICT_COLOURS)},
                    labels={"value": label, "attainment": "Attainment", "verdict": "Against the promise"})
    figure.update_traces(texttemplate="%{x:.1%}", textposition="outside", cliponaxis=False)
    figure.add_vline(x=target, line_dash="dash", annotation_text=f"promised {target:.0%}",
                     annotation_position="top")
    low = min([target, *shown["attainment"]]) if len(shown) else target
    figure.update_xaxes(tickformat=".0%", range=[max(0.0, low - 0.05), 1.04])
    figure.update_yaxes(categoryorder="total ascending")
    return styled(figure, f"Attainment by {label.lower()}", height=max(300, 36 * len(shown) + 120))


def times_chart(times: pd.DataFrame, median: float, p90: float, title: str) -> go.Figure:
    """The binned business hours to resolve, met and breached, with the median and 90th percentile; the bins
    are as wide as the data asks and the last one, marked "and longer", holds the few very long requests."""
    figure = px.bar(times, x="hours_from", y="requests", color="outcome",
                    color_discrete_map={"met": VERDICT_COLOURS["met"], "breached": VERDICT_COLOURS["missed"]},
                    labels={"hours_from": "Business hours", "requests": "Requests", "outcome": "Service level"})
    if not times.empty:
        width = float(times["bin_hours"].iloc[0])
        figure.update_traces(offset=0, width=width * 0.9)
        longest = times[times["open_ended"]]
        if not longest.empty:
            start = float(longest["hours_from"].iloc[0])
            figure.add_annotation(x=start + width / 2, y=float(longest["requests"].sum()), text=f"{start:g} h and longer",
                                  showarrow=False, yshift=12, font_size=11)
    for value, name, side in ((median, "median", "top left"), (p90, "90%", "top right")):
        figure.add_vline(x=value, line_dash="dot", annotation_text=name, annotation_position=side)
    return styled(figure, title, height=360)


def reasons_chart(reasons: pd.DataFrame) -> go.Figure:
    """Breaches per week, stacked by recorded reason."""
    return styled(px.bar(reasons, x="week", y="breaches", color="reason",
                         labels={"week": "Week received", "breaches": "Breaches", "reason": "Reason"}),
                  "Breaches by week and reason")

