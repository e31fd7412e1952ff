"""The management pack's performance initiatives: each initiative open in the period with its target, baseline,
actual and verdict as of the period's end, as the Scorecard computes them; a native table in the deck (the verdict
in its colour), a section of the HTML report, a sheet of the tables."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation

from infodash.formatting import VERDICT_COLOURS
from infodash.initiatives import InitiativeDraft, initiative_progress, get_initiative, record_initiative
from infodash.pack import ManagementPack, PackTexts, pack_content
from infodash.pack_html import render_html
from infodash.pack_initiatives import NO_INITIATIVES
from infodash.pack_pptx import render_pptx
from infodash.periods import parse_period
from tests.conftest import LONDON, at
from tests.people import lead

NOW = at("2026-11-23 12:00")


@pytest.fixture(scope="module")
def q3(module_demo_store):
    content = pack_content(module_demo_store, parse_period("2026-Q3"), LONDON, now=NOW)
    return content, ManagementPack(content, PackTexts(), "Ana Costa", NOW)


def test_the_pack_lists_the_initiatives_open_in_the_period_with_their_figures_at_its_end(q3, module_demo_store):
    content, _ = q3
    frame = content.initiatives.set_index("initiative_id")
    assert len(frame) == 8  # all the demo's started by 30 Sep; the one closed in July was open in July
    assert frame["perspective"].unique().tolist() == ["Customer", "Internal process", "Learning and growth", "Value"]
    # as of the period's end: the weeks up to 21-27 Sep, the last whole week of Q3
    initiative = get_initiative(module_demo_store, 3)
    progress = initiative_progress(module_demo_store, initiative, dt.date(2026, 10, 1), LONDON, NOW)
    assert frame.at[3, "verdict"] == "Not yet measured" == {"not_measured": "Not yet measured"}[progress.verdict]
    assert frame.at[3, "baseline"] == initiative.metric.written(progress.baseline, average=True) == "15.6%"
    assert frame.at[3, "target"] == "Share of customers reached (13 weeks) of Operations at least 20.0%"
    assert frame.at[3, "last_review"] == ""  # its review (9 Nov) came after the period
    assert frame.at[8, "last_review"] == "20 Jul 2026: close"


def test_the_deck_shows_them_as_a_native_table_with_the_verdict_in_its_colour(q3):
    content, pack = q3
    presentation = Presentation(io.BytesIO(render_pptx(pack)))
    slides = [slide for slide in presentation.slides if slide.shapes.title.text.startswith("Performance initiatives")]
    assert len(slides) == 2  # five to a slide
    rows = []
    for slide in slides:
        [table] = [shape.table for shape in slide.shapes if shape.has_table]
        rows += [[cell.text for cell in row.cells] for row in list(table.rows)[1:]]
        assert [cell.text for cell in table.rows[0].cells] == ["Perspective", "Initiative", "Target", "Baseline",
                                                             "Last 4 weeks", "Verdict"]
    assert [row[1] for row in rows] == content.initiatives["initiative"].tolist()
    assert [row[5] for row in rows] == content.initiatives["verdict"].tolist()
    first = [shape.table for shape in slides[0].shapes if shape.has_table][0]
    colours = {str(first.cell(number, 5).text_frame.paragraphs[0].runs[0].font.color.rgb)
               for number in range(1, len(first.rows))}
    assert colours <= {VERDICT_COLOURS["met"].lstrip("#").upper(), VERDICT_COLOURS["missed"].lstrip("#").upper(),
                       "6C757D"}
    notes = slides[0].notes_slide.notes_text_frame.text
    assert "On track when the average of the latest 4 whole weeks" in notes
    assert content.initiatives["summary"].iloc[0] in notes


def test_the_html_report_has_their_section_with_the_verdicts_coloured(q3):
    content, pack = q3
    html = render_html(pack)
    section = html[html.index('<section id="initiatives">'):]
    assert "Make market intelligence part of account planning" in section
    assert f'color: {VERDICT_COLOURS["met"]}; font-weight: bold">On track</td>' in section
    assert f'color: {VERDICT_COLOURS["missed"]}; font-weight: bold">Not on track</td>' in section
    assert [table.key for table in pack.tables()].count("initiatives") == 1


def test_a_pack_without_initiatives_says_so_and_typed_text_stays_text(fixture_store):
    content = pack_content(fixture_store, parse_period("2026-W47"), LONDON, now=NOW)
    assert content.initiatives.empty
    deck = Presentation(io.BytesIO(render_pptx(ManagementPack(content))))
    [slide] = [slide for slide in deck.slides if slide.shapes.title.text == "Performance initiatives"]
    assert NO_INITIATIVES in slide.notes_slide.notes_text_frame.text
    assert NO_INITIATIVES in render_html(ManagementPack(content))
    record_initiative(fixture_store, InitiativeDraft(
        "Answer <b>faster</b> & better", "internal", "", "received", "all", None, None, "at_least", 2.0,
        dt.date(2026, 11, 9), dt.date(2026, 12, 7), owner="Ana Costa"), lead(), dt.date(2026, 11, 23), NOW)
    content = pack_content(fixture_store, parse_period("2026-W47"), LONDON, now=NOW)
    html = render_html(ManagementPack(content))
    assert "Answer &lt;b&gt;faster&lt;/b&gt; &amp; better" in html and "<b>faster" not in html
    assert content.initiatives["actual"].tolist() == ["3.5"]  # 2 and 5 requests in the weeks of 9 and 16 Nov
