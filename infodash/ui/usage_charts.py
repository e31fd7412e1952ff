"""The charts of the Usage monitoring page, built from the frames ``infodash.usage_reports`` and
``infodash.usage_detectors.evidence_series`` return."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from infodash.ui.charts import PALETTE, styled

_GRAIN_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(weeks=1)}
_FLAG = PALETTE[3]
_BAND = "rgba(46, 134, 171, 0.18)"


def evidence_chart(series: pd.DataFrame, grain: str, title: str) -> go.Figure:
    """The series as a line, its expected range as a shaded band, the finding's window shaded and the
    flagged points marked."""
    figure = go.Figure()
    figure.add_scatter(x=series["timestamp"], y=series["expected_high"], mode="lines", line={"width": 0},
                       hoverinfo="skip", showlegend=False)
    figure.add_scatter(x=series["timestamp"], y=series["expected_low"], mode="lines", line={"width": 0},
                       fill="tonexty", fillcolor=_BAND, name="expected range",
                       customdata=series["expected_high"],
                       hovertemplate="expected %{y:,.0f}-%{customdata:,.0f}<extra></extra>")
    figure.add_scatter(x=series["timestamp"], y=series["value"], mode="lines", line={"color": PALETTE[0]},
                       name="events", hovertemplate="%{y:,.0f} events<extra></extra>")
    flagged = series[series["flagged"].astype(bool)]
    figure.add_scatter(x=flagged["timestamp"], y=flagged["value"], mode="markers", name="flagged",
                       marker={"color": _FLAG, "size": 9, "symbol": "circle-open", "line": {"width": 2}},
                       hoverinfo="skip")
    window = series[series["in_window"].astype(bool)]
    if not window.empty:
        figure.add_vrect(x0=window["timestamp"].min(), x1=window["timestamp"].max() + _GRAIN_STEP.get(grain, 0),
                         fillcolor=_FLAG, opacity=0.08, line_width=0, annotation_text="this finding",
                         annotation_position="top left")
    figure.update_xaxes(title=f"Local time ({grain}ly counts)")
    figure.update_yaxes(title="Events")
    return styled(figure, title, height=300)


def weekly_chart(frame: pd.DataFrame, by: str, measure: str, label: str, title: str) -> go.Figure:
    """One line per system or customer group over the weeks."""
    # past the palette's eight colours, lines are dotted so that no two look the same
    figure = go.Figure([go.Scatter(x=rows["week"], y=rows[measure], mode="lines+markers", name=str(name),
                                   line={"dash": "solid" if i < len(PALETTE) else "dot"},
                                   hovertemplate=f"%{{y:,.0f}}<extra>{name}</extra>")
                        for i, (name, rows) in enumerate(frame.groupby(by, sort=False))])
    figure.update_xaxes(title="Week starting")
    figure.update_yaxes(title=label)
    styled(figure, title, height=380)
    if frame[by].nunique() > 5:  # a long legend goes beside the plot rather than over its title
        figure.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"})
    return figure


def resource_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of events per resource, subscribed ones in their own colour and labelled with
    their cost per use."""
    labels = frame["resource"] + " (" + frame["system"] + ")"
    notes = [("no use" if pd.isna(cost) else f"{cost:,.2f} per use") if subscribed else ""
             for cost, subscribed in zip(frame["cost_per_use"], frame["subscribed"], strict=True)]
    figure = go.Figure()
    for subscribed, name, colour in ((True, "subscribed", PALETTE[2]), (False, "free or in-house", PALETTE[1])):
        chosen = (frame["subscribed"] == subscribed).to_numpy()
        figure.add_bar(x=frame["events"][chosen], y=labels[chosen], orientation="h", name=name, marker_color=colour,
                       text=[note for note, keep in zip(notes, chosen, strict=True) if keep], textposition="outside",
                       cliponaxis=False, hovertemplate="%{y}: %{x:,.0f} events<extra></extra>")
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels.tolist())))
    figure.update_xaxes(title="Events", range=[0, max(float(frame["events"].max()), 1) * 1.35])  # room for labels
    figure.update_layout(hovermode="closest", barmode="overlay")
    return styled(figure, title, height=60 + 30 * max(len(frame), 3))


def adoption_chart(frame: pd.DataFrame) -> go.Figure:
    """Customer group x system heat map of the share of active customers who used the system."""
    grid = frame.pivot(index="customer_group", columns="system", values="share")
    grid = grid.reindex(index=list(dict.fromkeys(frame["customer_group"])))
    figure = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), zmin=0, zmax=1, colorscale="Blues",
        text=[["" if pd.isna(share) else f"{share:.0%}" for share in row] for row in grid.to_numpy()],
        texttemplate="%{text}", colorbar={"tickformat": ".0%", "title": {"text": "Share"}},
        hovertemplate="%{y} on the %{x}: %{text}<extra></extra>"))
    figure.update_yaxes(autorange="reversed", showgrid=False)
    figure.update_layout(hovermode="closest")
    return styled(figure, "Adoption: share of each group's active customers who used each system",
                  height=80 + 34 * len(grid))
