"""The management pack's self-service part: the top routine candidates of the period, in PowerPoint, HTML and the
tables, with the same figures as the Self-service page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation

from infodash.pack import ManagementPack, pack_content
from infodash.pack_html import render_html
from infodash.pack_pptx import render_pptx
from infodash.pack_self_service import NO_SELF_SERVICE, TOP_CANDIDATES
from infodash.periods import Period, parse_period
from infodash.self_service import opportunities
from tests.conftest import LONDON, at

NOW = at("2026-11-23 12:00")
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))


@pytest.fixture(scope="module")
def pack(module_demo_store):
    return ManagementPack(pack_content(module_demo_store, parse_period("2026-Q3"), LONDON, now=NOW), made_by="Ana Costa")


def test_the_pack_lists_the_top_routine_candidates_of_the_quarter_as_the_page_does(module_demo_store, pack):
    found = opportunities(module_demo_store, Q3, LONDON)
    expected = found.candidates[found.candidates["routine"]].head(TOP_CANDIDATES)
    chart = next(chart for chart in pack.charts() if chart.key == "self_service")
    assert chart.categories == tuple(expected["label"])
    assert chart.series[0][1] == pytest.approx(tuple(expected["hours_per_month"]))
    assert chart.categories[0] == "Access to account pipeline in the data warehouse for ‹name›"
    table = next(table for table in pack.tables() if table.key == "self_service")
    assert table.frame["requests"].tolist() == expected["requests"].tolist()
    assert table.note.startswith(f"Routine requests: {found.routine_requests:,} of {found.requests:,} (")


def test_the_slide_and_the_html_section_show_the_candidates(pack):
    deck = Presentation(io.BytesIO(render_pptx(pack)))
    slide = next(slide for slide in deck.slides if slide.shapes.title.text == "Self-service opportunities")
    chart = next(shape.chart for shape in slide.shapes if shape.has_chart)
    assert "Access to account pipeline in the data warehouse for ‹name›" in list(chart.plots[0].categories)
    assert "Routine requests:" in slide.notes_slide.notes_text_frame.text
    html = render_html(pack)
    assert '<section id="self-service"><h2>Self-service opportunities</h2>' in html
    assert "Access to account pipeline in the data warehouse for ‹name›" in html


def test_without_subjects_the_pack_says_so(fixture_store):
    pack = ManagementPack(pack_content(fixture_store, parse_period("2026-11"), LONDON, now=at("2026-11-30 12:00")))
    assert "self_service" not in {chart.key for chart in pack.charts()}
    assert pack.why_no_chart("self_service") == NO_SELF_SERVICE
    assert NO_SELF_SERVICE in render_html(pack)
