"""Names in charts (customer groups, services, resources, waves) are shown as typed, never read as HTML."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from infodash.ui.charts import shown_as_typed
from infodash.ui.group_charts import heat_map
from infodash.ui.sla_charts import breakdown_chart

TYPED = "<a href='https://example.org'>R&D</a> <b>lab</b>"
ESCAPED = "&lt;a href='https://example.org'&gt;R&amp;D&lt;/a&gt; &lt;b&gt;lab&lt;/b&gt;"


def test_categories_series_hover_data_and_orders_are_escaped_and_numbers_left_alone():
    figure = go.Figure(go.Bar(x=[3, 4], y=[TYPED, "Legal"], name=TYPED, orientation="h",
                              customdata=[[TYPED, 1], ["Legal", 2]], text=["line<br>two", ""]))
    figure.update_yaxes(categoryorder="array", categoryarray=["Legal", TYPED])
    figure.update_layout(title=TYPED)
    figure.add_annotation(text=TYPED, x=1, y=1)
    shown = shown_as_typed(figure)
    bar = shown.data[0]
    assert list(bar.y) == [ESCAPED, "Legal"] and bar.name == ESCAPED
    assert list(bar.x) == [3, 4]
    assert [list(row) for row in bar.customdata] == [[ESCAPED, 1], ["Legal", 2]]
    assert list(shown.layout.yaxis.categoryarray) == ["Legal", ESCAPED]
    assert shown.layout.title.text == ESCAPED and shown.layout.annotations[0].text == ESCAPED
    assert list(bar.text) == ["line<br>two", ""]  # the chart's own labels keep their line breaks
    assert "<a " not in json.dumps(shown.to_plotly_json(), default=str).replace("<br>", "")


def test_the_pages_charts_escape_a_group_or_policy_named_with_markup():
    grid = pd.DataFrame({"cell": [TYPED, "Legal"], "service": ["Desk research", "Desk research"],
                         "requests": [5, 7]})
    levels = pd.DataFrame({"value": [TYPED], "attainment": [0.9], "requests": [10], "met": [9],
                           "breached": [1], "open_breached": [0], "primary_target": [0.95]})
    for figure in (heat_map(grid, "service", "requests", "Requests per customer group and service"),
                   breakdown_chart(levels, "Policy", 0.95)):
        escaped = shown_as_typed(figure)
        assert "<a " not in json.dumps(escaped.to_plotly_json(), default=str)
        assert ESCAPED in json.dumps(escaped.to_plotly_json(), default=str)


def test_a_figure_without_markup_is_unchanged():
    figure = go.Figure(go.Scatter(x=["Jun 29", "Jul 6"], y=[0.9, 0.95], name="Attainment"))
    before = figure.to_plotly_json()
    assert shown_as_typed(figure).to_plotly_json() == before
