"""The charts of the Service levels page, built from the frames ``infodash.sla_reports`` returns."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from infodash.formatting import VERDICT_COLOURS, target_verdict
from infodash.ui.charts import styled


# graph_objects rather than Plotly Express: half the time per figure, paid on every first visit of the page


def _bars(frame: pd.DataFrame, x: str, y: str, by: str, colours: dict[str, str] | None = None,
          order: list[str] | None = None, **bar: object) -> list[go.Bar]:
    """One bar trace per value of ``by`` (in ``order``, else as they come), coloured from ``colours``, each in
    the legend (even alone: its name says what the bars are)."""
    values = [value for value in order if value in set(frame[by])] if order else list(frame[by].drop_duplicates())
    return [go.Bar(x=frame.loc[frame[by] == value, x], y=frame.loc[frame[by] == value, y], name=str(value),
                   marker_color=(colours or {}).get(value), showlegend=True, **bar) for value in values]


def weekly_chart(by_week: pd.DataFrame, target: float) -> go.Figure:
    """Attainment per week with the promised share as a dashed line."""
    figure = go.Figure(go.Scatter(x=by_week["value"], y=by_week["attainment"], name="Attainment",
                                  mode="lines+markers", showlegend=False))
    figure.add_hline(y=target, line_dash="dash", annotation_text="promised")
    figure.update_xaxes(title="Week received")
    figure.update_yaxes(title="Attainment", tickformat=".0%", rangemode="normal")
    return styled(figure, "Attainment by week")


def breakdown_chart(breakdown: pd.DataFrame, label: str, target: float) -> go.Figure:
    """Attainment per value of a breakdown as horizontal bars, each labelled with its value and coloured by its
    verdict against the promise (met, close, missed), the promise drawn as a line. The axis starts near the
    lowest value, so 84% and 99% do not look alike."""
    shown = breakdown.dropna(subset=["attainment"]).assign(
        verdict=lambda frame: [target_verdict(share, target) for share in frame["attainment"]])
    figure = go.Figure(_bars(shown, "attainment", "value", "verdict", VERDICT_COLOURS, list(VERDICT_COLOURS),
                             orientation="h", texttemplate="%{x:.1%}", textposition="outside", cliponaxis=False))
    figure.add_vline(x=target, line_dash="dash", annotation_text=f"promised {target:.0%}",
                     annotation_position="top")
    low = min([target, *shown["attainment"]]) if len(shown) else target
    figure.update_xaxes(title="Attainment", tickformat=".0%", range=[max(0.0, low - 0.05), 1.04])
    figure.update_yaxes(title=label, categoryorder="total ascending")
    figure.update_layout(barmode="relative", hovermode="closest")
    return styled(figure, f"Attainment by {label.lower()}", height=max(300, 36 * len(shown) + 120))


def times_chart(times: pd.DataFrame, median: float, p90: float, title: str) -> go.Figure:
    """The binned business hours to resolve, met and breached, with the median and 90th percentile; the bins
    are as wide as the data asks and the last one, marked "and longer", holds the few very long requests."""
    figure = go.Figure(_bars(times, "hours_from", "requests", "outcome",
                             {"met": VERDICT_COLOURS["met"], "breached": VERDICT_COLOURS["missed"]}))
    figure.update_layout(barmode="relative", xaxis_title="Business hours", yaxis_title="Requests")
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
    figure = go.Figure(_bars(reasons, "week", "breaches", "reason"))
    figure.update_layout(barmode="relative", xaxis_title="Week received", yaxis_title="Breaches")
    return styled(figure, "Breaches by week and reason")
