"""The wave's expected-against-perceived chart: one line per dimension from what customers expected to what they
perceived, red where perception falls short, green where it meets or beats the expectation."""

from __future__ import annotations

import pandas as pd

from infodash.ui.charts import shown_as_typed
from infodash.ui.survey_charts import gap_chart

TABLE = pd.DataFrame({"unit": ["overall", "empathy", "tangibles"], "expectation": [5.8, 5.9, 5.0],
                      "perception": [5.3, 5.2, 5.5], "gap": [-0.5, -0.7, 0.5]})
LABELS = {"overall": "Overall", "empathy": "Empathy", "tangibles": "Tangibles"}


def test_each_dimension_has_its_line_from_expected_to_perceived_coloured_by_its_gap():
    figure = gap_chart(TABLE, LABELS)
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert [trace.line.color for trace in lines] == ["#c73e1d", "#3b8b5a"]  # short of expectations, then met
    short, met = lines
    # a gap (no x) after each line keeps the lines of one colour apart
    assert list(zip(short.y, short.x)) == [("Empathy", 5.9), ("Empathy", 5.2), ("Empathy", None),
                                           ("Overall", 5.8), ("Overall", 5.3), ("Overall", None)]
    assert list(zip(met.y, met.x)) == [("Tangibles", 5.0), ("Tangibles", 5.5), ("Tangibles", None)]
    expected, perceived = [trace for trace in figure.data if trace.mode == "markers"]
    assert list(expected.y) == list(perceived.y) == ["Tangibles", "Empathy", "Overall"]  # the first unit on top
    assert list(perceived.x) == [5.5, 5.2, 5.3]
    assert list(figure.layout.yaxis.categoryarray) == ["Tangibles", "Empathy", "Overall"]  # not the lines' order


def test_a_wave_where_every_dimension_falls_short_draws_no_empty_green_trace_and_survives_escaping():
    figure = shown_as_typed(gap_chart(TABLE.iloc[:2], LABELS))
    assert [trace.line.color for trace in figure.data if trace.mode == "lines"] == ["#c73e1d"]
