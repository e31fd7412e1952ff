"""The PowerPoint deck of the management pack, opened again with python-pptx: its slides, native charts
whose numbers are the library's own, speaker notes, and type large enough for a projector."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from infodash.comment_themes import survey_comment_themes, theme_table
from infodash.groups import breakdown
from infodash.instruments import waves
from infodash.movers import what_changed
from infodash.pack import ManagementPack, PackTexts, pack_content
from infodash.pack_pptx import _fitting_size, render_pptx
from infodash.periods import Period, parse_period, week_containing
from infodash.review import period_figures
from infodash.sla_reports import attainment_by, weekly_attainment
from infodash.surveys import dimension_scores, latest_wave_summary, nps_with_margin
from tests.conftest import LONDON, at

NOW = at("2026-11-23 12:00")
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1))
TITLES = ["Management pack", "What changed", "Requests at a glance", "Requests by service", "Requests by customer group",
          "Service levels against each policy", "Service-level trend", "Customers at a glance",
          "Reach across the organisation", "Satisfaction", "How customers rate each dimension", "Net Promoter Score",
          "What customers said", "Comment themes", "Acting on usage", "Self-service opportunities",
          "You said, we did", "Performance initiatives", "Performance initiatives (continued)", "Achievements",
          "Plans"]


@pytest.fixture(scope="module")
def deck(module_demo_store):
    """The Q3 2026 pack of the demo organisation, with two comments and the lead's texts, as a reopened deck."""
    content = pack_content(module_demo_store, parse_period("2026-Q3"), LONDON, now=NOW)
    texts = PackTexts("Launched the patent alert service\nTrained 120 people", "Extend chat hours",
                      tuple(int(response_id) for response_id in content.survey.comment_choices["response_id"][:2]))
    data = render_pptx(ManagementPack(content, texts, "Ana Costa", NOW))
    return Presentation(io.BytesIO(data)), content


def _charts(presentation) -> dict[str, object]:
    return {slide.shapes.title.text: shape.chart for slide in presentation.slides for shape in slide.shapes
            if shape.has_chart}


def _series(chart) -> dict[str, dict[str, float | None]]:
    plot = chart.plots[0]
    return {series.name: dict(zip(plot.categories, series.values, strict=True)) for series in plot.series}


def _plain(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(value) else float(value) for value in values]


def test_the_deck_has_one_slide_per_idea_in_order(deck):
    presentation, _ = deck
    assert [slide.shapes.title.text for slide in presentation.slides] == TITLES
    assert presentation.slide_width / presentation.slide_height == pytest.approx(16 / 9, abs=0.01)


def test_the_title_slide_names_the_period_the_filters_and_who_made_it(deck):
    presentation, _ = deck
    text = " ".join(shape.text_frame.text for shape in presentation.slides[0].shapes if shape.has_text_frame)
    assert "Q3 2026 (1 Jul - 30 Sep 2026)" in text and "All customer groups; all services" in text
    assert "Prepared by Ana Costa on 23 Nov 2026" in text


def test_charts_are_native_and_their_numbers_are_the_librarys(deck, module_demo_store):
    presentation, _ = deck
    assert not [shape for slide in presentation.slides for shape in slide.shapes
                if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    charts = _charts(presentation)
    assert len(charts) == 8  # with the self-service opportunities

    def by(frame: pd.DataFrame, key: str, column: str) -> dict[str, float | None]:
        return dict(zip(frame[key], _plain(frame[column]), strict=True))

    by_service = attainment_by(module_demo_store, "service", Q3, LONDON, now=NOW)
    assert _series(charts["Requests by service"])["Requests"] == by(by_service, "value", "requests")
    assert _series(charts["Requests by service"])["Declined"] == by(by_service, "value", "declined")

    groups = breakdown(module_demo_store, "customer group", Q3, LONDON, now=NOW).cells
    assert _series(charts["Requests by customer group"])["Received"] == by(groups, "cell", "received")
    assert _series(charts["Reach across the organisation"])["Share reached"] == by(groups, "cell", "reach_share")

    policies = attainment_by(module_demo_store, "policy", Q3, LONDON, now=NOW)
    assert _series(charts["Service levels against each policy"])["Attainment"] == by(policies, "value", "attainment")

    weekly = weekly_attainment(module_demo_store, week_containing(dt.date(2026, 9, 30)), LONDON, weeks=14, now=NOW)
    trend = charts["Service-level trend"].plots[0]
    assert list(trend.series[0].values) == _plain(weekly["attainment"])
    assert list(trend.categories)[0] == "29 Jun"  # whole weeks: the week of 1 July starts on Monday 29 June

    survey = latest_wave_summary(module_demo_store, dt.date(2026, 9, 30))
    order = waves(module_demo_store, survey.survey_id)
    shown = order.loc[:order.index[order["wave_id"] == survey.wave_id][0], "wave_id"].tolist()
    scores = dimension_scores(module_demo_store, survey.survey_id, wave_ids=shown[-2:])
    scores = scores[(scores["unit"] != "overall") & (scores["measure"] == survey.headline_measure)]
    drawn = _series(charts["How customers rate each dimension"])
    # approx: DuckDB adds floating-point answers in parallel, so two reads may differ in the last digit
    assert {(wave, unit.lower()): value for wave, values in drawn.items() for unit, value in values.items()} == (
        pytest.approx({(row.wave, row.unit): row.mean for row in scores.itertuples()}, rel=1e-12))
    nps = nps_with_margin(module_demo_store, survey.survey_id, wave_ids=shown)
    drawn = _series(charts["Net Promoter Score"])
    assert drawn["NPS"] == dict(zip(nps["wave"], _plain(nps["nps"])))
    assert drawn["Low"] == dict(zip(nps["wave"], _plain(nps["nps"] - nps["margin"])))


def test_every_slide_has_speaker_notes_explaining_its_numbers(deck, module_demo_store):
    presentation, _ = deck
    notes = {slide.shapes.title.text: slide.notes_slide.notes_text_frame.text for slide in presentation.slides}
    assert all(text.strip() for text in notes.values())
    received = int(period_figures(module_demo_store, [Q3], LONDON)["received"].iloc[0])
    assert f"Requests received: {received:,}. Requests received in the period" in notes["Requests at a glance"]
    assert "In the same quarter last year, Q3 2025 (1 Jul - 30 Sep 2025)" in notes["Requests at a glance"]
    assert "Attainment = requests resolved within target" in notes["Service levels against each policy"]
    assert "Market & company intelligence: Requests" in notes["Requests by service"]
    assert "Service-level attainment" in notes["Requests at a glance"] and "Against its target: " in notes[
        "Requests at a glance"]
    tiles = " ".join(shape.text_frame.text for shape in presentation.slides[2].shapes if shape.has_text_frame)
    assert "95% target" in tiles or "target 95%: met" in tiles  # the tile says the verdict, not only the change


def test_type_is_large_enough_for_a_projector(deck):
    presentation, _ = deck
    sizes = [run.font.size for slide in presentation.slides for shape in slide.shapes if shape.has_text_frame
             for paragraph in shape.text_frame.paragraphs for run in paragraph.runs if run.font.size]
    assert sizes and min(sizes) >= Pt(16)
    assert all(chart.font.size >= Pt(16) for chart in _charts(presentation).values())


def test_the_leads_texts_and_chosen_comments_have_their_slides(deck):
    presentation, content = deck
    text = {slide.shapes.title.text: " ".join(shape.text_frame.text for shape in slide.shapes
                                              if shape.has_text_frame and shape != slide.shapes.title)
            for slide in presentation.slides}
    assert "Launched the patent alert service" in text["Achievements"] and "Trained 120 people" in text["Achievements"]
    assert "Extend chat hours" in text["Plans"]
    for comment in content.survey.comment_choices["comment"][:2]:
        assert comment in text["What customers said"]


def test_a_figure_gets_the_largest_type_that_keeps_it_on_one_line_of_its_tile():
    tile = int(2.5 * 914_400)  # 180 points wide, 165.6 inside its margins
    assert _fitting_size("94.7%", tile) == Pt(40)  # short: the full size (165.6 / (0.72 * 5) = 46)
    assert _fitting_size("171,230", tile) == Pt(32)  # 165.6 / (0.72 * 7) = 32.9
    assert _fitting_size("fewer than 5 responses", tile) == Pt(16)  # never below 16: it wraps instead


def test_the_comment_themes_slide_tables_the_latest_waves_themes_as_the_library_finds_them(deck, module_demo_store):
    presentation, content = deck
    slide = next(slide for slide in presentation.slides if slide.shapes.title.text == "Comment themes")
    [grid] = [shape.table for shape in slide.shapes if shape.has_table]
    survey = content.survey.satisfaction
    themes = survey_comment_themes(module_demo_store, survey.survey_id, wave_ids=[survey.wave_id])
    assert themes.found
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    assert rows[0] == ["Theme", "Comments", themes.score.label, "Customer groups", "Typical comment"]
    assert [row[0] for row in rows[1:]] == themes.themes["label"].tolist()
    assert [int(row[1]) for row in rows[1:]] == themes.themes["comments"].tolist()
    assert [row[2] for row in rows[1:]] == theme_table(themes)["average_score"].tolist()
    notes = slide.notes_slide.notes_text_frame.text
    assert f"{survey.survey}, {survey.wave}" in notes and "TF-IDF with NMF" in notes
    assert all(size >= Pt(12) for size in _table_sizes(grid))


def _table_sizes(grid) -> list:
    return [run.font.size for row in grid.rows for cell in row.cells for paragraph in cell.text_frame.paragraphs
            for run in paragraph.runs]


def test_the_first_page_after_the_title_says_what_changed_from_the_previous_quarter(deck, module_demo_store):
    presentation, content = deck
    slide = presentation.slides[1]
    assert slide.shapes.title.text == "What changed"
    text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    expected = what_changed(module_demo_store, Q3, Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1)), LONDON,
                            now=NOW, compared_with="the previous quarter, Q2 2026 (1 Apr - 30 Jun 2026)")
    assert content.what_changed.sentences == expected.sentences
    assert all(sentence in text for sentence in expected.sentences)
    notes = slide.notes_slide.notes_text_frame.text
    assert expected.summary in notes and "Benjamini-Hochberg" in notes
    assert all(row.test in notes for row in expected.movers.itertuples())
