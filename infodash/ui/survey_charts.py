"""Charts of the Surveys page: scores over waves with their intervals, the zone of tolerance,
expectation against perception, NPS and CSAT with their margins, and response rates.

Suppressed cells (fewer than 5 responses) arrive without figures and are simply not drawn.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from infodash.formatting import format_figure, format_p_value
from infodash.surveys import MEASURE_TITLES
from infodash.ui.charts import PALETTE, styled

DIMENSION_COLOURS = {"reliability": PALETTE[0], "assurance": PALETTE[1], "tangibles": PALETTE[2],
                     "empathy": PALETTE[5], "responsiveness": PALETTE[4], "overall": "#343a40"}
_BELOW, _WITHIN, _ABOVE, _BAND = "#c73e1d", "#1f4e79", "#3b8b5a", "rgba(46, 134, 171, 0.22)"


def _hover_change(frame: pd.DataFrame) -> list[str]:
    return ["" if pd.isna(change) else f"<br>change {format_figure(change, 'score', signed=True)} "
            f"({format_p_value(p)}{', significant' if sig else ''})"
            for change, p, sig in zip(frame["change"], frame["p_value"], frame["significant"])]


def dimension_trend_chart(scores: pd.DataFrame, measure: str) -> go.Figure:
    """One line per RATER dimension (and overall) across waves, with 95% intervals; a diamond marks
    a significant change from the previous wave."""
    figure = go.Figure()
    rows = scores[scores["measure"] == measure]
    waves = rows.drop_duplicates("wave_order").sort_values("wave_order")["wave"].tolist()
    for unit, colour in DIMENSION_COLOURS.items():
        line = rows[rows["unit"] == unit].sort_values("wave_order")
        if line.empty:
            continue
        figure.add_trace(go.Scatter(
            x=line["wave"], y=line["mean"], name=unit.capitalize(), mode="lines+markers",
            line={"color": colour, "dash": "dash" if unit == "overall" else "solid", "width": 3 if unit == "overall" else 2},
            marker={"symbol": ["diamond" if sig else "circle" for sig in line["significant"]],
                    "size": [11 if sig else 6 for sig in line["significant"]]},
            error_y={"type": "data", "symmetric": False, "array": line["ci_high"] - line["mean"],
                     "arrayminus": line["mean"] - line["ci_low"], "thickness": 1, "width": 3},
            customdata=line["n"], text=_hover_change(line),
            hovertemplate="%{y:.2f} (n = %{customdata})%{text}<extra>" + unit + "</extra>"))
    figure.update_xaxes(categoryorder="array", categoryarray=waves)
    if measure.endswith("gap"):
        figure.add_hline(y=0, line={"color": "#6c757d", "width": 1})
        figure.update_yaxes(rangemode="normal")
    return styled(figure, f"{MEASURE_TITLES[measure]} by RATER dimension", height=380)


def zone_chart(table: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """The zone of tolerance (minimum to desired) per unit as a band, perceived as a mark:
    red below the minimum, green above the desired level."""
    rows = table.dropna(subset=["minimum", "desired", "perception"]).iloc[::-1]
    names = [labels.get(unit, unit) for unit in rows["unit"]]
    colours = [_BELOW if below else _ABOVE if above else _WITHIN
               for below, above in zip(rows["below_minimum"], rows["above_desired"])]
    figure = go.Figure([
        go.Bar(y=names, x=rows["desired"] - rows["minimum"], base=rows["minimum"], orientation="h",
               marker={"color": _BAND}, name="Zone of tolerance (minimum to desired)",
               hovertemplate="minimum %{base:.2f} to desired %{customdata:.2f}<extra></extra>",
               customdata=rows["desired"]),
        go.Scatter(y=names, x=rows["perception"], mode="markers", name="Perceived",
                   marker={"color": colours, "size": 12, "symbol": "diamond"},
                   customdata=rows["adequacy_gap"],
                   hovertemplate="perceived %{x:.2f} (adequacy gap %{customdata:+.2f})<extra></extra>"),
    ])
    figure.update_layout(hovermode="closest", barmode="overlay")
    figure.update_yaxes(gridcolor="#e9ecef", automargin=True)
    figure.update_xaxes(showgrid=True, gridcolor="#e9ecef", rangemode="normal")
    return styled(figure, "Zone of tolerance", height=max(300, 34 * len(rows) + 120))


def gap_chart(table: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Expectation and perception per unit joined by a line: the length of the line is the gap."""
    rows = table.dropna(subset=["expectation", "perception"]).iloc[::-1]
    names = [labels.get(unit, unit) for unit in rows["unit"]]
    figure = go.Figure()
    for colour, joined in ((_BELOW, rows["perception"] < rows["expectation"]),
                           (_ABOVE, rows["perception"] >= rows["expectation"])):
        # one trace per colour, its lines apart (None between them): a trace per unit costs the browser more
        segments = [(x, name) for name, expected, perceived, shown in
                    zip(names, rows["expectation"], rows["perception"], joined, strict=True) if shown
                    for x in (expected, perceived, None)]
        if segments:
            figure.add_trace(go.Scatter(x=[x for x, _ in segments], y=[name for _, name in segments], mode="lines",
                                        showlegend=False, line={"color": colour, "width": 3}, hoverinfo="skip"))
    figure.add_trace(go.Scatter(x=rows["expectation"], y=names, mode="markers", name="Expected",
                                marker={"color": "#6c757d", "size": 10},
                                hovertemplate="expected %{x:.2f}<extra></extra>"))
    figure.add_trace(go.Scatter(x=rows["perception"], y=names, mode="markers", name="Perceived",
                                marker={"color": _WITHIN, "size": 12, "symbol": "diamond"}, customdata=rows["gap"],
                                hovertemplate="perceived %{x:.2f} (gap %{customdata:+.2f})<extra></extra>"))
    figure.update_layout(hovermode="closest")
    figure.update_xaxes(showgrid=True, gridcolor="#e9ecef", rangemode="normal")
    figure.update_yaxes(automargin=True, categoryorder="array", categoryarray=names)  # the table's order, not the colours'
    return styled(figure, "Expected against perceived", height=max(300, 34 * len(rows) + 120))


def nps_chart(nps: pd.DataFrame) -> go.Figure:
    """NPS per wave with its 95% margin of error."""
    rows = nps.sort_values("wave_order")
    figure = go.Figure(go.Scatter(
        x=rows["wave"], y=rows["nps"], mode="lines+markers", name="NPS",
        marker={"symbol": ["diamond" if sig else "circle" for sig in rows["significant"]], "size": 10},
        error_y={"type": "data", "array": rows["margin"], "thickness": 1, "width": 4},
        customdata=rows[["n", "margin"]], text=_hover_change(rows),
        hovertemplate="NPS %{y:.0f} ± %{customdata[1]:.0f} (n = %{customdata[0]})%{text}<extra></extra>"))
    figure.add_hline(y=0, line={"color": "#6c757d", "width": 1})
    figure.update_yaxes(range=[-100, 100])
    return styled(figure, "Net Promoter Score with its margin of error")


def csat_chart(csat: pd.DataFrame) -> go.Figure:
    """CSAT (share satisfied) per wave with its Wilson 95% interval."""
    rows = csat.sort_values("wave_order")
    figure = go.Figure(go.Scatter(
        x=rows["wave"], y=rows["share"], mode="lines+markers", name="CSAT",
        marker={"symbol": ["diamond" if sig else "circle" for sig in rows["significant"]], "size": 10},
        error_y={"type": "data", "symmetric": False, "array": rows["ci_high"] - rows["share"],
                 "arrayminus": rows["share"] - rows["ci_low"], "thickness": 1, "width": 4},
        customdata=rows["n"], hovertemplate="%{y:.0%} satisfied (n = %{customdata})<extra></extra>"))
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return styled(figure, "CSAT: share answering 4 or 5")


def response_rate_chart(rates: pd.DataFrame) -> go.Figure:
    """Response rate per customer group for one wave."""
    rows = rates.dropna(subset=["rate"]).sort_values("rate")
    figure = go.Figure(go.Bar(
        y=rows["customer_group"], x=rows["rate"], orientation="h", marker={"color": PALETTE[1]},
        customdata=rows[["responses", "invited"]],
        hovertemplate="%{x:.0%}: %{customdata[0]} of %{customdata[1]} invited<extra></extra>"))
    figure.update_xaxes(tickformat=".0%", showgrid=True, gridcolor="#e9ecef")
    figure.update_layout(hovermode="closest")
    figure.update_yaxes(automargin=True)
    return styled(figure, "Response rate by customer group", height=max(280, 30 * len(rows) + 110))
