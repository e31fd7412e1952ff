"""The pack's "You said, we did": the complaints and suggestions resolved in the period with the response given,
with how well the loop was closed, in the spreadsheet, the HTML report and a PowerPoint slide."""

from __future__ import annotations

import io

import openpyxl
from pptx import Presentation

from infodash.pack import ManagementPack, pack_content
from infodash.pack_html import render_html
from infodash.pack_pptx import render_pptx
from infodash.pack_tables import render_xlsx
from infodash.periods import parse_period
from tests.conftest import LONDON, at

NOW = at("2026-11-23 12:00")
COLUMNS = ("kind, category, severity, customer_id, description, status, received_at, acknowledged_at, resolved_at, "
           "response, customer_told_at, source, created_by, service_id")


def add_items(store):
    with store.writing() as db:
        db.executemany(f"INSERT INTO feedback_items ({COLUMNS}) VALUES (?, 'other', ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "'staff', 'fixture', ?)", [
            # resolved in week 47, acknowledged the same day, customer told
            ("suggestion", None, 2, "Open <earlier>", "resolved", at("2026-11-18 09:00"), at("2026-11-18 11:00"),
             at("2026-11-19 15:00"), "We open at 8 from December", at("2026-11-19 16:00"), 1),
            # a compliment is thanked, not listed
            ("compliment", None, 1, "Great help", "resolved", at("2026-11-17 09:00"), at("2026-11-17 10:00"),
             at("2026-11-17 10:00"), "Passed on", None, 1),
            # received in the week, acknowledged two working days later (late), still open
            ("complaint", "high", 3, "Rude reply", "acknowledged", at("2026-11-16 10:00"), at("2026-11-18 10:00"),
             None, None, None, 2),
        ])


def test_the_week_lists_what_was_said_and_done_with_how_the_loop_was_closed(fixture_store):
    add_items(fixture_store)
    content = pack_content(fixture_store, parse_period("2026-W47"), LONDON, now=NOW)
    section = content.feedback
    assert section.items[["kind", "service", "you_said", "we_did"]].values.tolist() == [
        ["Suggestion", "Desk research", "Open <earlier>", "We open at 8 from December"]]
    # 3 received; acknowledged in time: the suggestion (0) and the compliment (0), not the complaint (2);
    # no complaint resolved or past 10 working days; told: 1 of the 2 resolved
    assert section.summary() == ("Received 3 feedback items (1 complaint, 1 compliment, 1 suggestion); 66.7% "
                                 "acknowledged within 1 working day(s); 50.0% of customers told the outcome.")
    pack = ManagementPack(content, made_by="Ana Costa", made_at=NOW)

    html = render_html(pack)
    assert '<section id="you-said-we-did"><h2>You said, we did</h2>' in html
    assert "<td>Open &lt;earlier&gt;</td><td>We open at 8 from December</td><td>19 Nov 2026</td>" in html

    deck = Presentation(io.BytesIO(render_pptx(pack)))
    slide = next(slide for slide in deck.slides if slide.shapes.title.text == "You said, we did")
    text = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert "You said: \u201cOpen <earlier>\u201d We did: We open at 8 from December" in text
    assert section.summary() in slide.notes_slide.notes_text_frame.text

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(pack)))
    rows = list(book["you_said_we_did"].iter_rows(values_only=True))
    assert rows[0][:4] == ("kind", "service", "you_said", "we_did") and rows[1][2] == "Open <earlier>"


def test_a_period_without_resolved_feedback_says_so(fixture_store):
    content = pack_content(fixture_store, parse_period("2026-W47"), LONDON, now=NOW)
    assert content.feedback.items.empty
    assert content.feedback.summary() == "Received 0 feedback items (0 complaints, 0 compliments, 0 suggestions)."
    html = render_html(ManagementPack(content))
    assert "No complaints or suggestions were resolved in this period." in html
    deck = Presentation(io.BytesIO(render_pptx(ManagementPack(content))))
    slide = next(slide for slide in deck.slides if slide.shapes.title.text == "You said, we did")
    assert any("No complaints or suggestions" in shape.text_frame.text for shape in slide.shapes
               if shape.has_text_frame)
