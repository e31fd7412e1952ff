"""The charts of the Customer groups page, built from the frames ``infodash.groups`` (and the usage and
survey functions it shows beside them) return. Cells keep the order the library gives them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from infodash.groups import LIFECYCLE_STAGES
from infodash.touchpoints import CHANNELS
from infodash.ui.charts import CHANNEL_COLOURS, PALETTE, styled

_UNDER_SERVED = PALETTE[3]
_STAGE_COLOURS = dict(zip(LIFECYCLE_STAGES, (PALETTE[4], PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[6]),
                          strict=True))


def _height(rows: int) -> int:
    return 120 + 28 * max(rows, 3)


_LEGEND_BELOW = {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.22, "yanchor": "top"}


def _cells_down(figure: go.Figure, cells: list[str]) -> None:
    """The first cell at the top, as in the tables."""
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(cells)), title=None)
    figure.update_layout(hovermode="closest")


def reach_chart(cells: pd.DataFrame, reach: float | None, label: str) -> go.Figure:
    """Share reached per cell as bars (under-served ones flagged in red), the previous period as a hollow
    marker, and lines at the overall share and at half of it (the under-served threshold)."""
    names = cells["cell"].astype(str).tolist()
    figure = go.Figure()
    for flagged, name, colour in ((False, "share reached", PALETTE[1]), (True, "under-served", _UNDER_SERVED)):
        rows = cells[cells["under_served"] == flagged]
        figure.add_bar(x=rows["reach_share"], y=rows["cell"].astype(str), orientation="h", name=name,
                       marker_color=colour, customdata=rows[["customers_served", "customers"]],
                       hovertemplate="%{y}: %{x:.0%} (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>")
    figure.add_scatter(x=cells["previous_reach_share"], y=names, mode="markers", name="previous period",
                       marker={"symbol": "diamond-open", "size": 9, "color": PALETTE[0]},
                       hovertemplate="%{y}, previous period: %{x:.0%}<extra></extra>")
    if reach is not None:
        figure.add_vline(x=reach, line_dash="dash", annotation_text="overall", annotation_position="top")
        figure.add_vline(x=reach / 2, line_dash="dot", line_color=_UNDER_SERVED, annotation_text="half",
                         annotation_position="bottom")
    figure.update_xaxes(tickformat=".0%", range=[0, 1.02])
    figure.update_layout(barmode="overlay")
    _cells_down(figure, names)
    return styled(figure, f"Share of each {label}'s active customers reached", height=_height(len(names)))


def channel_chart(channels: pd.DataFrame, cells: list[str], label: str) -> go.Figure:
    """Touchpoints per cell, stacked by channel in each channel's fixed colour."""
    figure = go.Figure([go.Bar(x=rows["touchpoints"], y=rows["cell"].astype(str), orientation="h",
                               name=CHANNELS.get(channel, channel), marker_color=CHANNEL_COLOURS.get(channel),
                               hovertemplate=f"%{{y}}: %{{x:,}} by {CHANNELS.get(channel, channel)}<extra></extra>")
                        for channel, rows in channels.groupby("channel", sort=True)])
    figure.update_layout(barmode="stack", legend=_LEGEND_BELOW)
    figure.update_xaxes(title="Touchpoints")
    _cells_down(figure, [str(cell) for cell in cells])
    return styled(figure, f"Touchpoints by channel per {label}", height=_height(len(cells)))


def effort_chart(cells: pd.DataFrame, label: str) -> go.Figure:
    """Minutes of effort per cell, labelled with the mean READ level."""
    names = cells["cell"].astype(str).tolist()
    text = ["" if pd.isna(level) else f"READ {level:.1f}" for level in cells["mean_read_level"]]
    figure = go.Figure(go.Bar(x=cells["minutes"] / 60, y=names, orientation="h", marker_color=PALETTE[0], text=text,
                              textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x:,.1f} hours<extra></extra>"))
    figure.update_xaxes(title="Hours of effort", range=[0, max(float(cells["minutes"].max()) / 60, 1) * 1.25])
    _cells_down(figure, names)
    return styled(figure, f"Effort per {label} (hours, mean READ level)", height=_height(len(names)))


def heat_map(frame: pd.DataFrame, columns: str, values: str, title: str, share: bool = False) -> go.Figure:
    """Cells (rows, in the frame's order) x ``columns`` coloured by ``values``; shares as percentages."""
    grid = frame.pivot(index="cell", columns=columns, values=values)
    grid = grid.reindex(index=list(dict.fromkeys(frame["cell"])))
    shown = grid.to_numpy(dtype=float)
    text = [["" if pd.isna(value) else f"{value:.0%}" if share else f"{value:,.0f}" for value in row] for row in shown]
    figure = go.Figure(go.Heatmap(
        z=shown, x=[str(column) for column in grid.columns], y=[str(cell) for cell in grid.index], text=text,
        texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=1 if share else None,
        colorbar={"tickformat": ".0%" if share else ",d"},
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    figure.update_yaxes(autorange="reversed", showgrid=False)
    figure.update_layout(hovermode="closest")
    return styled(figure, title, height=_height(len(grid)) + 60)


def lifecycle_chart(counts: pd.DataFrame, label: str) -> go.Figure:
    """Active customers per cell, stacked by lifecycle stage."""
    cells = list(dict.fromkeys(counts["cell"].astype(str)))
    figure = go.Figure([go.Bar(x=rows["customers"], y=rows["cell"].astype(str), orientation="h", name=stage,
                               marker_color=_STAGE_COLOURS[stage],
                               hovertemplate=f"%{{y}}: %{{x:,}} {stage}<extra></extra>")
                        for stage, rows in counts.groupby("stage", sort=False)])
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title="Active customers")
    _cells_down(figure, cells)
    return styled(figure, f"Customers by lifecycle stage per {label}, end of the period", height=_height(len(cells)))


def pareto_chart(curve: pd.DataFrame, top_percent: int, top_share: float | None, measure: str) -> go.Figure:
    """Cumulative share of effort against the share of customers, most effort first, with the even line."""
    figure = go.Figure()
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot", "color": PALETTE[6]},
                       name="every customer the same", hoverinfo="skip")
    figure.add_scatter(x=[0, *curve["customer_share"]], y=[0, *curve["effort_share"]], mode="lines",
                       line={"color": PALETTE[0]}, name=f"cumulative {measure}",
                       hovertemplate="top %{x:.1%} of customers: %{y:.1%} of " + measure + "<extra></extra>")
    if top_share is not None:
        figure.add_scatter(x=[top_percent / 100], y=[top_share], mode="markers+text", marker={"size": 10,
                           "color": PALETTE[2]}, text=[f"top {top_percent}%: {top_share:.0%}"],
                           textposition="bottom right", name=f"top {top_percent}%", hoverinfo="skip")
    figure.update_xaxes(title="Share of customers served (most effort first)", tickformat=".0%", range=[0, 1])
    figure.update_yaxes(title=f"Share of {measure}", tickformat=".0%", range=[0, 1.02])
    figure.update_layout(hovermode="closest", legend={"orientation": "v", "x": 0.98, "xanchor": "right", "y": 0.02,
                                                      "yanchor": "bottom"})
    return styled(figure, f"Where the {measure} go: cumulative share by customer", height=380)


def declines_chart(declines: pd.DataFrame, label: str) -> go.Figure:
    """Declined requests per cell, stacked by the reason given."""
    cells = list(dict.fromkeys(declines["cell"].astype(str)))
    totals = declines.groupby(["cell", "reason"], sort=False, as_index=False)["declined"].sum()
    figure = go.Figure([go.Bar(x=rows["declined"], y=rows["cell"].astype(str), orientation="h", name=str(reason),
                               hovertemplate=f"%{{y}}: %{{x:,}}<extra>{reason}</extra>")
                        for reason, rows in totals.groupby("reason", sort=True)])
    figure.update_layout(barmode="stack", legend=_LEGEND_BELOW)
    figure.update_xaxes(title="Requests declined")
    _cells_down(figure, cells)
    return styled(figure, f"Declined requests per {label}, by reason", height=_height(len(cells)))


def declined_share_chart(shares: pd.DataFrame) -> go.Figure:
    """Share of each service's requests declined, out-of-scope services in their own colour."""
    names = shares["service"].astype(str).tolist()
    figure = go.Figure()
    for in_scope, name, colour in ((False, "out of scope", _UNDER_SERVED), (True, "in scope", PALETTE[1])):
        rows = shares[shares["in_scope"] == in_scope]
        figure.add_bar(x=rows["declined_share"], y=rows["service"].astype(str), orientation="h", name=name,
                       marker_color=colour, customdata=rows[["declined", "received"]],
                       hovertemplate="%{y}: %{x:.1%} (%{customdata[0]:,} of %{customdata[1]:,})<extra></extra>")
    figure.update_xaxes(tickformat=".0%", range=[0, 1.02], title="Share of the requests received that were declined")
    figure.update_layout(barmode="overlay")
    _cells_down(figure, names)
    return styled(figure, "Share declined per service", height=_height(len(names)))
